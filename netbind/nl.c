#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "netbind/nl.h"

int
nl_open(struct nl *n, unsigned int groups)
{
	int	 on = 1, saved;

	/* Not the receive buffer: writing it all would make its pages
	 * the process's own for nothing. */
	n->portid = 0;
	n->seq = 0;
	n->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC |
	    (groups != 0 ? SOCK_NONBLOCK : 0));
	if (n->sock == NULL)
		return -1;
	if (mnl_socket_bind(n->sock, groups, MNL_SOCKET_AUTOPID) != 0)
		goto fail;
	/* Let the kernel filter dumps by interface (Linux >= 4.20); the
	 * callbacks filter again for older kernels. */
	(void)mnl_socket_setsockopt(n->sock, NETLINK_GET_STRICT_CHK, &on,
	    sizeof(on));
	n->portid = mnl_socket_get_portid(n->sock);
	n->seq = (unsigned int)time(NULL);
	return 0;
fail:
	saved = errno;
	mnl_socket_close(n->sock);
	n->sock = NULL;
	errno = saved;
	return -1;
}

void
nl_close(struct nl *n)
{
	if (n->sock != NULL)
		mnl_socket_close(n->sock);
	n->sock = NULL;
}

bool
nl_batch_ok(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	size_t		 off = 0;

	while (off + sizeof(*nlh) <= len) {
		nlh = (const struct nlmsghdr *)((const uint8_t *)buf + off);
		/* Attribute walks end at the aligned length: it must fit
		 * too (the kernel's messages are all multiples of 4). */
		if (nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > len - off ||
		    NLMSG_ALIGN(nlh->nlmsg_len) > len - off)
			return false;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return true;
}

int
nl_parse(const void *buf, size_t len, unsigned int seq, unsigned int portid,
    mnl_cb_t cb, void *arg)
{
	if (!nl_batch_ok(buf, len)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return mnl_cb_run(buf, len, seq, portid, cb, arg);
}

/*
 * An interface's state and addresses, asked of the kernel: RTM_GETLINK by
 * name (index and IFF_UP), then an RTM_GETADDR dump for that index.
 */
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netbind/nl.h"

const char *
netbind_status_text(enum netbind_status s)
{
	switch (s) {
	case NETBIND_OK:	return "ok";
	case NETBIND_NO_IFACE:	return "no such interface";
	case NETBIND_DOWN:	return "interface is down";
	case NETBIND_NO_ADDR:	return "interface has no usable address";
	case NETBIND_ERROR:	return "netlink error";
	}
	return "unknown";
}

/* The kernel's rule (dev_valid_name). */
bool
netbind_valid_name(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n >= IF_NAMESIZE || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' ||
		    isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* Send the request in n->buf, run cb over every reply until done. */
static int
nl_talk(struct nl *n, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	unsigned int	 seq = nlh->nlmsg_seq;
	ssize_t		 len;
	int		 r;

	if (mnl_socket_sendto(n->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		len = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		r = nl_parse(n->buf, (size_t)len, seq, n->portid, cb, arg);
		if (r == MNL_CB_ERROR)
			return -1;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

int
nl_link_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct link_result *lr = arg;
	const struct ifinfomsg *ifi;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) != IFLA_IFNAME ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			continue;
		if (strcmp(mnl_attr_get_str(a), lr->name) != 0)
			return MNL_CB_OK;
		lr->index = (unsigned int)ifi->ifi_index;
		lr->flags = ifi->ifi_flags;
		lr->found = true;
	}
	return MNL_CB_OK;
}

static bool
addr_usable(int family, const uint8_t *a, uint32_t flags)
{
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return false;
	/* Link-local v6 needs a scope id: skipped (netbind.h says why). */
	if (family == AF_INET6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return false;
	return true;
}

int
nl_addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct addr_result *ar = arg;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a, *local = NULL, *address = NULL, *use;
	struct netbind_addr *na;
	uint32_t	 flags;
	size_t		 alen;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_index != ar->index ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	flags = ifa->ifa_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(a)) {
		case IFA_LOCAL:
			local = a;
			break;
		case IFA_ADDRESS:
			address = a;
			break;
		case IFA_FLAGS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				flags = mnl_attr_get_u32(a);
			break;
		}
	}
	/* IFA_LOCAL is ours where both exist (the other: a p2p peer). */
	use = local != NULL ? local : address;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (use == NULL || mnl_attr_get_payload_len(use) != alen)
		return MNL_CB_OK;
	if (ar->n == sizeof(ar->found) / sizeof(ar->found[0])) {
		ar->truncated = true;
		return MNL_CB_OK;
	}
	na = &ar->found[ar->n];
	memset(na, 0, sizeof(*na));
	na->family = ifa->ifa_family;
	memcpy(na->addr, mnl_attr_get_payload(use), alen);
	na->prefix = ifa->ifa_prefixlen;
	if (addr_usable(na->family, na->addr, flags))
		ar->n++;
	return MNL_CB_OK;
}

static int
nl_get_link(struct nl *n, const char *name, struct link_result *lr)
{
	struct nlmsghdr	*nlh;
	struct ifinfomsg *ifi;

	memset(lr, 0, sizeof(*lr));
	lr->name = name;
	nlh = mnl_nlmsg_put_header(n->buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++n->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (nl_talk(n, nlh, nl_link_cb, lr) != 0)
		return errno == ENODEV ? 0 : -1;
	return 0;
}

static int
nl_get_addrs(struct nl *n, struct addr_result *ar)
{
	struct nlmsghdr	*nlh;
	struct ifaddrmsg *ifa;

	nlh = mnl_nlmsg_put_header(n->buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++n->seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	ifa->ifa_index = ar->index;
	return nl_talk(n, nlh, nl_addr_cb, ar);
}

/* IPv6 first: conn takes its MTU from the first socket, and v6's is the
 * smaller (as with mosh's one dual-stack socket). */
void
nl_keep_addrs(const struct addr_result *ar, struct netbind_iface *ifc)
{
	size_t	 i, pass;
	int	 family;

	for (pass = 0; pass < 2; pass++) {
		family = pass == 0 ? AF_INET6 : AF_INET;
		for (i = 0; i < ar->n; i++) {
			if (ar->found[i].family != family)
				continue;
			if (ifc->naddrs == NETBIND_MAX_ADDRS) {
				ifc->truncated = true;
				return;
			}
			ifc->addrs[ifc->naddrs++] = ar->found[i];
		}
	}
	ifc->truncated = ifc->truncated || ar->truncated;
}

enum netbind_status
nl_resolve(struct nl *n, const char *name, struct netbind_iface *ifc)
{
	struct link_result lr;
	struct addr_result *ar;
	enum netbind_status st;

	memset(ifc, 0, sizeof(*ifc));
	if (!netbind_valid_name(name))
		return NETBIND_NO_IFACE;
	strncpy(ifc->name, name, sizeof(ifc->name) - 1);
	if (nl_get_link(n, name, &lr) != 0)
		return NETBIND_ERROR;
	if (!lr.found)
		return NETBIND_NO_IFACE;
	ifc->index = lr.index;
	ifc->up = (lr.flags & IFF_UP) != 0;
	if ((ar = calloc(1, sizeof(*ar))) == NULL)
		return NETBIND_ERROR;
	ar->index = lr.index;
	if (nl_get_addrs(n, ar) != 0) {
		free(ar);
		return NETBIND_ERROR;
	}
	nl_keep_addrs(ar, ifc);
	free(ar);
	if (!ifc->up)
		st = NETBIND_DOWN;
	else if (ifc->naddrs == 0)
		st = NETBIND_NO_ADDR;
	else
		st = NETBIND_OK;
	return st;
}

enum netbind_status
netbind_resolve(const char *name, struct netbind_iface *ifc)
{
	struct nl	*n;
	enum netbind_status st;

	if ((n = malloc(sizeof(*n))) == NULL)
		return NETBIND_ERROR;
	if (nl_open(n, 0) != 0) {
		free(n);
		return NETBIND_ERROR;
	}
	st = nl_resolve(n, name, ifc);
	nl_close(n);
	free(n);
	return st;
}

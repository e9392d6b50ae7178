/*
 * Following an interface: a netlink socket subscribed to link and
 * address events, and a query socket to resolve again when one concerns
 * us, opened for that resolve and closed after it (a session may wait
 * for days with only the event socket open). Events are only a trigger;
 * the truth is always a fresh resolve, so a lost event (ENOBUFS) costs
 * nothing but a resync.
 */
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "netbind/nl.h"
#include "proto/clock.h"

struct netbind_watch {
	bool		 any;		/* every interface: no name, no queries */
	char		 name[IF_NAMESIZE];
	unsigned int	 index;		/* last resolved; 0: none */
	struct nl	 ev;
	struct nl	 q;
};

struct netbind_watch *
netbind_watch_open(const char *name)
{
	struct netbind_watch *w;
	int		 saved;

	if (name != NULL && !netbind_valid_name(name))
		return errno = EINVAL, NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->any = name == NULL;
	if (name != NULL)
		strncpy(w->name, name, sizeof(w->name) - 1);
	if (nl_open(&w->ev, RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
	    RTMGRP_IPV6_IFADDR) != 0)
		goto fail;
	return w;
fail:
	saved = errno;
	free(w);
	errno = saved;
	return NULL;
}

int
netbind_watch_fd(const struct netbind_watch *w)
{
	return mnl_socket_get_fd(w->ev.sock);
}

void
netbind_watch_close(struct netbind_watch *w)
{
	if (w == NULL)
		return;
	nl_close(&w->ev);
	nl_close(&w->q);
	free(w);
}

/* A link event about our name (it may be new, renamed or gone) or index. */
static bool
link_concerns(const char *name, unsigned int index,
    const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return false;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (index != 0 && (unsigned int)ifi->ifi_index == index)
		return true;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
		    strcmp(mnl_attr_get_str(a), name) == 0)
			return true;
	}
	return false;
}

static bool
addr_concerns(unsigned int index, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return false;
	ifa = mnl_nlmsg_get_payload(nlh);
	/* Unknown index: the link event that names it comes first. */
	return index != 0 && ifa->ifa_index == index;
}

bool
nl_events_concern(const char *name, unsigned int index, const void *buf,
    size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int		 left = (int)len;

	/* Not from the kernel: cannot tell, so resolve again. */
	if (!nl_batch_ok(buf, len))
		return true;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		switch (nlh->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
			if (name == NULL || link_concerns(name, index, nlh))
				return true;
			break;
		case RTM_NEWADDR:
		case RTM_DELADDR:
			if (name == NULL || addr_concerns(index, nlh))
				return true;
			break;
		}
	}
	return false;
}

int
netbind_watch_read(struct netbind_watch *w)
{
	ssize_t	 n;
	int	 changed = 0;

	for (;;) {
		n = mnl_socket_recvfrom(w->ev.sock, w->ev.buf,
		    sizeof(w->ev.buf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return changed;
			if (errno == EINTR)
				continue;
			/* Overrun: events were lost, so resync. */
			if (errno == ENOBUFS) {
				changed = 1;
				continue;
			}
			return -1;
		}
		if (nl_events_concern(w->any ? NULL : w->name, w->index,
		    w->ev.buf, (size_t)n))
			changed = 1;
	}
}

enum netbind_status
netbind_watch_resolve(struct netbind_watch *w, struct netbind_iface *ifc)
{
	enum netbind_status st;

	if (w->any)
		return errno = EINVAL, NETBIND_ERROR;
	if (nl_open(&w->q, 0) != 0)
		return NETBIND_ERROR;
	st = nl_resolve(&w->q, w->name, ifc);
	nl_close(&w->q);
	if (st != NETBIND_ERROR)
		w->index = ifc->index;
	return st;
}

enum netbind_status
netbind_watch_wait(struct netbind_watch *w, struct netbind_iface *ifc,
    int timeout_ms)
{
	struct pollfd	 pfd;
	enum netbind_status st;
	int64_t		 end = (int64_t)clock_ms() + timeout_ms, left;
	int		 r;

	pfd.fd = netbind_watch_fd(w);
	pfd.events = POLLIN;
	st = netbind_watch_resolve(w, ifc);
	while (st != NETBIND_OK && st != NETBIND_ERROR) {
		if ((left = end - (int64_t)clock_ms()) <= 0)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return NETBIND_ERROR;
		if (r <= 0)
			continue;
		if ((r = netbind_watch_read(w)) < 0)
			return NETBIND_ERROR;
		if (r > 0)
			st = netbind_watch_resolve(w, ifc);
	}
	return st;
}

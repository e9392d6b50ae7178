#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proto/clock.h"
#include "server/listen.h"

#define ADDR_TEXT	46	/* INET6_ADDRSTRLEN */

static bool
is_tailscale(const char *iface)
{
	return strcmp(iface, NETBIND_DEFAULT_IFACE) == 0;
}

/* What to check, for a person reading the ssh session's last lines. */
static void
explain(const struct config *o, enum netbind_status st)
{
	const char	*name = o->iface.name;

	if (st == NETBIND_ERROR) {
		fprintf(stderr, "mosh-server: cannot ask the kernel about "
		    "interface %s: %s\n", name, strerror(errno));
		return;
	}
	fprintf(stderr, "mosh-server: interface %s (%s): %s%s.\n", name,
	    config_origin_name(o, CFG_INTERFACE), netbind_status_text(st),
	    o->wait_iface > 0 ? " after --wait-iface" : "");
	if (is_tailscale(name))
		fprintf(stderr, "Is Tailscale up on this machine? Check "
		    "`tailscale status` (and `tailscale up`\n"
		    "if it is logged out or stopped).\n");
	else
		fprintf(stderr, "Check `ip addr show %s`.\n", name);
	fprintf(stderr, "--iface NAME (or MOSH_SERVER_NETWORK_TMPL) names "
	    "another interface; --iface any\nbinds any address, as mosh "
	    "does.\n");
}

static void
list_addrs(const struct netbind_iface *ifc, char *buf, size_t len)
{
	char	 a[ADDR_TEXT];
	size_t	 i, used = 0;
	int	 n;

	buf[0] = '\0';
	for (i = 0; i < ifc->naddrs; i++) {
		if (netbind_addr_format(&ifc->addrs[i], a, sizeof(a)) != 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", a);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* -i/-s name one of the interface's addresses, or it is an error. */
static int
choose_addr(struct listener *l, const struct netbind_iface *ifc)
{
	const struct config *o = l->cfg;
	char		 have[NETBIND_MAX_ADDRS * (ADDR_TEXT + 2)];

	if (o->local_addr[0] == '\0')
		return 0;
	if (netbind_addr_parse(o->local_addr, &l->want) == 0 &&
	    netbind_iface_has(ifc, &l->want)) {
		l->only = true;
		return 0;
	}
	list_addrs(ifc, have, sizeof(have));
	if (o->local_addr_from_ssh)
		fprintf(stderr, "mosh-server: -s: the SSH connection came in "
		    "on %s, which is not an\naddress of %s (%s). Connect "
		    "over %s (its address or name),\nor use --iface any.\n",
		    o->local_addr, o->iface.name, have, o->iface.name);
	else
		fprintf(stderr, "mosh-server: -i %s is not an address of %s "
		    "(%s).\nWith an interface there is no fallback to any "
		    "address; --iface any has one.\n", o->local_addr, o->iface.name,
		    have);
	return -1;
}

/* mosh's own binding: the address asked for, else any address. */
static int
open_any(struct listener *l, int *fds, size_t *nfds)
{
	const struct config *o = l->cfg;
	int		 fd;

	fprintf(stderr, "mosh-server: --iface any: binding any address, as "
	    "mosh does; %s.\n", o->allow.any ? "answering every source" :
	    "answering only the --allow-source blocks");
	const char	*ip = o->local_addr[0] != '\0' ? o->local_addr : NULL;

	if (conn_udp_bind(ip, o->ports.low, o->ports.high, &fd,
	    &l->port) != 0 && (ip == NULL ||
	    conn_udp_bind(NULL, o->ports.low, o->ports.high, &fd,
	    &l->port) != 0)) {
		fprintf(stderr, "mosh-server: cannot bind a UDP port in "
		    "%d:%d%s%s: %s\n", o->ports.low, o->ports.high,
		    ip ? " on " : "", ip ? ip : "", strerror(errno));
		return -1;
	}
	fds[0] = fd;
	*nfds = 1;
	return 0;
}

int
listener_open(struct listener *l, const struct config *o, int *fds,
    size_t *nfds)
{
	struct netbind_iface ifc;
	enum netbind_status st;
	const struct netbind_addr *addrs;
	size_t		 i, n;

	memset(l, 0, sizeof(*l));
	l->cfg = o;
	if (o->iface.any) {
		return open_any(l, fds, nfds);
	}
	/* Opened before the first look, so no change falls between. */
	if ((l->watch = netbind_watch_open(o->iface.name)) == NULL) {
		fprintf(stderr, "mosh-server: netlink: %s\n", strerror(errno));
		return -1;
	}
	st = netbind_watch_wait(l->watch, &ifc, (int)o->wait_iface * 1000);
	if (st != NETBIND_OK) {
		explain(o, st);
		goto fail;
	}
	if (choose_addr(l, &ifc) != 0)
		goto fail;
	addrs = l->only ? &l->want : ifc.addrs;
	n = l->only ? 1 : ifc.naddrs;
	if (netbind_bind_all(addrs, n, o->iface.name, o->ports.low,
	    o->ports.high, fds, &l->port) != 0) {
		fprintf(stderr, "mosh-server: cannot bind a UDP port in "
		    "%d:%d on the addresses of %s: %s\n", o->ports.low,
		    o->ports.high, o->iface.name, strerror(errno));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		l->socks[i].addr = addrs[i];
		l->socks[i].fd = fds[i];
	}
	l->nsocks = *nfds = n;
	l->ifindex = ifc.index;
	return 0;
fail:
	netbind_watch_close(l->watch);
	l->watch = NULL;
	return -1;
}

static bool
listener_source_allowed(void *arg, const struct conn_peer *p)
{
	const struct config *o = ((struct listener *)arg)->cfg;

	/* Before the allowlist, which reads ::ffff:a.b.c.d as a.b.c.d. */
	if (netbind_src_fakes_v4(p->addr, p->addrlen, p->fd))
		return false;
	return o->allow.any ||
	    cidr_match_any(o->allow.block, o->allow.n, p->addr, p->addrlen);
}

static void
listener_dropped(void *arg, enum proto_err e, const struct conn_peer *p)
{
	struct listener	*l = arg;

	events_failed_packet(l->ev, e, p->addr, p->addrlen, p->fd,
	    clock_ms());
}

void
listener_attach(struct listener *l, struct conn *c, struct events *ev)
{
	struct conn_hooks h;

	l->ev = ev;
	h.source_allowed = listener_source_allowed;
	h.dropped = listener_dropped;
	h.arg = l;
	conn_set_hooks(c, &h);
}

int
listener_port(const struct listener *l)
{
	return l->port;
}

int
listener_watch_fd(const struct listener *l)
{
	return l->watch != NULL ? netbind_watch_fd(l->watch) : -1;
}

static bool
listener_has(const struct listener *l, const struct netbind_addr *a)
{
	size_t	 i;

	for (i = 0; i < l->nsocks; i++)
		if (netbind_addr_equal(&l->socks[i].addr, a))
			return true;
	return false;
}

static void
note(const struct listener *l, const struct netbind_addr *a, const char *what)
{
	char	 t[ADDR_TEXT];

	if (netbind_addr_format(a, t, sizeof(t)) != 0)
		strcpy(t, "?");
	fprintf(stderr, "mosh-server: %s: %s port %d %s\n", l->cfg->iface.name, t,
	    l->port, what);
}

void
listener_resync(struct listener *l, struct conn *c)
{
	struct netbind_iface ifc;
	enum netbind_status st;
	const struct netbind_addr *want;
	size_t		 i, nwant;
	int		 fd;
	bool		 recreated;

	if (l->watch == NULL || netbind_watch_read(l->watch) == 0)
		return;
	/* Down or gone: none of its addresses count. A failed query says
	 * nothing of the interface: keep the sockets until the next event. */
	if ((st = netbind_watch_resolve(l->watch, &ifc)) == NETBIND_ERROR)
		return;
	if (st != NETBIND_OK)
		ifc.naddrs = 0;
	/* Deleted and created again (tailscaled restarted) between two
	 * reads: same addresses, but SO_BINDTODEVICE holds the old index,
	 * so every socket is stale. */
	recreated = ifc.naddrs > 0 && ifc.index != l->ifindex;
	if (ifc.naddrs > 0)
		l->ifindex = ifc.index;
	for (i = 0; i < l->nsocks; ) {
		if (!recreated && netbind_iface_has(&ifc, &l->socks[i].addr)) {
			i++;
			continue;
		}
		note(l, &l->socks[i].addr, "went away: socket closed");
		conn_remove_socket(c, l->socks[i].fd);
		l->socks[i] = l->socks[--l->nsocks];
	}
	want = l->only ? &l->want : ifc.addrs;
	nwant = l->only ? 1 : ifc.naddrs;
	for (i = 0; i < nwant; i++) {
		if (!netbind_iface_has(&ifc, &want[i]) ||
		    l->nsocks == NETBIND_MAX_ADDRS)
			continue;
		if (listener_has(l, &want[i]))
			continue;
		if (netbind_bind_one(&want[i], l->port, l->cfg->iface.name,
		    &fd) != 0) {
			note(l, &want[i], strerror(errno));
			continue;
		}
		if (conn_add_socket(c, fd) != 0) {
			close(fd);
			continue;
		}
		l->socks[l->nsocks].addr = want[i];
		l->socks[l->nsocks++].fd = fd;
		note(l, &want[i], "bound again");
	}
}

void
listener_close(struct listener *l)
{
	netbind_watch_close(l->watch);
	l->watch = NULL;
}

/*
 * Binding to one network interface. The kernel is asked over
 * rtnetlink (libmnl) for the interface's state and addresses; nothing
 * parses `ip` output or calls getifaddrs. The server binds one UDP socket
 * per address, the same port on each, and follows address events so a
 * tailscaled restart does not end the session.
 *
 * IPv6 link-local addresses (fe80::/10) are skipped: they need a scope id,
 * tailnet peers never use them, and a client on the link would have to
 * name the interface. Tentative (DAD in progress) and DAD-failed addresses
 * are skipped too: they cannot be bound yet; the event that ends DAD
 * brings them in.
 */
#ifndef TSMOSH_NETBIND_NETBIND_H
#define TSMOSH_NETBIND_NETBIND_H

#include <netinet/in.h>
#include <net/if.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETBIND_DEFAULT_IFACE	"tailscale0"
#define NETBIND_ANY		"any"	/* --iface any: mosh's behaviour */
#define NETBIND_TAILNET_V4	"100.64.0.0/10"		/* Tailscale's CGNAT */
#define NETBIND_TAILNET_V6	"fd7a:115c:a1e0::/48"	/* Tailscale's ULA */
#define NETBIND_MAX_ADDRS	8	/* below CONN_MAX_SOCKS */

enum netbind_status {
	NETBIND_OK,
	NETBIND_NO_IFACE,	/* no interface of that name */
	NETBIND_DOWN,		/* exists, administratively down */
	NETBIND_NO_ADDR,	/* up, but no usable address */
	NETBIND_ERROR,		/* netlink failed; errno says why */
};

struct netbind_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];	/* network order; v4 in the first 4 */
	unsigned int	 prefix;
};

struct netbind_iface {
	char		 name[IF_NAMESIZE];
	unsigned int	 index;
	bool		 up;		/* IFF_UP */
	struct netbind_addr addrs[NETBIND_MAX_ADDRS];
	size_t		 naddrs;
	bool		 truncated;	/* more addresses than we keep */
};

/* A short phrase for a status: "no such interface", ... */
const char	*netbind_status_text(enum netbind_status);

/* Is NAME a name the kernel would accept for an interface? */
bool		 netbind_valid_name(const char *);

/*
 * The interface's index, state and usable addresses (IPv6 first, then
 * IPv4; each family in the kernel's order). NETBIND_OK only when it is up
 * with at least one address; otherwise *ifc holds what was found.
 */
enum netbind_status netbind_resolve(const char *name, struct netbind_iface *);

/* Address as text ("100.100.0.1", "fd7a:115c:a1e0::1"); 0 or -1. */
int	netbind_addr_format(const struct netbind_addr *, char *, size_t);

/* Parse a numeric address (v4-mapped v6 becomes v4); 0 or -1. */
int	netbind_addr_parse(const char *, struct netbind_addr *);

/* Same family and address (the prefix is not compared). */
bool	netbind_addr_equal(const struct netbind_addr *,
	    const struct netbind_addr *);

/* Is the address one of the interface's? */
bool	netbind_iface_has(const struct netbind_iface *,
	    const struct netbind_addr *);

/*
 * One UDP socket on addr:port, set up as mosh's (conn_socket_setup),
 * IPv6 only for a v6 address, and SO_BINDTODEVICE to ifname where the
 * kernel lets us (Linux >= 5.7 unprivileged; a refusal is not an error:
 * the address alone already limits the socket). *fd, or -1 with errno.
 */
int	netbind_bind_one(const struct netbind_addr *, int port,
	    const char *ifname, int *fd);

/*
 * Is src a v4-mapped IPv6 address (::ffff:a.b.c.d) that did not come over
 * IPv4? Only a dual-stack socket bound to the any-address carries IPv4
 * that way (conn_udp_bind's, with --iface any); on any other socket such
 * a source is a native IPv6 datagram claiming a v4 address, to be refused
 * and never judged or logged as that v4 address.
 */
bool	netbind_src_fakes_v4(const struct sockaddr *src, socklen_t,
	    int fd);

/*
 * Bind every address in addrs on one port: the first in [lo, hi] free on
 * all of them. fds[i] belongs to addrs[i]. 0 with *port, or -1 with errno
 * (EADDRINUSE: no port in the range is free on all).
 */
int	netbind_bind_all(const struct netbind_addr *addrs, size_t n,
	    const char *ifname, int lo, int hi, int *fds, int *port);

/*
 * Address and link events of the kernel (RTMGRP_LINK, _IPV4_IFADDR,
 * _IPV6_IFADDR), and a second socket for the queries they trigger. Open
 * it before the first resolve so no change falls between the two. With
 * name NULL, the events of every interface and no query socket: the
 * client's sign that it may have moved (resolve and wait are then
 * NETBIND_ERROR).
 */
struct netbind_watch;

struct netbind_watch *netbind_watch_open(const char *name);
int	netbind_watch_fd(const struct netbind_watch *);

/*
 * Drain pending events. 1 if any may concern our interface (any
 * interface's for a watch of all; or events were lost: the kernel's
 * buffer overran), 0 if none did, -1 on error.
 */
int	netbind_watch_read(struct netbind_watch *);

/* netbind_resolve over the watch's query socket. */
enum netbind_status netbind_watch_resolve(struct netbind_watch *,
	    struct netbind_iface *);

/*
 * Resolve until NETBIND_OK or timeout_ms pass, woken by events, never by
 * polling on a timer. Returns the last status.
 */
enum netbind_status netbind_watch_wait(struct netbind_watch *,
	    struct netbind_iface *, int timeout_ms);

void	netbind_watch_close(struct netbind_watch *);

#endif

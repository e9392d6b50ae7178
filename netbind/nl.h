/*
 * Internal to netbind/: one rtnetlink socket with its sequence number and
 * a receive buffer large enough for a dump. Not part of the API.
 */
#ifndef TSMOSH_NETBIND_NL_H
#define TSMOSH_NETBIND_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "netbind/netbind.h"

#define NL_BUF_BYTES	32768	/* libmnl's MNL_SOCKET_DUMP_SIZE */

struct nl {
	struct mnl_socket *sock;
	unsigned int	 portid;
	unsigned int	 seq;
	uint8_t		 buf[NL_BUF_BYTES];
};

/*
 * Does every message, to its length rounded up to 4, lie within the len
 * bytes at buf? libmnl's own check compares the length as an int, so one
 * of 2^31 or more passes it, and walks a message's attributes up to the
 * rounded length; either way it reads outside the buffer. The kernel
 * never sends such a batch; whatever did, it is not read.
 */
bool	nl_batch_ok(const void *buf, size_t len);
/* mnl_cb_run over a received buffer, after nl_batch_ok (EBADMSG). */
int	nl_parse(const void *buf, size_t len, unsigned int seq,
	    unsigned int portid, mnl_cb_t cb, void *arg);

/* What RTM_NEWLINK messages say about the interface called name. */
struct link_result {
	const char	*name;
	unsigned int	 index;
	unsigned int	 flags;
	bool		 found;
};

/* The usable addresses RTM_NEWADDR messages give for one index. */
struct addr_result {
	unsigned int	 index;
	struct netbind_addr found[NETBIND_MAX_ADDRS * 2];
	size_t		 n;
	bool		 truncated;
};

/*
 * mnl_cb_run callbacks over one message of a reply (any bytes: lengths
 * and attributes are validated here), filling a link_result or an
 * addr_result. Always MNL_CB_OK; other message types are skipped.
 */
int	nl_link_cb(const struct nlmsghdr *, void *link_result);
int	nl_addr_cb(const struct nlmsghdr *, void *addr_result);
/* The addresses into ifc: IPv6 first, at most NETBIND_MAX_ADDRS. */
void	nl_keep_addrs(const struct addr_result *, struct netbind_iface *);

/*
 * Does a batch of event messages (len bytes as received, any values)
 * concern the interface called name, or with index (0: not known yet)?
 * With name NULL, any link or address event concerns us.
 */
bool	nl_events_concern(const char *name, unsigned int index,
	    const void *buf, size_t len);

/* groups: RTMGRP_* to subscribe to, 0 for a query socket. 0 or -1. */
int	nl_open(struct nl *, unsigned int groups);
void	nl_close(struct nl *);

/* netbind_resolve over an open query socket. */
enum netbind_status nl_resolve(struct nl *, const char *name,
	    struct netbind_iface *);

#endif

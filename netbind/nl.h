/*
 * Internal to netbind/: one rtnetlink socket with its sequence number and
 * a receive buffer large enough for a dump. Not part of the API.
 */
#ifndef TSMOSH_NETBIND_NL_H
#define TSMOSH_NETBIND_NL_H

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

/* groups: RTMGRP_* to subscribe to, 0 for a query socket. 0 or -1. */
int	nl_open(struct nl *, unsigned int groups);
void	nl_close(struct nl *);

/* netbind_resolve over an open query socket. */
enum netbind_status nl_resolve(struct nl *, const char *name,
	    struct netbind_iface *);

#endif

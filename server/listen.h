/*
 * The server's UDP sockets: which interface (options), which of its
 * addresses (-i/-s must name one; never a fallback), one port on all of
 * them, the source allowlist and drop events as conn hooks, and re-binds
 * when netlink says an address came back.
 */
#ifndef TSMOSH_SERVER_LISTEN_H
#define TSMOSH_SERVER_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "netbind/netbind.h"
#include "proto/conn.h"
#include "server/config.h"
#include "server/events.h"

struct listener_sock {
	struct netbind_addr	 addr;
	int			 fd;	/* owned by the conn once attached */
};

struct listener {
	const struct config	*cfg;
	struct netbind_watch	*watch;	/* NULL with --iface any */
	bool			 only;	/* -i/-s: just `want` */
	struct netbind_addr	 want;
	unsigned int		 ifindex;	/* the sockets' device */
	struct listener_sock	 socks[NETBIND_MAX_ADDRS];
	size_t			 nsocks;
	int			 port;
	struct events		*ev;		/* the session's, not ours */
};

/*
 * Resolve (waiting up to --wait-iface), check -i/-s, bind. On failure
 * prints what to check and returns -1: the server exits 1 without a
 * MOSH CONNECT line. Fills fds (CONN_MAX_SOCKS) for conn_server_init.
 */
int	listener_open(struct listener *, const struct config *, int *fds,
	    size_t *nfds);

/* After the fork: the allowlist and the drops, logged to ev (which
 * stays the caller's), become the conn's hooks. */
void	listener_attach(struct listener *, struct conn *, struct events *);

int	listener_port(const struct listener *);
/* The netlink event fd to poll, or -1 (--iface any). */
int	listener_watch_fd(const struct listener *);

/* The event fd is readable: follow the interface's addresses. */
void	listener_resync(struct listener *, struct conn *);

/* The watch only; the sockets are the conn's. */
void	listener_close(struct listener *);

#endif

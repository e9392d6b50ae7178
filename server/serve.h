/* The server's event loop: network, pty, signals, timers. */
#ifndef TSMOSH_SERVER_SERVE_H
#define TSMOSH_SERVER_SERVE_H

#include "proto/conn.h"
#include "server/child.h"
#include "server/control.h"
#include "server/listen.h"
#include "server/options.h"
#include "server/proctitle.h"

/* Why a session ended: for the log line and the exit status. */
enum serve_end {
	END_CLIENT_QUIT,	/* the client shut down */
	END_SHELL_EXIT,		/* the shell exited */
	END_SIGNAL,		/* SIGTERM, SIGINT or SIGHUP */
	END_NO_CLIENT,		/* nobody connected within 60 s */
	END_NETWORK_TIMEOUT,	/* no contact for MOSH_SERVER_NETWORK_TMOUT */
	END_SIGNAL_TIMEOUT,	/* SIGUSR1 after MOSH_SERVER_SIGNAL_TMOUT */
	END_IDLE_TIMEOUT,	/* no user input for --idle-timeout */
	END_KILLED,		/* mosh-server kill */
	END_ERROR,
};

const char	*serve_end_name(enum serve_end);

/*
 * Runs until the session ends; the conn, child and listener stay the
 * caller's. The listener's netlink fd is polled too: addresses that come
 * back are re-bound on the session's port. The control socket (fd -1:
 * none) answers mosh-server list, kill and attach.
 */
enum serve_end	serve(const struct server_opts *, struct conn *,
		    struct child *, int cols, int rows, struct proctitle *,
		    struct listener *, struct control *);

#endif

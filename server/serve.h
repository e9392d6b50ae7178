/* The server's event loop: network, pty, signals, timers. */
#ifndef TSMOSH_SERVER_SERVE_H
#define TSMOSH_SERVER_SERVE_H

#include "proto/conn.h"
#include "server/child.h"
#include "server/control.h"
#include "server/events.h"
#include "server/listen.h"
#include "server/options.h"
#include "server/proctitle.h"

/* Why a session ended: for the log line and the exit status. */
enum serve_end {
	END_NONE,		/* not ended */
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

/* What a session runs with: all of it stays the caller's. */
struct serve_env {
	const struct server_opts *o;
	struct conn	*conn;
	struct child	*child;
	struct listener	*net;	/* its netlink fd is polled: addresses that
				 * come back are bound again on the port */
	struct control	*ctl;	/* list, kill and attach; NULL: none */
	struct events	*ev;
	struct proctitle *pt;
	int		 cols, rows;	/* the first size of the terminal */
};

/* Runs until the session ends, in the sandbox; returns why it ended. */
enum serve_end	serve(const struct serve_env *);

#endif

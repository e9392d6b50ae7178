/* The client's event loop: user terminal, network, signals, overlays. */
#ifndef TSMOSH_CLIENT_SESSION_H
#define TSMOSH_CLIENT_SESSION_H

#include <sys/socket.h>

#include <stdbool.h>

#include "client/predict.h"
#include "proto/key.h"
#include "sandbox/sandbox.h"

struct client_opts {
	const char	*host;		/* numeric, as given */
	const char	*port;
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	struct mosh_key	 key;
	enum predict_pref predict;
	bool		 predict_overwrite;
	bool		 title_prefix;	/* "[mosh] ", unless MOSH_TITLE_NOPREFIX */
	bool		 term_init;	/* smcup/rmcup, unless MOSH_NO_TERM_INIT */
	bool		 scrollback;	/* native scrollback, unless
					 * MOSH_SCROLLBACK=no */
	int		 escape_key;	/* -1: none */
	int		 escape_pass_key;
	int		 escape_pass_key2;
	bool		 escape_requires_lf;
	enum sandbox_mode sandbox;	/* MOSH_CLIENT_SANDBOX, default strict */
};

/* Runs the session; returns the process exit status. */
int	session_run(struct client_opts *);

#endif

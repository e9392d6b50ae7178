/* The user's shell on a pseudo-terminal, held until a client arrives. */
#ifndef TSMOSH_SERVER_CHILD_H
#define TSMOSH_SERVER_CHILD_H

#include <sys/resource.h>
#include <sys/types.h>

#include "server/options.h"

struct child {
	pid_t	 pid;
	int	 master;	/* non-blocking, close-on-exec */
	int	 utmp;		/* the utmp helper's socket (server/utmp.h) */
	unsigned utmp_unacked;	/* its answers still to come */
};

/*
 * forkpty the command with mosh's environment (TERM from -c,
 * NCURSES_NO_UTF8_ACS, no STY, IUTF8, cwd $HOME, motd for a login shell).
 * The child waits for one line on its tty before exec: child_release
 * writes it. Then hands the pty to the utmp helper: the user's shared
 * one in rundir (the control directory), or with rundir NULL one of its
 * own (utmp = -1 if that failed: no utmp entry, said on stderr). 0, or
 * -1 with a message on stderr.
 */
int	child_spawn(const struct server_opts *, int cols, int rows,
	    const struct rlimit *core, const char *rundir, struct child *);
int	child_release(struct child *);

#endif

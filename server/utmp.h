/*
 * The utmp helper: libutempter forks and execs a setgid program on every
 * change, which the sandbox forbids. So a small process, forked before
 * the sandbox and never sandboxed, holds a dup of the pty master and
 * does only that, driven over a socketpair.
 */
#ifndef TSMOSH_SERVER_UTMP_H
#define TSMOSH_SERVER_UTMP_H

#include <sys/types.h>

/*
 * The helper program (server/helper/), installed in LIBEXECDIR, and its
 * command line: PROG UTMP_HELPER_ARG FD MASTER. Without it, mosh-server
 * re-executes itself with the same arguments.
 */
#define UTMP_HELPER_PROG "tsmosh-utmp-helper"
#define UTMP_HELPER_ARG	"--utmp-helper"

/* Fork the helper for this pty master: our end of the socketpair
 * (close-on-exec), or -1 with errno. The helper exits when it closes;
 * the server's SIGCHLD handling reaps it. */
int	utmp_helper_start(int master);

/* "add TEXT": replace our entry by one with this host text. 0 or -1. */
int	utmp_helper_add(int fd, const char *text);

/* "remove": our entry is gone once this returns 0. */
int	utmp_helper_remove(int fd);

/* If argv is the helper's command line (PROG UTMP_HELPER_ARG FD MASTER),
 * run the helper: never returns. Otherwise returns. */
void	utmp_helper_from_argv(int argc, char **argv);

/* The helper's loop, in the helper's own process; never returns. */
void	utmp_helper_main(int fd, int master);

#endif

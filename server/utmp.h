/*
 * The utmp helper: libutempter forks and execs a setgid program on every
 * change, which the sandbox forbids. So a small process, started before
 * the sandbox and never sandboxed, does only that, driven over a
 * SOCK_SEQPACKET connection.
 *
 * One helper serves all of a user's sessions: it listens on
 * DIR/utmp-helper in the control directory (server/control.h: ours,
 * mode 0700), answers only our own uid, and exits with the last session.
 * A session whose helper cannot be shared (no control directory) gets
 * one of its own over a socketpair.
 *
 * On a connection: "master" with the session's pty master passed along
 * (SCM_RIGHTS), then "add TEXT" and "remove"; each is answered "k". When
 * the connection closes, however the server ended, its entry goes.
 */
#ifndef TSMOSH_SERVER_UTMP_H
#define TSMOSH_SERVER_UTMP_H

#include <sys/types.h>

#include <stddef.h>

/*
 * The helper program (server/helper/), installed in LIBEXECDIR, and its
 * command line: PROG UTMP_HELPER_ARG FD. FD is a listening socket (the
 * shared helper) or one connected end (a private one). Without the
 * program, mosh-server re-executes itself with the same arguments.
 */
#define UTMP_HELPER_PROG "tsmosh-utmp-helper"
#define UTMP_HELPER_ARG	"--utmp-helper"
/* In the control directory: the shared helper's socket, and the lock
 * that orders starting one against the last one's exit. */
#define UTMP_HELPER_SOCK "utmp-helper"
#define UTMP_HELPER_LOCK "utmp-helper.lock"

/*
 * Hand this pty master to a helper: the user's shared one in dir
 * (started, detached from us, if none answers there) or, with dir NULL
 * or if that fails, one of our own. Returns our end of the connection
 * (close-on-exec), or -1 with errno.
 */
int	utmp_helper_start(int master, const char *dir);

/*
 * "add TEXT": replace our entry by one with this host text. It is not
 * waited for (libutempter's fork and exec of a setgid program would hold
 * a client's first screen, or the whole loop for UTMP_ACK_MS with a
 * stuck helper): *unacked counts answers still to come, and answers
 * already there are read first. 0 or -1 (the request did not go).
 */
int	utmp_helper_add(int fd, const char *text, unsigned *unacked);

/* "remove", after every answer still due: our entry is gone once this
 * returns 0. */
int	utmp_helper_remove(int fd, unsigned *unacked);

/* What a request to the helper is (its parser, kept apart for the
 * fuzzer): the message's len bytes at msg, NUL-terminated there. "add"
 * takes any text after "add " but a NUL; anything else is BAD. */
enum utmp_req {
	UTMP_REQ_BAD,
	UTMP_REQ_MASTER,	/* "master", with the pty master passed */
	UTMP_REQ_ADD,		/* "add TEXT" */
	UTMP_REQ_REMOVE,	/* "remove" */
};
enum utmp_req utmp_request_kind(const char *msg, size_t len);

/* If argv is the helper's command line, run the helper: never returns.
 * Otherwise returns. */
void	utmp_helper_from_argv(int argc, char **argv);

/* The helper's loop on a listening or a connected socket, in the
 * helper's own process; never returns. */
void	utmp_helper_main(int fd);

#endif

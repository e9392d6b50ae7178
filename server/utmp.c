#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utempter.h>

#include "server/utmp.h"

#ifndef TSMOSH_LIBEXECDIR
#define TSMOSH_LIBEXECDIR	"/usr/local/libexec/tsmosh"
#endif

#define UTMP_MSG_MAX	512
#define UTMP_ACK_MS	3000	/* the setgid helper's fork+exec, at most */

/* Close every descriptor above stderr but these two. */
static void
utmp_close_others(int a, int b)
{
	int	 lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		(void)close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		(void)close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	(void)close_range((unsigned)hi + 1, ~0U, 0);
}

/* A descriptor number from the helper's command line, or -1. */
static int
utmp_helper_fd_arg(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 65535)
		return -1;
	return (int)v;
}

void
utmp_helper_from_argv(int argc, char **argv)
{
	int	 fd, master;

	if (argc != 4 || strcmp(argv[1], UTMP_HELPER_ARG) != 0 ||
	    (fd = utmp_helper_fd_arg(argv[2])) == -1 ||
	    (master = utmp_helper_fd_arg(argv[3])) == -1)
		return;
	utmp_helper_main(fd, master);
}

/* The helper: never returns. */
void
utmp_helper_main(int fd, int master)
{
	char	 msg[UTMP_MSG_MAX + 1];
	ssize_t	 n;

	/* The session's hangup or ^C are the server's business. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	utmp_close_others(fd, master);
	for (;;) {
		n = recv(fd, msg, UTMP_MSG_MAX, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		msg[n] = '\0';
		utempter_remove_record(master);
		if (strncmp(msg, "add ", 4) == 0)
			utempter_add_record(master, msg + 4);
		(void)send(fd, "k", 1, MSG_NOSIGNAL);
	}
	/* The server is gone (or done): so is its entry. */
	utempter_remove_record(master);
	_exit(0);
}

/*
 * In the forked child: exec the small helper program, from beside our
 * own binary (a build tree) or from LIBEXECDIR (an install); failing
 * both, mosh-server itself. Returns only if every exec failed.
 */
static void
utmp_helper_exec(const char *fd, const char *master)
{
	char		 path[PATH_MAX];
	ssize_t		 n;
	char		*slash;

	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		if ((slash = strrchr(path, '/')) != NULL &&
		    (size_t)(slash + 1 - path) + sizeof(UTMP_HELPER_PROG) <=
		    sizeof(path)) {
			memcpy(slash + 1, UTMP_HELPER_PROG,
			    sizeof(UTMP_HELPER_PROG));
			execl(path, UTMP_HELPER_PROG, UTMP_HELPER_ARG, fd,
			    master, (char *)NULL);
		}
	}
	execl(TSMOSH_LIBEXECDIR "/" UTMP_HELPER_PROG, UTMP_HELPER_PROG,
	    UTMP_HELPER_ARG, fd, master, (char *)NULL);
	execl("/proc/self/exe", "mosh-server", UTMP_HELPER_ARG, fd, master,
	    (char *)NULL);
}

int
utmp_helper_start(int master)
{
	pid_t	 pid;
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		char	 a[16], b[16];
		int	 fl;

		close(sv[0]);
		/* Exec a fresh program: a forked copy would keep the
		 * session key (and the whole server's memory) for the
		 * session's lifetime, outside the sandbox. */
		if ((fl = fcntl(sv[1], F_GETFD)) != -1)
			(void)fcntl(sv[1], F_SETFD, fl & ~FD_CLOEXEC);
		if ((fl = fcntl(master, F_GETFD)) != -1)
			(void)fcntl(master, F_SETFD, fl & ~FD_CLOEXEC);
		snprintf(a, sizeof(a), "%d", sv[1]);
		snprintf(b, sizeof(b), "%d", master);
		utmp_helper_exec(a, b);
		/* No /proc: the forked copy still does the job. */
		utmp_helper_main(sv[1], master);
	}
	close(sv[1]);
	return sv[0];
}

static int
utmp_helper_send(int fd, const char *msg)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 ack;
	ssize_t		 n;
	size_t		 len = strlen(msg);

	if (fd < 0 || len > UTMP_MSG_MAX)
		return errno = EINVAL, -1;
	if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	/* Wait for it: `who` is right once we go on (or exit). */
	while ((n = poll(&pfd, 1, UTMP_ACK_MS)) == -1 && errno == EINTR)
		;
	if (n != 1)
		return errno = ETIMEDOUT, -1;
	if (read(fd, &ack, 1) != 1)
		return -1;
	return 0;
}

int
utmp_helper_add(int fd, const char *text)
{
	char	 msg[UTMP_MSG_MAX + 1];

	if ((size_t)snprintf(msg, sizeof(msg), "add %s", text) >= sizeof(msg))
		return errno = ENAMETOOLONG, -1;
	return utmp_helper_send(fd, msg);
}

int
utmp_helper_remove(int fd)
{
	return utmp_helper_send(fd, "remove");
}

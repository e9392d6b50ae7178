#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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
#define UTMP_CONNS_MAX	65536	/* sessions one shared helper serves */
#define UTMP_NOFILE	4096	/* its descriptor limit: 2044 sessions */
#define UTMP_FDS_IN	4	/* descriptors read with one message */
#define UTMP_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

/* One session's connection, in the helper. */
struct utmp_conn {
	int		 fd;
	int		 master;	/* -1 until "master" */
	bool		 added;		/* an entry of ours is in utmp */
};

/* The helper's state. */
struct utmp_helper {
	int		 listen;	/* -1: a private helper */
	int		 lock;		/* the directory's lock file, or -1 */
	char		 path[UTMP_PATH_MAX];	/* the socket's file */
	dev_t		 dev;		/* and its identity, to remove */
	ino_t		 ino;		/* only our own at exit */
	struct utmp_conn *conn;
	struct pollfd	*pfd;
	size_t		 n, max;
};

/* Close every descriptor above stderr but fd. */
static void
utmp_close_others(int fd)
{
	if (fd > 3)
		(void)close_range(3, (unsigned)fd - 1, 0);
	(void)close_range((unsigned)fd + 1, ~0U, 0);
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
	int	 fd;

	if (argc != 3 || strcmp(argv[1], UTMP_HELPER_ARG) != 0 ||
	    (fd = utmp_helper_fd_arg(argv[2])) == -1)
		return;
	utmp_helper_main(fd);
}

/* Is fd a pty master (the one thing libutempter may be handed)? */
static bool
utmp_is_master(int fd)
{
	unsigned int	 n;

	return ioctl(fd, TIOCGPTN, &n) == 0;
}

/* End connection i: its entry goes with it. */
static void
utmp_conn_drop(struct utmp_helper *h, size_t i)
{
	struct utmp_conn *c = &h->conn[i];

	if (c->added)
		utempter_remove_record(c->master);
	if (c->master >= 0)
		close(c->master);
	close(c->fd);
	h->conn[i] = h->conn[--h->n];
}

enum utmp_req
utmp_request_kind(const char *msg, size_t len)
{
	if (strlen(msg) != len)
		return UTMP_REQ_BAD;	/* a NUL inside */
	if (strcmp(msg, "master") == 0)
		return UTMP_REQ_MASTER;
	if (strcmp(msg, "remove") == 0)
		return UTMP_REQ_REMOVE;
	if (strncmp(msg, "add ", 4) == 0)
		return UTMP_REQ_ADD;
	return UTMP_REQ_BAD;
}

/* Carry out one request (len bytes at msg, NUL-terminated; fd passed
 * with it or -1, ours to keep or close). false: drop the connection. */
static bool
utmp_request(struct utmp_conn *c, const char *msg, size_t len, int fd)
{
	enum utmp_req	 kind = utmp_request_kind(msg, len);

	if (kind == UTMP_REQ_MASTER && c->master == -1 && fd >= 0 &&
	    utmp_is_master(fd)) {
		c->master = fd;
		return true;
	}
	if (fd >= 0)
		close(fd);
	if (c->master == -1 ||
	    (kind != UTMP_REQ_ADD && kind != UTMP_REQ_REMOVE))
		return false;
	/* Each call runs a setgid program: none when there is nothing
	 * to remove. */
	if (c->added)
		utempter_remove_record(c->master);
	c->added = kind == UTMP_REQ_ADD &&
	    utempter_add_record(c->master, msg + 4);
	return true;
}

/* Read one message from c and answer it; false: drop it. */
static bool
utmp_conn_read(struct utmp_conn *c)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int) * UTMP_FDS_IN)];
	}		 ctl;
	char		 msg[UTMP_MSG_MAX + 1];
	struct iovec	 iov = { msg, UTMP_MSG_MAX };
	struct msghdr	 mh = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr	*cm;
	int		 fds[UTMP_FDS_IN], nfds = 0, i;
	ssize_t		 n;
	bool		 ok;

	n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return true;
	for (cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm != NULL;
	    cm = CMSG_NXTHDR(&mh, cm)) {
		size_t	 k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (i = 0; (size_t)i < k && nfds < UTMP_FDS_IN; i++)
			memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(int));
	}
	/* One descriptor at most, and only with a whole message. */
	ok = n > 0 && nfds <= 1 && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
	if (!ok) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return false;
	}
	msg[n] = '\0';
	if (!utmp_request(c, msg, (size_t)n, nfds == 1 ? fds[0] : -1))
		return false;
	/* A peer that does not read its answers is dropped, never
	 * waited for: the helper serves every session of the user. */
	return send(c->fd, "k", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1;
}

/* Take every pending connection of our own uid, while there is room. */
static void
utmp_helper_accept(struct utmp_helper *h)
{
	struct ucred	 cr;
	socklen_t	 crlen;
	int		 fd;

	while (h->n < h->max && (fd = accept4(h->listen, NULL, NULL,
	    SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		crlen = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0 ||
		    cr.uid != getuid()) {
			close(fd);
			continue;
		}
		h->conn[h->n] = (struct utmp_conn){ fd, -1, false };
		h->n++;
	}
}

/*
 * No session left. A private helper is done. A shared one checks, under
 * the directory's lock, that no server has connected meanwhile (a
 * starter holds the lock from its connect attempt until connected), and
 * if none has, removes its socket file and exits.
 */
static void
utmp_helper_idle(struct utmp_helper *h)
{
	struct pollfd	 p = { .fd = h->listen, .events = POLLIN };
	struct stat	 st;

	if (h->listen == -1)
		_exit(0);
	if (h->lock >= 0)
		while (flock(h->lock, LOCK_EX) != 0 && errno == EINTR)
			;
	if (poll(&p, 1, 0) == 1) {
		if (h->lock >= 0)
			(void)flock(h->lock, LOCK_UN);
		return;
	}
	if (h->path[0] != '\0' && lstat(h->path, &st) == 0 &&
	    st.st_dev == h->dev && st.st_ino == h->ino)
		(void)unlink(h->path);
	_exit(0);
}

/*
 * The listening socket's file, to remove when we exit, and the lock
 * beside it, opened anew: the descriptor the starter had would be the
 * very lock it holds until it has connected, and flock on it would not
 * wait for that.
 */
static void
utmp_helper_own_path(struct utmp_helper *h)
{
	struct sockaddr_un sun;
	socklen_t	 len = sizeof(sun);
	struct stat	 st;
	char		 lock[UTMP_PATH_MAX + sizeof(UTMP_HELPER_LOCK)];
	char		*slash;

	h->path[0] = '\0';
	memset(&sun, 0, sizeof(sun));
	if (getsockname(h->listen, (struct sockaddr *)&sun, &len) != 0 ||
	    sun.sun_family != AF_UNIX || sun.sun_path[0] != '/' ||
	    lstat(sun.sun_path, &st) != 0)
		return;
	memcpy(h->path, sun.sun_path, sizeof(h->path));
	h->path[sizeof(h->path) - 1] = '\0';
	h->dev = st.st_dev;
	h->ino = st.st_ino;
	memcpy(lock, h->path, sizeof(h->path));
	if ((slash = strrchr(lock, '/')) != NULL) {
		memcpy(slash + 1, UTMP_HELPER_LOCK, sizeof(UTMP_HELPER_LOCK));
		h->lock = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	}
}

/*
 * How many sessions fit in our descriptor limit (two each), raising the
 * soft limit to UTMP_NOFILE first (or the hard limit, if lower). Not to
 * the hard limit itself: libutempter's child closes every descriptor up
 * to the limit before it execs, and at a million that took seconds a
 * call while the server waited for its answer.
 */
static size_t
utmp_helper_room(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 64;
	if (rl.rlim_cur < UTMP_NOFILE && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < UTMP_NOFILE ? rl.rlim_max :
		    UTMP_NOFILE;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 2 * UTMP_CONNS_MAX)
		return UTMP_CONNS_MAX;
	return rl.rlim_cur > 16 ? (size_t)(rl.rlim_cur - 8) / 2 : 4;
}

/* The helper: never returns. */
void
utmp_helper_main(int fd)
{
	struct utmp_helper h = { .listen = -1, .lock = -1 };
	int		 listening = 0, fl;
	socklen_t	 len = sizeof(listening);
	size_t		 i, np;

	/* The sessions' hangups or ^C are the servers' business. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	utmp_close_others(fd);
	/* Nor does the setgid program libutempter runs inherit it. */
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0)
		_exit(1);
	h.max = listening ? utmp_helper_room() : 1;
	h.conn = calloc(h.max, sizeof(*h.conn));
	h.pfd = calloc(h.max + 1, sizeof(*h.pfd));
	if (h.conn == NULL || h.pfd == NULL)
		_exit(1);
	if (listening) {
		h.listen = fd;
		if ((fl = fcntl(fd, F_GETFL)) != -1)
			(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		utmp_helper_own_path(&h);
	} else {
		h.conn[0] = (struct utmp_conn){ fd, -1, false };
		h.n = 1;
	}
	for (;;) {
		if (h.n == 0)
			utmp_helper_idle(&h);
		for (i = 0; i < h.n; i++)
			h.pfd[i] = (struct pollfd){ h.conn[i].fd, POLLIN, 0 };
		np = h.n;
		if (h.listen >= 0 && h.n < h.max)
			h.pfd[np++] = (struct pollfd){ h.listen, POLLIN, 0 };
		if (poll(h.pfd, np, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		/* Backwards: a dropped one's place takes the last, which has
		 * been seen to already. */
		for (i = h.n; i-- > 0;)
			if (h.pfd[i].revents != 0 && !utmp_conn_read(&h.conn[i]))
				utmp_conn_drop(&h, i);
		if (np > h.n && h.pfd[np - 1].fd == h.listen &&
		    h.pfd[np - 1].revents != 0)
			utmp_helper_accept(&h);
	}
}

/*
 * In a forked child: exec the small helper program, from beside our
 * own binary (a build tree) or from LIBEXECDIR (an install); failing
 * both, mosh-server itself. Returns only if every exec failed.
 */
static void
utmp_helper_exec(const char *fd)
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
			    (char *)NULL);
		}
	}
	execl(TSMOSH_LIBEXECDIR "/" UTMP_HELPER_PROG, UTMP_HELPER_PROG,
	    UTMP_HELPER_ARG, fd, (char *)NULL);
	execl("/proc/self/exe", "mosh-server", UTMP_HELPER_ARG, fd,
	    (char *)NULL);
}

/* Let fd survive exec, and name it for the command line. */
static void
utmp_keep_fd(int fd, char *out, size_t len)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFD)) != -1)
		(void)fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	snprintf(out, len, "%d", fd);
}

/* A helper of our own, over a socketpair: our end, or -1. */
static int
utmp_private_start(void)
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
		char	 a[16];

		close(sv[0]);
		/* Exec a fresh program: a forked copy would keep the
		 * session key (and the whole server's memory) for the
		 * session's lifetime, outside the sandbox. */
		utmp_keep_fd(sv[1], a, sizeof(a));
		utmp_helper_exec(a);
		/* No /proc: the forked copy still does the job. */
		utmp_helper_main(sv[1]);
	}
	close(sv[1]);
	return sv[0];
}

/*
 * In the grandchild that becomes the shared helper: out of our session
 * and our terminal (it outlives this server, and an ssh session waits
 * for every holder of its pty), then exec. Never returns; a failed exec
 * writes its errno to report.
 */
static void
utmp_shared_exec(int listen_fd, int report)
{
	sigset_t	 none;
	char		 a[16];
	int		 nul, e;

	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		(void)dup2(nul, STDERR_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
	/* Not to keep a mount busy; where it runs matters to nothing. */
	if (chdir("/") != 0)
		errno = 0;
	utmp_keep_fd(listen_fd, a, sizeof(a));
	utmp_helper_exec(a);
	e = errno;
	/* Should this fail too, the starter sees EOF, then no helper on
	 * the socket, and starts one of its own. */
	while (write(report, &e, sizeof(e)) == -1 && errno == EINTR)
		;
	_exit(127);
}

/* Listen on sock and start the shared helper on it, detached. 0, or -1
 * with errno (and no socket file). */
static int
utmp_shared_spawn(const char *sock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t		 old;
	pid_t		 pid;
	int		 l, p[2], e = 0, saved;
	ssize_t		 n;

	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	(void)unlink(sock);	/* a helper that died without removing it */
	if ((l = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	old = umask(077);
	if (bind(l, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(sock, 0600) != 0 || listen(l, 64) != 0 || pipe2(p, O_CLOEXEC) != 0) {
		saved = errno;
		umask(old);
		close(l);
		(void)unlink(sock);
		return errno = saved, -1;
	}
	umask(old);
	if ((pid = fork()) == 0) {
		close(p[0]);
		(void)setsid();
		/* Its parent is init, not this server: it outlives us. */
		if ((pid = fork()) != 0) {
			if (pid == -1) {
				e = errno;
				while (write(p[1], &e, sizeof(e)) == -1 &&
				    errno == EINTR)
					;
			}
			_exit(0);
		}
		utmp_shared_exec(l, p[1]);
	}
	saved = errno;
	close(p[1]);
	close(l);
	if (pid > 0) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		/* EOF: the exec closed the write end. */
		while ((n = read(p[0], &e, sizeof(e))) == -1 && errno == EINTR)
			;
		saved = n == (ssize_t)sizeof(e) ? e : 0;
	}
	close(p[0]);
	if (pid == -1 || saved != 0) {
		(void)unlink(sock);
		return errno = saved != 0 ? saved : EAGAIN, -1;
	}
	return 0;
}

/* A connection to the socket at path, or -1 with errno (EAGAIN: its
 * backlog is full). */
static int
utmp_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int		 fd, saved;

	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* Non-blocking: a helper whose backlog is full (at its descriptor
	 * limit, or stuck) would keep us waiting, with the lock held and
	 * every other new session behind us. */
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    fcntl(fd, F_SETFL, 0) != 0) {
		saved = errno;
		close(fd);
		return errno = saved, -1;
	}
	return fd;
}

/* The user's shared helper in dir, started if none answers: our
 * connection, or -1 with errno. */
static int
utmp_shared_connect(const char *dir)
{
	char	 sock[UTMP_PATH_MAX], lockpath[PATH_MAX];
	int	 lock, fd, saved;

	if ((size_t)snprintf(sock, sizeof(sock), "%s/%s", dir,
	    UTMP_HELPER_SOCK) >= sizeof(sock) ||
	    (size_t)snprintf(lockpath, sizeof(lockpath), "%s/%s", dir,
	    UTMP_HELPER_LOCK) >= sizeof(lockpath))
		return errno = ENAMETOOLONG, -1;
	if ((lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return -1;
	while (flock(lock, LOCK_EX) != 0)
		if (errno != EINTR) {
			saved = errno;
			close(lock);
			return errno = saved, -1;
		}
	fd = utmp_connect(sock);
	if (fd == -1 && (errno == ECONNREFUSED || errno == ENOENT) &&
	    utmp_shared_spawn(sock) == 0)
		fd = utmp_connect(sock);
	saved = errno;
	(void)flock(lock, LOCK_UN);
	close(lock);
	errno = saved;
	return fd;
}

/* Send msg (with pass, a descriptor, unless -1); the answer is not
 * waited for here. 0 or -1. */
static int
utmp_helper_post(int fd, const char *msg, int pass)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	}		 ctl;
	size_t		 len = strlen(msg);
	struct iovec	 iov = { (void *)(uintptr_t)msg, len };
	struct msghdr	 mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr	*cm;

	if (fd < 0 || len > UTMP_MSG_MAX)
		return errno = EINVAL, -1;
	if (pass >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass, sizeof(int));
	}
	/* Without a descriptor, send (sendto): the sandboxed server's
	 * seccomp allowlist has no sendmsg. */
	if ((pass >= 0 ? sendmsg(fd, &mh, MSG_NOSIGNAL) :
	    send(fd, msg, len, MSG_NOSIGNAL)) != (ssize_t)len)
		return -1;
	return 0;
}

/* Read one answer, waiting up to ms (0: only one already there). 0, or
 * -1 (ETIMEDOUT: none came). */
static int
utmp_helper_answer(int fd, int ms)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 ack;
	ssize_t		 n;

	while ((n = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
		;
	if (n != 1)
		return errno = ETIMEDOUT, -1;
	if ((n = read(fd, &ack, 1)) != 1)
		return errno = n == 0 ? EPIPE : errno, -1;
	return 0;
}

/* Send msg and wait for its answer: `who` is right once we go on. */
static int
utmp_helper_send(int fd, const char *msg, int pass)
{
	if (utmp_helper_post(fd, msg, pass) != 0)
		return -1;
	return utmp_helper_answer(fd, UTMP_ACK_MS);
}

int
utmp_helper_start(int master, const char *dir)
{
	int	 fd = -1;

	if (dir != NULL && (fd = utmp_shared_connect(dir)) >= 0 &&
	    utmp_helper_send(fd, "master", master) != 0) {
		close(fd);
		fd = -1;
	}
	if (fd == -1 && (fd = utmp_private_start()) >= 0 &&
	    utmp_helper_send(fd, "master", master) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int
utmp_helper_add(int fd, const char *text, unsigned *unacked)
{
	char	 msg[UTMP_MSG_MAX + 1];

	if ((size_t)snprintf(msg, sizeof(msg), "add %s", text) >= sizeof(msg))
		return errno = ENAMETOOLONG, -1;
	/* Earlier answers that came meanwhile, so none pile up. */
	while (*unacked > 0 && utmp_helper_answer(fd, 0) == 0)
		(*unacked)--;
	if (utmp_helper_post(fd, msg, -1) != 0)
		return -1;
	(*unacked)++;
	return 0;
}

int
utmp_helper_remove(int fd, unsigned *unacked)
{
	int	 rc;

	if (utmp_helper_post(fd, "remove", -1) != 0)
		return -1;
	/* The helper answers in order: the last answer is the remove's. */
	for (rc = 0; rc == 0 && *unacked > 0; (*unacked)--)
		rc = utmp_helper_answer(fd, UTMP_ACK_MS);
	return rc == 0 ? utmp_helper_answer(fd, UTMP_ACK_MS) : -1;
}

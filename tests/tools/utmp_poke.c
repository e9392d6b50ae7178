/*
 * A hostile peer for the shared utmp helper (server/utmp.h): each case
 * opens a connection of its own and sends what a compromised server
 * might, then prints "CASE answered" (a "k" came back) or "CASE closed"
 * (the helper ended the connection), one line each.
 *
 *   utmp_poke PATH
 *
 * Cases: add-first (a request before "master"), master-none (no
 * descriptor), master-devnull (one that is not a pty master),
 * master-two (two masters in one message), too-long (600 bytes), nul
 * ("add" with a NUL inside, after a good "master"), unknown, master-again
 * (a second "master"), unread (5000 requests whose answers are never
 * read), good (master, add, remove).
 *
 *   utmp_poke --jam PATH
 *
 * A helper that never accepts: listens on PATH with the smallest backlog,
 * fills it with connections of its own, prints "jammed N" and waits to
 * be killed. A server must not wait for it.
 *
 *   utmp_poke --mute PATH
 *
 * A helper stuck inside libutempter: it accepts connections and answers
 * "master" at once, but no other request ever. Prints "muted" once it
 * listens and runs until killed. A server's first screen must not wait.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <sys/time.h>

#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/tools/toolutil.h"

/* The address of the socket at path, or exit 2. */
static struct sockaddr_un
poke_addr(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "utmp_poke: path too long\n");
		exit(2);
	}
	strcpy(sun.sun_path, path);
	return sun;
}

/* A connection to the helper, or exit 2. */
static int
poke_connect(const char *path)
{
	struct sockaddr_un sun = poke_addr(path);
	int		 fd;

	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		perror("utmp_poke: connect");
		exit(2);
	}
	return fd;
}

/* Send len bytes with nfds descriptors; -1 when the send failed. */
static int
poke_send(int fd, const void *msg, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int) * 2)];
	}		 ctl;
	struct iovec	 iov = { (void *)(uintptr_t)msg, len };
	struct msghdr	 mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr	*cm;

	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* 1: "k" came back; 0: the connection ended (or nothing in 5 s). */
static int
poke_answer(int fd)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	char		 b[8];

	if (poll(&p, 1, 5000) != 1)
		return 0;
	return recv(fd, b, sizeof(b), 0) == 1 && b[0] == 'k';
}

/* A fresh pty master of our own, or exit 2. */
static int
poke_pty(void)
{
	int	 m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m == -1 || grantpt(m) != 0 || unlockpt(m) != 0) {
		perror("utmp_poke: pty");
		exit(2);
	}
	return m;
}

/* Send one message on a fresh connection (after a good "master" when
 * first is set) and print how the helper took it. */
static void
poke_case(const char *path, const char *name, bool first, const void *msg,
    size_t len, const int *fds, int nfds)
{
	int	 fd = poke_connect(path), m, ok;

	ok = 1;
	if (first) {
		m = poke_pty();
		ok = poke_send(fd, "master", 6, &m, 1) == 0 && poke_answer(fd);
		close(m);
	}
	ok = ok && poke_send(fd, msg, len, fds, nfds) == 0 && poke_answer(fd);
	printf("%s %s\n", name, ok ? "answered" : "closed");
	close(fd);
}

/* Requests whose answers are never read: the helper must drop us
 * rather than wait on us ("closed"); "stalled" when our sends stopped
 * going through, "answered" when all 5000 went. */
static void
poke_unread(const char *path)
{
	struct timeval	 tv = { 2, 0 };
	int		 fd = poke_connect(path), m = poke_pty(), i = 0, err = 0;
	char		 b[8];

	if (poke_send(fd, "master", 6, &m, 1) != 0 || !poke_answer(fd))
		goto out;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (i = 0; i < 5000; i++)
		if (send(fd, "remove", 6, MSG_NOSIGNAL) != 6) {
			err = errno;
			break;
		}
	for (;;) {
		struct pollfd	 p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 2000) != 1 || recv(fd, b, sizeof(b), 0) <= 0)
			break;
	}
out:
	printf("unread %s (sent %d)\n", i == 5000 ? "answered" :
	    err == EAGAIN || err == EWOULDBLOCK ? "stalled" : "closed", i);
	close(m);
	close(fd);
}

/* --jam: a listener on path whose backlog is full, until killed. */
static int
poke_jam(const char *path)
{
	struct sockaddr_un sun = poke_addr(path);
	int		 l, fd, n = 0;

	if ((l = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(l, 0) != 0) {
		perror("utmp_poke: listen");
		return 2;
	}
	for (;;) {
		if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
		    0)) == -1)
			return 2;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
			break;
		n++;
	}
	if (errno != EAGAIN) {
		perror("utmp_poke: connect");
		return 2;
	}
	printf("jammed %d\n", n);
	fflush(stdout);
	for (;;)
		pause();
}

/* --mute: a listener on path that answers "master" alone, until killed. */
static int
poke_mute(const char *path)
{
	struct sockaddr_un sun = poke_addr(path);
	struct pollfd	 pfd[16];
	char		 msg[600];
	nfds_t		 n = 1, i;
	ssize_t		 len;

	if ((pfd[0].fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1 ||
	    bind(pfd[0].fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(pfd[0].fd, 4) != 0) {
		perror("utmp_poke: listen");
		return 2;
	}
	pfd[0].events = POLLIN;
	printf("muted\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, n, -1) == -1)
			return 2;
		if ((pfd[0].revents & POLLIN) && n < 16 &&
		    (pfd[n].fd = accept(pfd[0].fd, NULL, NULL)) != -1)
			pfd[n++].events = POLLIN;
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			/* A passed descriptor is closed with the message's
			 * control data left unread: recv drops it. */
			if ((len = recv(pfd[i].fd, msg, sizeof(msg), 0)) <= 0) {
				close(pfd[i].fd);
				pfd[i--] = pfd[--n];
				continue;
			}
			if (len == 6 && memcmp(msg, "master", 6) == 0)
				(void)send(pfd[i].fd, "k", 1, MSG_NOSIGNAL);
		}
	}
}

int
main(int argc, char **argv)
{
	char	 big[600], nul[] = "add a\0b";
	int	 dn, two[2], fd, m;

	if (argc == 3 && strcmp(argv[1], "--jam") == 0)
		return poke_jam(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--mute") == 0)
		return poke_mute(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: utmp_poke PATH | --jam PATH | "
		    "--mute PATH\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(big, 'a', sizeof(big));
	memcpy(big, "add ", 4);
	if ((dn = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return 2;
	two[0] = poke_pty();
	two[1] = poke_pty();
	poke_case(argv[1], "add-first", false, "add x", 5, NULL, 0);
	poke_case(argv[1], "master-none", false, "master", 6, NULL, 0);
	poke_case(argv[1], "master-devnull", false, "master", 6, &dn, 1);
	poke_case(argv[1], "master-two", false, "master", 6, two, 2);
	poke_case(argv[1], "too-long", true, big, sizeof(big), NULL, 0);
	poke_case(argv[1], "nul", true, nul, sizeof(nul) - 1, NULL, 0);
	poke_case(argv[1], "unknown", true, "hello", 5, NULL, 0);
	poke_case(argv[1], "master-again", true, "master", 6, &two[0], 1);
	poke_unread(argv[1]);
	/* What a server does, last: the helper still serves. */
	fd = poke_connect(argv[1]);
	m = poke_pty();
	printf("good %s\n", poke_send(fd, "master", 6, &m, 1) == 0 &&
	    poke_answer(fd) && poke_send(fd, "add poke", 8, NULL, 0) == 0 &&
	    poke_answer(fd) && poke_send(fd, "remove", 6, NULL, 0) == 0 &&
	    poke_answer(fd) ? "answered" : "closed");
	return 0;
}

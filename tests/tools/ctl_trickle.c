/*
 * A slow client for a server's control socket: N connections, each
 * sending one byte of a request that never ends (no newline) every
 * INTERVAL ms, reconnecting whenever the server drops one. A server that
 * waits for a whole request in its session loop stalls on it.
 *
 *   ctl_trickle --socket PATH [--conns N] [--interval MS] [--seconds S]
 *       [--burst B]
 *
 * --burst sends B bytes at once on each new connection first (a request
 * longer than the server accepts). On exit (after S seconds, default 5)
 * prints "ctl_trickle: conns=C bytes=B closed=K first_close_ms=M"
 * (connections made, bytes sent, connections the server ended, ms from
 * the first connect to the first close; -1: none closed).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <time.h>

#include "tests/tools/toolutil.h"

#define TRICKLE_MAX	64

struct trickle {
	const char	*path;
	long		 burst;
	long		 conns, bytes, closed;
	long long	 first_close_ms;
};

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A new connection, with the burst sent; -1 when connect fails. */
static int
trickle_connect(struct trickle *t)
{
	struct sockaddr_un sun;
	char		 junk[4096];
	size_t		 n;
	ssize_t		 w;
	int		 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", t->path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	t->conns++;
	memset(junk, 'i', sizeof(junk));
	for (n = (size_t)t->burst; n > 0; n -= (size_t)w) {
		w = send(fd, junk, n < sizeof(junk) ? n : sizeof(junk),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w <= 0)
			break;
		t->bytes += w;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct trickle	 t = { NULL, 0, 0, 0, 0, -1 };
	struct pollfd	 pfd[TRICKLE_MAX];
	long		 nconn = 1, interval = 450, seconds = 5;
	long long	 start, end, next;
	char		 b[256];
	int		 i, r;

	for (i = 1; i < argc; i++) {
		if (i + 1 == argc)
			goto usage;
		if (strcmp(argv[i], "--socket") == 0)
			t.path = argv[++i];
		else if (strcmp(argv[i], "--conns") == 0 &&
		    parse_num(argv[i + 1], 1, TRICKLE_MAX, &nconn) == 0)
			i++;
		else if (strcmp(argv[i], "--interval") == 0 &&
		    parse_num(argv[i + 1], 1, 60000, &interval) == 0)
			i++;
		else if (strcmp(argv[i], "--seconds") == 0 &&
		    parse_num(argv[i + 1], 1, 600, &seconds) == 0)
			i++;
		else if (strcmp(argv[i], "--burst") == 0 &&
		    parse_num(argv[i + 1], 0, 1 << 20, &t.burst) == 0)
			i++;
		else
			goto usage;
	}
	if (t.path == NULL || strlen(t.path) >= sizeof(((struct sockaddr_un *)
	    NULL)->sun_path))
		goto usage;
	start = now_ms();
	end = start + seconds * 1000;
	for (i = 0; i < nconn; i++) {
		pfd[i].fd = trickle_connect(&t);
		pfd[i].events = POLLIN;
	}
	next = start + interval;
	while (now_ms() < end) {
		long long wait = (next < end ? next : end) - now_ms();

		r = poll(pfd, (nfds_t)nconn, wait > 0 ? (int)wait : 0);
		if (r < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < nconn; i++) {
			/* A reply or the end: either way the server is done
			 * with this one; come back at once. */
			if (pfd[i].fd != -1 && pfd[i].revents != 0) {
				if (recv(pfd[i].fd, b, sizeof(b),
				    MSG_DONTWAIT) > 0)
					continue;
				close(pfd[i].fd);
				pfd[i].fd = -1;
				t.closed++;
				if (t.first_close_ms < 0)
					t.first_close_ms = now_ms() - start;
			}
			if (pfd[i].fd == -1)
				pfd[i].fd = trickle_connect(&t);
		}
		if (now_ms() < next)
			continue;
		next += interval;
		for (i = 0; i < nconn; i++)
			if (pfd[i].fd != -1 && send(pfd[i].fd, "i", 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
				t.bytes++;
	}
	printf("ctl_trickle: conns=%ld bytes=%ld closed=%ld "
	    "first_close_ms=%lld\n", t.conns, t.bytes, t.closed,
	    t.first_close_ms);
	return 0;
usage:
	fprintf(stderr, "usage: ctl_trickle --socket PATH [--conns N] "
	    "[--interval MS] [--seconds S] [--burst B]\n");
	return 2;
}

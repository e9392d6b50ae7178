/*
 * A mosh client built only on proto/, for interop tests against the stock
 * mosh-server: it sends a window size and keystrokes, collects the host
 * bytes the server sends (raw terminal diffs, no emulator), waits for
 * expected strings, then shuts the session down cleanly.
 *
 *   MOSH_KEY=... proto_peer [-c COLS] [-r ROWS] [-t TEXT]... [-e TEXT]...
 *       [-n COUNT] [-w SECONDS] [-d DUMPFILE] HOST PORT
 *
 * -t text to type (\r and \n escapes honoured), after the first frame;
 * -e a string the host bytes must contain (-n times, default 1) before
 * shutdown. Exit 0 when all were seen and the shutdown was acknowledged.
 *
 * -i: interactive, for `make demo` until tsmosh's own client exists: the
 * tty goes raw, keys are sent as typed, host bytes are written to the
 * terminal as they arrive (no emulator: fine on a lossless loopback, not
 * a real client). Ctrl-^ then . quits; the session ends when the shell
 * does.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <sys/ioctl.h>

#include <netdb.h>
#include <termios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/clock.h"
#include "proto/conn.h"
#include "proto/msg.h"
#include "proto/ssp.h"
#include "proto/userstream.h"

#define MAX_ITEMS	16

/* The server's state as this peer sees it: every host byte so far. */
struct hostlog {
	struct buf	 bytes;
	uint64_t	 echo_ack;
	int32_t		 width, height;
};

static void *
hl_clone(const void *s)
{
	const struct hostlog *h = s;
	struct hostlog	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (buf_append(&c->bytes, h->bytes.data, h->bytes.len) != 0) {
		free(c);
		return NULL;
	}
	c->echo_ack = h->echo_ack;
	c->width = h->width;
	c->height = h->height;
	return c;
}

static void
hl_free(void *s)
{
	struct hostlog *h = s;

	buf_free(&h->bytes);
	free(h);
}

static bool
hl_equal(const void *x, const void *y)
{
	const struct hostlog *a = x, *b = y;

	return a->bytes.len == b->bytes.len && a->echo_ack == b->echo_ack &&
	    a->width == b->width && a->height == b->height &&
	    (a->bytes.len == 0 ||
	    memcmp(a->bytes.data, b->bytes.data, a->bytes.len) == 0);
}

static int
hl_diff(const void *from, const void *to, struct buf *out)
{
	(void)from;
	(void)to;
	(void)out;
	return 0;	/* this peer never sends host state */
}

static int
hl_bytes(void *a, const uint8_t *p, size_t n)
{
	return buf_append(&((struct hostlog *)a)->bytes, p, n) == 0 ? 0 :
	    PROTO_ERR_NOMEM;
}

static int
hl_resize(void *a, int32_t w, int32_t h)
{
	((struct hostlog *)a)->width = w;
	((struct hostlog *)a)->height = h;
	return 0;
}

static int
hl_echoack(void *a, uint64_t n)
{
	((struct hostlog *)a)->echo_ack = n;
	return 0;
}

static enum proto_err
hl_apply(void *s, const uint8_t *p, size_t n)
{
	struct host_msg_handler h = { hl_bytes, hl_resize, hl_echoack, s, NULL, NULL };

	return (enum proto_err)host_msg_parse(p, n, &h);
}

/* The log's bytes: a clone copies them all. */
static size_t
hl_held(const void *s)
{
	return sizeof(struct hostlog) + ((const struct hostlog *)s)->bytes.cap;
}

static const struct ssp_state_ops hostlog_ops = {
	hl_clone, hl_free, hl_equal, hl_diff, hl_apply, NULL, hl_held,
};

static size_t
unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t	 n = 0;

	for (; *s != '\0' && n < cap; s++) {
		if (s[0] == '\\' && s[1] == 'r') {
			out[n++] = '\r';
			s++;
		} else if (s[0] == '\\' && s[1] == 'n') {
			out[n++] = '\n';
			s++;
		} else
			out[n++] = (uint8_t)*s;
	}
	return n;
}

static size_t
count_in(const struct buf *b, const char *needle)
{
	size_t	 n = 0, len = strlen(needle), i;

	if (len == 0 || b->len < len)
		return 0;
	for (i = 0; i + len <= b->len; i++)
		if (memcmp(b->data + i, needle, len) == 0)
			n++;
	return n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: MOSH_KEY=key proto_peer [-c cols] [-r rows] "
	    "[-t text]... [-e text]... [-n count] [-w secs] [-d dump] "
	    "host port\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*type[MAX_ITEMS], *expect[MAX_ITEMS], *dump = NULL;
	const char	*keystr, *why;
	size_t		 ntype = 0, nexpect = 0, want = 1, typed = 0, i, nfd;
	int		 cols = 80, rows = 24, waitsecs = 20, ch, rc = 1;
	struct addrinfo	 hints, *ai = NULL;
	struct mosh_key	 key;
	struct conn	 conn;
	struct ssp	 ssp;
	struct userstream *mine;
	struct hostlog	*theirs;
	struct pollfd	 pfd[CONN_MAX_SOCKS + 1];
	int		 fds[CONN_MAX_SOCKS];
	uint64_t	 start, now, typed_at = 0;
	bool		 seen = false, shutting = false;
	uint8_t		 keys[256];
	bool		 interactive = false, got_escape = false;
	struct termios	 saved_tio, raw;
	struct winsize	 ws;
	size_t		 written = 0;

	while ((ch = getopt(argc, argv, "c:r:t:e:n:w:d:i")) != -1) {
		switch (ch) {
		case 'c': cols = atoi(optarg); break;
		case 'r': rows = atoi(optarg); break;
		case 't':
			if (ntype == MAX_ITEMS)
				usage();
			type[ntype++] = optarg;
			break;
		case 'e':
			if (nexpect == MAX_ITEMS)
				usage();
			expect[nexpect++] = optarg;
			break;
		case 'n': want = (size_t)atoi(optarg); break;
		case 'w': waitsecs = atoi(optarg); break;
		case 'd': dump = optarg; break;
		case 'i': interactive = true; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	if ((keystr = getenv("MOSH_KEY")) == NULL ||
	    key_parse(keystr, &key, &why) != 0) {
		fprintf(stderr, "proto_peer: MOSH_KEY: %s\n",
		    keystr ? why : "not set");
		return 2;
	}
	unsetenv("MOSH_KEY");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(argv[0], argv[1], &hints, &ai) != 0) {
		fprintf(stderr, "proto_peer: bad address %s %s\n", argv[0],
		    argv[1]);
		return 2;
	}
	if (interactive) {
		if (tcgetattr(0, &saved_tio) != 0) {
			fprintf(stderr, "proto_peer: -i needs a terminal\n");
			return 2;
		}
		if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
			cols = ws.ws_col;
			rows = ws.ws_row;
		}
		raw = saved_tio;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		/* Our screen must start as the server's state 0: blank. */
		fputs("\033[H\033[2J", stdout);
		fflush(stdout);
		waitsecs = INT32_MAX / 1000;
	}
	start = now = clock_ms();
	if (conn_client_init(&conn, &key, ai->ai_addr, ai->ai_addrlen, now)) {
		perror("proto_peer: socket");
		return 1;
	}
	freeaddrinfo(ai);
	mine = userstream_new();
	theirs = calloc(1, sizeof(*theirs));
	if (mine == NULL || theirs == NULL ||
	    ssp_init(&ssp, &conn, &userstream_ops, mine, &hostlog_ops, theirs,
	    now) != 0) {
		fprintf(stderr, "proto_peer: out of memory\n");
		return 1;
	}
	ssp_set_send_mindelay(&ssp, SSP_MINDELAY_CLIENT_MS);
	/* As mosh-client: the first real event is the window size. */
	userstream_push_resize(ssp_current(&ssp), cols, rows);

	for (;;) {
		const struct hostlog *h;

		now = clock_ms();
		if (now - start > (uint64_t)waitsecs * 1000) {
			fprintf(stderr, "proto_peer: timed out\n");
			break;
		}
		h = ssp_remote(&ssp);
		/* The first frame: the server's screen, not a bare ack. */
		if (!seen && ssp_remote_num(&ssp) > 0 && h->bytes.len > 0) {
			seen = true;
			fprintf(stderr, "proto_peer: first frame %dx%d, "
			    "%zu bytes\n", h->width, h->height, h->bytes.len);
		}
		if (interactive) {
			if (h->bytes.len > written) {
				(void)!write(1, h->bytes.data + written,
				    h->bytes.len - written);
				written = h->bytes.len;
			}
			/* The shell ended: the server is shutting down. */
			if (ssp_remote_num(&ssp) == SSP_NUM_SHUTDOWN &&
			    ssp_counterparty_shutdown_acknowledged(&ssp)) {
				rc = 0;
				break;
			}
		}
		/* Type one item per 300 ms once the screen is up. */
		if (seen && typed < ntype && now - typed_at >= 300) {
			size_t n = unescape(type[typed], keys, sizeof(keys));
			userstream_push_keys(ssp_current(&ssp), keys, n);
			typed++;
			typed_at = now;
		}
		if (seen && typed == ntype && !shutting && !interactive) {
			for (i = 0; i < nexpect; i++)
				if (count_in(&h->bytes, expect[i]) < want)
					break;
			if (i == nexpect) {
				fprintf(stderr, "proto_peer: saw everything; "
				    "shutting down\n");
				ssp_start_shutdown(&ssp, now);
				shutting = true;
			}
		}
		if (shutting && (ssp_shutdown_acknowledged(&ssp) ||
		    ssp_shutdown_ack_timed_out(&ssp, now))) {
			rc = ssp_shutdown_acknowledged(&ssp) ? 0 : 1;
			fprintf(stderr, "proto_peer: shutdown %s\n",
			    rc == 0 ? "acknowledged" : "timed out");
			break;
		}
		if (ssp_tick(&ssp, now) != PROTO_OK)
			fprintf(stderr, "proto_peer: send failed\n");
		nfd = conn_fds(&conn, fds, CONN_MAX_SOCKS);
		for (i = 0; i < nfd; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		if (interactive && !shutting) {
			pfd[nfd].fd = 0;
			pfd[nfd].events = POLLIN;
			pfd[nfd++].revents = 0;
		}
		int wait = ssp_wait_time(&ssp, now);
		if (wait > 50)
			wait = 50;
		if (poll(pfd, nfd, wait) < 0)
			continue;
		now = clock_ms();
		for (i = 0; i < nfd; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (pfd[i].fd == 0) {
				ssize_t r = read(0, keys, sizeof(keys));

				if (r <= 0) {
					ssp_start_shutdown(&ssp, now);
					shutting = true;
					continue;
				}
				for (ssize_t k = 0; k < r; k++) {
					/* Ctrl-^ . quits, as in mosh. */
					if (got_escape && keys[k] == '.') {
						ssp_start_shutdown(&ssp, now);
						shutting = true;
						break;
					}
					got_escape = keys[k] == 0x1e;
					if (!got_escape)
						userstream_push_keys(
						    ssp_current(&ssp),
						    &keys[k], 1);
				}
				continue;
			}
			while (ssp_recv_one(&ssp, pfd[i].fd, now) !=
			    PROTO_ERR_AGAIN)
				;
		}
	}
	if (interactive) {
		tcsetattr(0, TCSANOW, &saved_tio);
		fputs("\r\n[proto_peer: session ended]\r\n", stdout);
	}
	if (dump != NULL) {
		const struct hostlog *h = ssp_remote(&ssp);
		FILE *f = fopen(dump, "w");

		if (f != NULL) {
			fwrite(h->bytes.data, 1, h->bytes.len, f);
			fclose(f);
		}
	}
	ssp_free(&ssp);
	conn_close(&conn);
	return rc;
}

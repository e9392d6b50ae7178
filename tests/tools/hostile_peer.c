/*
 * A scripted mosh peer, either side, that holds the session key and
 * sends authentic but hostile traffic: states based on whatever state it
 * likes, huge states, raw fragments, bursts of fragment sets that never
 * complete, shutdowns. Built on proto/ only (sealing, fragments, zlib,
 * the message encoders); it keeps no copy of the peer's states, just the
 * numbers it must acknowledge and the bytes the peer's diffs carried.
 *
 *   hostile_peer --server [--listen ADDR:PORT] [--port-file F] [--key KEY]
 *       [--max-rss PID:MIB] [--script FILE] [-e STEP]...
 *   MOSH_KEY=... hostile_peer --client [--max-rss PID:MIB]
 *       [--script FILE] [-e STEP]... ADDR PORT
 *
 * The server role prints "MOSH CONNECT PORT KEY" (a fresh key unless
 * --key) and waits up to 30 s for the client's first datagram before the
 * first step. Steps are one per line of FILE ('#' starts a comment) or
 * one per -e, run in order; tests/README.md lists them. Exit 0 when the
 * script ran to its end, 1 when a step failed (a wait timed out), 2 for
 * a bad command line or script, 3 when --max-rss stopped it.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "proto/clock.h"
#include "proto/conn.h"
#include "proto/fragment.h"
#include "proto/instruction.h"
#include "proto/msg.h"
#include "tests/tools/toolutil.h"
#include "tests/unit/hex.h"

#define HP_RESEND_MS	200	/* the last instruction again: acks, losses */
#define HP_WAIT_MS	10000	/* default for the wait-* steps */
#define HP_FIRST_MS	30000	/* server: for the client's first datagram */
#define HP_SEEN_MAX	(1u << 20)	/* peer bytes kept for expect */
#define HP_SEEN_KEEP	4096
#define HP_BURST_ID	(UINT64_C(1) << 62)	/* far from fragmenter ids */
#define HP_MAX_STEPS	4096
#define HP_MAX_ARGS	64

struct hp {
	bool		 server;
	struct conn	 conn;
	struct fragmenter frag;
	struct frag_assembly assembly;

	/* Our side: the newest state sent and how the next one is made. */
	uint64_t	 last_num;	/* number of the newest state sent */
	uint64_t	 throwaway;
	struct instruction last;	/* what the resend timer repeats */
	struct buf	 last_diff;
	bool		 have_last;
	uint64_t	 last_send;
	uint64_t	 burst_id;

	/* The peer: newest state number, its acks of ours, its bytes. */
	uint64_t	 peer_num;
	uint64_t	 peer_ack;
	bool		 peer_shutdown;
	struct buf	 seen;

	pid_t		 guard_pid;
	long		 guard_mib;
};

static void
die_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "hostile_peer: %s\n", why);
	fprintf(stderr, "usage: hostile_peer --server [--listen ADDR:PORT] "
	    "[--port-file F] [--key KEY] [--max-rss PID:MIB] [--script F] "
	    "[-e STEP]...\n"
	    "       MOSH_KEY=key hostile_peer --client [--max-rss PID:MIB] "
	    "[--script F] [-e STEP]... ADDR PORT\n");
	exit(2);
}

/* Keep what the peer's diffs carried; only the tail once it is large. */
static void
hp_seen(struct hp *h, const uint8_t *p, size_t n)
{
	if (h->seen.len + n > HP_SEEN_MAX && h->seen.len > HP_SEEN_KEEP) {
		memmove(h->seen.data, h->seen.data + h->seen.len -
		    HP_SEEN_KEEP, HP_SEEN_KEEP);
		h->seen.len = HP_SEEN_KEEP;
	}
	(void)buf_append(&h->seen, p, n);
}

/* The message parsers' callbacks: bytes are kept, the rest ignored. */
static int
hp_seen_bytes(void *arg, const uint8_t *p, size_t n)
{
	hp_seen(arg, p, n);
	return 0;
}

static int
hp_seen_resize(void *arg, int32_t w, int32_t h)
{
	(void)arg;
	(void)w;
	(void)h;
	return 0;
}

static int
hp_seen_echoack(void *arg, uint64_t n)
{
	(void)arg;
	(void)n;
	return 0;
}

/* One whole instruction from the peer: its numbers and its bytes. */
static void
hp_take(struct hp *h, const struct instruction *in)
{
	struct host_msg_handler hh = { hp_seen_bytes, hp_seen_resize,
	    hp_seen_echoack, h, NULL, NULL };
	struct user_msg_handler uh = { hp_seen_bytes, hp_seen_resize, h, NULL };
	bool	 fresh = in->new_num > h->peer_num;

	if (in->ack_num > h->peer_ack && (in->ack_num <= h->last_num ||
	    in->ack_num == SSP_NUM_SHUTDOWN))
		h->peer_ack = in->ack_num;
	if (!fresh)
		return;
	h->peer_num = in->new_num;
	if (in->new_num == SSP_NUM_SHUTDOWN)
		h->peer_shutdown = true;
	if (in->diff_len == 0)
		return;
	if (h->server)
		(void)user_msg_parse(in->diff, in->diff_len, &uh);
	else
		(void)host_msg_parse(in->diff, in->diff_len, &hh);
}

/* Read every datagram waiting on fd; whole instructions go to hp_take. */
static void
hp_receive(struct hp *h, int fd, uint64_t now)
{
	const uint8_t	*p;
	size_t		 n;
	struct instruction in;
	enum proto_err	 e;

	while ((e = conn_recv(&h->conn, fd, now, &p, &n)) != PROTO_ERR_AGAIN) {
		if (e != PROTO_OK)
			continue;
		if (frag_assembly_add(&h->assembly, p, n) != PROTO_OK)
			continue;
		if (frag_assembly_take(&h->assembly, &in) == PROTO_OK)
			hp_take(h, &in);
	}
}

/* Seal and send the fragments of one instruction. */
static void
hp_send_instruction(struct hp *h, uint64_t now)
{
	const uint8_t	*p;
	size_t		 i, n;

	h->last.ack_num = h->peer_num;
	h->last.diff = h->last_diff.data;
	h->last.diff_len = h->last_diff.len;
	if (fragmenter_make(&h->frag, &h->last,
	    conn_mtu(&h->conn) - DGRAM_OVERHEAD) != PROTO_OK) {
		fprintf(stderr, "hostile_peer: cannot fragment\n");
		return;
	}
	for (i = 0; i < fragmenter_count(&h->frag); i++) {
		fragmenter_get(&h->frag, i, &p, &n);
		(void)conn_send(&h->conn, p, n, now);
	}
	h->have_last = true;
	h->last_send = now;
}

/* Send a new state: `diff` applied to state `old`, numbered new_num. */
static void
hp_send_state(struct hp *h, uint64_t old, uint64_t new_num,
    const struct buf *diff)
{
	buf_reset(&h->last_diff);
	if (diff->len > 0 && buf_append(&h->last_diff, diff->data,
	    diff->len) != 0) {
		fprintf(stderr, "hostile_peer: out of memory\n");
		exit(1);
	}
	memset(&h->last, 0, sizeof(h->last));
	h->last.protocol_version = MOSH_PROTOCOL_VERSION;
	h->last.old_num = old;
	h->last.new_num = new_num;
	h->last.throwaway_num = h->throwaway <= old ? h->throwaway : old;
	if (new_num != SSP_NUM_SHUTDOWN)
		h->last_num = new_num;
	hp_send_instruction(h, clock_ms());
}

/* VmHWM and VmRSS of a process in KiB; -1 when it is gone. */
static int
hp_rss(pid_t pid, long *hwm, long *rss)
{
	char	 path[64], line[256];
	FILE	*f;

	*hwm = *rss = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return *rss < 0 ? -1 : 0;
}

/* --max-rss: stop before a runaway peer takes the machine's memory. */
static void
hp_guard(struct hp *h)
{
	long	 hwm, rss;

	if (h->guard_pid == 0 || hp_rss(h->guard_pid, &hwm, &rss) != 0)
		return;
	if (rss > h->guard_mib * 1024) {
		printf("guard pid=%ld rss_kib=%ld over %ld MiB: stopping\n",
		    (long)h->guard_pid, rss, h->guard_mib);
		fflush(stdout);
		exit(3);
	}
}

/* Wait for datagrams up to `ms`, resending the last instruction on time. */
static void
hp_pump(struct hp *h, int ms)
{
	struct pollfd	 pfd[CONN_MAX_SOCKS];
	int		 fds[CONN_MAX_SOCKS];
	size_t		 nfd, i;
	uint64_t	 now = clock_ms(), end = now + (uint64_t)ms;
	int		 wait;

	do {
		hp_guard(h);
		if (conn_has_remote(&h->conn) &&
		    now - h->last_send >= HP_RESEND_MS) {
			if (!h->have_last) {
				memset(&h->last, 0, sizeof(h->last));
				h->last.protocol_version =
				    MOSH_PROTOCOL_VERSION;
			}
			hp_send_instruction(h, now);
		}
		nfd = conn_fds(&h->conn, fds, CONN_MAX_SOCKS);
		for (i = 0; i < nfd; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		wait = (int)(end - now);
		if (wait > HP_RESEND_MS)
			wait = HP_RESEND_MS;
		if (poll(pfd, nfd, wait) > 0) {
			now = clock_ms();
			for (i = 0; i < nfd; i++)
				if (pfd[i].revents & POLLIN)
					hp_receive(h, pfd[i].fd, now);
		}
		now = clock_ms();
	} while (now < end);
}

/* Pump until cond() holds, or fail after ms. */
static bool
hp_wait(struct hp *h, bool (*cond)(struct hp *, const void *),
    const void *arg, long ms)
{
	uint64_t	 end = clock_ms() + (uint64_t)ms;

	while (!cond(h, arg)) {
		if (clock_ms() >= end)
			return false;
		hp_pump(h, 20);
	}
	return true;
}

/* Conditions for hp_wait. */
static bool
hp_acked(struct hp *h, const void *arg)
{
	(void)arg;
	return h->peer_ack >= h->last_num;
}

static bool
hp_shutdown_acked(struct hp *h, const void *arg)
{
	(void)arg;
	return h->peer_ack == SSP_NUM_SHUTDOWN;
}

static bool
hp_peer_shut(struct hp *h, const void *arg)
{
	(void)arg;
	return h->peer_shutdown;
}

static bool
hp_contains(struct hp *h, const void *arg)
{
	const char	*needle = arg;
	size_t		 n = strlen(needle), i;

	for (i = 0; n > 0 && i + n <= h->seen.len; i++)
		if (memcmp(h->seen.data + i, needle, n) == 0)
			return true;
	return false;
}

static bool
hp_heard(struct hp *h, const void *arg)
{
	(void)arg;
	return conn_has_remote(&h->conn);
}

/* Split a step into words; "..." keeps spaces, K*"..." stays one word. */
static int
split_words(char *s, char **w, int max)
{
	int	 n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return -1;
		w[n++] = s;
		while (*s != '\0' && !isspace((unsigned char)*s)) {
			if (*s++ != '"')
				continue;
			while (*s != '"') {
				if (*s == '\0')
					return -1;
				if (*s == '\\' && s[1] != '\0')
					s++;
				s++;
			}
			s++;
		}
		if (*s != '\0')
			*s++ = '\0';
	}
}

/* One item of bytes: "text" with C escapes, K*"text" repeats it, a bare
 * word is itself. Appends to out; 0, or -1 when malformed. */
static int
parse_item(const char *w, struct buf *out)
{
	struct buf	 one = BUF_INIT;
	unsigned long	 rep = 1, i;
	const char	*s = w, *star;
	char		*end;
	int		 hi, lo;

	if (isdigit((unsigned char)w[0]) &&
	    (star = strstr(w, "*\"")) != NULL) {
		errno = 0;
		rep = strtoul(w, &end, 10);
		if (errno != 0 || end != star || rep > 64u * 1024 * 1024)
			return -1;
		s = star + 1;
	}
	if (*s != '"') {
		if (buf_append(&one, s, strlen(s)) != 0)
			return -1;
		goto repeat;
	}
	for (s++; *s != '"'; s++) {
		uint8_t	 c = (uint8_t)*s;

		if (*s == '\0')
			goto bad;
		if (*s == '\\') {
			switch (*++s) {
			case 'e': c = 0x1b; break;
			case 'a': c = 0x07; break;
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x':
				hi = hex_nibble(s[1]);
				lo = hi < 0 ? -1 : hex_nibble(s[2]);
				if (lo < 0)
					goto bad;
				c = (uint8_t)(hi << 4 | lo);
				s += 2;
				break;
			default:
				goto bad;
			}
		}
		if (buf_append_byte(&one, c) != 0)
			goto bad;
	}
	if (s[1] != '\0')
		goto bad;
repeat:
	for (i = 0; i < rep; i++)
		if (one.len > 0 && buf_append(out, one.data, one.len) != 0)
			goto bad;
	buf_free(&one);
	return 0;
bad:
	buf_free(&one);
	return -1;
}

/* A whole unsigned number (0x for hex); false when malformed. */
static bool
parse_u64(const char *s, uint64_t *out)
{
	char	*end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return *s != '\0' && *end == '\0' && errno == 0 && *s != '-';
}

/* Items from w[0..n) into out; false on a malformed one. */
static bool
parse_items(char **w, int n, struct buf *out)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (parse_item(w[i], out) != 0) {
			fprintf(stderr, "hostile_peer: bad bytes: %s\n", w[i]);
			return false;
		}
	return true;
}

/* An optional "@N" or "@acked" (the newest state the peer acked) base;
 * else the newest state we sent. */
static int
parse_base(struct hp *h, char **w, int n, uint64_t *base)
{
	*base = h->last_num;
	if (n > 0 && strcmp(w[0], "@acked") == 0) {
		*base = h->peer_ack;
		return 1;
	}
	if (n > 0 && w[0][0] == '@') {
		if (!parse_u64(w[0] + 1, base))
			return -1;
		return 1;
	}
	return 0;
}

/* A fragment with any id, index and final bit, sealed and sent. */
static void
hp_send_fragment(struct hp *h, uint64_t id, unsigned idx, bool final,
    const uint8_t *p, size_t n)
{
	uint8_t		 wire[DGRAM_RECV_MAX];
	uint16_t	 num = (uint16_t)((idx & 0x7fff) | (final ? 0x8000 : 0));
	int		 b;

	if (n > sizeof(wire) - FRAG_HEADER_LEN)
		n = sizeof(wire) - FRAG_HEADER_LEN;
	for (b = 0; b < 8; b++)
		wire[b] = (uint8_t)(id >> (56 - 8 * b));
	wire[8] = (uint8_t)(num >> 8);
	wire[9] = (uint8_t)num;
	memcpy(wire + FRAG_HEADER_LEN, p, n);
	(void)conn_send(&h->conn, wire, n + FRAG_HEADER_LEN, clock_ms());
}

/* The steps; each returns 0, 1 (failed) or 2 (malformed). */
static int
run_step(struct hp *h, char **w, int n)
{
	struct buf	 b = BUF_INIT, diff = BUF_INIT;
	uint64_t	 base, x, y, z, i;
	long		 ms, hwm, rss;
	int		 k, rc = 0;
	const char	*cmd = w[0];

	hp_guard(h);
	w++;
	n--;
	if (strcmp(cmd, "state") == 0 || strcmp(cmd, "keys") == 0) {
		if (h->server != (cmd[0] == 's'))
			return 2;
		if ((k = parse_base(h, w, n, &base)) < 0 ||
		    !parse_items(w + k, n - k, &b))
			return 2;
		if ((h->server ? host_msg_add_bytes(&diff, b.data, b.len) :
		    user_msg_add_keys(&diff, b.data, b.len)) != 0)
			return 1;
		hp_send_state(h, base, h->last_num + 1, &diff);
		fprintf(stderr, "hostile_peer: %s %llu from %llu, %zu bytes\n",
		    cmd, (unsigned long long)h->last_num,
		    (unsigned long long)base, b.len);
	} else if (strcmp(cmd, "resize") == 0) {
		if ((k = parse_base(h, w, n, &base)) < 0 || n - k != 2 ||
		    !parse_u64(w[k], &x) || !parse_u64(w[k + 1], &y))
			return 2;
		if ((h->server ? host_msg_add_resize(&diff, (int32_t)x,
		    (int32_t)y) : user_msg_add_resize(&diff, (int32_t)x,
		    (int32_t)y)) != 0)
			return 1;
		hp_send_state(h, base, h->last_num + 1, &diff);
	} else if (strcmp(cmd, "repeat") == 0) {
		if (n < 2 || !parse_u64(w[0], &x))
			return 2;
		/* A breath between states, so --max-rss sees the peer
		 * grow before the next one is out. */
		for (i = 0; i < x && rc == 0; i++) {
			rc = run_step(h, w + 1, n - 1);
			hp_pump(h, 1);
		}
	} else if (strcmp(cmd, "try") == 0) {
		/* A wait that may fail against a peer that refuses us. */
		if (n < 1)
			return 2;
		if ((rc = run_step(h, w, n)) == 1) {
			printf("try failed: %s\n", w[0]);
			fflush(stdout);
			rc = 0;
		}
	} else if (strcmp(cmd, "throwaway") == 0) {
		if (n != 1 || !parse_u64(w[0], &h->throwaway))
			return 2;
	} else if (strcmp(cmd, "frag") == 0) {
		if (n < 3 || !parse_u64(w[0], &x) || !parse_u64(w[1], &y) ||
		    y >= FRAG_INDEX_LIMIT || (strcmp(w[2], "final") != 0 &&
		    strcmp(w[2], "more") != 0) || !parse_items(w + 3, n - 3, &b))
			return 2;
		hp_send_fragment(h, x, (unsigned)y, w[2][0] == 'f', b.data,
		    b.len);
	} else if (strcmp(cmd, "burst") == 0) {
		/* Fresh ids, each a large set that never gets its final. */
		if (n != 3 || !parse_u64(w[0], &x) || !parse_u64(w[1], &y) ||
		    !parse_u64(w[2], &z) || y > FRAG_INDEX_LIMIT ||
		    z > DGRAM_RECV_MAX - DGRAM_OVERHEAD - FRAG_HEADER_LEN ||
		    buf_reserve(&b, z) != 0)
			return 2;
		for (i = 0; i < x; i++) {
			for (uint64_t j = 0; j < y; j++) {
				randombytes_buf(b.data, z);
				hp_send_fragment(h, h->burst_id, (unsigned)j,
				    false, b.data, z);
				if (j % 64 == 63)
					hp_pump(h, 0);
			}
			h->burst_id++;
			hp_guard(h);
		}
	} else if (strcmp(cmd, "sleep") == 0) {
		if (n != 1 || parse_num(w[0], 0, 600000, &ms) != 0)
			return 2;
		hp_pump(h, (int)ms);
	} else if (strcmp(cmd, "wait-ack") == 0) {
		ms = HP_WAIT_MS;
		if (n > 1 || (n == 1 && parse_num(w[0], 0, 600000, &ms) != 0))
			return 2;
		if (!hp_wait(h, hp_acked, NULL, ms)) {
			fprintf(stderr, "hostile_peer: state %llu not acked "
			    "(peer acked %llu)\n",
			    (unsigned long long)h->last_num,
			    (unsigned long long)h->peer_ack);
			rc = 1;
		}
	} else if (strcmp(cmd, "expect") == 0) {
		ms = HP_WAIT_MS;
		if (n < 1 || n > 2 || parse_item(w[0], &b) != 0 ||
		    buf_append_byte(&b, 0) != 0 ||
		    (n == 2 && parse_num(w[1], 0, 600000, &ms) != 0))
			return 2;
		if (!hp_wait(h, hp_contains, b.data, ms)) {
			fprintf(stderr, "hostile_peer: never saw %s\n", w[0]);
			rc = 1;
		}
	} else if (strcmp(cmd, "rss") == 0) {
		if (n != 1 || parse_num(w[0], 1, INT32_MAX, &ms) != 0)
			return 2;
		if (hp_rss((pid_t)ms, &hwm, &rss) != 0)
			rc = 1;
		printf("rss pid=%ld hwm_kib=%ld rss_kib=%ld\n", ms, hwm, rss);
		fflush(stdout);
	} else if (strcmp(cmd, "shutdown") == 0) {
		/* As the protocol ends a session: new_num = 2^64 - 1. */
		ms = HP_WAIT_MS / 2;
		if (n > 1 || (n == 1 && parse_num(w[0], 0, 600000, &ms) != 0))
			return 2;
		hp_send_state(h, h->last_num, SSP_NUM_SHUTDOWN, &diff);
		if (!hp_wait(h, hp_shutdown_acked, NULL, ms)) {
			fprintf(stderr, "hostile_peer: shutdown not acked\n");
			rc = 1;
		}
	} else if (strcmp(cmd, "wait-shutdown") == 0) {
		ms = HP_WAIT_MS;
		if (n > 1 || (n == 1 && parse_num(w[0], 0, 600000, &ms) != 0))
			return 2;
		if (!hp_wait(h, hp_peer_shut, NULL, ms))
			rc = 1;
		else	/* our acks of it go out with the resends */
			hp_pump(h, 3 * HP_RESEND_MS);
	} else if (strcmp(cmd, "print") == 0) {
		for (k = 0; k < n; k++)
			printf("%s%s", k ? " " : "", w[k]);
		printf("\n");
		fflush(stdout);
	} else
		rc = 2;
	buf_free(&b);
	buf_free(&diff);
	return rc;
}

/* Run one line of script; prints why it failed. */
static int
run_line(struct hp *h, const char *line, const char *where)
{
	char	*copy, *w[HP_MAX_ARGS];
	int	 n, rc;

	if ((copy = strdup(line)) == NULL)
		return 1;
	n = split_words(copy, w, HP_MAX_ARGS);
	if (n == 0) {
		free(copy);
		return 0;
	}
	rc = n < 0 ? 2 : run_step(h, w, n);
	if (rc == 2)
		fprintf(stderr, "hostile_peer: %s: bad step: %s\n", where,
		    line);
	else if (rc != 0)
		fprintf(stderr, "hostile_peer: %s: failed: %.60s\n", where,
		    line);
	free(copy);
	return rc;
}

/* Server: the UDP socket on --listen; returns its port, or -1. */
static int
server_socket(const char *listen, const char *port_file, int *fd)
{
	struct sockaddr_storage ss;
	socklen_t	 len;
	char		 port[32];

	if (parse_addr(listen, "127.0.0.1", &ss, &len) != 0)
		die_usage("bad --listen");
	if ((*fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1 ||
	    bind(*fd, (struct sockaddr *)&ss, len) != 0 ||
	    conn_socket_setup(*fd, ss.ss_family) != 0) {
		perror("hostile_peer: bind");
		return -1;
	}
	len = sizeof(ss);
	if (getsockname(*fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	snprintf(port, sizeof(port), "%u\n", ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port));
	if (port_file != NULL && write_file_atomic(port_file, port) != 0) {
		perror("hostile_peer: port file");
		return -1;
	}
	return atoi(port);
}

int
main(int argc, char **argv)
{
	const char	*listen = "127.0.0.1:0", *port_file = NULL;
	const char	*keystr = NULL, *script = NULL, *why;
	const char	*steps[HP_MAX_STEPS];
	char		 keyout[MOSH_KEY_B64_LEN + 1], line[1 << 16], *c;
	size_t		 nsteps = 0, i;
	int		 role = -1, fd, port, rc = 0, lineno = 0;
	struct mosh_key	 key;
	struct hp	 h;
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	FILE		*f;
	long		 v;

	memset(&h, 0, sizeof(h));
	h.burst_id = HP_BURST_ID;
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i], *arg = argv[i + 1];

		if (strcmp(a, "--server") == 0 || strcmp(a, "--client") == 0) {
			role = a[2] == 's';
			continue;
		}
		if (a[0] != '-' || strcmp(a, "--") == 0)
			break;
		if (arg == NULL)
			die_usage("an option needs a value");
		i++;
		if (strcmp(a, "--listen") == 0)
			listen = arg;
		else if (strcmp(a, "--port-file") == 0)
			port_file = arg;
		else if (strcmp(a, "--key") == 0)
			keystr = arg;
		else if (strcmp(a, "--script") == 0)
			script = arg;
		else if (strcmp(a, "-e") == 0) {
			if (nsteps == HP_MAX_STEPS)
				die_usage("too many -e");
			steps[nsteps++] = arg;
		} else if (strcmp(a, "--max-rss") == 0) {
			if ((c = strchr(arg, ':')) == NULL ||
			    parse_num(c + 1, 1, 1 << 20, &h.guard_mib) != 0)
				die_usage("bad --max-rss");
			*c = '\0';
			if (parse_num(arg, 1, INT32_MAX, &v) != 0)
				die_usage("bad --max-rss");
			h.guard_pid = (pid_t)v;
		} else
			die_usage("unknown option");
	}
	if (role < 0)
		die_usage("--server or --client");
	h.server = role == 1;
	if (i < (size_t)argc && strcmp(argv[i], "--") == 0)
		i++;
	if (h.server ? i != (size_t)argc : i + 2 != (size_t)argc)
		die_usage(NULL);
	if (sodium_init() < 0)
		return 1;
	if (!h.server && keystr == NULL)
		keystr = getenv("MOSH_KEY");
	if (keystr != NULL) {
		if (key_parse(keystr, &key, &why) != 0) {
			fprintf(stderr, "hostile_peer: key: %s\n", why);
			return 2;
		}
	} else if (!h.server || key_generate(&key) != 0)
		die_usage("MOSH_KEY is not set");
	key_format(&key, keyout);
	fragmenter_init(&h.frag);
	frag_assembly_init(&h.assembly);

	if (h.server) {
		if ((port = server_socket(listen, port_file, &fd)) < 0 ||
		    conn_server_init(&h.conn, &key, &fd, 1, clock_ms()) != 0)
			return 1;
		printf("MOSH CONNECT %d %s\n", port, keyout);
		fflush(stdout);
		if (!hp_wait(&h, hp_heard, NULL, HP_FIRST_MS)) {
			fprintf(stderr, "hostile_peer: no client\n");
			return 1;
		}
	} else {
		snprintf(line, sizeof(line), "%s%s%s:%s",
		    strchr(argv[i], ':') ? "[" : "", argv[i],
		    strchr(argv[i], ':') ? "]" : "", argv[i + 1]);
		if (parse_addr(line, NULL, &ss, &sslen) != 0)
			die_usage("bad address");
		if (conn_client_init(&h.conn, &key, (struct sockaddr *)&ss,
		    sslen, clock_ms()) != 0) {
			perror("hostile_peer: socket");
			return 1;
		}
	}
	key_wipe(&key);

	if (script != NULL) {
		if ((f = strcmp(script, "-") == 0 ? stdin :
		    fopen(script, "r")) == NULL) {
			perror(script);
			return 2;
		}
		while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
			char where[64];

			lineno++;
			line[strcspn(line, "\n")] = '\0';
			snprintf(where, sizeof(where), "line %d", lineno);
			rc = run_line(&h, line, where);
		}
		if (f != stdin)
			fclose(f);
	}
	for (i = 0; rc == 0 && i < nsteps; i++)
		rc = run_line(&h, steps[i], "-e");
	hp_guard(&h);
	fragmenter_free(&h.frag);
	frag_assembly_free(&h.assembly);
	buf_free(&h.last_diff);
	buf_free(&h.seen);
	conn_close(&h.conn);
	return rc;
}

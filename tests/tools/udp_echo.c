/*
 * udp_echo: a UDP echo server and a counting client for network tests.
 *
 *   udp_echo server --listen [ADDR:]PORT [--port-file F] [--peers-file F]
 *                   [--stats-file F]
 *	Echoes every datagram back to its source. Each time the source
 *	address differs from the previous datagram's, appends "ADDR PORT" to
 *	--peers-file (so a test sees a roam). On SIGTERM/SIGINT prints
 *	"udp_echo: rx=N rx_bytes=B tx=N peers=K" to stdout and --stats-file.
 *
 *   udp_echo client --to ADDR:PORT [--count N] [--interval MS] [--size B]
 *                   [--idle MS] [--roam-at SEQ]
 *	Sends N numbered datagrams (sizes vary with the sequence number
 *	unless --size is given) every MS milliseconds, checks every echo
 *	byte for byte, and once all are sent and nothing has arrived for
 *	--idle MS, prints one line of key=value results (see report()).
 *	--roam-at SEQ moves to a new socket (a new source port) before
 *	sending SEQ and closes the old one, like a roaming mosh client.
 *
 * Addresses are numeric; IPv6 as [::1]:PORT. Exit 2 on bad usage. Signals
 * come through a signalfd: there is no global mutable state.
 */
#include <sys/types.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/toolutil.h"

#define EXIT_USAGE	2
#define BUF_BYTES	65536
#define HDR_BYTES	16		/* magic, seq, send time */
#define MAGIC		0x75656368u	/* "uech" */
#define MAX_COUNT	1000000
#define NS_PER_MS	1000000LL

struct opts {
	const char	*listen;
	const char	*to;
	const char	*port_file;
	const char	*peers_file;
	const char	*stats_file;
	long		 count;
	long		 interval_ms;
	long		 size;		/* 0: vary by sequence number */
	long		 idle_ms;
	long		 roam_at;	/* -1: never */
};

struct client_result {
	long		 sent, recv, unique, dup, ooo, corrupt;
	long		 first, last;	/* -1 when nothing arrived */
	long		 gaps, longest_gap;
	int64_t		 rtt_min, rtt_max, rtt_sum;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
usage(FILE *out)
{
	fprintf(out,
"usage: udp_echo server --listen [ADDR:]PORT [--port-file F] [--peers-file F]\n"
"                       [--stats-file F]\n"
"       udp_echo client --to ADDR:PORT [--count N] [--interval MS]\n"
"                       [--size B] [--idle MS] [--roam-at SEQ]\n");
}



static void
format_addr(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char	 host[INET6_ADDRSTRLEN];
	int	 port;

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    host, sizeof host);
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    host, sizeof host);
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	}
	snprintf(out, size, "%s %d", host, port);
}

/* --- server ---------------------------------------------------------------- */

static int
block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int
log_peer(const char *path, const struct sockaddr_storage *ss)
{
	char	 text[INET6_ADDRSTRLEN + 16];
	FILE	*f;

	if (path == NULL)
		return 0;
	format_addr(ss, text, sizeof text);
	if ((f = fopen(path, "a")) == NULL)
		return -1;
	fprintf(f, "%s\n", text);
	return fclose(f);
}

static int
run_server(const struct opts *o)
{
	struct sockaddr_storage	 addr, from, prev;
	socklen_t		 addr_len, from_len, prev_len = 0;
	struct pollfd		 pfd[2];
	unsigned long long	 rx = 0, rx_bytes = 0, tx = 0, peers = 0;
	unsigned char		*buf = NULL;
	char			 text[128];
	ssize_t			 n;
	int			 fd = -1, sig_fd = -1, quit = 0, rc = 1;

	if (parse_addr(o->listen, "127.0.0.1", &addr, &addr_len) != 0) {
		fprintf(stderr, "udp_echo: bad --listen %s\n", o->listen);
		return EXIT_USAGE;
	}
	if ((buf = malloc(BUF_BYTES)) == NULL)
		goto fail;
	if ((sig_fd = block_signals()) == -1)
		goto fail;
	if ((fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (bind_port_file(fd, (struct sockaddr *)&addr, addr_len,
	    o->port_file) != 0)
		goto fail;

	while (!quit) {
		pfd[0].fd = sig_fd;
		pfd[1].fd = fd;
		pfd[0].events = pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (pfd[0].revents & POLLIN)
			quit = 1;
		if (!(pfd[1].revents & POLLIN))
			continue;
		from_len = sizeof from;
		n = recvfrom(fd, buf, BUF_BYTES, 0, (struct sockaddr *)&from,
		    &from_len);
		if (n < 0)
			continue;
		rx++;
		rx_bytes += (unsigned long long)n;
		if (from_len != prev_len || memcmp(&from, &prev, from_len)) {
			memcpy(&prev, &from, from_len);
			prev_len = from_len;
			peers++;
			if (log_peer(o->peers_file, &from) != 0)
				goto fail;
		}
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		    from_len) == n)
			tx++;
	}
	snprintf(text, sizeof text, "udp_echo: rx=%llu rx_bytes=%llu tx=%llu "
	    "peers=%llu\n", rx, rx_bytes, tx, peers);
	fputs(text, stdout);
	if (o->stats_file != NULL && write_file_atomic(o->stats_file, text))
		goto fail;
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, "udp_echo: server: %s\n", strerror(errno));
	if (fd != -1)
		close(fd);
	if (sig_fd != -1)
		close(sig_fd);
	free(buf);
	return rc;
}

/* --- client ---------------------------------------------------------------- */

static size_t
packet_size(const struct opts *o, uint32_t seq)
{
	if (o->size > 0)
		return (size_t)o->size;
	return HDR_BYTES + (seq * 37u) % 1200u;
}

static unsigned char
pattern_byte(uint32_t seq, size_t i)
{
	return (unsigned char)(seq * 131u + i * 7u + 1u);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static size_t
build_packet(const struct opts *o, unsigned char *buf, uint32_t seq,
    int64_t t)
{
	size_t len, i;

	len = packet_size(o, seq);
	put32(buf, MAGIC);
	put32(buf + 4, seq);
	put32(buf + 8, (uint32_t)((uint64_t)t >> 32));
	put32(buf + 12, (uint32_t)t);
	for (i = HDR_BYTES; i < len; i++)
		buf[i] = pattern_byte(seq, i);
	return len;
}

/* Returns the sequence number, or -1 if the packet is not one we sent
 * intact. */
static long
check_packet(const struct opts *o, const unsigned char *buf, size_t len,
    int64_t *sent_at)
{
	uint32_t	 seq;
	size_t		 i;

	if (len < HDR_BYTES || get32(buf) != MAGIC)
		return -1;
	seq = get32(buf + 4);
	if (seq >= (uint32_t)o->count || len != packet_size(o, seq))
		return -1;
	for (i = HDR_BYTES; i < len; i++)
		if (buf[i] != pattern_byte(seq, i))
			return -1;
	*sent_at = (int64_t)((uint64_t)get32(buf + 8) << 32 | get32(buf + 12));
	return (long)seq;
}

static void
client_arrival(struct client_result *r, unsigned char *seen, long *highest,
    long seq, int64_t rtt)
{
	r->recv++;
	if (seen[seq]) {
		r->dup++;
		return;
	}
	seen[seq] = 1;
	r->unique++;
	if (seq < *highest)
		r->ooo++;
	else
		*highest = seq;
	if (r->rtt_min < 0 || rtt < r->rtt_min)
		r->rtt_min = rtt;
	if (rtt > r->rtt_max)
		r->rtt_max = rtt;
	r->rtt_sum += rtt;
}

static void
report(const struct client_result *r, const unsigned char *seen, long count)
{
	long	 i, run = 0, gaps = 0, longest = 0, first = -1, last = -1;

	for (i = 0; i < count; i++) {
		if (seen[i]) {
			if (first < 0)
				first = i;
			last = i;
			run = 0;
			continue;
		}
		if (run++ == 0)
			gaps++;
		if (run > longest)
			longest = run;
	}
	printf("udp_echo: sent=%ld recv=%ld unique=%ld dup=%ld ooo=%ld "
	    "corrupt=%ld lost=%ld first=%ld last=%ld gaps=%ld longest_gap=%ld "
	    "rtt_min_ms=%.1f rtt_avg_ms=%.1f rtt_max_ms=%.1f\n",
	    r->sent, r->recv, r->unique, r->dup, r->ooo, r->corrupt,
	    r->sent - r->unique, first, last, gaps, longest,
	    r->rtt_min < 0 ? 0.0 : (double)r->rtt_min / NS_PER_MS,
	    r->unique ? (double)r->rtt_sum / (double)r->unique / NS_PER_MS : 0.0,
	    (double)r->rtt_max / NS_PER_MS);
}

static int
run_client(const struct opts *o)
{
	struct sockaddr_storage	 to;
	socklen_t		 to_len;
	struct client_result	 r;
	struct pollfd		 pfd;
	unsigned char		*buf = NULL, *seen = NULL;
	int64_t			 now, next_send, quiet_since, sent_at, wait;
	long			 highest = -1, seq;
	ssize_t			 n;
	size_t			 len;
	int			 fd = -1, new_fd, rc = 1;

	if (parse_addr(o->to, NULL, &to, &to_len) != 0) {
		fprintf(stderr, "udp_echo: bad --to %s\n", o->to);
		return EXIT_USAGE;
	}
	memset(&r, 0, sizeof r);
	r.rtt_min = -1;
	buf = malloc(BUF_BYTES);
	seen = calloc((size_t)o->count, 1);
	if (buf == NULL || seen == NULL)
		goto fail;
	if ((fd = socket(to.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		goto fail;

	next_send = quiet_since = now_ns();
	for (;;) {
		now = now_ns();
		if (r.sent < o->count && now >= next_send) {
			if (r.sent == o->roam_at) {
				if ((new_fd = socket(to.ss_family, SOCK_DGRAM |
				    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
					goto fail;
				close(fd);
				fd = new_fd;
			}
			len = build_packet(o, buf, (uint32_t)r.sent, now);
			/* A send that fails (ICMP from a dead port) still
			 * counts as sent: the packet is lost. */
			(void)sendto(fd, buf, len, 0, (struct sockaddr *)&to,
			    to_len);
			r.sent++;
			next_send += o->interval_ms * NS_PER_MS;
			quiet_since = now;
			continue;
		}
		if (r.sent < o->count)
			wait = next_send - now;
		else {
			wait = quiet_since + o->idle_ms * NS_PER_MS - now;
			if (wait <= 0)
				break;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)((wait + NS_PER_MS - 1) / NS_PER_MS)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		while ((n = recv(fd, buf, BUF_BYTES, 0)) >= 0) {
			now = now_ns();
			quiet_since = now;
			if ((seq = check_packet(o, buf, (size_t)n,
			    &sent_at)) < 0) {
				r.corrupt++;
				continue;
			}
			client_arrival(&r, seen, &highest, seq, now - sent_at);
		}
	}
	report(&r, seen, o->count);
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, "udp_echo: client: %s\n", strerror(errno));
	if (fd != -1)
		close(fd);
	free(buf);
	free(seen);
	return rc;
}

/* --- main ----------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "to",		required_argument, NULL, 't' },
		{ "port-file",	required_argument, NULL, 'p' },
		{ "peers-file",	required_argument, NULL, 'P' },
		{ "stats-file",	required_argument, NULL, 's' },
		{ "count",	required_argument, NULL, 'c' },
		{ "interval",	required_argument, NULL, 'i' },
		{ "size",	required_argument, NULL, 'S' },
		{ "idle",	required_argument, NULL, 'w' },
		{ "roam-at",	required_argument, NULL, 'r' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts	 o;
	const char	*mode;
	int		 c, bad = 0;

	memset(&o, 0, sizeof o);
	o.count = 100;
	o.interval_ms = 2;
	o.idle_ms = 500;
	o.roam_at = -1;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	mode = argv[1];
	if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 't': o.to = optarg; break;
		case 'p': o.port_file = optarg; break;
		case 'P': o.peers_file = optarg; break;
		case 's': o.stats_file = optarg; break;
		case 'c':
			bad |= parse_num(optarg, 1, MAX_COUNT, &o.count);
			break;
		case 'i':
			bad |= parse_num(optarg, 0, 10000, &o.interval_ms);
			break;
		case 'S':
			bad |= parse_num(optarg, HDR_BYTES, 65507, &o.size);
			break;
		case 'w':
			bad |= parse_num(optarg, 1, 600000, &o.idle_ms);
			break;
		case 'r':
			bad |= parse_num(optarg, 0, MAX_COUNT, &o.roam_at);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			bad = 1;
		}
	}
	if (bad || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(mode, "server") == 0 && o.listen != NULL)
		return run_server(&o);
	if (strcmp(mode, "client") == 0 && o.to != NULL)
		return run_client(&o);
	usage(stderr);
	return EXIT_USAGE;
}

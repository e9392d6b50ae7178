/*
 * server/events: the lines a refused datagram and a session event make,
 * and the rate limits on them: EVENTS_BURST lines per source then one per
 * EVENTS_REFILL_MS, EVENTS_GLOBAL_BURST over all sources then one per
 * EVENTS_GLOBAL_REFILL_MS, and a summary of what was suppressed. Time is
 * the `now` argument; lines are read from a memory stream (the syslog
 * socket is a path with nothing behind it, but for the case that binds
 * one to read what syslog would get).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "server/config.h"
#include "server/events.h"
#include "tests/unit/check.h"

#define T0	1000000ULL	/* ms; any time but 0 */

/* One case's events, its output and a socket of ours to name. */
struct fix {
	struct config	 cfg;
	struct events	 ev;
	FILE		*out;
	char		*buf;
	size_t		 len;
	size_t		 seen;	/* output read so far */
	int		 fd;	/* UDP, 127.0.0.1, any port */
	int		 port;
};

static int
fix_open(struct fix *f, int log_failed, int format, const char *iface)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	char			 err[512];

	memset(f, 0, sizeof(*f));
	config_defaults(&f->cfg);
	if (config_set(&f->cfg, CFG_LOG_SOCKET, "/nonexistent/tsmosh-unit/log",
	    CONFIG_FLAG, "test", err, sizeof(err)) != 0)
		return -1;
	if (iface != NULL && config_set(&f->cfg, CFG_INTERFACE, iface,
	    CONFIG_FLAG, "test", err, sizeof(err)) != 0)
		return -1;
	f->cfg.log_failed = log_failed;
	f->cfg.log_format = format;
	if ((f->out = open_memstream(&f->buf, &f->len)) == NULL)
		return -1;
	events_init(&f->ev, &f->cfg, f->out);
	if ((f->fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(f->fd, (struct sockaddr *)&sin, &sl) != 0)
		return -1;
	f->port = ntohs(sin.sin_port);
	return 0;
}

static void
fix_close(struct fix *f)
{
	events_close(&f->ev);
	if (f->out != NULL)
		fclose(f->out);
	free(f->buf);
	if (f->fd > 0)
		close(f->fd);
	config_free(&f->cfg);
}

/* What was written since the last call (until the next one). */
static const char *
fix_new(struct fix *f)
{
	const char	*s;

	fflush(f->out);
	s = f->buf != NULL ? f->buf + f->seen : "";
	f->seen = f->len;
	return s;
}

/* Lines of s starting "mosh-server[PID]: " + what. */
static int
count_lines(const struct fix *f, const char *s, const char *what)
{
	char		 prefix[128];
	const char	*p;
	size_t		 pl;
	int		 n = 0;

	snprintf(prefix, sizeof(prefix), "mosh-server[%ld]: %s", (long)getpid(),
	    what);
	pl = strlen(prefix);
	(void)f;
	for (p = s; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strchr(p, '\n') == NULL)
			break;
		if (strncmp(p, prefix, pl) == 0)
			n++;
	}
	return n;
}

static socklen_t
v4(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &s->sin_addr);
	return sizeof(*s);
}

static socklen_t
v6(struct sockaddr_storage *ss, const char *ip, int port)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, ip, &s->sin6_addr);
	return sizeof(*s);
}

/* One refused datagram from ip (v4 or v6) at now. */
static void
feed(struct fix *f, enum proto_err e, const char *ip, uint64_t now)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;

	len = strchr(ip, ':') != NULL ? v6(&ss, ip, 51000) :
	    v4(&ss, ip, 51000);
	events_failed_packet(&f->ev, e, (struct sockaddr *)&ss, len, f->fd,
	    now);
}

/* Sum of suppressed=N over the summary lines in s. */
static unsigned long
suppressed_sum(const char *s, int *lines)
{
	const char	*p = s;
	unsigned long	 sum = 0;

	*lines = 0;
	while ((p = strstr(p, "failed-packet-summary ")) != NULL) {
		const char *q = strstr(p, "suppressed=");

		if (q == NULL)
			break;
		sum += strtoul(q + 11, NULL, 10);
		(*lines)++;
		p = q;
	}
	return sum;
}

static void
test_reasons(struct check *t)
{
	CHECK(t, check_str(events_reason(PROTO_ERR_SOURCE), "source-rejected"));
	CHECK(t, check_str(events_reason(PROTO_ERR_AUTH), "auth-failed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_STALE), "stale"));
	CHECK(t, check_str(events_reason(PROTO_ERR_OLD_KEY), "old-key"));
	CHECK(t, check_str(events_reason(PROTO_ERR_KNOWN_PEER), "known-peer"));
	CHECK(t, check_str(events_reason(PROTO_ERR_OVER_BUDGET),
	    "state-over-budget"));
	CHECK(t, check_str(events_reason(PROTO_ERR_SHORT), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_DIRECTION), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_FRAGMENT), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_INFLATE), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_TOO_LARGE), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_PROTOBUF), "malformed"));
	CHECK(t, check_str(events_reason(PROTO_ERR_VERSION), "malformed"));
}

static void
test_line_v4(struct check *t)
{
	struct fix	 f;
	char		 want[512];

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	CHECK_EQ_INT(t, f.ev.syslog_fd, -1);
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	snprintf(want, sizeof(want), "mosh-server[%ld]: failed-packet "
	    "reason=auth-failed src=100.64.0.2 sport=51000 dst=127.0.0.1 "
	    "dport=%d iface=tailscale0 count=1\n", (long)getpid(), f.port);
	CHECK(t, check_str(fix_new(&f), want));
	feed(&f, PROTO_ERR_SOURCE, "100.64.0.3", T0);
	snprintf(want, sizeof(want), "mosh-server[%ld]: failed-packet "
	    "reason=source-rejected src=100.64.0.3 sport=51000 dst=127.0.0.1 "
	    "dport=%d iface=tailscale0 count=1\n", (long)getpid(), f.port);
	CHECK(t, check_str(fix_new(&f), want));
	/* count is per reason, ever. */
	feed(&f, PROTO_ERR_AUTH, "100.64.0.4", T0);
	CHECK(t, strstr(fix_new(&f), "reason=auth-failed src=100.64.0.4 "
	    "sport=51000") != NULL);
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	CHECK(t, strstr(fix_new(&f), " count=3\n") != NULL);
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_AUTH], 3);
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_SOURCE], 1);
	feed(&f, PROTO_ERR_SHORT, "100.64.0.2", T0);
	CHECK(t, strstr(fix_new(&f), "failed-packet reason=malformed "
	    "src=100.64.0.2") != NULL);
	fix_close(&f);
}

/* v6 sources; a v4-mapped one is v4 on the dual-stack socket only. */
static void
test_line_v6(struct check *t)
{
	struct fix		 f;
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	 any, lo;
	socklen_t		 len;
	char			 want[512];
	int			 dual, named, off = 0, i;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	feed(&f, PROTO_ERR_AUTH, "fd7a:115c:a1e0::2", T0);
	snprintf(want, sizeof(want), "mosh-server[%ld]: failed-packet "
	    "reason=auth-failed src=fd7a:115c:a1e0::2 sport=51000 "
	    "dst=127.0.0.1 dport=%d iface=tailscale0 count=1\n",
	    (long)getpid(), f.port);
	CHECK(t, check_str(fix_new(&f), want));

	dual = socket(AF_INET6, SOCK_DGRAM, 0);
	named = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(t, dual != -1 && named != -1);
	(void)setsockopt(dual, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	memset(&any, 0, sizeof(any));
	any.sin6_family = AF_INET6;
	lo = any;
	lo.sin6_addr = in6addr_loopback;
	CHECK(t, bind(dual, (struct sockaddr *)&any, sizeof(any)) == 0);
	CHECK(t, bind(named, (struct sockaddr *)&lo, sizeof(lo)) == 0);
	/* On the dual-stack socket: the v4 peer, with its v4 bucket. */
	len = v6(&ss, "::ffff:100.64.0.9", 51000);
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&ss, len,
	    dual, T0);
	CHECK(t, strstr(fix_new(&f), "reason=auth-failed src=100.64.0.9 "
	    "sport=51000 dst=:: ") != NULL);
	for (i = 1; i < EVENTS_BURST; i++)
		feed(&f, PROTO_ERR_AUTH, "100.64.0.9", T0);
	CHECK_EQ_INT(t, count_lines(&f, fix_new(&f), "failed-packet "),
	    EVENTS_BURST - 1);
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&ss, len,
	    dual, T0);
	CHECK(t, check_str(fix_new(&f), ""));
	/* On a socket of a named v6 address: a fake, logged as sent, in a
	 * bucket of its own. */
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&ss, len,
	    named, T0);
	CHECK(t, strstr(fix_new(&f), "reason=auth-failed "
	    "src=::ffff:100.64.0.9 sport=51000 dst=::1 ") != NULL);
	close(dual);
	close(named);
	fix_close(&f);
}

/* EVENTS_BURST lines per source, then one per EVENTS_REFILL_MS. */
static void
test_per_source_burst(struct check *t)
{
	struct fix	 f;
	const char	*s;
	char		 want[256];
	int		 i, n;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	for (i = 0; i < EVENTS_BURST + 2; i++)
		feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	s = fix_new(&f);
	CHECK_EQ_INT(t, count_lines(&f, s, "failed-packet reason=auth-failed "
	    "src=100.64.0.2 "), EVENTS_BURST);
	CHECK(t, strstr(s, " count=10\n") != NULL);
	CHECK(t, strstr(s, " count=11\n") == NULL);
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_AUTH], EVENTS_BURST + 2);
	/* Another source has its own burst. */
	feed(&f, PROTO_ERR_AUTH, "100.64.0.3", T0);
	CHECK_EQ_INT(t, count_lines(&f, fix_new(&f), "failed-packet "), 1);
	/* Not before the refill... */
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0 + EVENTS_REFILL_MS - 1);
	CHECK(t, check_str(fix_new(&f), ""));
	/* ...then one line (counting every datagram), and no more. */
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0 + EVENTS_REFILL_MS);
	s = fix_new(&f);
	CHECK_EQ_INT(t, count_lines(&f, s, "failed-packet "), 1);
	CHECK(t, strstr(s, "src=100.64.0.2 ") != NULL &&
	    strstr(s, " count=15\n") != NULL);
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0 + EVENTS_REFILL_MS);
	CHECK(t, check_str(fix_new(&f), ""));
	/* So far suppressed: 2 + 1 + 1. The summary is due
	 * EVENTS_SUMMARY_MS after the first suppression. */
	CHECK_EQ_INT(t, f.ev.pending, 1);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + EVENTS_SUMMARY_MS - 1, false),
	    1);
	CHECK(t, check_str(fix_new(&f), ""));
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + EVENTS_SUMMARY_MS, false),
	    INT32_MAX);
	snprintf(want, sizeof(want), "mosh-server[%ld]: failed-packet-summary "
	    "src=100.64.0.2 suppressed=4 iface=tailscale0\n", (long)getpid());
	CHECK(t, check_str(fix_new(&f), want));
	CHECK_EQ_INT(t, f.ev.pending, 0);
	/* Long after: the bucket refills up to EVENTS_BURST, not more. */
	for (i = 0; i < EVENTS_BURST + 5; i++)
		feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0 + 100 *
		    EVENTS_REFILL_MS);
	n = count_lines(&f, fix_new(&f), "failed-packet ");
	CHECK_EQ_INT(t, n, EVENTS_BURST);
	/* The next summary is EVENTS_SUMMARY_MS after the last one at
	 * the soonest: already due. */
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 100 * EVENTS_REFILL_MS,
	    false), INT32_MAX);
	CHECK(t, strstr(fix_new(&f), "src=100.64.0.2 suppressed=5 ") != NULL);
	fix_close(&f);
}

/* EVENTS_GLOBAL_BURST lines over all sources, then one per
 * EVENTS_GLOBAL_REFILL_MS; what is suppressed is summarised. */
static void
test_global_budget(struct check *t)
{
	struct fix	 f;
	const char	*s;
	char		 ip[32];
	int		 i, lines;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	for (i = 0; i < EVENTS_GLOBAL_BURST + 10; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 200, i % 200 + 1);
		feed(&f, PROTO_ERR_SOURCE, ip, T0);
	}
	s = fix_new(&f);
	CHECK_EQ_INT(t, count_lines(&f, s, "failed-packet reason="),
	    EVENTS_GLOBAL_BURST);
	/* Not yet: one token back after EVENTS_GLOBAL_REFILL_MS. */
	feed(&f, PROTO_ERR_SOURCE, "10.9.0.1", T0 + EVENTS_GLOBAL_REFILL_MS - 1);
	CHECK_EQ_INT(t, count_lines(&f, fix_new(&f), "failed-packet reason="),
	    0);
	feed(&f, PROTO_ERR_SOURCE, "10.9.0.2", T0 + EVENTS_GLOBAL_REFILL_MS);
	feed(&f, PROTO_ERR_SOURCE, "10.9.0.3", T0 + EVENTS_GLOBAL_REFILL_MS);
	s = fix_new(&f);
	CHECK_EQ_INT(t, count_lines(&f, s, "failed-packet reason="), 1);
	CHECK(t, strstr(s, "src=10.9.0.2 ") != NULL);
	/* Everything suppressed, summarised by a final flush (or by a
	 * collision in the bucket table on the way). */
	events_flush(&f.ev, T0 + EVENTS_GLOBAL_REFILL_MS, true);
	CHECK_EQ_INT(t, suppressed_sum(f.buf, &lines), 10 + 1 + 1);
	CHECK_EQ_INT(t, lines, 12);
	CHECK_EQ_INT(t, f.ev.pending, 0);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 10 * EVENTS_SUMMARY_MS, false),
	    INT32_MAX);
	/* Refilled, but only up to the burst. */
	fix_new(&f);
	for (i = 0; i < EVENTS_GLOBAL_BURST + 10; i++) {
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 200, i % 200 + 1);
		feed(&f, PROTO_ERR_SOURCE, ip, T0 + 1000 *
		    EVENTS_GLOBAL_REFILL_MS);
	}
	CHECK_EQ_INT(t, count_lines(&f, fix_new(&f), "failed-packet reason="),
	    EVENTS_GLOBAL_BURST);
	fix_close(&f);
}

static void
test_flush_timing(struct check *t)
{
	struct fix	 f;
	int		 i;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	CHECK_EQ_INT(t, events_flush(&f.ev, T0, false), INT32_MAX);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0, true), INT32_MAX);
	for (i = 0; i < EVENTS_BURST + 1; i++)
		feed(&f, PROTO_ERR_AUTH, "fd7a:115c:a1e0::5", T0);
	fix_new(&f);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 4000, false),
	    EVENTS_SUMMARY_MS - 4000);
	CHECK(t, check_str(fix_new(&f), ""));
	/* The final flush does not wait. */
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 4000, true), INT32_MAX);
	CHECK(t, strstr(fix_new(&f), "failed-packet-summary "
	    "src=fd7a:115c:a1e0::5 suppressed=1 iface=tailscale0\n") != NULL);
	/* The next suppression's summary: EVENTS_SUMMARY_MS after that
	 * one at the soonest. */
	feed(&f, PROTO_ERR_AUTH, "fd7a:115c:a1e0::5", T0 + 5000);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 5000, false),
	    EVENTS_SUMMARY_MS - 1000);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 4000 + EVENTS_SUMMARY_MS,
	    false), INT32_MAX);
	CHECK(t, strstr(fix_new(&f), "suppressed=1 ") != NULL);
	fix_close(&f);
}

/* A source landing in a busy slot of the table: the one before gets
 * its summary at once, the new one a fresh burst. */
static void
test_bucket_collision(struct check *t)
{
	struct fix	 f;
	struct events	*probe;
	char		 ip[32], want[256];
	const char	*s;
	size_t		 i, slot_a = EVENTS_BUCKETS, slot;
	int		 j, found = 0;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0 ||
	    (probe = malloc(sizeof(*probe))) == NULL) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	for (j = 0; j < EVENTS_BURST + 1; j++)
		feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	for (i = 0; i < EVENTS_BUCKETS; i++)
		if (f.ev.bucket[i].family == AF_INET)
			slot_a = i;
	CHECK(t, slot_a < EVENTS_BUCKETS);
	/* Another source in the same slot, found as the table places it. */
	for (j = 3; j < 2000 && !found; j++) {
		struct sockaddr_storage ss;
		socklen_t len;

		snprintf(ip, sizeof(ip), "100.64.%d.%d", j / 250, j % 250 + 1);
		events_init(probe, &f.cfg, NULL);
		len = v4(&ss, ip, 1);
		events_failed_packet(probe, PROTO_ERR_AUTH,
		    (struct sockaddr *)&ss, len, f.fd, T0);
		events_close(probe);
		for (slot = 0; slot < EVENTS_BUCKETS; slot++)
			if (probe->bucket[slot].family != 0)
				break;
		found = slot == slot_a;
	}
	CHECK(t, found);
	fix_new(&f);
	feed(&f, PROTO_ERR_AUTH, ip, T0 + 1);
	s = fix_new(&f);
	snprintf(want, sizeof(want), "mosh-server[%ld]: failed-packet-summary "
	    "src=100.64.0.2 suppressed=1 iface=tailscale0\n", (long)getpid());
	CHECK(t, strncmp(s, want, strlen(want)) == 0);
	CHECK_EQ_INT(t, count_lines(&f, s, "failed-packet reason="), 1);
	CHECK_EQ_INT(t, f.ev.pending, 0);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 100000, false), INT32_MAX);
	/* The new source has its whole burst. */
	for (j = 1; j < EVENTS_BURST; j++)
		feed(&f, PROTO_ERR_AUTH, ip, T0 + 1);
	CHECK_EQ_INT(t, count_lines(&f, fix_new(&f), "failed-packet reason="),
	    EVENTS_BURST - 1);
	free(probe);
	fix_close(&f);
}

/* Replays: counted always, logged only with log_failed_packets = all;
 * with no, nothing is logged at all. */
static void
test_log_levels(struct check *t)
{
	struct fix	 f;
	const char	*s;
	int		 i;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	feed(&f, PROTO_ERR_STALE, "100.64.0.2", T0);
	feed(&f, PROTO_ERR_STALE, "100.64.0.2", T0);
	CHECK(t, check_str(fix_new(&f), ""));
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_STALE], 2);
	feed(&f, PROTO_ERR_KNOWN_PEER, "100.64.0.2", T0);
	CHECK(t, strstr(fix_new(&f), "reason=known-peer ") != NULL);
	fix_close(&f);

	if (fix_open(&f, LOG_FAILED_ALL, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	feed(&f, PROTO_ERR_STALE, "100.64.0.2", T0);
	s = fix_new(&f);
	CHECK(t, strstr(s, "failed-packet reason=stale src=100.64.0.2 ") !=
	    NULL && strstr(s, " count=1\n") != NULL);
	fix_close(&f);

	if (fix_open(&f, LOG_FAILED_NO, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	for (i = 0; i < 3 * EVENTS_BURST; i++) {
		feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
		feed(&f, PROTO_ERR_STALE, "100.64.0.2", T0);
		feed(&f, PROTO_ERR_SOURCE, "10.1.1.1", T0);
	}
	CHECK(t, check_str(fix_new(&f), ""));
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_AUTH], 3 * EVENTS_BURST);
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_SOURCE], 3 * EVENTS_BURST);
	CHECK_EQ_INT(t, f.ev.pending, 0);
	CHECK_EQ_INT(t, events_flush(&f.ev, T0 + 100000, true), INT32_MAX);
	CHECK(t, check_str(fix_new(&f), ""));
	fix_close(&f);
}

/* Sources no line can name: counted, not logged. */
static void
test_odd_sources(struct check *t)
{
	struct fix		 f;
	struct sockaddr_storage	 ss;
	struct sockaddr_un	 un;
	socklen_t		 len;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&un,
	    sizeof(un), f.fd, T0);
	len = v4(&ss, "100.64.0.2", 1);
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&ss,
	    len - 1, f.fd, T0);
	len = v6(&ss, "fd7a:115c:a1e0::2", 1);
	events_failed_packet(&f.ev, PROTO_ERR_AUTH, (struct sockaddr *)&ss,
	    len - 1, f.fd, T0);
	CHECK(t, check_str(fix_new(&f), ""));
	CHECK_EQ_INT(t, f.ev.count[PROTO_ERR_AUTH], 3);
	/* A reason past the table is counted in its last slot. */
	len = v4(&ss, "100.64.0.2", 1);
	events_failed_packet(&f.ev, (enum proto_err)(EVENTS_REASONS + 5),
	    (struct sockaddr *)&ss, len, f.fd, T0);
	CHECK_EQ_INT(t, f.ev.count[EVENTS_REASONS - 1], 1);
	CHECK(t, strstr(fix_new(&f), "reason=malformed ") != NULL);
	fix_close(&f);
}

static void
test_session_lines(struct check *t)
{
	struct fix	 f;
	char		 want[256];

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	events_session(&f.ev, "session-start", "port=%d iface=%s user=%s",
	    60001, "tailscale0", "alice");
	snprintf(want, sizeof(want), "mosh-server[%ld]: session-start "
	    "port=60001 iface=tailscale0 user=alice\n", (long)getpid());
	CHECK(t, check_str(fix_new(&f), want));
	fix_close(&f);
}

static void
test_json(struct check *t)
{
	struct fix	 f;
	char		 want[512];
	int		 i;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_JSON, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	CHECK(t, f.ev.json);
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	snprintf(want, sizeof(want), "mosh-server[%ld]: {\"event\":"
	    "\"failed-packet\",\"pid\":%ld,\"reason\":\"auth-failed\","
	    "\"src\":\"100.64.0.2\",\"sport\":51000,\"dst\":\"127.0.0.1\","
	    "\"dport\":%d,\"iface\":\"tailscale0\",\"count\":1}\n",
	    (long)getpid(), (long)getpid(), f.port);
	CHECK(t, check_str(fix_new(&f), want));
	feed(&f, PROTO_ERR_AUTH, "fd7a:115c:a1e0::2", T0);
	CHECK(t, strstr(fix_new(&f), "\"src\":\"fd7a:115c:a1e0::2\","
	    "\"sport\":51000,") != NULL);
	for (i = 1; i < EVENTS_BURST + 1; i++)
		feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	fix_new(&f);
	events_flush(&f.ev, T0, true);
	snprintf(want, sizeof(want), "mosh-server[%ld]: {\"event\":"
	    "\"failed-packet-summary\",\"pid\":%ld,\"src\":\"100.64.0.2\","
	    "\"suppressed\":1,\"iface\":\"tailscale0\"}\n", (long)getpid(),
	    (long)getpid());
	CHECK(t, check_str(fix_new(&f), want));
	events_session(&f.ev, "session-end", "reason=%s", "exit");
	snprintf(want, sizeof(want), "mosh-server[%ld]: {\"event\":"
	    "\"session-end\",\"pid\":%ld,\"reason\":\"exit\"}\n",
	    (long)getpid(), (long)getpid());
	CHECK(t, check_str(fix_new(&f), want));
	/* No pairs: no members after the pid. */
	events_session(&f.ev, "session-end", "%s", "");
	snprintf(want, sizeof(want), "mosh-server[%ld]: {\"event\":"
	    "\"session-end\",\"pid\":%ld}\n", (long)getpid(), (long)getpid());
	CHECK(t, check_str(fix_new(&f), want));
	fix_close(&f);
}

/*
 * An interface name may hold any byte but '/', ':' and blanks (Linux
 * and netbind_valid_name agree): a '"' in it must not end the JSON
 * string early, or a log shipper drops the line (or reads keys the name
 * made up).
 */
static void
test_json_quotes(struct check *t)
{
	struct fix	 f;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_JSON, "tun\"x\\") != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	CHECK(t, strstr(fix_new(&f), "\"iface\":\"tun\\\"x\\\\\",") != NULL);
	fix_close(&f);
}

/* What the syslog socket gets: "<PRI>STAMP mosh-server[PID]: BODY". */
static void
test_syslog_socket(struct check *t)
{
	struct fix		 f;
	struct sockaddr_un	 un;
	char			 dir[64], err[256], got[1300], want[512], *p;
	char			 pri[16];
	ssize_t			 n;
	int			 s;

	if (fix_open(&f, LOG_FAILED_YES, LOG_FORMAT_KV, NULL) != 0) {
		CHECK(t, !"fixture");
		fix_close(&f);
		return;
	}
	events_close(&f.ev);
	snprintf(dir, sizeof(dir), "/tmp/tsmosh-unit.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		CHECK(t, !"mkdtemp");
		fix_close(&f);
		return;
	}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path, sizeof(un.sun_path), "%s/log", dir);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(t, s != -1 && bind(s, (struct sockaddr *)&un, sizeof(un)) == 0);
	CHECK_EQ_INT(t, config_set(&f.cfg, CFG_LOG_SOCKET, un.sun_path,
	    CONFIG_FLAG, "test", err, sizeof(err)), 0);
	CHECK_EQ_INT(t, config_set(&f.cfg, CFG_LOG_FACILITY, "local3",
	    CONFIG_FLAG, "test", err, sizeof(err)), 0);
	events_init(&f.ev, &f.cfg, NULL);
	CHECK(t, f.ev.syslog_fd != -1);

	feed(&f, PROTO_ERR_AUTH, "100.64.0.2", T0);
	n = recv(s, got, sizeof(got) - 1, MSG_DONTWAIT);
	CHECK(t, n > 0);
	got[n > 0 ? n : 0] = '\0';
	snprintf(pri, sizeof(pri), "<%d>", LOG_LOCAL3 | LOG_WARNING);
	CHECK(t, strncmp(got, pri, strlen(pri)) == 0);
	snprintf(want, sizeof(want), " mosh-server[%ld]: failed-packet "
	    "reason=auth-failed src=100.64.0.2 sport=51000 dst=127.0.0.1 "
	    "dport=%d iface=tailscale0 count=1", (long)getpid(), f.port);
	p = strstr(got, " mosh-server[");
	CHECK(t, p != NULL && check_str(p, want));
	/* "Mmm dd hh:mm:ss" between the two. */
	CHECK(t, p != NULL && p - got == (ptrdiff_t)strlen(pri) + 15);

	events_session(&f.ev, "client-gone", "src=%s idle=%d", "100.64.0.2",
	    30);
	n = recv(s, got, sizeof(got) - 1, MSG_DONTWAIT);
	got[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "<%d>", LOG_LOCAL3 | LOG_INFO);
	CHECK(t, strncmp(got, want, strlen(want)) == 0);
	CHECK(t, strstr(got, "]: client-gone src=100.64.0.2 idle=30") != NULL);
	close(s);
	unlink(un.sun_path);
	rmdir(dir);
	fix_close(&f);
}

CHECK_MAIN(
    CASE(test_reasons), CASE(test_line_v4), CASE(test_line_v6),
    CASE(test_per_source_burst), CASE(test_global_budget),
    CASE(test_flush_timing), CASE(test_bucket_collision),
    CASE(test_log_levels), CASE(test_odd_sources),
    CASE(test_session_lines), CASE(test_json), CASE(test_json_quotes),
    CASE(test_syslog_socket))

#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "netbind/netbind.h"
#include "server/events.h"
#include "server/config.h"

static int
events_syslog_open(const char *path)
{
	return base_unix_connect(path, SOCK_DGRAM);
}

void
events_init(struct events *ev, const struct config *c, FILE *out)
{
	memset(ev, 0, sizeof(*ev));
	ev->pid = getpid();
	ev->iface = c->iface.name;
	ev->out = out;
	ev->json = c->log_format == LOG_FORMAT_JSON;
	ev->log_failed = c->log_failed;
	ev->facility = c->log_facility;
	ev->global_tokens = EVENTS_GLOBAL_BURST;
	/* Time zone data is read now: the sandbox allows no open(). */
	tzset();
	ev->syslog_fd = events_syslog_open(c->log_socket);
}

void
events_close(struct events *ev)
{
	if (ev->syslog_fd != -1)
		close(ev->syslog_fd);
	ev->syslog_fd = -1;
}

const char *
events_reason(enum proto_err e)
{
	switch (e) {
	case PROTO_ERR_SOURCE:
		return "source-rejected";
	case PROTO_ERR_AUTH:
		return "auth-failed";
	case PROTO_ERR_STALE:
		return "stale";
	/* The user's own devices and an honest peer's overload: never
	 * matched by the fail2ban filter. */
	case PROTO_ERR_OLD_KEY:
	case PROTO_ERR_KNOWN_PEER:
	case PROTO_ERR_OVER_BUDGET:
		return proto_err_name(e);
	default:
		return "malformed";
	}
}

/* "k=v k=v" to a JSON object's members: numbers bare, the rest quoted. */
static void
events_kv_to_json(const char *kv, char *out, size_t len)
{
	size_t	 o = 0;
	int	 first = 1;

	while (*kv != '\0' && o + 16 < len) {
		const char	*k = kv, *eq, *v, *end;
		bool		 num = true;

		while (*k == ' ')
			k++;
		if ((eq = strchr(k, '=')) == NULL)
			break;
		v = eq + 1;
		end = strchr(v, ' ');
		if (end == NULL)
			end = v + strlen(v);
		for (const char *c = v; c < end; c++)
			if (!isdigit((unsigned char)*c))
				num = false;
		if (v == end)
			num = false;
		o += (size_t)snprintf(out + o, len - o, "%s\"", first ? "" : ",");
		o += base_json_text(out + o, len - o, k, (size_t)(eq - k));
		o += (size_t)snprintf(out + o, len - o, "\":%s", num ? "" : "\"");
		if (o + 2 >= len)
			break;
		o += base_json_text(out + o, len - o - 1, v, (size_t)(end - v));
		if (!num)
			out[o++] = '"';
		first = 0;
		kv = end;
	}
	if (o >= len)
		o = len - 1;
	out[o] = '\0';
}
/* Write one event everywhere it goes. */
static void
events_emit(struct events *ev, int severity, const char *name, const char *kv)
{
	char		 body[1024], line[1200], stamp[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 n;

	if (ev->json) {
		char	 members[900];

		events_kv_to_json(kv, members, sizeof(members));
		snprintf(body, sizeof(body), "{\"event\":\"%s\",\"pid\":%ld%s%s}",
		    name, (long)ev->pid, members[0] ? "," : "", members);
	} else
		snprintf(body, sizeof(body), "%s %s", name, kv);
	if (ev->out != NULL) {
		fprintf(ev->out, "mosh-server[%ld]: %s\n", (long)ev->pid, body);
		fflush(ev->out);
	}
	if (ev->syslog_fd == -1)
		return;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "<%d>%s mosh-server[%ld]: %s",
	    ev->facility | severity, stamp, (long)ev->pid, body);
	if (n > 0)
		(void)send(ev->syslog_fd, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void
events_session(struct events *ev, const char *name, const char *fmt, ...)
{
	char	 kv[800];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(kv, sizeof(kv), fmt, ap);
	va_end(ap);
	events_emit(ev, LOG_INFO, name, kv);
}

/* Numeric address and port; a v4-mapped v6 address prints as v4, as the
 * allowlist judged it (one spelling per peer for fail2ban). */
static void
addr_text(const struct sockaddr *sa, socklen_t len, bool fake_v4, char *host,
    size_t hlen, unsigned int *port)
{
	struct sockaddr_storage	 s4;
	uint8_t			 a[16];
	int			 family, p;

	*port = 0;
	/* A native IPv6 datagram claiming ::ffff:a.b.c.d keeps that
	 * spelling, which the fail2ban filter does not match: a.b.c.d
	 * never sent it. */
	if (base_sockaddr_split(sa, len, fake_v4 ? 0 : BASE_UNMAP_V4, &family,
	    a, &p) != 0) {
		snprintf(host, hlen, "?");
		return;
	}
	*port = (unsigned int)p;
	/* Unmapped: printed from a v4 sockaddr. Others as they came, so a
	 * link-local source keeps its scope. */
	if (family != sa->sa_family) {
		len = base_sockaddr_make(&s4, family, a, 0);
		sa = (const struct sockaddr *)&s4;
	}
	if (getnameinfo(sa, len, host, (socklen_t)hlen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(host, hlen, "?");
}

static void
events_refill(unsigned *tokens, uint64_t *at, unsigned burst,
    uint64_t every, uint64_t now)
{
	uint64_t	 add;

	if (*at == 0) {
		*at = now;
		return;
	}
	if (now < *at + every)
		return;
	add = (now - *at) / every;
	*at += add * every;
	*tokens = *tokens + add > burst ? burst : *tokens + (unsigned)add;
}

static void
events_summary(struct events *ev, struct events_bucket *b, uint64_t now)
{
	char		 host[64];	/* numeric: INET6_ADDRSTRLEN fits */
	struct sockaddr_storage ss;
	socklen_t	 len;

	len = base_sockaddr_make(&ss, b->family, b->addr, 0);
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL,
	    0, NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "?");
	events_session(ev, "failed-packet-summary", "src=%s suppressed=%llu "
	    "iface=%s", host, (unsigned long long)b->suppressed, ev->iface);
	b->suppressed = 0;
	b->summary_at = now;
	ev->pending--;
}

static struct events_bucket *
events_bucket_for(struct events *ev, int family, const uint8_t a[16],
    uint64_t now)
{
	uint32_t	 h = 2166136261u;
	size_t		 i, n = family == AF_INET ? 4 : 16;
	struct events_bucket *b;

	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	b = &ev->bucket[h % EVENTS_BUCKETS];
	if (b->family != family || memcmp(b->addr, a, n) != 0) {
		/* A new source, or a collision: the slot starts over, after
		 * the summary its last source is owed. */
		if (b->suppressed != 0)
			events_summary(ev, b, now);
		memset(b, 0, sizeof(*b));
		b->family = family;
		memcpy(b->addr, a, n);
		b->tokens = EVENTS_BURST;
	}
	return b;
}

void
events_failed_packet(struct events *ev, enum proto_err e,
    const struct sockaddr *src, socklen_t srclen, int fd, uint64_t now)
{
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen = sizeof(dst);
	char			 sh[64], dh[64], kv[512];
	unsigned int		 sp, dp;
	size_t			 slot = (size_t)e;
	uint8_t			 a[16];
	int			 family;
	bool			 fake_v4;
	struct events_bucket	*b;

	if (slot >= EVENTS_REASONS)
		slot = EVENTS_REASONS - 1;
	ev->count[slot]++;
	if (ev->log_failed == LOG_FAILED_NO ||
	    (e == PROTO_ERR_STALE && ev->log_failed != LOG_FAILED_ALL))
		return;
	/* A fake v4 source gets its own rate-limit slot, not the v4
	 * peer's it names. */
	fake_v4 = netbind_src_fakes_v4(src, srclen, fd);
	if (base_sockaddr_split(src, srclen, fake_v4 ? 0 : BASE_UNMAP_V4,
	    &family, a, NULL) != 0)
		return;
	b = events_bucket_for(ev, family, a, now);
	events_refill(&b->tokens, &b->tokens_at, EVENTS_BURST,
	    EVENTS_REFILL_MS, now);
	events_refill(&ev->global_tokens, &ev->global_at, EVENTS_GLOBAL_BURST,
	    EVENTS_GLOBAL_REFILL_MS, now);
	if (b->tokens == 0 || ev->global_tokens == 0) {
		if (b->suppressed++ == 0) {
			ev->pending++;
			if (b->summary_at == 0)
				b->summary_at = now;
		}
		return;
	}
	b->tokens--;
	ev->global_tokens--;
	addr_text(src, srclen, fake_v4, sh, sizeof(sh), &sp);
	if (getsockname(fd, (struct sockaddr *)&dst, &dstlen) != 0)
		dstlen = 0;
	addr_text((struct sockaddr *)&dst, dstlen, false, dh, sizeof(dh), &dp);
	snprintf(kv, sizeof(kv), "reason=%s src=%s sport=%u dst=%s dport=%u "
	    "iface=%s count=%llu", events_reason(e), sh, sp, dh, dp, ev->iface,
	    (unsigned long long)ev->count[slot]);
	events_emit(ev, LOG_WARNING, "failed-packet", kv);
}

int
events_flush(struct events *ev, uint64_t now, bool final)
{
	uint64_t	 next = UINT64_MAX, due;
	size_t		 i;

	if (ev->pending == 0)
		return INT32_MAX;
	for (i = 0; i < EVENTS_BUCKETS; i++) {
		struct events_bucket *b = &ev->bucket[i];

		if (b->suppressed == 0)
			continue;
		due = b->summary_at + EVENTS_SUMMARY_MS;
		if (final || now >= due)
			events_summary(ev, b, now);
		else if (due < next)
			next = due;
	}
	if (next == UINT64_MAX)
		return INT32_MAX;
	return next - now > INT32_MAX ? INT32_MAX : (int)(next - now);
}

/*
 * Server events, for fail2ban, log shippers and people: one line per
 * event, key=value in a stable order (or JSON with log_format = json):
 *
 *   mosh-server[PID]: failed-packet reason=R src=A sport=N dst=A dport=N
 *       iface=NAME count=N
 *   mosh-server[PID]: failed-packet-summary src=A suppressed=N iface=NAME
 *   mosh-server[PID]: session-start port=N iface=NAME user=U
 *   mosh-server[PID]: client-attach src=A sport=N
 *   mosh-server[PID]: client-roam from=A:N to=A:N
 *   mosh-server[PID]: client-gone src=A idle=N
 *   mosh-server[PID]: session-end reason=R
 *
 * Reasons: source-rejected, auth-failed, malformed (too short, or bad
 * after a valid tag), stale (replays: counted; logged only with
 * log_failed_packets = all); and, never matched by the fail2ban filter,
 * old-key (authentic under a key this session used before an attach),
 * known-peer (fails the tag but comes from an address this session
 * served) and state-over-budget (an authentic state past the memory the
 * receiver gives the peer's states). Lines go to syslog through a socket opened
 * before the sandbox (ident mosh-server, facility from the config), and
 * to stderr with --log-stderr or -v. Failed packets are rate-limited per
 * source (token bucket) and overall, so a flood costs bounded CPU and
 * lines; a summary line says how many were suppressed.
 */
#ifndef TSMOSH_SERVER_EVENTS_H
#define TSMOSH_SERVER_EVENTS_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/err.h"

#define EVENTS_REASONS		32	/* > the number of enum proto_err values */
#define EVENTS_BUCKETS		256	/* sources tracked for rate limits */
#define EVENTS_BURST		10	/* lines per source at once */
#define EVENTS_REFILL_MS	6000	/* then one per 6 s per source */
#define EVENTS_GLOBAL_BURST	50
#define EVENTS_GLOBAL_REFILL_MS	50	/* 20 lines/s over all sources */
#define EVENTS_SUMMARY_MS	10000

struct events_bucket {
	int		 family;	/* 0: free */
	uint8_t		 addr[16];
	uint64_t	 tokens_at;	/* time the bucket was last refilled */
	unsigned	 tokens;
	uint64_t	 suppressed;
	uint64_t	 summary_at;
};

struct events {
	pid_t		 pid;
	const char	*iface;
	bool		 json;
	int		 log_failed;	/* enum config_log_failed */
	int		 facility;	/* LOG_AUTHPRIV etc., shifted */
	FILE		*out;		/* stderr copy, or NULL */
	int		 syslog_fd;	/* -1: none */
	uint64_t	 count[EVENTS_REASONS];	/* per reason, ever */
	unsigned	 global_tokens;
	uint64_t	 global_at;
	uint64_t	 pending;	/* sources with unsummarised drops */
	struct events_bucket bucket[EVENTS_BUCKETS];
};

struct config;

/* Settings from the config; opens the syslog socket (before the
 * sandbox). Never fails: without syslog, lines go to `out` only. The
 * config must outlive the events (its interface name is kept). */
void	events_init(struct events *, const struct config *, FILE *out);
void	events_close(struct events *);

/* The category a refusal is logged under. */
const char *events_reason(enum proto_err);

/* A datagram refused for reason e from src, on our socket fd. */
void	events_failed_packet(struct events *, enum proto_err,
	    const struct sockaddr *src, socklen_t, int fd, uint64_t now);

/* A session event: name and preformatted key=value pairs. */
void	events_session(struct events *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Summaries due; milliseconds until the next one may be (INT32_MAX). */
int	events_flush(struct events *, uint64_t now, bool final);

#endif

/*
 * Server events for fail2ban and people: one line per event, the shape
 * issue 9's event log keeps:
 *
 *   mosh-server[PID]: failed-packet reason=R src=A sport=N dst=A dport=N
 *       iface=NAME count=N
 *
 * Today every line goes to stderr (kept only with -v). Issue 9 adds
 * syslog and rate limiting behind events_failed_packet(); callers stay.
 */
#ifndef TSMOSH_SERVER_EVENTS_H
#define TSMOSH_SERVER_EVENTS_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>

#include "proto/err.h"

#define EVENTS_REASONS	32	/* > the number of enum proto_err values */

struct events {
	pid_t		 pid;
	const char	*iface;		/* "tailscale0", "any" */
	FILE		*out;
	uint64_t	 count[EVENTS_REASONS];	/* per reason, ever */
};

void	events_init(struct events *, const char *iface, FILE *out);

/*
 * A datagram refused for reason e: from src, to our socket fd (its bound
 * address is the dst). Counts it and writes the line.
 */
void	events_failed_packet(struct events *, enum proto_err,
	    const struct sockaddr *src, socklen_t, int fd);

#endif

#include <sys/socket.h>

#include <netinet/in.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netbind/cidr.h"
#include "server/events.h"

void
events_init(struct events *ev, const char *iface, FILE *out)
{
	memset(ev, 0, sizeof(*ev));
	ev->pid = getpid();
	ev->iface = iface;
	ev->out = out;
}

/* Numeric address and port; a v4-mapped v6 address prints as v4, as the
 * allowlist judged it (one spelling per peer for fail2ban). */
static void
addr_text(const struct sockaddr *sa, socklen_t len, char *host, size_t hlen,
    unsigned int *port)
{
	struct sockaddr_in	 s4;
	uint8_t			 a[16];
	int			 family;

	*port = 0;
	if (cidr_sockaddr_addr(sa, len, &family, a) != 0) {
		snprintf(host, hlen, "?");
		return;
	}
	*port = ntohs(sa->sa_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)sa)->sin6_port :
	    ((const struct sockaddr_in *)sa)->sin_port);
	if (family == AF_INET && sa->sa_family == AF_INET6) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, a, 4);
		sa = (const struct sockaddr *)&s4;
		len = sizeof(s4);
	}
	if (getnameinfo(sa, len, host, (socklen_t)hlen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(host, hlen, "?");
}

void
events_failed_packet(struct events *ev, enum proto_err e,
    const struct sockaddr *src, socklen_t srclen, int fd)
{
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen = sizeof(dst);
	char			 sh[NI_MAXHOST], dh[NI_MAXHOST];
	unsigned int		 sp, dp;
	size_t			 slot = (size_t)e;

	if (slot >= EVENTS_REASONS)
		slot = EVENTS_REASONS - 1;
	ev->count[slot]++;
	if (ev->out == NULL)
		return;
	addr_text(src, srclen, sh, sizeof(sh), &sp);
	if (getsockname(fd, (struct sockaddr *)&dst, &dstlen) != 0)
		dstlen = 0;
	addr_text((struct sockaddr *)&dst, dstlen, dh, sizeof(dh), &dp);
	fprintf(ev->out, "mosh-server[%ld]: failed-packet reason=%s src=%s "
	    "sport=%u dst=%s dport=%u iface=%s count=%llu\n", (long)ev->pid,
	    proto_err_name(e), sh, sp, dh, dp, ev->iface,
	    (unsigned long long)ev->count[slot]);
	fflush(ev->out);
}

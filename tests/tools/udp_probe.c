/*
 * udp_probe: send a few datagrams from a chosen source address and count
 * the replies, for tests of a server's source filter.
 *
 *   udp_probe --to ADDR:PORT [--from ADDR] [--count N] [--size B]
 *             [--wait MS]
 *
 * Sends N datagrams of B bytes (not valid mosh: the filter must refuse
 * them before anyone tries to decrypt), then waits MS ms after the last
 * and prints "udp_probe: sent=N replies=M". Addresses are numeric; IPv6
 * as [ADDR]:PORT. Exit 2 on bad usage, 1 when the socket fails.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/toolutil.h"

#define MAX_SIZE	1400

struct probe_opts {
	const char	*to;
	const char	*from;
	long		 count;
	long		 size;
	long		 wait_ms;
};

/* ADDR (port 0) or ADDR:PORT / [V6]:PORT, numeric. */
static int
parse_sockaddr(const char *s, bool want_port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char		 host[64];
	const char	*port = NULL, *h = s, *colon;
	size_t		 hlen;
	long		 p = 0;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL)
			return -1;
		h = s + 1;
		hlen = (size_t)(colon - h);
		if (colon[1] == ':')
			port = colon + 2;
		else if (colon[1] != '\0')
			return -1;
	} else if (want_port && (colon = strrchr(s, ':')) != NULL) {
		hlen = (size_t)(colon - s);
		port = colon + 1;
	} else
		hlen = strlen(s);
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (want_port != (port != NULL))
		return -1;
	if (port != NULL && parse_num(port, 1, 65535, &p) != 0)
		return -1;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static int
parse_args(int argc, char **argv, struct probe_opts *o)
{
	int	 i;

	memset(o, 0, sizeof(*o));
	o->count = 3;
	o->size = 64;
	o->wait_ms = 500;
	for (i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (strcmp(a, "--to") == 0)
			o->to = v;
		else if (strcmp(a, "--from") == 0)
			o->from = v;
		else if (strcmp(a, "--count") == 0) {
			if (parse_num(v, 1, 1000000, &o->count) != 0)
				return -1;
		} else if (strcmp(a, "--size") == 0) {
			if (parse_num(v, 1, MAX_SIZE, &o->size) != 0)
				return -1;
		} else if (strcmp(a, "--wait") == 0) {
			if (parse_num(v, 0, 60000, &o->wait_ms) != 0)
				return -1;
		} else
			return -1;
	}
	return i == argc && o->to != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct probe_opts o;
	struct sockaddr_storage to, from;
	socklen_t	 tolen, fromlen;
	struct pollfd	 pfd;
	uint8_t		 buf[MAX_SIZE];
	long		 i, sent = 0, replies = 0;
	int		 fd;

	if (parse_args(argc, argv, &o) != 0 ||
	    parse_sockaddr(o.to, true, &to, &tolen) != 0 ||
	    (o.from != NULL && (parse_sockaddr(o.from, false, &from,
	    &fromlen) != 0 || from.ss_family != to.ss_family))) {
		fprintf(stderr, "usage: udp_probe --to ADDR:PORT [--from ADDR] "
		    "[--count N] [--size B] [--wait MS]\n");
		return 2;
	}
	if ((fd = socket(to.ss_family, SOCK_DGRAM, 0)) == -1 ||
	    (o.from != NULL && bind(fd, (struct sockaddr *)&from,
	    fromlen) != 0)) {
		perror("udp_probe");
		return 1;
	}
	for (i = 0; i < o.size; i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	for (i = 0; i < o.count; i++)
		if (sendto(fd, buf, (size_t)o.size, 0, (struct sockaddr *)&to,
		    tolen) == o.size)
			sent++;
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* Any answer at all counts; ICMP errors (ECONNREFUSED) do not. */
	while (poll(&pfd, 1, (int)o.wait_ms) > 0) {
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			replies++;
	}
	printf("udp_probe: sent=%ld replies=%ld\n", sent, replies);
	close(fd);
	return 0;
}

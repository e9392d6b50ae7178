/*
 * Small helpers the test tools share (each tool is one .c file): numeric
 * address parsing, atomic status files and listening on a port a test
 * reads from a file.
 */
#ifndef TSMOSH_TESTS_TOOLS_TOOLUTIL_H
#define TSMOSH_TESTS_TOOLS_TOOLUTIL_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write a small file atomically (PATH.tmp, then rename), so a test that
 * polls for it never reads it half-written. */
static inline int
write_file_atomic(const char *path, const char *text)
{
	char	 tmp[PATH_MAX];
	FILE	*f;
	int	 n;

	n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		goto fail;
	if (rename(tmp, path) != 0)
		goto fail;
	return 0;
fail:
	unlink(tmp);
	return -1;
}

/* Bind fd to addr and, given a port file, write the port it got there
 * (atomically: a test waits for the file); 0, or -1 with errno set. */
static inline int
bind_port_file(int fd, const struct sockaddr *addr, socklen_t len,
    const char *port_file)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 text[32];
	int			 port;

	if (bind(fd, addr, len) != 0)
		return -1;
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0)
		return -1;
	port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	snprintf(text, sizeof text, "%d\n", port);
	if (port_file != NULL && write_file_atomic(port_file, text))
		return -1;
	return 0;
}

/*
 * Parse "[ADDR:]PORT", "ADDR:PORT" or "[V6ADDR]:PORT" (numeric only: a
 * test proxy has no business doing DNS). def_host is used when ADDR is
 * absent; NULL makes ADDR mandatory.
 */
static inline int
parse_addr(const char *s, const char *def_host, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char		 host[INET6_ADDRSTRLEN + 2];
	const char	*port, *colon, *close;
	struct addrinfo	 hints, *res = NULL;
	size_t		 hlen;
	char		*end;
	long		 pnum;

	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL || close[1] != ':')
			return -1;
		hlen = (size_t)(close - s - 1);
		if (hlen == 0 || hlen >= sizeof host)
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		port = close + 2;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		hlen = (size_t)(colon - s);
		if (hlen == 0 || hlen >= sizeof host || memchr(s, ':', hlen))
			return -1;	/* bare v6 needs brackets */
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		port = colon + 1;
	} else {
		if (def_host == NULL)
			return -1;
		snprintf(host, sizeof host, "%s", def_host);
		port = s;
	}
	errno = 0;
	pnum = strtol(port, &end, 10);
	if (errno != 0 || end == port || *end != '\0' || pnum < 0 ||
	    pnum > 65535)
		return -1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL)
		return -1;
	if (res->ai_addrlen > sizeof *ss) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = (socklen_t)res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* A decimal in [lo, hi], all of s; 0, or -1. */
static inline int
parse_num(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

#endif

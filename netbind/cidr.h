/*
 * CIDR blocks for the source allowlist: parse "ADDR/LEN", match a peer's
 * sockaddr. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv4 both in
 * a block and in a source, so a dual-stack socket cannot slip a v4 peer
 * past a v4 rule, nor a v4 peer past a v6 rule.
 */
#ifndef TSMOSH_NETBIND_CIDR_H
#define TSMOSH_NETBIND_CIDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIDR_STRLEN	(46 + 4)	/* INET6_ADDRSTRLEN + "/128" */

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];	/* network order; v4 in the first 4 */
	unsigned int	 prefix;	/* 0..32 or 0..128 */
};

/*
 * "100.64.0.0/10", "fd7a:115c:a1e0::/48". Without "/LEN" the block is one
 * host (/32 or /128). Refused (-1): empty, junk, a length beyond the
 * family's, host bits set (100.64.1.1/10: which was meant?), whitespace,
 * zone ids. "::ffff:a.b.c.d/LEN" with LEN >= 96 becomes a.b.c.d/(LEN-96).
 */
int	cidr_parse(const char *, struct cidr *);

/* "ADDR/LEN" into buf (CIDR_STRLEN bytes do); 0, or -1 if it is short. */
int	cidr_format(const struct cidr *, char *buf, size_t len);

/* Is the address of this sockaddr inside the block? */
bool	cidr_match(const struct cidr *, const struct sockaddr *, socklen_t);

/* Inside any of n blocks? */
bool	cidr_match_any(const struct cidr *, size_t n,
	    const struct sockaddr *, socklen_t);

/*
 * A sockaddr's address as the allowlist sees it: family and 4 or 16
 * bytes, v4-mapped v6 turned into v4. 0, or -1 for other families or a
 * short length.
 */
int	cidr_sockaddr_addr(const struct sockaddr *, socklen_t, int *family,
	    uint8_t addr[16]);

#endif

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "netbind/cidr.h"

static const uint8_t v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static unsigned int
cidr_family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Digits only, no sign or space, at most three of them. */
static int
cidr_parse_len(const char *s, unsigned int *out)
{
	size_t		 i, n = strlen(s);
	unsigned int	 v = 0;

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool
cidr_host_bits_clear(const uint8_t *a, unsigned int prefix, unsigned int bits)
{
	unsigned int	 i;

	for (i = prefix; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	char		 host[CIDR_STRLEN + 1];
	const char	*slash;
	size_t		 hlen;
	unsigned int	 bits, prefix;

	memset(c, 0, sizeof(*c));
	slash = strchr(s, '/');
	hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, host, c->addr) == 1)
		c->family = AF_INET6;
	else
		return -1;
	bits = cidr_family_bits(c->family);
	if (slash == NULL)
		prefix = bits;
	else if (cidr_parse_len(slash + 1, &prefix) != 0 || prefix > bits)
		return -1;
	if (!cidr_host_bits_clear(c->addr, prefix, bits))
		return -1;
	c->prefix = prefix;
	/* Sources are judged as v4 when mapped; so are blocks. */
	if (c->family == AF_INET6 && prefix >= 96 &&
	    memcmp(c->addr, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(c->addr, c->addr + 12, 4);
		memset(c->addr + 4, 0, 12);
		c->family = AF_INET;
		c->prefix = prefix - 96;
	}
	return 0;
}

int
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN];
	int	 n;

	if (inet_ntop(c->family, c->addr, a, sizeof(a)) == NULL)
		return -1;
	n = snprintf(buf, len, "%s/%u", a, c->prefix);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

int
cidr_sockaddr_addr(const struct sockaddr *sa, socklen_t len, int *family,
    uint8_t addr[16])
{
	return base_sockaddr_split(sa, len, BASE_UNMAP_V4, family, addr, NULL);
}

static bool
cidr_match_addr(const struct cidr *c, int family, const uint8_t *a)
{
	unsigned int	 full = c->prefix / 8, rest = c->prefix % 8;
	uint8_t		 mask;

	if (family != c->family)
		return false;
	if (memcmp(a, c->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (c->addr[full] & mask);
}

bool
cidr_match(const struct cidr *c, const struct sockaddr *sa, socklen_t len)
{
	uint8_t	 a[16];
	int	 family;

	if (cidr_sockaddr_addr(sa, len, &family, a) != 0)
		return false;
	return cidr_match_addr(c, family, a);
}

bool
cidr_match_any(const struct cidr *c, size_t n, const struct sockaddr *sa,
    socklen_t len)
{
	uint8_t	 a[16];
	int	 family;
	size_t	 i;

	if (cidr_sockaddr_addr(sa, len, &family, a) != 0)
		return false;
	for (i = 0; i < n; i++)
		if (cidr_match_addr(&c[i], family, a))
			return true;
	return false;
}

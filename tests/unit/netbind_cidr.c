/*
 * netbind/cidr: the allowlist's parser and matcher. Bad input is refused
 * whole; boundaries match exactly; v4-mapped v6 is judged as v4.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>
#include <unistd.h>

#include "netbind/cidr.h"
#include "netbind/netbind.h"
#include "tests/unit/check.h"

static socklen_t
sa(const char *ip, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		return sizeof(*s6);
	}
	return 0;
}

static int
match(const char *block, const char *ip)
{
	struct cidr		 c;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sa(ip, &ss);

	if (len == 0 || cidr_parse(block, &c) != 0)
		return -1;
	return cidr_match(&c, (struct sockaddr *)&ss, len) ? 1 : 0;
}

static int
roundtrip(const char *in, const char *want)
{
	struct cidr	 c;
	char		 out[CIDR_STRLEN];

	if (cidr_parse(in, &c) != 0 || cidr_format(&c, out, sizeof(out)) != 0)
		return 0;
	if (strcmp(out, want) != 0) {
		printf("#   %s -> %s, want %s\n", in, out, want);
		return 0;
	}
	return 1;
}

static void
test_parse_good(struct check *t)
{
	CHECK(t, roundtrip("100.64.0.0/10", "100.64.0.0/10"));
	CHECK(t, roundtrip("fd7a:115c:a1e0::/48", "fd7a:115c:a1e0::/48"));
	CHECK(t, roundtrip("0.0.0.0/0", "0.0.0.0/0"));
	CHECK(t, roundtrip("::/0", "::/0"));
	CHECK(t, roundtrip("10.1.2.3/32", "10.1.2.3/32"));
	CHECK(t, roundtrip("2001:db8::1/128", "2001:db8::1/128"));
	CHECK(t, roundtrip("127.0.0.0/8", "127.0.0.0/8"));
	/* Leading zeros in the length are digits like any other. */
	CHECK(t, roundtrip("10.0.0.0/08", "10.0.0.0/8"));
}

static void
test_parse_host(struct check *t)
{
	/* No length: one host. */
	CHECK(t, roundtrip("100.100.0.2", "100.100.0.2/32"));
	CHECK(t, roundtrip("fd7a:115c:a1e0::2", "fd7a:115c:a1e0::2/128"));
}

static void
test_parse_mapped(struct check *t)
{
	CHECK(t, roundtrip("::ffff:100.64.0.0/106", "100.64.0.0/10"));
	CHECK(t, roundtrip("::ffff:10.0.0.1", "10.0.0.1/32"));
	CHECK(t, roundtrip("::ffff:0.0.0.0/96", "0.0.0.0/0"));
}

static void
test_parse_bad(struct check *t)
{
	static const char *bad[] = {
		"", "/", "/10", "100.64.0.0/", "100.64.0.0/33",
		"fd7a::/129", "100.64.0.0/-1", "100.64.0.0/+8",
		"100.64.0.0/1000", "100.64.0.0/ 10", "100.64.0.0/10 ",
		" 100.64.0.0/10", "100.64.0.0/10/10", "junk", "junk/8",
		"100.64.0/10", "100.64.0.0.0/10", "256.0.0.0/8",
		"100.64.1.1/10", "fd7a:115c:a1e0::1/48", "fe80::1%eth0/64",
		"1.2.3.4/3x", "0x64.0.0.0/8", "100.64.0.0\n",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
		"any",
	};
	struct cidr	 c;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cidr_parse(bad[i], &c) == 0) {
			printf("#   accepted '%s'\n", bad[i]);
			t->case_failed++;
		}
	}
}

static void
test_match_v4_boundaries(struct check *t)
{
	CHECK_EQ_INT(t, match("100.64.0.0/10", "100.64.0.0"), 1);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "100.127.255.255"), 1);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "100.100.0.1"), 1);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "100.63.255.255"), 0);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "100.128.0.0"), 0);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "10.9.9.9"), 0);
	CHECK_EQ_INT(t, match("10.9.9.9/32", "10.9.9.9"), 1);
	CHECK_EQ_INT(t, match("10.9.9.9/32", "10.9.9.8"), 0);
	CHECK_EQ_INT(t, match("0.0.0.0/0", "255.255.255.255"), 1);
	CHECK_EQ_INT(t, match("192.168.77.0/25", "192.168.77.127"), 1);
	CHECK_EQ_INT(t, match("192.168.77.0/25", "192.168.77.128"), 0);
}

static void
test_match_v6_boundaries(struct check *t)
{
	CHECK_EQ_INT(t, match("fd7a:115c:a1e0::/48", "fd7a:115c:a1e0::1"), 1);
	CHECK_EQ_INT(t, match("fd7a:115c:a1e0::/48",
	    "fd7a:115c:a1e0:ffff:ffff:ffff:ffff:ffff"), 1);
	CHECK_EQ_INT(t, match("fd7a:115c:a1e0::/48", "fd7a:115c:a1e1::"), 0);
	CHECK_EQ_INT(t, match("fd7a:115c:a1e0::/48",
	    "fd7a:115c:a1df:ffff::1"), 0);
	CHECK_EQ_INT(t, match("2001:db8::/33", "2001:db8:7fff::1"), 1);
	CHECK_EQ_INT(t, match("2001:db8::/33", "2001:db8:8000::1"), 0);
	CHECK_EQ_INT(t, match("::/0", "2001:db8::1"), 1);
	CHECK_EQ_INT(t, match("::1/128", "::1"), 1);
	CHECK_EQ_INT(t, match("::1/128", "::2"), 0);
}

static void
test_match_families(struct check *t)
{
	/* A v4 rule never matches a v6 source and the other way round. */
	CHECK_EQ_INT(t, match("0.0.0.0/0", "::1"), 0);
	CHECK_EQ_INT(t, match("::/0", "127.0.0.1"), 0);
}

static void
test_match_mapped_source(struct check *t)
{
	/* ::ffff:a.b.c.d from a dual-stack socket is the v4 peer. */
	CHECK_EQ_INT(t, match("100.64.0.0/10", "::ffff:100.100.0.2"), 1);
	CHECK_EQ_INT(t, match("100.64.0.0/10", "::ffff:10.9.9.9"), 0);
	CHECK_EQ_INT(t, match("127.0.0.0/8", "::ffff:127.0.0.1"), 1);
	/* ...so a v6 rule cannot admit it, not even ::/0. */
	CHECK_EQ_INT(t, match("::/0", "::ffff:100.100.0.2"), 0);
	CHECK_EQ_INT(t, match("::ffff:0:0/96", "::ffff:10.9.9.9"), 1);
}

static void
test_match_any_and_junk(struct check *t)
{
	struct cidr		 l[2];
	struct sockaddr_storage	 ss;
	struct sockaddr_un_like { sa_family_t f; char p[8]; } un;
	socklen_t		 len;

	CHECK(t, cidr_parse("100.64.0.0/10", &l[0]) == 0);
	CHECK(t, cidr_parse("fd7a:115c:a1e0::/48", &l[1]) == 0);
	len = sa("fd7a:115c:a1e0::2", &ss);
	CHECK(t, cidr_match_any(l, 2, (struct sockaddr *)&ss, len));
	len = sa("100.100.0.2", &ss);
	CHECK(t, cidr_match_any(l, 2, (struct sockaddr *)&ss, len));
	len = sa("192.168.77.2", &ss);
	CHECK(t, !cidr_match_any(l, 2, (struct sockaddr *)&ss, len));
	CHECK(t, !cidr_match_any(l, 0, (struct sockaddr *)&ss, len));
	/* Short lengths and other families never match. */
	len = sa("100.100.0.2", &ss);
	CHECK(t, !cidr_match_any(l, 2, (struct sockaddr *)&ss, 4));
	memset(&un, 0, sizeof(un));
	un.f = AF_UNIX;
	CHECK(t, !cidr_match_any(l, 2, (struct sockaddr *)&un, sizeof(un)));
	CHECK(t, !cidr_match_any(l, 2, NULL, 0));
}

static void
test_format_short(struct check *t)
{
	struct cidr	 c;
	char		 out[8];

	CHECK(t, cidr_parse("100.64.0.0/10", &c) == 0);
	CHECK(t, cidr_format(&c, out, sizeof(out)) == -1);
}

/*
 * ::ffff:a.b.c.d is IPv4 only on the dual-stack any-address socket; on a
 * socket bound to a named v6 address (how netbind binds an interface) it
 * is a native IPv6 datagram faking a v4 source.
 */
static void
test_mapped_source_per_socket(struct check *t)
{
	struct sockaddr_storage src, ss;
	socklen_t	 len = sa("::ffff:100.64.7.7", &src), sl;
	int		 named, any, off = 0;

	named = socket(AF_INET6, SOCK_DGRAM, 0);
	any = socket(AF_INET6, SOCK_DGRAM, 0);
	CHECK(t, named != -1 && any != -1);
	(void)setsockopt(any, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	sl = sa("::1", &ss);
	CHECK(t, bind(named, (struct sockaddr *)&ss, sl) == 0);
	sl = sa("::", &ss);
	CHECK(t, bind(any, (struct sockaddr *)&ss, sl) == 0);
	CHECK(t, netbind_src_fakes_v4((struct sockaddr *)&src, len, named));
	CHECK(t, !netbind_src_fakes_v4((struct sockaddr *)&src, len, any));
	/* Plain sources are never fakes, whatever the socket. */
	len = sa("100.64.7.7", &src);
	CHECK(t, !netbind_src_fakes_v4((struct sockaddr *)&src, len, named));
	len = sa("fd7a:115c:a1e0::7", &src);
	CHECK(t, !netbind_src_fakes_v4((struct sockaddr *)&src, len, named));
	/* A socket we cannot name: refuse. */
	len = sa("::ffff:100.64.7.7", &src);
	CHECK(t, netbind_src_fakes_v4((struct sockaddr *)&src, len, -1));
	close(named);
	close(any);
}

CHECK_MAIN(
    CASE(test_parse_good), CASE(test_parse_host), CASE(test_parse_mapped),
    CASE(test_parse_bad), CASE(test_match_v4_boundaries),
    CASE(test_match_v6_boundaries), CASE(test_match_families),
    CASE(test_match_mapped_source), CASE(test_match_any_and_junk),
    CASE(test_format_short), CASE(test_mapped_source_per_socket))

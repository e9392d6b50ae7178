/*
 * base/: sockaddrs there and back (v4, v6, v4-mapped with and without
 * unmapping, short and foreign ones refused), the poll timeout's
 * arithmetic at the ends of its range, and the locale probe.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "tests/unit/check.h"

static void
test_sockaddr_v4(struct check *t)
{
	static const uint8_t ip[4] = { 100, 64, 1, 2 };
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	uint8_t		 a[16], want[16] = { 100, 64, 1, 2 };
	int		 family = 0, port = 0;
	socklen_t	 len;

	len = base_sockaddr_make(&ss, AF_INET, ip, 60001);
	CHECK_EQ_INT(t, len, sizeof(struct sockaddr_in));
	CHECK_EQ_INT(t, s4->sin_family, AF_INET);
	CHECK_EQ_INT(t, s4->sin_port, htons(60001));
	CHECK_MEM(t, &s4->sin_addr, ip, 4);
	memset(a, 0xaa, sizeof(a));
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len,
	    BASE_UNMAP_V4, &family, a, &port) == 0);
	CHECK_EQ_INT(t, family, AF_INET);
	CHECK_EQ_INT(t, port, 60001);
	CHECK_MEM(t, a, want, 16);	/* the unused 12 bytes are zero */
	/* Every out pointer is optional. */
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len, 0, NULL,
	    NULL, NULL) == 0);
	/* One byte short of a sockaddr_in. */
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len - 1, 0,
	    &family, a, &port) == -1);
	CHECK_MEM(t, a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

static void
test_sockaddr_v6(struct check *t)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	uint8_t		 ip[16], a[16];
	int		 family = 0, port = 0;
	socklen_t	 len;

	CHECK(t, inet_pton(AF_INET6, "fd7a:115c:a1e0::7", ip) == 1);
	len = base_sockaddr_make(&ss, AF_INET6, ip, 65535);
	CHECK_EQ_INT(t, len, sizeof(struct sockaddr_in6));
	CHECK_EQ_INT(t, s6->sin6_family, AF_INET6);
	CHECK_EQ_INT(t, s6->sin6_port, htons(65535));
	CHECK_EQ_INT(t, s6->sin6_flowinfo, 0);
	CHECK_EQ_INT(t, s6->sin6_scope_id, 0);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len,
	    BASE_UNMAP_V4, &family, a, &port) == 0);
	CHECK_EQ_INT(t, family, AF_INET6);
	CHECK_EQ_INT(t, port, 65535);
	CHECK_MEM(t, a, ip, 16);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss,
	    sizeof(struct sockaddr_in6) - 1, 0, &family, a, &port) == -1);
}

/* ::ffff:a.b.c.d is v4 to the allowlist, v6 to whoever checks for fakes. */
static void
test_sockaddr_v4mapped(struct check *t)
{
	struct sockaddr_storage ss;
	uint8_t		 ip[16], a[16], v4[16] = { 100, 64, 7, 7 };
	int		 family = 0, port = 0;
	socklen_t	 len;

	CHECK(t, inet_pton(AF_INET6, "::ffff:100.64.7.7", ip) == 1);
	len = base_sockaddr_make(&ss, AF_INET6, ip, 443);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len,
	    BASE_UNMAP_V4, &family, a, &port) == 0);
	CHECK_EQ_INT(t, family, AF_INET);
	CHECK_EQ_INT(t, port, 443);
	CHECK_MEM(t, a, v4, 16);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len, 0, &family,
	    a, &port) == 0);
	CHECK_EQ_INT(t, family, AF_INET6);
	CHECK_MEM(t, a, ip, 16);
	/* v4-compatible ::a.b.c.d is no mapped address: it stays v6. */
	CHECK(t, inet_pton(AF_INET6, "::100.64.7.7", ip) == 1);
	len = base_sockaddr_make(&ss, AF_INET6, ip, 443);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&ss, len,
	    BASE_UNMAP_V4, &family, a, &port) == 0);
	CHECK_EQ_INT(t, family, AF_INET6);
	CHECK_MEM(t, a, ip, 16);
}

static void
test_sockaddr_foreign(struct check *t)
{
	static const uint8_t zero[16];
	struct sockaddr_storage ss;
	struct sockaddr_un sun;
	uint8_t		 a[16];
	int		 family = 7, port = 7;

	CHECK_EQ_INT(t, base_sockaddr_make(&ss, AF_UNIX, zero, 1), 0);
	CHECK_EQ_INT(t, ss.ss_family, AF_UNSPEC);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	CHECK(t, base_sockaddr_split((struct sockaddr *)&sun, sizeof(sun), 0,
	    &family, a, &port) == -1);
	CHECK(t, base_sockaddr_split(NULL, sizeof(sun), 0, &family, a,
	    &port) == -1);
	CHECK(t, base_sockaddr_split((struct sockaddr *)&sun, 1, 0, &family,
	    a, &port) == -1);
	/* Failures leave the caller's family and port alone. */
	CHECK_EQ_INT(t, family, 7);
	CHECK_EQ_INT(t, port, 7);
}

static void
test_sock_port(struct check *t)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct sockaddr_storage ss;
	socklen_t	 len = base_sockaddr_make(&ss, AF_INET, lo, 0);
	int		 fd = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK(t, fd != -1);
	CHECK(t, bind(fd, (struct sockaddr *)&ss, len) == 0);
	CHECK(t, base_sock_port(fd) > 0);
	close(fd);
	CHECK_EQ_INT(t, base_sock_port(-1), -1);
}

static void
test_wait_for(struct check *t)
{
	struct base_wait w;

	base_wait_init(&w, 5000);
	base_wait_for(&w, 6000);
	CHECK_EQ_INT(t, w.ms, 5000);
	base_wait_for(&w, 250);
	CHECK_EQ_INT(t, w.ms, 250);
	base_wait_for(&w, UINT64_MAX);
	CHECK_EQ_INT(t, w.ms, 250);
	base_wait_for(&w, 0);
	CHECK_EQ_INT(t, w.ms, 0);
	/* No cap yet: the first bound is taken, clamped to an int. */
	base_wait_init(&w, -1);
	base_wait_for(&w, (uint64_t)INT_MAX + 1);
	CHECK_EQ_INT(t, w.ms, INT_MAX);
	base_wait_init(&w, -1);
	base_wait_for(&w, UINT64_MAX);
	CHECK_EQ_INT(t, w.ms, INT_MAX);
	base_wait_init(&w, INT_MAX);
	base_wait_for(&w, (uint64_t)INT_MAX + 1);
	CHECK_EQ_INT(t, w.ms, INT_MAX);
}

static void
test_wait_until(struct check *t)
{
	struct base_wait w;

	base_wait_init(&w, INT_MAX);
	base_wait_until(&w, 1000, 500, 1200);	/* 300 left */
	CHECK_EQ_INT(t, w.ms, 300);
	base_wait_init(&w, INT_MAX);
	base_wait_until(&w, 1000, 500, 1500);	/* due now */
	CHECK_EQ_INT(t, w.ms, 0);
	base_wait_init(&w, INT_MAX);
	base_wait_until(&w, 1000, 500, 99999);	/* long past */
	CHECK_EQ_INT(t, w.ms, 0);
	/* since after now (a timestamp from a later clock read). */
	base_wait_init(&w, INT_MAX);
	base_wait_until(&w, 1100, 500, 1000);
	CHECK_EQ_INT(t, w.ms, 600);
	/* since + span past UINT64_MAX: far off, not wrapped into the past. */
	base_wait_init(&w, 5000);
	base_wait_until(&w, UINT64_MAX - 10, 100, UINT64_MAX - 20);
	CHECK_EQ_INT(t, w.ms, 110);
	base_wait_init(&w, 5000);
	base_wait_until(&w, UINT64_MAX - 10, UINT64_MAX, 0);
	CHECK_EQ_INT(t, w.ms, 5000);
	base_wait_init(&w, 5000);
	base_wait_until(&w, 0, UINT64_MAX, UINT64_MAX);	/* due exactly */
	CHECK_EQ_INT(t, w.ms, 0);
	base_wait_init(&w, 5000);
	base_wait_until(&w, UINT64_MAX, 0, UINT64_MAX);
	CHECK_EQ_INT(t, w.ms, 0);
	base_wait_init(&w, 5000);
	base_wait_until(&w, UINT64_MAX - 100, 50, UINT64_MAX);
	CHECK_EQ_INT(t, w.ms, 0);
}

static void
test_locale(struct check *t)
{
	CHECK(t, setlocale(LC_ALL, "C") != NULL);
	CHECK(t, !base_locale_utf8());
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		printf("# C.UTF-8 is not installed: its half is not checked\n");
		return;
	}
	CHECK(t, base_locale_utf8());
	CHECK(t, setlocale(LC_ALL, "C") != NULL);
	CHECK(t, !base_locale_utf8());
}

static void
test_winsize_not_a_tty(struct check *t)
{
	int	 cols = 0, rows = 0;

	CHECK_EQ_INT(t, base_winsize(-1, &cols, &rows), -1);
	CHECK_EQ_INT(t, cols, 80);
	CHECK_EQ_INT(t, rows, 24);
}

/* JSON string contents: escapes, control bytes, cut to fit. */
static void
test_json_text(struct check *t)
{
	char	 out[64];

	CHECK_EQ_INT(t, base_json_text(out, sizeof(out), "tun\"x\\", 6), 8);
	CHECK(t, check_str(out, "tun\\\"x\\\\"));
	CHECK_EQ_INT(t, base_json_text(out, sizeof(out), "a\nb\x01", 4), 14);
	CHECK(t, check_str(out, "a\\u000ab\\u0001"));
	/* n bounds it, and so does a NUL. */
	CHECK_EQ_INT(t, base_json_text(out, sizeof(out), "abcdef", 3), 3);
	CHECK_EQ_INT(t, base_json_text(out, sizeof(out), "ab\0cd", 5), 2);
	/* Never past len, never half an escape. */
	CHECK_EQ_INT(t, base_json_text(out, 10, "\x01\x01\x01", 3), 6);
	CHECK_EQ_INT(t, base_json_text(out, 7, "\x01", 1), 0);
	CHECK(t, out[0] == '\0');
	CHECK_EQ_INT(t, base_json_text(out, 0, "x", 1), 0);
}

CHECK_MAIN(
    CASE(test_sockaddr_v4), CASE(test_sockaddr_v6),
    CASE(test_sockaddr_v4mapped), CASE(test_sockaddr_foreign),
    CASE(test_sock_port), CASE(test_wait_for), CASE(test_wait_until),
    CASE(test_locale), CASE(test_winsize_not_a_tty),
    CASE(test_json_text))

/*
 * netbind_resolve over rtnetlink, on this host's lo (127.0.0.1 and ::1)
 * and on a name that does not exist; binding lo's addresses on one port.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "netbind/netbind.h"
#include "tests/unit/check.h"

static bool
has(const struct netbind_iface *ifc, const char *ip)
{
	struct netbind_addr	 a;

	return netbind_addr_parse(ip, &a) == 0 && netbind_iface_has(ifc, &a);
}

static void
test_resolve_lo(struct check *t)
{
	struct netbind_iface	 ifc;
	size_t			 i;

	CHECK_EQ_INT(t, netbind_resolve("lo", &ifc), NETBIND_OK);
	CHECK(t, ifc.index > 0);
	CHECK(t, ifc.up);
	CHECK(t, strcmp(ifc.name, "lo") == 0);
	CHECK(t, has(&ifc, "127.0.0.1"));
	CHECK(t, has(&ifc, "::1"));
	CHECK(t, !has(&ifc, "127.0.0.2"));	/* in 127/8, not an address */
	/* v4-mapped spelling of an interface address is that address. */
	CHECK(t, has(&ifc, "::ffff:127.0.0.1"));
	/* IPv6 before IPv4 (conn's MTU comes from the first socket). */
	for (i = 1; i < ifc.naddrs; i++)
		CHECK(t, !(ifc.addrs[i - 1].family == AF_INET &&
		    ifc.addrs[i].family == AF_INET6));
}

static void
test_resolve_missing(struct check *t)
{
	struct netbind_iface	 ifc;

	CHECK_EQ_INT(t, netbind_resolve("tsmosh-nope0", &ifc),
	    NETBIND_NO_IFACE);
	CHECK_EQ_INT(t, ifc.naddrs, 0);
	CHECK(t, strcmp(netbind_status_text(NETBIND_NO_IFACE),
	    "no such interface") == 0);
	/* Names the kernel could never have: the same answer, no query. */
	CHECK_EQ_INT(t, netbind_resolve("", &ifc), NETBIND_NO_IFACE);
	CHECK_EQ_INT(t, netbind_resolve("a/b", &ifc), NETBIND_NO_IFACE);
	CHECK_EQ_INT(t, netbind_resolve("0123456789abcdefXYZ", &ifc),
	    NETBIND_NO_IFACE);
}

static void
test_valid_name(struct check *t)
{
	CHECK(t, netbind_valid_name("tailscale0"));
	CHECK(t, netbind_valid_name("lo"));
	CHECK(t, netbind_valid_name("0123456789abcde"));	/* 15 */
	CHECK(t, !netbind_valid_name("0123456789abcdef"));	/* 16 */
	CHECK(t, !netbind_valid_name(""));
	CHECK(t, !netbind_valid_name("."));
	CHECK(t, !netbind_valid_name(".."));
	CHECK(t, !netbind_valid_name("eth0:1"));
	CHECK(t, !netbind_valid_name("a b"));
}

static int
port_of(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	return ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
}

static void
test_bind_lo(struct check *t)
{
	struct netbind_iface	 ifc;
	int			 fds[NETBIND_MAX_ADDRS], fds2[NETBIND_MAX_ADDRS];
	int			 port = -1, port2 = -1;
	size_t			 i;

	if (netbind_resolve("lo", &ifc) != NETBIND_OK) {
		t->case_failed++;
		return;
	}
	/* Port 0: the kernel picks once, every address gets that port. */
	CHECK(t, netbind_bind_all(ifc.addrs, ifc.naddrs, "lo", 0, 0, fds,
	    &port) == 0);
	CHECK(t, port > 0);
	for (i = 0; i < ifc.naddrs; i++)
		CHECK_EQ_INT(t, port_of(fds[i]), port);
	/* That port is taken now: a range starting there moves on. */
	CHECK(t, netbind_bind_all(ifc.addrs, ifc.naddrs, "lo", port,
	    port < 65000 ? port + 50 : port, fds2, &port2) == 0 ||
	    port >= 65000);
	if (port < 65000) {
		CHECK(t, port2 > port && port2 <= port + 50);
		for (i = 0; i < ifc.naddrs; i++)
			close(fds2[i]);
	}
	/* Exactly that port: refused with EADDRINUSE. */
	errno = 0;
	CHECK(t, netbind_bind_all(ifc.addrs, ifc.naddrs, "lo", port, port,
	    fds2, &port2) == -1 && errno == EADDRINUSE);
	for (i = 0; i < ifc.naddrs; i++)
		close(fds[i]);
}

static void
test_watch_open(struct check *t)
{
	struct netbind_watch	*w;
	struct netbind_iface	 ifc;

	CHECK(t, netbind_watch_open("a/b") == NULL);
	if ((w = netbind_watch_open("lo")) == NULL) {
		t->case_failed++;
		return;
	}
	CHECK(t, netbind_watch_fd(w) >= 0);
	CHECK_EQ_INT(t, netbind_watch_wait(w, &ifc, 100), NETBIND_OK);
	CHECK(t, has(&ifc, "127.0.0.1"));
	/* Nothing happened to lo: reading finds nothing of ours. */
	CHECK(t, netbind_watch_read(w) >= 0);
	netbind_watch_close(w);
}

CHECK_MAIN(
    CASE(test_resolve_lo), CASE(test_resolve_missing), CASE(test_valid_name),
    CASE(test_bind_lo), CASE(test_watch_open))

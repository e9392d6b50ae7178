/*
 * libFuzzer target for the rtnetlink parsing in netbind/: the input is a
 * buffer as a netlink socket returns it (a stream of messages), run as
 * a resolve runs it (nl_parse) through the link and address callbacks
 * (RTM_NEWLINK, RTM_NEWADDR), and through the event filter of the watch
 * (NEW/DELLINK, NEW/DELADDR). The kept addresses must obey netbind.h: at most
 * NETBIND_MAX_ADDRS, IPv6 before IPv4, no link-local IPv6.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netbind/nl.h"

#define FUZZ_IFACE	"tailscale0"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const struct netbind_iface *ifc)
{
	size_t	 i;

	if (ifc->naddrs > NETBIND_MAX_ADDRS)
		abort();
	for (i = 0; i < ifc->naddrs; i++) {
		const struct netbind_addr *a = &ifc->addrs[i];

		if (a->family != AF_INET && a->family != AF_INET6)
			abort();
		if (i > 0 && a->family == AF_INET6 &&
		    ifc->addrs[i - 1].family == AF_INET)
			abort();
		if (a->family == AF_INET6 && a->addr[0] == 0xfe &&
		    (a->addr[1] & 0xc0) == 0x80)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_result lr;
	struct addr_result *ar;
	struct netbind_iface ifc;
	void		*buf;

	/* As the socket's buffer is: aligned, exactly size bytes. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&lr, 0, sizeof(lr));
	lr.name = FUZZ_IFACE;
	(void)nl_parse(buf, size, 0, 0, nl_link_cb, &lr);
	if ((ar = calloc(1, sizeof(*ar))) == NULL) {
		free(buf);
		return 0;
	}
	ar->index = lr.found ? lr.index : 7;
	(void)nl_parse(buf, size, 0, 0, nl_addr_cb, ar);
	if (ar->n > sizeof(ar->found) / sizeof(ar->found[0]))
		abort();
	memset(&ifc, 0, sizeof(ifc));
	nl_keep_addrs(ar, &ifc);
	fuzz_check(&ifc);
	(void)nl_events_concern(FUZZ_IFACE, 0, buf, size);
	(void)nl_events_concern(FUZZ_IFACE, ar->index, buf, size);
	/* The client's watch of every interface. */
	(void)nl_events_concern(NULL, 0, buf, size);
	free(ar);
	free(buf);
	return 0;
}

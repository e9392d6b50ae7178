/* Interface addresses as text and as values. */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "netbind/netbind.h"

int
netbind_addr_format(const struct netbind_addr *a, char *buf, size_t len)
{
	if (len > (size_t)INT32_MAX ||
	    inet_ntop(a->family, a->addr, buf, (socklen_t)len) == NULL)
		return -1;
	return 0;
}

int
netbind_addr_parse(const char *s, struct netbind_addr *a)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->addr) == 1) {
		a->family = AF_INET;
		a->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->addr) != 1)
		return -1;
	a->family = AF_INET6;
	a->prefix = 128;
	/* SSH_CONNECTION may say ::ffff:100.100.0.1 for a v4 login. */
	if (memcmp(a->addr, mapped, sizeof(mapped)) == 0) {
		memmove(a->addr, a->addr + 12, 4);
		memset(a->addr + 4, 0, 12);
		a->family = AF_INET;
		a->prefix = 32;
	}
	return 0;
}

bool
netbind_addr_equal(const struct netbind_addr *a, const struct netbind_addr *b)
{
	size_t	 len = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->addr, b->addr, len) == 0;
}

bool
netbind_iface_has(const struct netbind_iface *ifc, const struct netbind_addr *a)
{
	size_t	 i;

	for (i = 0; i < ifc->naddrs; i++)
		if (netbind_addr_equal(&ifc->addrs[i], a))
			return true;
	return false;
}

/* UDP sockets on an interface's addresses, one port for all of them. */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "netbind/netbind.h"
#include "proto/conn.h"

bool
netbind_src_fakes_v4(const struct sockaddr *src, socklen_t len, int fd)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)src;
	struct sockaddr_storage ss;
	socklen_t	 sl = sizeof(ss);

	if (src == NULL || len < sizeof(*s6) || src->sa_family != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return false;
	/* Our v6 sockets on a named address are IPV6_V6ONLY; the one on
	 * the any-address is dual-stack. Unknown: refuse. */
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    ss.ss_family != AF_INET6)
		return true;
	return !IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&ss)->sin6_addr);
}

int
netbind_bind_one(const struct netbind_addr *a, int port, const char *ifname,
    int *fdp)
{
	struct sockaddr_storage ss;
	socklen_t	 len;
	int		 fd, on = 1, saved;

	if (port < 0 || port > 65535 ||
	    (a->family != AF_INET && a->family != AF_INET6))
		return errno = EINVAL, -1;
	len = base_sockaddr_make(&ss, a->family, a->addr, port);
	if ((fd = socket(a->family, SOCK_DGRAM, 0)) == -1)
		return -1;
	/* One socket per family: a v4 peer never arrives on a v6 one. */
	if (a->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &on, sizeof(on)) != 0)
		goto fail;
	/* Only traffic that came in on the interface. EPERM (older kernels,
	 * unprivileged) is fine: the bound address already limits us. */
	if (ifname != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    ifname, (socklen_t)strlen(ifname)) != 0 && errno != EPERM)
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    conn_socket_setup(fd, a->family) != 0)
		goto fail;
	*fdp = fd;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static void
close_all(int *fds, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
}

int
netbind_bind_all(const struct netbind_addr *addrs, size_t n,
    const char *ifname, int lo, int hi, int *fds, int *port)
{
	size_t	 i;
	int	 p, use, saved;

	if (n == 0 || lo < 0 || hi > 65535 || lo > hi)
		return errno = EINVAL, -1;
	for (p = lo; p <= hi; p++) {
		use = p;
		for (i = 0; i < n; i++) {
			if (netbind_bind_one(&addrs[i], use, ifname,
			    &fds[i]) != 0)
				break;
			/* Port 0: the kernel picks on the first address,
			 * the others follow it. */
			if (use == 0 && (use = base_sock_port(fds[0])) <= 0) {
				i++;
				break;
			}
		}
		if (i == n) {
			*port = use;
			return 0;
		}
		saved = errno;
		close_all(fds, i);
		/* Taken on one address: try the next port on all. */
		if (saved != EADDRINUSE && saved != EACCES)
			return errno = saved, -1;
	}
	errno = EADDRINUSE;
	return -1;
}

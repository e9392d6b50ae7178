/* struct sockaddr to and from (family, address bytes, port). */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

/* Compared bytewise: the sockaddr may come unaligned from a caller's
 * buffer, and IN6_IS_ADDR_V4MAPPED reads 32-bit words. */
static const uint8_t base_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Fills ss for a v4 or v6 address and port; 0 for any other family. */
socklen_t
base_sockaddr_make(struct sockaddr_storage *ss, int family,
    const uint8_t *addr, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, addr, 4);
		return sizeof(*s4);
	}
	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, addr, 16);
		return sizeof(*s6);
	}
	return 0;
}

/* Reads family, address and port out of a v4 or v6 sockaddr. */
int
base_sockaddr_split(const struct sockaddr *sa, socklen_t len, int flags,
    int *family, uint8_t addr[16], int *port)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const uint8_t	*a6;
	uint8_t		 a[16];
	int		 f, p;

	memset(a, 0, sizeof(a));
	if (addr != NULL)
		memset(addr, 0, 16);
	if (sa == NULL || len < sizeof(sa->sa_family))
		return -1;
	if (sa->sa_family == AF_INET && len >= sizeof(*s4)) {
		f = AF_INET;
		memcpy(a, &s4->sin_addr, 4);
		p = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(*s6)) {
		a6 = (const uint8_t *)&s6->sin6_addr;
		if ((flags & BASE_UNMAP_V4) &&
		    memcmp(a6, base_v4mapped, sizeof(base_v4mapped)) == 0) {
			f = AF_INET;
			memcpy(a, a6 + 12, 4);
		} else {
			f = AF_INET6;
			memcpy(a, a6, 16);
		}
		p = ntohs(s6->sin6_port);
	} else
		return -1;
	if (family != NULL)
		*family = f;
	if (addr != NULL)
		memcpy(addr, a, 16);
	if (port != NULL)
		*port = p;
	return 0;
}

/* getsockname's port: for port 0, the one the kernel picked. */
int
base_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t	 sl = sizeof(ss);
	int		 port;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	if (base_sockaddr_split((struct sockaddr *)&ss, sl, 0, NULL, NULL,
	    &port) != 0)
		return errno = EAFNOSUPPORT, -1;
	return port;
}

/* A unix socket of `type` connected to path. */
int
base_unix_connect(const char *path, int type)
{
	struct sockaddr_un sun;
	int		 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return errno = ENAMETOOLONG, -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

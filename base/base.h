/*
 * What the programs and the other modules would otherwise each write
 * again: the version, the locale and terminal size probes, a signalfd,
 * sockaddr packing and unpacking, and a poll(2) timeout built from
 * deadlines. libc only, and no other module: every module and program
 * may use it. Nothing here allocates or keeps state between calls;
 * failures are return values (errno where a syscall failed).
 */
#ifndef TSMOSH_BASE_BASE_H
#define TSMOSH_BASE_BASE_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSMOSH_VERSION	"0.1"

/* Does LC_CTYPE's codeset (as setlocale left it) name UTF-8? */
bool		base_locale_utf8(void);

/*
 * The terminal size of fd: 0, or -1 when the ioctl fails or reports a
 * zero, with 80x24 in *cols and *rows (what a size-less terminal gets).
 */
int		base_winsize(int fd, int *cols, int *rows);

/*
 * Blocks the signals of a list ended by 0 and returns a non-blocking,
 * close-on-exec signalfd that reads them; -1 with errno. The caller
 * owns the fd. The mask stays blocked either way.
 */
int		base_signalfd_open(const int *signals);

/*
 * A sockaddr for family AF_INET (4 bytes of addr) or AF_INET6 (16), port
 * in host order, everything else zero; returns its length. Another
 * family gives a zeroed ss and 0, which bind and getnameinfo refuse.
 */
socklen_t	base_sockaddr_make(struct sockaddr_storage *ss, int family,
		    const uint8_t *addr, int port);

/* base_sockaddr_split: a v4-mapped IPv6 address (::ffff:a.b.c.d) comes
 * out as AF_INET a.b.c.d. Without it the mapped form stays AF_INET6. */
#define BASE_UNMAP_V4	0x1

/*
 * The family, address (4 bytes for AF_INET, 16 for AF_INET6, the rest
 * of addr zero) and host-order port of a sockaddr; any out pointer may
 * be NULL. 0, or -1 (addr zeroed) for a NULL sa, another family or a
 * length short of the family's struct.
 */
int		base_sockaddr_split(const struct sockaddr *sa, socklen_t len,
		    int flags, int *family, uint8_t addr[16], int *port);

/*
 * At most n bytes of s (less at a NUL) as the inside of a JSON string
 * (quotes and backslashes escaped, control bytes as \\u00XX) into out,
 * cut to fit len (6 bytes per input byte always fit). The length.
 */
size_t		base_json_text(char *out, size_t len, const char *s, size_t n);
/* A unix socket of `type` (SOCK_STREAM, SOCK_DGRAM) connected to path,
 * close-on-exec; -1 with errno. */
int		base_unix_connect(const char *path, int type);
/* The local port a socket is bound to (getsockname), or -1 with errno. */
int		base_sock_port(int fd);

/*
 * A poll(2) timeout, narrowed by each bound an event loop adds: init
 * with the first (a negative cap: none yet), then for/until; poll with
 * ms. Deadlines already past give 0; nothing overflows near UINT64_MAX.
 */
struct base_wait {
	int		 ms;
};

/* Starts at cap_ms. */
void		base_wait_init(struct base_wait *, int cap_ms);

/* At most ms from now. */
void		base_wait_for(struct base_wait *, uint64_t ms);

/* At most until since + span (all in ms on one clock, now its present). */
void		base_wait_until(struct base_wait *, uint64_t since,
		    uint64_t span, uint64_t now);

#endif

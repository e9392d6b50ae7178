/*
 * The seccomp policies: one table per program, every row says why.
 * Anything not listed raises SIGSYS (strict) or is logged by the kernel
 * (log mode). Rows with an errno fail softly instead: libc sometimes
 * tries a file lazily (locale catalogues for strerror) and must not die
 * for it; Landlock would refuse the same open.
 *
 * Integer arguments are compared on their low 32 bits (SB_EQ32): the
 * upper half of a register holding an int is not defined by the ABI.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>

#include "proto/conn.h"
#include "sandbox/sandbox.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define SB_EQ32(n, v)	{ .arg = (n), .op = SCMP_CMP_MASKED_EQ, \
			  .datum_a = 0xffffffffU, .datum_b = (scmp_datum_t)(v) }
#define SB_MASK(n, m, v) { .arg = (n), .op = SCMP_CMP_MASKED_EQ, \
			  .datum_a = (scmp_datum_t)(m), .datum_b = (scmp_datum_t)(v) }
#define SB_EQ64(n, v)	{ .arg = (n), .op = SCMP_CMP_EQ, .datum_a = (v) }

#define SB_ALLOW(sys)	{ SCMP_SYS(sys), 0, 0, { { 0 } } }
#define SB_ALLOW_IF(sys, c) { SCMP_SYS(sys), 0, 1, { c } }
#define SB_ALLOW_IF2(sys, c1, c2) { SCMP_SYS(sys), 0, 2, { c1, c2 } }
#define SB_ALLOW_IF3(sys, c1, c2, c3) { SCMP_SYS(sys), 0, 3, { c1, c2, c3 } }
#define SB_DENY(sys, e)	{ SCMP_SYS(sys), (e), 0, { { 0 } } }
#define SB_DENY_IF(sys, c, e) { SCMP_SYS(sys), (e), 1, { c } }

/* A socket type with SOCK_NONBLOCK / SOCK_CLOEXEC or not. */
#define SB_SOCKTYPE(t)	SB_MASK(1, 0xffffffffU & \
			    ~(unsigned)(SOCK_NONBLOCK | SOCK_CLOEXEC), (t))
/* No executable mappings: no new code after the sandbox. */
#define SB_NOEXEC(n)	SB_MASK(n, PROT_EXEC, 0)

#define SB_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * mosh-server after setup: the event loop over the UDP socket(s), the pty
 * master, a signalfd, the netlink watch, the syslog socket, the control
 * socket and the utmp helper's socket. The shell runs outside the sandbox (forked before).
 * The address watch (server/listen, netbind/) reads NETLINK_ROUTE and
 * re-binds UDP sockets (SO_BINDTODEVICE) when an address comes back:
 * only those sockets may be created, nothing may be connected.
 */
static const struct sandbox_rule server_rules[] = {
	/* The event loop. */
	SB_ALLOW(poll),		/* wait on sockets, pty, signalfd (x86) */
	SB_ALLOW(ppoll),	/* the same where libc has no poll (arm64) */
	SB_ALLOW(read),		/* pty output, signalfd, utmp helper acks */
	SB_ALLOW(write),	/* keystrokes to the pty, stderr log (-v,
				 * --log-stderr), the utmp helper */
	SB_ALLOW(recvmsg),	/* client datagrams with their TOS cmsg;
				 * netlink route messages (netbind) */
	SB_ALLOW(sendto),	/* datagrams to the client; netlink dump
				 * requests (netbind); event lines to the
				 * syslog socket connected before (send) */
	SB_ALLOW(close),	/* a re-bound socket's predecessor; the end */
	SB_ALLOW(wait4),	/* reap the shell on SIGCHLD */
	/* The client's window size onto the pty (the kernel sends the
	 * shell SIGWINCH). */
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TIOCSWINSZ)),
	/* An interface's name by index: getnameinfo of a link-local IPv6
	 * peer (if_indextoname, on a UDP socket). No other ioctl. */
	SB_ALLOW_IF(ioctl, SB_EQ32(1, SIOCGIFNAME)),

	/* Sockets: only what the address watch re-creates. */
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_INET), SB_SOCKTYPE(SOCK_DGRAM),
	    SB_EQ32(2, 0)),	/* UDP re-bind when an address comes back;
				 * protocol 0 only: not UDP-Lite, not ICMP */
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_INET6), SB_SOCKTYPE(SOCK_DGRAM),
	    SB_EQ32(2, 0)),
				/* the same for IPv6 */
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_NETLINK), SB_SOCKTYPE(SOCK_RAW),
	    SB_EQ32(2, NETLINK_ROUTE)),	/* a route query socket (netbind) */
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_NETLINK), SB_SOCKTYPE(SOCK_DGRAM),
	    SB_EQ32(2, NETLINK_ROUTE)),	/* the same, the other type */
	SB_ALLOW(bind),		/* re-bound UDP port; netlink port id. Only
				 * the sockets above exist to bind: files
				 * (AF_UNIX paths) are refused by Landlock */
	SB_ALLOW(getsockname),	/* a re-bound socket's port, a failed
				 * packet's dst (events), netlink port id */
	SB_ALLOW_IF(setsockopt, SB_EQ32(1, IPPROTO_IP)),
				/* TOS/ECN, PMTU discovery (conn) */
	SB_ALLOW_IF(setsockopt, SB_EQ32(1, IPPROTO_IPV6)),
				/* TCLASS, PMTU, V6ONLY (conn) */
	SB_ALLOW_IF(setsockopt, SB_EQ32(1, SOL_NETLINK)),
				/* NETLINK_GET_STRICT_CHK (netbind/nl) */
	SB_ALLOW_IF2(setsockopt, SB_EQ32(1, SOL_SOCKET),
	    SB_EQ32(2, SO_BINDTODEVICE)),
				/* a re-bound socket: the tailnet only */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_GETFL)),	/* O_NONBLOCK on a */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_SETFL)),	/* new socket,   */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_GETFD)),	/* FD_CLOEXEC    */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_SETFD)),	/* (conn)        */

	/* The control socket (server/control), listening since before the
	 * sandbox: `mosh-server list`, `kill`, `attach`. */
	SB_ALLOW(accept4),	/* request connections, a few at once */
	SB_ALLOW_IF2(getsockopt, SB_EQ32(1, SOL_SOCKET),
	    SB_EQ32(2, SO_PEERCRED)),	/* answer our own uid only */
	SB_ALLOW(getuid),	/* ... compared with the peer's */
	SB_ALLOW(recvfrom),	/* request bytes as they come (recv) */
	SB_ALLOW(mlock),	/* attach re-keys: sodium_mlock of the key */

	/* Time: normally the vDSO, these are its fallbacks. */
	SB_ALLOW(clock_gettime),	/* every timer */
	SB_ALLOW(gettimeofday),		/* libc's time() fallback */
	SB_ALLOW(time),			/* the process title's clock */

	/* Memory. */
	SB_ALLOW(brk),			/* malloc */
	SB_ALLOW_IF(mmap, SB_NOEXEC(2)),	/* malloc: large blocks */
	SB_ALLOW_IF(mprotect, SB_NOEXEC(2)),	/* malloc arenas */
	SB_ALLOW(munmap),		/* free */
	SB_ALLOW(mremap),		/* realloc of large blocks */
	SB_ALLOW(madvise),		/* free (trim); sodium_munlock */
	SB_ALLOW(munlock),		/* sodium_munlock of key copies */

	/* Process housekeeping. */
	SB_ALLOW(getrandom),		/* SSP chaff (libsodium) */
	SB_ALLOW(getpid),		/* the utmp entry's [PID] */
	SB_ALLOW(rt_sigprocmask),	/* libc (abort, signal masks) */
	SB_ALLOW(rt_sigreturn),		/* return from a signal handler */
	SB_ALLOW(restart_syscall),	/* a poll interrupted by SIGSTOP */
	SB_ALLOW(futex),		/* stdio locks */
	SB_ALLOW(fstat),		/* stdio buffers the log stream */
	SB_ALLOW_IF(newfstatat, SB_MASK(3, AT_EMPTY_PATH, AT_EMPTY_PATH)),
				/* the same, as newer glibc asks: fd only */
	SB_ALLOW(exit_group),		/* the end */
	SB_ALLOW(exit),			/* the end (a thread's) */

	/* Refused softly: lazy libc loads (locales); Landlock agrees. */
	SB_DENY(open, EACCES),
	SB_DENY(openat, EACCES),
	SB_DENY(openat2, EACCES),
	/* The control socket's removal at exit: refused, `list` removes a
	 * socket nobody answers (server/control.c). */
	SB_DENY(unlink, EACCES),
	SB_DENY(unlinkat, EACCES),
	/* if_indextoname (above) asks for a unix socket first: refused
	 * softly, glibc then takes a UDP one. */
	SB_DENY_IF(socket, SB_EQ32(0, AF_UNIX), EACCES),
};

/*
 * mosh-client after its terminal (terminfo looked up, raw mode) and first
 * socket are set up: the event loop over the terminal, a signalfd and the
 * UDP sockets, new ones included (port hopping).
 */
static const struct sandbox_rule client_rules[] = {
	/* The event loop. */
	SB_ALLOW(poll),		/* wait on terminal, signalfd, sockets */
	SB_ALLOW(ppoll),	/* the same where libc has no poll (arm64) */
	SB_ALLOW(read),		/* keystrokes, signalfd */
	SB_ALLOW(write),	/* the screen */
	SB_ALLOW(recvmsg),	/* server datagrams with their TOS cmsg */
	SB_ALLOW(sendto),	/* datagrams to the server */
	SB_ALLOW(close),	/* the oldest socket after a hop; the end */
	/* The user's terminal: its size on SIGWINCH, raw mode back after
	 * suspend (tcgetattr/tcsetattr). */
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TIOCGWINSZ)),
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TCGETS)),
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TCSETS)),
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TCSETSW)),
	SB_ALLOW_IF(ioctl, SB_EQ32(1, TCSETSF)),
	/* Ctrl-^ Ctrl-Z: kill(0, SIGSTOP), our own group; or ourselves. */
	SB_ALLOW_IF2(kill, SB_EQ32(0, 0), SB_EQ32(1, SIGSTOP)),
	SB_ALLOW_IF(kill, SB_EQ32(0, SANDBOX_SELF_PID)),

	/* Port hopping: a new UDP socket of the server's family, set up
	 * as the first one. No bind, no connect: sendto names the peer. */
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_INET), SB_SOCKTYPE(SOCK_DGRAM),
	    SB_EQ32(2, 0)),
	SB_ALLOW_IF3(socket, SB_EQ32(0, AF_INET6), SB_SOCKTYPE(SOCK_DGRAM),
	    SB_EQ32(2, 0)),
	SB_ALLOW_IF(setsockopt, SB_EQ32(1, IPPROTO_IP)),	/* TOS, PMTU */
	SB_ALLOW_IF(setsockopt, SB_EQ32(1, IPPROTO_IPV6)),	/* TCLASS */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_GETFL)),	/* O_NONBLOCK */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_SETFL)),
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_GETFD)),	/* FD_CLOEXEC */
	SB_ALLOW_IF(fcntl, SB_EQ32(1, F_SETFD)),

	/* Time: normally the vDSO, these are its fallbacks. */
	SB_ALLOW(clock_gettime),
	SB_ALLOW(gettimeofday),
	SB_ALLOW(time),

	/* Memory. */
	SB_ALLOW(brk),			/* malloc */
	SB_ALLOW_IF(mmap, SB_NOEXEC(2)),	/* malloc: large blocks */
	SB_ALLOW_IF(mprotect, SB_NOEXEC(2)),	/* malloc arenas */
	SB_ALLOW(munmap),		/* free */
	SB_ALLOW(mremap),		/* realloc of large blocks */
	SB_ALLOW(madvise),		/* free (trim); sodium_munlock */
	SB_ALLOW(munlock),		/* the key's wipe at exit */

	/* Process housekeeping. */
	SB_ALLOW(getrandom),		/* SSP chaff (libsodium) */
	SB_ALLOW(getpid),		/* libc (raise) */
	SB_ALLOW(rt_sigprocmask),	/* libc (abort, signal masks) */
	SB_ALLOW(rt_sigreturn),		/* return from a signal handler */
	SB_ALLOW(restart_syscall),	/* a poll interrupted by SIGSTOP */
	SB_ALLOW(futex),		/* stdio locks */
	SB_ALLOW(fstat),		/* stdio buffers */
	SB_ALLOW_IF(newfstatat, SB_MASK(3, AT_EMPTY_PATH, AT_EMPTY_PATH)),
				/* the same, as newer glibc asks: fd only */
	SB_ALLOW(exit_group),		/* the end */
	SB_ALLOW(exit),

	/* Refused softly: lazy libc loads (strerror's catalogues). */
	SB_DENY(open, EACCES),
	SB_DENY(openat, EACCES),
	SB_DENY(openat2, EACCES),
};

const struct sandbox_policy sandbox_policy_server = {
	.name = "mosh-server",
	.rules = server_rules,
	.nrules = SB_LEN(server_rules),
	/* Re-bound sockets (one per address) and a netlink query socket,
	 * opened before the old ones close. */
	.fd_headroom = CONN_MAX_SOCKS,
	/* The server signals nobody. */
	.scope_signals = true,
};

const struct sandbox_policy sandbox_policy_client = {
	.name = "mosh-client",
	.rules = client_rules,
	.nrules = SB_LEN(client_rules),
	/* Hopping keeps up to CONN_MAX_SOCKS sockets and opens the next
	 * before closing the oldest. */
	.fd_headroom = CONN_MAX_SOCKS,
	/* kill(0, SIGSTOP) stops the whole job, the shell's too. */
	.scope_signals = false,
};

#ifdef __SANITIZE_ADDRESS__
/*
 * Only in the sanitizer build (make SAN=1): what ASan/UBSan's runtime
 * does after the sandbox is on, on top of both tables above. Production
 * builds never contain these rows.
 */
const struct sandbox_rule sandbox_policy_extra_for_asan[] = {
	SB_ALLOW(sigaltstack),	/* the runtime's alternate signal stack,
				 * torn down at exit */
	SB_ALLOW_IF(prctl, SB_EQ32(0, PR_GET_SECCOMP)),
				/* __lsan_is_turned_off, below */
};
const size_t sandbox_policy_extra_for_asan_len =
    SB_LEN(sandbox_policy_extra_for_asan);

int	__lsan_is_turned_off(void);

/*
 * LeakSanitizer's exit-time check stops the world with clone and ptrace
 * and reads /proc: impossible (and not to be allowed) inside the
 * sandbox. Skip it for a sandboxed process only.
 */
int
__lsan_is_turned_off(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
}
#endif

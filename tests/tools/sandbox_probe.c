/*
 * sandbox_probe: applies the real policies (sandbox_enter) in forked
 * children and tries what they must refuse and what they must allow.
 *
 *   sandbox_probe            every case; prints "ok - ..." / "not ok - ..."
 *   sandbox_probe log-getppid  enter the server sandbox in log mode, call a
 *                            syscall outside the table (getppid), print
 *                            "pid N alive" (the test looks for the kernel's
 *                            log line)
 *   sandbox_probe violate SOCK  strict server sandbox reporting to the syslog
 *                            socket SOCK, then execve: dies of SIGSYS
 *
 * Each case: the child opens what it needs (pipe, pty, UDP sockets), enters
 * the sandbox, makes one call and exits 0 (it worked), 1 (EACCES), 2 (any
 * other error). The parent reads how it ended: SIGSYS means the filter
 * killed it, and then the child's log line must name the syscall.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/netlink.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

struct env {
	int	 pipe[2];
	int	 master, slave;
	int	 udp_a, udp_b;
	struct sockaddr_in addr_b;
	const int *sock;	/* p_socket's domain, type, protocol */
};

enum expect { ALLOWED, EACCES_, KILLED };

struct probe {
	const char	*what;
	const struct sandbox_policy *policy;
	enum sandbox_mode mode;
	int		(*fn)(struct env *);
	enum expect	 expect;
	const char	*syscall;	/* KILLED: the name the log must give */
	int		 sock[3];	/* p_socket's arguments */
};

#define R(x)	((x) == -1 ? -1 : 0)

static int
p_execve(struct env *e)
{
	char	*argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)e;
	return R(execve("/bin/true", argv, envp));
}

static int
p_open(struct env *e)
{
	(void)e;
	return R(open("/etc/hostname", O_RDONLY));
}

static int
p_openat(struct env *e)
{
	(void)e;
	return R((int)syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY));
}

static int
p_creat(struct env *e)
{
	(void)e;
	return R(open("/tmp/sandbox-probe-should-not-exist",
	    O_WRONLY | O_CREAT, 0600));
}

static int
p_creat_sys(struct env *e)
{
	(void)e;
	return R((int)syscall(SYS_creat, "/tmp/sandbox-probe-should-not-exist",
	    0600));
}

static int
p_mkdir(struct env *e)
{
	(void)e;
	return R(mkdir("/tmp/sandbox-probe-should-not-exist", 0700));
}

/* Only Landlock (the mode is off: no filter), with the server's scope. */
static int
p_landlock_open(struct env *e)
{
	(void)e;
	if (sandbox_landlock(sandbox_policy_server.scope_signals) <= 0)
		return errno = ENOTSUP, -1;
	return R(open("/etc/hostname", O_RDONLY));
}

/* socket() with the probe's arguments (AF_UNIX, netlink, TCP, UDP...). */
static int
p_socket(struct env *e)
{
	return R(socket(e->sock[0], e->sock[1], e->sock[2]));
}

static int
p_connect(struct env *e)
{
	return R(connect(e->udp_a, (struct sockaddr *)&e->addr_b,
	    sizeof(e->addr_b)));
}

static int
p_ptrace(struct env *e)
{
	(void)e;
	return R((int)ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static int
p_fork(struct env *e)
{
	pid_t	 pid;

	(void)e;
	if ((pid = fork()) == 0)
		_exit(0);
	return R(pid);
}

static int
p_kill_other(struct env *e)
{
	(void)e;
	return R(kill(1, 0));
}

static int
p_kill_self(struct env *e)
{
	(void)e;
	return R(kill(getpid(), 0));
}

static int
p_tiocsti(struct env *e)
{
	char	 c = 'x';

	return R(ioctl(e->master, TIOCSTI, &c));
}

static int
p_mmap_exec(struct env *e)
{
	void	*p;

	(void)e;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	return p == MAP_FAILED ? -1 : 0;
}

static int
p_pipe_rw(struct env *e)
{
	char	 b[4];

	if (write(e->pipe[1], "ping", 4) != 4 || read(e->pipe[0], b, 4) != 4)
		return -1;
	return memcmp(b, "ping", 4) == 0 ? 0 : -1;
}

static int
p_udp_rw(struct env *e)
{
	struct pollfd	 pfd = { .fd = e->udp_b, .events = POLLIN };
	struct msghdr	 mh;
	struct iovec	 iov;
	char		 b[16], cbuf[64];

	if (sendto(e->udp_a, "dgram", 5, 0, (struct sockaddr *)&e->addr_b,
	    sizeof(e->addr_b)) != 5)
		return -1;
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = b;
	iov.iov_len = sizeof(b);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	return recvmsg(e->udp_b, &mh, MSG_DONTWAIT) == 5 ? 0 : -1;
}

static int
p_time(struct env *e)
{
	struct timespec	 ts;

	(void)e;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
		return -1;
	return clock_gettime(CLOCK_REALTIME, &ts);
}

static int
p_winsize(struct env *e)
{
	struct winsize	 ws = { .ws_row = 30, .ws_col = 100 };

	return R(ioctl(e->master, TIOCSWINSZ, &ws));
}

static int
p_getwinsize(struct env *e)
{
	struct winsize	 ws;

	return R(ioctl(e->slave, TIOCGWINSZ, &ws));
}

/* A link-local IPv6 client's address, as the server prints it: glibc
 * names the scope with if_indextoname (a socket, an ioctl). */
static int
p_linklocal_name(struct env *e)
{
	struct sockaddr_in6 a;
	char	 host[NI_MAXHOST], serv[NI_MAXSERV];

	(void)e;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(60001);
	a.sin6_scope_id = 1;
	(void)inet_pton(AF_INET6, "fe80::1", &a.sin6_addr);
	if (getnameinfo((struct sockaddr *)&a, sizeof(a), host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	return strncmp(host, "fe80::1%", 8) == 0 ? 0 : -1;
}

static int
p_memory(struct env *e)
{
	char	*p;
	char	 r[16];

	(void)e;
	if ((p = malloc(8 << 20)) == NULL)	/* mmap */
		return -1;
	memset(p, 1, 8 << 20);
	free(p);
	return getrandom(r, sizeof(r), 0) == sizeof(r) ? 0 : -1;
}

/*
 * The table: who (the server's or the client's policy), the mode (strict
 * unless named), what is tried, what must happen. SOCKET tries socket()
 * with the given domain, type and protocol.
 */
#define PROBE(who, mode, what, fn, expect, sc)				\
	{ #who ": " what, &sandbox_policy_##who, mode, fn, expect, sc,	\
	    { 0, 0, 0 } }
#define SERVER(what, fn, expect, sc)					\
	PROBE(server, SANDBOX_STRICT, what, fn, expect, sc)
#define CLIENT(what, fn, expect, sc)					\
	PROBE(client, SANDBOX_STRICT, what, fn, expect, sc)
#define SERVER_LOG(what, fn)						\
	PROBE(server, SANDBOX_LOG, what, fn, EACCES_, NULL)
#define SOCKET(who, what, expect, sc, domain, type, protocol)		\
	{ #who ": " what, &sandbox_policy_##who, SANDBOX_STRICT, p_socket,	\
	    expect, sc, { domain, type, protocol } }

static const struct probe probes[] = {
	SERVER("execve is killed", p_execve, KILLED, "execve"),
	SERVER("open fails with EACCES", p_open, EACCES_, NULL),
	SERVER("openat fails with EACCES", p_openat, EACCES_, NULL),
	SERVER("creating a file fails with EACCES", p_creat, EACCES_, NULL),
	SOCKET(server, "socket(AF_UNIX) fails with EACCES", EACCES_, NULL,
	    AF_UNIX, SOCK_STREAM, 0),
	SERVER("a link-local peer's address can be printed (scope)",
	    p_linklocal_name, ALLOWED, NULL),
	SOCKET(server, "socket(AF_NETLINK, SOCK_DIAG) is killed", KILLED,
	    "socket", AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG),
	SOCKET(server, "socket(AF_INET, SOCK_STREAM) is killed", KILLED,
	    "socket", AF_INET, SOCK_STREAM, 0),
	SOCKET(server, "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE) is killed",
	    KILLED, "socket", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE),
	SERVER("connect is killed", p_connect, KILLED, "connect"),
	SERVER("ptrace is killed", p_ptrace, KILLED, "ptrace"),
	SERVER("fork is killed", p_fork, KILLED, "clone"),
	SERVER("kill(1) is killed", p_kill_other, KILLED, "kill"),
	SERVER("ioctl TIOCSTI is killed", p_tiocsti, KILLED, "ioctl"),
	SERVER("an executable mapping is killed", p_mmap_exec, KILLED, "mmap"),
	SERVER("read/write on a pipe work", p_pipe_rw, ALLOWED, NULL),
	SERVER("sendto/poll/recvmsg on UDP work", p_udp_rw, ALLOWED, NULL),
	SERVER("clock_gettime works", p_time, ALLOWED, NULL),
	SERVER("ioctl TIOCSWINSZ on a pty works", p_winsize, ALLOWED, NULL),
	SERVER("malloc (mmap) and getrandom work", p_memory, ALLOWED, NULL),
	SOCKET(server, "a new UDP socket (events re-bind) works", ALLOWED, NULL,
	    AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0),
	SOCKET(server, "socket(AF_NETLINK, ROUTE) (events) works", ALLOWED,
	    NULL, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE),
	/* Log mode lets calls outside the table through (logged): what
	 * stops these is the Landlock domain sandbox_enter applied. */
	SERVER_LOG("the Landlock domain denies execve (log mode)", p_execve),
	SERVER_LOG("the Landlock domain denies creat (log mode)", p_creat_sys),
	SERVER_LOG("the Landlock domain denies mkdir (log mode)", p_mkdir),
	SERVER_LOG("log mode keeps open's soft EACCES", p_open),
	/* Landlock alone, as sandbox_enter applies it for the server: */
	PROBE(server, SANDBOX_OFF,
	    "the Landlock domain denies opening a file for reading",
	    p_landlock_open, EACCES_, NULL),

	CLIENT("execve is killed", p_execve, KILLED, "execve"),
	CLIENT("open fails with EACCES", p_open, EACCES_, NULL),
	SOCKET(client, "socket(AF_NETLINK, ROUTE) is killed", KILLED, "socket",
	    AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE),
	SOCKET(client, "socket(AF_INET, SOCK_STREAM) is killed", KILLED,
	    "socket", AF_INET, SOCK_STREAM, 0),
	SOCKET(client, "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE) is killed",
	    KILLED, "socket", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE),
	CLIENT("connect is killed", p_connect, KILLED, "connect"),
	CLIENT("kill(1) is killed", p_kill_other, KILLED, "kill"),
	CLIENT("kill(own pid) works", p_kill_self, ALLOWED, NULL),
	SOCKET(client, "a new UDP socket (port hop) works", ALLOWED, NULL,
	    AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0),
	CLIENT("sendto/poll/recvmsg on UDP work", p_udp_rw, ALLOWED, NULL),
	CLIENT("ioctl TIOCGWINSZ works", p_getwinsize, ALLOWED, NULL),
	CLIENT("ioctl TIOCSWINSZ is killed", p_winsize, KILLED, "ioctl"),
};

static int
env_open(struct env *e)
{
	socklen_t	 len = sizeof(e->addr_b);
	struct sockaddr_in a;

	memset(e, 0, sizeof(*e));
	if (pipe(e->pipe) != 0 || openpty(&e->master, &e->slave, NULL, NULL,
	    NULL) != 0)
		return -1;
	if ((e->udp_a = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    (e->udp_b = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(e->udp_b, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(e->udp_b, (struct sockaddr *)&e->addr_b, &len) != 0)
		return -1;
	return 0;
}

static void
child(const struct probe *p, int logfd)
{
	struct sandbox_conf c = {
		.mode = p->mode, .logfd = logfd, .syslog_fd = -1, .syslog_facility = 0,
		.ttyfd = -1, .tty = NULL,
	};
	struct env	 e;

	if (env_open(&e) != 0) {
		perror("sandbox_probe: setup");
		_exit(3);
	}
	e.sock = p->sock;
	if (sandbox_enter(p->policy, &c) != 0)
		_exit(4);
	errno = 0;
	if (p->fn(&e) == 0)
		_exit(0);
	_exit(errno == EACCES ? 1 : 2);
}

static const char *
outcome(int st, char *b, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(b, n, "killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 0)
		snprintf(b, n, "allowed");
	else if (WEXITSTATUS(st) == 1)
		snprintf(b, n, "EACCES");
	else
		snprintf(b, n, "exit %d", WEXITSTATUS(st));
	return b;
}

static int
run(const struct probe *p)
{
	char	 log[1024], how[64], want[128];
	int	 lp[2], st, ok;
	ssize_t	 n;
	size_t	 got = 0;
	pid_t	 pid;

	if (pipe(lp) != 0 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(lp[0]);
		child(p, lp[1]);
	}
	close(lp[1]);
	while (got < sizeof(log) - 1 &&
	    (n = read(lp[0], log + got, sizeof(log) - 1 - got)) > 0)
		got += (size_t)n;
	log[got] = '\0';
	close(lp[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	switch (p->expect) {
	case ALLOWED:
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		break;
	case EACCES_:
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 1;
		break;
	default:
		ok = WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
		/* The trace must name the call: our handler's line. */
		snprintf(want, sizeof(want), "mosh-%s[%d]: sandbox violation: "
		    "syscall %s (nr ", p->policy == &sandbox_policy_server ?
		    "server" : "client", (int)pid, p->syscall);
		if (ok && strstr(log, want) == NULL) {
			printf("# log: %s# wanted: %s\n", log, want);
			ok = 0;
		}
		break;
	}
	printf("%s - sandbox_probe: %s", ok ? "ok" : "not ok", p->what);
	if (!ok)
		printf(" (%s)", outcome(st, how, sizeof(how)));
	printf("\n");
	if (!ok && got > 0)
		printf("# child said: %s", log);
	return ok ? 0 : 1;
}

/* Log mode: a syscall outside the table runs; the kernel logs it. */
static int
log_getppid(void)
{
	struct sandbox_conf c = {
		.mode = SANDBOX_LOG, .logfd = STDERR_FILENO, .syslog_fd = -1, .syslog_facility = 0,
		.ttyfd = -1, .tty = NULL,
	};
	pid_t	 pp;

	if (sandbox_enter(&sandbox_policy_server, &c) != 0)
		return 1;
	pp = (pid_t)syscall(SYS_getppid);
	printf("pid %d alive, getppid %d\n", (int)getpid(), (int)pp);
	fflush(stdout);
	return pp > 0 ? 0 : 1;
}

/* Strict mode, violation reported to a syslog socket: execve. */
static int
violate(const char *path)
{
	struct sandbox_conf c = {
		.mode = SANDBOX_STRICT, .logfd = STDERR_FILENO,
		.syslog_fd = -1, .syslog_facility = LOG_AUTHPRIV,
		.ttyfd = -1, .tty = NULL,
	};
	struct sockaddr_un sun;
	char	*argv[] = { "true", NULL }, *envp[] = { NULL };

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((c.syslog_fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    connect(c.syslog_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		perror("sandbox_probe: syslog socket");
		return 1;
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	if (sandbox_enter(&sandbox_policy_server, &c) != 0)
		return 1;
	execve("/bin/true", argv, envp);
	return 1;	/* not reached: SIGSYS */
}

int
main(int argc, char **argv)
{
	size_t	 i;
	int	 bad = 0;

	if (argc > 1 && strcmp(argv[1], "log-getppid") == 0)
		return log_getppid();
	if (argc > 2 && strcmp(argv[1], "violate") == 0)
		return violate(argv[2]);
	if (argc > 1) {
		fprintf(stderr, "usage: sandbox_probe [log-getppid | "
		    "violate SYSLOG_SOCKET]\n");
		return 2;
	}
	/* Control: without the sandbox the same open works. */
	if (open("/etc/hostname", O_RDONLY) == -1)
		printf("skip - sandbox_probe: /etc/hostname unreadable "
		    "without a sandbox\n");
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (run(&probes[i]) != 0)
			bad++;
	return bad ? 1 : 0;
}

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/*
 * Landlock ABI values (include/uapi/linux/landlock.h); older headers lack
 * the later ones, the kernel tells us its version at run time.
 */
#define SB_LL_FS_V1		((1ULL << 13) - 1)	/* EXECUTE..MAKE_SYM */
#define SB_LL_FS_REFER		(1ULL << 13)		/* ABI 2 */
#define SB_LL_FS_TRUNCATE	(1ULL << 14)		/* ABI 3 */
#define SB_LL_FS_IOCTL_DEV	(1ULL << 15)		/* ABI 5 */
#define SB_LL_NET_BIND_TCP	(1ULL << 0)		/* ABI 4 */
#define SB_LL_NET_CONNECT_TCP	(1ULL << 1)
#define SB_LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)		/* ABI 6 */
#define SB_LL_SCOPE_SIGNAL	(1ULL << 1)
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION	(1U << 0)
#endif

/* struct landlock_ruleset_attr as of ABI 6; earlier ABIs take a prefix. */
struct sb_ll_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

/* A harmless syscall that no policy may allow (checked when the filter
 * is built): the SIGSYS handler calls it to die of SIGSYS. */
#define SB_NR_NEVER		SCMP_SYS(getppid)
#define SB_NR_MAX		1024	/* syscall names kept for the handler */
#define SB_NAME_LEN		32
/* What the builder child may send: names, then at most BPF_MAXINSNS
 * 8-byte instructions. */
#define SB_BLOB_MAX		(8 + SB_NR_MAX * (3 + SB_NAME_LEN) + 4096 * 8)

/*
 * What the SIGSYS handler needs, resolved before the filter goes on: it
 * may not allocate, open or look anything up. A signal handler takes no
 * argument, so this is the module's one static pointer, set once.
 */
struct sandbox_trap {
	const char	*prog;
	long		 pid;
	int		 logfd;
	int		 syslogfd;
	int		 syslog_pri;
	int		 ttyfd;
	struct termios	 tty;
	uint32_t	 arch;
	uint16_t	 name_at[SB_NR_MAX];	/* into pool, + 1; 0: none */
	char		 pool[];		/* NUL-terminated names */
};

/*
 * The filter and the names of the syscalls, as built by a short-lived
 * child with libseccomp: the long-lived process then never touches
 * libseccomp's code, its syscall tables or its allocations (about 200
 * KiB of a server's resident size, measured). The layout is ours:
 * uint32 audit arch, uint32 length of the name records, records of
 * uint16 number, uint8 length and the name, then the BPF program from
 * seccomp_export_bpf.
 */
struct sandbox_blob {
	uint8_t		*data;
	size_t		 len;
	uint32_t	 arch;
	const uint8_t	*names;
	size_t		 names_len;
	const uint8_t	*bpf;
	size_t		 bpf_len;
};

static const struct sandbox_trap *sandbox_trap_ctx;

int
sandbox_mode_parse(const char *s, enum sandbox_mode *m)
{
	if (strcmp(s, "strict") == 0)
		*m = SANDBOX_STRICT;
	else if (strcmp(s, "log") == 0)
		*m = SANDBOX_LOG;
	else if (strcmp(s, "off") == 0)
		*m = SANDBOX_OFF;
	else
		return -1;
	return 0;
}

const char *
sandbox_mode_name(enum sandbox_mode m)
{
	switch (m) {
	case SANDBOX_STRICT:	return "strict";
	case SANDBOX_LOG:	return "log";
	case SANDBOX_OFF:	return "off";
	}
	return "?";
}

/* Async-signal-safe helpers for the SIGSYS handler. */
static size_t
sb_cat(char *b, size_t at, size_t cap, const char *s)
{
	while (*s != '\0' && at + 1 < cap)
		b[at++] = *s++;
	b[at] = '\0';
	return at;
}

static size_t
sb_catnum(char *b, size_t at, size_t cap, long v)
{
	char	 d[24];
	size_t	 n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0 && n < sizeof(d) - 1);
	if (v < 0)
		d[n++] = '-';
	while (n > 0 && at + 1 < cap)
		b[at++] = d[--n];
	b[at] = '\0';
	return at;
}

static void
sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	const struct sandbox_trap *t = sandbox_trap_ctx;
	char	 line[256];
	size_t	 n, head;
	int	 nr = si->si_syscall;
	const char *name = "?";

	(void)sig;
	(void)uc;
	if (t == NULL)
		_exit(128 + SIGSYS);
	if (t->ttyfd != -1)
		(void)tcsetattr(t->ttyfd, TCSANOW, &t->tty);
	if (si->si_arch == t->arch && nr >= 0 && nr < SB_NR_MAX &&
	    t->name_at[nr] != 0)
		name = t->pool + t->name_at[nr] - 1;
	n = sb_cat(line, 0, sizeof(line), "<");
	n = sb_catnum(line, n, sizeof(line), t->syslog_pri);
	n = sb_cat(line, n, sizeof(line), ">");
	head = n;
	n = sb_cat(line, n, sizeof(line), t->prog);
	n = sb_cat(line, n, sizeof(line), "[");
	n = sb_catnum(line, n, sizeof(line), t->pid);
	n = sb_cat(line, n, sizeof(line), "]: sandbox violation: syscall ");
	n = sb_cat(line, n, sizeof(line), name);
	n = sb_cat(line, n, sizeof(line), " (nr ");
	n = sb_catnum(line, n, sizeof(line), nr);
	n = sb_cat(line, n, sizeof(line), ")");
	if (t->syslogfd != -1)
		(void)send(t->syslogfd, line, n, MSG_DONTWAIT);
	n = sb_cat(line, n, sizeof(line), t->ttyfd != -1 ? "\r\n" : "\n");
	/* Best effort in a dying process: nothing to do if it fails. */
	if (t->logfd != -1 && write(t->logfd, line + head, n - head) < 0)
		_exit(128 + SIGSYS);
	/*
	 * Die of SIGSYS, as SCMP_ACT_KILL_PROCESS would: SIGSYS is blocked
	 * in here, so the kernel's next forced SIGSYS (a call no table may
	 * allow) resets it to the default action.
	 */
	(void)syscall(SB_NR_NEVER);
	_exit(128 + SIGSYS);
}

static int
sandbox_trap_install(const struct sandbox_policy *p,
    const struct sandbox_conf *c, const struct sandbox_blob *b)
{
	struct sandbox_trap *t;
	struct sigaction sa;
	sigset_t	 set;
	size_t		 at, used = 0;
	unsigned	 nr, len;

	/* Names are at most SB_NAME_LEN - 1 bytes: the pool fits in the
	 * records' size, and offsets fit 16 bits. */
	if ((t = calloc(1, sizeof(*t) + b->names_len)) == NULL)
		return -1;
	t->prog = p->name;
	t->pid = (long)getpid();
	t->logfd = c->logfd;
	t->syslogfd = c->syslog_fd;
	t->syslog_pri = c->syslog_facility | LOG_CRIT;
	t->ttyfd = c->tty != NULL ? c->ttyfd : -1;
	if (c->tty != NULL)
		t->tty = *c->tty;
	t->arch = b->arch;
	for (at = 0; at + 3 <= b->names_len; at += 3 + len) {
		nr = (unsigned)b->names[at] | (unsigned)b->names[at + 1] << 8;
		len = b->names[at + 2];
		if (nr >= SB_NR_MAX || len >= SB_NAME_LEN ||
		    at + 3 + len > b->names_len || used + len + 1 > UINT16_MAX)
			break;
		memcpy(t->pool + used, b->names + at + 3, len);
		t->pool[used + len] = '\0';
		t->name_at[nr] = (uint16_t)(used + 1);
		used += len + 1;
	}
	sandbox_trap_ctx = t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int
sandbox_caps_drop(void)
{
	capng_select_t	 what = CAPNG_SELECT_CAPS;

	capng_get_caps_process();
	/* The bounding set needs CAP_SETPCAP to shrink. */
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		what = CAPNG_SELECT_BOTH;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(what) != 0)
		return -1;
	/* Ambient capabilities would survive an exec we cannot do anyway;
	 * clear them too (EINVAL on kernels without them is fine). */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

int
sandbox_landlock(bool scope_signals)
{
	struct sb_ll_attr attr;
	size_t		 size;
	long		 abi;
	int		 fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			return 0;
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	/* Every filesystem right this ABI knows, and no rule: none left. */
	attr.handled_access_fs = SB_LL_FS_V1;
	if (abi >= 2)
		attr.handled_access_fs |= SB_LL_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= SB_LL_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= SB_LL_FS_IOCTL_DEV;
	size = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		/* No TCP bind or connect (UDP is not covered). */
		attr.handled_access_net = SB_LL_NET_BIND_TCP |
		    SB_LL_NET_CONNECT_TCP;
		size = offsetof(struct sb_ll_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = SB_LL_SCOPE_ABSTRACT_UNIX;
		if (scope_signals)
			attr.scoped |= SB_LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	if ((fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size,
	    0)) == -1)
		return -1;
	if (syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return (int)abi;
}

/* The highest open descriptor, from /proc (before Landlock). */
static int
sandbox_highest_fd(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 hi = 2, fd;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = atoi(e->d_name);
		if (fd != dirfd(d) && fd > hi)
			hi = fd;
	}
	closedir(d);
	return hi;
}

static int
sandbox_rlimits(const struct sandbox_policy *p, int highest)
{
	struct rlimit	 nofile, core = { 0, 0 };
	rlim_t		 want = (rlim_t)highest + 1 + p->fd_headroom;

	if (getrlimit(RLIMIT_NOFILE, &nofile) != 0)
		return -1;
	if (nofile.rlim_max == RLIM_INFINITY || nofile.rlim_max > want)
		nofile.rlim_max = want;
	if (nofile.rlim_cur == RLIM_INFINITY || nofile.rlim_cur > want)
		nofile.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &nofile) != 0 ||
	    setrlimit(RLIMIT_CORE, &core) != 0)
		return -1;
	return 0;
}

static int
sandbox_add_rules(scmp_filter_ctx ctx, const struct sandbox_rule *r,
    size_t n, pid_t self)
{
	struct scmp_arg_cmp arg[3];
	uint32_t	 action;
	size_t		 i;
	unsigned int	 a;
	int		 rc;

	for (i = 0; i < n; i++) {
		/* The handler's way to die must stay denied. */
		if (r[i].nr == SB_NR_NEVER)
			return errno = EINVAL, -1;
		/* Soft refusals stay refusals in log mode too: they are
		 * policy, not violations (log replaces only the kill). */
		if (r[i].deny_errno == 0)
			action = SCMP_ACT_ALLOW;
		else
			action = SCMP_ACT_ERRNO((uint32_t)r[i].deny_errno);
		for (a = 0; a < r[i].narg; a++) {
			arg[a] = r[i].arg[a];
			if (arg[a].datum_a == SANDBOX_SELF_PID)
				arg[a].datum_a = (scmp_datum_t)self;
			if (arg[a].datum_b == SANDBOX_SELF_PID)
				arg[a].datum_b = (scmp_datum_t)self;
		}
		rc = seccomp_rule_add_array(ctx, action, r[i].nr, r[i].narg,
		    arg);
		/* -EDOM: a pseudo-syscall this architecture lacks. */
		if (rc != 0 && rc != -EDOM) {
			errno = -rc;
			return -1;
		}
	}
	return 0;
}

#ifdef __SANITIZE_ADDRESS__
extern const struct sandbox_rule sandbox_policy_extra_for_asan[];
extern const size_t sandbox_policy_extra_for_asan_len;
#endif

/* All of buf to fd, or -1. */
static int
sb_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* In the builder child: the name records. */
static int
sandbox_export_names(int fd)
{
	uint8_t		 rec[SB_NR_MAX * (3 + SB_NAME_LEN)];
	uint32_t	 arch = seccomp_arch_native(), len;
	size_t		 n = 0, l;
	char		*name;
	int		 nr;

	for (nr = 0; nr < SB_NR_MAX; nr++) {
		if ((name = seccomp_syscall_resolve_num_arch(arch,
		    nr)) == NULL)
			continue;
		l = strlen(name);
		if (l < SB_NAME_LEN) {
			rec[n] = (uint8_t)nr;
			rec[n + 1] = (uint8_t)(nr >> 8);
			rec[n + 2] = (uint8_t)l;
			memcpy(rec + n + 3, name, l);
			n += 3 + l;
		}
		free(name);
	}
	len = (uint32_t)n;
	if (sb_write_all(fd, &arch, sizeof(arch)) != 0 ||
	    sb_write_all(fd, &len, sizeof(len)) != 0)
		return -1;
	return sb_write_all(fd, rec, n);
}

/* In the builder child: the filter, as BPF. */
static int
sandbox_export_filter(int fd, const struct sandbox_policy *p,
    enum sandbox_mode mode, pid_t self)
{
	scmp_filter_ctx	 ctx;
	bool		 log = mode == SANDBOX_LOG;
	int		 rc;

	if ((ctx = seccomp_init(log ? SCMP_ACT_LOG : SCMP_ACT_TRAP)) == NULL)
		return -1;
	/* Another architecture's numbers (x32, i386 on x86_64): kill. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc == 0 && sandbox_add_rules(ctx, p->rules, p->nrules, self) != 0)
		rc = -1;
#ifdef __SANITIZE_ADDRESS__
	if (rc == 0 && sandbox_add_rules(ctx, sandbox_policy_extra_for_asan,
	    sandbox_policy_extra_for_asan_len, self) != 0)
		rc = -1;
#endif
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	return rc == 0 ? 0 : -1;
}

/* Runs the builder child and reads what it sends into b. */
static int
sandbox_build(const struct sandbox_policy *p, enum sandbox_mode mode,
    struct sandbox_blob *b)
{
	struct sigaction dfl, old;
	pid_t		 self = getpid(), pid, w;
	uint32_t	 hdr[2];		/* arch, names length */
	ssize_t		 n;
	int		 fds[2], status = 0, rc = -1, saved;

	memset(b, 0, sizeof(*b));
	if ((b->data = malloc(SB_BLOB_MAX)) == NULL)
		return -1;
	if (pipe2(fds, O_CLOEXEC) != 0)
		goto fail;
	/* An ignored SIGCHLD (it is inherited across exec) would reap the
	 * child before we could read its status. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	(void)sigaction(SIGCHLD, &dfl, &old);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		(void)sigaction(SIGCHLD, &old, NULL);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(sandbox_export_names(fds[1]) == 0 &&
		    sandbox_export_filter(fds[1], p, mode, self) == 0 ? 0 : 1);
	}
	close(fds[1]);
	while (b->len < SB_BLOB_MAX) {
		n = read(fds[0], b->data + b->len, SB_BLOB_MAX - b->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += (size_t)n;
	}
	saved = errno;
	close(fds[0]);
	while ((w = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	(void)sigaction(SIGCHLD, &old, NULL);
	if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    b->len == SB_BLOB_MAX || b->len < sizeof(hdr)) {
		errno = saved != 0 ? saved : EPROTO;
		goto fail;
	}
	memcpy(hdr, b->data, sizeof(hdr));
	if (hdr[1] > b->len - sizeof(hdr)) {
		errno = EPROTO;
		goto fail;
	}
	b->arch = hdr[0];
	b->names = b->data + sizeof(hdr);
	b->names_len = hdr[1];
	b->bpf = b->names + b->names_len;
	b->bpf_len = b->len - sizeof(hdr) - b->names_len;
	if (b->bpf_len == 0 || b->bpf_len % sizeof(struct sock_filter) != 0 ||
	    b->bpf_len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		errno = EPROTO;
		goto fail;
	}
	rc = 0;
fail:
	if (rc != 0) {
		saved = errno;
		free(b->data);
		memset(b, 0, sizeof(*b));
		errno = saved;
	}
	return rc;
}

/* What seccomp_load does with libseccomp's defaults (no TSYNC, LOG or
 * SSB flags); no_new_privs is already set. */
static int
sandbox_seccomp_load(const struct sandbox_blob *b)
{
	struct sock_fprog prog;

	prog.len = (unsigned short)(b->bpf_len / sizeof(struct sock_filter));
	/* The kernel copies the program; it does not keep our pointer. */
	prog.filter = (struct sock_filter *)(uintptr_t)b->bpf;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* A notice on stderr and the syslog socket (RFC 3164 without a stamp). */
static void
sandbox_note(const struct sandbox_policy *p, const struct sandbox_conf *c,
    int pri, const char *msg)
{
	char	 line[512];
	int	 n;

	fprintf(stderr, "%s: %s%s", p->name, msg, c->ttyfd != -1 &&
	    c->tty != NULL ? "\r\n" : "\n");
	if (c->syslog_fd == -1)
		return;
	n = snprintf(line, sizeof(line), "<%d>%s[%ld]: %s",
	    c->syslog_facility | pri, p->name, (long)getpid(), msg);
	if (n > 0)
		(void)send(c->syslog_fd, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int
sandbox_enter(const struct sandbox_policy *p, const struct sandbox_conf *c)
{
	struct sandbox_blob b;
	const char	*step;
	char		 why[128];
	int		 highest, abi, saved;

	if (c->mode == SANDBOX_OFF) {
		sandbox_note(p, c, LOG_WARNING, "sandbox off (asked for): "
		    "running without seccomp, Landlock or dropped "
		    "capabilities");
		return 0;
	}
	/* Whatever libc would load lazily, load it now. */
	tzset();
	(void)strerror(EAGAIN);

	step = "seccomp filter";
	if (sandbox_build(p, c->mode, &b) != 0)
		goto fail;
	step = "sigsys handler";
	if (c->mode == SANDBOX_STRICT && sandbox_trap_install(p, c, &b) != 0)
		goto fail;
	step = "open fds";
	if ((highest = sandbox_highest_fd()) < 0)
		goto fail;
	step = "capabilities";
	if (sandbox_caps_drop() != 0)
		goto fail;
	step = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		goto fail;
	step = "landlock";
	if ((abi = sandbox_landlock(p->scope_signals)) < 0)
		goto fail;
	if (abi == 0)
		sandbox_note(p, c, LOG_NOTICE, "Landlock unavailable in this "
		    "kernel: no filesystem sandbox (seccomp still applies)");
	step = "rlimits";
	if (sandbox_rlimits(p, highest) != 0)
		goto fail;
	step = "seccomp";
	if (sandbox_seccomp_load(&b) != 0)
		goto fail;
	free(b.data);
	return 0;
fail:
	saved = errno;
	free(b.data);
	errno = saved;
	snprintf(why, sizeof(why), "sandbox: %s: %s", step, strerror(errno));
	sandbox_note(p, c, LOG_ERR, why);
	return -1;
}

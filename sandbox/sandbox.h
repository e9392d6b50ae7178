/*
 * The sandbox a program enters once its setup is done: no capabilities,
 * no_new_privs, a Landlock domain with no filesystem access (and no TCP),
 * tight rlimits, then a seccomp-bpf allowlist (one table per program in
 * sandbox/policy.c). Irreversible: call it last, before the main loop.
 */
#ifndef TSMOSH_SANDBOX_SANDBOX_H
#define TSMOSH_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include <seccomp.h>

enum sandbox_mode {
	SANDBOX_STRICT,		/* a syscall outside the table: logged, killed */
	SANDBOX_LOG,		/* the kernel logs it (SCMP_ACT_LOG) and runs it */
	SANDBOX_OFF,		/* nothing; logged as such */
};

/*
 * One row of a policy: a syscall, allowed (deny_errno 0) or failed with
 * deny_errno, when all of its argument comparisons hold. Several rows for
 * one syscall are alternatives.
 */
struct sandbox_rule {
	int		 nr;		/* SCMP_SYS(name) */
	int		 deny_errno;
	unsigned int	 narg;
	struct scmp_arg_cmp arg[3];
};

/* A datum replaced by the caller's pid when the filter is built. */
#define SANDBOX_SELF_PID	((scmp_datum_t)0xfffffffffffffffeULL)

struct sandbox_policy {
	const char	*name;		/* program, for log lines */
	const struct sandbox_rule *rules;
	size_t		 nrules;
	/* RLIMIT_NOFILE becomes the highest open fd + 1 + this: room for
	 * the UDP sockets the program may still create (port hops). */
	unsigned int	 fd_headroom;
	/* Landlock scopes: abstract unix sockets always; signals to
	 * processes outside the domain unless the program sends them. */
	bool		 scope_signals;
};

struct sandbox_conf {
	enum sandbox_mode mode;
	int		 logfd;		/* violations are written here ... */
	int		 syslog_fd;	/* ... and sent here: a connected syslog
					 * socket, or -1 */
	int		 syslog_facility;	/* LOG_DAEMON etc. */
	int		 ttyfd;		/* -1, or: restored to *tty on a kill */
	const struct termios *tty;
};

extern const struct sandbox_policy sandbox_policy_server;
extern const struct sandbox_policy sandbox_policy_client;

/* "strict", "log", "off"; 0 or -1. */
int		 sandbox_mode_parse(const char *, enum sandbox_mode *);
const char	*sandbox_mode_name(enum sandbox_mode);

/*
 * Enter the sandbox: drop capabilities (and the bounding set where
 * permitted), no_new_privs, Landlock (skipped with a notice on stderr
 * where the kernel lacks it), RLIMIT_NOFILE and RLIMIT_CORE, then the
 * seccomp filter. In strict mode a denied syscall raises SIGSYS; the
 * handler writes "NAME[PID]: sandbox violation: syscall X (nr N)" to
 * logfd and the syslog socket and the process dies of SIGSYS. 0, or -1 with the
 * reason on stderr (the process may be half-restricted: exit).
 */
int		 sandbox_enter(const struct sandbox_policy *,
		    const struct sandbox_conf *);

/* Landlock alone (sandbox_enter's step): the ABI version applied, 0 if
 * the kernel has none, -1 on error. For tests. */
int		 sandbox_landlock(bool scope_signals);

#endif

/*
 * mosh-server: a drop-in, wire-compatible mosh server.
 *
 *   mosh-server [new] [options] [-- command...]
 *
 * Binds a UDP port, prints MOSH CONNECT <port> <key>, detaches, starts
 * the command on a pty when the first client datagram arrives, and keeps
 * the client's screen in sync until the session ends.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "proto/clock.h"
#include "proto/conn.h"
#include "proto/key.h"
#include "server/child.h"
#include "server/doctor.h"
#include "server/firewall.h"
#include "server/listen.h"
#include "server/control.h"
#include "server/events.h"
#include "server/options.h"
#include "server/proctitle.h"
#include "server/serve.h"
#include "server/sessions.h"
#include "server/utmp.h"

static void
print_version(FILE *f)
{
	fprintf(f, "mosh-server (tsmosh %s) [speaks mosh protocol 2, "
	    "compatible with mosh 1.4]\n"
	    "tsmosh: a hardened, Tailscale-aware mosh server.\n",
	    TSMOSH_VERSION);
}

/* mosh's rule: the native locale, else the client's -l variables
 * alone (none of ours is left beside them, as in mosh). */
static int
setup_locale(const struct server_opts *o)
{
	static const char *const vars[] = { "LANG", "LANGUAGE", "LC_CTYPE",
	    "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY",
	    "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS",
	    "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION", "LC_ALL" };
	size_t	 i;

	setlocale(LC_ALL, "");
	if (base_locale_utf8())
		return 0;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	for (i = 0; i < o->cfg.locale.n; i++) {
		char	*eq = strchr(o->cfg.locale.var[i], '=');

		*eq = '\0';
		setenv(o->cfg.locale.var[i], eq + 1, 1);
		*eq = '=';
	}
	setlocale(LC_ALL, "");
	if (base_locale_utf8())
		return 0;
	fprintf(stderr, "mosh-server needs a UTF-8 native locale to run.\n\n"
	    "Neither the local environment nor the one the client sent (-l)\n"
	    "names a UTF-8 character set (now: \"%s\"). Set LANG or LC_ALL\n"
	    "to a UTF-8 locale, e.g. LANG=C.UTF-8, and check `locale -a`.\n",
	    nl_langinfo(CODESET));
	return -1;
}

static void
detach_stdio(bool keep_stderr)
{
	int	 fd;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	/* --log-stderr: the events keep going where stderr went. */
	if (!keep_stderr)
		dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* new --reattach: an existing detached session with the same command
 * instead of a new one (the comparison is on the command line). */
static int
reattach(const struct server_opts *o)
{
	char	 cmd[1024];

	options_command_line(o, cmd, sizeof(cmd));
	return sessions_reattach(cmd);
}

static const char *
user_name(void)
{
	struct passwd	*pw = getpwuid(getuid());

	return pw != NULL ? pw->pw_name : "?";
}

/* What a new session holds from its start to its end. */
struct session {
	struct server_opts o;
	char		 user[64];
	struct rlimit	 core;		/* the user's, for the shell */
	int		 cols, rows;
	struct listener	 net;
	int		 fds[CONN_MAX_SOCKS];
	size_t		 nfds;
	struct mosh_key	 key;
	struct control	 ctl;
	char		 rundir[CONTROL_PATH_MAX];	/* ctl's; "" none */
	struct events	 ev;
	struct conn	 conn;
	struct child	 child;
};

/*
 * What must be settled while stderr is still the user's and before the
 * key exists: the locale, the user's name (the sandbox reads no files
 * later), that no core file or ptrace peer can see the key, the size.
 */
static int
new_prepare(struct session *s)
{
	struct rlimit	 nocore = { 0, 0 };

	if (s->o.cfg.sandbox == SANDBOX_OFF)
		fprintf(stderr, "mosh-server: warning: sandbox off (%s)\n",
		    config_origin(&s->o.cfg, CFG_SANDBOX)->text);
	snprintf(s->user, sizeof(s->user), "%s", user_name());
	if (setup_locale(&s->o) != 0)
		return -1;
	/* The shell's exec makes the process dumpable again. */
	getrlimit(RLIMIT_CORE, &s->core);
	setrlimit(RLIMIT_CORE, &nocore);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* The user's terminal, if stdin is one: the shell's first size. */
	(void)base_winsize(STDIN_FILENO, &s->cols, &s->rows);
	return 0;
}

/*
 * The control socket, for mosh-server list, kill and attach. Opened
 * before MOSH CONNECT (the mosh wrapper shows only what comes before
 * it): a session without one still runs, it just cannot be managed,
 * and the user must hear so.
 */
static void
new_control(struct session *s)
{
	char	 dir[CONTROL_PATH_MAX], why[512];

	control_init(&s->ctl);
	s->rundir[0] = '\0';
	if (control_dir(dir, sizeof(dir), why, sizeof(why)) != 0)
		fprintf(stderr, "mosh-server: no control socket (%s): this "
		    "session cannot be listed, killed or attached\n", why);
	else if (control_open(&s->ctl, dir, getpid()) != 0)
		fprintf(stderr, "mosh-server: no control socket (%s/%ld.sock: "
		    "%s): this session cannot be listed, killed or attached\n",
		    dir, (long)getpid(), strerror(errno));
	else
		memcpy(s->rundir, dir, sizeof(s->rundir));
}

/* The line the mosh wrapper waits for: port and key. */
static void
new_announce(struct session *s)
{
	char	 keystr[MOSH_KEY_B64_LEN + 1];

	key_format(&s->key, keystr);
	/* Typeahead on a tty could hide the line from the wrapper. */
	if (isatty(STDIN_FILENO))
		fputs("\r\n", stdout);
	printf("MOSH CONNECT %d %s\n", s->net.port, keystr);
	memset(keystr, 0, sizeof(keystr));
	fflush(stdout);
}

/*
 * Fork; the parent says where the server went and exits, so the ssh
 * session can end. Returns in the child, in a session of its own.
 */
static int
new_detach(struct session *s)
{
	pid_t	 pid;

	signal(SIGPIPE, SIG_IGN);
	/*
	 * Until the child has its own session it is in the ssh session's
	 * process group: when our parent exits, the remote shell exits and
	 * sshd hangs up the pty, and that SIGHUP would kill it. Ignore it
	 * until setsid(), as mosh does; afterwards SIGHUP ends the session.
	 */
	signal(SIGHUP, SIG_IGN);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "mosh-server: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		fputc('\n', stderr);
		print_version(stderr);
		fprintf(stderr, "\n[mosh-server detached, pid = %d]\n",
		    (int)pid);
		fflush(NULL);
		_exit(0);
	}
	/* Named after the process that answers on it (a failure leaves
	 * the parent's pid in the name, nothing worse). */
	(void)control_rename(&s->ctl, getpid());
	setsid();
	signal(SIGHUP, SIG_DFL);
	if (s->o.cfg.verbose == 0)
		detach_stdio(s->o.cfg.log_stderr);
	return 0;
}

/* In the detached server: the connection, the event log (its lines
 * carry this pid), the shell; then the session until it ends. */
static int
new_run(struct session *s, struct proctitle *pt)
{
	struct serve_env env = { &s->o, &s->conn, &s->child, &s->net, &s->ctl,
	    &s->ev, pt, s->cols, s->rows };
	enum serve_end	 end;

	if (conn_server_init(&s->conn, &s->key, s->fds, s->nfds,
	    clock_ms()) != 0) {
		fprintf(stderr, "mosh-server: %s\n", strerror(errno));
		return 1;
	}
	key_wipe(&s->key);
	events_init(&s->ev, &s->o.cfg, s->o.cfg.log_stderr ||
	    s->o.cfg.verbose ? stderr : NULL);
	listener_attach(&s->net, &s->conn, &s->ev);
	if (child_spawn(&s->o, s->cols, s->rows, &s->core,
	    s->rundir[0] != '\0' ? s->rundir : NULL, &s->child) != 0)
		return 1;
	events_session(&s->ev, "session-start", "port=%d iface=%s user=%s",
	    s->net.port, s->o.cfg.iface.name, s->user);
	end = serve(&env);
	(void)events_flush(&s->ev, clock_ms(), true);
	events_session(&s->ev, "session-end", "reason=%s",
	    serve_end_name(end));
	events_close(&s->ev);
	control_close(&s->ctl);
	conn_close(&s->conn);
	listener_close(&s->net);
	close(s->child.master);
	return end == END_ERROR ? 1 : 0;
}

/* mosh-server new: a session for one client, detached from ssh. */
static int
cmd_new(int argc, char **argv, struct proctitle *pt)
{
	struct session	*s;
	int		 rc = 1;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 1;
	if (options_parse(&s->o, argc, argv) != 0) {
		options_usage(stderr);
		rc = 2;
	} else if (s->o.cfg.reattach && reattach(&s->o) == 0)
		rc = 0;
	else if (new_prepare(s) == 0 &&
	    listener_open(&s->net, &s->o.cfg, s->fds, &s->nfds) == 0) {
		if (key_generate(&s->key) != 0) {
			fprintf(stderr, "mosh-server: no randomness "
			    "(libsodium)\n");
			listener_close(&s->net);
		} else {
			new_control(s);
			new_announce(s);
			if (new_detach(s) == 0)
				rc = new_run(s, pt);
		}
	}
	/* Refusals are common (no interface): exit without leaks, so the
	 * sanitizer build keeps the exit status. */
	options_free(&s->o);
	key_wipe(&s->key);
	free(s);
	return rc;
}

/*
 * mosh-server config [options]: the effective settings and where each
 * came from, as sshd -T prints them. The same layers and flags as new.
 */
static int
cmd_config(int argc, char **argv)
{
	struct server_opts o;

	if (options_parse_strict(&o, argc, argv) != 0) {
		options_free(&o);	/* as cmd_new: no leak report, rc 2 */
		return 2;
	}
	config_print(&o.cfg, stdout);
	options_free(&o);
	return 0;
}

/* Every subcommand: its name, what runs it and its usage line. */
static const struct subcommand {
	const char	*name;
	int		(*fn)(int, char **);
	/* new: the session, which sets the process title. */
	int		(*session)(int, char **, struct proctitle *);
	const char	*usage;
} subcommands[] = {
	{ "new",	NULL,		cmd_new,
	    "new [options] [-- COMMAND...]" },
	{ "config",	cmd_config,	NULL,	"config [options]" },
	{ "doctor",	cmd_doctor,	NULL,	"doctor [options]" },
	{ "firewall",	cmd_firewall,	NULL,
	    "firewall ufw|ufw-app|firewalld|firewalld-service|nftables|"
	    "fail2ban\n                            [options]" },
	{ "list",	cmd_list,	NULL,	"list [--json]" },
	{ "kill",	cmd_kill,	NULL,
	    "kill ID | all | --idle-over DURATION" },
	{ "attach",	cmd_attach,	NULL,	"attach [ID]" },
	{ "share",	cmd_share,	NULL,	"share [ID] [--read-only]" },
	{ "kick",	cmd_kick,	NULL,	"kick ID CLIENT" },
};

#define NSUBCOMMANDS	(sizeof(subcommands) / sizeof(subcommands[0]))

/* Every subcommand's usage, then the options of new. */
static void
usage(FILE *f)
{
	size_t	 i;

	for (i = 0; i < NSUBCOMMANDS; i++)
		fprintf(f, "%s mosh-server %s\n", i == 0 ? "usage:" : "      ",
		    subcommands[i].usage);
	fprintf(f, "       mosh-server --help | --version\n\n"
	    "Options of new (config, doctor and firewall take them too):\n");
	options_help(f, false);
}

/* --help or --version anywhere before "--" answers at once. */
static int
help_or_version(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			print_version(stdout);
			return 0;
		}
	}
	return -1;
}

static int
run(int argc, char **argv, struct proctitle *pt)
{
	const struct subcommand	*sc = &subcommands[0];
	size_t			 i;
	int			 skip = 1;

	if (help_or_version(argc, argv) == 0)
		return 0;
	for (i = 0; argc > 1 && i < NSUBCOMMANDS; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			sc = &subcommands[i];
			skip = 2;
		}
	/* Options before "new": mosh's --server=CMD with our flags in it. */
	if (argc > 1 && skip == 1 && argv[1][0] != '-') {
		fprintf(stderr, "mosh-server: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (sc->session != NULL)
		return sc->session(argc - skip, argv + skip, pt);
	return sc->fn(argc - skip, argv + skip);
}

static void
argv_free(char **argv)
{
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

int
main(int argc, char **argv)
{
	struct proctitle pt;
	int		 rc;

	/* The utmp helper, re-executed by utmp_helper_start: nothing of the
	 * server's state (its key above all) comes along. */
	utmp_helper_from_argv(argc, argv);
	/* Whatever else the launcher left open (a CI runner's pipe, a
	 * shell's saved descriptors) would stay open for the session's
	 * life: a reader waiting for its EOF would wait that long. */
	closefrom(STDERR_FILENO + 1);
	/* zlib's buffers for a large message (64 KiB each) come from mmap
	 * and go back when freed, instead of staying in the heap of a
	 * long-lived idle server; small allocations (a small message's
	 * deflate, see proto/zip.c) are unaffected. */
	(void)mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 64 * 1024);

	if ((argv = proctitle_init(&pt, argc, argv)) == NULL) {
		fprintf(stderr, "mosh-server: out of memory\n");
		return 1;
	}
	rc = run(argc, argv, &pt);
	argv_free(argv);
	return rc;
}

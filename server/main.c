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
#include "server/utmp.h"
#include "server/sessions.h"

static void
print_version(FILE *f)
{
	fprintf(f, "mosh-server (tsmosh %s) [speaks mosh protocol 2, "
	    "compatible with mosh 1.4]\n"
	    "tsmosh: a hardened, Tailscale-aware mosh server.\n",
	    TSMOSH_VERSION);
}

/* Does the locale setlocale picked speak UTF-8? (setup_locale asks.) */
static bool
locale_is_utf8(void)
{
	return base_locale_utf8();
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
	if (locale_is_utf8())
		return 0;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	for (i = 0; i < o->nlocale; i++) {
		char	*eq = strchr(o->locale_vars[i], '=');

		*eq = '\0';
		setenv(o->locale_vars[i], eq + 1, 1);
		*eq = '=';
	}
	setlocale(LC_ALL, "");
	if (locale_is_utf8())
		return 0;
	fprintf(stderr, "mosh-server needs a UTF-8 native locale to run.\n\n"
	    "Neither the local environment nor the one the client sent (-l)\n"
	    "names a UTF-8 character set (now: \"%s\"). Set LANG or LC_ALL\n"
	    "to a UTF-8 locale, e.g. LANG=C.UTF-8, and check `locale -a`.\n",
	    nl_langinfo(CODESET));
	return -1;
}

/* The user's terminal, if stdin is one: the shell's first size. */
static void
window_size(int *cols, int *rows)
{
	(void)base_winsize(STDIN_FILENO, cols, rows);
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

static int
cmd_new(int argc, char **argv, struct proctitle *pt)
{
	char		 user[64], ctldir[CONTROL_PATH_MAX], why[512];
	struct control	 ctl;
	struct server_opts o;
	struct mosh_key	 key;
	char		 keystr[MOSH_KEY_B64_LEN + 1];
	struct rlimit	 core, nocore = { 0, 0 };
	struct conn	 conn;
	struct child	 child;
	struct listener	 net;
	enum serve_end	 end;
	int		 fds[CONN_MAX_SOCKS], cols, rows;
	size_t		 nfds;
	pid_t		 pid;

	if (options_parse(&o, argc, argv) != 0) {
		options_usage(stderr);
		options_free(&o);
		return 2;
	}
	/* Said while stderr is still the user's (then syslog, serve()). */
	if (strcmp(config_get(&o.cfg, CFG_SANDBOX), "off") == 0)
		fprintf(stderr, "mosh-server: warning: sandbox off (%s)\n",
		    config_origin(&o.cfg, CFG_SANDBOX));
	/* Looked up now: the sandbox reads no files later. */
	snprintf(user, sizeof(user), "%s", user_name());
	if (strcmp(config_get(&o.cfg, CFG_REATTACH), "yes") == 0 &&
	    reattach(&o) == 0) {
		options_free(&o);
		return 0;
	}
	if (setup_locale(&o) != 0)
		goto fail;
	/* The key must never land in a core file, nor be read through
	 * ptrace or /proc/PID/mem by another process of this user. The
	 * shell's exec makes it dumpable again. */
	getrlimit(RLIMIT_CORE, &core);
	setrlimit(RLIMIT_CORE, &nocore);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	window_size(&cols, &rows);
	if (listener_open(&net, &o, fds, &nfds) != 0)
		goto fail;
	if (key_generate(&key) != 0) {
		fprintf(stderr, "mosh-server: no randomness (libsodium)\n");
		listener_close(&net);
		goto fail;
	}
	/*
	 * For mosh-server list, kill and attach. Opened here, while stderr
	 * is the user's and before MOSH CONNECT (the mosh wrapper shows
	 * only what comes before it): a session without one still runs, it
	 * just cannot be managed, and the user must hear so.
	 */
	control_init(&ctl);
	if (control_dir(ctldir, sizeof(ctldir), why, sizeof(why)) != 0)
		fprintf(stderr, "mosh-server: no control socket (%s): this "
		    "session cannot be listed, killed or attached\n", why);
	else if (control_open(&ctl, ctldir, getpid()) != 0)
		fprintf(stderr, "mosh-server: no control socket (%s/%ld.sock: "
		    "%s): this session cannot be listed, killed or attached\n",
		    ctldir, (long)getpid(), strerror(errno));
	key_format(&key, keystr);
	/* Typeahead on a tty could hide the line from the wrapper. */
	if (isatty(STDIN_FILENO))
		fputs("\r\n", stdout);
	printf("MOSH CONNECT %d %s\n", net.port, keystr);
	memset(keystr, 0, sizeof(keystr));
	fflush(stdout);

	signal(SIGPIPE, SIG_IGN);
	/*
	 * Until the child has its own session it is in the ssh session's
	 * process group: when our parent exits, the remote shell exits and
	 * sshd hangs up the pty, and that SIGHUP would kill it (a race that
	 * the detached server often lost). Ignore it until setsid(), as mosh
	 * does; afterwards SIGHUP ends the session again (serve()).
	 */
	signal(SIGHUP, SIG_IGN);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "mosh-server: fork: %s\n", strerror(errno));
		return 1;
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
	(void)control_rename(&ctl, getpid());
	/* Our own session: the ssh connection's hangup is not ours. */
	setsid();
	signal(SIGHUP, SIG_DFL);
	if (o.verbose == 0)
		detach_stdio(o.log_stderr);

	if (conn_server_init(&conn, &key, fds, nfds, clock_ms()) != 0) {
		fprintf(stderr, "mosh-server: %s\n", strerror(errno));
		return 1;
	}
	key_wipe(&key);
	listener_attach(&net, &conn);
	if (child_spawn(&o, cols, rows, &core, &child) != 0)
		return 1;
	events_session(listener_events(&net), "session-start",
	    "port=%d iface=%s user=%s", net.port, o.iface, user);
	end = serve(&o, &conn, &child, cols, rows, pt, &net, &ctl);
	(void)events_flush(listener_events(&net), clock_ms(), true);
	events_session(listener_events(&net), "session-end", "reason=%s",
	    serve_end_name(end));
	control_close(&ctl);
	conn_close(&conn);
	listener_close(&net);
	close(child.master);
	options_free(&o);
	return end == END_ERROR ? 1 : 0;
fail:
	/* Refusals are common (no interface): exit without leaks, so the
	 * sanitizer build keeps the exit status. */
	options_free(&o);
	return 1;
}

static void
argv_free(char **argv)
{
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
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

static int
run(int argc, char **argv, struct proctitle *pt)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			options_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			print_version(stdout);
			return 0;
		}
	}
	if (argc < 2)
		return cmd_new(0, argv + 1, pt);
	if (strcmp(argv[1], "new") == 0)
		return cmd_new(argc - 2, argv + 2, pt);
	if (strcmp(argv[1], "config") == 0)
		return cmd_config(argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 2, argv + 2);
	if (strcmp(argv[1], "kill") == 0)
		return cmd_kill(argc - 2, argv + 2);
	if (strcmp(argv[1], "attach") == 0)
		return cmd_attach(argc - 2, argv + 2);
	if (strcmp(argv[1], "firewall") == 0)
		return cmd_firewall(argc - 2, argv + 2);
	if (strcmp(argv[1], "doctor") == 0)
		return cmd_doctor(argc - 2, argv + 2);
	/* Options before "new": mosh's --server=CMD with our flags in it. */
	if (argv[1][0] == '-')
		return cmd_new(argc - 1, argv + 1, pt);
	fprintf(stderr, "mosh-server: unknown command '%s'\n", argv[1]);
	options_usage(stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	struct proctitle pt;
	int		 rc;

	/* The utmp helper, re-executed by utmp_helper_start: nothing of the
	 * server's state (its key above all) comes along. */
	utmp_helper_from_argv(argc, argv);
	/* zlib's per-frame buffers (64 KiB each) come from mmap and go back
	 * when freed, instead of staying in the heap of a long-lived idle
	 * server; small allocations are unaffected. */
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

/*
 * server/options: the command line and the environment over the config
 * files, as `mosh-server config` (strict) and `new` read them. Each case
 * sets its own environment (the MOSH_* variables, SSH_CONNECTION,
 * XDG_CONFIG_HOME at a directory of its own) and passes --config FILE,
 * so the machine's files never count. What options.c prints to stderr
 * is captured and checked.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/options.h"
#include "tests/unit/check.h"
#include "tests/unit/server_check.h"

#define MAXARGS	32

/* One case's world: its directory, files, and what stderr said. */
struct env {
	char	 dir[64];
	char	 sys[128];	/* DIR/sys.conf, passed as --config */
	char	 user[160];	/* DIR/xdg/tsmosh/tsmosh.conf */
	char	 err[8192];	/* stderr of the last parse */
};

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static int
env_open(struct env *e)
{
	char	 p[128];

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/tsmosh-unit.XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->sys, sizeof(e->sys), "%s/sys.conf", e->dir);
	snprintf(p, sizeof(p), "%s/xdg", e->dir);
	mkdir(p, 0700);
	setenv("XDG_CONFIG_HOME", p, 1);
	snprintf(p, sizeof(p), "%s/xdg/tsmosh", e->dir);
	mkdir(p, 0700);
	snprintf(e->user, sizeof(e->user), "%s/tsmosh.conf", p);
	unsetenv("MOSH_SERVER_NETWORK_TMPL");
	unsetenv("MOSH_UDP_PORT");
	unsetenv("MOSH_SERVER_NETWORK_TMOUT");
	unsetenv("MOSH_SERVER_SIGNAL_TMOUT");
	unsetenv("SSH_CONNECTION");
	setenv("SHELL", "/bin/sh", 1);
	return 0;
}

static int
env_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
env_close(struct env *e)
{
	(void)nftw(e->dir, env_rm, 8, FTW_DEPTH | FTW_PHYS);
	unsetenv("XDG_CONFIG_HOME");
}

/*
 * options_parse_strict (or options_parse, lenient) on the words given,
 * NULL-terminated, with "--config SYS" first unless nosys; stderr into
 * e->err.
 */
static int
parse(struct env *e, struct server_opts *o, bool strict, bool nosys, ...)
{
	char		*argv[MAXARGS + 1], cfg[] = "--config";
	char		 errpath[128];
	const char	*w;
	va_list		 ap;
	int		 argc = 0, saved, fd, rc;
	ssize_t		 n;

	if (!nosys) {
		argv[argc++] = cfg;
		argv[argc++] = e->sys;
	}
	va_start(ap, nosys);
	while ((w = va_arg(ap, const char *)) != NULL && argc < MAXARGS)
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;

	snprintf(errpath, sizeof(errpath), "%s/stderr", e->dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	rc = strict ? options_parse_strict(o, argc, argv) :
	    options_parse(o, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, e->err, sizeof(e->err) - 1);
	e->err[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

#define STRICT(e, o, ...)	parse((e), (o), true, false, __VA_ARGS__, NULL)

/* stderr said exactly this. */
static int
said(const struct env *e, const char *want)
{
	if (strcmp(e->err, want) != 0) {
		printf("#   stderr '%s'\n#   want   '%s'\n", e->err, want);
		return 0;
	}
	return 1;
}

/* flag > env > user file > system file (--config) > default. */
static void
test_precedence(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;
	char			 w[256];

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	write_file(e.sys, "interface = eth-sys\nport_range = 1000:2000\n"
	    "idle_timeout = 1m\nnetwork_timeout = 1h\nlog_format = json\n"
	    "signal_timeout = 5\n");
	write_file(e.user, "port_range = 3000:4000\nidle_timeout = 2m\n"
	    "network_timeout = 2h\ninterface = eth-user\n");
	setenv("MOSH_UDP_PORT", "5000:6000", 1);
	setenv("MOSH_SERVER_NETWORK_TMOUT", "30", 1);
	setenv("MOSH_SERVER_NETWORK_TMPL", "eth-env", 1);

	/* Every layer. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "--iface", "eth-flag", "-p", "5500"), 0);
	CHECK(t, said(&e, ""));
	CHECK(t, strcmp(o.cfg.iface.name, "eth-flag") == 0);
	CHECK(t, origin_is(&o.cfg, CFG_INTERFACE, CONFIG_FLAG, "flag --iface"));
	CHECK(t, check_str(config_origin_name(&o.cfg, CFG_INTERFACE), "--iface"));
	CHECK_EQ_INT(t, o.cfg.ports.low, 5500);
	CHECK_EQ_INT(t, o.cfg.ports.high, 5500);
	CHECK(t, origin_is(&o.cfg, CFG_PORT_RANGE, CONFIG_FLAG, "flag -p"));
	CHECK_EQ_INT(t, o.cfg.network_timeout, 30);
	CHECK(t, origin_is(&o.cfg, CFG_NETWORK_TIMEOUT, CONFIG_ENV,
	    "env MOSH_SERVER_NETWORK_TMOUT"));
	CHECK(t, check_str(config_origin_name(&o.cfg, CFG_NETWORK_TIMEOUT),
	    "MOSH_SERVER_NETWORK_TMOUT"));
	CHECK_EQ_INT(t, o.cfg.idle_timeout, 120);
	snprintf(w, sizeof(w), "%s:2", e.user);
	CHECK(t, origin_is(&o.cfg, CFG_IDLE_TIMEOUT, CONFIG_FILE, w));
	CHECK_EQ_INT(t, o.cfg.log_format, LOG_FORMAT_JSON);
	snprintf(w, sizeof(w), "%s:5", e.sys);
	CHECK(t, origin_is(&o.cfg, CFG_LOG_FORMAT, CONFIG_FILE, w));
	CHECK_EQ_INT(t, o.cfg.signal_timeout, 5);
	CHECK(t, origin_is(&o.cfg, CFG_SANDBOX, CONFIG_DEFAULT, "default"));
	CHECK(t, strcmp(o.cfg.config_file, e.sys) == 0);
	CHECK(t, origin_is(&o.cfg, CFG_CONFIG_FILE, CONFIG_FLAG,
	    "flag --config"));
	/* No command: the login shell. */
	CHECK(t, o.login_shell);
	CHECK(t, o.command != NULL && strcmp(o.command[0], "-sh") == 0);
	CHECK(t, o.command_path != NULL &&
	    strcmp(o.command_path, "/bin/sh") == 0);
	options_free(&o);

	/* Without the flags: the environment. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "config"), -1);	/* a stray word */
	options_free(&o);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, strcmp(o.cfg.iface.name, "eth-env") == 0);
	CHECK(t, origin_is(&o.cfg, CFG_INTERFACE, CONFIG_ENV,
	    "env MOSH_SERVER_NETWORK_TMPL"));
	CHECK(t, check_str(config_origin_name(&o.cfg, CFG_INTERFACE),
	    "MOSH_SERVER_NETWORK_TMPL"));
	CHECK_EQ_INT(t, o.cfg.ports.low, 5000);
	CHECK_EQ_INT(t, o.cfg.ports.high, 6000);
	CHECK(t, origin_is(&o.cfg, CFG_PORT_RANGE, CONFIG_ENV,
	    "env MOSH_UDP_PORT"));
	options_free(&o);

	/* Without the environment: the user's file. */
	unsetenv("MOSH_UDP_PORT");
	unsetenv("MOSH_SERVER_NETWORK_TMOUT");
	unsetenv("MOSH_SERVER_NETWORK_TMPL");
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, strcmp(o.cfg.iface.name, "eth-user") == 0);
	snprintf(w, sizeof(w), "%s:4", e.user);
	CHECK(t, origin_is(&o.cfg, CFG_INTERFACE, CONFIG_FILE, w));
	CHECK(t, check_str(config_origin_name(&o.cfg, CFG_INTERFACE), w));
	CHECK_EQ_INT(t, o.cfg.ports.low, 3000);
	CHECK_EQ_INT(t, o.cfg.network_timeout, 7200);
	options_free(&o);

	/* Without the user's file: the system file (--config=FILE too). */
	unlink(e.user);
	snprintf(w, sizeof(w), "--config=%s", e.sys);
	CHECK_EQ_INT(t, parse(&e, &o, true, true, w, NULL), 0);
	CHECK(t, strcmp(o.cfg.iface.name, "eth-sys") == 0);
	snprintf(w, sizeof(w), "%s:1", e.sys);
	CHECK(t, origin_is(&o.cfg, CFG_INTERFACE, CONFIG_FILE, w));
	CHECK_EQ_INT(t, o.cfg.ports.low, 1000);
	CHECK_EQ_INT(t, o.cfg.ports.high, 2000);
	options_free(&o);

	/* Without any: the defaults. */
	unlink(e.sys);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, strcmp(o.cfg.iface.name, "tailscale0") == 0);
	CHECK(t, origin_is(&o.cfg, CFG_INTERFACE, CONFIG_DEFAULT, "default"));
	CHECK(t, check_str(config_origin_name(&o.cfg, CFG_INTERFACE),
	    "the default"));
	CHECK_EQ_INT(t, o.cfg.ports.low, 60001);
	options_free(&o);
	env_close(&e);
}

/* A bad file stops the parse, naming file, line and key. */
static void
test_bad_file(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;
	char			 w[512];

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	write_file(e.sys, "interface = eth0\nbogus = 1\n");
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "7000"), -1);
	snprintf(w, sizeof(w), "mosh-server: %s:2: unknown key 'bogus'\n",
	    e.sys);
	CHECK(t, said(&e, w));
	options_free(&o);
	write_file(e.sys, "");
	write_file(e.user, "port_range = 9:8\n");
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "7000"), -1);
	snprintf(w, sizeof(w), "mosh-server: %s:1: port_range: '9:8' is not "
	    "PORT or LOW:HIGH (0-65535)\n", e.user);
	CHECK(t, said(&e, w));
	options_free(&o);
	env_close(&e);
}

/* mosh's rule for the timeout variables: a bad one is skipped with a
 * message; the value below it stays. */
static void
test_env_lenient(struct check *t)
{
	static const struct { const char *v; const char *msg; } bad[] = {
		{ "abc", "not a valid integer, ignoring" },
		{ "5s", "not a valid integer, ignoring" },
		{ " 5", "not a valid integer, ignoring" },
		{ "5 ", "not a valid integer, ignoring" },
		{ "9223372036854776", "not a valid integer, ignoring" },
		{ "99999999999999999999", "not a valid integer, ignoring" },
		{ "-5", "is negative, ignoring" },
	};
	struct env		 e;
	struct server_opts	 o;
	char			 w[256];
	size_t			 i;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	write_file(e.sys, "network_timeout = 2h\nsignal_timeout = 1m\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("MOSH_SERVER_NETWORK_TMOUT", bad[i].v, 1);
		setenv("MOSH_SERVER_SIGNAL_TMOUT", bad[i].v, 1);
		CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
		snprintf(w, sizeof(w), "MOSH_SERVER_NETWORK_TMOUT %s\n"
		    "MOSH_SERVER_SIGNAL_TMOUT %s\n", bad[i].msg, bad[i].msg);
		CHECK(t, said(&e, w));
		CHECK_EQ_INT(t, o.cfg.network_timeout, 7200);
		CHECK_EQ_INT(t, o.cfg.signal_timeout, 60);
		snprintf(w, sizeof(w), "%s:1", e.sys);
		CHECK(t, origin_is(&o.cfg, CFG_NETWORK_TIMEOUT, CONFIG_FILE, w));
		options_free(&o);
	}
	/* Empty: as if unset, silently. */
	setenv("MOSH_SERVER_NETWORK_TMOUT", "", 1);
	setenv("MOSH_SERVER_SIGNAL_TMOUT", "", 1);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, said(&e, ""));
	CHECK_EQ_INT(t, o.cfg.network_timeout, 7200);
	options_free(&o);
	/* Good ones: seconds, from the environment. */
	setenv("MOSH_SERVER_NETWORK_TMOUT", "0", 1);
	setenv("MOSH_SERVER_SIGNAL_TMOUT", "9223372036854775", 1);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, said(&e, ""));
	CHECK_EQ_INT(t, o.cfg.network_timeout, 0);
	CHECK(t, origin_is(&o.cfg, CFG_NETWORK_TIMEOUT, CONFIG_ENV,
	    "env MOSH_SERVER_NETWORK_TMOUT"));
	CHECK_EQ_INT(t, o.cfg.signal_timeout, 9223372036854775L);
	CHECK(t, origin_is(&o.cfg, CFG_SIGNAL_TIMEOUT, CONFIG_ENV,
	    "env MOSH_SERVER_SIGNAL_TMOUT"));
	options_free(&o);
	env_close(&e);
}

/* The other variables are not lenient: a bad one is an error. */
static void
test_env_strict(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	setenv("MOSH_UDP_PORT", "70000", 1);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), -1);
	CHECK(t, said(&e, "mosh-server: env MOSH_UDP_PORT: port_range: "
	    "'70000' is not PORT or LOW:HIGH (0-65535)\n"));
	options_free(&o);
	/* The lenient parse of `new` refuses it too. */
	CHECK_EQ_INT(t, parse(&e, &o, false, false, NULL), -1);
	options_free(&o);
	unsetenv("MOSH_UDP_PORT");
	setenv("MOSH_SERVER_NETWORK_TMPL", "tail/0", 1);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), -1);
	CHECK(t, said(&e, "mosh-server: env MOSH_SERVER_NETWORK_TMPL: "
	    "interface: 'tail/0' is not an interface name (or any)\n"));
	options_free(&o);
	setenv("MOSH_SERVER_NETWORK_TMPL", "any", 1);
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK(t, strcmp(o.cfg.iface.name, "any") == 0);
	options_free(&o);
	env_close(&e);
}

/* -p must stay inside the MOSH_UDP_PORT an admin set. */
static void
test_port_inside_env(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	setenv("MOSH_UDP_PORT", "5000:6000", 1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "5500"), 0);
	CHECK_EQ_INT(t, o.cfg.ports.low, 5500);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p5000:6000"), 0);
	CHECK_EQ_INT(t, o.cfg.ports.low, 5000);
	CHECK_EQ_INT(t, o.cfg.ports.high, 6000);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "4999:5500"), -1);
	CHECK(t, said(&e, "mosh-server: -p 4999:5500 is outside "
	    "MOSH_UDP_PORT=5000:6000\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "7000"), -1);
	CHECK(t, said(&e, "mosh-server: -p 7000:7000 is outside "
	    "MOSH_UDP_PORT=5000:6000\n"));
	options_free(&o);
	CHECK_EQ_INT(t, parse(&e, &o, false, false, "-p", "6001", NULL), -1);
	options_free(&o);
	/* A file's range is no limit: only the variable is. */
	unsetenv("MOSH_UDP_PORT");
	write_file(e.sys, "port_range = 5000:6000\n");
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "7000"), 0);
	CHECK_EQ_INT(t, o.cfg.ports.low, 7000);
	options_free(&o);
	/* A bad -p: mosh's words. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p", "70000"), -1);
	CHECK(t, said(&e, "mosh-server: bad UDP port range '70000'\n"));
	options_free(&o);
	env_close(&e);
}

/* mosh's -i SECONDS (a plain number) is the idle timeout; else an
 * address. */
static void
test_i_number(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	CHECK_EQ_INT(t, STRICT(&e, &o, "-i", "600"), 0);
	CHECK_EQ_INT(t, o.cfg.idle_timeout, 600);
	CHECK(t, origin_is(&o.cfg, CFG_IDLE_TIMEOUT, CONFIG_FLAG, "flag -i"));
	CHECK(t, o.cfg.local_addr[0] == '\0');
	CHECK(t, origin_is(&o.cfg, CFG_LOCAL_ADDR, CONFIG_DEFAULT, "default"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-i30"), 0);
	CHECK_EQ_INT(t, o.cfg.idle_timeout, 30);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-i", "100.64.0.1"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "100.64.0.1") == 0);
	CHECK(t, origin_is(&o.cfg, CFG_LOCAL_ADDR, CONFIG_FLAG, "flag -i"));
	CHECK(t, !o.cfg.local_addr_from_ssh);
	CHECK_EQ_INT(t, o.cfg.idle_timeout, 0);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--idle-timeout", "2h"), 0);
	CHECK_EQ_INT(t, o.cfg.idle_timeout, 7200);
	CHECK(t, origin_is(&o.cfg, CFG_IDLE_TIMEOUT, CONFIG_FLAG,
	    "flag --idle-timeout"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--idle-timeout=soon"), -1);
	CHECK(t, said(&e, "mosh-server: bad idle timeout 'soon' (seconds)\n"));
	options_free(&o);
	env_close(&e);
}

/* -s: the local address of the SSH connection. */
static void
test_s_flag(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	setenv("SSH_CONNECTION", "100.64.0.9 51000 100.64.0.1 22", 1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "100.64.0.1") == 0);
	CHECK(t, o.cfg.local_addr_from_ssh);
	CHECK(t, origin_is(&o.cfg, CFG_LOCAL_ADDR, CONFIG_FLAG, "flag -s"));
	options_free(&o);
	setenv("SSH_CONNECTION", "::ffff:100.64.0.9 51000 ::ffff:100.64.0.1 22",
	    1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "100.64.0.1") == 0);
	options_free(&o);
	setenv("SSH_CONNECTION", "fd7a:115c:a1e0::9 51000 fd7a:115c:a1e0::1 22",
	    1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "fd7a:115c:a1e0::1") == 0);
	options_free(&o);
	/* The later of -s and -i wins. */
	setenv("SSH_CONNECTION", "100.64.0.9 51000 100.64.0.1 22", 1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s", "-i", "100.64.0.7"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "100.64.0.7") == 0);
	CHECK(t, !o.cfg.local_addr_from_ssh);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-i", "100.64.0.7", "-s"), 0);
	CHECK(t, strcmp(o.cfg.local_addr, "100.64.0.1") == 0);
	CHECK(t, o.cfg.local_addr_from_ssh);
	options_free(&o);
	/* Grouped with -v. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "-sv"), 0);
	CHECK(t, o.cfg.local_addr_from_ssh);
	CHECK_EQ_INT(t, o.cfg.verbose, 1);
	options_free(&o);
	/* Without SSH_CONNECTION (or a broken one): any address. */
	setenv("SSH_CONNECTION", "garbage", 1);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s"), 0);
	CHECK(t, o.cfg.local_addr[0] == '\0');
	CHECK(t, o.cfg.local_addr_from_ssh);
	options_free(&o);
	unsetenv("SSH_CONNECTION");
	CHECK_EQ_INT(t, STRICT(&e, &o, "-s"), 0);
	CHECK(t, o.cfg.local_addr[0] == '\0');
	CHECK(t, o.cfg.local_addr_from_ssh);
	options_free(&o);
	env_close(&e);
}

static void
test_v_and_l(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;
	char			 text[CONFIG_TEXT_MAX];

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	CHECK_EQ_INT(t, parse(&e, &o, true, false, NULL), 0);
	CHECK_EQ_INT(t, o.cfg.verbose, 0);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-v"), 0);
	CHECK_EQ_INT(t, o.cfg.verbose, 1);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-vvv"), 0);
	CHECK_EQ_INT(t, o.cfg.verbose, 3);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-v", "-p", "7000", "-v"), 0);
	CHECK_EQ_INT(t, o.cfg.verbose, 2);
	CHECK(t, origin_is(&o.cfg, CFG_VERBOSE, CONFIG_FLAG, "flag -v"));
	options_free(&o);

	CHECK_EQ_INT(t, STRICT(&e, &o, "-l", "LANG=C.UTF-8", "-lLC_ALL=C",
	    "-l", "LC_CTYPE=en_US.UTF-8"), 0);
	CHECK_EQ_INT(t, o.cfg.locale.n, 3);
	CHECK(t, strcmp(o.cfg.locale.var[0], "LANG=C.UTF-8") == 0);
	CHECK(t, strcmp(o.cfg.locale.var[1], "LC_ALL=C") == 0);
	CHECK(t, strcmp(o.cfg.locale.var[2], "LC_CTYPE=en_US.UTF-8") == 0);
	CHECK(t, check_str(config_text(&o.cfg, CFG_LOCALE, text, sizeof(text)),
	    "LANG=C.UTF-8 LC_ALL=C LC_CTYPE=en_US.UTF-8"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-l", "LANG=C", "-l", "LANG"), -1);
	CHECK(t, said(&e, "mosh-server: bad -l 'LANG' (NAME=VALUE)\n"));
	options_free(&o);
	/* Colours, as mosh reads them. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "-c256"), 0);
	CHECK_EQ_INT(t, o.cfg.colors, 256);
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-c", "many"), -1);
	CHECK(t, said(&e, "mosh-server: bad number of colors 'many'\n"));
	options_free(&o);
	env_close(&e);
}

/* What mosh's getopt skips, our subcommands refuse. */
static void
test_strict_refusals(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	CHECK_EQ_INT(t, STRICT(&e, &o, "-x"), -1);
	CHECK(t, said(&e, "mosh-server: unknown option '-x'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--bogus"), -1);
	CHECK(t, said(&e, "mosh-server: unknown option '--bogus'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--bogus=1"), -1);
	CHECK(t, said(&e, "mosh-server: unknown option '--bogus=1'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "stray"), -1);
	CHECK(t, said(&e, "mosh-server: stray argument 'stray'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "-p"), -1);
	CHECK(t, said(&e, "mosh-server: a value is needed for '-p'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--iface"), -1);
	CHECK(t, said(&e, "mosh-server: a value is needed for '--iface'\n"));
	options_free(&o);
	/* "--" ends the options: it is never an option's value. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "--iface", "--", "/bin/true"), -1);
	CHECK(t, said(&e, "mosh-server: a value is needed for '--iface'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--reattach=yes"), -1);
	CHECK(t, said(&e, "mosh-server: no value allowed for "
	    "'--reattach=yes'\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--sandbox", "lax"), -1);
	CHECK(t, said(&e, "mosh-server: flag --sandbox: sandbox: 'lax' is not "
	    "one of strict, log, off\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--wait-iface", "2d"), -1);
	CHECK(t, said(&e, "mosh-server: bad --wait-iface '2d' (seconds, up "
	    "to 86400)\n"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--iface", "a:b"), -1);
	CHECK(t, said(&e, "mosh-server: flag --iface: interface: 'a:b' is not "
	    "an interface name (or any)\n"));
	options_free(&o);
	/* "new" among the options is the command word, not a stray. */
	CHECK_EQ_INT(t, STRICT(&e, &o, "--iface", "eth0", "new", "--reattach"),
	    0);
	CHECK(t, said(&e, ""));
	CHECK(t, o.cfg.reattach);
	CHECK(t, origin_is(&o.cfg, CFG_REATTACH, CONFIG_FLAG,
	    "flag --reattach"));
	options_free(&o);
	env_close(&e);
}

/* `new` skips what it does not know, as mosh does, and says so. */
static void
test_lenient_new(struct check *t)
{
	static const char	 want[] = "mosh-server: unknown option '-x' "
	    "(ignored)\nmosh-server: stray argument 'word' (ignored)\n"
	    "usage: mosh-server new ";
	struct env		 e;
	struct server_opts	 o;

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	CHECK_EQ_INT(t, parse(&e, &o, false, false, "-x", "-p", "7000", "word",
	    NULL), 0);
	CHECK(t, strncmp(e.err, want, strlen(want)) == 0);
	CHECK_EQ_INT(t, o.cfg.ports.low, 7000);
	options_free(&o);
	/* A bad value is still an error. */
	CHECK_EQ_INT(t, parse(&e, &o, false, false, "-p", "x", NULL), -1);
	options_free(&o);
	env_close(&e);
}

/* --allow-source through the flags: repeatable; replaces the file's. */
static void
test_allow_source_flags(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;
	char			 text[CONFIG_TEXT_MAX];

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	write_file(e.sys, "allow_sources = 192.168.0.0/16\n");
	CHECK_EQ_INT(t, STRICT(&e, &o, "--allow-source", "10.0.0.0/8",
	    "--allow-source=fd00::/8"), 0);
	CHECK(t, check_str(config_text(&o.cfg, CFG_ALLOW_SOURCES, text,
	    sizeof(text)), "10.0.0.0/8, fd00::/8"));
	CHECK(t, origin_is(&o.cfg, CFG_ALLOW_SOURCES, CONFIG_FLAG,
	    "flag --allow-source"));
	options_free(&o);
	CHECK_EQ_INT(t, STRICT(&e, &o, "--allow-source", "any",
	    "--allow-source", "10.0.0.0/8"), 0);
	CHECK(t, check_str(config_text(&o.cfg, CFG_ALLOW_SOURCES, text,
	    sizeof(text)), "any"));
	options_free(&o);
	env_close(&e);
}

/* The words after "--" are the command, as given. */
static void
test_command(struct check *t)
{
	struct env		 e;
	struct server_opts	 o;
	char			 line[64];

	if (env_open(&e) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	CHECK_EQ_INT(t, STRICT(&e, &o, "-v", "--", "/bin/echo", "-p", "hi"), 0);
	CHECK(t, !o.login_shell);
	CHECK(t, o.command != NULL && strcmp(o.command[0], "/bin/echo") == 0 &&
	    strcmp(o.command[1], "-p") == 0 && strcmp(o.command[2], "hi") == 0
	    && o.command[3] == NULL);
	CHECK(t, strcmp(o.command_path, "/bin/echo") == 0);
	CHECK(t, origin_is(&o.cfg, CFG_PORT_RANGE, CONFIG_DEFAULT, "default"));
	options_command_line(&o, line, sizeof(line));
	CHECK(t, check_str(line, "/bin/echo -p hi"));
	options_command_line(&o, line, 8);
	CHECK(t, strlen(line) < 8);
	options_free(&o);
	env_close(&e);
}

/* The user's file: $XDG_CONFIG_HOME if absolute, else ~/.config. */
static void
test_user_path(struct check *t)
{
	char	*p, *home = getenv("HOME"), *saved = NULL;

	if (home != NULL)
		saved = strdup(home);
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	p = config_user_path();
	CHECK(t, p != NULL && strcmp(p, "/x/cfg/tsmosh/tsmosh.conf") == 0);
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/someone", 1);
	p = config_user_path();
	CHECK(t, p != NULL &&
	    strcmp(p, "/home/someone/.config/tsmosh/tsmosh.conf") == 0);
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = config_user_path();
	CHECK(t, p != NULL &&
	    strcmp(p, "/home/someone/.config/tsmosh/tsmosh.conf") == 0);
	free(p);
	if (saved != NULL)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
}

/* The words that are neither options nor values, as attach finds its
 * ID among the words the mosh wrapper adds. */
static void
test_operands(struct check *t)
{
	char	*argv[] = { "new", "-c", "256", "-s", "-l", "LANG=C.UTF-8",
	    "-vv", "--iface", "lo", "--reattach", "42", "-@", "7", "x", "--",
	    "99", NULL };
	char	*out[4];

	CHECK_EQ_INT(t, options_operands(16, argv, out, 4), 3);
	CHECK(t, check_str(out[0], "new"));
	CHECK(t, check_str(out[1], "42"));
	CHECK(t, check_str(out[2], "x"));
	/* Only as many as out holds are kept. */
	CHECK_EQ_INT(t, options_operands(16, argv, out, 1), 1);
	CHECK(t, check_str(out[0], "new"));
	CHECK_EQ_INT(t, options_operands(0, argv, out, 4), 0);
}

CHECK_MAIN(
    CASE(test_operands),
    CASE(test_precedence), CASE(test_bad_file), CASE(test_env_lenient),
    CASE(test_env_strict), CASE(test_port_inside_env), CASE(test_i_number),
    CASE(test_s_flag), CASE(test_v_and_l), CASE(test_strict_refusals),
    CASE(test_lenient_new), CASE(test_allow_source_flags),
    CASE(test_command), CASE(test_user_path))

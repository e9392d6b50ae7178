#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <paths.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netbind/netbind.h"
#include "server/options.h"

#define ENV_IFACE	"MOSH_SERVER_NETWORK_TMPL"

void
options_usage(FILE *f)
{
	fprintf(f,
	    "usage: mosh-server new [-s] [-v] [-i LOCALADDR] "
	    "[-p PORT[:PORT2]] [-c COLORS]\n"
	    "                       [-l NAME=VALUE]... "
	    "[--idle-timeout SECONDS]\n"
	    "                       [--iface NAME|any] "
	    "[--allow-source CIDR|any]...\n"
	    "                       [--wait-iface SECONDS] "
	    "[-- COMMAND...]\n"
	    "       mosh-server config | doctor [options]\n"
	    "       mosh-server firewall ufw|ufw-app|firewalld|"
	    "firewalld-service|nftables|fail2ban\n"
	    "                            [options]\n"
	    "       mosh-server list [--json]\n"
	    "       mosh-server kill ID | all | --idle-over DURATION\n"
	    "       mosh-server attach [ID]\n"
	    "       mosh-server --help | --version\n"
	    "\n"
	    "  -s                bind to the local address of the SSH "
	    "connection\n"
	    "  -i LOCALADDR      bind to this address (-i SECONDS, a plain "
	    "number,\n"
	    "                    means --idle-timeout SECONDS)\n"
	    "  -p PORT[:PORT2]   UDP port or range (default %d:%d; "
	    "MOSH_UDP_PORT\n"
	    "                    restricts it)\n"
	    "  -c COLORS         colours of the client terminal (256: "
	    "TERM=xterm-256color)\n"
	    "  -l NAME=VALUE     locale variable from the client\n"
	    "  --idle-timeout S  end the session after S seconds without "
	    "user input\n"
	    "  --iface NAME      bind only the addresses of interface NAME; "
	    "-i and -s\n"
	    "                    must name one of them (default: $"
	    ENV_IFACE ",\n"
	    "                    else %s). 'any': any address, as mosh "
	    "does\n"
	    "  --allow-source CIDR  answer only sources inside CIDR "
	    "(repeatable; the\n"
	    "                    first replaces the default %s and\n"
	    "                    %s). 'any': every source\n"
	    "  --wait-iface S    wait up to S seconds for the interface "
	    "and an address\n"
	    "  --reattach        resume a detached session running the same "
	    "command\n"
	    "  --config FILE     read FILE instead of " CONFIG_SYSTEM_PATH "\n"
	    "  --log-stderr      events to stderr too\n"
	    "  -v                verbose: stay attached to the terminal\n"
	    "  --sandbox MODE    strict (default), log (the kernel logs "
	    "would-be\n"
	    "                    violations), off\n"
	    "\n"
	    "Environment: MOSH_SERVER_NETWORK_TMOUT, "
	    "MOSH_SERVER_SIGNAL_TMOUT (seconds),\n"
	    "MOSH_UDP_PORT=LOW:HIGH, " ENV_IFACE "=INTERFACE.\n",
	    PORT_LOW_DEFAULT, PORT_HIGH_DEFAULT, NETBIND_DEFAULT_IFACE,
	    NETBIND_TAILNET_V4, NETBIND_TAILNET_V6);
}

const char *
options_iface_from(enum iface_from f)
{
	switch (f) {
	case IFACE_FROM_FLAG:		return "--iface";
	case IFACE_FROM_ENV:		return ENV_IFACE;
	case IFACE_FROM_CONFIG:		return "the config file";
	case IFACE_FROM_DEFAULT:	return "the default";
	}
	return "?";
}

static int
parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_port(const char *s, int *out)
{
	long	 v;

	if (parse_long(s, 0, 65535, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

int
options_parse_ports(const char *s, int *low, int *high)
{
	char	 tmp[32], *colon;

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	if ((colon = strchr(tmp, ':')) == NULL) {
		if (parse_port(tmp, low) != 0)
			return -1;
		*high = *low;
		return 0;
	}
	*colon = '\0';
	if (parse_port(tmp, low) != 0 || parse_port(colon + 1, high) != 0 ||
	    *low > *high)
		return -1;
	return 0;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The local address sshd accepted us on: SSH_CONNECTION's third field. */
static char *
ssh_local_ip(void)
{
	const char	*sc = getenv("SSH_CONNECTION");
	char		 a[64], b[16], c[64], d[16];

	if (sc == NULL || sscanf(sc, "%63s %15s %63s %15s", a, b, c, d) != 4)
		return NULL;
	if (strncmp(c, "::ffff:", 7) == 0 && strchr(c + 7, '.') != NULL)
		return strdup(c + 7);
	return strdup(c);
}

static int
set_shell(struct server_opts *o)
{
	const char	*shell = getenv("SHELL"), *base;
	struct passwd	*pw;
	char		*name;

	if (shell == NULL) {
		if ((pw = getpwuid(getuid())) == NULL) {
			fprintf(stderr, "mosh-server: no passwd entry for "
			    "uid %u\n", (unsigned)getuid());
			return -1;
		}
		shell = pw->pw_shell;
	}
	if (shell == NULL || *shell == '\0')
		shell = _PATH_BSHELL;
	base = strrchr(shell, '/');
	base = base != NULL ? base + 1 : shell;
	/* A leading '-' in argv[0] makes it a login shell. */
	if (asprintf(&name, "-%s", base) < 0)
		return -1;
	o->command = calloc(2, sizeof(char *));
	o->command_path = strdup(shell);
	if (o->command == NULL || o->command_path == NULL) {
		free(name);
		return -1;
	}
	o->command[0] = name;
	o->login_shell = true;
	return 0;
}

/* Where a setting came from, for messages about the interface. */
static enum iface_from
iface_from_origin(const char *origin)
{
	if (strncmp(origin, "flag", 4) == 0)
		return IFACE_FROM_FLAG;
	if (strncmp(origin, "env", 3) == 0)
		return IFACE_FROM_ENV;
	if (strcmp(origin, "default") == 0)
		return IFACE_FROM_DEFAULT;
	return IFACE_FROM_CONFIG;
}

/* Set a config value from the command line or the environment, printing
 * the reason on failure. */
static int
opt_set(struct server_opts *o, enum config_key k, const char *val,
    const char *origin)
{
	char	 err[512];

	if (config_set(&o->cfg, k, val, origin, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "mosh-server: %s\n", err);
	return -1;
}

/* mosh's rule for its timeout variables: invalid or negative values are
 * ignored with a message; "0" means never. */
static int
env_timeout(struct server_opts *o, const char *name, enum config_key k)
{
	const char	*v = getenv(name);
	char		 origin[64];
	long		 n;

	if (v == NULL || *v == '\0')
		return 0;
	if (parse_long(v, LONG_MIN, LONG_MAX / 1000, &n) != 0) {
		fprintf(stderr, "%s not a valid integer, ignoring\n", name);
		return 0;
	}
	if (n < 0) {
		fprintf(stderr, "%s is negative, ignoring\n", name);
		return 0;
	}
	snprintf(origin, sizeof(origin), "env %s", name);
	return opt_set(o, k, v, origin);
}

static int
env_layer(struct server_opts *o)
{
	const char	*v;

	if ((v = getenv(ENV_IFACE)) != NULL && *v != '\0' &&
	    opt_set(o, CFG_INTERFACE, v, "env " ENV_IFACE) != 0)
		return -1;
	if ((v = getenv("MOSH_UDP_PORT")) != NULL && *v != '\0' &&
	    opt_set(o, CFG_PORT_RANGE, v, "env MOSH_UDP_PORT") != 0)
		return -1;
	if (env_timeout(o, "MOSH_SERVER_NETWORK_TMOUT", CFG_NETWORK_TIMEOUT) != 0 ||
	    env_timeout(o, "MOSH_SERVER_SIGNAL_TMOUT", CFG_SIGNAL_TIMEOUT) != 0)
		return -1;
	return 0;
}

/* -p must stay inside a MOSH_UDP_PORT an admin set. */
static int
restrict_ports(struct server_opts *o, const char *flag_ports)
{
	const char	*env = getenv("MOSH_UDP_PORT");
	int		 lo, hi;

	if (flag_ports == NULL || env == NULL || *env == '\0')
		return 0;
	if (options_parse_ports(env, &lo, &hi) != 0)
		return -1;
	if (o->port_low < lo || o->port_high > hi) {
		fprintf(stderr, "mosh-server: -p %d:%d is outside "
		    "MOSH_UDP_PORT=%s\n", o->port_low, o->port_high, env);
		return -1;
	}
	return 0;
}

/* The typed fields, from the layered settings. */
static int
derive(struct server_opts *o)
{
	const char	*sources = config_get(&o->cfg, CFG_ALLOW_SOURCES);
	char		 tmp[1024], *p, *tok, *save;

	if ((o->iface = strdup(config_get(&o->cfg, CFG_INTERFACE))) == NULL)
		return -1;
	o->iface_from = iface_from_origin(config_origin(&o->cfg,
	    CFG_INTERFACE));
	o->nallow = 0;
	o->allow_any = strcmp(sources, NETBIND_ANY) == 0;
	if (!o->allow_any) {
		snprintf(tmp, sizeof(tmp), "%s", sources);
		for (p = tmp; (tok = strtok_r(p, ", \t", &save)) != NULL &&
		    o->nallow < OPT_ALLOW_MAX; p = NULL)
			if (cidr_parse(tok, &o->allow[o->nallow]) == 0)
				o->nallow++;
	}
	(void)options_parse_ports(config_get(&o->cfg, CFG_PORT_RANGE),
	    &o->port_low, &o->port_high);
	o->idle_timeout = config_seconds(&o->cfg, CFG_IDLE_TIMEOUT);
	o->network_timeout = config_seconds(&o->cfg, CFG_NETWORK_TIMEOUT);
	o->signal_timeout = config_seconds(&o->cfg, CFG_SIGNAL_TIMEOUT);
	o->wait_iface = config_seconds(&o->cfg, CFG_WAIT_IFACE);
	if (o->wait_iface > OPT_WAIT_IFACE_MAX) {
		fprintf(stderr, "mosh-server: %s: wait_iface: at most %d "
		    "seconds\n", config_origin(&o->cfg, CFG_WAIT_IFACE),
		    OPT_WAIT_IFACE_MAX);
		return -1;
	}
	return 0;
}

/*
 * The command line is read as mosh-server's getopt("@:i:p:c:svl:") reads
 * it, so every spelling mosh's users and scripts write means the same:
 * grouped flags (-vv, -sv), values attached (-c256, -p60001) or in the
 * next word, options after stray words (which are ignored), and an
 * unknown option or a missing value is reported and skipped, not fatal.
 * Our long options take "--name VALUE" or "--name=VALUE". A value that
 * is wrong (a bad port, a bad colour count) is still an error.
 */
struct opt_scan {
	struct server_opts	*o;
	bool			 early;	/* the --config pass: nothing else */
	bool			 allow_flag;	/* an --allow-source was seen */
	const char		*flag_ports;	/* -p's value, for MOSH_UDP_PORT */
	int			 nwarn;	/* options reported and skipped */
	bool			 strict;	/* our own subcommands: an error */
};

struct opt_def {
	char		  sname;	/* short name, or 0 */
	const char	 *lname;	/* long name (without --), or NULL */
	bool		  has_val;
	bool		  early;	/* applied before the config is read */
	int		(*fn)(struct opt_scan *, const char *);
};

/* -@ ARG: mosh's, discards its argument ("-@ new" for scripts). */
static int
opt_discard(struct opt_scan *s, const char *v)
{
	(void)s; (void)v;
	return 0;
}

/* -s: the address sshd accepted us on (none: any address, as mosh). */
static int
opt_ssh_ip(struct opt_scan *s, const char *v)
{
	(void)v;
	free(s->o->bind_ip);
	s->o->bind_ip = NULL;
	s->o->ip_from_ssh = true;
	return 0;
}

static int
opt_verbose(struct opt_scan *s, const char *v)
{
	(void)v;
	s->o->verbose++;
	return 0;
}

static int
opt_log_stderr(struct opt_scan *s, const char *v)
{
	(void)v;
	s->o->log_stderr = true;
	return 0;
}

static int
opt_reattach(struct opt_scan *s, const char *v)
{
	(void)v;
	return opt_set(s->o, CFG_REATTACH, "yes", "flag --reattach");
}

/* --config FILE: found in the early pass, before the layers are read. */
static int
opt_config(struct opt_scan *s, const char *v)
{
	free(s->o->config_path);
	if ((s->o->config_path = strdup(v)) == NULL)
		return -1;
	return 0;
}

/* Seconds of no user input, from --idle-timeout or a numeric -i. */
static int
opt_idle(struct opt_scan *s, const char *v, const char *origin)
{
	long	 n;

	if (config_parse_seconds(v, &n) != 0) {
		fprintf(stderr, "mosh-server: bad idle timeout '%s' "
		    "(seconds)\n", v);
		return -1;
	}
	return opt_set(s->o, CFG_IDLE_TIMEOUT, v, origin);
}

static int
opt_idle_long(struct opt_scan *s, const char *v)
{
	return opt_idle(s, v, "flag --idle-timeout");
}

/* -i LOCALADDR, or -i SECONDS (a plain number): the idle timeout. */
static int
opt_addr(struct opt_scan *s, const char *v)
{
	if (all_digits(v))
		return opt_idle(s, v, "flag -i");
	free(s->o->bind_ip);
	if ((s->o->bind_ip = strdup(v)) == NULL)
		return -1;
	s->o->ip_from_ssh = false;	/* the later one wins */
	return 0;
}

static int
opt_ports(struct opt_scan *s, const char *v)
{
	int	 lo, hi;

	if (options_parse_ports(v, &lo, &hi) != 0) {
		fprintf(stderr, "mosh-server: bad UDP port range '%s'\n", v);
		return -1;
	}
	if (opt_set(s->o, CFG_PORT_RANGE, v, "flag -p") != 0)
		return -1;
	s->flag_ports = v;
	return 0;
}

/*
 * -c COLORS: any integer, as mosh reads it (strtol: leading blanks, a
 * sign; even an empty word is 0). Only 256 changes anything (TERM), so
 * a count beyond int is kept as one that is not 256.
 */
static int
opt_colors(struct opt_scan *s, const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0') {
		fprintf(stderr, "mosh-server: bad number of colors '%s'\n", v);
		return -1;
	}
	s->o->colors = n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : (int)n;
	return 0;
}

/* -l NAME=VALUE: a locale variable from the client. */
static int
opt_locale(struct opt_scan *s, const char *v)
{
	struct server_opts	*o = s->o;

	if (strchr(v, '=') == NULL || o->nlocale == OPT_LOCALE_MAX) {
		fprintf(stderr, "mosh-server: bad -l '%s' (NAME=VALUE)\n", v);
		return -1;
	}
	if ((o->locale_vars[o->nlocale] = strdup(v)) == NULL)
		return -1;
	o->nlocale++;
	return 0;
}

static int
opt_iface(struct opt_scan *s, const char *v)
{
	return opt_set(s->o, CFG_INTERFACE, v, "flag --iface");
}

static int
opt_sandbox(struct opt_scan *s, const char *v)
{
	return opt_set(s->o, CFG_SANDBOX, v, "flag --sandbox");
}

/* --allow-source: the first replaces the configured list, later ones add
 * to it; "any" anywhere means every source. */
static int
opt_allow(struct opt_scan *s, const char *v)
{
	const char	*cur = config_get(&s->o->cfg, CFG_ALLOW_SOURCES);
	char		 joined[1024];

	if (s->allow_flag && strcmp(cur, NETBIND_ANY) == 0)
		return 0;	/* any stays any */
	if (s->allow_flag && strcmp(v, NETBIND_ANY) != 0) {
		snprintf(joined, sizeof(joined), "%s, %s", cur, v);
		v = joined;
	}
	if (opt_set(s->o, CFG_ALLOW_SOURCES, v, "flag --allow-source") != 0)
		return -1;
	s->allow_flag = true;
	return 0;
}

static int
opt_wait_iface(struct opt_scan *s, const char *v)
{
	if (!all_digits(v)) {
		fprintf(stderr, "mosh-server: bad --wait-iface '%s' (seconds, "
		    "up to %d)\n", v, OPT_WAIT_IFACE_MAX);
		return -1;
	}
	return opt_set(s->o, CFG_WAIT_IFACE, v, "flag --wait-iface");
}

static const struct opt_def opt_table[] = {
	{ '@', NULL,		true,	false,	opt_discard },
	{ 'i', NULL,		true,	false,	opt_addr },
	{ 'p', NULL,		true,	false,	opt_ports },
	{ 'c', NULL,		true,	false,	opt_colors },
	{ 's', NULL,		false,	false,	opt_ssh_ip },
	{ 'v', NULL,		false,	false,	opt_verbose },
	{ 'l', NULL,		true,	false,	opt_locale },
	{ 0, "idle-timeout",	true,	false,	opt_idle_long },
	{ 0, "iface",		true,	false,	opt_iface },
	{ 0, "allow-source",	true,	false,	opt_allow },
	{ 0, "wait-iface",	true,	false,	opt_wait_iface },
	{ 0, "sandbox",		true,	false,	opt_sandbox },
	{ 0, "config",		true,	true,	opt_config },
	{ 0, "reattach",	false,	false,	opt_reattach },
	{ 0, "log-stderr",	false,	false,	opt_log_stderr },
};

/* The entry for -C (name NULL) or --NAME (its first len bytes). */
static const struct opt_def *
opt_find(char c, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(opt_table) / sizeof(opt_table[0]); i++) {
		const struct opt_def *d = &opt_table[i];

		if (name == NULL ? d->sname == c && c != 0 :
		    d->lname != NULL && strlen(d->lname) == len &&
		    strncmp(d->lname, name, len) == 0)
			return d;
	}
	return NULL;
}

/* mosh's getopt says so and goes on; so do we (in the main pass). */
static void
opt_warn(struct opt_scan *s, const char *what, const char *arg, int c)
{
	if (s->early)
		return;
	if (c != 0)
		fprintf(stderr, "mosh-server: %s '-%c'%s\n", what, c,
		    s->strict ? "" : " (ignored)");
	else
		fprintf(stderr, "mosh-server: %s '%s'%s\n", what, arg,
		    s->strict ? "" : " (ignored)");
	s->nwarn++;
}

/* Apply one option: in the early pass only the early ones. */
static int
opt_apply(struct opt_scan *s, const struct opt_def *d, const char *v)
{
	if (d->early != s->early)
		return 0;
	return d->fn(s, v);
}

/* The words from "--" on: the command to run instead of a login shell. */
static int
opt_command(struct server_opts *o, int argc, char **argv)
{
	int	 j;

	if (argc == 0)
		return 0;
	if ((o->command = calloc((size_t)argc + 1, sizeof(char *))) == NULL)
		return -1;
	for (j = 0; j < argc; j++)
		if ((o->command[j] = strdup(argv[j])) == NULL)
			return -1;
	if ((o->command_path = strdup(argv[0])) == NULL)
		return -1;
	return 0;
}

/* One --NAME[=VALUE] word at argv[*i]; the value may be the next word. */
static int
opt_long(struct opt_scan *s, int argc, char **argv, int *i)
{
	const char		*a = argv[*i], *name = a + 2, *eq;
	const struct opt_def	*d;
	size_t			 len;

	eq = strchr(name, '=');
	len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	if ((d = opt_find(0, name, len)) == NULL) {
		opt_warn(s, "unknown option", a, 0);
		return 0;
	}
	if (!d->has_val) {
		if (eq != NULL) {
			opt_warn(s, "no value allowed for", a, 0);
			return 0;
		}
		return opt_apply(s, d, NULL);
	}
	if (eq != NULL)
		return opt_apply(s, d, eq + 1);
	if (*i + 1 >= argc) {
		opt_warn(s, "a value is needed for", a, 0);
		return 0;
	}
	(*i)++;
	return opt_apply(s, d, argv[*i]);
}

/* One -abc word at argv[*i]: flags, then at most one option whose value
 * is the rest of the word or the next word. */
static int
opt_short(struct opt_scan *s, int argc, char **argv, int *i)
{
	const struct opt_def	*d;
	const char		*p;

	for (p = argv[*i] + 1; *p != '\0'; p++) {
		if ((d = opt_find(*p, NULL, 0)) == NULL) {
			opt_warn(s, "unknown option", NULL, *p);
			continue;
		}
		if (!d->has_val) {
			if (opt_apply(s, d, NULL) != 0)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return opt_apply(s, d, p + 1);
		if (*i + 1 >= argc) {
			opt_warn(s, "a value is needed for", NULL, *p);
			return 0;
		}
		(*i)++;
		return opt_apply(s, d, argv[*i]);
	}
	return 0;
}

/*
 * One pass over the words: the early one (--config) or the main one.
 * As in mosh, "--" is found first: what follows is the command, so an
 * option left without its value at the end never takes the "--".
 */
static int
opt_scan(struct opt_scan *s, int argc, char **argv)
{
	int	 i, nopts;

	for (nopts = 0; nopts < argc && strcmp(argv[nopts], "--") != 0;
	    nopts++)
		;
	for (i = 0; i < nopts; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0') {
			/* "new" is the command word when ours come first
			 * (mosh --server='mosh-server --iface X'); mosh
			 * ignores any other stray word, and so do we. */
			if (strcmp(a, "new") != 0)
				opt_warn(s, "stray argument", a, 0);
			continue;
		}
		if ((a[1] == '-' ? opt_long(s, nopts, argv, &i) :
		    opt_short(s, nopts, argv, &i)) != 0)
			return -1;
	}
	if (s->early || nopts + 1 >= argc)
		return 0;
	return opt_command(s->o, argc - nopts - 1, argv + nopts + 1);
}

static int
load_layers(struct server_opts *o)
{
	const char	*sys = o->config_path;
	char		*user = config_user_path();
	char		 err[1024];
	int		 rc;

	rc = config_load(&o->cfg, sys != NULL ? sys : CONFIG_SYSTEM_PATH,
	    user, err, sizeof(err));
	free(user);
	if (rc != 0) {
		fprintf(stderr, "mosh-server: %s\n", err);
		return -1;
	}
	return env_layer(o);
}

/* Both passes; `strict` refuses what mosh's getopt would skip. */
static int
options_scan_all(struct server_opts *o, int argc, char **argv, bool strict)
{
	struct opt_scan	 s;

	memset(o, 0, sizeof(*o));
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.strict = strict;
	s.early = true;
	if (opt_scan(&s, argc, argv) != 0 || load_layers(o) != 0)
		return -1;
	s.early = false;
	if (opt_scan(&s, argc, argv) != 0)
		return -1;
	if (s.nwarn > 0 && strict)
		return -1;
	if (s.nwarn > 0)
		options_usage(stderr);
	if (o->ip_from_ssh) {
		char *ip = ssh_local_ip();

		/* Without SSH_CONNECTION, mosh binds any address. */
		if (ip != NULL) {
			free(o->bind_ip);
			o->bind_ip = ip;
		}
	}
	if (derive(o) != 0 || restrict_ports(o, s.flag_ports) != 0)
		return -1;
	if (o->command == NULL && set_shell(o) != 0)
		return -1;
	return 0;
}

int
options_parse(struct server_opts *o, int argc, char **argv)
{
	return options_scan_all(o, argc, argv, false);
}

int
options_parse_strict(struct server_opts *o, int argc, char **argv)
{
	return options_scan_all(o, argc, argv, true);
}

void
options_free(struct server_opts *o)
{
	size_t	 i;

	free(o->bind_ip);
	free(o->iface);
	for (i = 0; i < o->nlocale; i++)
		free(o->locale_vars[i]);
	for (i = 0; o->command != NULL && o->command[i] != NULL; i++)
		free(o->command[i]);
	free(o->command);
	free(o->command_path);
	free(o->config_path);
	config_free(&o->cfg);
	memset(o, 0, sizeof(*o));
}

void
options_command_line(const struct server_opts *o, char *buf, size_t len)
{
	size_t	 i, n = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; o->command[i] != NULL && n + 2 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
		    o->command[i]);
}

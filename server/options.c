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

/* --config FILE names the system file; it must be known before the
 * layers are read, so it is found first. */
static const char *
find_config_flag(int argc, char **argv)
{
	int	 i;

	for (i = 0; i + 1 < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--config") == 0)
			return argv[i + 1];
	return NULL;
}

static int
load_layers(struct server_opts *o, int argc, char **argv)
{
	const char	*sys = find_config_flag(argc, argv);
	char		*user = config_user_path();
	char		 err[1024];
	int		 rc;

	if (sys != NULL && (o->config_path = strdup(sys)) == NULL) {
		free(user);
		return -1;
	}
	rc = config_load(&o->cfg, sys != NULL ? sys : CONFIG_SYSTEM_PATH,
	    user, err, sizeof(err));
	free(user);
	if (rc != 0) {
		fprintf(stderr, "mosh-server: %s\n", err);
		return -1;
	}
	return env_layer(o);
}

int
options_parse(struct server_opts *o, int argc, char **argv)
{
	int		 i, j;
	bool		 seen_new = false, allow_flag = false;
	const char	*flag_ports = NULL;
	char		 joined[1024];

	memset(o, 0, sizeof(*o));
	if (load_layers(o, argc, argv) != 0)
		return -1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc) {
				o->command = calloc((size_t)(argc - i), sizeof(char *));
				if (o->command == NULL)
					return -1;
				for (j = i + 1; j < argc; j++)
					o->command[j - i - 1] = strdup(argv[j]);
				o->command_path = strdup(argv[i + 1]);
			}
			break;
		}
		/* mosh --server='mosh-server --iface X' puts ours before
		 * "new": it is the command word, once, not an argument. */
		if (strcmp(a, "new") == 0 && !seen_new) {
			seen_new = true;
			continue;
		}
		if (strcmp(a, "-s") == 0) {
			o->ip_from_ssh = true;
			continue;
		}
		if (strcmp(a, "-v") == 0) {
			o->verbose++;
			continue;
		}
		if (strcmp(a, "--log-stderr") == 0) {
			o->log_stderr = true;
			continue;
		}
		if (strcmp(a, "--reattach") == 0) {
			if (opt_set(o, CFG_REATTACH, "yes", "flag --reattach") != 0)
				return -1;
			continue;
		}
		if (strcmp(a, "-i") == 0 || strcmp(a, "-p") == 0 ||
		    strcmp(a, "-c") == 0 || strcmp(a, "-l") == 0 ||
		    strcmp(a, "-@") == 0 || strcmp(a, "--idle-timeout") == 0 ||
		    strcmp(a, "--iface") == 0 ||
		    strcmp(a, "--allow-source") == 0 ||
		    strcmp(a, "--wait-iface") == 0 ||
		    strcmp(a, "--sandbox") == 0 ||
		    strcmp(a, "--config") == 0) {
			if (val == NULL) {
				fprintf(stderr, "mosh-server: %s needs a "
				    "value\n", a);
				return -1;
			}
			i++;
		} else {
			fprintf(stderr, "mosh-server: unknown option '%s'\n", a);
			return -1;
		}
		if (strcmp(a, "-@") == 0 || strcmp(a, "--config") == 0)
			continue;	/* -@: mosh's, eats its argument */
		if (strcmp(a, "--iface") == 0) {
			if (opt_set(o, CFG_INTERFACE, val, "flag --iface") != 0)
				return -1;
		} else if (strcmp(a, "--sandbox") == 0) {
			if (opt_set(o, CFG_SANDBOX, val, "flag --sandbox") != 0)
				return -1;
		} else if (strcmp(a, "--allow-source") == 0) {
			/* The first replaces the configured list. */
			if (allow_flag && strcmp(val, NETBIND_ANY) != 0 &&
			    strcmp(config_get(&o->cfg, CFG_ALLOW_SOURCES),
			    NETBIND_ANY) != 0) {
				snprintf(joined, sizeof(joined), "%s, %s",
				    config_get(&o->cfg, CFG_ALLOW_SOURCES), val);
				val = joined;
			}
			if (strcmp(config_get(&o->cfg, CFG_ALLOW_SOURCES),
			    NETBIND_ANY) == 0 && allow_flag)
				continue;	/* any stays any */
			if (opt_set(o, CFG_ALLOW_SOURCES, val,
			    "flag --allow-source") != 0)
				return -1;
			allow_flag = true;
		} else if (strcmp(a, "--wait-iface") == 0) {
			if (!all_digits(val)) {
				fprintf(stderr, "mosh-server: bad --wait-iface "
				    "'%s' (seconds, up to %d)\n", val,
				    OPT_WAIT_IFACE_MAX);
				return -1;
			}
			if (opt_set(o, CFG_WAIT_IFACE, val,
			    "flag --wait-iface") != 0)
				return -1;
		} else if (strcmp(a, "--idle-timeout") == 0 ||
		    (a[1] == 'i' && all_digits(val))) {
			long	 n;

			if (config_parse_seconds(val, &n) != 0) {
				fprintf(stderr, "mosh-server: bad idle timeout "
				    "'%s' (seconds)\n", val);
				return -1;
			}
			if (opt_set(o, CFG_IDLE_TIMEOUT, val, strcmp(a, "-i") == 0 ?
			    "flag -i" : "flag --idle-timeout") != 0)
				return -1;
		} else if (a[1] == 'i') {
			free(o->bind_ip);
			o->bind_ip = strdup(val);
			o->ip_from_ssh = false;	/* the later one wins */
		} else if (a[1] == 'p') {
			int	 lo, hi;

			if (options_parse_ports(val, &lo, &hi) != 0) {
				fprintf(stderr, "mosh-server: bad UDP port "
				    "range '%s'\n", val);
				return -1;
			}
			if (opt_set(o, CFG_PORT_RANGE, val, "flag -p") != 0)
				return -1;
			flag_ports = val;
		} else if (a[1] == 'c') {
			long	 n;

			if (parse_long(val, 0, 1 << 24, &n) != 0) {
				fprintf(stderr, "mosh-server: bad number of "
				    "colors '%s'\n", val);
				return -1;
			}
			o->colors = (int)n;
		} else if (a[1] == 'l') {
			if (strchr(val, '=') == NULL ||
			    o->nlocale == OPT_LOCALE_MAX) {
				fprintf(stderr, "mosh-server: bad -l '%s' "
				    "(NAME=VALUE)\n", val);
				return -1;
			}
			o->locale_vars[o->nlocale++] = strdup(val);
		}
	}
	if (o->ip_from_ssh) {
		char *ip = ssh_local_ip();

		/* Without SSH_CONNECTION, mosh binds any address. */
		if (ip != NULL) {
			free(o->bind_ip);
			o->bind_ip = ip;
		}
	}
	if (derive(o) != 0 || restrict_ports(o, flag_ports) != 0)
		return -1;
	if (o->command == NULL && set_shell(o) != 0)
		return -1;
	return 0;
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

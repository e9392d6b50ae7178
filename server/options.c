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
	    "  -v                verbose: stay attached to the terminal\n"
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

/* mosh's rule: invalid or negative values are ignored with a message. */
static long
env_seconds(const char *name)
{
	const char	*v = getenv(name);
	long		 n;

	if (v == NULL || *v == '\0')
		return 0;
	if (parse_long(v, LONG_MIN, LONG_MAX, &n) != 0) {
		fprintf(stderr, "%s not a valid integer, ignoring\n", name);
		return 0;
	}
	if (n < 0) {
		fprintf(stderr, "%s is negative, ignoring\n", name);
		return 0;
	}
	return n;
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

static int
restrict_ports(struct server_opts *o)
{
	const char	*env = getenv("MOSH_UDP_PORT");
	int		 lo, hi;

	if (env == NULL || *env == '\0')
		return 0;
	if (options_parse_ports(env, &lo, &hi) != 0) {
		fprintf(stderr, "mosh-server: MOSH_UDP_PORT=%s: want "
		    "LOW:HIGH\n", env);
		return -1;
	}
	if (!o->port_given) {
		o->port_low = lo;
		o->port_high = hi;
		return 0;
	}
	if (o->port_low < lo || o->port_high > hi) {
		fprintf(stderr, "mosh-server: -p %d:%d is outside "
		    "MOSH_UDP_PORT=%s\n", o->port_low, o->port_high, env);
		return -1;
	}
	return 0;
}

/*
 * The interface, by precedence: --iface, then the environment users put
 * in their profile, then the config file, then tailscale0.
 */
static int
choose_iface(struct server_opts *o)
{
	const char	*env = getenv(ENV_IFACE);

	if (o->iface == NULL && env != NULL && *env != '\0') {
		if ((o->iface = strdup(env)) == NULL)
			return -1;
		o->iface_from = IFACE_FROM_ENV;
	}
	/* Config file hook (a later issue): its iface= goes here, as
	 * IFACE_FROM_CONFIG, below the environment. */
	if (o->iface == NULL) {
		if ((o->iface = strdup(NETBIND_DEFAULT_IFACE)) == NULL)
			return -1;
		o->iface_from = IFACE_FROM_DEFAULT;
	}
	if (strcmp(o->iface, NETBIND_ANY) != 0 &&
	    !netbind_valid_name(o->iface)) {
		fprintf(stderr, "mosh-server: %s: '%s' is not an interface "
		    "name\n", options_iface_from(o->iface_from), o->iface);
		return -1;
	}
	return 0;
}

/* The first --allow-source replaces the defaults; "any" turns it off. */
static int
add_allow(struct server_opts *o, const char *val)
{
	if (strcmp(val, NETBIND_ANY) == 0) {
		o->allow_any = true;
		return 0;
	}
	if (o->nallow == OPT_ALLOW_MAX) {
		fprintf(stderr, "mosh-server: more than %d --allow-source\n",
		    OPT_ALLOW_MAX);
		return -1;
	}
	if (cidr_parse(val, &o->allow[o->nallow]) != 0) {
		fprintf(stderr, "mosh-server: bad --allow-source '%s' (want "
		    "ADDR/LEN with the host bits zero, e.g. %s, or any)\n",
		    val, NETBIND_TAILNET_V4);
		return -1;
	}
	o->nallow++;
	return 0;
}

static void
default_allow(struct server_opts *o)
{
	/* Config file hook (a later issue): its allow-source entries go
	 * in before this, and replace the defaults as --allow-source does. */
	if (o->nallow > 0 || o->allow_any)
		return;
	/* Constants: they parse. */
	(void)cidr_parse(NETBIND_TAILNET_V4, &o->allow[o->nallow++]);
	(void)cidr_parse(NETBIND_TAILNET_V6, &o->allow[o->nallow++]);
}

int
options_parse(struct server_opts *o, int argc, char **argv)
{
	int	 i, j;
	long	 n;
	bool	 seen_new = false;

	memset(o, 0, sizeof(*o));
	o->port_low = PORT_LOW_DEFAULT;
	o->port_high = PORT_HIGH_DEFAULT;
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
		if (strcmp(a, "-i") == 0 || strcmp(a, "-p") == 0 ||
		    strcmp(a, "-c") == 0 || strcmp(a, "-l") == 0 ||
		    strcmp(a, "-@") == 0 || strcmp(a, "--idle-timeout") == 0 ||
		    strcmp(a, "--iface") == 0 ||
		    strcmp(a, "--allow-source") == 0 ||
		    strcmp(a, "--wait-iface") == 0) {
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
		if (strcmp(a, "-@") == 0)
			continue;	/* mosh's: eats its argument */
		if (strcmp(a, "--iface") == 0) {
			free(o->iface);
			if ((o->iface = strdup(val)) == NULL)
				return -1;
			o->iface_from = IFACE_FROM_FLAG;
		} else if (strcmp(a, "--allow-source") == 0) {
			if (add_allow(o, val) != 0)
				return -1;
		} else if (strcmp(a, "--wait-iface") == 0) {
			if (parse_long(val, 0, OPT_WAIT_IFACE_MAX, &n) != 0) {
				fprintf(stderr, "mosh-server: bad --wait-iface "
				    "'%s' (seconds, up to %d)\n", val,
				    OPT_WAIT_IFACE_MAX);
				return -1;
			}
			o->wait_iface = n;
		} else if (strcmp(a, "--idle-timeout") == 0 ||
		    (a[1] == 'i' && all_digits(val))) {
			if (parse_long(val, 0, LONG_MAX / 1000, &n) != 0) {
				fprintf(stderr, "mosh-server: bad idle timeout "
				    "'%s' (seconds)\n", val);
				return -1;
			}
			o->idle_timeout = n;
		} else if (a[1] == 'i') {
			free(o->bind_ip);
			o->bind_ip = strdup(val);
			o->ip_from_ssh = false;	/* the later one wins */
		} else if (a[1] == 'p') {
			if (options_parse_ports(val, &o->port_low,
			    &o->port_high) != 0) {
				fprintf(stderr, "mosh-server: bad UDP port "
				    "range '%s'\n", val);
				return -1;
			}
			o->port_given = true;
		} else if (a[1] == 'c') {
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
	if (restrict_ports(o) != 0 || choose_iface(o) != 0)
		return -1;
	default_allow(o);
	o->network_timeout = env_seconds("MOSH_SERVER_NETWORK_TMOUT");
	o->signal_timeout = env_seconds("MOSH_SERVER_SIGNAL_TMOUT");
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
	memset(o, 0, sizeof(*o));
}

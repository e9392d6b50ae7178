#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <paths.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/options.h"

/*
 * The command line is read as mosh-server's getopt("@:i:p:c:svl:") reads
 * it, so every spelling mosh's users and scripts write means the same:
 * grouped flags (-vv, -sv), values attached (-c256, -p60001) or in the
 * next word, options after stray words (which are ignored), and an
 * unknown option or a missing value is reported and skipped, not fatal.
 * Our long options take "--name VALUE" or "--name=VALUE". A value that
 * is wrong (a bad port, a bad colour count) is still an error. Every
 * flag but mosh's -s and -@ is a setting's, from config.c's table.
 */
struct opt_scan {
	struct server_opts	*o;
	bool			 early;	/* the --config pass: nothing else */
	bool			 strict;	/* our own subcommands: an error */
	int			 nwarn;	/* options reported and skipped */
	struct config_ports	 env_ports;	/* MOSH_UDP_PORT, if set */
	bool			 env_ports_set;
	char			**operands;	/* options_operands: the words */
	size_t			 noperands, max;
};

/* What a flag word names: a setting, or one of mosh's two extras. */
struct opt_flag {
	enum config_id		 id;	/* CFG_NSETTINGS: an extra */
	char			 extra;	/* 's' or '@' */
	bool			 has_val;
};

#define OPT_S_HELP	"bind to the local address of the SSH connection"

void
options_help(FILE *f, bool roff)
{
	const struct config_def	*d;
	const char		*sep = "\nEnvironment: ";
	int			 id;

	/* mosh's -s is no setting's flag: it sets local_address. */
	if (roff)
		fprintf(f, ".TP\n\\fB\\-s\\fR\n%s\n", OPT_S_HELP);
	else
		fprintf(f, "  -s                %s\n", OPT_S_HELP);
	config_help(f, roff);
	if (roff)
		return;
	for (id = 0; id < CFG_NSETTINGS; id++) {
		if ((d = config_def((enum config_id)id))->env == NULL)
			continue;
		fprintf(f, "%s%s (%s)", sep, d->env, d->name);
		sep = ",\n  ";
	}
	fputs(".\n", f);
}

/* "usage: mosh-server new [-s] [-i LOCALADDR] ...": every flag, wrapped. */
void
options_usage(FILE *f)
{
	const struct config_def	*d;
	char			 w[64];
	int			 id, col;

	col = fprintf(f, "usage: mosh-server new [-s]");
	for (id = 0; id < CFG_NSETTINGS; id++) {
		if ((d = config_def((enum config_id)id))->flag == NULL)
			continue;
		snprintf(w, sizeof(w), " [%s%s%s]%s", d->flag, d->arg != NULL ?
		    " " : "", d->arg != NULL ? d->arg : "", d->list ? "..." : "");
		if (col + (int)strlen(w) > 78)
			col = fprintf(f, "\n                      ");
		col += fprintf(f, "%s", w);
	}
	fprintf(f, "%s[-- COMMAND...]\n\n", col > 62 ?
	    "\n                       " : " ");
	options_help(f, false);
}

/* The local address sshd accepted us on: SSH_CONNECTION's third field;
 * "" (any address, as mosh) without one. */
static void
ssh_local_ip(char *out, size_t len)
{
	const char	*sc = getenv("SSH_CONNECTION");
	char		 a[64], b[16], c[64], d[16];

	out[0] = '\0';
	if (sc == NULL || sscanf(sc, "%63s %15s %63s %15s", a, b, c, d) != 4)
		return;
	if (strncmp(c, "::ffff:", 7) == 0 && strchr(c + 7, '.') != NULL)
		snprintf(out, len, "%s", c + 7);
	else
		snprintf(out, len, "%s", c);
}

/* The user's login shell, as argv[0] "-NAME" makes it one. */
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

/* Set a setting from a flag or a variable, printing why it failed. */
static int
opt_set(struct opt_scan *s, enum config_id id, const char *v,
    enum config_layer layer, const char *name)
{
	const struct config_def	*d = config_def(id);
	char			 err[CONFIG_ORIGIN_MAX + 512];

	if (config_set(&s->o->cfg, id, v, layer, name, err, sizeof(err)) == 0)
		return 0;
	if (layer == CONFIG_FLAG && d->bad != NULL)
		fprintf(stderr, "mosh-server: bad %s '%s'%s\n", d->bad, v,
		    d->bad_hint != NULL ? d->bad_hint : "");
	else
		fprintf(stderr, "mosh-server: %s\n", err);
	return -1;
}

/* mosh's rule for its timeout variables: a value that is not a whole
 * number, or is negative, is skipped with a message. */
static bool
env_usable(const char *name, const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (isspace((unsigned char)*v) || errno != 0 || *end != '\0' ||
	    n > LONG_MAX / 1000) {
		fprintf(stderr, "%s not a valid integer, ignoring\n", name);
		return false;
	}
	if (n < 0) {
		fprintf(stderr, "%s is negative, ignoring\n", name);
		return false;
	}
	return true;
}

/* Every setting with a variable in the environment. */
static int
env_layer(struct opt_scan *s)
{
	const struct config_def	*d;
	const char		*v;
	int			 id;

	for (id = 0; id < CFG_NSETTINGS; id++) {
		d = config_def((enum config_id)id);
		if (d->env == NULL || (v = getenv(d->env)) == NULL ||
		    *v == '\0')
			continue;
		if (d->env_lenient && !env_usable(d->env, v))
			continue;
		if (opt_set(s, (enum config_id)id, v, CONFIG_ENV, d->env) != 0)
			return -1;
	}
	/* -p must stay inside a range an admin set. */
	s->env_ports = s->o->cfg.ports;
	s->env_ports_set = config_origin(&s->o->cfg, CFG_PORT_RANGE)->layer ==
	    CONFIG_ENV;
	return 0;
}

/* The system file (or --config's) and the user's. */
static int
file_layers(struct opt_scan *s)
{
	struct config	*c = &s->o->cfg;
	char		*user = config_user_path();
	char		 err[1024];
	int		 rc;

	rc = config_read(c, c->config_file[0] != '\0' ? c->config_file :
	    CONFIG_SYSTEM_PATH, err, sizeof(err));
	if (rc == 0 && user != NULL)
		rc = config_read(c, user, err, sizeof(err));
	free(user);
	if (rc != 0)
		fprintf(stderr, "mosh-server: %s\n", err);
	return rc;
}

/* The flag -C (name NULL) or --NAME (its first len bytes). */
static bool
opt_find(char c, const char *name, size_t len, struct opt_flag *out)
{
	const struct config_def	*d;
	int			 id;

	memset(out, 0, sizeof(*out));
	out->id = CFG_NSETTINGS;
	if (name == NULL && (c == 's' || c == '@')) {
		out->extra = c;
		out->has_val = c == '@';
		return true;
	}
	for (id = 0; id < CFG_NSETTINGS; id++) {
		d = config_def((enum config_id)id);
		if (d->flag == NULL || (name == NULL ? d->flag[1] != c ||
		    d->flag[2] != '\0' : d->flag[1] != '-' ||
		    strlen(d->flag + 2) != len ||
		    strncmp(d->flag + 2, name, len) != 0))
			continue;
		out->id = (enum config_id)id;
		out->has_val = d->fixed == NULL;
		return true;
	}
	return false;
}

/* mosh's getopt says so and goes on; so do we (in the main pass). */
static void
opt_warn(struct opt_scan *s, const char *what, const char *arg, int c)
{
	if (s->early || s->operands != NULL)
		return;
	if (c != 0)
		fprintf(stderr, "mosh-server: %s '-%c'%s\n", what, c,
		    s->strict ? "" : " (ignored)");
	else
		fprintf(stderr, "mosh-server: %s '%s'%s\n", what, arg,
		    s->strict ? "" : " (ignored)");
	s->nwarn++;
}

/* One flag with its value (NULL for one that takes none). */
static int
opt_apply(struct opt_scan *s, const struct opt_flag *f, const char *v)
{
	struct config		*c;
	const struct config_def	*d;
	char			 addr[64];
	enum config_id		 id = f->id;

	/* -@ is mosh's: it discards its value ("-@ new"). options_operands
	 * sets nothing (and has no server_opts). */
	if (f->extra == '@' || s->operands != NULL)
		return 0;
	c = &s->o->cfg;
	if (s->early != (f->extra == 0 && config_def(id)->early))
		return 0;
	if (f->extra == 's') {
		ssh_local_ip(addr, sizeof(addr));
		if (opt_set(s, CFG_LOCAL_ADDR, addr, CONFIG_FLAG, "-s") != 0)
			return -1;
		c->local_addr_from_ssh = true;
		return 0;
	}
	d = config_def(id);
	/* mosh's -i SECONDS, a plain number: the idle timeout. */
	if (id == CFG_LOCAL_ADDR && v[strspn(v, "0123456789")] == '\0' &&
	    *v != '\0')
		id = CFG_IDLE_TIMEOUT;
	if (opt_set(s, id, v != NULL ? v : d->fixed, CONFIG_FLAG, d->flag) != 0)
		return -1;
	if (id == CFG_LOCAL_ADDR)
		c->local_addr_from_ssh = false;	/* the later one wins */
	return 0;
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
	const char	*a = argv[*i], *name = a + 2, *eq;
	struct opt_flag	 f;
	size_t		 len;

	eq = strchr(name, '=');
	len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	if (!opt_find(0, name, len, &f)) {
		opt_warn(s, "unknown option", a, 0);
		return 0;
	}
	if (!f.has_val) {
		if (eq != NULL) {
			opt_warn(s, "no value allowed for", a, 0);
			return 0;
		}
		return opt_apply(s, &f, NULL);
	}
	if (eq != NULL)
		return opt_apply(s, &f, eq + 1);
	if (*i + 1 >= argc) {
		opt_warn(s, "a value is needed for", a, 0);
		return 0;
	}
	(*i)++;
	return opt_apply(s, &f, argv[*i]);
}

/* One -abc word at argv[*i]: flags, then at most one option whose value
 * is the rest of the word or the next word. */
static int
opt_short(struct opt_scan *s, int argc, char **argv, int *i)
{
	struct opt_flag	 f;
	const char	*p;

	for (p = argv[*i] + 1; *p != '\0'; p++) {
		if (!opt_find(*p, NULL, 0, &f)) {
			opt_warn(s, "unknown option", NULL, *p);
			continue;
		}
		if (!f.has_val) {
			if (opt_apply(s, &f, NULL) != 0)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return opt_apply(s, &f, p + 1);
		if (*i + 1 >= argc) {
			opt_warn(s, "a value is needed for", NULL, *p);
			return 0;
		}
		(*i)++;
		return opt_apply(s, &f, argv[*i]);
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
			if (s->operands != NULL && s->noperands < s->max)
				s->operands[s->noperands++] = argv[i];
			else if (strcmp(a, "new") != 0)
				opt_warn(s, "stray argument", a, 0);
			continue;
		}
		if ((a[1] == '-' ? opt_long(s, nopts, argv, &i) :
		    opt_short(s, nopts, argv, &i)) != 0)
			return -1;
	}
	if (s->early || s->operands != NULL || nopts + 1 >= argc)
		return 0;
	return opt_command(s->o, argc - nopts - 1, argv + nopts + 1);
}

/* A -p inside the MOSH_UDP_PORT an admin set, if both are given. */
static int
ports_allowed(const struct opt_scan *s)
{
	const struct config_ports *p = &s->o->cfg.ports;

	if (!s->env_ports_set || config_origin(&s->o->cfg,
	    CFG_PORT_RANGE)->layer != CONFIG_FLAG)
		return 0;
	if (p->low >= s->env_ports.low && p->high <= s->env_ports.high)
		return 0;
	fprintf(stderr, "mosh-server: -p %d:%d is outside MOSH_UDP_PORT=%s\n",
	    p->low, p->high, getenv("MOSH_UDP_PORT"));
	return -1;
}

/* The layers in order; `strict` refuses what mosh's getopt would skip. */
static int
options_scan_all(struct server_opts *o, int argc, char **argv, bool strict)
{
	struct opt_scan	 s = { .o = o, .strict = strict, .early = true };

	memset(o, 0, sizeof(*o));
	config_defaults(&o->cfg);
	if (opt_scan(&s, argc, argv) != 0 || file_layers(&s) != 0 ||
	    env_layer(&s) != 0)
		return -1;
	s.early = false;
	if (opt_scan(&s, argc, argv) != 0 || (strict && s.nwarn > 0))
		return -1;
	if (s.nwarn > 0)
		options_usage(stderr);
	if (ports_allowed(&s) != 0)
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

size_t
options_operands(int argc, char **argv, char **out, size_t max)
{
	struct opt_scan	 s = { .operands = out, .max = max };

	(void)opt_scan(&s, argc, argv);
	return s.noperands;
}

void
options_free(struct server_opts *o)
{
	size_t	 i;

	for (i = 0; o->command != NULL && o->command[i] != NULL; i++)
		free(o->command[i]);
	free(o->command);
	free(o->command_path);
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

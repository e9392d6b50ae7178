/*
 * mosh-client: a drop-in, wire-compatible mosh client.
 *
 *   MOSH_KEY=KEY mosh-client [-# 'ARGS'] [-v] HOST PORT  (getopt style)
 *   mosh-client -c        (colours of this terminal, for the wrapper)
 *
 * HOST is a numeric IPv4 or IPv6 address; the wrapper resolves names.
 */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <netdb.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/base.h"
#include "client/session.h"
#include "client/tty.h"

static void
usage(FILE *f)
{
	fputs("usage: MOSH_KEY=KEY mosh-client [-# 'ARGS'] [-v] HOST PORT\n"
	    "       mosh-client -c\n"
	    "       mosh-client --help | --version\n"
	    "\n"
	    "Environment: MOSH_KEY (required), MOSH_PREDICTION_DISPLAY="
	    "adaptive|always|never|experimental,\n"
	    "MOSH_PREDICTION_OVERWRITE=yes, MOSH_ESCAPE_KEY, "
	    "MOSH_TITLE_NOPREFIX, MOSH_NO_TERM_INIT,\n"
	    "MOSH_CLIENT_SANDBOX=strict|log|off (default strict).\n", f);
}

static int
predict_pref(const char *s, enum predict_pref *p)
{
	if (s == NULL || strcmp(s, "adaptive") == 0)
		*p = PREDICT_ADAPTIVE;
	else if (strcmp(s, "always") == 0)
		*p = PREDICT_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*p = PREDICT_NEVER;
	else if (strcmp(s, "experimental") == 0)
		*p = PREDICT_EXPERIMENTAL;
	else
		return -1;
	return 0;
}

/* mosh's escape key rules, including the keys it refuses. */
static void
escape_key(struct client_opts *o)
{
	const char	*env = getenv("MOSH_ESCAPE_KEY");
	int		 k = 0x1e;

	if (env != NULL && strlen(env) == 0) {
		o->escape_key = -1;
		return;
	}
	if (env != NULL && strlen(env) == 1 && env[0] > 0 && env[0] < 127)
		k = env[0];
	/* Too easy to shoot oneself in the foot: C-c, C-d, LF, C-l, CR. */
	if (k == 0x03 || k == 0x04 || k == 0x0a || k == 0x0c || k == 0x0d)
		k = 0x1e;
	o->escape_key = k;
	o->escape_pass_key = k < 32 ? k + '@' : k;
	o->escape_pass_key2 = o->escape_pass_key;
	if (o->escape_pass_key >= 'A' && o->escape_pass_key <= 'Z')
		o->escape_pass_key2 = o->escape_pass_key + 'a' - 'A';
	o->escape_requires_lf = k >= 32;
}

/*
 * The command line as mosh-client's getopt("#:cv") reads it: grouped
 * flags (-vc), -# with its value attached or in the next word, options
 * before, between or after HOST and PORT, "--" ending them. Anything
 * else it does not know is a usage error (exit 1), as in mosh.
 */
struct cli_args {
	const char	*operand[2];	/* HOST PORT */
	int		 noperand;
	int		 verbose;	/* accepted; nothing more to say */
	bool		 colors;	/* -c: print the colour count */
};

struct cli_def {
	char	  name;
	bool	  has_val;
	void	(*fn)(struct cli_args *, const char *);
};

/* -# ARGS: the wrapper's command line, for ps; informational only. */
static void
cli_wrapper_args(struct cli_args *a, const char *v)
{
	(void)a; (void)v;
}

static void
cli_colors(struct cli_args *a, const char *v)
{
	(void)v;
	a->colors = true;
}

static void
cli_verbose(struct cli_args *a, const char *v)
{
	(void)v;
	a->verbose++;
}

static const struct cli_def cli_table[] = {
	{ '#', true,	cli_wrapper_args },
	{ 'c', false,	cli_colors },
	{ 'v', false,	cli_verbose },
};

static const struct cli_def *
cli_find(char c)
{
	size_t	 i;

	for (i = 0; i < sizeof(cli_table) / sizeof(cli_table[0]); i++)
		if (cli_table[i].name == c)
			return &cli_table[i];
	return NULL;
}

/* One -abc word at argv[*i]; -c stops the scan (it is answered at
 * once, as in mosh). 0, or -1 after a message for a usage error. */
static int
cli_short(struct cli_args *a, int argc, char **argv, int *i)
{
	const struct cli_def	*d;
	const char		*p;

	for (p = argv[*i] + 1; *p != '\0' && !a->colors; p++) {
		if ((d = cli_find(*p)) == NULL) {
			fprintf(stderr, "mosh-client: unknown option '-%c'\n",
			    *p);
			return -1;
		}
		if (!d->has_val) {
			d->fn(a, NULL);
			continue;
		}
		if (p[1] != '\0') {
			d->fn(a, p + 1);
			return 0;
		}
		if (*i + 1 >= argc) {
			fprintf(stderr, "mosh-client: -%c needs a value\n", *p);
			return -1;
		}
		d->fn(a, argv[++*i]);
		return 0;
	}
	return 0;
}

/* All of argv; 0, or -1 after a message for a usage error. */
static int
cli_parse(struct cli_args *a, int argc, char **argv)
{
	bool	 opts = true;
	int	 i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc && !a->colors; i++) {
		const char *w = argv[i];

		if (opts && strcmp(w, "--") == 0) {
			opts = false;
			continue;
		}
		if (opts && w[0] == '-' && w[1] == '-') {
			fprintf(stderr, "mosh-client: unknown option '%s'\n", w);
			return -1;
		}
		if (opts && w[0] == '-' && w[1] != '\0') {
			if (cli_short(a, argc, argv, &i) != 0)
				return -1;
			continue;
		}
		if (a->noperand == 2) {
			fprintf(stderr, "mosh-client: too many arguments\n");
			return -1;
		}
		a->operand[a->noperand++] = w;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct client_opts o;
	struct cli_args	 args;
	struct addrinfo	 hints, *ai;
	char		*keystr;
	const char	*why, *env;
	int		 i, rc;

	memset(&o, 0, sizeof(o));
	setlocale(LC_ALL, "");
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("mosh-client (tsmosh %s) [speaks mosh protocol "
			    "2, compatible with mosh 1.4]\n", TSMOSH_VERSION);
			return 0;
		}
	}
	if (cli_parse(&args, argc, argv) != 0) {
		usage(stderr);
		return 1;
	}
	if (args.colors) {
		printf("%d\n", tty_colors());
		return 0;
	}
	if (args.noperand != 2) {
		usage(stderr);
		return 1;
	}
	o.host = args.operand[0];
	o.port = args.operand[1];
	/* mosh's check, before the key is looked at. */
	if (o.port[strspn(o.port, "0123456789")] != '\0') {
		fprintf(stderr, "mosh-client: bad UDP port '%s'\n", o.port);
		usage(stderr);
		return 1;
	}
	if ((keystr = getenv("MOSH_KEY")) == NULL) {
		fputs("MOSH_KEY environment variable not found.\n", stderr);
		return 1;
	}
	if (key_parse(keystr, &o.key, &why) != 0) {
		fprintf(stderr, "mosh-client: bad MOSH_KEY: %s\n", why);
		return 1;
	}
	/* unsetenv only drops the pointer: the string stays in the
	 * environment block that /proc/PID/environ shows, so wipe it there;
	 * and no other process of ours may read our memory. */
	sodium_memzero(keystr, strlen(keystr));
	unsetenv("MOSH_KEY");
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (!base_locale_utf8()) {
		fprintf(stderr, "mosh-client needs a UTF-8 native locale to "
		    "run.\n\nUnfortunately, the client's environment "
		    "specifies the character set \"%s\".\nSet LANG or LC_ALL "
		    "to a UTF-8 locale (e.g. C.UTF-8).\n",
		    nl_langinfo(CODESET));
		return 1;
	}
	if (predict_pref(getenv("MOSH_PREDICTION_DISPLAY"), &o.predict) != 0) {
		fprintf(stderr, "mosh-client: unknown MOSH_PREDICTION_DISPLAY "
		    "'%s' (adaptive, always, never, experimental)\n",
		    getenv("MOSH_PREDICTION_DISPLAY"));
		return 1;
	}
	o.predict_overwrite = getenv("MOSH_PREDICTION_OVERWRITE") != NULL &&
	    strcmp(getenv("MOSH_PREDICTION_OVERWRITE"), "yes") == 0;
	o.title_prefix = getenv("MOSH_TITLE_NOPREFIX") == NULL;
	o.term_init = getenv("MOSH_NO_TERM_INIT") == NULL;
	o.scrollback = getenv("MOSH_SCROLLBACK") == NULL ||
	    strcmp(getenv("MOSH_SCROLLBACK"), "no") != 0;
	escape_key(&o);
	/* An escape hatch for debugging the policy on a new libc. */
	if ((env = getenv("MOSH_CLIENT_SANDBOX")) != NULL && *env != '\0' &&
	    sandbox_mode_parse(env, &o.sandbox) != 0) {
		fprintf(stderr, "mosh-client: MOSH_CLIENT_SANDBOX=%s: want "
		    "strict, log or off\n", env);
		return 1;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(o.host, o.port, &hints, &ai) != 0) {
		fprintf(stderr, "mosh-client: bad address '%s' port '%s' "
		    "(numeric IP and port)\n", o.host, o.port);
		return 1;
	}
	memcpy(&o.addr, ai->ai_addr, ai->ai_addrlen);
	o.addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);

	rc = session_run(&o);
	key_wipe(&o.key);
	return rc;
}

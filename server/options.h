/*
 * The command line of `mosh-server new` (and of config, doctor and
 * firewall, which take the same flags): argv and the environment turned
 * into settings through config.c's table, and the command to run.
 */
#ifndef TSMOSH_SERVER_OPTIONS_H
#define TSMOSH_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "server/config.h"

struct server_opts {
	struct config	 cfg;		/* every setting and its origin */
	char		**command;	/* NULL-terminated, owned */
	char		*command_path;
	bool		 login_shell;	/* command is the user's shell */
};

/*
 * Parse argv after "new" (or from argv[1] when options come first, as
 * `mosh --server='mosh-server --iface X'` makes them: a bare "new" among
 * them is then skipped), as mosh's getopt would: an unknown option or a
 * stray word is reported and skipped. Layers: defaults, the config
 * files, the environment, then the flags. Returns 0, or -1 after
 * printing the reason to stderr (the caller exits 2); either way *o is
 * for options_free.
 */
int	options_parse(struct server_opts *, int argc, char **argv);
/*
 * The same for our own subcommands (config, doctor, firewall), which mosh
 * never had: an unknown option, a stray word or a missing value is an
 * error there, not something to skip (firewall rules from a mistyped
 * --allow-source would not be what was asked for).
 */
int	options_parse_strict(struct server_opts *, int argc, char **argv);

/*
 * The words before "--" that are neither options nor their values, as
 * the scan of options_parse finds them (nothing is set or printed): up
 * to max of them into out, in order; how many it put there.
 */
size_t	options_operands(int argc, char **argv, char **out, size_t max);

/* The usage of `new`, then options_help. */
void	options_usage(FILE *);
/* Every flag (config.c's table and mosh's own -s) and variable, or the
 * flags alone as the man page's option list (roff). */
void	options_help(FILE *, bool roff);
void	options_free(struct server_opts *);

/* The command joined by spaces into buf (cut to fit): what `list` shows
 * and what --reattach compares, so one spelling serves both. */
void	options_command_line(const struct server_opts *, char *buf,
	    size_t len);

#endif

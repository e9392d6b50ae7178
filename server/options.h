/* `mosh-server new` options, as mosh's wrapper and users write them. */
#ifndef TSMOSH_SERVER_OPTIONS_H
#define TSMOSH_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "netbind/cidr.h"
#include "server/config.h"

#define OPT_LOCALE_MAX	32
#define OPT_ALLOW_MAX	32	/* --allow-source blocks */
#define OPT_WAIT_IFACE_MAX	86400
#define PORT_LOW_DEFAULT	60001	/* mosh's own range */
#define PORT_HIGH_DEFAULT	60999

/* Where the interface name came from, highest precedence first. */
enum iface_from {
	IFACE_FROM_FLAG,	/* --iface NAME */
	IFACE_FROM_ENV,		/* MOSH_SERVER_NETWORK_TMPL */
	IFACE_FROM_CONFIG,	/* the config file (a later issue) */
	IFACE_FROM_DEFAULT,	/* tailscale0 */
};

struct server_opts {
	char		*bind_ip;	/* NULL: any address of the interface */
	bool		 ip_from_ssh;	/* bind_ip came from -s */
	char		*iface;		/* NETBIND_ANY: mosh's any address */
	enum iface_from	 iface_from;
	long		 wait_iface;	/* seconds to wait for it to appear */
	struct cidr	 allow[OPT_ALLOW_MAX];	/* source allowlist */
	size_t		 nallow;
	bool		 allow_any;	/* --allow-source any: no filter */
	int		 port_low;
	int		 port_high;
	int		 colors;
	int		 verbose;
	char		*locale_vars[OPT_LOCALE_MAX];	/* -l NAME=VALUE */
	size_t		 nlocale;
	long		 idle_timeout;	/* seconds of no user input; 0: off */
	long		 network_timeout;	/* MOSH_SERVER_NETWORK_TMOUT */
	long		 signal_timeout;	/* MOSH_SERVER_SIGNAL_TMOUT */
	char		**command;	/* NULL-terminated; NULL: login shell */
	char		*command_path;
	bool		 login_shell;
	char		*config_path;	/* --config: the system file */
	bool		 log_stderr;	/* --log-stderr: events on stderr */
	struct config	 cfg;		/* every setting and its origin */
};

/*
 * Parse argv after "new" (or from argv[1] when options come first, as
 * `mosh --server='mosh-server --iface X'` makes them: a bare "new" among
 * them is then skipped). Returns 0, or -1 after printing the reason to
 * stderr (the caller exits 2). Environment variables are read here too,
 * so the result is everything the server will use.
 */
int	options_parse(struct server_opts *, int argc, char **argv);
/*
 * The same for our own subcommands (config, doctor, firewall), which mosh
 * never had: an unknown option, a stray word or a missing value is an
 * error there, not something to skip (firewall rules from a mistyped
 * --allow-source would not be what was asked for).
 */
int	options_parse_strict(struct server_opts *, int argc, char **argv);

/* "LOW:HIGH" or "PORT"; 0 or -1. */
int	options_parse_ports(const char *, int *low, int *high);

/* "--iface", "MOSH_SERVER_NETWORK_TMPL", ...: for messages. */
const char	*options_iface_from(enum iface_from);

void	options_usage(FILE *);
void	options_free(struct server_opts *);

/* The command joined by spaces into buf (cut to fit): what `list` shows
 * and what --reattach compares, so one spelling serves both. */
void	options_command_line(const struct server_opts *, char *buf,
	    size_t len);

#endif

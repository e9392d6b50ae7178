/* `mosh-server new` options, as mosh's wrapper and users write them. */
#ifndef TSMOSH_SERVER_OPTIONS_H
#define TSMOSH_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sandbox/sandbox.h"

#define OPT_LOCALE_MAX	32
#define PORT_LOW_DEFAULT	60001	/* mosh's own range */
#define PORT_HIGH_DEFAULT	60999

struct server_opts {
	char		*bind_ip;	/* NULL: any address */
	bool		 ip_from_ssh;	/* -s */
	int		 port_low;
	int		 port_high;
	bool		 port_given;
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
	enum sandbox_mode sandbox;	/* --sandbox strict|log|off */
};

/*
 * Parse argv after "new". Returns 0, or -1 after printing the reason to
 * stderr (the caller exits 2). Environment variables are read here too,
 * so the result is everything the server will use.
 */
int	options_parse(struct server_opts *, int argc, char **argv);

/* "LOW:HIGH" or "PORT"; 0 or -1. */
int	options_parse_ports(const char *, int *low, int *high);

void	options_usage(FILE *);
void	options_free(struct server_opts *);

#endif

/*
 * The server's settings: one table (config.c) declares each of them once
 * with its name, default, kind of value, config key, flag, environment
 * variable, the field it fills and its help text. Everything else is
 * made from that table: the config file reader, the flags options.c
 * accepts, `mosh-server config` (as `sshd -T` prints), --help and the
 * option list of the man page.
 *
 * Values come in layers: the default, the system file
 * (/etc/tsmosh/tsmosh.conf), the user's (~/.config/tsmosh/tsmosh.conf),
 * the environment, then flags. Each is parsed once, into its typed field,
 * and remembers where it came from. A file is read whole or not at all:
 * any unknown key, bad value or unreadable file is an error naming file,
 * line and key, and the server does not start.
 */
#ifndef TSMOSH_SERVER_CONFIG_H
#define TSMOSH_SERVER_CONFIG_H

#include <net/if.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "netbind/cidr.h"
#include "sandbox/sandbox.h"

#define CONFIG_SYSTEM_PATH	"/etc/tsmosh/tsmosh.conf"
#define CONFIG_ORIGIN_MAX	288
#define CONFIG_ALLOW_MAX	32	/* allow_sources blocks */
#define CONFIG_LOCALE_MAX	32	/* -l NAME=VALUE */
#define CONFIG_WAIT_IFACE_MAX	86400	/* seconds */
#define CONFIG_TEXT_MAX		2048	/* a value, as printed */
#define CONFIG_CLIENTS_MAX	16	/* max_clients: the largest */
#define CONFIG_LINES_MAX	1000000	/* scrollback_lines, attach_history */

/* Every setting, in the order `mosh-server config` prints them. */
enum config_id {
	CFG_INTERFACE,
	CFG_ALLOW_SOURCES,
	CFG_PORT_RANGE,
	CFG_IDLE_TIMEOUT,
	CFG_NETWORK_TIMEOUT,
	CFG_SIGNAL_TIMEOUT,
	CFG_WAIT_IFACE,
	CFG_LOG_FACILITY,
	CFG_LOG_FORMAT,
	CFG_LOG_FAILED_PACKETS,
	CFG_LOG_SOCKET,
	CFG_SANDBOX,
	CFG_REATTACH,
	CFG_MAX_CLIENTS,
	CFG_SCROLLBACK_LINES,
	CFG_ATTACH_HISTORY,
	/* Flags only: no config key. */
	CFG_LOCAL_ADDR,
	CFG_COLORS,
	CFG_LOCALE,
	CFG_VERBOSE,
	CFG_CONFIG_FILE,
	CFG_LOG_STDERR,
	CFG_NSETTINGS
};

/* Where a value came from, highest precedence last. */
enum config_layer {
	CONFIG_DEFAULT,
	CONFIG_FILE,
	CONFIG_ENV,
	CONFIG_FLAG,
};

struct config_origin {
	enum config_layer layer;
	char		 text[CONFIG_ORIGIN_MAX];	/* "flag -p", "FILE:LINE" */
	size_t		 name;		/* where "-p" starts in it */
};

enum config_log_format { LOG_FORMAT_KV, LOG_FORMAT_JSON };
enum config_log_failed { LOG_FAILED_NO, LOG_FAILED_YES, LOG_FAILED_ALL };

struct config_sources {
	bool		 any;		/* no filter */
	size_t		 n;
	struct cidr	 block[CONFIG_ALLOW_MAX];
};

struct config_ports {
	int		 low;
	int		 high;
};

struct config_iface {
	char		 name[IF_NAMESIZE];	/* or NETBIND_ANY */
	bool		 any;		/* any address, as mosh binds */
};

struct config_locale {
	size_t		 n;
	char		*var[CONFIG_LOCALE_MAX];	/* NAME=VALUE, owned */
};

struct config {
	struct config_iface iface;
	struct config_sources allow;
	struct config_ports ports;
	long		 idle_timeout;	/* seconds; 0: never */
	long		 network_timeout;
	long		 signal_timeout;
	long		 wait_iface;
	int		 log_facility;	/* LOG_AUTHPRIV etc. */
	int		 log_format;	/* enum config_log_format */
	int		 log_failed;	/* enum config_log_failed */
	char		 log_socket[108];
	int		 sandbox;	/* enum sandbox_mode */
	int		 reattach;	/* yes (1) or no (0) */
	int		 max_clients;	/* of one session, 1..CONFIG_CLIENTS_MAX */
	int		 scrollback_lines;	/* held for clients; 0: none */
	int		 attach_history;	/* lines a new client gets */
	char		 local_addr[64];	/* -i/-s; "": any address */
	bool		 local_addr_from_ssh;	/* set by -s, for messages */
	int		 colors;
	struct config_locale locale;	/* -l, from the client */
	int		 verbose;
	char		 config_file[4096];	/* "": the system path */
	int		 log_stderr;	/* yes (1) or no (0) */
	struct config_origin origin[CFG_NSETTINGS];
};

struct config_def;
typedef int (*config_parse_fn)(const struct config_def *, const char *,
	    void *field, bool add, char *why, size_t whylen);
typedef void (*config_format_fn)(const struct config_def *, const void *field,
	    char *buf, size_t len);

/* A name a setting of a kind with names takes, and its value. */
struct config_name {
	const char	*name;
	int		 value;
};

/* One setting: everything about it, in one row of config.c's table. */
struct config_def {
	const char	*name;		/* the config key, or the flag's name */
	bool		 in_file;	/* a config key (printed by config) */
	const char	*def;		/* default, as the file spells it */
	config_parse_fn	 parse;		/* one per kind of value */
	config_format_fn format;
	size_t		 offset;	/* of the field in struct config */
	const struct config_name *names;	/* enum kinds: the choices */
	long		 max;		/* durations: the largest; text: the
					 * field's size */
	const char	*flag;		/* "-p", "--iface", or NULL */
	const char	*arg;		/* its value in help ("PORT[:PORT2]"),
					 * NULL: the flag takes none */
	const char	*fixed;		/* ... and gives this value instead */
	bool		 early;		/* read before the config files */
	const char	*bad;		/* mosh's wording for a bad flag value,
					 * "bad WHAT 'VALUE'HINT" (NULL: ours) */
	const char	*bad_hint;
	const char	*env;		/* environment variable, or NULL */
	bool		 env_lenient;	/* mosh's rule: a bad one is skipped */
	const char	*help;		/* for --help and the man page */
	bool		 list;		/* values add up (see config_set) */
};

/* The row of a setting. */
const struct config_def *config_def(enum config_id);

/* Defaults only. */
void	config_defaults(struct config *);
/* One file's values onto c (a missing file is fine): 0, or -1 with the
 * reason in err and c as it was. */
int	config_read(struct config *, const char *path, char *err,
	    size_t errlen);
/* Defaults, then the two files (a missing file is fine; NULL skips).
 * 0, or -1 with the reason in err (*c is then freed). */
int	config_load(struct config *, const char *system_path,
	    const char *user_path, char *err, size_t errlen);
/* Defaults, then one file's contents from memory (len bytes at buf,
 * any values), named NAME in origins and errors; as config_load. */
int	config_load_buffer(struct config *, const char *name, const char *buf,
	    size_t len, char *err, size_t errlen);
/*
 * Parse value into the setting's field; layer and name say where it
 * came from (CONFIG_FLAG "--iface", CONFIG_ENV "MOSH_UDP_PORT",
 * CONFIG_FILE "FILE:LINE"), and its origin reads "flag --iface", "env
 * MOSH_UDP_PORT", "FILE:LINE". A list given again as a flag adds to
 * what the flags gave (in a file: on an indented line); otherwise a
 * value replaces the one before. 0, or -1 with "ORIGIN: KEY: why" in
 * err and the setting unchanged.
 */
int	config_set(struct config *, enum config_id, const char *value,
	    enum config_layer, const char *name, char *err, size_t errlen);
const struct config_origin *config_origin(const struct config *,
	    enum config_id);
/* Where a value came from, for messages: "the default", the flag
 * ("--iface"), the variable, or FILE:LINE. */
const char *config_origin_name(const struct config *, enum config_id);
/* The setting's value as the config file would spell it. */
const char *config_text(const struct config *, enum config_id, char *buf,
	    size_t len);

/* The user's file: $XDG_CONFIG_HOME or ~/.config, + tsmosh/tsmosh.conf. */
char	*config_user_path(void);
/* Every setting with a key: "key = value # origin". */
void	config_print(const struct config *, FILE *);
/* Each flag and its help, for --help (roff false) or the man page. */
void	config_help(FILE *, bool roff);
void	config_free(struct config *);

/* "90", "90s", "15m", "2h", "7d", "1w" in seconds; 0 or -1. */
int	config_parse_duration(const char *, long *);

#endif

/*
 * The server's settings, in layers: the system file
 * (/etc/tsmosh/tsmosh.conf), the user's (~/.config/tsmosh/tsmosh.conf),
 * the environment, then flags. Every value keeps where it came from, for
 * `mosh-server config` (as `sshd -T` prints). A file is read whole or not
 * at all: any unknown key, bad value or unreadable file is an error
 * naming file, line and key, and the server does not start.
 */
#ifndef TSMOSH_SERVER_CONFIG_H
#define TSMOSH_SERVER_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define CONFIG_SYSTEM_PATH	"/etc/tsmosh/tsmosh.conf"
#define CONFIG_ORIGIN_MAX	288

enum config_key {
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
	CFG_NKEYS
};

struct config {
	char	*text[CFG_NKEYS];		/* normalised value */
	char	 origin[CFG_NKEYS][CONFIG_ORIGIN_MAX];
};

/* Defaults, then the two files (a missing file is fine; NULL skips).
 * 0, or -1 with the reason in err. */
int	config_load(struct config *, const char *system_path,
	    const char *user_path, char *err, size_t errlen);
/* Defaults, then one file's contents from memory (len bytes at buf,
 * any values), named NAME in origins and errors; as config_load. */
int	config_load_buffer(struct config *, const char *name, const char *buf,
	    size_t len, char *err, size_t errlen);
/* Validate and set; origin like "env MOSH_UDP_PORT" or "flag --iface".
 * 0, or -1 with the reason in err. */
int	config_set(struct config *, enum config_key, const char *value,
	    const char *origin, char *err, size_t errlen);
const char *config_get(const struct config *, enum config_key);
const char *config_origin(const struct config *, enum config_key);
const char *config_key_name(enum config_key);
/* The user's file: $XDG_CONFIG_HOME or ~/.config, + tsmosh/tsmosh.conf. */
char	*config_user_path(void);
void	config_print(const struct config *, FILE *);
void	config_free(struct config *);

/* Typed readers of validated values. */
long	config_seconds(const struct config *, enum config_key);
int	config_parse_seconds(const char *, long *);

#endif

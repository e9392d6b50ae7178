/*
 * The session's control socket: $XDG_RUNTIME_DIR/tsmosh/PID.sock (or
 * /tmp/tsmosh-UID/), directory 0700, socket 0600, opened before the
 * sandbox. A request is one line ("info", "kill", "attach"); it is
 * answered only when SO_PEERCRED shows our own uid. The reply is lines
 * of key=value ended by an empty line.
 */
#ifndef TSMOSH_SERVER_CONTROL_H
#define TSMOSH_SERVER_CONTROL_H

#include <sys/types.h>

#include <stddef.h>

#define CONTROL_PATH_MAX	108	/* sun_path */
#define CONTROL_LINE_MAX	4096

struct control {
	int	 fd;			/* listening; -1: none */
	char	 path[CONTROL_PATH_MAX];
};

/* The per-user directory, created 0700 if needed and checked (ours,
 * not group/world accessible). 0, or -1 with a message on stderr. */
int	control_dir(char *out, size_t len, int create);
int	control_open(struct control *, pid_t);
void	control_close(struct control *);

/*
 * Accept one request: reads its line (bounded, a short wait). Returns the
 * connected fd with the command in `cmd`, or -1 (nothing, not our uid,
 * or junk: the connection is already closed).
 */
int	control_accept(struct control *, char *cmd, size_t len);

/* A unix socket of `type` connected to PATH (CLOEXEC); -1 with errno. */
int	control_unix_connect(const char *path, int type);

/* Client side: send a request to PATH and read the whole reply. */
int	control_request(const char *path, const char *cmd, char *reply,
	    size_t len);

#endif

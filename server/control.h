/*
 * The session's control socket: DIR/PID.sock, socket 0600, opened before
 * the sandbox. DIR is the first usable of $XDG_RUNTIME_DIR/tsmosh,
 * /tmp/tsmosh-UID and ${XDG_CACHE_HOME:-~/.cache}/tsmosh-HOST; usable is
 * a directory (not a symlink) owned by us, mode 0700. `list` reads all of
 * them, so a server that had to fall back is still found.
 *
 * A request is one line ("info", "kill", "attach", "share [read-only]",
 * "kick CLIENT"); it is answered only
 * when SO_PEERCRED shows our own uid. The reply is lines of key=value
 * ended by an empty line.
 *
 * The server reads requests from its session loop without ever waiting
 * on a peer: connections are non-blocking, read as bytes arrive, bounded
 * in number, in size and in time (a connection without a whole request
 * CONTROL_DEADLINE_MS after it was accepted is dropped).
 */
#ifndef TSMOSH_SERVER_CONTROL_H
#define TSMOSH_SERVER_CONTROL_H

#include <sys/types.h>

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_PATH_MAX	108	/* sun_path */
#define CONTROL_LINE_MAX	4096	/* a reply */
#define CONTROL_REQ_MAX		64	/* a request line, newline included */
#define CONTROL_ARG_MAX		32	/* its argument, NUL included */
#define CONTROL_CONNS_MAX	4	/* read at once; the rest wait unaccepted */
#define CONTROL_DEADLINE_MS	500	/* from accept to a whole request */
#define CONTROL_POLLFDS		(1 + CONTROL_CONNS_MAX)

enum control_kind {
	CONTROL_INFO,		/* key=value lines for `list` */
	CONTROL_KILL,		/* end the session */
	CONTROL_ATTACH,		/* re-key, reply MOSH CONNECT */
	CONTROL_SHARE,		/* one more client (arg "" or "read-only"),
				 * reply MOSH CONNECT with its key */
	CONTROL_KICK,		/* end one client (arg: its number) */
};

/* What a request's bytes are; every value but OK and MORE is a refusal. */
enum control_status {
	CONTROL_OK,		/* a whole request */
	CONTROL_MORE,		/* the start of one: read on */
	CONTROL_TOO_LONG,	/* no newline in CONTROL_REQ_MAX bytes */
	CONTROL_BAD_BYTE,	/* not printable ASCII before the newline */
	CONTROL_UNKNOWN,	/* no such request (or an empty line) */
	CONTROL_BAD_ARG,	/* an empty or too long argument */
};

struct control_req {
	enum control_kind kind;
	char		 arg[CONTROL_ARG_MAX];	/* "" when none */
};

/*
 * Parse what a connection has sent so far: len bytes at buf, not
 * NUL-terminated, any values. A request is one line, "WORD[ ARG]\n" (a
 * CR before the newline is allowed): WORD is one of the requests above;
 * ARG printable ASCII without spaces, shorter than CONTROL_ARG_MAX (which
 * arguments a kind takes is the session's business). Returns
 * CONTROL_OK with *req filled; CONTROL_MORE while there is no newline
 * and len < CONTROL_REQ_MAX; else the reason, with *req untouched.
 * Bytes after the first newline are never looked at.
 */
enum control_status control_parse_request(const void *buf, size_t len,
	    struct control_req *req);
/* "too-long", "bad-byte", ...: the reason word a refusal replies. */
const char	*control_status_name(enum control_status);

struct control_conn {
	int		 fd;		/* -1: a free slot */
	uint64_t	 deadline;	/* ms; dropped after */
	size_t		 len;
	char		 buf[CONTROL_REQ_MAX];
};

struct control {
	int		 fd;		/* listening; -1: none */
	char		 path[CONTROL_PATH_MAX];
	struct control_conn conns[CONTROL_CONNS_MAX];
};

#define CONTROL_DIRS_MAX	3

/*
 * The directory a new server uses: the first usable one, created 0700
 * if missing (and ~/.cache with it). 0 with it in out, or -1 with why
 * each was refused in err.
 */
int	control_dir(char *out, size_t len, char *err, size_t errlen);
/* Every usable directory that exists, each once, for `list`: how many. */
size_t	control_dirs(char out[][CONTROL_PATH_MAX], size_t max);
/* No socket and no connections: what control_close may be called on. */
void	control_init(struct control *);
/* Listen on DIR/PID.sock. 0, or -1 with errno (c->fd is then -1). */
int	control_open(struct control *, const char *dir, pid_t);
/* Move the socket to the same directory's PID.sock; -1 leaves it where
 * it was (still working, only under another name). */
int	control_rename(struct control *, pid_t);
/* Closes the connections and the socket, and removes its file. */
void	control_close(struct control *);

/*
 * Poll entries for the session loop: the listening socket while a slot
 * is free, then each open connection; at most CONTROL_POLLFDS. Returns
 * how many it filled.
 */
size_t	control_pollfds(const struct control *, struct pollfd *);
/* Ms until the earliest connection deadline; INT_MAX when none. */
int	control_wait(const struct control *, uint64_t now);

/* Called with a whole request and its connection (non-blocking; send
 * the reply on it, never wait for the peer; it is closed after). */
typedef void (*control_fn)(void *arg, int fd, const struct control_req *,
	    uint64_t now);

/*
 * After poll, with the n entries control_pollfds filled: accepts what
 * is pending while slots are free (another uid is closed at once), reads
 * what has arrived, never waiting; hands each whole request to fn;
 * answers a refused one with "error=REASON" and drops it; drops
 * connections past their deadline or closed by the peer.
 */
void	control_run(struct control *, const struct pollfd *, size_t n,
	    uint64_t now, control_fn fn, void *arg);

#define CONTROL_CLIENTS_MAX	16	/* clients one session may have */

/* One client of a session, as `info` reports it. */
struct control_client {
	unsigned	 id;		/* 1, 2, ...: kick takes it */
	bool		 read_only;
	bool		 heard;		/* ever; else addr is "" */
	char		 addr[80];	/* ADDR:PORT it was last heard from */
	unsigned long long last_contact;	/* seconds ago */
};

/* What `info` answers (`list` shows it): one writer, one reader. */
struct control_info {
	long		 pid;
	unsigned long long started;	/* time(NULL) at the start */
	int		 port;
	char		 iface[32];
	char		 state[16];	/* attached, detached */
	char		 client[80];	/* ADDR:PORT, or "" */
	unsigned long long last_contact;	/* seconds ago */
	unsigned long long idle;	/* seconds since the last input */
	char		 command[1024];
	/* Every client, one line each after the fields above:
	 * "peer=ID rw|ro ADDR:PORT SECS", or "peer=ID rw|ro - -" for one
	 * never heard. A reader keeps the first CONTROL_CLIENTS_MAX. */
	struct control_client clients[CONTROL_CLIENTS_MAX];
	size_t		 nclients;
};

/* The reply: "key=value" lines, then an empty one (control bytes in a
 * value become '?'). 0, or -1 when it does not fit in len. */
int	control_info_format(const struct control_info *, char *buf,
	    size_t len);
/* A reply from a server we do not trust blindly: missing keys, and
 * numbers that are not whole decimals in range, read as 0 or ""; text
 * is cut to fit, its control bytes read as '?'. Peer lines that are not
 * exactly one (an ID above 0, rw or ro, one space between words), and a
 * second one for an ID, are skipped; only lines before the empty one
 * that ends the reply are read. 0, or -1 without a pid above 0. */
int	control_info_parse(const char *reply, struct control_info *);

/* Send a reply without ever waiting for the peer (it may be gone). */
void	control_reply(int fd, const char *text);
/* "error=REASON" and the empty line. */
void	control_reply_error(int fd, const char *reason);
/* kill's reply, and the reader's test of it. */
void	control_reply_ok(int fd);
bool	control_reply_is_ok(const char *reply);
/* attach's reply: the line `new` prints, with the new key (wiped from
 * our buffer after the send). */
void	control_reply_connect(int fd, int port, const char *key);
/* Its reader: the MOSH CONNECT line, without the newline, into line;
 * -1 when the reply is something else (an error=REASON line). */
int	control_reply_connect_line(const char *reply, char *line,
	    size_t len);

/* Client side: send a request to PATH and read the whole reply. */
int	control_request(const char *path, const char *cmd, char *reply,
	    size_t len);

/*
 * The value of KEY in a reply (NUL-terminated "key=value" lines up to
 * an empty one, from a server we do not trust blindly), truncated to
 * fit out (len > 0).
 * Returns out, or NULL with out "" when there is no such line.
 */
const char	*control_reply_get(const char *reply, const char *key,
		    char *out, size_t len);

#endif

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "server/control.h"

/* Room after a directory for "/PID.sock" (pid_max is below 2^22). */
#define CONTROL_NAME_ROOM	sizeof("/4194304.sock")

/*
 * The directories a server may use, in the order it tries them: the
 * runtime directory, /tmp, then one in the home (per host: a home shared
 * over NFS must not have `list` on one host remove another's sockets).
 * Returns how many; parent[i] is a directory to create first, or "".
 */
static size_t
control_dir_candidates(char dirs[][CONTROL_PATH_MAX],
    char parent[][CONTROL_PATH_MAX])
{
	const char	*rt = getenv("XDG_RUNTIME_DIR");
	const char	*cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd	*pw;
	char		 host[65];
	size_t		 n = 0;
	int		 r;

	if (rt != NULL && rt[0] == '/') {
		r = snprintf(dirs[n], CONTROL_PATH_MAX, "%s/tsmosh", rt);
		parent[n][0] = '\0';
		if (r > 0 && r < CONTROL_PATH_MAX)
			n++;
	}
	snprintf(dirs[n], CONTROL_PATH_MAX, "/tmp/tsmosh-%u",
	    (unsigned)getuid());
	parent[n++][0] = '\0';
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0' ||
	    strchr(host, '/') != NULL)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	if (cache != NULL && cache[0] == '/')
		r = snprintf(parent[n], CONTROL_PATH_MAX, "%s", cache);
	else {
		if ((home == NULL || home[0] != '/') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL || home[0] != '/')
			return n;
		r = snprintf(parent[n], CONTROL_PATH_MAX, "%s/.cache", home);
	}
	if (r <= 0 || r >= CONTROL_PATH_MAX)
		return n;
	r = snprintf(dirs[n], CONTROL_PATH_MAX, "%s/tsmosh-%s", parent[n],
	    host);
	if (r > 0 && r < CONTROL_PATH_MAX)
		n++;
	return n;
}

/*
 * Is dir usable: a directory (not a symlink) of ours, mode 0700, with
 * room for a socket name? In /tmp anyone could have made it first. With
 * create, parent and dir are made 0700 first if missing. 0, or -1 with
 * the reason in why.
 */
static int
control_dir_check(const char *dir, const char *parent, int create,
    char *why, size_t len)
{
	struct stat	 st;

	if (strlen(dir) + CONTROL_NAME_ROOM > CONTROL_PATH_MAX) {
		snprintf(why, len, "%s: too long for a socket path", dir);
		return -1;
	}
	if (create && parent[0] != '\0' && mkdir(parent, 0700) != 0 &&
	    errno != EEXIST) {
		snprintf(why, len, "%s: %s", parent, strerror(errno));
		return -1;
	}
	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) != 0) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		snprintf(why, len, "%s: not a directory", dir);
	else if (st.st_uid != getuid())
		snprintf(why, len, "%s: owned by uid %u, not us", dir,
		    (unsigned)st.st_uid);
	else if ((st.st_mode & 07777) != 0700)
		snprintf(why, len, "%s: mode %04o, not 0700", dir,
		    (unsigned)(st.st_mode & 07777));
	else
		return 0;
	return -1;
}

int
control_dir(char *out, size_t len, char *err, size_t errlen)
{
	char	 dirs[CONTROL_DIRS_MAX][CONTROL_PATH_MAX];
	char	 parent[CONTROL_DIRS_MAX][CONTROL_PATH_MAX], why[256];
	size_t	 i, n, used = 0;

	n = control_dir_candidates(dirs, parent);
	if (errlen > 0)
		err[0] = '\0';
	for (i = 0; i < n; i++) {
		if (control_dir_check(dirs[i], parent[i], 1, why,
		    sizeof(why)) == 0 && strlen(dirs[i]) < len) {
			strcpy(out, dirs[i]);
			return 0;
		}
		/* Each reason, "; " between them, as far as err holds. */
		if (used < errlen)
			used += (size_t)snprintf(err + used, errlen - used,
			    "%s%s", used > 0 ? "; " : "", why);
	}
	return -1;
}

size_t
control_dirs(char out[][CONTROL_PATH_MAX], size_t max)
{
	char		 dirs[CONTROL_DIRS_MAX][CONTROL_PATH_MAX];
	char		 parent[CONTROL_DIRS_MAX][CONTROL_PATH_MAX], why[256];
	struct stat	 st;
	dev_t		 dev[CONTROL_DIRS_MAX];
	ino_t		 ino[CONTROL_DIRS_MAX];
	size_t		 i, j, n, found = 0;

	n = control_dir_candidates(dirs, parent);
	for (i = 0; i < n && found < max; i++) {
		if (control_dir_check(dirs[i], parent[i], 0, why,
		    sizeof(why)) != 0 || stat(dirs[i], &st) != 0)
			continue;
		/* The same directory under two names is read once. */
		for (j = 0; j < found; j++)
			if (dev[j] == st.st_dev && ino[j] == st.st_ino)
				break;
		if (j < found)
			continue;
		dev[found] = st.st_dev;
		ino[found] = st.st_ino;
		strcpy(out[found++], dirs[i]);
	}
	return found;
}

void
control_init(struct control *c)
{
	size_t	 i;

	c->fd = -1;
	c->path[0] = '\0';
	for (i = 0; i < CONTROL_CONNS_MAX; i++) {
		c->conns[i].fd = -1;
		c->conns[i].len = 0;
	}
}

int
control_open(struct control *c, const char *dir, pid_t pid)
{
	struct sockaddr_un sun;
	mode_t		 old;
	int		 saved;

	control_init(c);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%ld.sock", dir,
	    (long)pid) >= (int)sizeof(sun.sun_path))
		return errno = ENAMETOOLONG, -1;
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	unlink(sun.sun_path);
	old = umask(077);
	if (bind(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(sun.sun_path, 0600) != 0 || listen(c->fd, 8) != 0) {
		saved = errno;
		umask(old);
		close(c->fd);
		c->fd = -1;
		return errno = saved, -1;
	}
	umask(old);
	strcpy(c->path, sun.sun_path);
	return 0;
}

int
control_rename(struct control *c, pid_t pid)
{
	char	 path[CONTROL_PATH_MAX], *slash;
	int	 n;

	if (c->fd == -1 || (slash = strrchr(c->path, '/')) == NULL)
		return -1;
	n = snprintf(path, sizeof(path), "%.*s/%ld.sock",
	    (int)(slash - c->path), c->path, (long)pid);
	if (n < 0 || (size_t)n >= sizeof(path) || rename(c->path, path) != 0)
		return -1;
	strcpy(c->path, path);
	return 0;
}

static const struct {
	const char	*word;
	enum control_kind kind;
} control_words[] = {
	{ "info",	CONTROL_INFO },
	{ "kill",	CONTROL_KILL },
	{ "attach",	CONTROL_ATTACH },
	{ "share",	CONTROL_SHARE },
	{ "kick",	CONTROL_KICK },
};

enum control_status
control_parse_request(const void *buf, size_t len, struct control_req *req)
{
	const unsigned char *p = buf, *nl, *sp;
	size_t		 i, n, wl;

	if (len > CONTROL_REQ_MAX)
		len = CONTROL_REQ_MAX;
	if ((nl = memchr(p, '\n', len)) == NULL)
		return len < CONTROL_REQ_MAX ? CONTROL_MORE : CONTROL_TOO_LONG;
	n = (size_t)(nl - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return CONTROL_BAD_BYTE;
	sp = memchr(p, ' ', n);
	wl = sp != NULL ? (size_t)(sp - p) : n;
	for (i = 0; i < sizeof(control_words) / sizeof(control_words[0]); i++)
		if (strlen(control_words[i].word) == wl &&
		    memcmp(control_words[i].word, p, wl) == 0)
			break;
	if (i == sizeof(control_words) / sizeof(control_words[0]))
		return CONTROL_UNKNOWN;
	/* One argument word: not empty, no second space, room for it. */
	if (sp != NULL && (n - wl - 1 == 0 || n - wl - 1 >= CONTROL_ARG_MAX ||
	    memchr(sp + 1, ' ', n - wl - 1) != NULL))
		return CONTROL_BAD_ARG;
	req->kind = control_words[i].kind;
	req->arg[0] = '\0';
	if (sp != NULL) {
		memcpy(req->arg, sp + 1, n - wl - 1);
		req->arg[n - wl - 1] = '\0';
	}
	return CONTROL_OK;
}

const char *
control_status_name(enum control_status st)
{
	switch (st) {
	case CONTROL_OK:	return "ok";
	case CONTROL_MORE:	return "incomplete";
	case CONTROL_TOO_LONG:	return "too-long";
	case CONTROL_BAD_BYTE:	return "bad-byte";
	case CONTROL_UNKNOWN:	return "unknown-request";
	case CONTROL_BAD_ARG:	return "bad-argument";
	}
	return "unknown";
}

/* Close a connection and free its slot. */
static void
control_drop(struct control_conn *cc)
{
	close(cc->fd);
	cc->fd = -1;
	cc->len = 0;
}

void
control_close(struct control *c)
{
	size_t	 i;

	for (i = 0; i < CONTROL_CONNS_MAX; i++)
		if (c->conns[i].fd != -1)
			control_drop(&c->conns[i]);
	if (c->fd == -1)
		return;
	close(c->fd);
	/* Fails inside the sandbox (no file access): `list` then finds a
	 * socket nobody answers and removes it. */
	(void)unlink(c->path);
	c->fd = -1;
}

/* A slot for one more connection, or NULL when all are busy. */
static struct control_conn *
control_free_slot(struct control *c)
{
	size_t	 i;

	for (i = 0; i < CONTROL_CONNS_MAX; i++)
		if (c->conns[i].fd == -1)
			return &c->conns[i];
	return NULL;
}

size_t
control_pollfds(const struct control *c, struct pollfd *pfd)
{
	size_t	 i, n = 0;

	if (c->fd == -1)
		return 0;
	for (i = 0; i < CONTROL_CONNS_MAX; i++) {
		if (c->conns[i].fd == -1)
			continue;
		pfd[n].fd = c->conns[i].fd;
		pfd[n++].events = POLLIN;
	}
	/* All slots busy: new ones wait in the kernel's backlog. */
	if (n < CONTROL_CONNS_MAX) {
		pfd[n].fd = c->fd;
		pfd[n++].events = POLLIN;
	}
	return n;
}

int
control_wait(const struct control *c, uint64_t now)
{
	uint64_t	 least = UINT64_MAX;
	size_t		 i;

	for (i = 0; i < CONTROL_CONNS_MAX; i++)
		if (c->conns[i].fd != -1 && c->conns[i].deadline < least)
			least = c->conns[i].deadline;
	if (least == UINT64_MAX)
		return INT_MAX;
	return least <= now ? 0 : (int)(least - now);
}

/* Whatever has arrived on one connection, then its request if whole. */
static void
control_read(struct control_conn *cc, uint64_t now, control_fn fn,
    void *arg)
{
	struct control_req req;
	enum control_status st;
	ssize_t		 r;

	r = recv(cc->fd, cc->buf + cc->len, sizeof(cc->buf) - cc->len,
	    MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (r <= 0) {
		control_drop(cc);	/* closed before a whole request */
		return;
	}
	cc->len += (size_t)r;
	st = control_parse_request(cc->buf, cc->len, &req);
	if (st == CONTROL_MORE)
		return;
	if (st == CONTROL_OK)
		fn(arg, cc->fd, &req, now);
	else
		control_reply_error(cc->fd, control_status_name(st));
	control_drop(cc);
}

/* Take pending connections while slots are free; read each at once,
 * as its request has usually arrived with it. */
static void
control_accept(struct control *c, uint64_t now, control_fn fn, void *arg)
{
	struct control_conn *cc;
	struct ucred	 cred;
	socklen_t	 cl;
	int		 fd;

	while ((cc = control_free_slot(c)) != NULL) {
		if ((fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC |
		    SOCK_NONBLOCK)) == -1)
			return;
		/* The directory is 0700, but a socket inherited or passed
		 * on would bypass that: check who is asking. */
		cl = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
		    cred.uid != getuid()) {
			close(fd);
			continue;
		}
		cc->fd = fd;
		cc->len = 0;
		cc->deadline = now + CONTROL_DEADLINE_MS;
		control_read(cc, now, fn, arg);
	}
}

void
control_run(struct control *c, const struct pollfd *pfd, size_t n,
    uint64_t now, control_fn fn, void *arg)
{
	struct control_conn *cc;
	size_t		 i, j;
	int		 listen_ready = 0;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == c->fd) {
			listen_ready = 1;
			continue;
		}
		for (j = 0; j < CONTROL_CONNS_MAX; j++) {
			cc = &c->conns[j];
			if (cc->fd == pfd[i].fd)
				control_read(cc, now, fn, arg);
		}
	}
	/* A peer that trickles its request is not waited for. */
	for (j = 0; j < CONTROL_CONNS_MAX; j++)
		if (c->conns[j].fd != -1 && c->conns[j].deadline <= now)
			control_drop(&c->conns[j]);
	if (listen_ready)
		control_accept(c, now, fn, arg);
}

int
control_request(const char *path, const char *cmd, char *reply, size_t len)
{
	struct pollfd	 p;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = base_unix_connect(path, SOCK_STREAM)) == -1)
		return -1;
	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) != (ssize_t)strlen(cmd) ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLIN;
	/* Until the empty line that ends a reply, or the server closes. */
	while (n + 1 < len) {
		if (poll(&p, 1, 3000) <= 0)
			break;
		if ((r = recv(fd, reply + n, len - 1 - n, 0)) <= 0)
			break;
		n += (size_t)r;
		reply[n] = '\0';
		if (n >= 2 && strstr(reply, "\n\n") != NULL)
			break;
	}
	reply[n] = '\0';
	close(fd);
	return n > 0 ? 0 : -1;
}

const char *
control_reply_get(const char *reply, const char *key, char *out, size_t len)
{
	size_t		 kl = strlen(key);
	const char	*p = reply, *e;

	/* The empty line ends the reply: nothing after it is read. */
	while (*p != '\0' && *p != '\n') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > kl && strncmp(p, key, kl) == 0 &&
		    p[kl] == '=') {
			snprintf(out, len, "%.*s", (int)(e - p - kl - 1),
			    p + kl + 1);
			return out;
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
	if (len > 0)
		out[0] = '\0';
	return NULL;
}

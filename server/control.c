#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/control.h"

int
control_dir(char *out, size_t len, int create)
{
	const char	*rt = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	int		 n;

	if (rt != NULL && rt[0] == '/')
		n = snprintf(out, len, "%s/tsmosh", rt);
	else
		n = snprintf(out, len, "/tmp/tsmosh-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= len)
		return -1;
	if (create && mkdir(out, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "mosh-server: %s: %s\n", out, strerror(errno));
		return -1;
	}
	if (lstat(out, &st) != 0)
		return -1;
	/* In /tmp anyone could have made it first: trust only our own,
	 * private directory. */
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0) {
		fprintf(stderr, "mosh-server: %s is not a private directory "
		    "of ours (mode 0700); refusing to use it\n", out);
		return -1;
	}
	return 0;
}

int
control_open(struct control *c, pid_t pid)
{
	struct sockaddr_un sun;
	char		 dir[CONTROL_PATH_MAX];
	mode_t		 old;
	size_t		 i;

	c->fd = -1;
	c->path[0] = '\0';
	for (i = 0; i < CONTROL_CONNS_MAX; i++)
		c->conns[i].fd = -1;
	if (control_dir(dir, sizeof(dir), 1) != 0)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%ld.sock", dir,
	    (long)pid) >= (int)sizeof(sun.sun_path))
		return -1;
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return -1;
	unlink(sun.sun_path);
	old = umask(077);
	if (bind(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(sun.sun_path, 0600) != 0 || listen(c->fd, 8) != 0) {
		umask(old);
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	umask(old);
	strcpy(c->path, sun.sun_path);
	return 0;
}

static const struct {
	const char	*word;
	enum control_kind kind;
} control_words[] = {
	{ "info",	CONTROL_INFO },
	{ "kill",	CONTROL_KILL },
	{ "attach",	CONTROL_ATTACH },
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
	char		 b[64];
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
	else {
		snprintf(b, sizeof(b), "error=%s\n\n", control_status_name(st));
		(void)send(cc->fd, b, strlen(b), MSG_NOSIGNAL | MSG_DONTWAIT);
	}
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
control_unix_connect(const char *path, int type)
{
	struct sockaddr_un sun;
	int		 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return errno = ENAMETOOLONG, -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
control_request(const char *path, const char *cmd, char *reply, size_t len)
{
	struct pollfd	 p;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = control_unix_connect(path, SOCK_STREAM)) == -1)
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

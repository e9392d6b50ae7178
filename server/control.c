#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/control.h"

#define CONTROL_WAIT_MS	500

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

	c->fd = -1;
	c->path[0] = '\0';
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

void
control_close(struct control *c)
{
	if (c->fd == -1)
		return;
	close(c->fd);
	/* Fails inside the sandbox (no file access): `list` then finds a
	 * socket nobody answers and removes it. */
	(void)unlink(c->path);
	c->fd = -1;
}

/* Read up to a newline within a short wait: a peer cannot stall us. */
static int
control_read_line(int fd, char *buf, size_t len)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	size_t		 n = 0;
	ssize_t		 r;

	while (n + 1 < len) {
		if (poll(&p, 1, CONTROL_WAIT_MS) <= 0)
			return -1;
		r = recv(fd, buf + n, len - 1 - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		if (strchr(buf, '\n') != NULL) {
			*strchr(buf, '\n') = '\0';
			return 0;
		}
	}
	return -1;
}

int
control_accept(struct control *c, char *cmd, size_t len)
{
	struct ucred	 cred;
	socklen_t	 cl = sizeof(cred);
	int		 fd;

	if ((fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return -1;
	/* The directory is 0700, but a socket inherited or passed on
	 * would bypass that: check who is asking. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
	    cred.uid != getuid() || control_read_line(fd, cmd, len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
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

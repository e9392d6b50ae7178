#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "server/child.h"
#include "server/utmp.h"

static int
print_motd(const char *path)
{
	char	 b[4096];
	size_t	 n;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		fwrite(b, 1, n, stdout);
	fclose(f);
	return 0;
}

static void
chdir_home(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home == NULL && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	/* Nowhere at all to go is not worth failing the session over: the
	 * shell then starts wherever we are. */
	if ((home == NULL || chdir(home) != 0) && chdir("/") != 0)
		return;
}

/* In the child, after forkpty: never returns. */
static void
child_exec(const struct server_opts *o, const struct rlimit *core)
{
	struct termios	 t;
	struct stat	 st;
	char		 line[81];

	/* Held until a client comes, maybe for days: only the terminal,
	 * none of the server's sockets (nor anything the server got). */
	closefrom(STDERR_FILENO + 1);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		/* Character erase of multibyte characters needs IUTF8. */
		t.c_iflag |= IUTF8;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	setenv("TERM", o->cfg.colors == 256 ? "xterm-256color" : "xterm", 1);
	/* UTF-8 line drawing instead of ISO 2022 from ncurses. */
	setenv("NCURSES_NO_UTF8_ACS", "1", 1);
	/* So GNU screen inside the session sees itself as top level. */
	unsetenv("STY");
	chdir_home();
	if (o->login_shell && lstat(".hushlogin", &st) != 0) {
		if (print_motd("/run/motd.dynamic") != 0)
			(void)print_motd("/var/run/motd.dynamic");
		(void)print_motd("/etc/motd");
	}
	fflush(stdout);
	/*
	 * Held until the server hears from a client, with the terminal on
	 * fd 0 alone: stdout and stderr are the same terminal, opened the
	 * same way, so they are given back as copies of it before exec
	 * (a session held for days costs two descriptors fewer).
	 */
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	if (fgets(line, sizeof(line), stdin) == NULL ||
	    dup2(STDIN_FILENO, STDOUT_FILENO) != STDOUT_FILENO ||
	    dup2(STDIN_FILENO, STDERR_FILENO) != STDERR_FILENO)
		_exit(1);
	setrlimit(RLIMIT_CORE, core);
	execvp(o->command_path, o->command);
	fprintf(stderr, "mosh-server: execvp %s: %s\n", o->command_path,
	    strerror(errno));
	sleep(3);
	_exit(1);
}

int
child_spawn(const struct server_opts *o, int cols, int rows,
    const struct rlimit *core, const char *rundir, struct child *c)
{
	struct winsize	 ws;
	int		 fl;

	memset(&ws, 0, sizeof(ws));
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)rows;
	c->pid = forkpty(&c->master, NULL, NULL, &ws);
	if (c->pid == -1) {
		fprintf(stderr, "mosh-server: forkpty: %s\n", strerror(errno));
		return -1;
	}
	if (c->pid == 0)
		child_exec(o, core);
	if ((fl = fcntl(c->master, F_GETFL)) == -1 ||
	    fcntl(c->master, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(c->master, F_SETFD, FD_CLOEXEC) == -1) {
		fprintf(stderr, "mosh-server: pty: %s\n", strerror(errno));
		return -1;
	}
	/* Before the sandbox: libutempter execs a setgid helper. */
	if ((c->utmp = utmp_helper_start(c->master, rundir)) == -1)
		fprintf(stderr, "mosh-server: utmp helper: %s\n",
		    strerror(errno));
	return 0;
}

int
child_release(struct child *c)
{
	ssize_t	 n;

	do {
		n = write(c->master, "\n", 1);
	} while (n == -1 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

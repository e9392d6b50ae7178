/* The process's surroundings: locale, terminal size, signals. */
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#include <langinfo.h>
#include <signal.h>
#include <string.h>

#include "base/base.h"

/* The charmap's name, "UTF-8" on glibc; its alias "utf8" is taken too. */
bool
base_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
}

/* TIOCGWINSZ on fd; a pty nobody sized reads 0x0, no use as a screen. */
int
base_winsize(int fd, int *cols, int *rows)
{
	struct winsize	 ws;

	*cols = 80;
	*rows = 24;
	if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 ||
	    ws.ws_row == 0)
		return -1;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	return 0;
}

/* Blocked first: a signal between the two calls would otherwise take its
 * default action instead of waiting in the fd. */
int
base_signalfd_open(const int *signals)
{
	sigset_t	 set;
	size_t		 i;

	sigemptyset(&set);
	for (i = 0; signals[i] != 0; i++)
		sigaddset(&set, signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

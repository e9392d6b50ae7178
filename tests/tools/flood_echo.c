/*
 * flood_echo LINES: a program that floods its terminal and still answers
 * keys, for measuring echo while output pours (tests/bench/scrollback.sh).
 * Row 1 says "echo: C N" for the N-th key C read (the bench waits for it);
 * rows 2.. are a scroll region that gets numbered lines, LINES of them,
 * as fast as the terminal takes them, then "flood-done". Raw mode, no
 * echo by the tty: only this program draws.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Write all of it (the terminal may take it in parts). */
static int
put(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(STDOUT_FILENO, p, n)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Keys read since the last look, each drawn on row 1. */
static void
answer_keys(unsigned *count)
{
	char	 c, b[64];
	int	 n;

	while (read(STDIN_FILENO, &c, 1) == 1) {
		(*count)++;
		n = snprintf(b, sizeof(b), "\0337\033[1;1H\033[2Kecho: %c %u"
		    "\0338", c >= 0x20 && c < 0x7f ? c : '?', *count);
		(void)put(b, (size_t)n);
	}
}

int
main(int argc, char **argv)
{
	struct termios	 t, saved;
	char		 b[8192];
	unsigned long	 lines, i = 0;
	unsigned	 count = 0;
	size_t		 used;
	int		 fl;

	if (argc != 2 || (lines = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: flood_echo LINES\n");
		return 2;
	}
	if (tcgetattr(STDIN_FILENO, &saved) == 0) {
		t = saved;
		cfmakeraw(&t);
		t.c_oflag |= OPOST | ONLCR;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	fl = fcntl(STDIN_FILENO, F_GETFL);
	(void)fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK);
	{
		static const char setup[] = "\033[2J\033[2;999r\033[999;1H";

		(void)put(setup, sizeof(setup) - 1);
	}
	while (i < lines) {
		answer_keys(&count);
		for (used = 0; i < lines && used + 32 < sizeof(b); i++)
			used += (size_t)snprintf(b + used, sizeof(b) - used,
			    "line %lu\n", i + 1);
		if (put(b, used) != 0)
			break;
	}
	(void)put("flood-done\n", 11);
	/* Keys keep being answered until one is q. */
	(void)fcntl(STDIN_FILENO, F_SETFL, fl);
	for (;;) {
		struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
		char	 c;

		if (poll(&p, 1, -1) < 0 || read(STDIN_FILENO, &c, 1) != 1 ||
		    c == 'q')
			break;
		count++;
		snprintf(b, sizeof(b), "\0337\033[1;1H\033[2Kecho: %c %u\0338",
		    c >= 0x20 && c < 0x7f ? c : '?', count);
		(void)put(b, strlen(b));
	}
	(void)put("\033[r", 3);
	(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return 0;
}

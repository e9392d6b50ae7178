/*
 * pty_drain FILE [US_PER_KIB...]
 * How fast a pty hands `cat FILE` to a reader that spends US_PER_KIB
 * microseconds of CPU on each KiB it reads (spinning, as an emulator
 * would be busy): for each cost, one line "US us/KiB: MB/s, reads". The
 * pty has the size a session's has (80x24) and the termios forkpty gives.
 * A server reads its pty the same way, so this says how much of the pty's
 * own rate a server whose work costs that much can reach (pty_rate.sh).
 */
#include <sys/wait.h>

#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/tools/benchutil.h"

/* Drain one cat of path at us_per_kib; 0, or -1 when the pty fails. */
static int
drain(const char *path, double us_per_kib)
{
	static char	 b[65536];
	struct winsize	 ws = { .ws_row = 24, .ws_col = 80 };
	double		 t0, busy;
	long long	 total = 0, reads = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 m;

	if ((pid = forkpty(&m, NULL, NULL, &ws)) == -1)
		return -1;
	if (pid == 0) {
		execlp("cat", "cat", path, (char *)NULL);
		_exit(127);
	}
	t0 = now();
	for (;;) {
		n = read(m, b, sizeof(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EIO: cat is done */
		reads++;
		total += n;
		busy = now() + us_per_kib * (double)n / 1024 / 1e6;
		while (now() < busy)
			;
	}
	printf("%g us/KiB: %.1f MB/s, %lld reads\n", us_per_kib,
	    (double)total / 1048576.0 / (now() - t0), reads);
	close(m);
	waitpid(pid, NULL, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	int	 i;

	if (argc < 2) {
		fprintf(stderr, "usage: pty_drain FILE [US_PER_KIB...]\n");
		return 2;
	}
	if (argc == 2)
		return drain(argv[1], 0) == 0 ? 0 : 1;
	for (i = 2; i < argc; i++)
		if (drain(argv[1], atof(argv[i])) != 0)
			return 1;
	return 0;
}

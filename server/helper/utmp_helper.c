/*
 * tsmosh-utmp-helper: the server's utmp helper (server/utmp.h) as its own
 * small program. mosh-server starts it once per session, before the
 * sandbox; linked with libutempter and libc only, it costs a session
 * about a tenth of what a re-executed mosh-server would (which loads
 * libcrypto, libsodium and the rest for nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/utmp.h"

int
main(int argc, char **argv)
{
	char	*end;
	long	 fd, master;

	if (argc != 4 || strcmp(argv[1], UTMP_HELPER_ARG) != 0)
		goto usage;
	fd = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || fd < 0 || fd > 65535)
		goto usage;
	master = strtol(argv[3], &end, 10);
	if (*argv[3] == '\0' || *end != '\0' || master < 0 || master > 65535)
		goto usage;
	utmp_helper_main((int)fd, (int)master);
usage:
	fprintf(stderr, "usage: tsmosh-utmp-helper %s FD MASTER (started by "
	    "mosh-server, not by hand)\n", UTMP_HELPER_ARG);
	return 2;
}

/*
 * tsmosh-utmp-helper: the server's utmp helper (server/utmp.h) as its own
 * small program. mosh-server starts it, before the
 * sandbox; linked with libutempter and libc only, it costs a session
 * about a tenth of what a re-executed mosh-server would (which loads
 * libcrypto, libsodium and the rest for nothing).
 */
#include <stdio.h>

#include "server/utmp.h"

int
main(int argc, char **argv)
{
	utmp_helper_from_argv(argc, argv);
	fprintf(stderr, "usage: tsmosh-utmp-helper %s FD (started by "
	    "mosh-server, not by hand)\n", UTMP_HELPER_ARG);
	return 2;
}

/*
 * Prints mosh-server's option list as the man page sets it, from the
 * settings table (server/config.c): `make man` puts it in
 * man/mosh-server.1, tests/integration/man_options.sh checks it is there.
 */
#include <stdio.h>

#include "server/options.h"

int
main(void)
{
	options_help(stdout, true);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * What `ps` and `pgrep -a` show for the server: we overwrite the memory
 * that held argv and the environment strings (moved to the heap first),
 * as setproctitle(3) does on the BSDs.
 */
#ifndef TSMOSH_SERVER_PROCTITLE_H
#define TSMOSH_SERVER_PROCTITLE_H

#include <stddef.h>

struct proctitle {
	char	*base;
	size_t	 len;
};

/* Returns a heap copy of argv to use from now on; NULL if out of memory. */
char	**proctitle_init(struct proctitle *, int argc, char **argv);
void	 proctitle_set(struct proctitle *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

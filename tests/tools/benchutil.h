/*
 * What the emulator benchmarks share (tests/tools/term_bench.c and
 * tests/bench/vterm_bench.c, which term.sh builds on its own): a
 * monotonic clock and reading the whole input file.
 */
#ifndef TSMOSH_TESTS_TOOLS_BENCHUTIL_H
#define TSMOSH_TESTS_TOOLS_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* All of PATH in a new buffer, its size in *len; or NULL, *err 2 if it
 * does not open and 1 if it is empty or cannot be read. */
static inline void *
read_all(const char *path, long *len, int *err)
{
	FILE	*f;
	void	*data = NULL;

	*err = 2;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	*err = 1;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	if (*len > 0 && (data = malloc((size_t)*len)) != NULL &&
	    fread(data, 1, (size_t)*len, f) != (size_t)*len) {
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

#endif

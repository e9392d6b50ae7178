/*
 * term_bench FILE [RUNS]
 * Feeds FILE to the emulator (80x24) in 4 KiB writes, as a pty delivers
 * it, RUNS times (default 5), and prints the best throughput in MB/s.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "term/emu.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	FILE		*f;
	uint8_t		*data;
	long		 len;
	size_t		 off, n;
	struct term_emu	*e;
	double		 t0, best = 0, mbs;
	int		 runs = argc > 2 ? atoi(argv[2]) : 5, i;

	setlocale(LC_CTYPE, "C.UTF-8");
	if (argc < 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: term_bench FILE [RUNS]\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	if (len <= 0 || (data = malloc((size_t)len)) == NULL ||
	    fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "term_bench: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	for (i = 0; i < runs; i++) {
		if ((e = term_emu_new(80, 24)) == NULL)
			return 1;
		t0 = now();
		for (off = 0; off < (size_t)len; off += n) {
			n = (size_t)len - off < 4096 ? (size_t)len - off : 4096;
			term_emu_write(e, data + off, n);
		}
		mbs = (double)len / (1024.0 * 1024.0) / (now() - t0);
		if (mbs > best)
			best = mbs;
		term_emu_free(e);
	}
	printf("%.1f\n", best);
	free(data);
	return 0;
}

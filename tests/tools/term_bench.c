/*
 * term_bench [-d] [-H LINES] FILE [RUNS]
 * Feeds FILE to the emulator (80x24) in 4 KiB writes, as a pty delivers
 * it, RUNS times (default 5), and prints the best throughput in MB/s.
 * With -d, every write is also followed by what the server does per
 * frame: a snapshot and the display diff from the previous one. With -H,
 * lines leaving the screen are kept as the server keeps scrollback, in
 * a ring of LINES.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "statesync/history.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/tools/benchutil.h"

int
main(int argc, char **argv)
{
	uint8_t		*data;
	long		 len;
	size_t		 off, n;
	struct term_emu	*e;
	double		 t0, best = 0, mbs;
	struct term_fb	*prev, *cur;
	struct term_buf	 out;
	struct host_history *hist = NULL;
	int		 runs, i, rc, frames = 0, lines = 0;

	setlocale(LC_CTYPE, "C.UTF-8");
	for (;;) {
		if (argc > 1 && strcmp(argv[1], "-d") == 0) {
			frames = 1;
			argc--;
			argv++;
		} else if (argc > 2 && strcmp(argv[1], "-H") == 0) {
			lines = atoi(argv[2]);
			argc -= 2;
			argv += 2;
		} else
			break;
	}
	runs = argc > 2 ? atoi(argv[2]) : 5;
	term_buf_init(&out);
	if (argc < 2 ||
	    ((data = read_all(argv[1], &len, &rc)) == NULL && rc == 2)) {
		fprintf(stderr, "usage: term_bench [-d] [-H LINES] FILE [RUNS]\n");
		return 2;
	}
	if (data == NULL) {
		fprintf(stderr, "term_bench: cannot read %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < runs; i++) {
		if ((e = term_emu_new(80, 24)) == NULL)
			return 1;
		if (lines > 0) {
			if ((hist = host_history_new((size_t)lines)) == NULL)
				return 1;
			term_emu_set_history(e, host_history_sink, hist);
		}
		prev = frames ? term_emu_snapshot(e) : NULL;
		t0 = now();
		for (off = 0; off < (size_t)len; off += n) {
			n = (size_t)len - off < 4096 ? (size_t)len - off : 4096;
			term_emu_write(e, data + off, n);
			if (!frames)
				continue;
			cur = term_emu_snapshot(e);
			term_buf_clear(&out);
			term_display_diff(prev, cur, &out);
			term_fb_free(prev);
			prev = cur;
		}
		term_fb_free(prev);
		mbs = (double)len / (1024.0 * 1024.0) / (now() - t0);
		if (mbs > best)
			best = mbs;
		term_emu_free(e);
		host_history_unref(hist);
		hist = NULL;
	}
	printf("%.1f\n", best);
	term_buf_free(&out);
	free(data);
	return 0;
}

/*
 * term_render [-c COLS] [-r ROWS] [-k STEPS] < stream > repaint
 * Emulates a byte stream and writes the display diff that paints the
 * resulting screen from an unknown state (term_display_diff(NULL, fb)).
 * With -k, the stream is cut into STEPS pieces (anywhere, even inside a
 * sequence) and the output is the first repaint followed by the diff
 * from each snapshot to the next, as a client would receive them.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "term/display.h"
#include "term/emu.h"

static int
emit(const struct term_fb *old, const struct term_fb *new, struct term_buf *out)
{
	term_buf_clear(out);
	if (term_display_diff(old, new, out) == -1)
		return -1;
	if (fwrite(out->data, 1, out->len, stdout) != out->len)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct term_emu	*emu;
	struct term_fb	*prev = NULL, *cur = NULL;
	struct term_buf	 in, out;
	uint8_t		 buf[65536];
	size_t		 n, off, piece;
	int		 ch, cols = 80, rows = 24, steps = 1, rc = 1, i;

	setlocale(LC_CTYPE, "C.UTF-8");
	while ((ch = getopt(argc, argv, "c:r:k:")) != -1) {
		switch (ch) {
		case 'c':
			cols = atoi(optarg);
			break;
		case 'r':
			rows = atoi(optarg);
			break;
		case 'k':
			steps = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: term_render [-c cols] [-r rows] [-k steps]\n");
			return 2;
		}
	}
	if (steps < 1)
		steps = 1;
	if ((emu = term_emu_new(cols, rows)) == NULL) {
		fprintf(stderr, "term_render: bad size or out of memory\n");
		return 1;
	}
	term_buf_init(&in);
	term_buf_init(&out);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		term_buf_add(&in, buf, n);
	if (in.failed)
		goto done;
	piece = in.len / (size_t)steps + 1;
	for (i = 0, off = 0; i < steps; i++, off += n) {
		n = in.len - off < piece ? in.len - off : piece;
		if (term_emu_write(emu, in.data + off, n) == -1)
			goto done;
		if ((cur = term_emu_snapshot(emu)) == NULL)
			goto done;
		if (emit(prev, cur, &out) == -1)
			goto done;
		term_fb_free(prev);
		prev = cur;
		cur = NULL;
	}
	rc = 0;
done:
	term_fb_free(prev);
	term_fb_free(cur);
	term_buf_free(&in);
	term_buf_free(&out);
	term_emu_free(emu);
	return rc;
}

/*
 * term_render [-c COLS] [-r ROWS] < stream > repaint
 * Emulates a byte stream and writes the display diff that paints the
 * resulting screen from an unknown state (term_display_diff(NULL, fb)).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "term/display.h"
#include "term/emu.h"

int
main(int argc, char **argv)
{
	struct term_emu	*emu;
	struct term_buf	 out;
	uint8_t		 buf[65536];
	size_t		 n;
	int		 ch, cols = 80, rows = 24, rc = 1;

	setlocale(LC_CTYPE, "C.UTF-8");
	while ((ch = getopt(argc, argv, "c:r:")) != -1) {
		switch (ch) {
		case 'c':
			cols = atoi(optarg);
			break;
		case 'r':
			rows = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: term_render [-c cols] [-r rows]\n");
			return 2;
		}
	}
	if ((emu = term_emu_new(cols, rows)) == NULL) {
		fprintf(stderr, "term_render: bad size or out of memory\n");
		return 1;
	}
	term_buf_init(&out);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (term_emu_write(emu, buf, n) == -1)
			goto done;
	}
	if (term_display_diff(NULL, term_emu_fb(emu), &out) == -1)
		goto done;
	if (fwrite(out.data, 1, out.len, stdout) != out.len)
		goto done;
	rc = 0;
done:
	term_buf_free(&out);
	term_emu_free(emu);
	return rc;
}

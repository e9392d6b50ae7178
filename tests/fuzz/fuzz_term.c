/*
 * Fuzz the emulator and the display diff: the input is host output, cut
 * in two at a point its first byte chooses. After each half, the screen
 * is repainted onto a blank receiver (diff from NULL) and diffed from the
 * previous screen onto a receiver showing it; both must match exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "term/display.h"
#include "term/emu.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_same(const struct term_fb *want, struct term_emu *rx)
{
	struct term_fb	*got = term_emu_snapshot(rx);

	if (got == NULL)
		return;
	/* The receiver counts bells its own way; see term_display_diff. */
	got->bell_count = want->bell_count;
	if (!term_fb_equal(got, want))
		abort();
	term_fb_free(got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_emu	*host = NULL, *rx = NULL, *fresh = NULL;
	struct term_fb	*a = NULL, *b = NULL;
	struct term_buf	 out;
	size_t		 cut;
	int		 cols, rows;

	fuzz_utf8_locale();
	if (size < 2)
		return 0;
	fuzz_screen_size(data, &cols, &rows);
	cut = 2 + (size - 2) * (data[0] & 0x7f) / 128;
	term_buf_init(&out);
	if ((host = term_emu_new(cols, rows)) == NULL ||
	    (rx = term_emu_new(cols, rows)) == NULL ||
	    (fresh = term_emu_new(cols, rows)) == NULL)
		goto done;

	term_emu_write(host, data + 2, cut - 2);
	if ((a = term_emu_snapshot(host)) == NULL)
		goto done;
	if (term_display_diff(NULL, a, &out) == 0) {
		term_emu_write(rx, out.data, out.len);
		check_same(a, rx);
	}

	term_emu_write(host, data + cut, size - cut);
	if ((b = term_emu_snapshot(host)) == NULL)
		goto done;
	term_buf_clear(&out);
	if (term_display_diff(a, b, &out) == 0) {
		term_emu_write(rx, out.data, out.len);
		check_same(b, rx);
	}
	term_buf_clear(&out);
	if (term_display_diff(NULL, b, &out) == 0) {
		term_emu_write(fresh, out.data, out.len);
		check_same(b, fresh);
	}
done:
	term_fb_free(a);
	term_fb_free(b);
	term_emu_free(host);
	term_emu_free(rx);
	term_emu_free(fresh);
	term_buf_free(&out);
	return 0;
}

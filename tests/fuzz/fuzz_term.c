/*
 * Fuzz the emulator and the display diff: the input is host output, cut
 * in two at a point its first byte chooses. After each half, the screen
 * is repainted onto a blank receiver (diff from NULL) and diffed from the
 * previous screen onto a receiver showing it; both must match exactly.
 * The host has a history sink: every line leaving its screen, drawn by
 * term_display_row onto a one-row receiver wiped first (SGR 0, CR, EL 2:
 * cheaper than a new one or RIS, which resets 2048 tab stops), must come
 * out the same, and goes on into a server's ring of a few lines, which
 * must count its bytes right and keep them within its budget (the oldest
 * rows drawn as bytes, then dropped). The same input written a byte at a
 * time (so past every fast path of term_emu_write) must leave the same
 * screen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statesync/history.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A row's ink is an upper bound: every cell from there on is a default
 * blank, and a row cut there (term_row_trimmed) keeps all it shows. */
static void
check_ink(const struct term_row *row, int cols)
{
	static const struct term_cell blank = { .ch = ' ' };
	struct term_row	*t;
	int		 x, w;

	for (x = row->ink; x < cols; x++)
		if (memcmp(&row->cells[x], &blank, sizeof(blank)) != 0)
			abort();
	if ((t = term_row_trimmed(row, cols, &w)) == NULL)
		return;
	if (w > cols || memcmp(t->cells, row->cells, (size_t)w *
	    sizeof(blank)) != 0)
		abort();
	term_fb_row_unref(t);
}

static void
check_same(const struct term_fb *want, struct term_emu *rx)
{
	struct term_fb	*got = term_emu_snapshot(rx);
	int		 y;

	for (y = 0; y < want->rows; y++)
		check_ink(want->row[y], want->cols);
	if (got == NULL)
		return;
	/* The receiver counts bells its own way; see term_display_diff. */
	got->bell_count = want->bell_count;
	if (!term_fb_equal(got, want))
		abort();
	term_fb_free(got);
}

/* What the history sink reuses from line to line of one input. */
struct history {
	struct term_emu	*rx;		/* one row, wiped before each line */
	struct term_buf	 out;
	struct host_history *ring;	/* a server's, of FUZZ_RING_LINES */
};
#define FUZZ_RING_LINES	4

/* The ring's count of its bytes is theirs, and within its budget unless
 * its newest line alone exceeds it. */
static void
check_ring(const struct host_history *ring)
{
	if (host_history_recount(ring) != ring->held ||
	    (ring->held > ring->budget && ring->next - ring->first > 1))
		abort();
}

/* The history sink: a line drawn alone reads back the same, then is dropped. */
static void
check_history(void *arg, struct term_row *row, int cols)
{
	struct history	*h = arg;
	const struct term_fb *fb = term_emu_fb(h->rx);

	check_ink(row, cols);
	term_buf_clear(&h->out);
	term_buf_adds(&h->out, "\033[0m\r\033[2K");
	if (fb->cols == cols && term_display_row(row, cols, &h->out) == 0 &&
	    term_emu_write(h->rx, h->out.data, h->out.len) == 0 &&
	    !term_fb_row_equal(fb, row, fb->row[0]))
		abort();
	if (h->ring != NULL) {
		row->refs++;
		host_history_sink(h->ring, row, cols);
		check_ring(h->ring);
	}
	term_fb_row_unref(row);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_emu	*host = NULL, *rx = NULL, *fresh = NULL, *bytewise = NULL;
	const struct term_fb *bw;
	size_t		 i;
	struct term_fb	*a = NULL, *b = NULL;
	struct term_buf	 out;
	struct history	 hist = { NULL, { 0 }, NULL };
	size_t		 cut;
	int		 cols, rows;

	fuzz_utf8_locale();
	if (size < 2)
		return 0;
	fuzz_screen_size(data, &cols, &rows);
	cut = 2 + (size - 2) * (data[0] & 0x7f) / 128;
	term_buf_init(&out);
	term_buf_init(&hist.out);
	if ((host = term_emu_new(cols, rows)) == NULL ||
	    (rx = term_emu_new(cols, rows)) == NULL ||
	    (fresh = term_emu_new(cols, rows)) == NULL ||
	    (bytewise = term_emu_new(cols, rows)) == NULL ||
	    (hist.rx = term_emu_new(cols, 1)) == NULL ||
	    (hist.ring = host_history_new(FUZZ_RING_LINES)) == NULL)
		goto done;
	term_emu_set_history(host, check_history, &hist);

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
	for (i = 2; i < size; i++)
		term_emu_write(bytewise, data + i, 1);
	bw = term_emu_fb(bytewise);
	if (!term_fb_equal(bw, b) || bw->cx != b->cx || bw->cy != b->cy)
		abort();
done:
	if (hist.ring != NULL) {
		(void)host_history_compact(hist.ring);	/* output paused */
		check_ring(hist.ring);
		host_history_unref(hist.ring);
	}
	term_fb_free(a);
	term_fb_free(b);
	term_emu_free(host);
	term_emu_free(rx);
	term_emu_free(fresh);
	term_emu_free(bytewise);
	term_emu_free(hist.rx);
	term_buf_free(&hist.out);
	term_buf_free(&out);
	return 0;
}

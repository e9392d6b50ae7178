/*
 * The display diff as a differential oracle, along the path a screen
 * takes in a session. Host output goes into the server's terminal in a
 * few chunks; after each, the server keeps a copy of its state, and the
 * state's diff (statesync/hoststate: resize, then term/'s display diff,
 * as a HostMessage) from an earlier copy is applied to a clone of the
 * client's copy of that earlier state, as SSP does. The client's screen
 * must then equal the server's. The client then draws it on its own
 * terminal with the display diff from what that showed before, and the
 * terminal must show the same. Each chunk also goes to a clone of the
 * server's terminal taken before it, which must end up the same as the
 * original and carries on in its place: SSP clones states wherever the
 * bytes stopped, in the middle of a sequence too. Any difference aborts.
 *
 * Input: byte 0 bit 7 asks for a small screen, sized by byte 1; byte 2
 * the number of chunks (1-8); then per chunk three bytes: where it ends
 * (share of the rest), a resize before it (0: none; else the low nibble
 * gives columns, the high one rows), and which earlier state the diff
 * starts from (0: the previous one). The rest is the host output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/buf.h"
#include "statesync/hoststate.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/fuzz/fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FD_STEPS	8

static void
fd_str(const char *what, const struct term_str *want,
    const struct term_str *got)
{
	if (term_fb_str_equal(want, got))
		return;
	fprintf(stderr, "  %s \"%.*s\"/\"%.*s\"\n", what,
	    want != NULL ? (int)want->len : 0, want != NULL ? want->data : "",
	    got != NULL ? (int)got->len : 0, got != NULL ? got->data : "");
}

/* What differs first, so a crash report says more than "abort". */
static void
fd_report(const char *what, int step, const struct term_fb *want,
    const struct term_fb *got)
{
	const struct term_cell *a, *b;
	int		 x, y;

	fprintf(stderr, "fuzz_display: %s differs after chunk %d\n", what, step);
	fprintf(stderr, "  size %dx%d/%dx%d cursor %d,%d/%d,%d vis %d/%d"
	    " pen %x,%x,%x/%x,%x,%x bells %u/%u\n", want->cols, want->rows,
	    got->cols, got->rows, want->cx, want->cy, got->cx, got->cy,
	    want->cursor_visible, got->cursor_visible, want->pen.fg,
	    want->pen.bg, want->pen.attr, got->pen.fg, got->pen.bg,
	    got->pen.attr, want->bell_count, got->bell_count);
	fprintf(stderr, "  rv %d/%d bp %d/%d mouse %d,%d/%d,%d focus %d/%d"
	    " title set %d/%d\n", want->reverse_video, got->reverse_video,
	    want->bracketed_paste, got->bracketed_paste, want->mouse_mode,
	    want->mouse_enc, got->mouse_mode, got->mouse_enc,
	    want->focus_events, got->focus_events, want->title_set,
	    got->title_set);
	fd_str("title", want->title, got->title);
	fd_str("icon", want->icon, got->icon);
	fd_str("clipboard", want->clipboard, got->clipboard);
	if (want->cols != got->cols || want->rows != got->rows)
		return;
	for (y = 0; y < want->rows; y++) {
		for (x = 0; x < want->cols; x++) {
			a = term_fb_cell(want, x, y);
			b = term_fb_cell(got, x, y);
			if (memcmp(a, b, sizeof(*a)) == 0)
				continue;
			fprintf(stderr, "  cell %d,%d: want U+%04X+%04X w%d"
			    " fg %x bg %x a %x; got U+%04X+%04X w%d fg %x"
			    " bg %x a %x\n", x, y, a->ch, a->comb[0], a->wide,
			    a->fg, a->bg, a->attr, b->ch, b->comb[0], b->wide,
			    b->fg, b->bg, b->attr);
			return;
		}
	}
}

/*
 * got must show want. A diff carries one BEL for any number of bells, so
 * the receiver's count only says whether one rang: it must have changed
 * exactly when the sender's did between the two ends of the diff.
 */
static void
fd_check(const char *what, int step, const struct term_fb *want,
    unsigned want_from_bells, const struct term_fb *got,
    unsigned got_from_bells)
{
	struct term_fb	*g;

	if ((g = term_fb_clone(got)) == NULL)
		return;
	if ((want->bell_count != want_from_bells) !=
	    (got->bell_count != got_from_bells)) {
		fd_report(what, step, want, got);
		fprintf(stderr, "  the bell\n");
		abort();
	}
	g->bell_count = want->bell_count;
	if (!term_fb_equal(want, g)) {
		fd_report(what, step, want, g);
		abort();
	}
	term_fb_free(g);
}

/* A clone fed the same bytes as its original shows and answers the same. */
static void
fd_same_emu(int step, struct term_emu *orig, struct term_emu *twin)
{
	const struct term_buf *a = term_emu_replies(orig);
	const struct term_buf *b = term_emu_replies(twin);

	if (!term_fb_equal(term_emu_fb(orig), term_emu_fb(twin))) {
		fd_report("a clone of the server's terminal", step,
		    term_emu_fb(orig), term_emu_fb(twin));
		abort();
	}
	if (a->len != b->len || (a->len > 0 && memcmp(a->data, b->data,
	    a->len) != 0)) {
		fprintf(stderr, "fuzz_display: a clone's replies differ after"
		    " chunk %d\n", step);
		abort();
	}
}

static const struct term_fb *
fd_fb(const void *state)
{
	const struct host_state *h = state;

	return term_emu_fb(h->emu);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ssp_state_ops *ops = &host_state_ops;
	struct host_state *host = NULL;
	void		*srv[FD_STEPS + 1] = { NULL }, *cli[FD_STEPS + 1] = { NULL };
	struct term_emu	*tty = NULL, *twin;
	struct term_fb	*shown = NULL;
	struct term_buf	 out;
	struct buf	 diff = BUF_INIT;
	const uint8_t	*desc, *p;
	size_t		 len, n;
	unsigned	 bells;
	int		 cols, rows, steps, i, base;
	uint8_t		 r;

	fuzz_utf8_locale();
	if (size < 3)
		return 0;
	fuzz_screen_size(data, &cols, &rows);
	steps = 1 + data[2] % FD_STEPS;
	if (size < 3 + 3 * (size_t)steps)
		return 0;
	desc = data + 3;
	p = desc + 3 * steps;
	len = size - 3 - 3 * (size_t)steps;

	term_buf_init(&out);
	/* State 0: both ends start from the same blank screen. */
	if ((host = host_state_new(cols, rows)) == NULL ||
	    (srv[0] = ops->clone(host)) == NULL ||
	    (cli[0] = ops->clone(host)) == NULL ||
	    (tty = term_emu_new(cols, rows)) == NULL ||
	    (shown = term_fb_clone(fd_fb(cli[0]))) == NULL)
		goto done;

	for (i = 1; i <= steps; i++) {
		/* The resize a client's window change makes on the server. */
		if ((r = desc[3 * (i - 1) + 1]) != 0)
			(void)term_emu_resize(host->emu, 1 + (r & 0x0f) * 6,
			    1 + (r >> 4) * 2);
		n = i == steps ? len : len * desc[3 * (i - 1)] / 255;
		/*
		 * A clone taken here, perhaps in the middle of an escape
		 * sequence (as SSP clones a client's state wherever the
		 * server's bytes stopped), must go on exactly as the
		 * original; the clone carries on from here.
		 */
		if ((twin = term_emu_clone(host->emu)) == NULL)
			goto done;
		(void)term_emu_write(host->emu, p, n);
		(void)term_emu_write(twin, p, n);
		fd_same_emu(i, host->emu, twin);
		term_emu_free(host->emu);
		host->emu = twin;
		/* Query replies go back to the application, not the client. */
		term_buf_clear(term_emu_replies(host->emu));
		p += n;
		len -= n;
		if ((srv[i] = ops->clone(host)) == NULL)
			goto done;

		/* SSP diffs from the state the client is assumed to hold. */
		base = i - 1 - desc[3 * (i - 1) + 2] % i;
		buf_reset(&diff);
		if (ops->diff(srv[base], srv[i], &diff) != 0)
			goto done;
		if ((cli[i] = ops->clone(cli[base])) == NULL)
			goto done;
		if (diff.len > 0 && ops->apply(cli[i], diff.data, diff.len) !=
		    PROTO_OK) {
			fprintf(stderr, "fuzz_display: the client refused a diff"
			    " after chunk %d\n", i);
			abort();
		}
		fd_check("client state", i, fd_fb(srv[i]),
		    fd_fb(srv[base])->bell_count, fd_fb(cli[i]),
		    fd_fb(cli[base])->bell_count);

		/*
		 * The client draws the new state on the user's terminal. Its
		 * size is the window's, which no byte changes: a resize came
		 * from the window, so the terminal has the new size already.
		 */
		if (term_emu_resize(tty, fd_fb(cli[i])->cols,
		    fd_fb(cli[i])->rows) != 0)
			goto done;
		term_buf_clear(&out);
		if (term_display_diff(shown, fd_fb(cli[i]), &out) != 0)
			goto done;
		bells = term_emu_fb(tty)->bell_count;
		(void)term_emu_write(tty, out.data, out.len);
		term_buf_clear(term_emu_replies(tty));
		fd_check("terminal", i, fd_fb(cli[i]), shown->bell_count,
		    term_emu_fb(tty), bells);
		term_fb_free(shown);
		if ((shown = term_fb_clone(fd_fb(cli[i]))) == NULL)
			goto done;
	}
done:
	for (i = 0; i <= FD_STEPS; i++) {
		if (srv[i] != NULL)
			ops->free(srv[i]);
		if (cli[i] != NULL)
			ops->free(cli[i]);
	}
	host_state_free(host);
	term_emu_free(tty);
	term_fb_free(shown);
	term_buf_free(&out);
	buf_free(&diff);
	return 0;
}

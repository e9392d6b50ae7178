/*
 * Round-trip property: for 10000 random runs of six screens each, every
 * screen derived from the one before by more random host output (text,
 * wide and combining characters, renditions, edits, scrolling, modes,
 * titles, resizes), a receiver showing screen a that applies
 * term_display_diff(a, b) shows exactly b. The receiver starts from
 * term_display_diff(NULL, first), as a client does. Fixed seed.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/display.h"
#include "term/emu.h"
#include "tests/unit/check.h"

struct rng {
	uint64_t s;
};

static uint32_t
rnd(struct rng *r, uint32_t n)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return n ? (uint32_t)(r->s % n) : 0;
}

static void addf(struct term_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
addf(struct term_buf *b, const char *fmt, ...)
{
	char	 tmp[64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		term_buf_add(b, tmp, (size_t)n);
}

static const uint32_t wide_chars[] = { 0x4e2d, 0x6587, 0xac00, 0x3042, 0x1f600, 0xff21 };
static const uint32_t comb_chars[] = { 0x301, 0x308, 0x303, 0x323, 0x20dd };
static const uint32_t other_chars[] = { 0xe9, 0x3b1, 0x416, 0x2500, 0x2592, 0xfffd };
static const unsigned modes[] = { 5, 25, 2004, 1000, 1001, 1002, 1003, 1004, 1005,
    1006, 1015, 7, 6, 1049, 47, 1047, 4 };

static void
random_sgr(struct rng *r, struct term_buf *b)
{
	switch (rnd(r, 8)) {
	case 0:
		term_buf_adds(b, "\033[0m");
		break;
	case 1:
		addf(b, "\033[%u;%um", 30 + rnd(r, 8), 40 + rnd(r, 8));
		break;
	case 2:
		addf(b, "\033[%u;%um", 90 + rnd(r, 8), 100 + rnd(r, 8));
		break;
	case 3:
		addf(b, "\033[38;5;%u;48;5;%um", rnd(r, 256), rnd(r, 256));
		break;
	case 4:
		addf(b, "\033[38;2;%u;%u;7m", rnd(r, 256), rnd(r, 256));
		break;
	case 5:
		addf(b, "\033[%u;%um", 1 + rnd(r, 9), 21 + rnd(r, 9));
		break;
	case 6:
		addf(b, "\033[48;2;1;%u;%um", rnd(r, 256), rnd(r, 256));
		break;
	default:
		addf(b, "\033[%u;%um", 39, 49);
		break;
	}
}

static void
random_text(struct rng *r, struct term_buf *b, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		switch (rnd(r, 12)) {
		case 0:
			term_buf_addutf8(b, wide_chars[rnd(r, 6)]);
			break;
		case 1:
			term_buf_addutf8(b, comb_chars[rnd(r, 5)]);
			break;
		case 2:
			term_buf_addutf8(b, other_chars[rnd(r, 6)]);
			break;
		case 3:
			term_buf_addc(b, ' ');
			break;
		default:
			term_buf_addc(b, (uint8_t)(0x21 + rnd(r, 94)));
			break;
		}
	}
}

/* One random piece of host output for a cols x rows screen. */
static void
random_op(struct rng *r, struct term_buf *b, int cols, int rows)
{
	unsigned c = (unsigned)cols, h = (unsigned)rows;

	switch (rnd(r, 30)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		random_text(r, b, 1 + rnd(r, c + c / 2));
		break;
	case 6: case 7:
		random_sgr(r, b);
		break;
	case 8: case 9:
		addf(b, "\033[%u;%uH", 1 + rnd(r, h), 1 + rnd(r, c));
		break;
	case 10:
		term_buf_adds(b, "\r\n");
		break;
	case 11:
		addf(b, "\033[%u%c", rnd(r, 3), "JK"[rnd(r, 2)]);
		break;
	case 12:
		addf(b, "\033[%u%c", 1 + rnd(r, 6), "X@PLMST"[rnd(r, 7)]);
		break;
	case 13:
		addf(b, "\033[%u;%ur", 1 + rnd(r, h), 1 + rnd(r, h));
		break;
	case 14:
		term_buf_addrep(b, '\n', 1 + rnd(r, h));
		break;
	case 15:
		term_buf_adds(b, rnd(r, 2) ? "\033M" : "\033D");
		break;
	case 16:
		addf(b, "\033[?%u%c", modes[rnd(r, sizeof(modes) / sizeof(modes[0]))],
		    "hl"[rnd(r, 2)]);
		break;
	case 17:
		addf(b, "\033]%u;title %u\a", rnd(r, 3), rnd(r, 4));
		break;
	case 18:
		addf(b, "\033]52;c;%x%x\a", rnd(r, 1000), rnd(r, 1000));
		break;
	case 19:
		term_buf_addc(b, '\a');
		break;
	case 20:
		addf(b, "\033[%u%c", 1 + rnd(r, c), "ABCDGd"[rnd(r, 6)]);
		break;
	case 21:
		term_buf_adds(b, "\t");
		break;
	case 22:
		term_buf_adds(b, rnd(r, 2) ? "\0337" : "\0338");
		break;
	case 23:
		term_buf_adds(b, rnd(r, 2) ? "\033(0" : "\033(B");
		break;
	case 24:
		addf(b, "\033[%u;%uH", h, 1 + rnd(r, c));
		random_text(r, b, c + rnd(r, c));
		break;
	case 25:
		addf(b, "\033[%u;%uH", 1 + rnd(r, h), c - rnd(r, 3));
		random_text(r, b, 1 + rnd(r, 4));
		break;
	case 26:
		term_buf_adds(b, "\033[r");
		break;
	case 27:
		term_buf_adds(b, "\b\b");
		break;
	case 28:
		addf(b, "\033[%u;%uH\033[K", 1 + rnd(r, h), 1 + rnd(r, c));
		break;
	default:
		term_buf_adds(b, rnd(r, 4) ? "\033[!p" : "\033c");
		break;
	}
}

static void
dump_difference(const struct term_fb *want, const struct term_fb *got)
{
	int	 x, y;

	printf("#   size %dx%d/%dx%d cursor %d,%d/%d,%d vis %d/%d pen %x,%x,%x/%x,%x,%x\n",
	    want->cols, want->rows, got->cols, got->rows, want->cx, want->cy,
	    got->cx, got->cy, want->cursor_visible, got->cursor_visible,
	    want->pen.fg, want->pen.bg, want->pen.attr, got->pen.fg,
	    got->pen.bg, got->pen.attr);
	printf("#   modes rv %d/%d bp %d/%d mouse %d,%d/%d,%d focus %d/%d\n",
	    want->reverse_video, got->reverse_video, want->bracketed_paste,
	    got->bracketed_paste, want->mouse_mode, want->mouse_enc,
	    got->mouse_mode, got->mouse_enc, want->focus_events, got->focus_events);
	if (want->cols != got->cols || want->rows != got->rows)
		return;
	for (y = 0; y < want->rows; y++) {
		for (x = 0; x < want->cols; x++) {
			const struct term_cell *a = term_fb_cell(want, x, y);
			const struct term_cell *b = term_fb_cell(got, x, y);
			if (memcmp(a, b, sizeof(*a)) != 0) {
				printf("#   cell %d,%d: want U+%04X+%04X w%d fg %x bg %x a %x;"
				    " got U+%04X+%04X w%d fg %x bg %x a %x\n", x, y,
				    a->ch, a->comb[0], a->wide, a->fg, a->bg, a->attr,
				    b->ch, b->comb[0], b->wide, b->fg, b->bg, b->attr);
				return;
			}
		}
	}
}

static void
dump_bytes(const struct term_buf *b)
{
	size_t	 i;

	printf("#   diff: ");
	for (i = 0; i < b->len && i < 600; i++) {
		if (b->data[i] < 0x20 || b->data[i] >= 0x7f)
			printf("\\x%02x", b->data[i]);
		else
			putchar(b->data[i]);
	}
	printf("\n");
}

/*
 * Apply diff(old, want) to the receiver; 1 if it now shows want. The
 * receiver's bell count only says a bell rang, so it is compared that way.
 */
static int
apply_and_compare(struct term_emu *rx, const struct term_fb *old,
    const struct term_fb *want, struct term_buf *diff)
{
	struct term_fb	*got;
	unsigned	 bells;
	int		 ok, y;

	term_buf_clear(diff);
	if (term_display_diff(old, want, diff) == -1)
		return 0;
	bells = term_emu_fb(rx)->bell_count;
	if (term_emu_write(rx, diff->data, diff->len) == -1)
		return 0;
	if ((got = term_emu_snapshot(rx)) == NULL)
		return 0;
	ok = (got->bell_count != bells) == (old != NULL && old->bell_count != want->bell_count);
	got->bell_count = want->bell_count;
	if (ok && !term_fb_equal(got, want))
		ok = 0;
	/* Wrapped rows must stay wrapped (the last row's hint is moot). */
	for (y = 0; ok && y < want->rows - 1; y++) {
		if (got->row[y]->wrap != want->row[y]->wrap) {
			printf("#   row %d wrap: want %d got %d\n", y,
			    want->row[y]->wrap, got->row[y]->wrap);
			ok = 0;
		}
	}
	if (!ok) {
		dump_difference(want, got);
		dump_bytes(diff);
	}
	if (term_emu_replies(rx)->len != 0)
		ok = 0;
	term_fb_free(got);
	return ok;
}

static const int sizes[][2] = { { 80, 24 }, { 10, 5 }, { 20, 8 }, { 3, 2 }, { 132, 40 } };

static void
roundtrip_random_pairs(struct check *t)
{
	struct rng	 r = { 0x9e3779b97f4a7c15ull };
	struct term_buf	 in, diff;
	struct term_emu	*host = NULL, *rx = NULL;
	struct term_fb	*prev = NULL, *cur = NULL;
	int		 iter, step, op, cols, rows, fails = 0, s;

	term_buf_init(&in);
	term_buf_init(&diff);
	for (iter = 0; iter < 10000 && fails < 3; iter++) {
		s = (int)rnd(&r, 5);
		cols = sizes[s][0];
		rows = sizes[s][1];
		host = term_emu_new(cols, rows);
		rx = term_emu_new(cols, rows);
		CHECK(t, host != NULL && rx != NULL);
		if (host == NULL || rx == NULL)
			break;
		for (step = 0; step < 6; step++) {
			term_buf_clear(&in);
			for (op = 0; op < 1 + (int)rnd(&r, 12); op++)
				random_op(&r, &in, cols, rows);
			if (step > 0 && rnd(&r, 20) == 0) {
				cols = 1 + (int)rnd(&r, 30);
				rows = 1 + (int)rnd(&r, 12);
				CHECK(t, term_emu_resize(host, cols, rows) == 0);
				CHECK(t, term_emu_resize(rx, cols, rows) == 0);
			}
			CHECK(t, term_emu_write(host, in.data, in.len) == 0);
			term_buf_clear(term_emu_replies(host));
			cur = term_emu_snapshot(host);
			if (!apply_and_compare(rx, prev, cur, &diff)) {
				printf("#   iteration %d step %d %s\n", iter, step,
				    prev ? "diff" : "full repaint");
				fails++;
				CHECK(t, 0);
			}
			term_fb_free(prev);
			prev = cur;
			cur = NULL;
		}
		term_fb_free(prev);
		prev = NULL;
		term_emu_free(host);
		term_emu_free(rx);
	}
	term_buf_free(&in);
	term_buf_free(&diff);
}

/* Snapshots share rows: diffing a screen with its own clone is free. */
static void
clone_shares_rows(struct check *t)
{
	struct term_emu	*e = term_emu_new(80, 24);
	struct term_fb	*a, *b;
	struct term_buf	 out;

	term_buf_init(&out);
	term_emu_write(e, (const uint8_t *)"hello\r\nworld", 12);
	a = term_emu_snapshot(e);
	b = term_fb_clone(a);
	CHECK(t, a->row[0] == b->row[0]);
	CHECK(t, term_fb_equal(a, b));
	CHECK_EQ_INT(t, term_display_diff(a, b, &out), 0);
	CHECK_EQ_INT(t, out.len, 0);
	term_emu_write(e, (const uint8_t *)"!", 1);
	CHECK(t, term_emu_fb(e)->row[1] != a->row[1]);	/* copied on write */
	CHECK(t, term_emu_fb(e)->row[0] == a->row[0]);	/* still shared */
	CHECK_EQ_INT(t, term_fb_cell(a, 5, 1)->ch, ' ');
	term_fb_free(a);
	term_fb_free(b);
	term_emu_free(e);
	term_buf_free(&out);
}

/* A scrolled screen travels as a scroll, not a repaint. */
static void
scroll_is_detected(struct check *t)
{
	struct term_emu	*e = term_emu_new(80, 24);
	struct term_fb	*a, *b;
	struct term_buf	 out;
	char		 line[64];
	int		 i, n;

	term_buf_init(&out);
	for (i = 0; i < 30; i++) {
		n = snprintf(line, sizeof(line), "line %d of a long enough listing\r\n", i);
		term_emu_write(e, (const uint8_t *)line, (size_t)n);
	}
	a = term_emu_snapshot(e);
	term_emu_write(e, (const uint8_t *)"one more\r\n", 10);
	b = term_emu_snapshot(e);
	CHECK_EQ_INT(t, term_display_diff(a, b, &out), 0);
	CHECK(t, out.len < 40);
	term_fb_free(a);
	term_fb_free(b);
	term_emu_free(e);
	term_buf_free(&out);
}

static void
utf8_ctype(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

CHECK_MAIN_SETUP(utf8_ctype,
    CASE(clone_shares_rows), CASE(scroll_is_detected),
    CASE(roundtrip_random_pairs))

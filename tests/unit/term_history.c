/*
 * History lines: which rows the emulator hands its sink (the tmux 3.3
 * rules in term/emu.h), that they arrive intact and in order, and that
 * term_display_row draws each one so a fresh emulator reads it back the
 * same.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term/buf.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/unit/check.h"
#include "tests/unit/term_check.h"

#define HIST_MAX	256

/* What a sink received: its own reference to each row, in order. */
struct hist {
	struct term_row	*row[HIST_MAX];
	int		 cols[HIST_MAX];
	int		 n;
	int		 dropped;	/* beyond HIST_MAX */
};

/* The sink under test: keeps every row it is given. */
static void
hist_sink(void *arg, struct term_row *row, int cols)
{
	struct hist	*h = arg;

	if (h->n == HIST_MAX) {
		h->dropped++;
		term_fb_row_unref(row);
		return;
	}
	h->row[h->n] = row;
	h->cols[h->n] = cols;
	h->n++;
}

/* Drops every kept row, so ASan sees no leak and the count restarts. */
static void
hist_clear(struct hist *h)
{
	int	 i;

	for (i = 0; i < h->n; i++)
		term_fb_row_unref(h->row[i]);
	h->n = 0;
	h->dropped = 0;
}

static void
put(struct term_emu *e, const char *s)
{
	term_emu_write(e, (const uint8_t *)s, strlen(s));
}

/* A new emulator whose lines go to h. */
static struct term_emu *
new_emu(int cols, int rows, struct hist *h)
{
	struct term_emu	*e = term_emu_new(cols, rows);

	if (e != NULL)
		term_emu_set_history(e, hist_sink, h);
	return e;
}

/* The sink got exactly want[0], want[1], ... (up to a NULL), in order. */
static void
hist_is(struct check *t, const struct hist *h, const char *const *want,
    int line)
{
	char	 got[1024];
	int	 i;

	for (i = 0; want[i] != NULL; i++) {
		if (i >= h->n) {
			printf("#   %s:%d: %d lines, want \"%s\" next\n",
			    __FILE__, line, h->n, want[i]);
			t->case_failed++;
			return;
		}
		row_text(h->row[i], h->cols[i], got, sizeof(got));
		if (strcmp(got, want[i]) != 0) {
			printf("#   %s:%d: line %d is \"%s\", want \"%s\"\n",
			    __FILE__, line, i, got, want[i]);
			t->case_failed++;
		}
	}
	if (h->n != i || h->dropped != 0) {
		printf("#   %s:%d: %d lines (+%d dropped), want %d\n",
		    __FILE__, line, h->n, h->dropped, i);
		t->case_failed++;
	}
}

/* HIST_IS(t, h, "oldest", ...); HIST_NONE(t, h) when nothing came. */
#define HIST_IS(t, h, ...)						\
	hist_is((t), (h), (const char *const []){ __VA_ARGS__, NULL }, __LINE__)
#define HIST_NONE(t, h)							\
	hist_is((t), (h), (const char *const []){ NULL }, __LINE__)

/* Screen row y's text is want. */
static int
screen_row_is(const struct term_emu *e, int y, const char *want)
{
	const struct term_fb *fb = term_emu_fb(e);
	char		 got[1024];

	row_text(fb->row[y], fb->cols, got, sizeof(got));
	return check_str(got, want);
}

/* seq 1 100 on 24 rows: 1..77 leave, in order, once; 78..100 stay. */
static void
seq_output(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(80, 24, &h);
	char		 line[16], want[16];
	int		 i;

	for (i = 1; i <= 100; i++) {
		snprintf(line, sizeof(line), "%d\r\n", i);
		put(e, line);
	}
	CHECK_EQ_INT(t, h.n, 77);
	for (i = 0; i < h.n; i++) {
		snprintf(want, sizeof(want), "%d", i + 1);
		CHECK(t, check_str(row_text(h.row[i], h.cols[i], line,
		    sizeof(line)), want));
		CHECK_EQ_INT(t, h.cols[i], 80);
		CHECK_EQ_INT(t, h.row[i]->refs, 1);	/* the sink's alone */
	}
	for (i = 0; i < 23; i++) {
		snprintf(want, sizeof(want), "%d", i + 78);
		CHECK(t, screen_row_is(e, i, want));
	}
	CHECK(t, screen_row_is(e, 23, ""));
	hist_clear(&h);
	term_emu_free(e);
}

/* A line wrapping at the bottom: its parts leave in order, wrap hint set. */
static void
autowrap(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 3, &h);

	put(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX");
	HIST_IS(t, &h, "abcdefghij", "klmnopqrst");
	CHECK(t, h.n == 2 && h.row[0]->wrap && h.row[1]->wrap);
	CHECK(t, screen_row_is(e, 0, "uvwxyzABCD"));
	CHECK(t, screen_row_is(e, 2, "OPQRSTUVWX"));
	/* Deferred wrap: nothing leaves until the next character comes. */
	CHECK_EQ_INT(t, h.n, 2);
	put(e, "Y");
	HIST_IS(t, &h, "abcdefghij", "klmnopqrst", "uvwxyzABCD");
	hist_clear(&h);
	term_emu_free(e);
}

/* Nothing from the alternate screen; the main screen's, before and after. */
static void
alt_screen(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 3, &h);
	int		 mode;
	static const char *const enter[] = {
		"\033[?1049h", "\033[?1047h", "\033[?47h"
	};
	static const char *const leave[] = {
		"\033[?1049l", "\033[?1047l", "\033[?47l"
	};

	put(e, "a\r\nb\r\nc\r\n");
	HIST_IS(t, &h, "a");
	for (mode = 0; mode < 3; mode++) {
		put(e, enter[mode]);
		put(e, "x1\r\nx2\r\nx3\r\nx4\r\n\033[5S\033[2J\033[H\033[J");
		put(e, "y1\r\ny2\r\ny3\r\ny4\r\n");
		put(e, leave[mode]);
		put(e, "\033[3;1H");
	}
	HIST_IS(t, &h, "a");
	put(e, "d\r\ne\r\n");
	HIST_IS(t, &h, "a", "b", "c");
	hist_clear(&h);
	term_emu_free(e);
}

/*
 * As tmux: the top row of any scroll region goes to history, even below a
 * status line; the status line does not.
 */
static void
scroll_regions(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 5, &h);

	/* Status line on row 0, region rows 2-5 (1-based). */
	put(e, "STATUS\033[2;5r\033[5;1H");
	put(e, "r1\r\nr2\r\nr3\r\nr4\r\nr5\r\nr6");
	HIST_IS(t, &h, "", "", "", "r1", "r2");
	CHECK(t, screen_row_is(e, 0, "STATUS"));
	CHECK(t, screen_row_is(e, 4, "r6"));
	/* IND and NEL at the bottom margin too; LF below the region, nothing. */
	hist_clear(&h);
	put(e, "\033D\033E");
	HIST_IS(t, &h, "r3", "r4");
	hist_clear(&h);
	put(e, "\033[r\033[1;3r\033[5;1Hlow\n\n\n");
	HIST_NONE(t, &h);
	/* A region from the top that ends above the last row (tmux: history). */
	put(e, "\033[3;1Hq1\r\nq2\r\nq3");
	HIST_IS(t, &h, "STATUS", "r5");
	CHECK(t, screen_row_is(e, 0, "q1"));
	CHECK(t, screen_row_is(e, 4, "low"));
	hist_clear(&h);
	term_emu_free(e);
}

/* SU sends one top row per line, at most the region's height. */
static void
scroll_up(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 5, &h);

	put(e, "l1\r\nl2\r\nl3\r\nl4\033[3S");
	HIST_IS(t, &h, "l1", "l2", "l3");
	CHECK(t, screen_row_is(e, 0, "l4"));
	hist_clear(&h);
	put(e, "\033[999S");
	HIST_IS(t, &h, "l4", "", "", "", "");
	hist_clear(&h);
	put(e, "\033[H\033[2;4rm1\r\nm2\r\nm3\033[1;1Hm0\033[2S");
	HIST_IS(t, &h, "m2", "m3");
	hist_clear(&h);
	term_emu_free(e);
}

/* ED 2, ED 0 from home: rows down to the last in use; ED 0/1/3 else, none. */
static void
erase_display(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 6, &h);

	put(e, "a\r\n\r\nc\r\n\033[5;3Hd\033[3;1H\033[2J");
	HIST_IS(t, &h, "a", "", "c", "", "  d");
	hist_clear(&h);
	put(e, "\033[2J");			/* a blank screen: nothing */
	HIST_NONE(t, &h);
	/* Rows erased in a colour are not in use (tmux); a space in red is. */
	put(e, "\033[Hx\033[2;1H\033[44m\033[K\033[0m"
	    "\033[6;1H\033[44m\033[K\033[0m\033[2J");
	HIST_IS(t, &h, "x");
	hist_clear(&h);
	put(e, "\033[44m\033[2J\033[0m\033[2J");
	HIST_NONE(t, &h);
	put(e, "\033[Hy\033[4;4H\033[31m \033[0m\033[2J");
	HIST_IS(t, &h, "y", "", "", "");
	CHECK(t, h.n == 4 && h.row[3]->cells[3].fg == (TERM_COLOR_INDEXED | 1));
	hist_clear(&h);
	/* ED 0 from home clears all: history; from elsewhere it does not. */
	put(e, "\033[Hz1\r\nz2\033[H\033[J");
	HIST_IS(t, &h, "z1", "z2");
	hist_clear(&h);
	put(e, "\033[Hw1\r\nw2\033[1;2H\033[J\033[H\033[1J\033[3J\033[2;1H\033[1J");
	HIST_NONE(t, &h);
	hist_clear(&h);
	term_emu_free(e);
}

/* RIS clears into history from the main screen; from the alternate, nothing. */
static void
hard_reset(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 4, &h);

	put(e, "r1\r\nr2\033c");
	HIST_IS(t, &h, "r1", "r2");
	hist_clear(&h);
	put(e, "m1\033[?1049ha1\033c");
	HIST_NONE(t, &h);
	hist_clear(&h);
	term_emu_free(e);
}

/* DL, IL, RI, SD, DECALN and resizes move or drop rows: none to history. */
static void
others_add_nothing(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 4, &h);

	put(e, "a\r\nb\r\nc\r\nd\033[H\033[2M\033[L\033M\033[3T\033[4;1H\033[2L");
	put(e, "\033#8");
	CHECK_EQ_INT(t, term_emu_resize(e, 5, 2), 0);
	CHECK_EQ_INT(t, term_emu_resize(e, 20, 8), 0);
	CHECK_EQ_INT(t, term_emu_resize(e, 3, 1), 0);
	HIST_NONE(t, &h);
	/* After a resize, the new size's rows leave at the new width. */
	put(e, "\r\nxyz\r\n");
	HIST_IS(t, &h, "EEE", "xyz");
	CHECK(t, h.n == 2 && h.cols[0] == 3 && h.cols[1] == 3);
	hist_clear(&h);
	term_emu_free(e);
}

/* Renditions, wide chars and marks arrive intact; later writes leave them. */
static void
rows_intact(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 2, &h);
	struct term_fb	*snap;
	struct term_row	*copy;
	const struct term_cell *c;
	size_t		 sz = sizeof(struct term_row) + 10 * sizeof(struct term_cell);

	put(e, "\033[1;31mred\033[0m \xe4\xb8\xad" "e\xcc\x81\r\n");
	snap = term_emu_snapshot(e);		/* shares the row that leaves */
	put(e, "\r\n");
	CHECK_EQ_INT(t, h.n, 1);
	if (h.n != 1 || snap == NULL)
		goto done;
	c = h.row[0]->cells;
	CHECK(t, c[0].ch == 'r' && c[0].attr == TERM_ATTR_BOLD &&
	    c[0].fg == (TERM_COLOR_INDEXED | 1) && c[0].bg == 0);
	CHECK(t, c[2].ch == 'd' && c[2].attr == TERM_ATTR_BOLD);
	CHECK(t, c[3].ch == ' ' && c[3].attr == 0 && c[3].fg == 0);
	CHECK(t, c[4].ch == 0x4e2d && c[4].wide == 1 && c[5].ch == 0);
	CHECK(t, c[6].ch == 'e' && c[6].comb[0] == 0x301);
	CHECK(t, h.row[0] == snap->row[0]);
	CHECK_EQ_INT(t, h.row[0]->refs, 2);	/* the sink's and the snapshot's */
	if ((copy = malloc(sz)) == NULL)
		goto done;
	memcpy(copy, h.row[0], sz);
	/* Scroll the screen round and write everywhere: the row must not change. */
	put(e, "\033[7mxxxxxxxxxx\r\nyyyyyyyyyy\r\n\033[2J\033[Hzz\033[S\033#8");
	CHECK_MEM(t, copy, h.row[0], sz);
	CHECK(t, term_fb_row_equal(snap, h.row[0], snap->row[0]));
	free(copy);
done:
	term_fb_free(snap);
	hist_clear(&h);
	term_emu_free(e);
}

/* A clone has no sink; NULL turns the sink off. */
static void
clone_and_off(struct check *t)
{
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(10, 2, &h), *c;

	put(e, "a\r\nb");
	if ((c = term_emu_clone(e)) == NULL) {
		CHECK(t, c != NULL);
		goto done;
	}
	put(c, "\r\nc\r\nd\r\ne\033[2J\033c");
	HIST_NONE(t, &h);
	put(e, "\r\n");
	HIST_IS(t, &h, "a");
	term_emu_set_history(e, NULL, &h);
	put(e, "\r\nf\r\n\033[2J");
	HIST_IS(t, &h, "a");
	term_emu_set_history(e, hist_sink, &h);
	put(e, "g\r\n");
	HIST_IS(t, &h, "a", "");
	term_emu_free(c);
done:
	hist_clear(&h);
	term_emu_free(e);
}

/* term_display_row's bytes for a row, as a C string. */
static const char *
display_row(const struct term_row *r, int cols, char *out, size_t len)
{
	struct term_buf	 b;

	term_buf_init(&b);
	if (term_display_row(r, cols, &b) != 0)
		snprintf(out, len, "(failed)");
	else
		snprintf(out, len, "%.*s", (int)b.len,
		    b.data ? (char *)b.data : "");
	term_buf_free(&b);
	return out;
}

/* Default trailing blanks go, coloured ones stay; SGR when needed, 0 last. */
static void
display_row_bytes(struct check *t)
{
	struct term_emu	*e = term_emu_new(12, 4);
	const struct term_fb *fb;
	char		 got[256];

	put(e, "ab  c\r\n");
	put(e, "\033[1;31mR\033[0mx\033[44m  \033[0m\r\n");
	put(e, "\033[38;2;1;2;3;48;5;200;4;7mZ\033[0;95mz\033[0m\r\n");
	fb = term_emu_fb(e);
	CHECK(t, check_str(display_row(fb->row[0], fb->cols, got, sizeof(got)),
	    "ab  c\033[0m"));
	CHECK(t, check_str(display_row(fb->row[1], fb->cols, got, sizeof(got)),
	    "\033[0;1;31mR\033[0mx\033[0;44m  \033[0m"));
	CHECK(t, check_str(display_row(fb->row[2], fb->cols, got, sizeof(got)),
	    "\033[0;4;7;38;2;1;2;3;48;5;200mZ\033[0;38;5;13mz\033[0m"));
	CHECK(t, check_str(display_row(fb->row[3], fb->cols, got, sizeof(got)),
	    "\033[0m"));
	term_emu_free(e);
}

/* term_display_row output reads back the same in a fresh one-row emulator. */
static void
display_row_roundtrip(struct check *t)
{
	static const char *const lines[] = {
		"plain text",
		"\033[1mbold\033[22m \033[2mfaint\033[0m \033[3mit\033[0m"
		    " \033[4mul\033[0m \033[5mbl\033[0m \033[7minv\033[0m"
		    " \033[8mhid\033[0m \033[9mst\033[0m",
		"\033[31mred\033[42mon green\033[0m \033[93mbright\033[0m"
		    " \033[38;5;8mgrey\033[0m \033[38;5;214;48;5;17mpal\033[0m",
		"\033[38;2;255;128;0mrgb\033[48;2;0;0;1m bg \033[0m"
		    "\033[38:2::9:8:7mcolon\033[0m",
		"\xe4\xb8\xad\xe6\x96\x87 \xea\xb0\x80 \xf0\x9f\x98\x80|"
		    "\033[1;34m\xef\xbc\xa1\033[0m",
		"e\xcc\x81 a\xcc\x88\xcc\xa3 \xe4\xb8\xad\xcc\x81 n\xcc\x83",
		"\xcc\x81" "after a lone mark",
		"trailing   ",
		"\033[41mcoloured trailing   \033[0m",
		"\033[45m\033[K\033[0m",
		"\033[46m   \033[0m   \033[47m \033[0m",
		"\033(0lqqk x\033(B ascii",
		"0123456789012345678901234567890123456789",
		"\033[32m0123456789012345678901234567890123456789",
		"",
	};
	struct hist	 h = { 0 };
	struct term_emu	*e = new_emu(40, 2, &h), *rx;
	struct term_buf	 b;
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		put(e, lines[i]);
		put(e, "\033[0m\r\n");
	}
	put(e, "\r\n\r\n");
	n = (int)(sizeof(lines) / sizeof(lines[0]));
	CHECK_EQ_INT(t, h.n, n + 1);
	term_buf_init(&b);
	for (i = 0; i < (size_t)h.n; i++) {
		term_buf_clear(&b);
		CHECK_EQ_INT(t, term_display_row(h.row[i], h.cols[i], &b), 0);
		if ((rx = term_emu_new(h.cols[i], 1)) == NULL)
			break;
		term_emu_write(rx, b.data, b.len);
		if (!term_fb_row_equal(term_emu_fb(rx), h.row[i],
		    term_emu_fb(rx)->row[0])) {
			printf("#   line %zu (%s) does not come back\n", i,
			    i < (size_t)n ? lines[i] : "blank");
			t->case_failed++;
		}
		/* And it ends in the default rendition. */
		CHECK_EQ_INT(t, term_emu_fb(rx)->pen.fg, 0);
		CHECK_EQ_INT(t, term_emu_fb(rx)->pen.bg, 0);
		CHECK_EQ_INT(t, term_emu_fb(rx)->pen.attr, 0);
		term_emu_free(rx);
	}
	term_buf_free(&b);
	hist_clear(&h);
	term_emu_free(e);
}

static void
utf8_ctype(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

CHECK_MAIN_SETUP(utf8_ctype,
    CASE(seq_output), CASE(autowrap), CASE(alt_screen), CASE(scroll_regions),
    CASE(scroll_up), CASE(erase_display), CASE(hard_reset),
    CASE(others_add_nothing), CASE(rows_intact), CASE(clone_and_off),
    CASE(display_row_bytes), CASE(display_row_roundtrip))

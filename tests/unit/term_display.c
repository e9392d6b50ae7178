/* The display diff's choices of bytes (its correctness is term_roundtrip's). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "proto/buf.h"
#include "statesync/hoststate.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/unit/check.h"

struct pair {
	struct term_emu	*emu;
	struct term_fb	*old;
	struct term_buf	 out;
};

static void
put(struct term_emu *e, const char *s)
{
	term_emu_write(e, (const uint8_t *)s, strlen(s));
}

static void
put_buf(struct term_emu *e, const struct term_buf *b)
{
	term_emu_write(e, b->data, b->len);
}

/* Emulate before, snapshot, emulate after, diff the two into p->out. */
static int
diff_of(struct pair *p, int cols, int rows, const char *before, const char *after)
{
	struct term_fb	*new;
	int		 rc;

	p->emu = term_emu_new(cols, rows);
	term_buf_init(&p->out);
	put(p->emu, before);
	p->old = before[0] ? term_emu_snapshot(p->emu) : NULL;
	put(p->emu, after);
	new = term_emu_snapshot(p->emu);
	rc = term_display_diff(p->old, new, &p->out);
	term_buf_addc(&p->out, '\0');
	term_fb_free(new);
	return rc;
}

static void
pair_free(struct pair *p)
{
	term_fb_free(p->old);
	term_emu_free(p->emu);
	term_buf_free(&p->out);
}

#define HAS(t, p, s) do {						\
	if (strstr((const char *)(p)->out.data, (s)) == NULL) {		\
		printf("#   %s:%d: diff lacks %s\n", __FILE__, __LINE__, #s);	\
		(t)->case_failed++;					\
	}								\
} while (0)

/* One diff, one string it must hold. */
#define DIFF_HAS(t, cols, rows, before, after, s) do {			\
	struct pair p_;							\
									\
	diff_of(&p_, (cols), (rows), (before), (after));		\
	HAS(t, &p_, s);							\
	pair_free(&p_);							\
} while (0)

#define LACKS(t, p, s) do {						\
	if (strstr((const char *)(p)->out.data, (s)) != NULL) {		\
		printf("#   %s:%d: diff has %s\n", __FILE__, __LINE__, #s);	\
		(t)->case_failed++;					\
	}								\
} while (0)

static void
repaint_from_unknown(struct check *t)
{
	struct pair p;

	CHECK_EQ_INT(t, diff_of(&p, 10, 3, "", "hi"), 0);
	CHECK(t, memcmp(p.out.data, "\033[?5l\033[r\033[0m\033[H\033[2J\033[?25l", 25) == 0);
	HAS(t, &p, "hi");
	HAS(t, &p, "\033[?25h");
	HAS(t, &p, "\033[?2004l");
	pair_free(&p);
}

/* A wrapped row: the text runs on, so the user's terminal wraps too. */
static void
deferred_wrap(struct check *t)
{
	struct pair p;
	struct term_emu *rx = term_emu_new(10, 3);

	diff_of(&p, 10, 3, "", "0123456789ab");
	HAS(t, &p, "0123456789ab");
	put(rx, (const char *)p.out.data);
	CHECK(t, term_emu_fb(rx)->row[0]->wrap);
	pair_free(&p);
	DIFF_HAS(t, 10, 3, "", "0123456789\r\nab", "0123456789\r\nab");
	/* the last cell of the last row: the cursor must be placed, not moved */
	DIFF_HAS(t, 10, 3, ".", "\033[3;1H0123456789\033[3;5H",
	    "0123456789\033[3;5H");
	term_emu_free(rx);
}

/* diff(old, new) applied to a receiver first shown old: row y's wrap hint. */
static int
wraps_after(const struct pair *p, int cols, int rows, const char *before, int y)
{
	struct term_emu	*rx = term_emu_new(cols, rows);
	struct term_buf	 full;
	int		 wrap;

	term_buf_init(&full);
	if (p->old != NULL) {
		term_display_diff(NULL, p->old, &full);
		term_emu_write(rx, full.data, full.len);
		if (term_fb_equal(term_emu_fb(rx), p->old) == 0)
			printf("#   repaint of \"%s\" differs\n", before);
	}
	put(rx, (const char *)p->out.data);
	wrap = term_emu_fb(rx)->row[y]->wrap;
	term_buf_free(&full);
	term_emu_free(rx);
	return wrap;
}

/*
 * A row that wraps stays wrapped in the receiver whatever its last cell
 * holds, a blank included, and however the frames fell.
 */
static void
wrap_through_last_blank(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 3, "", "012345678 ab");
	HAS(t, &p, "012345678 ab");
	CHECK(t, wraps_after(&p, 10, 3, "", 0));
	pair_free(&p);
	/* the row wraps in a later frame than its blank was written */
	diff_of(&p, 10, 3, "012345678 ", "ab");
	HAS(t, &p, " ab");
	LACKS(t, &p, "\r\n");
	CHECK(t, wraps_after(&p, 10, 3, "012345678 ", 0));
	pair_free(&p);
	/* the same at the bottom, where the screen scrolls between frames */
	diff_of(&p, 10, 3, "\n\n012345678 ", "ab");
	CHECK(t, wraps_after(&p, 10, 3, "\n\n012345678 ", 1));
	pair_free(&p);
	diff_of(&p, 10, 3, "\n\n012345678\033[7m ", "ab");
	CHECK(t, wraps_after(&p, 10, 3, "\n\n012345678\033[7m ", 1));
	pair_free(&p);
	/* and a row that no longer wraps stops wrapping */
	diff_of(&p, 10, 3, "012345678 ab", "\033[1;10H\033[K");
	CHECK(t, !wraps_after(&p, 10, 3, "012345678 ab", 0));
	pair_free(&p);
}

/* A mark at the start of a line travels on its no-break space, as mosh. */
static void
combining_alone(struct check *t)
{
	DIFF_HAS(t, 10, 3, "", "\314\201x", "\302\240\314\201x");
}

static void
erasing(struct check *t)
{
	DIFF_HAS(t, 20, 2, "aXXXXXXXb", "\033[1;2H\033[6X", "\033[6X");
	DIFF_HAS(t, 20, 2, "aXXXb", "\033[1;2H\033[3X", "   ");
	DIFF_HAS(t, 20, 2, "abcdef", "\033[1;2H\033[K", "\033[K");
	DIFF_HAS(t, 20, 2, "abcdef", "\033[1;2H\033[44m\033[K\033[0m",
	    "\033[0;44m\033[K");
}

static void
renditions(struct check *t)
{
	struct pair p;

	diff_of(&p, 40, 2, "", "\033[2;9ma\033[0;91;102mb\033[38;5;200;48;2;1;2;3mc"
	    "\033[1;3;4;5;7;8md");
	HAS(t, &p, "\033[0;2;9ma");
	HAS(t, &p, "\033[0;38;5;9;48;5;10mb");
	HAS(t, &p, "\033[0;38;5;200;48;2;1;2;3mc");
	HAS(t, &p, "\033[0;1;3;4;5;7;8;38;5;200;48;2;1;2;3md");
	pair_free(&p);
	/* 8-15 keep the 256-colour form, as mosh writes them */
	diff_of(&p, 40, 2, "", "\033[38;5;8;48;5;15ma\033[97;100mb\033[31;47mc");
	HAS(t, &p, "\033[0;38;5;8;48;5;15ma");
	HAS(t, &p, "\033[0;38;5;15;48;5;8mb");
	HAS(t, &p, "\033[0;31;47mc");
	LACKS(t, &p, "\033[0;90");
	LACKS(t, &p, "7;100m");
	pair_free(&p);
}

static void
titles_bell_clipboard(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 2, "\033]0;x\a", "\033]0;same\a\a\a\a\033]52;c;Zm9v\a");
	CHECK_EQ_INT(t, p.out.data[0], '\a');
	LACKS(t, &p, "\a\a");		/* one BEL per diff */
	HAS(t, &p, "\033]0;same\a");
	HAS(t, &p, "\033]52;c;Zm9v\a");
	pair_free(&p);
	DIFF_HAS(t, 10, 2, "\033]0;x\a", "\033]1;icon\a",
	    "\033]1;icon\a\033]2;x\a");
}

static void
modes_travel(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 2, "\033[?1000h\033[?1005h", "\033[?1003h\033[?1006h\033[?1004h"
	    "\033[?2004h\033[?5h\033[?25l");
	HAS(t, &p, "\033[?1000l\033[?1003h");
	HAS(t, &p, "\033[?1005l\033[?1006h");
	HAS(t, &p, "\033[?1004h");
	HAS(t, &p, "\033[?2004h");
	HAS(t, &p, "\033[?5h");
	HAS(t, &p, "\033[?25l");
	pair_free(&p);
	DIFF_HAS(t, 10, 2, "\033[?1002h", "\033[?1002l",
	    "\033[?1003l\033[?1002l\033[?1001l\033[?1000l");
}

/*
 * A scroll is found by the rows that moved, not by rows that look alike:
 * new row 0 ("~") equals old row 1 too, but came from old row 3, and
 * scrolling by 3 leaves only the new rows to draw.
 */
static void
scroll_past_lookalikes(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 6, "a\r\n~\r\n~\r\n~\r\nb\r\nc", "\r\nd\r\ne\r\nf");
	HAS(t, &p, "\r\n\n\n");
	LACKS(t, &p, "\033[1;");		/* no scrolling region */
	LACKS(t, &p, "~");
	LACKS(t, &p, "b");
	pair_free(&p);
}

/*
 * diff(before, after) with flags, applied to a receiver first shown
 * before: 1 if it then shows after exactly. The diff is left in *out.
 */
static int
moved_ok(int cols, int rows, const char *before, const char *after,
    unsigned flags, struct term_buf *out)
{
	struct term_emu	*e = term_emu_new(cols, rows), *rx = term_emu_new(cols, rows);
	struct term_fb	*old, *new;
	struct term_buf	 full;
	int		 same;

	term_buf_init(&full);
	put(e, before);
	old = term_emu_snapshot(e);
	put(e, after);
	new = term_emu_snapshot(e);
	term_display_diff(NULL, old, &full);
	term_emu_write(rx, full.data, full.len);
	term_buf_init(out);
	term_display_diff_flags(old, new, out, flags);
	term_emu_write(rx, out->data, out->len);
	same = term_fb_equal(term_emu_fb(rx), new);
	term_buf_addc(out, '\0');
	term_buf_free(&full);
	term_fb_free(old);
	term_fb_free(new);
	term_emu_free(e);
	term_emu_free(rx);
	return same;
}

/*
 * A line inserted or deleted mid-screen, as vi does with a scroll region
 * above its status line: the lines below move with IL or DL and are not
 * drawn again; the line above the region and the status line stay.
 */
static void
lines_moved_midscreen(struct check *t)
{
	static const char screen[] = "top\r\nline one of the text\r\n"
	    "line two of the text\r\nline three of the text\r\n"
	    "line four of the text\r\nline five of the text\r\n~\r\nstatus";
	struct term_buf	 out;
	const char	*d;

	/* vi's "o" on line one: IL in rows 3-7 (1-based), then the new line */
	CHECK(t, moved_ok(30, 8, screen,
	    "\033[3;7r\033[3;1H\033[L\033[r\033[3;1Hnew", 0, &out));
	d = (const char *)out.data;
	CHECK(t, strstr(d, "\033[3;7r") != NULL);
	CHECK(t, strstr(d, "\033[L") != NULL);
	CHECK(t, strstr(d, "new") != NULL);
	CHECK(t, strstr(d, "of the") == NULL);	/* no text line drawn */
	term_buf_free(&out);
	/* "dd" on line two: DL in rows 3-7, "~" comes in at the bottom */
	CHECK(t, moved_ok(30, 8, screen,
	    "\033[3;7r\033[3;1H\033[M\033[r\033[7;1H~", 0, &out));
	d = (const char *)out.data;
	CHECK(t, strstr(d, "\033[M") != NULL);
	CHECK(t, strstr(d, "of the") == NULL);
	term_buf_free(&out);
	/* less's backward scroll (reverse index at the top): IL over all */
	CHECK(t, moved_ok(30, 8, screen, "\033[H\033M\033[Hzero", 0, &out));
	d = (const char *)out.data;
	CHECK(t, strstr(d, "\033[L") != NULL);
	CHECK(t, strstr(d, "of the") == NULL);
	term_buf_free(&out);
	/* two moves in one frame, with rows in place between them */
	CHECK(t, moved_ok(30, 8, screen,
	    "\033[2;3r\033[2;1H\033[M\033[5;7r\033[5;1H\033[L\033[r", 0, &out));
	CHECK(t, strstr((const char *)out.data, "of the") == NULL);
	term_buf_free(&out);
	/* a short line is drawn again, not moved */
	CHECK(t, moved_ok(30, 8, "a\r\nb\r\nc\r\nd",
	    "\033[2;4r\033[2;1H\033[L\033[r", 0, &out));
	CHECK(t, strstr((const char *)out.data, "L") == NULL);
	term_buf_free(&out);
}

/*
 * Characters typed or deleted mid-line (a shell's line editor): the rest
 * of the line shifts with ICH or DCH and is not drawn again; not where a
 * wide character or a wrapping row is involved, nor for a short rest.
 */
static void
inline_edits(struct check *t)
{
	static const char line[] = "$ ls -l /usr/lib | head -30";
	struct term_buf	 out;
	const char	*d;

	CHECK(t, moved_ok(40, 3, line, "\033[1;6H\033[@X", 0, &out));
	d = (const char *)out.data;
	CHECK(t, strstr(d, "\033[@X") != NULL);
	CHECK(t, strstr(d, "usr") == NULL);
	term_buf_free(&out);
	CHECK(t, moved_ok(40, 3, line, "\033[1;6H\033[3P", 0, &out));
	d = (const char *)out.data;
	CHECK(t, strstr(d, "\033[3P") != NULL);
	CHECK(t, strstr(d, "usr") == NULL);
	term_buf_free(&out);
	/* three typed at once, in colour, with the pen left coloured */
	CHECK(t, moved_ok(40, 3, line, "\033[1;3H\033[3@\033[31mabc", 0, &out));
	CHECK(t, strstr((const char *)out.data, "\033[3@") != NULL);
	term_buf_free(&out);
	/* a wide character after the edit: drawn, not shifted */
	CHECK(t, moved_ok(40, 3, "$ ls -l /usr/lib | \344\270\255 head -30",
	    "\033[1;6H\033[@X", 0, &out));
	CHECK(t, strstr((const char *)out.data, "@") == NULL);
	term_buf_free(&out);
	/* a row that wraps into the next: drawn, not shifted */
	CHECK(t, moved_ok(20, 3, "$ ls -l /usr/lib | head -30",
	    "\033[1;6H\033[@X", 0, &out));
	CHECK(t, strstr((const char *)out.data, "@") == NULL);
	term_buf_free(&out);
	/* a short rest of the line: drawn */
	CHECK(t, moved_ok(40, 3, "$ ls -l", "\033[1;3H\033[@X", 0, &out));
	CHECK(t, strstr((const char *)out.data, "@") == NULL);
	term_buf_free(&out);
}

/*
 * For an emulator that takes the whole diff at once (mosh hostbytes) the
 * cursor is not hidden while the diff draws away from it; for a terminal
 * someone watches it is, and in both it ends as the screen has it.
 */
static void
atomic_keeps_cursor(struct check *t)
{
	struct term_buf	 out;

	CHECK(t, moved_ok(20, 4, "ab\r\ncd", "\033[4;1Hstatus\033[1;3H",
	    TERM_DISPLAY_ATOMIC, &out));
	CHECK(t, strstr((const char *)out.data, "\033[?25") == NULL);
	term_buf_free(&out);
	CHECK(t, moved_ok(20, 4, "ab\r\ncd", "\033[4;1Hstatus\033[1;3H", 0,
	    &out));
	CHECK(t, strstr((const char *)out.data, "\033[?25l") != NULL);
	CHECK(t, strstr((const char *)out.data, "\033[?25h") != NULL);
	term_buf_free(&out);
	CHECK(t, moved_ok(20, 4, "ab", "\033[?25l\033[3;1Hhidden",
	    TERM_DISPLAY_ATOMIC, &out));
	CHECK(t, strstr((const char *)out.data, "\033[?25l") != NULL);
	term_buf_free(&out);
}

/* The cursor steps over a cell or two by printing them, not with CUF. */
static void
cursor_over_plain_cells(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 2, "ab", "\033[1;1HA\033[1;3H");
	HAS(t, &p, "Ab");
	LACKS(t, &p, "\033[C");
	pair_free(&p);
	/* not over a cell in another rendition */
	DIFF_HAS(t, 10, 2, "a\033[1mb\033[0m", "\033[1;1HA\033[1;3H",
	    "A\033[C");
}

/* Back along a row (a line editor's Home, a word left): CR and CUF, a
 * byte or more shorter than CUP; BS for a step or few (elsewhere). */
static void
cursor_back_along_row(struct check *t)
{
	struct term_buf	 out;

	CHECK(t, moved_ok(80, 3, "\r\n$ echo the quick brown fox", "\033[2;3H",
	    TERM_DISPLAY_ATOMIC, &out));
	CHECK(t, strcmp((const char *)out.data, "\r\033[2C") == 0);
	term_buf_free(&out);
	CHECK(t, moved_ok(80, 3, "\r\n$ echo the quick brown fox", "\033[2;2H",
	    TERM_DISPLAY_ATOMIC, &out));
	CHECK(t, strcmp((const char *)out.data, "\r\033[C") == 0);
	term_buf_free(&out);
	CHECK(t, moved_ok(80, 12, "\033[12;1H$ echo the quick brown fox and more",
	    "\033[12;21H", TERM_DISPLAY_ATOMIC, &out));
	CHECK(t, strcmp((const char *)out.data, "\r\033[20C") == 0);
	term_buf_free(&out);
}

static void
nothing_changed(struct check *t)
{
	struct pair p;

	diff_of(&p, 10, 2, "abc\033[31m", "");
	CHECK_EQ_INT(t, p.out.len, 1);		/* just our NUL */
	pair_free(&p);
}

static void
open_close(struct check *t)
{
	struct term_buf b;

	term_buf_init(&b);
	term_display_open(&b);
	term_display_close(&b);
	term_buf_addc(&b, '\0');
	CHECK(t, strstr((char *)b.data, "\033[?1h") != NULL);
	CHECK(t, strstr((char *)b.data, "\033[?25h") != NULL);
	CHECK(t, strstr((char *)b.data, "\033[?1l") != NULL);
	/* The alternate screen is the client's choice (terminfo). */
	CHECK(t, strstr((char *)b.data, "1049") == NULL);
	term_buf_free(&b);
}

/* The SSP state's diff: a bell rung in the frame that also resizes the
 * screen reaches the receiver, which then equals the sender. */
static void
bell_with_resize(struct check *t)
{
	const struct ssp_state_ops *ops = &host_state_ops;
	struct host_state *from, *to, *recv;
	struct buf	 d;

	memset(&d, 0, sizeof(d));
	from = host_state_new(80, 24);
	CHECK(t, from != NULL);
	if (from == NULL)
		return;
	to = ops->clone(from);
	recv = ops->clone(from);
	CHECK(t, to != NULL && recv != NULL);
	if (to == NULL || recv == NULL)
		return;
	put(to->emu, "hello\a");
	CHECK(t, term_emu_resize(to->emu, 100, 30) == 0);
	CHECK(t, ops->diff(from, to, &d) == 0);
	CHECK(t, ops->apply(recv, d.data, d.len) == PROTO_OK);
	CHECK_EQ_INT(t, term_emu_fb(recv->emu)->bell_count,
	    term_emu_fb(to->emu)->bell_count);
	CHECK(t, ops->equal(recv, to));
	buf_free(&d);
	ops->free(from);
	ops->free(to);
	ops->free(recv);
}

/*
 * What a received host state holds for the receive budget: a new one its
 * one blank row; a clone that changed nothing holds no rows of its own;
 * one whose diff repainted the screen holds all of them; a title counts
 * once, where it is unshared.
 */
static void
held_counts_unshared(struct check *t)
{
	const struct ssp_state_ops *ops = &host_state_ops;
	struct host_state *base, *same, *full;
	size_t		 row = sizeof(struct term_row) +
	    200 * sizeof(struct term_cell), before;
	int		 y;

	base = host_state_new(200, 50);
	CHECK(t, base != NULL);
	if (base == NULL)
		return;
	/* Alone and blank, a state holds one row: its rows share one
	 * until written. */
	CHECK(t, ops->held(base) >= row && ops->held(base) < 2 * row);
	same = ops->clone(base);
	full = ops->clone(base);
	CHECK(t, same != NULL && full != NULL);
	if (same == NULL || full == NULL)
		return;
	CHECK(t, ops->held(same) < row);
	for (y = 0; y < 50; y++)
		put(full->emu, "x\r\n");
	CHECK(t, ops->held(full) >= 50 * row && ops->held(full) < 52 * row);
	before = ops->held(same);
	put(same->emu, "\033]0;a title\a");
	CHECK(t, ops->held(same) > before && ops->held(same) < row);
	ops->free(base);
	ops->free(same);
	ops->free(full);
}

/*
 * A title the client drew must go when the state it draws next has none.
 * SSP may build that state from an older one that never saw a title (a
 * diff from the acknowledged state), so the new screen does not say a
 * title was ever set; the user's terminal still shows the old one.
 */
static void
title_cleared_from_older_base(struct check *t)
{
	const struct ssp_state_ops *ops = &host_state_ops;
	struct host_state *s0, *s1, *c1 = NULL, *c2 = NULL;
	struct term_emu	*tty;
	struct term_buf	 out;
	struct buf	 d;

	memset(&d, 0, sizeof(d));
	term_buf_init(&out);
	s0 = host_state_new(20, 4);
	tty = term_emu_new(20, 4);
	CHECK(t, s0 != NULL && tty != NULL);
	if (s0 == NULL || tty == NULL)
		return;
	s1 = ops->clone(s0);
	put(s1->emu, "\033]0;foo\a");
	CHECK(t, ops->diff(s0, s1, &d) == 0);
	c1 = ops->clone(s0);
	CHECK(t, ops->apply(c1, d.data, d.len) == PROTO_OK);
	/* The server's application resets the terminal: no title. */
	put(s1->emu, "\033c");
	buf_reset(&d);
	CHECK(t, ops->diff(s0, s1, &d) == 0);
	c2 = ops->clone(s0);
	if (d.len > 0)
		CHECK(t, ops->apply(c2, d.data, d.len) == PROTO_OK);
	CHECK(t, ops->equal(c2, s1));

	/* The client shows c1, then c2. */
	CHECK(t, term_display_diff(NULL, term_emu_fb(c1->emu), &out) == 0);
	put_buf(tty, &out);
	CHECK(t, term_emu_fb(tty)->title != NULL);
	term_buf_clear(&out);
	CHECK(t, term_display_diff(term_emu_fb(c1->emu), term_emu_fb(c2->emu),
	    &out) == 0);
	put_buf(tty, &out);
	CHECK(t, term_fb_str_equal(term_emu_fb(tty)->title,
	    term_emu_fb(c2->emu)->title));
	CHECK(t, term_fb_str_equal(term_emu_fb(tty)->icon,
	    term_emu_fb(c2->emu)->icon));
	term_buf_free(&out);
	buf_free(&d);
	term_emu_free(tty);
	ops->free(s0);
	ops->free(s1);
	ops->free(c1);
	ops->free(c2);
}

static void
utf8_ctype(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

CHECK_MAIN_SETUP(utf8_ctype,
    CASE(repaint_from_unknown), CASE(deferred_wrap),
    CASE(wrap_through_last_blank), CASE(combining_alone), CASE(erasing),
    CASE(renditions), CASE(titles_bell_clipboard), CASE(modes_travel),
    CASE(scroll_past_lookalikes), CASE(lines_moved_midscreen),
    CASE(inline_edits), CASE(atomic_keeps_cursor), CASE(cursor_over_plain_cells),
    CASE(cursor_back_along_row), CASE(nothing_changed), CASE(open_close), CASE(bell_with_resize),
    CASE(held_counts_unshared), CASE(title_cleared_from_older_base))

/* The emulator, one sequence family per case. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "term/buf.h"
#include "term/emu.h"
#include "tests/unit/check.h"
#include "tests/unit/term_check.h"

static void
put(struct term_emu *e, const char *s)
{
	term_emu_write(e, (const uint8_t *)s, strlen(s));
}

/* Rows y, y + 1, ... hold want[0], want[1], ... up to a NULL. */
static void
rows_are(struct check *t, const struct term_emu *e, int y,
    const char *const *want, int line)
{
	char	 row[1024];

	for (; *want != NULL; want++, y++) {
		row_text(term_emu_fb(e)->row[y], term_emu_fb(e)->cols, row,
		    sizeof(row));
		if (strcmp(row, *want) != 0) {
			printf("#   %s:%d: row %d is \"%s\", want \"%s\"\n",
			    __FILE__, line, y, row, *want);
			t->case_failed++;
		}
	}
}

/* ROWS_ARE(t, e, y, "row y", "row y + 1", ...); ROW_IS for one row. */
#define ROWS_ARE(t, e, y, ...)						\
	rows_are((t), (e), (y), (const char *const []){ __VA_ARGS__, NULL },	\
	    __LINE__)
#define ROW_IS(t, e, y, s)	ROWS_ARE(t, e, y, s)

#define CURSOR_AT(t, e, x, y) do {					\
	CHECK_EQ_INT(t, term_emu_fb(e)->cx, (x));			\
	CHECK_EQ_INT(t, term_emu_fb(e)->cy, (y));			\
} while (0)

static void
pending_wrap(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 3);

	put(e, "0123456789");
	CURSOR_AT(t, e, 9, 0);			/* waits at the last column */
	put(e, "a");
	ROWS_ARE(t, e, 0, "0123456789", "a");
	CHECK(t, term_emu_fb(e)->row[0]->wrap);
	put(e, "\r\n0123456789\rX");		/* CR cancels the wrap */
	ROW_IS(t, e, 2, "X123456789");
	put(e, "\033[1;1H0123456789\b\bY");	/* BS from column 81 lands on 79 */
	ROW_IS(t, e, 0, "0123456Y89");
	put(e, "\033[3;10HZ\033[K");		/* EL at the last column */
	ROW_IS(t, e, 2, "X12345678");
	put(e, "\033[?7l\033[2;1H0123456789abc\033[?7h");	/* no wrap: overwrite */
	ROW_IS(t, e, 1, "012345678c");
	CURSOR_AT(t, e, 9, 1);
	put(e, "\033[3;10H中");			/* wide at the edge wraps first */
	ROW_IS(t, e, 1, "X12345678");		/* (and scrolls) */
	ROW_IS(t, e, 2, "中");
	term_emu_free(e);
}

static void
scroll_regions(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 5);

	put(e, "a\r\nb\r\nc\r\nd\r\ne");
	put(e, "\033[2;4r\033[4;1H\nX");
	ROWS_ARE(t, e, 0, "a", "c", "d", "X", "e");
	put(e, "\033[2;1H\033MY");		/* RI at the top margin */
	ROWS_ARE(t, e, 1, "Y", "c", "d");
	put(e, "\033[S");			/* SU scrolls the region */
	ROW_IS(t, e, 1, "c");
	ROW_IS(t, e, 3, "");
	put(e, "\033[T");
	ROWS_ARE(t, e, 1, "", "c");
	put(e, "\033[5;1H\n");			/* below the region: no scroll */
	ROW_IS(t, e, 0, "a");
	CURSOR_AT(t, e, 0, 4);
	term_emu_free(e);
}

static void
origin_mode(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 6);
	struct term_buf	*r = term_emu_replies(e);

	put(e, "\033[3;5r\033[?6h");
	CURSOR_AT(t, e, 0, 2);
	put(e, "\033[2;3HA\033[9;1H");
	ROW_IS(t, e, 3, "  A");
	CURSOR_AT(t, e, 0, 4);			/* clamped to the margin */
	put(e, "\033[6n");
	CHECK_EQ_INT(t, r->len, 6);
	CHECK_MEM(t, r->data, "\033[3;1R", 6);
	put(e, "\033[?6l");
	CURSOR_AT(t, e, 0, 0);
	term_emu_free(e);
}

static void
insert_delete(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 4);

	put(e, "abcdefghij\033[1;3H\033[2@");
	ROW_IS(t, e, 0, "ab  cdefgh");
	put(e, "\033[3P");
	ROW_IS(t, e, 0, "abdefgh");
	put(e, "\033[2X");
	ROW_IS(t, e, 0, "ab  fgh");
	put(e, "\033[4h12\033[4l");
	ROW_IS(t, e, 0, "ab12  fgh");
	put(e, "\033[2;1Hrow2\r\nrow3\r\nrow4\033[2;1H\033[L");
	ROWS_ARE(t, e, 1, "", "row2", "row3");
	put(e, "\033[2M");
	ROWS_ARE(t, e, 1, "row3", "");
	put(e, "\033[1;5H\033[1K");
	ROW_IS(t, e, 0, "      fgh");
	put(e, "\033[2J");
	ROWS_ARE(t, e, 0, "", "");
	term_emu_free(e);
}

static void
tab_stops(struct check *t)
{
	struct term_emu	*e = term_emu_new(30, 2);

	put(e, "\tA\tB");
	ROW_IS(t, e, 0, "        A       B");
	put(e, "\033[3g\r\033[4C\033H\r\tC\t");
	ROW_IS(t, e, 0, "    C   A       B");
	CURSOR_AT(t, e, 29, 0);			/* no stop left: last column */
	put(e, "\033[2;20H\033[Z");
	CURSOR_AT(t, e, 4, 1);
	term_emu_free(e);
}

static void
dec_graphics(struct check *t)
{
	struct term_emu	*e = term_emu_new(20, 2);

	put(e, "\033(0lqk\033(B x \033)0\016x\017x");
	ROW_IS(t, e, 0, "┌─┐ x │x");
	/* ASCII after a character outside it, still mapped */
	put(e, "\r\n\033(0\xc3\xa9qx\033(B\xc3\xa9qx");
	ROW_IS(t, e, 1, "é─│éqx");
	term_emu_free(e);
}

static void
alt_screen(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 3);

	put(e, "main\r\nscreen\033[2;3H");
	put(e, "\033[?1049h");
	ROW_IS(t, e, 0, "");
	put(e, "alt\033[?1h");			/* the cursor stays put */
	ROW_IS(t, e, 1, "  alt");
	CHECK(t, term_emu_app_cursor_keys(e));
	put(e, "\033[?1049l");
	ROWS_ARE(t, e, 0, "main", "screen");
	CURSOR_AT(t, e, 2, 1);			/* cursor restored */
	put(e, "\033[?1047hx\033[?1047l");
	ROW_IS(t, e, 0, "main");
	put(e, "\033[?1049h");
	CHECK(t, term_emu_resize(e, 5, 2) == 0);	/* both screens resize */
	put(e, "\033[?1049l");
	ROW_IS(t, e, 0, "main");
	term_emu_free(e);
}

static void
erase_colour(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 3);
	const struct term_fb *fb = term_emu_fb(e);

	put(e, "\033[1;44mab\033[K\033[2;1H\033[41m\033[2X");
	CHECK_EQ_INT(t, term_fb_cell(fb, 5, 0)->bg, TERM_COLOR_INDEXED | 4);
	CHECK_EQ_INT(t, term_fb_cell(fb, 5, 0)->attr, 0);	/* only the colour */
	CHECK_EQ_INT(t, term_fb_cell(fb, 0, 0)->attr, TERM_ATTR_BOLD);
	CHECK_EQ_INT(t, term_fb_cell(fb, 1, 1)->bg, TERM_COLOR_INDEXED | 1);
	CHECK_EQ_INT(t, term_fb_cell(fb, 2, 1)->bg, 0);
	put(e, "\033[0;38;2;1;2;3;48;5;200;9;2m");
	CHECK_EQ_INT(t, fb->pen.fg, TERM_COLOR_RGB | 0x010203);
	CHECK_EQ_INT(t, fb->pen.bg, TERM_COLOR_INDEXED | 200);
	CHECK_EQ_INT(t, fb->pen.attr, TERM_ATTR_STRIKE | TERM_ATTR_FAINT);
	put(e, "\033[38:2::9:8:7m\033[95m");
	CHECK_EQ_INT(t, fb->pen.fg, TERM_COLOR_INDEXED | 13);
	put(e, "\033[38:2::9:8:7m");
	CHECK_EQ_INT(t, fb->pen.fg, TERM_COLOR_RGB | 0x090807);
	term_emu_free(e);
}

static void
replies(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 3);
	struct term_buf	*r = term_emu_replies(e);
	const char	*want = "\033[?62c\033[>1;10;0c\033[0n\033[2;4R";

	put(e, "\033[c\033[>c\033[5n\033[2;4H\033[6n");
	CHECK_EQ_INT(t, r->len, strlen(want));
	CHECK_MEM(t, r->data, want, strlen(want));
	term_buf_clear(r);
	CHECK_EQ_INT(t, r->len, 0);
	term_emu_free(e);
}

static void
invalid_utf8(struct check *t)
{
	struct term_emu	*e = term_emu_new(20, 2);

	/* bad lead, overlong, surrogate, truncated, then fine text */
	put(e, "a\377b\300\200c\355\240\200d\342\202e\303");
	put(e, "\251");		/* a sequence split across writes */
	ROW_IS(t, e, 0, "a\357\277\275b\357\277\275\357\277\275c"
	    "\357\277\275\357\277\275\357\277\275d\357\277\275e\303\251");
	term_emu_free(e);
}

static void
unknown_ignored(struct check *t)
{
	struct term_emu	*e = term_emu_new(40, 2);
	const struct term_fb *fb = term_emu_fb(e);

	put(e, "[\033[?1234h\033[5;5z\033P1;2qsixel\033\\\033_apc\033\\"
	    "\033]1337;x=y\a\033#3\033[>4;2m\033[=5u\033^pm\033\\\033Xsos\033\\"
	    "\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19m"
	    "\033[99999999999999999999C\033[1 q\033%G\030\032]");
	ROW_IS(t, e, 0, "[                                      ]");
	put(e, "\r\033]0;t\033[31mX\033\\Y");	/* ESC ends an OSC */
	CHECK(t, fb->title != NULL && strcmp(fb->title->data, "t") == 0);
	term_emu_free(e);
}

static void
titles_and_clipboard(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2);
	const struct term_fb *fb = term_emu_fb(e);
	char		 big[400];

	put(e, "\033]1;icon\a\033]2;tïtle\033\\\033]52;c;aGVsbG8=\a\a\a");
	CHECK(t, fb->icon && strcmp(fb->icon->data, "icon") == 0);
	CHECK(t, fb->title && strcmp(fb->title->data, "tïtle") == 0);
	CHECK(t, fb->clipboard && strcmp(fb->clipboard->data, "aGVsbG8=") == 0);
	CHECK_EQ_INT(t, fb->bell_count, 2);
	memset(big, 'x', sizeof(big));
	memcpy(big, "\033]0;", 4);
	big[sizeof(big) - 2] = '\a';
	big[sizeof(big) - 1] = '\0';
	put(e, big);
	CHECK_EQ_INT(t, fb->title->len, 254);	/* as mosh: 256 with "0;" */
	term_emu_free(e);
}

static void
modes(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2);
	const struct term_fb *fb = term_emu_fb(e);

	put(e, "\033[?25l\033[?5h\033[?2004h\033[?1002h\033[?1006h\033[?1004h\033=");
	CHECK(t, !fb->cursor_visible && fb->reverse_video && fb->bracketed_paste);
	CHECK_EQ_INT(t, fb->mouse_mode, 1002);
	CHECK_EQ_INT(t, fb->mouse_enc, 1006);
	CHECK(t, fb->focus_events && term_emu_app_keypad(e));
	put(e, "\033[?1002l\033[!p");		/* soft reset */
	CHECK_EQ_INT(t, fb->mouse_mode, 0);
	CHECK(t, fb->cursor_visible && !term_emu_app_keypad(e));
	put(e, "\033]0;t\a\033]52;c;eA==\ahello\033c");	/* hard reset */
	CHECK(t, fb->title == NULL && fb->clipboard == NULL);
	ROW_IS(t, e, 0, "");
	CHECK(t, !fb->bracketed_paste && fb->mouse_enc == 0 && !fb->reverse_video);
	CURSOR_AT(t, e, 0, 0);
	term_emu_free(e);
}

static void
wide_and_combining(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2);
	const struct term_fb *fb = term_emu_fb(e);

	put(e, "a中e\314\201\314\202\314\203x");	/* third mark dropped */
	ROW_IS(t, e, 0, "a中e\314\201\314\202x");
	CHECK(t, term_fb_cell(fb, 1, 0)->wide && term_fb_cell(fb, 2, 0)->ch == 0);
	put(e, "\033[1;3Hz");			/* right half overwritten */
	ROW_IS(t, e, 0, "a ze\314\201\314\202x");
	term_emu_free(e);
}

/*
 * A mark with nothing to its left, as mosh: on a blank it shows on a
 * no-break space and the cursor moves on; a character under the cursor
 * takes it.
 */
static void
combining_at_line_start(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 3);
	const struct term_fb *fb = term_emu_fb(e);

	put(e, "\033[44m\033[2K\033[0m\314\201x");
	ROW_IS(t, e, 0, "\302\240\314\201x");
	CHECK_EQ_INT(t, term_fb_cell(fb, 0, 0)->bg, TERM_COLOR_INDEXED | 4);
	CHECK_EQ_INT(t, fb->cx, 2);
	put(e, "\314\202");			/* joins the x */
	ROW_IS(t, e, 0, "\302\240\314\201x\314\202");
	put(e, "\r\n\314\201\314\202\314\203");	/* third dropped */
	ROW_IS(t, e, 1, "\302\240\314\201\314\202");
	CHECK_EQ_INT(t, fb->cx, 1);
	put(e, "\033[3Hab\r\314\201");		/* onto the a, cursor stays */
	ROW_IS(t, e, 2, "a\314\201b");
	CHECK_EQ_INT(t, fb->cx, 0);
	term_emu_free(e);
}

static void
repeat_char(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2);

	put(e, "\033[b-\033[3bx\033(0q\033[2b\033(B");	/* REP; nothing before: no-op */
	ROW_IS(t, e, 0, "----x───");
	term_emu_free(e);
}

static void
sizes_bounded(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2);

	CHECK(t, term_emu_new(0, 5) == NULL);
	CHECK(t, term_emu_new(5, 5000) == NULL);
	CHECK_EQ_INT(t, term_emu_resize(e, 0, 1), -1);
	CHECK_EQ_INT(t, term_emu_resize(e, 3000, 1), -1);
	CHECK_EQ_INT(t, term_emu_resize(e, 2048, 2048), 0);
	CHECK_EQ_INT(t, term_emu_resize(e, 1, 1), 0);
	put(e, "ab中");
	ROW_IS(t, e, 0, "");			/* no room for the wide char */
	term_emu_free(e);
}

static void
clone_is_independent(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2), *c;

	put(e, "one\033]0;a\a\033[?1049h");
	c = term_emu_clone(e);
	CHECK(t, c != NULL);
	put(c, "two\033[?1049l");
	ROW_IS(t, e, 0, "");
	ROW_IS(t, c, 0, "one");
	put(e, "\033[?1049l");
	ROW_IS(t, e, 0, "one");
	term_emu_free(e);
	term_emu_free(c);
}

/*
 * A clone taken inside an OSC string keeps growing its own copy: 4000
 * four-byte characters appended to it must neither overrun the copy nor
 * touch the original, and the title keeps its first TERM_TITLE_MAX code points.
 */
static void
clone_inside_osc(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 2), *c;
	const struct term_str *title;
	int		 i;

	put(e, "\033]0;");
	c = term_emu_clone(e);
	CHECK(t, c != NULL);
	for (i = 0; i < 4000; i++)
		put(c, "\xf0\x9f\x98\x80");
	put(c, "\a");
	title = term_emu_fb(c)->title;
	CHECK(t, title != NULL);
	if (title != NULL)
		/* the "0;" prefix counts, as in mosh */
		CHECK_EQ_INT(t, title->len, 4 * (TERM_TITLE_MAX - 2));
	CHECK(t, term_emu_fb(e)->title == NULL);
	put(e, "x\a");
	title = term_emu_fb(e)->title;
	CHECK(t, title != NULL && title->len == 1 && title->data[0] == 'x');
	term_emu_free(e);
	term_emu_free(c);
}

/* Every cell of row y equals c (its rendition too). */
static int
row_all(const struct term_emu *e, int y, const struct term_cell *c)
{
	const struct term_fb *fb = term_emu_fb(e);
	int		 x;

	for (x = 0; x < fb->cols; x++)
		if (memcmp(&fb->row[y]->cells[x], c, sizeof(*c)) != 0)
			return 0;
	return 1;
}

/*
 * A new screen's rows share one blank row: writing a row copies it for
 * that place only, with a generation of its own (the display diff takes
 * rows of one generation for one line of text), and a clone still shares
 * what neither wrote.
 */
static void
blank_rows_shared(struct check *t)
{
	struct term_emu	*e = term_emu_new(10, 4);
	const struct term_fb *fb;
	struct term_fb	*snap;

	CHECK(t, e != NULL);
	if (e == NULL)
		return;
	fb = term_emu_fb(e);
	CHECK(t, fb->row[0] == fb->row[3] && fb->row[0]->refs == 4);
	put(e, "a\r\nb");
	CHECK(t, fb->row[0] != fb->row[1] && fb->row[1] != fb->row[2]);
	CHECK(t, fb->row[0]->gen != fb->row[1]->gen &&
	    fb->row[0]->gen != fb->row[2]->gen &&
	    fb->row[1]->gen != fb->row[2]->gen);
	CHECK(t, fb->row[2] == fb->row[3] && fb->row[2]->refs == 2);
	CHECK(t, fb->row[0]->cells[0].ch == 'a' &&
	    fb->row[1]->cells[0].ch == 'b' && fb->row[2]->cells[0].ch == ' ');
	snap = term_emu_snapshot(e);
	CHECK(t, snap != NULL && snap->row[3] == fb->row[3] &&
	    fb->row[3]->refs == 4);
	put(e, "\r\n\r\nd");
	CHECK(t, fb->row[3]->cells[0].ch == 'd' && snap != NULL &&
	    snap->row[3]->cells[0].ch == ' ' && snap->row[2]->refs == 3);
	term_fb_free(snap);
	term_emu_free(e);
}

/*
 * A row scrolled off is used again for the row scrolled in, blanked only
 * up to its ink: whatever wrote it (text, wide characters at the margin,
 * inserts, coloured erases), the new row must be blank in every cell.
 */
static void
recycled_rows_blank(struct check *t)
{
	static const char *const writers[] = {
		"\033[41mabcdefghij\033[m",		/* coloured, to the margin */
		"abcdefgh\xe4\xb8\xad",		/* a wide char at the end */
		"ab\033[4@cd",				/* ICH pushes text right */
		"\033[44m\033[K\033[m",		/* a coloured erase */
		"\033[10Gz",				/* only the last column */
		"\033[3b",				/* REP of nothing */
	};
	struct term_cell blank, blue;
	struct term_emu	*e = term_emu_new(10, 3);
	struct term_fb	*snap;
	size_t		 i;
	int		 y;

	memset(&blank, 0, sizeof(blank));
	blank.ch = ' ';
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		put(e, "\033[H");
		for (y = 0; y < 3; y++) {
			put(e, writers[i]);
			put(e, "\r\n");
		}
		/* Shared rows (a snapshot holds them) are copied, not reused. */
		snap = i % 2 ? term_emu_snapshot(e) : NULL;
		put(e, "\n\n\n");
		for (y = 0; y < 3; y++)
			CHECK(t, row_all(e, y, &blank));
		term_fb_free(snap);
	}
	/* Scrolled in with a background colour set: every cell takes it. */
	put(e, "\033[Habcdefghij\033[44m\n\n\n\n\n");
	blue = term_emu_fb(e)->row[2]->cells[0];
	CHECK(t, blue.bg != 0 && blue.ch == ' ');
	for (y = 0; y < 3; y++)
		CHECK(t, row_all(e, y, &blue));
	put(e, "\033[m\n\n\n");
	for (y = 0; y < 3; y++)
		CHECK(t, row_all(e, y, &blank));
	term_emu_free(e);
}

/*
 * term_emu_write takes runs of ASCII, whole UTF-8 sequences and CSI
 * parameters by fast paths; a byte at a time it never can. Both must
 * leave the same screen, for sequences that end a run, break one or are
 * not what they start like.
 */
static void
fast_paths_match_bytewise(struct check *t)
{
	static const char *const inputs[] = {
		"caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 na\xc3\xafve\r\n",
		"\xc2\x9b" "31mred\xc2\x9b" "0m",	/* C1 CSI as UTF-8 */
		"\xe0\x80\xaf\xed\xa0\x80\xc3(\xe4\xb8",	/* invalid */
		/* the same inside a run of wide text: an overlong, a
		 * surrogate, a lead without its last byte */
		"\xe4\xb8\xad\xe0\x80\xaf\xe4\xb8\xad\xed\xa0\x80"
		    "\xe4\xb8\xad\xe4\xb8\xe4\xb8\xad\xef\xbf\xbd",
		"\033[38;2;1;2;3;48;5;200;1;4mx\033[0my\033[1m\033[mz",
		"\033[4:3mcurly\033[99999999999;1Hfar\033[m",
		"\033[2;3Hx\033[;5Hy\033[0;0Hz\033[12;;4mw\033[?25l\033[?1;2c",
		"\033[1;31\033[4mcut\033[3\033[m",	/* ESC inside a CSI */
		"\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;"
		    "22;23;24;25;26;27;28;29;30;31;32;33mmany",
		"\033[?1049h\xe4\xb8\xad\033[?1049l\033[5;5H\xef\xbc\xa1",
		"0123456789\xe4\xb8\xad\xe4\xb8\xad",	/* wide at margin */
		/* a run of wide text reaching the last column, where the
		 * next wide character does not fit */
		"a\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad",
		"\033[1;31mx\033[!py\033[5 qz",	/* intermediates */
		"\033[1?5hx\033[?5;7h\033[?7l0123456789abc\033[?7h",
		"\033[3\n1mx\033[1\x7f;4my\033[2\033[31mz",	/* controls */
		"\033[6n\033[>c\033[>1c\033[<5mx\033[=1mq\033[?6n",
		"\033[65535;65536;655350;0000001Hx\033[::;:1mz",
		"\033)0a\x0eqx\x0fq\ta\b\x07\x0bz\x18y\x1aw\r\n\n",
		/* wide over wide, a cell off either way, and over the wrap */
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\r\xc3\xa9"
		    "\xe4\xb8\xad\xc3\xa9\033[1;7H\xc3\xa9\xc3\xa9\r\n"
		    "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\033[2;2H"
		    "\xc3\xa9\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
		    "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xc3\xa9",
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\r\xc3\xa9\xc3\xa9\xc3\xa9\r\n",
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\rabc\r\n"
		    "\xe4\xb8\xad\xe4\xb8\xad\033[2;2Hab\r\n",
		"\033[4h\xe4\xb8\xad\xc3\xa9\033[4l\033[?7l\xe4\xb8\xad\xe4\xb8\xad"
		    "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xc3\xa9",
		/* ASCII inside a run of text outside it: mapped by a
		 * charset, to the margin and over it, a mark on it, in
		 * insert mode, before a wide character that does not fit */
		"\033(0\xc3\xa9qx\033(B\xc3\xa9qx\033)0\xc3\xa9\x0eqx\x0fq",
		"\xc3\xa9" "abcdefghijk\xc3\xa9lm\r\n\xc3\xa9" "a\xcc\x81z",
		"\033[4h\xc3\xa9" "ab\033[4l\r\n\xc3\xa9" "abcdefgh\xe4\xb8\xad",
		"\033[?7l\xc3\xa9" "abcdefghijk\033[?7h\xe4\xb8\xad ab\xe4\xb8\xad",
	};
	struct term_emu	*whole, *bytes;
	const struct term_fb *a, *b;
	const struct term_buf *rw, *rb;
	size_t		 i, j, n;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		whole = term_emu_new(10, 4);
		bytes = term_emu_new(10, 4);
		n = strlen(inputs[i]);
		put(whole, inputs[i]);
		for (j = 0; j < n; j++)
			term_emu_write(bytes, (const uint8_t *)inputs[i] + j, 1);
		a = term_emu_fb(whole);
		b = term_emu_fb(bytes);
		CHECK(t, term_fb_equal(a, b));
		CHECK_EQ_INT(t, a->cx, b->cx);
		CHECK_EQ_INT(t, a->cy, b->cy);
		rw = term_emu_replies(whole);
		rb = term_emu_replies(bytes);
		CHECK_EQ_INT(t, (int)rw->len, (int)rb->len);
		/* No replies: no buffer either, and memcmp takes no NULL. */
		CHECK(t, rb->len == 0 || rw->len != rb->len ||
		    memcmp(rw->data, rb->data, rb->len) == 0);
		term_emu_free(whole);
		term_emu_free(bytes);
	}
}

/*
 * An ASCII run found eight bytes at a time ends exactly where it should:
 * runs of every length to 17, ended by each kind of byte that ends one
 * (a control, ESC, DEL, a C1 byte, a UTF-8 lead, a byte that borrows or
 * carries into the next in the word test) and followed by more text,
 * leave the screen as bytes written one at a time do.
 */
static void
ascii_run_ends(struct check *t)
{
	static const uint8_t enders[] = { 0x00, 0x07, 0x0d, 0x1b, 0x1f, 0x7f,
	    0x80, 0x9b, 0xc3, 0xff };
	struct term_emu	*whole, *bytes;
	uint8_t		 in[40];
	size_t		 k, e, j, n;
	int		 bad = 0;

	for (k = 0; k <= 17; k++) {
		for (e = 0; e < sizeof(enders); e++) {
			for (n = 0; n < k; n++)
				in[n] = (uint8_t)('a' + n);
			in[n++] = enders[e];
			in[n++] = 0xa9;		/* é, when the ender is its lead */
			memcpy(in + n, "XYZ0123456", 10);
			n += 10;
			whole = term_emu_new(40, 3);
			bytes = term_emu_new(40, 3);
			term_emu_write(whole, in, n);
			for (j = 0; j < n; j++)
				term_emu_write(bytes, in + j, 1);
			if ((!term_fb_equal(term_emu_fb(whole),
			    term_emu_fb(bytes)) ||
			    term_emu_fb(whole)->cx != term_emu_fb(bytes)->cx) &&
			    bad++ < 5)
				printf("#   a run of %zu ended by 0x%02x differs\n",
				    k, enders[e]);
			term_emu_free(whole);
			term_emu_free(bytes);
		}
	}
	CHECK_EQ_INT(t, bad, 0);
}

static void
utf8_ctype(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
}

/*
 * Widths are asked of wcwidth once and then remembered, in a cache that
 * clones share: every BMP code point printed once (from wcwidth) and
 * again (from the cache), by an emulator and by its clone after the
 * original is gone, lands the cursor where wcwidth says.
 */
static void
widths_remembered(struct check *t)
{
	struct term_emu	*e, *c;
	uint8_t		 u[6];
	uint32_t	 cp;
	size_t		 len;
	int		 pass, w, want, bad = 0;

	e = term_emu_new(10, 2);
	for (pass = 0; pass < 3; pass++) {
		if (pass == 2) {
			c = term_emu_clone(e);
			term_emu_free(e);
			e = c;
		}
		for (cp = 0xa0; cp <= 0xffff; cp++) {
			if (cp >= 0xd800 && cp <= 0xdfff)
				continue;
			want = wcwidth((wchar_t)cp);
			put(e, "\033[H\033[2KA");	/* a base for marks */
			/* Twice in one write: the second is a run's next
			 * character, whose width the run looks up itself. */
			if (cp < 0x800) {
				u[0] = (uint8_t)(0xc0 | (cp >> 6));
				u[1] = (uint8_t)(0x80 | (cp & 0x3f));
				len = 2;
			} else {
				u[0] = (uint8_t)(0xe0 | (cp >> 12));
				u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
				u[2] = (uint8_t)(0x80 | (cp & 0x3f));
				len = 3;
			}
			memcpy(u + len, u, len);
			term_emu_write(e, u, 2 * len);
			w = term_emu_fb(e)->cx - 1;
			if (want < 0)
				want = 0;	/* dropped: the cursor stays */
			if (want > 2)
				want = 2;
			if (w != 2 * want && bad++ < 5)
				printf("#   U+%04X twice: moved %d, wcwidth says %d each (pass %d)\n",
				    (unsigned)cp, w, want, pass);
		}
	}
	CHECK_EQ_INT(t, bad, 0);
	term_emu_free(e);
}

CHECK_MAIN_SETUP(utf8_ctype,
    CASE(pending_wrap), CASE(scroll_regions), CASE(origin_mode),
    CASE(insert_delete), CASE(tab_stops), CASE(dec_graphics), CASE(alt_screen),
    CASE(erase_colour), CASE(replies), CASE(invalid_utf8),
    CASE(unknown_ignored), CASE(titles_and_clipboard), CASE(modes),
    CASE(wide_and_combining), CASE(combining_at_line_start), CASE(repeat_char),
    CASE(sizes_bounded), CASE(clone_is_independent), CASE(clone_inside_osc),
    CASE(recycled_rows_blank), CASE(blank_rows_shared), CASE(fast_paths_match_bytewise),
    CASE(ascii_run_ends), CASE(widths_remembered))

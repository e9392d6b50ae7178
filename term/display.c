/*
 * The display diff, after mosh's terminaldisplay.cc: track where the
 * receiving terminal's cursor and rendition are, skip cells it already
 * shows, erase runs of blanks, detect a scrolled screen, and take care
 * of xterm's deferred wrap at the last column.
 */
#include <stdlib.h>
#include <string.h>

#include "term/display.h"

struct frame {
	struct term_buf		*out;
	const struct term_fb	*nf;
	int			 cx;		/* receiver's cursor; -1 unknown */
	int			 cy;
	struct term_rend	 pen;		/* receiver's rendition */
	int			 cursor_visible;
	const struct term_row	*old_bottom;	/* old last row: never wraps at the receiver */
	int			 no_history;	/* scroll with DL: nothing enters
						 * the receiver's scrollback */
	int			 atomic;	/* nobody watches the moves: no
						 * cursor hiding while drawing */
	struct term_row		*shifted;	/* a receiver's row after ICH or
						 * DCH; NULL until needed */
};

static const struct term_cell blank_cell = { .ch = ' ' };

static int
rend_equal(const struct term_rend *a, const struct term_rend *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attr == b->attr;
}

static struct term_rend
cell_rend(const struct term_cell *c)
{
	struct term_rend r = { c->fg, c->bg, c->attr };

	return r;
}

/* A cell an erase (ECH, EL, BCE) reproduces exactly. */
static int
erasable(const struct term_cell *c)
{
	return c->ch == ' ' && c->comb[0] == 0 && c->fg == 0 && c->attr == 0;
}

/*
 * Does the receiver's row, showing old (NULL: blank) at row y, wrap? A
 * row wraps there only when the next one was entered by wrapping, so
 * never on the last row, nor on rows that were last when drawn.
 */
static int
rx_wraps(const struct frame *f, const struct term_row *old, int y)
{
	return old != NULL && old->wrap && old != f->old_bottom &&
	    y < f->nf->rows - 1;
}

static int
cell_equal(const struct term_cell *a, const struct term_cell *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void
put_color(struct term_buf *b, uint32_t c, unsigned base)
{
	unsigned	 n = c & 0xff;

	if (TERM_COLOR_KIND(c) == TERM_COLOR_RGB) {
		term_buf_addc(b, ';');
		term_buf_addu(b, base + 8);
		term_buf_adds(b, ";2;");
		term_buf_addu(b, (c >> 16) & 0xff);
		term_buf_addc(b, ';');
		term_buf_addu(b, (c >> 8) & 0xff);
		term_buf_addc(b, ';');
		term_buf_addu(b, n);
	} else if (TERM_COLOR_KIND(c) == TERM_COLOR_INDEXED) {
		/*
		 * Only 0-7 have a short form: mosh stores SGR 90-97 as
		 * palette entries 8-15 and writes them out as 38;5;n, so
		 * do we, whichever way the program wrote them.
		 */
		term_buf_addc(b, ';');
		if (n < 8) {
			term_buf_addu(b, base + n);
		} else {
			term_buf_addu(b, base + 8);
			term_buf_adds(b, ";5;");
			term_buf_addu(b, n);
		}
	}
}

static void
put_sgr(struct term_buf *b, const struct term_rend *r)
{
	static const struct { uint16_t attr; char sgr; } attrs[] = {
		{ TERM_ATTR_BOLD, '1' }, { TERM_ATTR_FAINT, '2' },
		{ TERM_ATTR_ITALIC, '3' }, { TERM_ATTR_UNDERLINE, '4' },
		{ TERM_ATTR_BLINK, '5' }, { TERM_ATTR_INVERSE, '7' },
		{ TERM_ATTR_INVISIBLE, '8' }, { TERM_ATTR_STRIKE, '9' },
	};
	size_t	 i;

	term_buf_adds(b, "\033[0");
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (r->attr & attrs[i].attr) {
			term_buf_addc(b, ';');
			term_buf_addc(b, (uint8_t)attrs[i].sgr);
		}
	}
	put_color(b, r->fg, 30);
	put_color(b, r->bg, 40);
	term_buf_addc(b, 'm');
}

static void
set_pen(struct frame *f, const struct term_rend *r, int force)
{
	if (!force && rend_equal(&f->pen, r))
		return;
	put_sgr(f->out, r);
	f->pen = *r;
}

static void
put_csi2(struct term_buf *b, unsigned p1, unsigned p2, char final)
{
	term_buf_adds(b, "\033[");
	term_buf_addu(b, p1);
	term_buf_addc(b, ';');
	term_buf_addu(b, p2);
	term_buf_addc(b, (uint8_t)final);
}

static void
put_csi1(struct term_buf *b, unsigned p, char final)
{
	term_buf_adds(b, "\033[");
	/* 1 is what each of ours means without one (CUx, ECH, ICH, DCH,
	 * IL, DL), in mosh's emulator and every other. */
	if (p != 1)
		term_buf_addu(b, p);
	term_buf_addc(b, (uint8_t)final);
}

/* The cheapest of CR/LF, BS, CUF and CUP to get from a known position. */
static void
move(struct frame *f, int y, int x)
{
	int	 ox = f->cx, oy = f->cy;

	f->cx = x;
	f->cy = y;
	if (ox >= 0 && oy >= 0) {
		if (x == 0 && y >= oy && y - oy < 5) {
			if (ox != 0)
				term_buf_addc(f->out, '\r');
			term_buf_addrep(f->out, '\n', (size_t)(y - oy));
			return;
		}
		if (y == oy && x < ox && ox - x < 5) {
			term_buf_addrep(f->out, '\b', (size_t)(ox - x));
			return;
		}
		/* Back along the row (a line editor's Home, a word left):
		 * CR and CUF, a byte or more shorter than CUP. */
		if (y == oy && x < ox) {
			term_buf_addc(f->out, '\r');
			put_csi1(f->out, (unsigned)x, 'C');
			return;
		}
		if (y == oy && x > ox) {
			put_csi1(f->out, (unsigned)(x - ox), 'C');
			return;
		}
		if (x == ox && y < oy) {
			put_csi1(f->out, (unsigned)(oy - y), 'A');
			return;
		}
		if (x == ox && y > oy) {
			put_csi1(f->out, (unsigned)(y - oy), 'B');
			return;
		}
	}
	if (x == 0 && y == 0)
		term_buf_adds(f->out, "\033[H");
	else
		put_csi2(f->out, (unsigned)y + 1, (unsigned)x + 1, 'H');
}

/* A move while drawing: the cursor is hidden first so it does not flicker. */
static void
silent_move(struct frame *f, int y, int x)
{
	if (f->cx == x && f->cy == y)
		return;
	if (f->cursor_visible && !f->atomic) {
		term_buf_adds(f->out, "\033[?25l");
		f->cursor_visible = 0;
	}
	move(f, y, x);
}

static void
put_cell(struct frame *f, const struct term_cell *c)
{
	int	 i;

	term_buf_addutf8(f->out, c->ch);
	for (i = 0; i < TERM_COMB_MAX && c->comb[i] != 0; i++)
		term_buf_addutf8(f->out, c->comb[i]);
}

static void
draw_cell(struct frame *f, const struct term_cell *c)
{
	struct term_rend r = cell_rend(c);

	set_pen(f, &r, 0);
	put_cell(f, c);
	f->cx += c->wide ? 2 : 1;
	/* At the end of the row the receiver waits to wrap: position unknown. */
	if (f->cx >= f->nf->cols)
		f->cx = -1;
}

/*
 * Before moving right over a few unchanged cells, see if printing them
 * again is shorter than CUF: plain cells in the current rendition.
 */
static void
reprint_gap(struct frame *f, const struct term_row *row, int y, int x)
{
	const struct term_cell *c;
	struct term_rend r;
	int		 i;

	if (f->cy != y || f->cx < 0 || f->cx >= x || x - f->cx > 3)
		return;
	for (i = f->cx; i < x; i++) {
		c = &row->cells[i];
		r = cell_rend(c);
		if (c->wide || c->ch == 0 || c->ch >= 0x80 || c->comb[0] != 0 ||
		    !rend_equal(&r, &f->pen))
			return;
	}
	for (i = f->cx; i < x; i++)
		term_buf_addc(f->out, (uint8_t)row->cells[i].ch);
	f->cx = x;
}

static void
flush_blanks(struct frame *f, int y, int x, int n, uint32_t bg)
{
	struct term_rend r = { 0, bg, 0 };

	reprint_gap(f, f->nf->row[y], y, x);
	silent_move(f, y, x);
	set_pen(f, &r, 0);
	if (n > 4) {
		put_csi1(f->out, (unsigned)n, 'X');
	} else {
		term_buf_addrep(f->out, ' ', (size_t)n);
		f->cx += n;
	}
}

/* Of n cells, those not default blanks: what drawing them again costs. */
static int
cells_ink(const struct term_cell *c, int n)
{
	int	 i, ink = 0;

	for (i = 0; i < n; i++)
		ink += !cell_equal(&c[i], &blank_cell);
	return ink;
}

/* In-line shifts of fewer cells of ink are drawn instead: ICH or DCH
 * and the rendition reset cost about that many bytes. */
#define SHIFT_MIN_INK	8
/* Shifts looked for: a few characters typed or deleted at once. */
#define SHIFT_MAX	16

/* Cells with no half of a wide character among them. */
static int
narrow_cells(const struct term_cell *c, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		if (c[i].wide || c[i].ch == 0)
			return 0;
	}
	return 1;
}

/*
 * An in-line edit (characters typed or deleted mid-line, as a shell's
 * line editor does): if the receiver's row old, shifted right (ICH) or
 * left (DCH) from the first cell that differs, then matches row y from
 * there on, shift it so and return what the receiver then shows;
 * otherwise old. Rows with wide characters past that cell are left
 * alone, as are wrapping ones (mosh keeps the wrap in the last cell,
 * which a shift moves out).
 */
static const struct term_row *
put_shift(struct frame *f, int y, const struct term_row *old)
{
	const struct term_fb	*nf = f->nf;
	const struct term_row	*row = nf->row[y];
	const struct term_cell	*from;
	struct term_cell	*to;
	struct term_rend	 plain = { 0, 0, 0 };
	int			 cols = nf->cols, x0, n, i, del = 0;
	size_t			 len;

	for (x0 = 0; x0 < cols && cell_equal(&row->cells[x0], &old->cells[x0]); x0++)
		;
	if (cols - x0 <= SHIFT_MIN_INK ||
	    !narrow_cells(&row->cells[x0], cols - x0) ||
	    !narrow_cells(&old->cells[x0], cols - x0))
		return old;
	for (n = 1; n <= SHIFT_MAX && cols - x0 - n > SHIFT_MIN_INK; n++) {
		len = (size_t)(cols - x0 - n) * sizeof(row->cells[0]);
		if (memcmp(&row->cells[x0 + n], &old->cells[x0], len) == 0)
			break;
		if (memcmp(&row->cells[x0], &old->cells[x0 + n], len) == 0) {
			del = 1;
			break;
		}
	}
	if (n > SHIFT_MAX || cols - x0 - n <= SHIFT_MIN_INK)
		return old;
	from = &old->cells[del ? x0 + n : x0];
	if (cells_ink(from, cols - x0 - n) < SHIFT_MIN_INK)
		return old;
	if (f->shifted == NULL && (f->shifted = malloc(sizeof(*f->shifted) +
	    (size_t)cols * sizeof(f->shifted->cells[0]))) == NULL)
		return old;
	memcpy(f->shifted->cells, old->cells, (size_t)x0 * sizeof(old->cells[0]));
	to = &f->shifted->cells[del ? x0 : x0 + n];
	memcpy(to, from, (size_t)(cols - x0 - n) * sizeof(*to));
	for (i = del ? cols - n : x0; i < (del ? cols : x0 + n); i++)
		f->shifted->cells[i] = blank_cell;
	f->shifted->wrap = 0;
	f->shifted->gen = old->gen;
	f->shifted->ink = (uint16_t)cols;
	set_pen(f, &plain, 0);		/* the cells shifted in are unpainted */
	silent_move(f, y, x0);
	put_csi1(f->out, (unsigned)n, del ? 'P' : '@');
	return f->shifted;
}

/*
 * Draw row y over what the receiver shows (old; NULL is a blank row).
 * wrap_in: the receiver sits in deferred wrap at the end of row y - 1,
 * so the first cell must be printed now to wrap onto this row. Returns
 * whether the next row must be entered the same way.
 */
static int
put_row(struct frame *f, int y, const struct term_row *old, int wrap_in)
{
	const struct term_fb	*nf = f->nf;
	const struct term_row	*row = nf->row[y];
	const struct term_cell	*c, *oc;
	int			 cols = nf->cols, x = 0, clear = 0;
	int			 wrap_this, wrap_changed, wrote_last = 0;
	uint32_t		 clear_bg = 0;
	struct term_rend	 r;

	if (wrap_in) {
		draw_cell(f, &row->cells[0]);
		x = row->cells[0].wide ? 2 : 1;
		wrote_last = x >= cols;
	}
	/*
	 * The receiver's row wraps only if its last cell is printed and the
	 * next row entered by wrapping; when that differs from what the
	 * receiver shows, the last cell counts as changed even if it holds
	 * the same character (often a blank), as mosh keeps the wrap in it.
	 */
	wrap_this = row->wrap && y < nf->rows - 1;
	wrap_changed = wrap_this != rx_wraps(f, old, y);
	if (old == row && !wrote_last && !wrap_changed)
		return 0;
	if (old != NULL && !wrap_in && !wrap_this && !rx_wraps(f, old, y))
		old = put_shift(f, y, old);
	while (x < cols) {
		c = &row->cells[x];
		oc = old ? &old->cells[x] : &blank_cell;
		if (clear == 0 && cell_equal(c, oc) &&
		    !(wrap_changed && x + (c->wide ? 2 : 1) >= cols)) {
			x += c->wide ? 2 : 1;
			continue;
		}
		if (erasable(c) && (clear == 0 || c->bg == clear_bg)) {
			if (clear == 0)
				clear_bg = c->bg;
			clear++;
			x++;
			continue;
		}
		if (clear != 0) {
			flush_blanks(f, y, x - clear, clear, clear_bg);
			clear = 0;
			if (erasable(c)) {
				clear_bg = c->bg;
				clear = 1;
				x++;
				continue;
			}
		}
		reprint_gap(f, row, y, x);
		silent_move(f, y, x);
		draw_cell(f, c);
		x += c->wide ? 2 : 1;
		if (x >= cols)
			wrote_last = 1;
	}
	if (clear != 0) {
		silent_move(f, y, x - clear);
		r.fg = 0;
		r.bg = clear_bg;
		r.attr = 0;
		set_pen(f, &r, 0);
		if (!wrap_this) {
			term_buf_adds(f->out, "\033[K");
		} else {
			/* Spaces, so the receiver wraps into the next row. */
			term_buf_addrep(f->out, ' ', (size_t)clear);
			wrote_last = 1;
		}
	}
	if (!wrote_last)
		return 0;
	/* The receiver is in deferred wrap at the last column of row y. */
	if (y == nf->rows - 1) {
		f->cx = f->cy = -1;
		return 0;
	}
	f->cx = 0;
	f->cy = y + 1;
	if (wrap_this)
		return 1;
	term_buf_adds(f->out, "\r\n");
	return 0;
}

static void
put_str(struct term_buf *b, const char *prefix, const struct term_str *s)
{
	term_buf_adds(b, prefix);
	if (s != NULL)
		term_buf_add(b, s->data, s->len);
	term_buf_addc(b, '\a');
}

static void
put_titles(struct frame *f, const struct term_fb *old)
{
	const struct term_fb *nf = f->nf;

	/*
	 * A screen where no title was ever set leaves the terminal's own,
	 * unless we put one there: a state built from an older one (SSP
	 * diffs from the last acknowledged state) may not know of a title
	 * that was set and then reset since.
	 */
	if (!nf->title_set && (old == NULL || !old->title_set))
		return;
	if (old != NULL && term_fb_str_equal(old->title, nf->title) &&
	    term_fb_str_equal(old->icon, nf->icon))
		return;
	if (term_fb_str_equal(nf->icon, nf->title)) {
		put_str(f->out, "\033]0;", nf->title);
	} else {
		put_str(f->out, "\033]1;", nf->icon);
		put_str(f->out, "\033]2;", nf->title);
	}
}

static void
put_mode(struct term_buf *b, unsigned mode, int on)
{
	term_buf_adds(b, "\033[?");
	term_buf_addu(b, mode);
	term_buf_addc(b, on ? 'h' : 'l');
}

static void
put_modes(struct frame *f, const struct term_fb *old)
{
	const struct term_fb	*nf = f->nf;
	struct term_buf		*b = f->out;

	if (old == NULL || old->bracketed_paste != nf->bracketed_paste)
		put_mode(b, 2004, nf->bracketed_paste);
	if (old == NULL || old->mouse_mode != nf->mouse_mode) {
		if (nf->mouse_mode == TERM_MOUSE_NONE) {
			put_mode(b, 1003, 0);
			put_mode(b, 1002, 0);
			put_mode(b, 1001, 0);
			put_mode(b, 1000, 0);
		} else {
			if (old != NULL && old->mouse_mode != TERM_MOUSE_NONE)
				put_mode(b, old->mouse_mode, 0);
			put_mode(b, nf->mouse_mode, 1);
		}
	}
	if (old == NULL || old->focus_events != nf->focus_events)
		put_mode(b, 1004, nf->focus_events);
	if (old == NULL || old->mouse_enc != nf->mouse_enc) {
		if (nf->mouse_enc == TERM_MOUSE_ENC_DEFAULT) {
			put_mode(b, 1015, 0);
			put_mode(b, 1006, 0);
			put_mode(b, 1005, 0);
		} else {
			if (old != NULL && old->mouse_enc != TERM_MOUSE_ENC_DEFAULT)
				put_mode(b, old->mouse_enc, 0);
			put_mode(b, nf->mouse_enc, 1);
		}
	}
}

static int
blank_row(const struct term_fb *nf, const struct term_row *r)
{
	int	 x;

	for (x = 0; x < nf->cols; x++) {
		if (!cell_equal(&r->cells[x], &blank_cell))
			return 0;
	}
	return 1;
}

/*
 * How far new row 0 moved up: the first old row that is the same line
 * (same generation) with the same cells; failing that, as for an
 * application that redrew its screen, the first that merely looks the
 * same. Generations come first because look-alike rows (blank lines,
 * vi's "~") would otherwise suggest too short a scroll and cost a redraw
 * of everything below. 0: no scroll.
 */
static int
scroll_shift(const struct term_fb *nf, const struct term_row **rows)
{
	const struct term_row	*top = nf->row[0];
	int			 shift;

	for (shift = 0; shift < nf->rows; shift++) {
		if (rows[shift]->gen == top->gen &&
		    term_fb_row_equal(nf, top, rows[shift]))
			return shift;
	}
	for (shift = 0; shift < nf->rows; shift++) {
		if (term_fb_row_equal(nf, top, rows[shift]))
			return shift;
	}
	return 0;
}

/*
 * Has the top of the screen scrolled up? Finds where new row 0 came from
 * and how far the match goes, as mosh does; then scrolls the receiver the
 * same way and updates our picture of it (rows).
 */
static int
put_scroll(struct frame *f, const struct term_row **rows)
{
	const struct term_fb	*nf = f->nf;
	struct term_rend	 plain = { 0, 0, 0 };
	int			 shift, height = 0, bottom, i;

	if ((shift = scroll_shift(nf, rows)) == 0)
		return 0;
	height = 1;
	while (shift + height < nf->rows &&
	    term_fb_row_equal(nf, nf->row[height], rows[shift + height]))
		height++;
	bottom = shift + height - 1;
	/* Below the region all blank: scrolling the whole screen is the same. */
	for (i = bottom + 1; i < nf->rows && blank_row(nf, rows[i]); i++)
		;
	if (i == nf->rows)
		bottom = nf->rows - 1;

	set_pen(f, &plain, 0);		/* new rows come in unpainted */
	if (f->no_history) {
		/* Delete lines at the top instead of feeding lines at the
		 * bottom: the rows leave without entering the terminal's
		 * scrollback (the client puts lines there itself). */
		if (bottom != nf->rows - 1)
			put_csi2(f->out, 1, (unsigned)bottom + 1, 'r');
		f->cx = f->cy = -1;
		silent_move(f, 0, 0);
		put_csi1(f->out, (unsigned)shift, 'M');
		if (bottom != nf->rows - 1)
			term_buf_adds(f->out, "\033[r");
		f->cx = f->cy = -1;
	} else if (bottom == nf->rows - 1) {
		if (f->cy != nf->rows - 1 || f->cx != 0)
			silent_move(f, nf->rows - 1, 0);
		term_buf_addrep(f->out, '\n', (size_t)shift);
	} else {
		put_csi2(f->out, 1, (unsigned)bottom + 1, 'r');
		f->cx = f->cy = -1;
		silent_move(f, bottom, 0);
		term_buf_addrep(f->out, '\n', (size_t)shift);
		term_buf_adds(f->out, "\033[r");
		f->cx = f->cy = -1;
	}
	for (i = 0; i <= bottom; i++)
		rows[i] = i + shift <= bottom ? rows[i + shift] : NULL;
	return height;
}

/*
 * Where on the receiver new row y is, at or below row from: the same line
 * (generation) with the same cells, nearest first; -1 if nowhere. Only
 * generations count here: a line that moved keeps its own, and look-alike
 * rows (blank, vi's "~") would make moves that buy nothing.
 */
static int
move_source(const struct term_fb *nf, const struct term_row **rows, int y,
    int from)
{
	const struct term_row	*r = nf->row[y];
	int			 d, j;

	for (d = 1; d < nf->rows; d++) {
		for (j = y - d; j <= y + d; j += 2 * d) {
			if (j < from || j >= nf->rows || rows[j] == NULL)
				continue;
			if (rows[j]->gen == r->gen &&
			    term_fb_row_equal(nf, r, rows[j]))
				return j;
		}
		if (y - d < from && y + d >= nf->rows)
			break;
	}
	return -1;
}

/* Moves under this many cells of ink are drawn instead: a scroll region,
 * a position, IL or DL and the reset come to about that many bytes. */
#define MOVE_MIN_INK	24

/*
 * Rows of the new screen that the receiver shows higher or lower (a line
 * inserted or deleted mid-screen, as vi and less do): moved into place
 * with a scroll region and IL or DL instead of drawn again. Rows from
 * first on; rows in place, and rows placed by a move, stay put. Updates
 * our picture of the receiver (rows).
 */
static void
put_moves(struct frame *f, const struct term_row **rows, int first)
{
	const struct term_fb	*nf = f->nf;
	struct term_rend	 plain = { 0, 0, 0 };
	int			 y, j, n, len, ink, top, bottom, i;

	for (y = first; y < nf->rows; y++) {
		if (rows[y] != NULL && term_fb_row_equal(nf, nf->row[y], rows[y])) {
			first = y + 1;
			continue;
		}
		if ((j = move_source(nf, rows, y, first)) == -1)
			continue;
		ink = 0;
		for (len = 0; y + len < nf->rows && j + len < nf->rows &&
		    rows[j + len] != NULL &&
		    term_fb_row_equal(nf, nf->row[y + len], rows[j + len]); len++)
			ink += cells_ink(rows[j + len]->cells, nf->cols);
		if (ink < MOVE_MIN_INK)
			continue;
		top = j < y ? j : y;
		bottom = (j < y ? y : j) + len - 1;
		n = j < y ? y - j : j - y;
		set_pen(f, &plain, 0);		/* new rows come in unpainted */
		if (top != 0 || bottom != nf->rows - 1)
			put_csi2(f->out, (unsigned)top + 1, (unsigned)bottom + 1, 'r');
		f->cx = f->cy = -1;
		silent_move(f, top, 0);
		put_csi1(f->out, (unsigned)n, j < y ? 'L' : 'M');
		if (top != 0 || bottom != nf->rows - 1)
			term_buf_adds(f->out, "\033[r");
		f->cx = f->cy = -1;
		if (j < y) {
			for (i = bottom; i >= top; i--)
				rows[i] = i - n >= top ? rows[i - n] : NULL;
		} else {
			for (i = top; i <= bottom; i++)
				rows[i] = i + n <= bottom ? rows[i + n] : NULL;
		}
		first = y + len;
		y = first - 1;
	}
}

int
term_display_diff(const struct term_fb *old, const struct term_fb *nf,
    struct term_buf *out)
{
	return term_display_diff_flags(old, nf, out, 0);
}

int
term_display_diff_flags(const struct term_fb *old, const struct term_fb *nf,
    struct term_buf *out, unsigned flags)
{
	static const struct term_rend plain = { 0, 0, 0 };
	const struct term_row	*rows[TERM_MAX_ROWS];
	struct frame		 f;
	int			 y, wrap = 0, first = 0, fresh;

	memset(&f, 0, sizeof(f));
	f.out = out;
	f.nf = nf;
	f.no_history = (flags & TERM_DISPLAY_NO_HISTORY) != 0;
	f.atomic = (flags & TERM_DISPLAY_ATOMIC) != 0;

	if (old != NULL && old->bell_count != nf->bell_count)
		term_buf_addc(out, '\a');
	put_titles(&f, old);
	if (!term_fb_str_equal(nf->clipboard, old ? old->clipboard : NULL))
		put_str(out, "\033]52;c;", nf->clipboard);
	if (old == NULL || old->reverse_video != nf->reverse_video)
		put_mode(out, 5, nf->reverse_video);

	fresh = old == NULL || old->cols != nf->cols || old->rows != nf->rows;
	if (fresh) {
		term_buf_adds(out, "\033[r\033[0m\033[H\033[2J");
		if (!f.atomic)
			term_buf_adds(out, "\033[?25l");
		f.pen = plain;
		f.cursor_visible = 0;
		for (y = 0; y < nf->rows; y++)
			rows[y] = NULL;
	} else {
		f.cx = old->cx;
		f.cy = old->cy;
		f.pen = old->pen;
		f.cursor_visible = old->cursor_visible;
		f.old_bottom = old->row[old->rows - 1];
		for (y = 0; y < nf->rows; y++)
			rows[y] = old->row[y];
		first = put_scroll(&f, rows);
		/* A row scrolled into place may have begun to wrap since. */
		for (y = 0; y < first && y < nf->rows - 1; y++) {
			if (rx_wraps(&f, rows[y], y) != nf->row[y]->wrap)
				break;
		}
		if (y < first)
			first = y;
		put_moves(&f, rows, first);
	}

	for (y = first; y < nf->rows; y++)
		wrap = put_row(&f, y, rows[y], wrap);

	if (!fresh)
		reprint_gap(&f, nf->row[nf->cy], nf->cy, nf->cx);
	if (fresh || f.cx != nf->cx || f.cy != nf->cy)
		move(&f, nf->cy, nf->cx);
	if (fresh || f.cursor_visible != nf->cursor_visible)
		put_mode(out, 25, nf->cursor_visible);
	set_pen(&f, &nf->pen, 0);
	put_modes(&f, fresh ? NULL : old);
	free(f.shifted);
	return out->failed ? -1 : 0;
}

/* A history line: the row's cells in order, in the diff's SGR and UTF-8. */
int
term_display_row(const struct term_row *row, int cols, struct term_buf *out)
{
	static const struct term_rend plain = { 0, 0, 0 };
	const struct term_cell	*c;
	struct term_rend	 r;
	struct frame		 f;
	int			 x, end;

	memset(&f, 0, sizeof(f));
	f.out = out;
	f.pen = plain;
	for (end = cols; end > 0; end--) {
		if (!cell_equal(&row->cells[end - 1], &blank_cell))
			break;
	}
	for (x = 0; x < end; x += c->wide ? 2 : 1) {
		c = &row->cells[x];
		r = cell_rend(c);
		set_pen(&f, &r, 0);
		put_cell(&f, c);
	}
	put_sgr(out, &plain);
	return out->failed ? -1 : 0;
}

void
term_display_open(struct term_buf *out)
{
	term_buf_adds(out, "\033[?1h");
}

void
term_display_close(struct term_buf *out)
{
	term_buf_adds(out, "\033[?1l\033[0m\033[?25h\033[?5l\033[?2004l"
	    "\033[?1003l\033[?1002l\033[?1001l\033[?1000l\033[?1004l"
	    "\033[?1015l\033[?1006l\033[?1005l\033[r");
}

/*
 * Printing: character widths, combining marks, wide characters, DEC
 * special graphics, insert mode and xterm's deferred auto-wrap; and the
 * fast path for runs of printable ASCII.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "term/emu_int.h"

/* DEC special graphics, 0x5f..0x7e, as Unicode. */
static const uint16_t dec_graphics[32] = {
	0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,
	0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,
	0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,
	0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

static void
wrap_line(struct term_emu *e, int hint)
{
	struct term_row	*r;

	if (hint && (r = emu_row_mut(e, e->fb->cy)) != NULL)
		r->wrap = 1;
	e->fb->cx = 0;
	e->pending_wrap = 0;
	emu_index(e);
}

/* Append a combining mark; when full, it is dropped, as mosh caps them too. */
static void
add_mark(struct term_cell *cell, uint32_t c)
{
	int	 i;

	for (i = 0; i < TERM_COMB_MAX; i++) {
		if (cell->comb[i] == 0) {
			cell->comb[i] = c;
			return;
		}
	}
}

/*
 * A combining mark at the start of a line, with no character to its left.
 * As mosh: a blank cell under the cursor becomes a no-break space
 * carrying the mark, in the cell's own rendition, and the cursor moves
 * past it; any other character under the cursor takes the mark.
 */
static void
combine_alone(struct term_emu *e, uint32_t c)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell *cell;

	if ((r = emu_row_mut(e, fb->cy)) == NULL)
		return;
	cell = &r->cells[fb->cx];
	emu_ink(r, fb->cx + 1);
	if (cell->ch == ' ' && cell->comb[0] == 0) {
		cell->ch = 0xa0;
		cell->comb[0] = c;
		if (fb->cx + 1 >= fb->cols)
			e->pending_wrap = e->autowrap;
		else
			fb->cx++;
		return;
	}
	add_mark(cell, c);
}

/* A combining mark joins the last character printed before the cursor. */
static void
combine(struct term_emu *e, uint32_t c)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	int		 x;

	x = e->pending_wrap ? fb->cx : fb->cx - 1;
	if (x < 0) {
		combine_alone(e, c);
		return;
	}
	if (fb->row[fb->cy]->cells[x].ch == 0 && x > 0)
		x--;
	if ((r = emu_row_mut(e, fb->cy)) == NULL)
		return;
	emu_ink(r, x + 1);
	add_mark(r->cells + x, c);
}

/* Ask glibc the widths of the BMP's block b, once for each code point. */
static void
widths_fill(struct emu_widths *wt, unsigned b)
{
	unsigned	 c, v, first = 0;
	int		 w;

	for (c = b << 8; c < (b + 1) << 8; c++) {
		if ((w = wcwidth((wchar_t)c)) > 2)
			w = 2;
		v = (unsigned)(w + 2);
		wt->nib[c >> 1] |= (uint8_t)(v << ((c & 1) * 4));
		if (c == b << 8)
			first = v;
		else if (v != first)
			first = EMU_BLOCK_MIXED;
	}
	wt->block[b] = (uint8_t)first;
}

/* bmp_width's slow path: the table made, c's block asked, its answer. */
static int
bmp_width_ask(struct term_emu *e, uint32_t c)
{
	struct emu_widths *wt;

	if ((wt = e->widths) == NULL) {
		if ((wt = calloc(1, sizeof(*wt))) == NULL)
			return wcwidth((wchar_t)c);
		wt->refs = 1;
		e->widths = wt;
	}
	if (wt->block[c >> 8] == 0)
		widths_fill(wt, c >> 8);
	return (int)((wt->nib[c >> 1] >> ((c & 1) * 4)) & 0xf) - 2;
}

/*
 * wcwidth(c) for c in the BMP, asked of glibc once: from its block's byte
 * when the block's characters are all alike, else from its nibble. wt is
 * e->widths, which a caller writing cells holds in a register (the cells
 * might alias e's field for all the compiler knows).
 */
static inline int
bmp_width(struct term_emu *e, const struct emu_widths *wt, uint32_t c)
{
	unsigned	 v;

	if (wt != NULL) {
		if ((v = wt->block[c >> 8]) - 1u < 4u)
			return (int)v - 2;
		if (v == EMU_BLOCK_MIXED)
			return (int)((wt->nib[c >> 1] >> ((c & 1) * 4)) &
			    0xf) - 2;
	}
	return bmp_width_ask(e, c);
}

/* wcwidth(c), asked of glibc once per code point of the BMP. */
static inline int
char_width(struct term_emu *e, uint32_t c)
{
	if (c > 0xffff)
		return wcwidth((wchar_t)c);
	return bmp_width(e, e->widths, c);
}

void
emu_print(struct term_emu *e, uint32_t c)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell *cell;
	int		 w;

	e->last_ch = c;
	if (e->charset[e->gl] == CS_DEC_GRAPHICS && c >= 0x5f && c <= 0x7e)
		c = dec_graphics[c - 0x5f];
	if (c < 0x7f)
		w = 1;
	else if ((w = char_width(e, c)) < 0)
		return;		/* unprintable: dropped, as mosh does */
	if (w == 0) {
		combine(e, c);
		return;
	}
	if (w > 2)
		w = 2;
	if (e->pending_wrap && e->autowrap)
		wrap_line(e, 1);
	if (w == 2 && fb->cx == fb->cols - 1) {
		if (!e->autowrap)
			return;
		/* No room for both halves: blank the last cell, go on. */
		if ((r = emu_row_mut(e, fb->cy)) == NULL)
			return;
		emu_split_wide(e, r, fb->cx, fb->cx);
		r->cells[fb->cx] = emu_erase_cell(e);
		emu_ink(r, fb->cx + 1);
		r->wrap = 0;
		wrap_line(e, 0);
	}
	if (w == 2 && fb->cols < 2)
		return;
	if (e->insert)
		emu_insert_cells(e, w);
	if ((r = emu_row_mut(e, fb->cy)) == NULL)
		return;
	emu_split_wide(e, r, fb->cx, fb->cx + w - 1);
	emu_ink(r, fb->cx + w);
	cell = &r->cells[fb->cx];
	memset(cell, 0, sizeof(*cell));
	cell->ch = c;
	cell->fg = fb->pen.fg;
	cell->bg = fb->pen.bg;
	cell->attr = fb->pen.attr;
	if (w == 2) {
		/* The right half written as the left was, not copied from
		 * it: reading back a cell just written field by field
		 * stalls on the store buffer. */
		cell->wide = 1;
		memset(&cell[1], 0, sizeof(cell[1]));
		cell[1].fg = fb->pen.fg;
		cell[1].bg = fb->pen.bg;
		cell[1].attr = fb->pen.attr;
	}
	/* A new last cell: the row wraps again only if the text runs on. */
	if (fb->cx + w >= fb->cols) {
		r->wrap = 0;
		fb->cx = fb->cols - 1;
		e->pending_wrap = e->autowrap;
	} else {
		fb->cx += w;
	}
}

/* A byte the ASCII fast path prints. */
static inline int
ascii_printable(uint8_t b)
{
	return b >= 0x20 && b < 0x7f;
}

/*
 * The length of the run of printable ASCII at p, at most n; eight bytes
 * at a time while eight are there. A word holds a byte below 0x20 exactly
 * when subtracting 0x20 from each sets a top bit (with a top bit already
 * set, its own), and one above 0x7e when adding 1 does. A borrow or
 * carry only runs upwards, so the lowest top bit set is exact: with the
 * first byte in the low bits, it ends the run.
 */
static inline size_t
ascii_run(const uint8_t *p, size_t n)
{
	const uint64_t	 ones = 0x0101010101010101ull;
	const uint64_t	 tops = 0x8080808080808080ull;
	uint64_t	 w, m;
	size_t		 i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		if ((m = ((w - ones * 0x20) | (w + ones) | w) & tops) != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return i + (size_t)(__builtin_ctzll(m) >> 3);
#else
			break;
#endif
		}
	}
	while (i < n && ascii_printable(p[i]))
		i++;
	return i;
}

/*
 * The fast path: printable ASCII in the ground state (p starts with a
 * byte of it), found and written into the row in one pass. Returns the
 * bytes taken: the whole run.
 */
size_t
emu_print_ascii(struct term_emu *e, const uint8_t *p, size_t n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell tmpl, *cell;
	size_t		 i, j, room, done = 0;
	int		 x;

	if (e->insert || !e->autowrap || e->charset[e->gl] != CS_ASCII) {
		for (i = 0; i < n && ascii_printable(p[i]); i++)
			emu_print(e, p[i]);
		return i;
	}
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.fg = fb->pen.fg;
	tmpl.bg = fb->pen.bg;
	tmpl.attr = fb->pen.attr;
	while (done < n && ascii_printable(p[done])) {
		if (e->pending_wrap)
			wrap_line(e, 1);
		if ((r = emu_row_mut(e, fb->cy)) == NULL)
			return done + 1;
		x = fb->cx;
		room = (size_t)(fb->cols - x);
		if (room > n - done)
			room = n - done;
		i = ascii_run(p + done, room);
		emu_split_wide(e, r, x, x + (int)i - 1);
		cell = &r->cells[x];
		for (j = 0; j < i; j++) {
			cell[j] = tmpl;
			cell[j].ch = p[done + j];
		}
		emu_ink(r, x + (int)i);
		done += i;
		e->last_ch = p[done - 1];
		if (x + (int)i >= fb->cols) {
			r->wrap = 0;
			fb->cx = fb->cols - 1;
			e->pending_wrap = 1;
		} else {
			fb->cx = x + (int)i;
			break;
		}
	}
	return done;
}

/*
 * A whole UTF-8 sequence of two or three bytes at p (n bytes there) that
 * decodes to a printable character (not a C1 control): its code point,
 * and *len its length; else 0, for decode to take byte by byte.
 */
static inline uint32_t
decode_whole(const uint8_t *p, size_t n, size_t *len)
{
	uint32_t c;

	if (p[0] >= 0xc2 && p[0] <= 0xdf && n >= 2 &&
	    p[1] >= 0x80 && p[1] <= 0xbf) {
		c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		*len = 2;
		return c >= 0xa0 ? c : 0;
	}
	if (p[0] >= 0xe0 && p[0] <= 0xef && n >= 3 &&
	    p[1] >= (p[0] == 0xe0 ? 0xa0 : 0x80) &&
	    p[1] <= (p[0] == 0xed ? 0x9f : 0xbf) &&
	    p[2] >= 0x80 && p[2] <= 0xbf) {
		*len = 3;
		return (uint32_t)(p[0] & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	}
	return 0;
}

/*
 * decode_whole's three-byte case (p has three bytes), with fewer
 * branches: the continuation bytes, their marker bits flipped off, are
 * checked at once; then overlongs and surrogates by the code point. 0
 * when it is not one.
 */
static inline uint32_t
decode_three(const uint8_t *p)
{
	uint32_t b0 = p[0], b1 = p[1] ^ 0x80u, b2 = p[2] ^ 0x80u, c;

	if (b0 - 0xe0u >= 0x10u || (b1 | b2) >= 0x40u)
		return 0;
	c = (b0 & 0x0f) << 12 | b1 << 6 | b2;
	if (c < 0x800 || c - 0xd800 < 0x800)
		return 0;
	return c;
}

/*
 * The fast path for text outside ASCII in the ground state: whole UTF-8
 * sequences of characters one or two cells wide, written into the row as
 * emu_print would, a run at a time: the row fetched, the wide characters
 * at its edges split and its ink moved once a run. Marks, unprintables,
 * a wrap and a wide character at the last column go through emu_print.
 * Returns the bytes taken: 0 when p does not start with a whole sequence
 * (decode takes it byte by byte).
 */
size_t
emu_print_utf8(struct term_emu *e, const uint8_t *p, size_t n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell tmpl, pair[2], *cell, *end;
	size_t		 i = 0, len;
	uint32_t	 c, last;
	int		 w, cols = fb->cols, last_wide;
	const struct emu_widths *wt;
	int		 plain = e->charset[e->gl] == CS_ASCII;

	/* Templates copied whole and then given their character: a copy of
	 * one just changed would stall on the store buffer. */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.fg = fb->pen.fg;
	tmpl.bg = fb->pen.bg;
	tmpl.attr = fb->pen.attr;
	pair[0] = tmpl;
	pair[0].wide = 1;
	pair[1] = tmpl;
	while (i < n && p[i] >= 0xc2 &&
	    (c = decode_whole(p + i, n - i, &len)) != 0) {
		w = char_width(e, c);
		wt = e->widths;
		if (w <= 0 || e->pending_wrap || e->insert || !e->autowrap ||
		    (w >= 2 && fb->cx >= cols - 1)) {
			i += len;
			emu_print(e, c);
			continue;
		}
		if ((r = emu_row_mut(e, fb->cy)) == NULL)
			return i + len;
		cell = r->cells + fb->cx;
		end = r->cells + cols;
		/* The left edge: a wide character's right half. */
		if (fb->cx > 0 && cell->ch == 0)
			cell[-1] = emu_blank_cell();
		/* w is 1 or 2: decode_whole's characters are in the BMP,
		 * whose widths char_width clips to 2. */
		for (;;) {
			i += len;
			last = c;
			last_wide = cell[w - 1].wide;
			if (w == 2) {
				/* Both halves in one copy; the right half's
				 * ch is 0. */
				memcpy(cell, pair, sizeof(pair));
			} else {
				cell[0] = tmpl;
			}
			cell->ch = c;
			cell += w;
			if (cell >= end)
				break;
			/* ASCII between such words stays in this run
			 * (one row fetch and one ink a run, not a word)
			 * where no charset maps it. */
			if (i < n && ascii_printable(p[i]) && plain) {
				c = p[i];
				len = 1;
				w = 1;
				continue;
			}
			/* Most text outside ASCII is three bytes a
			 * character (CJK, symbols). */
			if (n - i >= 3 && (c = decode_three(p + i)) != 0)
				len = 3;
			else if (i >= n || p[i] < 0xc2 ||
			    (c = decode_whole(p + i, n - i, &len)) == 0)
				break;
			/* A wide character needs two cells of the row (cell
			 * is inside it: w is at most 2). */
			if ((w = bmp_width(e, wt, c)) <= 0 ||
			    (w == 2 && cell + 1 == end))
				break;
		}
		/* The right edge: a wide character's left half. */
		if (last_wide && cell < end)
			*cell = emu_blank_cell();
		emu_ink(r, (int)(cell - r->cells));
		e->last_ch = last;
		if (cell >= end) {
			r->wrap = 0;
			fb->cx = cols - 1;
			e->pending_wrap = 1;
		} else {
			fb->cx = (int)(cell - r->cells);
		}
	}
	return i;
}

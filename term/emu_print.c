/*
 * Printing: character widths, combining marks, wide characters, DEC
 * special graphics, insert mode and xterm's deferred auto-wrap; and the
 * fast path for runs of printable ASCII.
 */
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
	else if ((w = wcwidth((wchar_t)c)) < 0)
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

/* The fast path: a run of printable ASCII in the ground state. */
void
emu_print_ascii(struct term_emu *e, const uint8_t *p, size_t n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell tmpl, *cell;
	size_t		 i, room;

	if (e->insert || !e->autowrap || e->charset[e->gl] != CS_ASCII) {
		for (i = 0; i < n; i++)
			emu_print(e, p[i]);
		return;
	}
	e->last_ch = p[n - 1];
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.fg = fb->pen.fg;
	tmpl.bg = fb->pen.bg;
	tmpl.attr = fb->pen.attr;
	while (n > 0) {
		if (e->pending_wrap)
			wrap_line(e, 1);
		if ((r = emu_row_mut(e, fb->cy)) == NULL)
			return;
		room = (size_t)(fb->cols - fb->cx);
		if (room > n)
			room = n;
		emu_split_wide(e, r, fb->cx, fb->cx + (int)room - 1);
		emu_ink(r, fb->cx + (int)room);
		cell = &r->cells[fb->cx];
		for (i = 0; i < room; i++) {
			tmpl.ch = p[i];
			cell[i] = tmpl;
		}
		p += room;
		n -= room;
		if (fb->cx + (int)room >= fb->cols) {
			r->wrap = 0;
			fb->cx = fb->cols - 1;
			e->pending_wrap = 1;
		} else {
			fb->cx += (int)room;
		}
	}
}

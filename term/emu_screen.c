/*
 * What controls do to the screen: xterm's rules for the cursor, margins,
 * scrolling, erasing with the background colour (BCE), the halves of
 * wide characters, the alternate screen and resets.
 */
#include <stdlib.h>
#include <string.h>

#include "term/emu_int.h"

struct term_cell
emu_erase_cell(const struct term_emu *e)
{
	struct term_cell c;

	memset(&c, 0, sizeof(c));
	c.ch = ' ';
	c.bg = e->fb->pen.bg;
	return c;
}

struct term_cell
emu_blank_cell(void)
{
	struct term_cell c;

	memset(&c, 0, sizeof(c));
	c.ch = ' ';
	return c;
}

/* emu_row_mut's way for a row a clone shares: copy it. */
struct term_row *
emu_row_unshare(struct term_emu *e, int y)
{
	struct term_row	*r;

	if ((r = term_fb_row_mut(e->fb, y)) == NULL)
		e->error = 1;
	return r;
}

void
emu_goto(struct term_emu *e, int x, int y)
{
	struct term_fb	*fb = e->fb;

	if (x < 0)
		x = 0;
	if (x >= fb->cols)
		x = fb->cols - 1;
	if (y < 0)
		y = 0;
	if (y >= fb->rows)
		y = fb->rows - 1;
	fb->cx = x;
	fb->cy = y;
	e->pending_wrap = 0;
}

/* Absolute position as the application means it: inside the margins in origin mode. */
void
emu_goto_origin(struct term_emu *e, int x, int y)
{
	if (e->origin) {
		y += e->top;
		if (y > e->bottom)
			y = e->bottom;
	}
	emu_goto(e, x, y);
}

/*
 * A row for scrolling in: recycled from the one leaving when unshared.
 * If a copy cannot be had the old row stays, so the screen is stale but
 * whole, and the error is reported.
 */
static struct term_row *
fresh_row(struct term_emu *e, struct term_row *old, const struct term_cell *c)
{
	struct term_row	*r;

	if (old->refs == 1) {
		term_fb_row_fill(e->fb, old, e->fb->cols, c);
		return old;
	}
	if ((r = term_fb_row_new(e->fb, e->fb->cols, c)) == NULL) {
		e->error = 1;
		return old;
	}
	old->refs--;
	return r;
}

/*
 * Scrolling moves row pointers, never cells. Rows leaving are recycled
 * for the blank rows coming in.
 */
void
emu_scroll_up(struct term_emu *e, int top, int bottom, int n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*out[TERM_MAX_ROWS];
	struct term_cell c = emu_erase_cell(e);
	int		 i, h = bottom - top + 1;

	if (n <= 0 || h <= 0)
		return;
	if (n > h)
		n = h;
	memcpy(out, fb->row + top, (size_t)n * sizeof(out[0]));
	memmove(fb->row + top, fb->row + top + n, (size_t)(h - n) * sizeof(out[0]));
	for (i = 0; i < n; i++)
		fb->row[bottom - n + 1 + i] = fresh_row(e, out[i], &c);
}

void
emu_scroll_down(struct term_emu *e, int top, int bottom, int n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*out[TERM_MAX_ROWS];
	struct term_cell c = emu_erase_cell(e);
	int		 i, h = bottom - top + 1;

	if (n <= 0 || h <= 0)
		return;
	if (n > h)
		n = h;
	memcpy(out, fb->row + bottom - n + 1, (size_t)n * sizeof(out[0]));
	memmove(fb->row + top + n, fb->row + top, (size_t)(h - n) * sizeof(out[0]));
	for (i = 0; i < n; i++)
		fb->row[top + i] = fresh_row(e, out[i], &c);
}

/*
 * Rows y..y + n - 1 of the main screen go to the history sink, each with
 * a reference of its own: the screen then replaces them with new rows
 * (or copies them before a write), so the sink's stay as they are.
 */
static void
history_rows(struct term_emu *e, int y, int n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	int		 i;

	if (e->main_fb != NULL)
		return;		/* the alternate screen keeps no history */
	for (i = 0; i < n; i++) {
		r = fb->row[y + i];
		r->refs++;
		e->history(e->history_arg, r, fb->cols);
	}
}

/* LF/IND/NEL/autowrap at the bottom margin, SU: top rows go to history. */
void
emu_scroll_region_up(struct term_emu *e, int n)
{
	int	 h = e->bottom - e->top + 1;

	if (e->history != NULL && n > 0)
		history_rows(e, e->top, n < h ? n : h);
	emu_scroll_up(e, e->top, e->bottom, n);
}

/* Does the row show what no erase makes? (A wide right half, ch 0, does.) */
static int
row_in_use(const struct term_row *r, int cols)
{
	const struct term_cell *c;
	int		 x;

	for (x = 0; x < cols; x++) {
		c = &r->cells[x];
		if (c->ch != ' ' || c->comb[0] != 0 || c->fg != 0 || c->attr != 0)
			return 1;
	}
	return 0;
}

/*
 * The screen is about to be cleared whole (ED 2, ED 0 from home, RIS):
 * as tmux's scroll-on-clear, its rows down to the last in use go to
 * history, blank ones between included.
 */
void
emu_history_screen(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;
	int		 last;

	if (e->history == NULL)
		return;
	for (last = fb->rows; last > 0; last--) {
		if (row_in_use(fb->row[last - 1], fb->cols))
			break;
	}
	history_rows(e, 0, last);
}

void
emu_index(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	if (fb->cy == e->bottom)
		emu_scroll_region_up(e, 1);
	else if (fb->cy < fb->rows - 1)
		fb->cy++;
}

void
emu_reverse_index(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	if (fb->cy == e->top)
		emu_scroll_down(e, e->top, e->bottom, 1);
	else if (fb->cy > 0)
		fb->cy--;
}

void
emu_erase_cells(struct term_emu *e, int y, int x0, int x1)
{
	struct term_row	*r;
	struct term_cell c = emu_erase_cell(e);
	int		 x;

	if (x0 < 0)
		x0 = 0;
	if (x1 >= e->fb->cols)
		x1 = e->fb->cols - 1;
	if (x0 > x1 || (r = emu_row_mut(e, y)) == NULL)
		return;
	emu_split_wide(e, r, x0, x1);
	emu_ink(r, x1 + 1);
	for (x = x0; x <= x1; x++)
		r->cells[x] = c;
	if (x1 == e->fb->cols - 1)
		r->wrap = 0;
}

void
emu_erase_rows(struct term_emu *e, int y0, int y1)
{
	struct term_cell c = emu_erase_cell(e);
	struct term_row	*r;
	int		 y;

	for (y = y0; y <= y1; y++) {
		if ((r = emu_row_mut(e, y)) == NULL)
			return;
		term_fb_row_fill(e->fb, r, e->fb->cols, &c);
	}
}

void
emu_insert_cells(struct term_emu *e, int n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell c = emu_erase_cell(e);
	int		 x = fb->cx, x2;

	e->pending_wrap = 0;
	if (n > fb->cols - x)
		n = fb->cols - x;
	if (n <= 0 || (r = emu_row_mut(e, fb->cy)) == NULL)
		return;
	if (r->cells[x].ch == 0 && x > 0) {
		/* Inserting inside a wide character splits it: both go. */
		r->cells[x - 1] = emu_blank_cell();
		r->cells[x] = emu_blank_cell();
	}
	/* The cell pushed off the edge may be half of a wide character. */
	if (n < fb->cols - x && r->cells[fb->cols - 1 - n].wide)
		r->cells[fb->cols - 1 - n] = emu_blank_cell();
	emu_ink(r, fb->cols);
	memmove(&r->cells[x + n], &r->cells[x],
	    (size_t)(fb->cols - x - n) * sizeof(c));
	for (x2 = x; x2 < x + n; x2++)
		r->cells[x2] = c;
}

void
emu_delete_cells(struct term_emu *e, int n)
{
	struct term_fb	*fb = e->fb;
	struct term_row	*r;
	struct term_cell c = emu_erase_cell(e);
	int		 x = fb->cx, x2;

	e->pending_wrap = 0;
	if (n > fb->cols - x)
		n = fb->cols - x;
	if (n <= 0 || (r = emu_row_mut(e, fb->cy)) == NULL)
		return;
	emu_split_wide(e, r, x, x + n - 1);
	emu_ink(r, fb->cols);
	memmove(&r->cells[x], &r->cells[x + n],
	    (size_t)(fb->cols - x - n) * sizeof(c));
	for (x2 = fb->cols - n; x2 < fb->cols; x2++)
		r->cells[x2] = c;
}

void
emu_tabs_reset(struct term_emu *e, int from)
{
	int	 x;

	for (x = from; x < TERM_MAX_COLS; x++) {
		if (x % 8 == 0)
			e->tabs[x / 8] |= (uint8_t)(1u << (x % 8));
		else
			e->tabs[x / 8] &= (uint8_t)~(1u << (x % 8));
	}
}

void
emu_tab(struct term_emu *e, int n)
{
	struct term_fb	*fb = e->fb;
	int		 x = fb->cx;

	while (n > 0 && x < fb->cols - 1) {
		x++;
		if (e->tabs[x / 8] & (1u << (x % 8)))
			n--;
	}
	while (n < 0 && x > 0) {
		x--;
		if (e->tabs[x / 8] & (1u << (x % 8)))
			n++;
	}
	fb->cx = x;
	e->pending_wrap = 0;
}

void
emu_execute(struct term_emu *e, uint32_t c)
{
	struct term_fb	*fb = e->fb;

	switch (c) {
	case 0x07:
		fb->bell_count++;
		break;
	case 0x08:
		if (fb->cx > 0)
			fb->cx--;
		e->pending_wrap = 0;
		break;
	case 0x09:
		emu_tab(e, 1);
		break;
	case 0x0a:
	case 0x0b:
	case 0x0c:
	case 0x84:	/* IND */
		emu_index(e);
		if (e->newline && c != 0x84)
			fb->cx = 0;
		e->pending_wrap = 0;
		break;
	case 0x0d:
		fb->cx = 0;
		e->pending_wrap = 0;
		break;
	case 0x0e:
		e->gl = 1;
		break;
	case 0x0f:
		e->gl = 0;
		break;
	case 0x85:	/* NEL */
		emu_index(e);
		fb->cx = 0;
		e->pending_wrap = 0;
		break;
	case 0x88:	/* HTS */
		e->tabs[fb->cx / 8] |= (uint8_t)(1u << (fb->cx % 8));
		break;
	case 0x8d:	/* RI */
		emu_reverse_index(e);
		e->pending_wrap = 0;
		break;
	}
}

void
emu_save_cursor(struct term_emu *e, struct term_cursor_save *s)
{
	s->x = e->fb->cx;
	s->y = e->fb->cy;
	s->pen = e->fb->pen;
	s->origin = e->origin;
	s->autowrap = e->autowrap;
	s->pending_wrap = e->pending_wrap;
	s->charset[0] = e->charset[0];
	s->charset[1] = e->charset[1];
	s->gl = e->gl;
}

void
emu_restore_cursor(struct term_emu *e, const struct term_cursor_save *s)
{
	emu_goto(e, s->x, s->y);
	e->fb->pen = s->pen;
	e->origin = s->origin;
	e->autowrap = s->autowrap;
	e->pending_wrap = s->pending_wrap && e->fb->cx == e->fb->cols - 1;
	e->charset[0] = s->charset[0];
	e->charset[1] = s->charset[1];
	e->gl = s->gl;
}

/*
 * The alternate screen: the main screen's rows wait in main_fb (shared,
 * so entering costs nothing) and come back on exit. Modes, title and the
 * rest stay with the one visible fb.
 */
void
emu_alt_screen(struct term_emu *e, int on, int mode)
{
	struct term_fb	*fb = e->fb;
	struct term_row	**tmp;

	if (on && e->main_fb == NULL) {
		if (mode == 1049)
			emu_save_cursor(e, &e->save_alt);
		if ((e->main_fb = term_fb_new(fb->cols, fb->rows)) == NULL) {
			e->error = 1;
			return;
		}
		tmp = e->main_fb->row;
		e->main_fb->row = fb->row;
		fb->row = tmp;
	} else if (!on && e->main_fb != NULL) {
		tmp = e->main_fb->row;
		e->main_fb->row = fb->row;
		fb->row = tmp;
		term_fb_free(e->main_fb);
		e->main_fb = NULL;
		if (mode == 1049)
			emu_restore_cursor(e, &e->save_alt);
	}
}

void
emu_soft_reset(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	fb->cursor_visible = 1;
	memset(&fb->pen, 0, sizeof(fb->pen));
	e->origin = 0;
	e->autowrap = 1;
	e->insert = 0;
	e->app_cursor = 0;
	e->app_keypad = 0;
	e->pending_wrap = 0;
	e->charset[0] = e->charset[1] = CS_ASCII;
	e->gl = 0;
	e->top = 0;
	e->bottom = fb->rows - 1;
	memset(&e->save, 0, sizeof(e->save));
	e->save.autowrap = 1;
}

void
emu_hard_reset(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	/* As tmux: the main screen is cleared into history, the alternate not. */
	if (e->main_fb != NULL)
		emu_alt_screen(e, 0, 47);
	else
		emu_history_screen(e);
	emu_soft_reset(e);
	e->newline = 0;
	fb->reverse_video = 0;
	fb->bracketed_paste = 0;
	fb->focus_events = 0;
	fb->mouse_mode = TERM_MOUSE_NONE;
	fb->mouse_enc = TERM_MOUSE_ENC_DEFAULT;
	/* As mosh: titles and clipboard go too (the bell count stays). */
	term_str_set(&fb->title, NULL);
	term_str_set(&fb->icon, NULL);
	term_str_set(&fb->clipboard, NULL);
	emu_tabs_reset(e, 0);
	emu_erase_rows(e, 0, fb->rows - 1);
	emu_goto(e, 0, 0);
}

void
emu_decaln(struct term_emu *e)
{
	struct term_cell c = emu_blank_cell();
	struct term_row	*r;
	int		 y;

	c.ch = 'E';
	e->top = 0;
	e->bottom = e->fb->rows - 1;
	for (y = 0; y < e->fb->rows; y++) {
		if ((r = emu_row_mut(e, y)) != NULL)
			term_fb_row_fill(e->fb, r, e->fb->cols, &c);
	}
	e->origin = 0;
	emu_goto(e, 0, 0);
}

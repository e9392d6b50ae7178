#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "client/predict.h"

#define SRTT_TRIGGER_LOW	20
#define SRTT_TRIGGER_HIGH	30
#define FLAG_TRIGGER_LOW	50
#define FLAG_TRIGGER_HIGH	80
#define GLITCH_THRESHOLD	250
#define GLITCH_REPAIR_COUNT	10
#define GLITCH_REPAIR_MININTERVAL 150
#define GLITCH_FLAG_THRESHOLD	5000

enum validity { PENDING, CORRECT, CORRECT_NO_CREDIT, INCORRECT, INACTIVE };
enum { P_GROUND, P_ESC, P_CSI };

/* ---- cells ---- */

static bool
cell_blank(const struct term_cell *c)
{
	return (c->ch == ' ' || c->ch == 0) && c->comb[0] == 0;
}

static bool
cell_contents_match(const struct term_cell *a, const struct term_cell *b)
{
	if (cell_blank(a) && cell_blank(b))
		return true;
	return a->ch == b->ch && memcmp(a->comb, b->comb, sizeof(a->comb)) == 0;
}

static void
cell_set_char(struct term_cell *c, uint32_t ch)
{
	c->ch = ch;
	memset(c->comb, 0, sizeof(c->comb));
	c->wide = 0;
}

static void
cell_copy_rend(struct term_cell *dst, const struct term_cell *src)
{
	dst->fg = src->fg;
	dst->bg = src->bg;
	dst->attr = src->attr;
}

static bool
tentative(uint64_t until, uint64_t confirmed)
{
	return until > confirmed;
}

static void
pcell_reset(struct predict_cell *c)
{
	c->expiration_frame = c->tentative_until_epoch = UINT64_MAX;
	c->active = false;
	c->unknown = false;
	c->norig = 0;
}

static void
pcell_push_orig(struct predict_cell *c, const struct term_cell *orig)
{
	if (c->norig == PREDICT_ORIG_MAX) {
		memmove(&c->orig[0], &c->orig[1],
		    (PREDICT_ORIG_MAX - 1) * sizeof(c->orig[0]));
		c->norig--;
	}
	c->orig[c->norig++] = *orig;
}

/* Keep what this cell predicted before as "no credit if it shows up". */
static void
pcell_reset_with_orig(struct predict_cell *c)
{
	if (!c->active || c->unknown) {
		pcell_reset(c);
		return;
	}
	pcell_push_orig(c, &c->replacement);
	c->expiration_frame = c->tentative_until_epoch = UINT64_MAX;
	c->active = false;
}

static void
pcell_arm(struct predict_cell *c, uint64_t epoch, uint64_t frame,
    uint64_t now)
{
	c->active = true;
	c->tentative_until_epoch = epoch;
	c->expiration_frame = frame;
	c->prediction_time = now;
}

static enum validity
pcell_validity(const struct predict_cell *c, const struct term_fb *fb,
    int row, uint64_t late_ack)
{
	const struct term_cell *cur;
	size_t		 i;

	if (!c->active)
		return INACTIVE;
	if (row >= fb->rows || c->col >= fb->cols)
		return INCORRECT;
	if (late_ack < c->expiration_frame)
		return PENDING;
	if (c->unknown || cell_blank(&c->replacement))
		return CORRECT_NO_CREDIT;	/* too easy to be right */
	cur = term_fb_cell(fb, c->col, row);
	if (!cell_contents_match(cur, &c->replacement))
		return INCORRECT;
	for (i = 0; i < c->norig; i++)
		if (cell_contents_match(&c->orig[i], &c->replacement))
			return CORRECT_NO_CREDIT;
	return CORRECT;
}

static void
pcell_apply(const struct predict_cell *c, struct term_fb *fb, uint64_t confirmed,
    int row, bool flag)
{
	struct term_row	*r;
	struct term_cell *cur;

	if (!c->active || row >= fb->rows || c->col >= fb->cols ||
	    tentative(c->tentative_until_epoch, confirmed))
		return;
	if (cell_blank(&c->replacement) &&
	    cell_blank(term_fb_cell(fb, c->col, row)))
		flag = false;
	if (c->unknown) {
		if (flag && c->col != fb->cols - 1 &&
		    (r = term_fb_row_mut(fb, row)) != NULL)
			r->cells[c->col].attr |= TERM_ATTR_UNDERLINE;
		return;
	}
	if (memcmp(term_fb_cell(fb, c->col, row), &c->replacement,
	    sizeof(c->replacement)) == 0)
		return;
	if ((r = term_fb_row_mut(fb, row)) == NULL)
		return;
	cur = &r->cells[c->col];
	*cur = c->replacement;
	if (flag)
		cur->attr |= TERM_ATTR_UNDERLINE;
}

/* ---- cursors and rows ---- */

static struct predict_cursor *
cursor_back(struct predict *p)
{
	return &p->cursors[p->ncursors - 1];
}

static void
cursor_push(struct predict *p, int row, int col)
{
	struct predict_cursor *c;
	size_t		 cap;

	if (p->ncursors == p->capcursors) {
		cap = p->capcursors ? p->capcursors * 2 : 8;
		if ((c = reallocarray(p->cursors, cap, sizeof(*c))) == NULL)
			return;
		p->cursors = c;
		p->capcursors = cap;
	}
	c = &p->cursors[p->ncursors++];
	c->expiration_frame = p->local_frame_sent + 1;
	c->tentative_until_epoch = p->prediction_epoch;
	c->prediction_time = UINT64_MAX;
	c->row = row;
	c->col = col;
	c->active = true;
}

static void
cursor_erase(struct predict *p, size_t i)
{
	memmove(&p->cursors[i], &p->cursors[i + 1],
	    (p->ncursors - i - 1) * sizeof(p->cursors[0]));
	p->ncursors--;
}

static enum validity
cursor_validity(const struct predict_cursor *c, const struct term_fb *fb,
    uint64_t late_ack)
{
	if (!c->active)
		return INACTIVE;
	if (c->row >= fb->rows || c->col >= fb->cols)
		return INCORRECT;
	if (late_ack < c->expiration_frame)
		return PENDING;
	return fb->cx == c->col && fb->cy == c->row ? CORRECT : INCORRECT;
}

static void
rows_clear(struct predict *p)
{
	size_t	 i;

	for (i = 0; i < p->nrows; i++)
		free(p->rows[i].cells);
	p->nrows = 0;
}

static void
row_erase(struct predict *p, size_t i)
{
	free(p->rows[i].cells);
	memmove(&p->rows[i], &p->rows[i + 1],
	    (p->nrows - i - 1) * sizeof(p->rows[0]));
	p->nrows--;
}

static struct predict_row *
row_get(struct predict *p, int row_num, int ncols)
{
	struct predict_row *r;
	size_t		 i, cap;
	int		 c;

	for (i = 0; i < p->nrows; i++)
		if (p->rows[i].row_num == row_num && p->rows[i].ncols == ncols)
			return &p->rows[i];
	if (p->nrows == p->caprows) {
		cap = p->caprows ? p->caprows * 2 : 8;
		if ((r = reallocarray(p->rows, cap, sizeof(*r))) == NULL)
			return NULL;
		p->rows = r;
		p->caprows = cap;
	}
	r = &p->rows[p->nrows];
	if ((r->cells = calloc((size_t)ncols, sizeof(*r->cells))) == NULL)
		return NULL;
	r->row_num = row_num;
	r->ncols = ncols;
	for (c = 0; c < ncols; c++) {
		r->cells[c].col = c;
		r->cells[c].tentative_until_epoch = p->prediction_epoch;
		r->cells[c].prediction_time = UINT64_MAX;
	}
	p->nrows++;
	return r;
}

/* ---- engine ---- */

void
predict_init(struct predict *p, enum predict_pref pref, bool overwrite)
{
	memset(p, 0, sizeof(*p));
	p->pref = pref;
	p->overwrite = overwrite;
	p->prediction_epoch = 1;
	p->send_interval = 250;
}

void
predict_free(struct predict *p)
{
	rows_clear(p);
	free(p->rows);
	free(p->cursors);
	memset(p, 0, sizeof(*p));
}

static void
become_tentative(struct predict *p)
{
	if (p->pref != PREDICT_EXPERIMENTAL)
		p->prediction_epoch++;
}

void
predict_reset(struct predict *p)
{
	p->ncursors = 0;
	rows_clear(p);
	become_tentative(p);
}

bool
predict_active(const struct predict *p)
{
	size_t	 i;
	int	 c;

	if (p->ncursors > 0)
		return true;
	for (i = 0; i < p->nrows; i++)
		for (c = 0; c < p->rows[i].ncols; c++)
			if (p->rows[i].cells[c].active)
				return true;
	return false;
}

static void
kill_epoch(struct predict *p, uint64_t epoch, const struct term_fb *fb)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < p->ncursors;) {
		if (tentative(p->cursors[i].tentative_until_epoch, epoch - 1))
			cursor_erase(p, i);
		else
			i++;
	}
	cursor_push(p, fb->cy, fb->cx);
	for (i = 0; i < p->nrows; i++)
		for (c = 0; c < p->rows[i].ncols; c++)
			if (tentative(p->rows[i].cells[c].tentative_until_epoch,
			    epoch - 1))
				pcell_reset(&p->rows[i].cells[c]);
	become_tentative(p);
}

static void
init_cursor(struct predict *p, const struct term_fb *fb)
{
	if (p->ncursors == 0)
		cursor_push(p, fb->cy, fb->cx);
	else if (cursor_back(p)->tentative_until_epoch != p->prediction_epoch)
		cursor_push(p, cursor_back(p)->row, cursor_back(p)->col);
}

static void
cursor_expire(struct predict *p, uint64_t now)
{
	if (p->ncursors == 0)
		return;
	cursor_back(p)->expiration_frame = p->local_frame_sent + 1;
	cursor_back(p)->prediction_time = now;
}

void
predict_cull(struct predict *p, const struct term_fb *fb, uint64_t now)
{
	struct predict_row *r;
	struct predict_cell *cell;
	const struct term_cell *actual;
	size_t		 i;
	int		 c, k;

	if (p->pref == PREDICT_NEVER)
		return;
	if (p->last_width != fb->cols || p->last_height != fb->rows) {
		p->last_width = fb->cols;
		p->last_height = fb->rows;
		predict_reset(p);
	}
	/* Show predictions on a slow link, with hysteresis. */
	if (p->send_interval > SRTT_TRIGGER_HIGH)
		p->srtt_trigger = true;
	else if (p->srtt_trigger && p->send_interval <= SRTT_TRIGGER_LOW &&
	    !predict_active(p))
		p->srtt_trigger = false;
	if (p->send_interval > FLAG_TRIGGER_HIGH)
		p->flagging = true;
	else if (p->send_interval <= FLAG_TRIGGER_LOW)
		p->flagging = false;
	if (p->glitch_trigger > GLITCH_REPAIR_COUNT)
		p->flagging = true;

	for (i = 0; i < p->nrows;) {
		r = &p->rows[i];
		if (r->row_num < 0 || r->row_num >= fb->rows) {
			row_erase(p, i);
			continue;
		}
		for (c = 0; c < r->ncols; c++) {
			cell = &r->cells[c];
			switch (pcell_validity(cell, fb, r->row_num,
			    p->local_frame_late_acked)) {
			case INCORRECT:
				if (p->pref == PREDICT_EXPERIMENTAL) {
					pcell_reset(cell);
				} else if (tentative(cell->tentative_until_epoch,
				    p->confirmed_epoch)) {
					kill_epoch(p, cell->tentative_until_epoch,
					    fb);
				} else {
					/* A confirmed guess was wrong: all go. */
					predict_reset(p);
					return;
				}
				break;
			case CORRECT:
				if (cell->tentative_until_epoch > p->confirmed_epoch)
					p->confirmed_epoch =
					    cell->tentative_until_epoch;
				/* Quick confirmations slowly cure a glitch. */
				if (now - cell->prediction_time < GLITCH_THRESHOLD &&
				    p->glitch_trigger > 0 &&
				    now - GLITCH_REPAIR_MININTERVAL >=
				    p->last_quick_confirmation) {
					p->glitch_trigger--;
					p->last_quick_confirmation = now;
				}
				/* The rest of the row takes the real look. */
				actual = term_fb_cell(fb, c, r->row_num);
				for (k = c; k < r->ncols; k++)
					cell_copy_rend(&r->cells[k].replacement,
					    actual);
				pcell_reset(cell);
				break;
			case CORRECT_NO_CREDIT:
				pcell_reset(cell);
				break;
			case PENDING:
				/* Long-pending guesses show even at low RTT. */
				if (now - cell->prediction_time >=
				    GLITCH_FLAG_THRESHOLD)
					p->glitch_trigger = GLITCH_REPAIR_COUNT * 2;
				else if (now - cell->prediction_time >=
				    GLITCH_THRESHOLD &&
				    p->glitch_trigger < GLITCH_REPAIR_COUNT)
					p->glitch_trigger = GLITCH_REPAIR_COUNT;
				break;
			case INACTIVE:
				break;
			}
		}
		i++;
	}

	if (p->ncursors > 0 && cursor_validity(cursor_back(p), fb,
	    p->local_frame_late_acked) == INCORRECT) {
		if (p->pref == PREDICT_EXPERIMENTAL)
			p->ncursors = 0;
		else {
			predict_reset(p);
			return;
		}
	}
	for (i = 0; i < p->ncursors;) {
		if (cursor_validity(&p->cursors[i], fb,
		    p->local_frame_late_acked) != PENDING)
			cursor_erase(p, i);
		else
			i++;
	}
}

static void
newline_carriage_return(struct predict *p, const struct term_fb *fb,
    uint64_t now)
{
	struct predict_row *r;
	int		 c;

	init_cursor(p, fb);
	if (p->ncursors == 0)
		return;
	cursor_back(p)->col = 0;
	if (cursor_back(p)->row != fb->rows - 1) {
		cursor_back(p)->row++;
		return;
	}
	/* No scroll prediction: expect a blank last row instead. */
	if ((r = row_get(p, cursor_back(p)->row, fb->cols)) == NULL)
		return;
	for (c = 0; c < r->ncols; c++) {
		pcell_arm(&r->cells[c], p->prediction_epoch,
		    p->local_frame_sent + 1, now);
		cell_set_char(&r->cells[c].replacement, ' ');
	}
}

static void
predict_backspace(struct predict *p, const struct term_fb *fb, uint64_t now)
{
	struct predict_cursor *cur = cursor_back(p);
	struct predict_row *r;
	struct predict_cell *cell, *next;
	int		 i, w = fb->cols;

	if ((r = row_get(p, cur->row, w)) == NULL || cur->col <= 0)
		return;
	cur->col--;
	cursor_expire(p, now);
	if (p->overwrite) {
		cell = &r->cells[cur->col];
		pcell_reset_with_orig(cell);
		pcell_arm(cell, p->prediction_epoch, p->local_frame_sent + 1,
		    now);
		/* mosh takes the cell under the screen's cursor here. */
		pcell_push_orig(cell, term_fb_cell(fb, fb->cx, fb->cy));
		cell->replacement = *term_fb_cell(fb, fb->cx, fb->cy);
		cell_set_char(&cell->replacement, ' ');
		return;
	}
	for (i = cur->col; i < w; i++) {
		cell = &r->cells[i];
		pcell_reset_with_orig(cell);
		pcell_arm(cell, p->prediction_epoch, p->local_frame_sent + 1,
		    now);
		pcell_push_orig(cell, term_fb_cell(fb, i, cur->row));
		if (i + 2 < w) {
			next = &r->cells[i + 1];
			if (next->active) {
				cell->unknown = next->unknown;
				if (!next->unknown)
					cell->replacement = next->replacement;
			} else {
				cell->unknown = false;
				cell->replacement = *term_fb_cell(fb, i + 1,
				    cur->row);
			}
		} else
			cell->unknown = true;
	}
}

static void
predict_print(struct predict *p, uint32_t ch, const struct term_fb *fb,
    uint64_t now)
{
	struct predict_cursor *cur;
	struct predict_row *r;
	struct predict_cell *cell, *prev;
	int		 i, w = fb->cols, rightmost;

	init_cursor(p, fb);
	if (p->ncursors == 0)
		return;
	cur = cursor_back(p);
	if (ch == 0x7f) {
		predict_backspace(p, fb, now);
		return;
	}
	if (ch < 0x20 || wcwidth((wchar_t)ch) != 1) {
		become_tentative(p);	/* we cannot guess this one */
		return;
	}
	if (cur->row >= fb->rows || cur->col >= w ||
	    (r = row_get(p, cur->row, w)) == NULL)
		return;
	/* The last column is tricky: editors wrap, shells do not. */
	if (cur->col + 1 >= w)
		become_tentative(p);
	rightmost = p->overwrite ? cur->col : w - 1;
	for (i = rightmost; i > cur->col; i--) {
		cell = &r->cells[i];
		prev = &r->cells[i - 1];
		pcell_reset_with_orig(cell);
		pcell_arm(cell, p->prediction_epoch, p->local_frame_sent + 1,
		    now);
		pcell_push_orig(cell, term_fb_cell(fb, i, cur->row));
		if (i == w - 1)
			cell->unknown = true;
		else if (prev->active) {
			cell->unknown = prev->unknown;
			if (!prev->unknown)
				cell->replacement = prev->replacement;
		} else {
			cell->unknown = false;
			cell->replacement = *term_fb_cell(fb, i - 1, cur->row);
		}
	}
	cell = &r->cells[cur->col];
	pcell_reset_with_orig(cell);
	pcell_arm(cell, p->prediction_epoch, p->local_frame_sent + 1, now);
	cell->replacement.fg = fb->pen.fg;
	cell->replacement.bg = fb->pen.bg;
	cell->replacement.attr = fb->pen.attr;
	/* Guess the look of the character to the left. */
	if (cur->col > 0) {
		prev = &r->cells[cur->col - 1];
		if (prev->active && !prev->unknown)
			cell_copy_rend(&cell->replacement, &prev->replacement);
		else
			cell_copy_rend(&cell->replacement,
			    term_fb_cell(fb, cur->col - 1, cur->row));
	}
	cell_set_char(&cell->replacement, ch);
	pcell_push_orig(cell, term_fb_cell(fb, cur->col, cur->row));
	cursor_expire(p, now);
	if (cur->col < w - 1)
		cur->col++;
	else {
		become_tentative(p);
		newline_carriage_return(p, fb, now);
	}
}

static void
predict_csi(struct predict *p, uint8_t final, const struct term_fb *fb,
    uint64_t now)
{
	if (final != 'C' && final != 'D') {
		become_tentative(p);
		return;
	}
	init_cursor(p, fb);
	if (p->ncursors == 0)
		return;
	if (final == 'C' && cursor_back(p)->col < fb->cols - 1) {
		cursor_back(p)->col++;
		cursor_expire(p, now);
	} else if (final == 'D' && cursor_back(p)->col > 0) {
		cursor_back(p)->col--;
		cursor_expire(p, now);
	}
}

/* One code point out of the user's UTF-8, or -1 while incomplete. */
static int64_t
predict_utf8(struct predict *p, uint8_t b)
{
	if (p->utf8_left > 0) {
		if ((b & 0xc0) == 0x80) {
			p->utf8_cp = p->utf8_cp << 6 | (b & 0x3f);
			if (--p->utf8_left > 0)
				return -1;
			return p->utf8_cp;
		}
		p->utf8_left = 0;	/* broken sequence: start over */
	}
	if (b < 0x80)
		return b;
	if ((b & 0xe0) == 0xc0) {
		p->utf8_cp = b & 0x1f;
		p->utf8_left = 1;
	} else if ((b & 0xf0) == 0xe0) {
		p->utf8_cp = b & 0x0f;
		p->utf8_left = 2;
	} else if ((b & 0xf8) == 0xf0) {
		p->utf8_cp = b & 0x07;
		p->utf8_left = 3;
	} else
		return 0xfffd;
	return -1;
}

void
predict_user_byte(struct predict *p, uint8_t b, const struct term_fb *fb,
    uint64_t now)
{
	int64_t	 cp;

	if (p->pref == PREDICT_NEVER)
		return;
	if (p->pref == PREDICT_EXPERIMENTAL)
		p->prediction_epoch = p->confirmed_epoch;
	predict_cull(p, fb, now);
	/* Application-mode cursor keys predict like ANSI ones. */
	if (p->last_byte == 0x1b && b == 'O')
		b = '[';
	p->last_byte = b;

	switch (p->pstate) {
	case P_ESC:
		if (b == '[') {
			p->pstate = P_CSI;
		} else if (b >= 0x30 && b <= 0x7e) {
			p->pstate = P_GROUND;
			become_tentative(p);
		} else if (b < 0x20) {
			become_tentative(p);
		}
		return;
	case P_CSI:
		if (b >= 0x40 && b <= 0x7e) {
			p->pstate = P_GROUND;
			predict_csi(p, b, fb, now);
		} else if (b < 0x20 && b != 0x1b)
			become_tentative(p);
		else if (b == 0x1b)
			p->pstate = P_ESC;
		return;
	}
	if ((cp = predict_utf8(p, b)) < 0)
		return;
	if (cp == 0x1b) {
		p->pstate = P_ESC;
		return;
	}
	if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) {
		become_tentative(p);
		if (cp == '\r')
			newline_carriage_return(p, fb, now);
		return;
	}
	predict_print(p, (uint32_t)cp, fb, now);
}

void
predict_apply(const struct predict *p, struct term_fb *fb)
{
	const struct predict_cursor *c;
	size_t		 i;
	int		 k;

	if (p->pref == PREDICT_NEVER)
		return;
	if (!(p->srtt_trigger || p->glitch_trigger ||
	    p->pref == PREDICT_ALWAYS || p->pref == PREDICT_EXPERIMENTAL))
		return;
	for (i = 0; i < p->ncursors; i++) {
		c = &p->cursors[i];
		if (!c->active || tentative(c->tentative_until_epoch,
		    p->confirmed_epoch) || c->row >= fb->rows ||
		    c->col >= fb->cols)
			continue;
		fb->cx = c->col;
		fb->cy = c->row;
	}
	for (i = 0; i < p->nrows; i++)
		for (k = 0; k < p->rows[i].ncols; k++)
			pcell_apply(&p->rows[i].cells[k], fb, p->confirmed_epoch,
			    p->rows[i].row_num, p->flagging);
}

int
predict_wait_time(const struct predict *p)
{
	/* While a timing trigger has not fired, re-check every 50 ms. */
	if (!(p->glitch_trigger && p->flagging) && predict_active(p))
		return 50;
	return INT_MAX;
}

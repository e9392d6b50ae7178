#include <stdlib.h>
#include <string.h>

#include "term/fb.h"

/*
 * Generations come from the framebuffer the row is made for: a clone
 * starts from its source's count, so rows made later in a screen's life
 * never share a generation with rows of its earlier snapshots. (Rows of
 * unrelated screens may; the display diff checks cells too.)
 */
#define BLANK_RUN	256
#define B4		{ .ch = ' ' }, { .ch = ' ' }, { .ch = ' ' }, { .ch = ' ' }
#define B16		B4, B4, B4, B4
#define B64		B16, B16, B16, B16
/* Blank cells of the default rendition, to compare runs of cells with
 * (cells have no padding (fb.h), so memcmp tells, and libc's is wide),
 * and to copy into a row scrolled in blank: one copy for a row as wide as
 * most terminals, where a fill took seven. */
static const struct term_cell blank_run[BLANK_RUN] = {
	B64, B64, B64, B64,
};
#undef B64
#undef B16
#undef B4

/* Are these n cells (at most BLANK_RUN) all default blanks? */
static int
cells_blank(const struct term_cell *c, int n)
{
	return memcmp(c, blank_run, (size_t)n * sizeof(*c)) == 0;
}

/* One cell, as cells_blank tells, without a call: a row's width usually
 * needs only its last cell looked at. */
static inline int
cell_blank(const struct term_cell *c)
{
	int	 i;

	for (i = 0; i < TERM_COMB_MAX; i++)
		if (c->comb[i] != 0)
			return 0;
	return c->ch == ' ' && c->fg == 0 && c->bg == 0 && c->attr == 0 &&
	    c->wide == 0 && c->pad == 0;
}

void
term_fb_row_fill(struct term_fb *fb, struct term_row *r, int cols,
    const struct term_cell *fill)
{
	int	 i, n = cols, blank = cell_blank(fill);

	/* Past its ink a row is default blanks already: a row scrolled in
	 * blank costs its text, not 80 cells. */
	if (blank && r->ink < cols)
		n = r->ink;
	r->gen = ++fb->row_gen;
	r->wrap = 0;
	r->fresh = 0;
	if (blank) {
		for (i = 0; i < n; i += BLANK_RUN)
			memcpy(&r->cells[i], blank_run, (size_t)(n - i <
			    BLANK_RUN ? n - i : BLANK_RUN) * sizeof(r->cells[0]));
	} else {
		/* One cell, then the cells so far copied after themselves:
		 * a row of 80 in seven copies. */
		if (n > 0)
			r->cells[0] = *fill;
		for (i = 1; i < n; i += i)
			memcpy(&r->cells[i], &r->cells[0], (size_t)(i < n - i ?
			    i : n - i) * sizeof(r->cells[0]));
	}
	r->ink = blank ? 0 : (uint16_t)cols;
}

struct term_row *
term_fb_row_new(struct term_fb *fb, int cols, const struct term_cell *fill)
{
	struct term_row	*r;

	r = malloc(sizeof(*r) + (size_t)cols * sizeof(r->cells[0]));
	if (r == NULL)
		return NULL;
	r->refs = 1;
	r->ink = (uint16_t)cols;	/* every cell to be written */
	term_fb_row_fill(fb, r, cols, fill);
	return r;
}

void
term_fb_row_unref(struct term_row *r)
{
	if (r != NULL && --r->refs == 0)
		free(r);
}

/*
 * The row at y, unshared so the caller may write it. Returns NULL only
 * when copying fails; callers then leave the screen as it was.
 */
struct term_row *
term_fb_row_mut(struct term_fb *fb, int y)
{
	struct term_row	*r = fb->row[y], *copy;
	size_t		 sz;

	if (r->refs == 1)
		return r;
	sz = sizeof(*r) + (size_t)fb->cols * sizeof(r->cells[0]);
	if ((copy = malloc(sz)) == NULL)
		return NULL;
	memcpy(copy, r, sz);
	copy->refs = 1;
	if (r->fresh) {
		copy->fresh = 0;
		copy->gen = ++fb->row_gen;
	}
	r->refs--;
	fb->row[y] = copy;
	return copy;
}

struct term_str *
term_str_new(const char *p, size_t n)
{
	struct term_str	*s;

	if ((s = malloc(sizeof(*s) + n + 1)) == NULL)
		return NULL;
	s->refs = 1;
	s->len = n;
	memcpy(s->data, p, n);
	s->data[n] = '\0';
	return s;
}

void
term_str_unref(struct term_str *s)
{
	if (s != NULL && --s->refs == 0)
		free(s);
}

void
term_str_set(struct term_str **dst, struct term_str *s)
{
	if (s != NULL)
		s->refs++;
	term_str_unref(*dst);
	*dst = s;
}

int
term_fb_str_equal(const struct term_str *a, const struct term_str *b)
{
	size_t	 la = a ? a->len : 0, lb = b ? b->len : 0;

	if (a == b)
		return 1;
	if (la != lb)
		return 0;
	return la == 0 || memcmp(a->data, b->data, la) == 0;
}

struct term_fb *
term_fb_new(int cols, int rows)
{
	struct term_fb		*fb;
	struct term_cell	 blank;
	struct term_row		*r;
	int			 y;

	if (cols < 1 || rows < 1 || cols > TERM_MAX_COLS || rows > TERM_MAX_ROWS)
		return NULL;
	if ((fb = calloc(1, sizeof(*fb))) == NULL)
		return NULL;
	fb->cols = cols;
	fb->rows = rows;
	fb->cursor_visible = 1;
	if ((fb->row = calloc((size_t)rows, sizeof(fb->row[0]))) == NULL)
		goto fail;
	memset(&blank, 0, sizeof(blank));
	blank.ch = ' ';
	/* One blank row for all: an idle screen costs a row, not a screen
	 * (rows are written copy-on-write, so each is copied when first
	 * written). */
	if ((r = term_fb_row_new(fb, cols, &blank)) == NULL)
		goto fail;
	r->fresh = 1;
	r->refs = (unsigned)rows;
	for (y = 0; y < rows; y++)
		fb->row[y] = r;
	return fb;
fail:
	term_fb_free(fb);
	return NULL;
}

struct term_fb *
term_fb_clone(const struct term_fb *src)
{
	struct term_fb	*fb;
	int		 y;

	if ((fb = malloc(sizeof(*fb))) == NULL)
		return NULL;
	*fb = *src;
	if ((fb->row = malloc((size_t)src->rows * sizeof(fb->row[0]))) == NULL) {
		free(fb);
		return NULL;
	}
	for (y = 0; y < src->rows; y++) {
		fb->row[y] = src->row[y];
		fb->row[y]->refs++;
	}
	if (fb->title)
		fb->title->refs++;
	if (fb->icon)
		fb->icon->refs++;
	if (fb->clipboard)
		fb->clipboard->refs++;
	return fb;
}

void
term_fb_free(struct term_fb *fb)
{
	int	 y;

	if (fb == NULL)
		return;
	if (fb->row != NULL) {
		for (y = 0; y < fb->rows; y++)
			term_fb_row_unref(fb->row[y]);
		free(fb->row);
	}
	term_str_unref(fb->title);
	term_str_unref(fb->icon);
	term_str_unref(fb->clipboard);
	free(fb);
}

int
term_fb_row_equal(const struct term_fb *fb, const struct term_row *a,
    const struct term_row *b)
{
	if (a == b)
		return 1;
	return memcmp(a->cells, b->cells,
	    (size_t)fb->cols * sizeof(a->cells[0])) == 0;
}

int
term_fb_equal(const struct term_fb *a, const struct term_fb *b)
{
	int	 y;

	if (a->cols != b->cols || a->rows != b->rows ||
	    a->cx != b->cx || a->cy != b->cy ||
	    a->cursor_visible != b->cursor_visible ||
	    a->reverse_video != b->reverse_video ||
	    a->bracketed_paste != b->bracketed_paste ||
	    a->focus_events != b->focus_events ||
	    a->mouse_mode != b->mouse_mode || a->mouse_enc != b->mouse_enc ||
	    a->bell_count != b->bell_count ||
	    a->pen.fg != b->pen.fg || a->pen.bg != b->pen.bg ||
	    a->pen.attr != b->pen.attr)
		return 0;
	if (!term_fb_str_equal(a->title, b->title) ||
	    !term_fb_str_equal(a->icon, b->icon) ||
	    !term_fb_str_equal(a->clipboard, b->clipboard))
		return 0;
	for (y = 0; y < a->rows; y++) {
		if (!term_fb_row_equal(a, a->row[y], b->row[y]))
			return 0;
	}
	return 1;
}

static size_t
term_str_held(const struct term_str *s)
{
	return s != NULL && s->refs == 1 ? sizeof(*s) + s->len + 1 : 0;
}

size_t
term_fb_held(const struct term_fb *fb)
{
	size_t	 n, row = sizeof(struct term_row) +
	    (size_t)fb->cols * sizeof(struct term_cell);
	int	 y;

	const struct term_row *fresh = NULL;
	unsigned nfresh = 0;

	n = sizeof(*fb) + (size_t)fb->rows * sizeof(fb->row[0]);
	for (y = 0; y < fb->rows; y++) {
		if (fb->row[y]->fresh) {
			fresh = fb->row[y];	/* one per screen, see fb.h */
			nfresh++;
		} else if (fb->row[y]->refs == 1)
			n += row;
	}
	/* The shared blank row is ours when no other screen has it. */
	if (fresh != NULL && fresh->refs == nfresh)
		n += row;
	return n + term_str_held(fb->title) + term_str_held(fb->icon) +
	    term_str_held(fb->clipboard);
}

/*
 * Keep the top-left of the old screen, as mosh does, so both ends of a
 * connection agree after a resize. A wide character cut by the new right
 * edge becomes a blank.
 */
struct term_row **
term_fb_resize_prepare(struct term_fb *fb, int cols, int rows,
    const struct term_cell *fill)
{
	struct term_row	**nrow;
	struct term_row	*r;
	int		 y, x, n;

	if ((nrow = calloc((size_t)rows, sizeof(nrow[0]))) == NULL)
		return NULL;
	for (y = 0; y < rows; y++) {
		if ((nrow[y] = term_fb_row_new(fb, cols, fill)) == NULL) {
			term_fb_resize_abort(nrow, rows);
			return NULL;
		}
		if (y >= fb->rows)
			continue;
		r = nrow[y];
		n = cols < fb->cols ? cols : fb->cols;
		memcpy(r->cells, fb->row[y]->cells, (size_t)n * sizeof(r->cells[0]));
		r->ink = (uint16_t)cols;
		if (r->cells[n - 1].wide) {
			r->cells[n - 1] = *fill;
			if (n < cols)
				r->cells[n] = *fill;
		}
		for (x = n; x < cols; x++)
			r->cells[x] = *fill;
	}
	return nrow;
}

void
term_fb_resize_commit(struct term_fb *fb, struct term_row **nrow, int cols,
    int rows)
{
	int	 y;

	for (y = 0; y < fb->rows; y++)
		term_fb_row_unref(fb->row[y]);
	free(fb->row);
	fb->row = nrow;
	fb->cols = cols;
	fb->rows = rows;
	if (fb->cx >= cols)
		fb->cx = cols - 1;
	if (fb->cy >= rows)
		fb->cy = rows - 1;
}

void
term_fb_resize_abort(struct term_row **nrow, int rows)
{
	int	 y;

	if (nrow == NULL)
		return;
	for (y = 0; y < rows; y++)
		term_fb_row_unref(nrow[y]);
	free(nrow);
}

int
term_fb_resize(struct term_fb *fb, int cols, int rows,
    const struct term_cell *fill)
{
	struct term_row	**nrow;

	if (cols < 1 || rows < 1 || cols > TERM_MAX_COLS || rows > TERM_MAX_ROWS)
		return -1;
	if (cols == fb->cols && rows == fb->rows)
		return 0;
	if ((nrow = term_fb_resize_prepare(fb, cols, rows, fill)) == NULL)
		return -1;
	term_fb_resize_commit(fb, nrow, cols, rows);
	return 0;
}

int
term_fb_scroll_up(struct term_fb *fb, int n)
{
	struct term_row	*fresh[TERM_MAX_ROWS];
	struct term_cell blank;
	int		 y;

	if (n < 1 || n > fb->rows)
		return -1;
	memset(&blank, 0, sizeof(blank));
	blank.ch = ' ';
	for (y = 0; y < n; y++) {
		if ((fresh[y] = term_fb_row_new(fb, fb->cols, &blank)) == NULL) {
			while (y-- > 0)
				term_fb_row_unref(fresh[y]);
			return -1;
		}
	}
	for (y = 0; y < n; y++)
		term_fb_row_unref(fb->row[y]);
	memmove(fb->row, fb->row + n, (size_t)(fb->rows - n) *
	    sizeof(fb->row[0]));
	memcpy(fb->row + fb->rows - n, fresh, (size_t)n * sizeof(fresh[0]));
	fb->cx = 0;
	fb->cy = fb->rows - 1;
	memset(&fb->pen, 0, sizeof(fb->pen));
	return 0;
}

int
term_row_width(const struct term_row *r, int cols)
{
	int	 w;

	/* Every line that scrolls off a screen that keeps history comes
	 * here: cells past the ink are blank already; the rest are tested
	 * a run at a time. */
	w = r->ink < cols ? r->ink : cols;
	while (w >= 32 && cells_blank(&r->cells[w - 32], 32))
		w -= 32;
	while (w >= 8 && cells_blank(&r->cells[w - 8], 8))
		w -= 8;
	while (w > 0 && cell_blank(&r->cells[w - 1]))
		w--;
	return w;
}

struct term_row *
term_row_trimmed(const struct term_row *r, int cols, int *width)
{
	int	 room = 0;

	return term_row_trim_into(NULL, &room, r, cols, width);
}

struct term_row *
term_row_trim_into(struct term_row *t, int *room, const struct term_row *r,
    int cols, int *width)
{
	int	 w = term_row_width(r, cols);

	if (t != NULL && *room < w) {
		free(t);
		t = NULL;
	}
	if (t == NULL) {
		if ((t = malloc(sizeof(*t) + (size_t)(w ? w : 1) *
		    sizeof(t->cells[0]))) == NULL)
			return NULL;
		*room = w ? w : 1;
	}
	t->gen = r->gen;
	t->refs = 1;
	t->wrap = r->wrap;
	t->fresh = 0;
	t->ink = (uint16_t)w;
	memcpy(t->cells, r->cells, (size_t)w * sizeof(t->cells[0]));
	*width = w;
	return t;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "statesync/history.h"
#include "term/display.h"
#include "term/emu.h"

/* Lines ahead of the one taken whose old row is fetched into the cache. */
#define HISTORY_FETCH_AHEAD	8

struct host_history *
host_history_new(size_t cap)
{
	struct host_history *h;

	if (cap == 0 || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->ring = calloc(cap, sizeof(*h->ring))) == NULL) {
		free(h);
		return NULL;
	}
	h->cap = cap;
	h->budget = cap > SIZE_MAX / HOST_HISTORY_LINE_BYTES ? SIZE_MAX :
	    cap * HOST_HISTORY_LINE_BYTES;
	h->refs = 1;
	return h;
}

struct host_history *
host_history_ref(struct host_history *h)
{
	if (h != NULL)
		h->refs++;
	return h;
}

/* The slot of line n (held or about to be). */
static struct host_history_line *
history_slot(const struct host_history *h, uint64_t n)
{
	return &h->ring[n % h->cap];
}

/* The bytes a line's row holds, by the cells it has room for. */
static size_t
line_row_held(const struct host_history_line *l)
{
	if (l->row == NULL)
		return 0;
	return sizeof(*l->row) + (size_t)l->room * sizeof(l->row->cells[0]);
}

/* The bytes line l holds. */
static size_t
line_held(const struct host_history_line *l)
{
	return line_row_held(l) + (l->bytes != NULL ? l->len : 0);
}

size_t
host_history_recount(const struct host_history *h)
{
	size_t		 n = 0;
	uint64_t	 i;

	for (i = h->first; i < h->next; i++)
		n += line_held(history_slot(h, i));
	return n;
}

static void
history_line_clear(struct host_history *h, struct host_history_line *l)
{
	h->held -= line_held(l);
	if (l->row != NULL)
		term_fb_row_unref(l->row);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

void
host_history_unref(struct host_history *h)
{
	uint64_t	 n;

	if (h == NULL || --h->refs > 0)
		return;
	for (n = h->first; n < h->next; n++)
		history_line_clear(h, history_slot(h, n));
	term_emu_free(h->scratch);
	free(h->ring);
	free(h);
}

/* Line h->next moves on, and its slot with it. */
static void
history_advance(struct host_history *h)
{
	h->next++;
	if (++h->at == h->cap)
		h->at = 0;
}

/* Make room for line h->next: the oldest goes when the ring is full. */
static struct host_history_line *
history_push(struct host_history *h)
{
	struct host_history_line *l = &h->ring[h->at];

	if (h->next - h->first == h->cap) {
		history_line_clear(h, l);
		h->first++;
	}
	history_advance(h);
	return l;
}

/* Line n's row becomes the bytes that draw it (term_display_row): 0, or
 * -1 when memory runs out. */
static int
history_compact_line(struct host_history *h, uint64_t n, struct term_buf *tb)
{
	struct host_history_line *l = history_slot(h, n);

	if (l->row == NULL)
		return 0;
	term_buf_clear(tb);
	if (term_display_row(l->row, l->cols, tb) != 0 || tb->failed ||
	    (l->bytes = malloc(tb->len ? tb->len : 1)) == NULL)
		return -1;
	memcpy(l->bytes, tb->data, tb->len);
	l->len = tb->len;
	h->held -= line_row_held(l);
	h->held += l->len;
	term_fb_row_unref(l->row);
	l->row = NULL;
	l->room = 0;
	return 0;
}

/*
 * Back within the budget: the oldest rows become bytes first (the lines
 * stay, in a fraction of the memory), then the oldest lines go (the
 * client is told how many it missed). Each line is drawn at most once.
 */
static void
history_fit(struct host_history *h)
{
	struct term_buf	 tb;

	if (h->held <= h->budget)
		return;
	term_buf_init(&tb);
	while (h->held > h->budget && h->next - h->first > 1) {
		if (h->compacted < h->first)
			h->compacted = h->first;
		if (h->compacted < h->next &&
		    history_compact_line(h, h->compacted, &tb) == 0) {
			h->compacted++;
			continue;
		}
		history_line_clear(h, history_slot(h, h->first++));
	}
	term_buf_free(&tb);
}

void
host_history_sink(void *arg, struct term_row *row, int cols)
{
	struct host_history *h = arg;
	struct host_history_line *l = &h->ring[h->at], *ahead;
	struct term_row	*reuse = NULL, *kept;
	size_t		 a;
	int		 room = 0, width = 0;

	/* Kept as long as it shows (lines are mostly short), in the memory
	 * of the line it pushes out when the ring is full: that row is the
	 * ring's own, long out of the cache, so it is fetched some lines
	 * before it is written. */
	if (h->next - h->first == h->cap) {
		h->held -= line_row_held(l);
		reuse = l->row;
		room = l->room;
		l->row = NULL;
		history_line_clear(h, l);
		h->first++;
	}
	kept = term_row_trim_into(reuse, &room, row, cols, &width);
	term_fb_row_unref(row);
	l->row = kept;
	l->cols = kept != NULL ? width : 0;
	l->room = kept != NULL ? room : 0;
	h->held += line_row_held(l);
	history_advance(h);
	history_fit(h);
	a = h->at + HISTORY_FETCH_AHEAD;
	if (a >= h->cap)
		a = h->cap > HISTORY_FETCH_AHEAD ? a - h->cap : a % h->cap;
	ahead = &h->ring[a];
	if (ahead->row != NULL) {
		__builtin_prefetch(ahead->row, 1);
		__builtin_prefetch((char *)ahead->row + 64, 1);
		__builtin_prefetch((char *)ahead->row + 128, 1);
		__builtin_prefetch((char *)ahead->row + 192, 1);
	}
}

int
host_history_add_bytes(struct host_history *h, uint64_t n, uint64_t skipped,
    const uint8_t *p, size_t len)
{
	struct host_history_line *l;
	uint8_t		*copy;

	if (n < h->next)
		return 0;
	if ((copy = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, p, len);
	if (n > h->next) {
		/* After a gap: what was held stays, numbered as it was,
		 * when it fits; else the ring starts over at n. */
		while (h->first < h->next && n - h->first >= h->cap)
			history_line_clear(h, history_slot(h, h->first++));
		/* Slots outside [first, next) are always empty: a gap
		 * inside the ring is just numbers moving on. */
		if (h->first == h->next)
			h->first = n;
		h->next = n;
		h->at = (size_t)(n % h->cap);
	}
	l = history_push(h);
	l->bytes = copy;
	l->len = len;
	h->held += len;
	l->skipped = skipped;
	if (h->skip_pending > 0 && h->skip_at == n && skipped == 0)
		l->skipped = h->skip_pending;
	h->skip_pending = 0;
	history_fit(h);
	return 0;
}

void
host_history_note_skip(struct host_history *h, uint64_t at, uint64_t skipped)
{
	/* Another gap before a line came: both are news. */
	if (h->skip_pending > 0 && h->skip_at != at)
		skipped += h->skip_pending;
	h->skip_at = at;
	h->skip_pending = skipped;
}

size_t
host_history_compact(struct host_history *h)
{
	struct term_buf	 tb;
	size_t		 done = 0;

	if (h->compacted < h->first)
		h->compacted = h->first;
	term_buf_init(&tb);
	for (; h->compacted < h->next; h->compacted++) {
		if (history_slot(h, h->compacted)->row == NULL)
			continue;
		if (history_compact_line(h, h->compacted, &tb) != 0)
			break;
		done++;
	}
	term_buf_free(&tb);
	return done;
}

const struct host_history_line *
host_history_get(const struct host_history *h, uint64_t n)
{
	if (n < h->first || n >= h->next)
		return NULL;
	return history_slot(h, n);
}

int
host_history_add_line(struct host_history *h, uint64_t n, uint64_t skipped,
    const uint8_t *p, size_t len)
{
	struct term_emu	*e;
	struct term_buf	 tb;
	const struct term_fb *fb;
	char		 fresh[32];
	int		 rc = -1, k;

	if (n < h->next)
		return 0;
	if (h->scratch == NULL &&
	    (h->scratch = term_emu_new(HOST_HISTORY_COLS, 1)) == NULL)
		return -1;
	e = h->scratch;
	/* Wipe what the last line left (its ink), not the whole width. */
	fb = term_emu_fb(e);
	k = snprintf(fresh, sizeof(fresh), "\r\033[0m\033[%dX",
	    fb->row[0]->ink > 0 ? fb->row[0]->ink : 1);
	if (term_emu_write(e, (const uint8_t *)fresh, (size_t)k) != 0 ||
	    term_emu_write(e, p, len) != 0)
		return -1;
	/* Nobody answers the server's queries from here. */
	term_buf_clear(term_emu_replies(e));
	fb = term_emu_fb(e);
	term_buf_init(&tb);
	if (term_display_row(fb->row[0], fb->cols, &tb) == 0 && !tb.failed)
		rc = host_history_add_bytes(h, n, skipped, tb.data, tb.len);
	term_buf_free(&tb);
	/* Its width: the columns up to its last cell that shows. */
	if (rc == 0 && host_history_get(h, n) != NULL)
		history_slot(h, n)->cols = term_row_width(fb->row[0], fb->cols);
	return rc;
}

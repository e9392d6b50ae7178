#include <stdlib.h>

#include "proto/msg.h"
#include "statesync/hoststate.h"
#include "term/display.h"

struct host_state *
host_state_new(int cols, int rows)
{
	struct host_state *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->emu = term_emu_new(cols, rows)) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

struct host_state *
host_state_blank_of(const struct term_emu *e)
{
	struct host_state *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->emu = term_emu_clone(e)) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
host_state_free(struct host_state *h)
{
	if (h == NULL)
		return;
	if (!h->emu_borrowed)
		term_emu_free(h->emu);
	host_history_unref(h->hist);
	free(h);
}

void
host_state_set_history(struct host_state *h, struct host_history *hist,
    uint64_t seq)
{
	host_history_unref(h->hist);
	h->hist = host_history_ref(hist);
	h->hist_seq = seq;
}

struct host_state *
host_state_view(struct term_emu *e, bool read_only)
{
	struct host_state *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->emu = e;
	h->emu_borrowed = true;
	h->read_only = read_only;
	return h;
}

void
host_state_view_set(struct host_state *h, struct term_emu *e, bool borrowed)
{
	if (h->emu != e && !h->emu_borrowed)
		term_emu_free(h->emu);
	h->emu = e;
	h->emu_borrowed = borrowed;
}

static void *
hs_clone(const void *s)
{
	const struct host_state *h = s;
	struct host_state *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->emu = term_emu_clone(h->emu)) == NULL) {
		free(c);
		return NULL;
	}
	c->echo_ack = h->echo_ack;
	c->moved = h->moved;
	c->read_only = h->read_only;
	c->scrollback = h->scrollback;
	c->alt_screen = h->alt_screen;
	c->hist = host_history_ref(h->hist);
	c->hist_seq = h->hist_seq;
	c->hist_base = h->hist_base;
	return c;
}

static void
hs_free(void *s)
{
	host_state_free(s);
}

/* Is the screen this state shows the alternate one? */
static bool
hs_alt(const struct host_state *h)
{
	return h->alt_screen || term_emu_alt_screen(h->emu);
}

static bool
hs_equal(const void *x, const void *y)
{
	const struct host_state *a = x, *b = y;

	return a->echo_ack == b->echo_ack && a->read_only == b->read_only &&
	    a->hist_seq == b->hist_seq && (a->hist == NULL) == (b->hist == NULL) &&
	    hs_alt(a) == hs_alt(b) &&
	    term_fb_equal(term_emu_fb(a->emu), term_emu_fb(b->emu));
}

/*
 * The lines `to` has and `from` has not, as the server's ring holds them
 * (rendered by the display code, never raw host output); those the ring
 * dropped already are counted as skipped.
 */
static int
hs_diff_history(const struct host_state *from, const struct host_state *to,
    struct buf *out)
{
	const struct host_history_line *l;
	struct term_buf	 tb;
	size_t		*lens;
	uint64_t	 n, start = from->hist_seq, skipped = 0, count;
	int		 rc = -1;

	if (to->hist == NULL)
		return 0;
	/* A client that joined late starts at its first line: what came
	 * before it is no gap. */
	if (start < to->hist_base)
		start = to->hist_base;
	if (start < to->hist->first) {
		/* Gone from the ring; never past what `to` holds. */
		uint64_t gone = to->hist->first < to->hist_seq ?
		    to->hist->first : to->hist_seq;

		skipped = gone - start;
		start = gone;
	}
	count = to->hist_seq > start ? to->hist_seq - start : 0;
	if ((lens = calloc(count ? count : 1, sizeof(*lens))) == NULL)
		return -1;
	term_buf_init(&tb);
	for (n = start; n < start + count; n++) {
		size_t	 before = tb.len;

		/* A line is a row, or the bytes it became once output
		 * paused (host_history_compact). */
		if ((l = host_history_get(to->hist, n)) != NULL) {
			if (l->row != NULL &&
			    term_display_row(l->row, l->cols, &tb) != 0)
				goto out;
			if (l->row == NULL && l->bytes != NULL)
				term_buf_add(&tb, l->bytes, l->len);
		}
		lens[n - start] = tb.len - before;
	}
	if (!tb.failed && host_msg_add_history(out, start, skipped, tb.data,
	    lens, count) == 0)
		rc = 0;
out:
	term_buf_free(&tb);
	free(lens);
	return rc;
}

static int
hs_diff(const void *f, const void *t, struct buf *out)
{
	const struct host_state *from = f, *to = t;
	const struct term_fb *ofb = term_emu_fb(from->emu);
	const struct term_fb *nfb = term_emu_fb(to->emu);
	struct term_buf	 tb;
	int		 rc = 0;

	if (from->echo_ack != to->echo_ack &&
	    host_msg_add_echoack(out, to->echo_ack) != 0)
		return -1;
	/* A client that takes history is told once that it will come, and
	 * whenever the alternate screen goes up or down: its terminal
	 * follows, so full-screen frames never enter its scrollback. */
	if (to->hist != NULL && from->hist == NULL &&
	    host_msg_add_notice(out, HOST_NOTICE_SCROLLBACK) != 0)
		return -1;
	/* (A client not told yet assumes the main screen.) */
	if (to->hist != NULL &&
	    hs_alt(to) != (from->hist != NULL && hs_alt(from)) &&
	    host_msg_add_notice(out, hs_alt(to) ? HOST_NOTICE_ALT_ON :
	    HOST_NOTICE_ALT_OFF) != 0)
		return -1;
	if (to->hist_seq > from->hist_seq && hs_diff_history(from, to, out) != 0)
		return -1;
	/* Said once: a client stays read-only for its whole life. */
	if (to->read_only && !from->read_only &&
	    host_msg_add_notice(out, HOST_NOTICE_READ_ONLY) != 0)
		return -1;
	if (term_fb_equal(ofb, nfb))
		return 0;
	if ((ofb->cols != nfb->cols || ofb->rows != nfb->rows) &&
	    host_msg_add_resize(out, nfb->cols, nfb->rows) != 0)
		return -1;
	term_buf_init(&tb);
	/* A size change makes the display diff repaint every cell; bell,
	 * titles and modes still go by `from` (the receiver keeps them). */
	if (term_display_diff_flags(ofb, nfb, &tb, TERM_DISPLAY_ATOMIC) != 0 ||
	    tb.failed)
		rc = -1;
	else if (tb.len > 0 && host_msg_add_bytes(out, tb.data, tb.len) != 0)
		rc = -1;
	term_buf_free(&tb);
	return rc;
}

static int
hs_bytes(void *arg, const uint8_t *p, size_t n)
{
	struct host_state *h = arg;

	if (term_emu_write(h->emu, p, n) != 0)
		return PROTO_ERR_NOMEM;
	/* The client's emulator answers no one: drop any query replies. */
	term_buf_clear(term_emu_replies(h->emu));
	return 0;
}

static int
hs_resize(void *arg, int32_t w, int32_t h)
{
	struct host_state *hs = arg;

	return term_emu_resize(hs->emu, w, h) == 0 ? 0 : PROTO_ERR_PROTOBUF;
}

static int
hs_echoack(void *arg, uint64_t n)
{
	struct host_state *h = arg;

	/* It only grows; a smaller one is a confused or hostile server. */
	if (n < h->echo_ack)
		return PROTO_ERR_PROTOBUF;
	h->echo_ack = n;
	return 0;
}

/* History lines begin at `first`; a state never goes back. */
static int
hs_history(void *arg, uint64_t first, uint64_t skipped, size_t n)
{
	struct host_state *h = arg;

	if (first < h->hist_seq)
		return PROTO_ERR_PROTOBUF;
	h->hist_at = first;
	h->hist_skipped = skipped;
	/* A gap with no line after it yet: the next line tells it. */
	if (n == 0 && skipped > 0 && h->hist != NULL &&
	    first >= h->hist->next)
		host_history_note_skip(h->hist, first, skipped);
	if (h->hist != NULL)
		h->hist_seq = first;
	return 0;
}

/* One history line: rendered again by our own code before it is kept. */
static int
hs_history_line(void *arg, const uint8_t *p, size_t n)
{
	struct host_state *h = arg;
	int		 rc = 0;

	/* (A line the ring holds already is ignored there.) */
	if (h->hist != NULL)
		rc = host_history_add_line(h->hist, h->hist_at,
		    h->hist_skipped, p, n);
	h->hist_skipped = 0;
	h->hist_at++;
	if (h->hist != NULL)
		h->hist_seq = h->hist_at;
	return rc == 0 ? 0 : PROTO_ERR_NOMEM;
}

static enum proto_err
hs_apply(void *s, const uint8_t *p, size_t n)
{
	struct host_msg_handler h = { hs_bytes, hs_resize, hs_echoack, s,
	    hs_history, hs_history_line };
	struct host_state *hs = s;
	enum proto_err	 e;
	unsigned	 notices;

	if ((e = (enum proto_err)host_msg_parse(p, n, &h)) != PROTO_OK)
		return e;
	notices = host_msg_notices(p, n);
	hs->moved = hs->moved || (notices & HOST_NOTICE_MOVED);
	hs->read_only = hs->read_only || (notices & HOST_NOTICE_READ_ONLY);
	hs->scrollback = hs->scrollback || (notices & HOST_NOTICE_SCROLLBACK);
	if (notices & HOST_NOTICE_ALT_OFF)
		hs->alt_screen = false;
	if (notices & HOST_NOTICE_ALT_ON)
		hs->alt_screen = true;
	return e;
}

/* The emulator's unshared memory: rows a diff changed, not those it kept. */
static size_t
hs_held(const void *s)
{
	return sizeof(struct host_state) +
	    term_emu_held(((const struct host_state *)s)->emu);
}

const struct ssp_state_ops host_state_ops = {
	hs_clone, hs_free, hs_equal, hs_diff, hs_apply, NULL, hs_held,
};

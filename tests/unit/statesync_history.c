/*
 * Scrollback as SSP state: the history extension's codec, the client's
 * capability in its user stream, lines from a server's emulator through a
 * host-state diff into a client's ring, what a client that fell behind
 * or joined late gets, and that a hostile line reaches the client's ring
 * as text and renditions only.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/msg.h"
#include "proto/userstream.h"
#include "statesync/history.h"
#include "statesync/hoststate.h"
#include "term/display.h"
#include "term/emu.h"
#include "tests/unit/check.h"

struct seen {
	uint64_t	 first, skipped;
	size_t		 n, lines;
	char		 text[256];
	uint32_t	 caps;
};

static int
seen_history(void *arg, uint64_t first, uint64_t skipped, size_t n)
{
	struct seen *s = arg;

	s->first = first;
	s->skipped = skipped;
	s->n = n;
	return 0;
}

static int
seen_line(void *arg, const uint8_t *p, size_t n)
{
	struct seen *s = arg;
	size_t	 used = strlen(s->text);

	if (used + n + 2 < sizeof(s->text)) {
		memcpy(s->text + used, p, n);
		s->text[used + n] = '|';
		s->text[used + n + 1] = '\0';
	}
	s->lines++;
	return 0;
}

static int
seen_caps(void *arg, uint32_t caps)
{
	((struct seen *)arg)->caps = caps;
	return 0;
}

/* The history extension: numbers and lines as written, in order. */
static void
test_codec(struct check *t)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s;
	struct host_msg_handler h = { NULL, NULL, NULL, &s, seen_history,
	    seen_line };
	const uint8_t	 lines[] = "onetwothree";
	const size_t	 lens[] = { 3, 3, 5 };

	memset(&s, 0, sizeof(s));
	CHECK(t, host_msg_add_history(&b, 40, 7, lines, lens, 3) == 0);
	CHECK_EQ_INT(t, host_msg_parse(b.data, b.len, &h), PROTO_OK);
	CHECK_EQ_INT(t, s.first, 40);
	CHECK_EQ_INT(t, s.skipped, 7);
	CHECK_EQ_INT(t, s.n, 3);
	CHECK(t, check_str(s.text, "one|two|three|"));
	/* A reader that knows nothing of it (as a stock client) skips it. */
	CHECK_EQ_INT(t, host_msg_validate(b.data, b.len), PROTO_OK);
	buf_free(&b);
}

/* The capability travels in the user stream's diff, first, once. */
static void
test_caps(struct check *t)
{
	struct userstream *a = userstream_new(), *c = userstream_new();
	struct buf	 d = BUF_INIT;
	struct seen	 s;
	struct user_msg_handler h = { NULL, NULL, &s, seen_caps };

	memset(&s, 0, sizeof(s));
	userstream_set_caps(c, USER_CAP_SCROLLBACK);
	userstream_push_keys(c, (const uint8_t *)"x", 1);
	CHECK(t, !userstream_ops.equal(a, c));
	CHECK(t, userstream_ops.diff(a, c, &d) == 0);
	CHECK_EQ_INT(t, user_msg_parse(d.data, d.len, &h), PROTO_OK);
	CHECK_EQ_INT(t, s.caps, USER_CAP_SCROLLBACK);
	/* Applied, the receiver's state says the same. */
	CHECK_EQ_INT(t, userstream_ops.apply(a, d.data, d.len), PROTO_OK);
	CHECK_EQ_INT(t, a->caps, USER_CAP_SCROLLBACK);
	CHECK(t, userstream_ops.equal(a, c));
	/* A server that knows nothing of it (mosh's) sees only the key. */
	CHECK_EQ_INT(t, user_msg_validate(d.data, d.len), PROTO_OK);
	buf_free(&d);
	userstream_free(a);
	userstream_free(c);
}

struct server {
	struct term_emu	*emu;
	struct host_history *hist;
};

static int
server_open(struct server *sv, size_t cap)
{
	sv->hist = NULL;
	if ((sv->emu = term_emu_new(20, 3)) == NULL ||
	    (sv->hist = host_history_new(cap)) == NULL)
		return -1;
	term_emu_set_history(sv->emu, host_history_sink, sv->hist);
	return 0;
}

static void
server_close(struct server *sv)
{
	term_emu_free(sv->emu);
	host_history_unref(sv->hist);
}

static void
server_print(struct server *sv, const char *s)
{
	(void)term_emu_write(sv->emu, (const uint8_t *)s, strlen(s));
}

/* A client's remote state, with its own ring. */
static struct host_state *
client_state(void)
{
	struct host_state *c = host_state_new(20, 3);
	struct host_history *ring = host_history_new(64);

	host_state_set_history(c, ring, 0);
	host_history_unref(ring);
	return c;
}

/* Client line n as text, its renditions dropped. */
static void
client_line(const struct host_state *c, uint64_t n, char *out, size_t len)
{
	const struct host_history_line *l = host_history_get(c->hist, n);
	size_t	 i, o = 0;
	bool	 esc = false;

	out[0] = '\0';
	if (l == NULL || l->bytes == NULL)
		return;
	for (i = 0; i < l->len && o + 1 < len; i++) {
		if (l->bytes[i] == 0x1b)
			esc = true;
		else if (esc && l->bytes[i] == 'm')
			esc = false;
		else if (!esc)
			out[o++] = (char)l->bytes[i];
	}
	out[o] = '\0';
}

/* Server lines through a diff into the client's ring, in order. */
static void
test_lines_reach_client(struct check *t)
{
	struct server	 sv;
	struct host_state *base, *view, *c;
	struct buf	 d = BUF_INIT;
	char		 line[64];

	CHECK(t, server_open(&sv, 100) == 0);
	server_print(&sv, "a1\r\na2\r\n\033[1;31ma3\033[0m\r\na4\r\na5\r\n");
	base = host_state_new(20, 3);
	view = host_state_view(sv.emu, false);
	host_state_set_history(view, sv.hist, 0);
	view->hist_seq = sv.hist->next;
	c = client_state();
	CHECK_EQ_INT(t, sv.hist->next, 3);	/* a1..a3 left; a4, a5, "" stay */
	CHECK(t, host_state_ops.diff(base, view, &d) == 0);
	CHECK_EQ_INT(t, host_state_ops.apply(c, d.data, d.len), PROTO_OK);
	CHECK(t, c->scrollback);
	CHECK_EQ_INT(t, c->hist_seq, 3);
	client_line(c, 0, line, sizeof(line));
	CHECK(t, check_str(line, "a1"));
	client_line(c, 2, line, sizeof(line));
	CHECK(t, check_str(line, "a3"));
	/* The rendition came too: bold red. */
	CHECK(t, memmem(host_history_get(c->hist, 2)->bytes,
	    host_history_get(c->hist, 2)->len, "31", 2) != NULL);
	/* A diff that would take the client back is refused. */
	buf_reset(&d);
	(void)host_msg_add_history(&d, 1, 0, (const uint8_t *)"x",
	    (const size_t[]){ 1 }, 1);
	CHECK(t, host_state_ops.apply(c, d.data, d.len) != PROTO_OK);
	buf_free(&d);
	host_state_free(base);
	host_state_free(view);
	host_state_free(c);
	server_close(&sv);
}

/* Behind the ring: the diff says how many were lost, then the rest; a
 * client that joined late starts at its base and hears of no gap. */
static void
test_behind_and_late(struct check *t)
{
	struct server	 sv;
	struct host_state *base, *view, *c;
	struct buf	 d = BUF_INIT;
	struct seen	 s;
	struct host_msg_handler h = { NULL, NULL, NULL, &s, seen_history,
	    seen_line };
	char		 line[64];
	int		 i;

	CHECK(t, server_open(&sv, 4) == 0);
	for (i = 1; i <= 12; i++) {
		snprintf(line, sizeof(line), "n%d\r\n", i);
		server_print(&sv, line);
	}
	/* 10 left the screen; the ring holds the newest 4: n7..n10. */
	CHECK_EQ_INT(t, sv.hist->next, 10);
	base = host_state_new(20, 3);
	view = host_state_view(sv.emu, false);
	host_state_set_history(view, sv.hist, 0);
	view->hist_seq = 10;
	memset(&s, 0, sizeof(s));
	CHECK(t, host_state_ops.diff(base, view, &d) == 0);
	CHECK_EQ_INT(t, host_msg_parse(d.data, d.len, &h), PROTO_OK);
	CHECK_EQ_INT(t, s.first, 6);
	CHECK_EQ_INT(t, s.skipped, 6);
	CHECK_EQ_INT(t, s.n, 4);
	c = client_state();
	CHECK_EQ_INT(t, host_state_ops.apply(c, d.data, d.len), PROTO_OK);
	CHECK_EQ_INT(t, host_history_get(c->hist, 6)->skipped, 6);
	client_line(c, 6, line, sizeof(line));
	CHECK(t, check_str(line, "n7"));
	host_state_free(c);
	/* Joined at line 8: lines 8 and 9 only, nothing skipped. */
	view->hist_base = 8;
	buf_reset(&d);
	memset(&s, 0, sizeof(s));
	CHECK(t, host_state_ops.diff(base, view, &d) == 0);
	CHECK_EQ_INT(t, host_msg_parse(d.data, d.len, &h), PROTO_OK);
	CHECK_EQ_INT(t, s.first, 8);
	CHECK_EQ_INT(t, s.skipped, 0);
	CHECK(t, check_str(s.text, "n9\033[0m|n10\033[0m|") ||
	    s.lines == 2);
	buf_free(&d);
	host_state_free(base);
	host_state_free(view);
	server_close(&sv);
}

/* A hostile line: only text and renditions reach the client's ring. */
static void
test_hostile_line(struct check *t)
{
	static const char evil[] = "\033]52;c;aGk=\007\033[?1049h\033[2J"
	    "\033]0;title\007safe\033[5n\033P+q\033\\\r\n\033[31mred";
	struct host_state *c = client_state();
	const struct host_history_line *l;
	struct buf	 d = BUF_INIT;
	size_t		 i, len = sizeof(evil) - 1;
	bool		 clean = true;

	(void)host_msg_add_history(&d, 0, 0, (const uint8_t *)evil, &len, 1);
	CHECK_EQ_INT(t, host_state_ops.apply(c, d.data, d.len), PROTO_OK);
	l = host_history_get(c->hist, 0);
	CHECK(t, l != NULL && l->bytes != NULL);
	for (i = 0; l != NULL && i < l->len; i++) {
		if (l->bytes[i] == 0x1b) {
			/* CSI ... m and nothing else. */
			size_t	 k = i + 1;

			if (k >= l->len || l->bytes[k] != '[')
				clean = false;
			for (k++; k < l->len && (l->bytes[k] == ';' ||
			    (l->bytes[k] >= '0' && l->bytes[k] <= '9')); k++)
				;
			if (k >= l->len || l->bytes[k] != 'm')
				clean = false;
			i = k;
		} else if (l->bytes[i] < 0x20 || l->bytes[i] == 0x7f)
			clean = false;
	}
	CHECK(t, clean);
	buf_free(&d);
	host_state_free(c);
}

/* The client's own frames: a scroll drawn for a terminal whose scrollback
 * the client fills itself deletes lines at the top (nothing enters the
 * terminal's history); drawn as for mosh it feeds lines (they do). */
static void
test_frames_keep_out_of_history(struct check *t)
{
	struct server	 host, rx;
	struct term_fb	*a, *b;
	struct term_buf	 out;
	unsigned	 flags;

	for (flags = 0; flags <= TERM_DISPLAY_NO_HISTORY; flags++) {
		CHECK(t, server_open(&host, 100) == 0);
		CHECK(t, server_open(&rx, 100) == 0);
		server_print(&host, "l1\r\nl2\r\nl3");
		a = term_emu_snapshot(host.emu);
		server_print(&host, "\r\nl4\r\nl5");
		b = term_emu_snapshot(host.emu);
		term_buf_init(&out);
		CHECK(t, term_display_diff_flags(NULL, a, &out, flags) == 0);
		CHECK(t, term_display_diff_flags(a, b, &out, flags) == 0);
		(void)term_emu_write(rx.emu, out.data, out.len);
		/* The receiver shows the same either way. */
		CHECK(t, term_fb_equal(term_emu_fb(rx.emu), b));
		if (flags & TERM_DISPLAY_NO_HISTORY)
			CHECK_EQ_INT(t, rx.hist->next, 0);
		else
			CHECK_EQ_INT(t, rx.hist->next, 2);
		term_buf_free(&out);
		term_fb_free(a);
		term_fb_free(b);
		server_close(&host);
		server_close(&rx);
	}
}

/* Lines of `cols` cells, each cell its own colour, into a server of
 * that width keeping `cap` lines; the history's emulator is returned. */
static struct term_emu *
flood_wide(struct host_history *h, int cols, int lines)
{
	struct term_emu	*e = term_emu_new(cols, 4);
	struct term_buf	 line;
	char		 cell[32];
	int		 i, x, n;

	if (e == NULL)
		return NULL;
	term_emu_set_history(e, host_history_sink, h);
	term_buf_init(&line);
	for (i = 0; i < lines; i++) {
		term_buf_clear(&line);
		for (x = 0; x < cols; x++) {
			n = snprintf(cell, sizeof(cell), "\033[38;5;%dm%c",
			    (x + i) % 256, 'a' + (x + i) % 26);
			term_buf_add(&line, cell, (size_t)n);
		}
		term_buf_add(&line, "\033[m\r\n", 5);
		(void)term_emu_write(e, line.data, line.len);
	}
	term_buf_free(&line);
	return e;
}

/* Rows of an 80-column screen fit the budget: a flood keeps every line
 * as a row (nothing drawn, nothing dropped), as before there was one. */
static void
test_budget_narrow_rows_stay(struct check *t)
{
	struct host_history *h = host_history_new(50);
	struct term_emu	*e = flood_wide(h, 80, 60);
	uint64_t	 n;

	CHECK(t, e != NULL);
	CHECK_EQ_INT(t, h->next - h->first, 50);
	for (n = h->first; n < h->next; n++)
		CHECK(t, host_history_get(h, n)->row != NULL);
	CHECK_EQ_INT(t, h->held, host_history_recount(h));
	CHECK(t, h->held <= h->budget);
	term_emu_free(e);
	host_history_unref(h);
}

/*
 * A peer's window of 2048 columns makes rows of 48 KiB: a flood of them
 * stays within the ring's budget (the oldest rows drawn as bytes, then
 * the oldest lines dropped), keeps its newest line whole, and the lines
 * it keeps still reach a client.
 */
static void
test_budget_wide_rows(struct check *t)
{
	struct host_history *h = host_history_new(50);
	struct term_emu	*e = flood_wide(h, 2048, 200);
	const struct host_history_line *l;
	uint64_t	 n;
	int		 bytes = 0;

	CHECK(t, e != NULL);
	CHECK_EQ_INT(t, h->budget, 50 * HOST_HISTORY_LINE_BYTES);
	CHECK_EQ_INT(t, h->held, host_history_recount(h));
	CHECK(t, h->held <= h->budget);
	CHECK_EQ_INT(t, h->next, 197);	/* 3 still on the screen */
	CHECK(t, h->next - h->first < 10);
	l = host_history_get(h, h->next - 1);
	CHECK(t, l != NULL && (l->row != NULL || l->bytes != NULL));
	CHECK_EQ_INT(t, l->cols, 2048);
	for (n = h->first; n < h->next; n++)
		bytes += host_history_get(h, n)->bytes != NULL;
	CHECK(t, bytes > 0);
	/* Once output pauses, what is left becomes bytes too. */
	(void)host_history_compact(h);
	CHECK_EQ_INT(t, h->held, host_history_recount(h));
	l = host_history_get(h, h->next - 1);
	CHECK(t, l->bytes != NULL && l->len > 2048);
	term_emu_free(e);
	host_history_unref(h);
}

/* A client's ring (lines as bytes a server sent) keeps to its budget
 * too, and a line too big for it alone is still kept, alone. */
static void
test_budget_client_lines(struct check *t)
{
	struct host_history *h = host_history_new(8);
	static uint8_t	 big[16 * HOST_HISTORY_LINE_BYTES];
	uint64_t	 n;

	memset(big, 'x', sizeof(big));
	for (n = 0; n < 4; n++)
		CHECK_EQ_INT(t, host_history_add_bytes(h, n, 0, big, 100), 0);
	CHECK_EQ_INT(t, h->next - h->first, 4);
	for (n = 4; n < 12; n++)
		CHECK_EQ_INT(t, host_history_add_bytes(h, n, 0, big,
		    2 * HOST_HISTORY_LINE_BYTES), 0);
	CHECK(t, h->held <= h->budget);
	CHECK_EQ_INT(t, h->held, host_history_recount(h));
	CHECK_EQ_INT(t, h->next - h->first, 4);
	CHECK_EQ_INT(t, host_history_add_bytes(h, 12, 0, big, sizeof(big)), 0);
	CHECK_EQ_INT(t, h->first, 12);
	CHECK_EQ_INT(t, h->held, sizeof(big));
	host_history_unref(h);
}

/* Rows kept for history turn into bytes once output pauses: the lines a
 * client gets are the same either way, and no row is left. */
static void
test_compact_same_lines(struct check *t)
{
	struct server	 sv;
	struct host_state *base, *view;
	struct buf	 d1 = BUF_INIT, d2 = BUF_INIT;
	uint64_t	 n;

	CHECK(t, server_open(&sv, 100) == 0);
	server_print(&sv, "plain\r\n\033[1;4;38;5;202mrich\033[0m tail  \r\n"
	    "\346\227\245\346\234\254 wide\r\n\r\nlast\r\n");
	base = host_state_new(20, 3);
	view = host_state_view(sv.emu, false);
	host_state_set_history(view, sv.hist, 0);
	view->hist_seq = sv.hist->next;
	CHECK(t, host_state_ops.diff(base, view, &d1) == 0);
	CHECK_EQ_INT(t, host_history_compact(sv.hist), sv.hist->next);
	for (n = 0; n < sv.hist->next; n++)
		CHECK(t, host_history_get(sv.hist, n)->row == NULL);
	CHECK_EQ_INT(t, host_history_compact(sv.hist), 0);
	CHECK(t, host_state_ops.diff(base, view, &d2) == 0);
	CHECK(t, d1.len == d2.len && memcmp(d1.data, d2.data, d1.len) == 0);
	buf_free(&d1);
	buf_free(&d2);
	host_state_free(base);
	host_state_free(view);
	server_close(&sv);
}

CHECK_MAIN(CASE(test_codec), CASE(test_caps), CASE(test_lines_reach_client),
    CASE(test_behind_and_late), CASE(test_hostile_line),
    CASE(test_frames_keep_out_of_history), CASE(test_compact_same_lines),
    CASE(test_budget_narrow_rows_stay), CASE(test_budget_wide_rows),
    CASE(test_budget_client_lines))

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/scroll.h"

void
scroll_init(struct scroll *sc, bool wanted, bool in_alt, const char *enter,
    const char *leave)
{
	memset(sc, 0, sizeof(*sc));
	sc->wanted = wanted;
	sc->alt = in_alt;
	sc->enter_alt = enter != NULL ? enter : "\033[?1049h";
	sc->leave_alt = leave != NULL ? leave : "\033[?1049l";
}

void
scroll_free(struct scroll *sc)
{
	term_fb_free(sc->main_shown);
	sc->main_shown = NULL;
}

static void
scroll_goto(struct term_buf *out, int row)
{
	char	 b[32];

	snprintf(b, sizeof(b), "\033[%d;1H", row + 1);
	term_buf_adds(out, b);
}

/* Rows a line of `width` columns takes on a terminal `cols` wide. */
static int
scroll_line_rows(int width, int cols, int rows)
{
	int	 n = width <= cols ? 1 : (width + cols - 1) / cols;

	return n > rows ? rows : n;
}

/*
 * The lines drawn at the top are scrolled off it, `used` rows; the
 * screen model follows (the rest move up, blank rows come in).
 */
static int
scroll_flush(struct term_fb *shown, int used, struct term_buf *out)
{
	int	 i;

	if (used == 0)
		return 0;
	scroll_goto(out, shown->rows - 1);
	for (i = 0; i < used; i++)
		term_buf_addc(out, '\n');
	return term_fb_scroll_up(shown, used);
}

/* One line (its rendered bytes) drawn at row *used of the chunk. */
static int
scroll_put(struct term_fb *shown, int *used, const uint8_t *p, size_t len,
    int width, struct term_buf *out)
{
	int	 n = scroll_line_rows(width, shown->cols, shown->rows), r;

	if (*used + n > shown->rows) {
		if (scroll_flush(shown, *used, out) != 0)
			return -1;
		*used = 0;
	}
	for (r = 0; r < n; r++) {
		scroll_goto(out, *used + r);
		term_buf_adds(out, "\033[0m\033[2K");
	}
	scroll_goto(out, *used);
	term_buf_add(out, p, len);
	term_buf_adds(out, "\033[0m");
	*used += n;
	return 0;
}

/* Lines [printed, upto) of the ring into the terminal's scrollback. */
static int
scroll_history(struct scroll *sc, const struct host_history *h,
    uint64_t upto, struct term_fb *shown, struct term_buf *out)
{
	const struct host_history_line *l;
	char		 marker[96];
	uint64_t	 gap = 0;
	int		 used = 0, n;

	/* The first lines: a client that joined late starts at its first
	 * line (no gap); one that came before lines were dropped is told
	 * by the server how many. */
	if (!sc->started) {
		if (sc->printed < h->first)
			sc->printed = h->first;
		if ((l = host_history_get(h, sc->printed)) != NULL)
			gap = l->skipped;
		sc->started = true;
	}
	/* Lines are numbered: any number missing before one that came is a
	 * line the server (or our own ring) dropped. */
	while (sc->printed < upto) {
		if (sc->printed < h->first) {
			gap += h->first - sc->printed;
			sc->printed = h->first;
			continue;
		}
		l = host_history_get(h, sc->printed++);
		if (l == NULL || l->bytes == NULL) {
			gap++;
			continue;
		}
		if (gap > 0) {
			n = snprintf(marker, sizeof(marker), "\033[7m[tsmosh: "
			    "%llu lines skipped]\033[0m",
			    (unsigned long long)gap);
			if (scroll_put(shown, &used, (const uint8_t *)marker,
			    (size_t)n, 32, out) != 0)
				return -1;
			gap = 0;
		}
		if (scroll_put(shown, &used, l->bytes, l->len, l->cols,
		    out) != 0)
			return -1;
	}
	return scroll_flush(shown, used, out);
}

int
scroll_before_frame(struct scroll *sc, const struct host_state *remote,
    struct term_fb **shown, struct term_buf *out)
{
	bool	 remote_alt = remote->alt_screen;
	int	 cols, rows;

	if (!sc->wanted || (!sc->on && !remote->scrollback))
		return 0;
	/* From now on the main screen is the session's (what was on it
	 * before is kept for when we leave the alternate one). */
	sc->on = true;
	if (remote_alt && !sc->alt) {
		/* The main screen stays as it is, to come back to. */
		term_buf_adds(out, sc->enter_alt);
		term_fb_free(sc->main_shown);
		sc->main_shown = *shown;
		*shown = NULL;
		sc->alt = true;
	} else if (!remote_alt && sc->alt) {
		term_buf_adds(out, sc->leave_alt);
		cols = *shown != NULL ? (*shown)->cols : 80;
		rows = *shown != NULL ? (*shown)->rows : 24;
		term_fb_free(*shown);
		*shown = sc->main_shown;
		sc->main_shown = NULL;
		sc->alt = false;
		/* The main screen as we first find it (what was there before
		 * the session): cleared, so lines can be scrolled in above it
		 * at once (tmux, as `clear`, keeps what was there). */
		if (*shown == NULL && (*shown = term_fb_new(cols, rows)) != NULL)
			term_buf_adds(out, "\033[0m\033[H\033[2J");
	}
	/* Lines leave the main screen only; none while it is not shown. */
	if (sc->alt || remote->hist == NULL || sc->printed >= remote->hist_seq)
		return 0;
	if (*shown == NULL) {
		/* Nothing known of the screen: they go in all the same,
		 * the frame is then painted whole. */
		sc->printed = remote->hist_seq;
		return 0;
	}
	return scroll_history(sc, remote->hist, remote->hist_seq, *shown, out);
}

/*
 * Bytes in: UTF-8 decoding and the VT500-style parser state machine
 * (after Paul Williams' DEC parser). Runs of printable ASCII in the ground
 * state skip the decoder and the state machine altogether.
 */
#include <stdlib.h>
#include <string.h>

#include "term/emu_int.h"

struct term_emu *
term_emu_new(int cols, int rows)
{
	struct term_emu	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->fb = term_fb_new(cols, rows)) == NULL) {
		free(e);
		return NULL;
	}
	term_buf_init(&e->replies);
	term_buf_init(&e->osc);
	e->state = ST_GROUND;
	emu_soft_reset(e);
	emu_tabs_reset(e, 0);
	return e;
}

void
term_emu_free(struct term_emu *e)
{
	if (e == NULL)
		return;
	term_fb_free(e->fb);
	term_fb_free(e->main_fb);
	term_buf_free(&e->osc);
	term_buf_free(&e->replies);
	emu_widths_unref(e->widths);
	free(e);
}

/* Drop one reference to a width cache. */
void
emu_widths_unref(struct emu_widths *w)
{
	if (w != NULL && --w->refs == 0)
		free(w);
}

struct term_emu *
term_emu_clone(const struct term_emu *src)
{
	struct term_emu	*e;

	if ((e = malloc(sizeof(*e))) == NULL)
		return NULL;
	*e = *src;
	e->fb = NULL;
	e->main_fb = NULL;
	/* The sink is the source's: its lines must not arrive twice. */
	e->history = NULL;
	e->history_arg = NULL;
	term_buf_init(&e->osc);
	term_buf_init(&e->replies);
	if (e->widths != NULL)
		e->widths->refs++;
	if ((e->fb = term_fb_clone(src->fb)) == NULL)
		goto fail;
	if (src->main_fb != NULL &&
	    (e->main_fb = term_fb_clone(src->main_fb)) == NULL)
		goto fail;
	/* Buffers are copied through term_buf, which sizes them itself. */
	term_buf_add(&e->osc, src->osc.data, src->osc.len);
	term_buf_add(&e->replies, src->replies.data, src->replies.len);
	if (e->osc.failed || e->replies.failed)
		goto fail;
	return e;
fail:
	term_emu_free(e);
	return NULL;
}

int
term_emu_resize(struct term_emu *e, int cols, int rows)
{
	struct term_cell blank;
	struct term_row	**act = NULL, **main = NULL;
	int		 old = e->fb->cols;

	if (cols < 1 || rows < 1 || cols > TERM_MAX_COLS || rows > TERM_MAX_ROWS)
		return -1;
	memset(&blank, 0, sizeof(blank));
	blank.ch = ' ';
	/* Both screens or neither: rows of two sizes would break the swap. */
	if ((cols != e->fb->cols || rows != e->fb->rows) &&
	    (act = term_fb_resize_prepare(e->fb, cols, rows, &blank)) == NULL)
		return -1;
	if (e->main_fb != NULL &&
	    (cols != e->main_fb->cols || rows != e->main_fb->rows) &&
	    (main = term_fb_resize_prepare(e->main_fb, cols, rows,
	    &blank)) == NULL) {
		term_fb_resize_abort(act, rows);
		return -1;
	}
	if (act != NULL)
		term_fb_resize_commit(e->fb, act, cols, rows);
	if (main != NULL)
		term_fb_resize_commit(e->main_fb, main, cols, rows);
	e->top = 0;
	e->bottom = rows - 1;
	e->pending_wrap = 0;
	if (cols > old)
		emu_tabs_reset(e, old);
	return 0;
}

size_t
term_emu_held(const struct term_emu *e)
{
	size_t	 n = sizeof(*e) + e->osc.cap + e->replies.cap + term_fb_held(e->fb);

	if (e->widths != NULL && e->widths->refs == 1)
		n += sizeof(*e->widths);

	return e->main_fb != NULL ? n + term_fb_held(e->main_fb) : n;
}

struct term_buf *
term_emu_replies(struct term_emu *e)
{
	return &e->replies;
}

const struct term_fb *
term_emu_fb(const struct term_emu *e)
{
	return e->fb;
}

struct term_fb *
term_emu_snapshot(const struct term_emu *e)
{
	return term_fb_clone(e->fb);
}

int
term_emu_app_cursor_keys(const struct term_emu *e)
{
	return e->app_cursor;
}

int
term_emu_alt_screen(const struct term_emu *e)
{
	return e->main_fb != NULL;
}

int
term_emu_app_keypad(const struct term_emu *e)
{
	return e->app_keypad;
}

/* Where lines leaving the main screen go (emu.h says which). */
void
term_emu_set_history(struct term_emu *e, term_history_fn fn, void *arg)
{
	e->history = fn;
	e->history_arg = fn != NULL ? arg : NULL;
}

static void
clear_seq(struct term_emu *e)
{
	e->nparam = 0;
	e->param_sub = 0;
	e->param[0] = 0;
	e->priv = 0;
	e->ninter = 0;
}

static void
collect(struct term_emu *e, uint32_t c)
{
	/* More than two intermediates: nothing we know; keep the last two. */
	if (e->ninter == sizeof(e->inter)) {
		e->inter[0] = e->inter[1];
		e->ninter--;
	}
	e->inter[e->ninter++] = (uint8_t)c;
}

/* A parameter's value v (at most TERM_PARAM_MAX) with the digit d after
 * it: it stops at TERM_PARAM_MAX, so no run of digits overflows. */
static inline int
param_digit(int v, int d)
{
	v = v * 10 + d;
	return v > TERM_PARAM_MAX ? TERM_PARAM_MAX : v;
}

static inline void
param(struct term_emu *e, uint32_t c)
{
	int	*p;

	if (e->nparam == 0)
		e->nparam = 1;
	if (c == ';' || c == ':') {
		if (e->nparam == TERM_MAX_PARAMS)
			return;		/* extra parameters are dropped */
		if (c == ':')
			e->param_sub |= 1u << e->nparam;
		e->param[e->nparam++] = 0;
		return;
	}
	p = &e->param[e->nparam - 1];
	*p = param_digit(*p, (int)(c - '0'));
}

/* The digits of a parameter from p[i] on, as param() takes them one by
 * one, kept in a register; returns the index past them. */
static size_t
param_number(struct term_emu *e, const uint8_t *p, size_t i, size_t n)
{
	int	 v;

	if (e->nparam == 0)
		e->nparam = 1;
	v = e->param[e->nparam - 1];
	do
		v = param_digit(v, p[i] - '0');
	while (++i < n && p[i] >= '0' && p[i] <= '9');
	e->param[e->nparam - 1] = v;
	return i;
}

/* One code point of an OSC body; past TERM_CLIP_MAX code points the rest is dropped. */
static void
osc_put(struct term_emu *e, uint32_t c)
{
	if (e->osc_chars >= TERM_CLIP_MAX)
		return;
	term_buf_addutf8(&e->osc, c);
	if (e->osc.failed) {
		e->error = 1;
		term_buf_clear(&e->osc);
		return;
	}
	e->osc_chars++;
}

static void
osc_start(struct term_emu *e)
{
	term_buf_clear(&e->osc);
	e->osc_chars = 0;
	e->state = ST_OSC;
}

static void
osc_end(struct term_emu *e)
{
	emu_osc_dispatch(e);
	term_buf_clear(&e->osc);
	e->osc_chars = 0;
}

/* Transitions valid from any state; returns 1 if c was consumed. */
static int
anywhere(struct term_emu *e, uint32_t c)
{
	switch (c) {
	case 0x18:	/* CAN */
	case 0x1a:	/* SUB */
		e->state = ST_GROUND;
		return 1;
	case 0x1b:
		if (e->state == ST_OSC)
			osc_end(e);
		clear_seq(e);
		e->state = ST_ESC;
		return 1;
	}
	if (c < 0x80 || c > 0x9f)
		return 0;
	if (e->state == ST_OSC && c == 0x9c)
		osc_end(e);
	clear_seq(e);
	switch (c) {
	case 0x90:
		e->state = ST_DCS_ENTRY;
		break;
	case 0x9b:
		e->state = ST_CSI_ENTRY;
		break;
	case 0x9d:
		osc_start(e);
		break;
	case 0x98:
	case 0x9e:
	case 0x9f:
		e->state = ST_SOS;
		break;
	case 0x9c:
		e->state = ST_GROUND;
		break;
	default:
		e->state = ST_GROUND;
		emu_execute(e, c);
		break;
	}
	return 1;
}

static void
parse(struct term_emu *e, uint32_t c)
{
	if (anywhere(e, c))
		return;

	switch (e->state) {
	case ST_GROUND:
		if (c < 0x20)
			emu_execute(e, c);
		else if (c != 0x7f)
			emu_print(e, c);
		return;
	case ST_ESC:
		if (c < 0x20) {
			emu_execute(e, c);
		} else if (c < 0x30) {
			collect(e, c);
			e->state = ST_ESC_INTER;
		} else if (c == '[') {
			e->state = ST_CSI_ENTRY;
		} else if (c == ']') {
			osc_start(e);
		} else if (c == 'P') {
			e->state = ST_DCS_ENTRY;
		} else if (c == 'X' || c == '^' || c == '_') {
			e->state = ST_SOS;
		} else if (c < 0x7f) {
			e->state = ST_GROUND;
			emu_esc_dispatch(e, c);
		} else if (c > 0x7f) {
			e->state = ST_GROUND;
		}
		return;
	case ST_ESC_INTER:
		if (c < 0x20)
			emu_execute(e, c);
		else if (c < 0x30)
			collect(e, c);
		else if (c < 0x7f) {
			e->state = ST_GROUND;
			emu_esc_dispatch(e, c);
		} else if (c > 0x7f)
			e->state = ST_GROUND;
		return;
	case ST_CSI_ENTRY:
	case ST_CSI_PARAM:
		if (c < 0x20) {
			emu_execute(e, c);
		} else if (c < 0x30) {
			collect(e, c);
			e->state = ST_CSI_INTER;
		} else if (c <= ';') {
			param(e, c);
			e->state = ST_CSI_PARAM;
		} else if (c < 0x40) {
			if (e->state == ST_CSI_ENTRY)
				e->priv = (uint8_t)c;
			else
				e->state = ST_CSI_IGNORE;
		} else if (c < 0x7f) {
			e->state = ST_GROUND;
			emu_csi_dispatch(e, c);
		} else if (c > 0x7f) {
			e->state = ST_CSI_IGNORE;
		}
		if (e->state == ST_CSI_ENTRY && e->priv != 0)
			e->state = ST_CSI_PARAM;
		return;
	case ST_CSI_INTER:
		if (c < 0x20)
			emu_execute(e, c);
		else if (c < 0x30)
			collect(e, c);
		else if (c < 0x40 || c > 0x7f)
			e->state = ST_CSI_IGNORE;
		else if (c < 0x7f) {
			e->state = ST_GROUND;
			emu_csi_dispatch(e, c);
		}
		return;
	case ST_CSI_IGNORE:
		if (c < 0x20)
			emu_execute(e, c);
		else if (c >= 0x40 && c < 0x7f)
			e->state = ST_GROUND;
		return;
	case ST_DCS_ENTRY:
	case ST_DCS_PARAM:
	case ST_DCS_INTER:
		/* DCS parameters are of no use to us; wait for the body. */
		if (c >= 0x40 && c < 0x7f)
			e->state = ST_DCS_PASS;
		else if (c >= 0x20)
			e->state = ST_DCS_PARAM;
		return;
	case ST_DCS_PASS:
	case ST_SOS:
		return;
	case ST_OSC:
		if (c == 0x07) {
			osc_end(e);
			e->state = ST_GROUND;
		} else if (c >= 0x20 && c != 0x7f) {
			osc_put(e, c);
		}
		return;
	}
}

/*
 * One byte into the UTF-8 decoder. Invalid sequences become U+FFFD, one
 * per maximal invalid subpart, as Unicode recommends; the byte that broke
 * a sequence is then decoded afresh.
 */
static void
decode(struct term_emu *e, uint8_t b)
{
	if (e->utf8_need != 0) {
		if (b >= e->utf8_lo && b <= e->utf8_hi) {
			e->utf8_cp = e->utf8_cp << 6 | (b & 0x3f);
			e->utf8_lo = 0x80;
			e->utf8_hi = 0xbf;
			if (--e->utf8_need == 0)
				parse(e, e->utf8_cp);
			return;
		}
		e->utf8_need = 0;
		parse(e, 0xfffd);
	}
	e->utf8_lo = 0x80;
	e->utf8_hi = 0xbf;
	if (b < 0x80) {
		parse(e, b);
	} else if (b >= 0xc2 && b <= 0xdf) {
		e->utf8_need = 1;
		e->utf8_cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		e->utf8_need = 2;
		e->utf8_cp = b & 0x0f;
		if (b == 0xe0)
			e->utf8_lo = 0xa0;
		else if (b == 0xed)
			e->utf8_hi = 0x9f;	/* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		e->utf8_need = 3;
		e->utf8_cp = b & 0x07;
		if (b == 0xf0)
			e->utf8_lo = 0x90;
		else if (b == 0xf4)
			e->utf8_hi = 0x8f;
	} else {
		parse(e, 0xfffd);
	}
}

/*
 * A whole CSI sequence at p (ESC [ at p[0]) of parameters alone before
 * its final byte, parsed in registers and dispatched as parse would;
 * returns its length, or 0 for the byte-at-a-time path (an intermediate
 * or a control inside, more than TERM_MAX_PARAMS, the buffer's end).
 */
static size_t
csi_whole(struct term_emu *e, const uint8_t *p, size_t n)
{
	size_t	 i = 2, first;
	unsigned np = 1, sub = 0, d;
	int	 v = 0;
	uint8_t	 priv = 0;

	if (i < n && p[i] >= '<' && p[i] <= '?')
		priv = p[i++];
	for (first = i; i < n; i++) {
		if ((d = (unsigned)p[i] - '0') <= 9) {
			v = param_digit(v, (int)d);
		} else if (p[i] == ';' || p[i] == ':') {
			if (np == TERM_MAX_PARAMS)
				return 0;
			if (p[i] == ':')
				sub |= 1u << np;
			e->param[np++ - 1] = v;
			v = 0;
		} else
			break;
	}
	if (i >= n || p[i] < 0x40 || p[i] >= 0x7f)
		return 0;
	e->param[np - 1] = v;
	e->nparam = (uint8_t)(i > first ? np : 0);
	e->param_sub = sub;
	e->priv = priv;
	e->ninter = 0;
	e->state = ST_GROUND;
	emu_csi_final(e, p[i]);
	return i + 1;
}

/* The length of ESC [ m or ESC [ 0 m at p (n bytes there, ESC [ first),
 * or 0 when p holds neither whole. */
static inline size_t
sgr_reset_len(const uint8_t *p, size_t n)
{
	if (n >= 3 && p[2] == 'm')
		return 3;
	if (n >= 4 && p[2] == '0' && p[3] == 'm')
		return 4;
	return 0;
}

int
term_emu_write(struct term_emu *e, const uint8_t *p, size_t n)
{
	size_t	 i, len;

	e->error = 0;
	for (i = 0; i < n; ) {
		if (e->utf8_need != 0) {
			decode(e, p[i++]);
			continue;
		}
		/* Fast paths, each doing what decode and parse would. */
		if (e->state == ST_GROUND && p[i] >= 0x20 && p[i] < 0x7f) {
			i += emu_print_ascii(e, p + i, n - i);
			continue;
		}
		/* A C0 control but CAN, SUB and ESC, in the ground: only
		 * executed (CR and LF end every line). */
		if (e->state == ST_GROUND && p[i] < 0x20 && p[i] != 0x18 &&
		    p[i] != 0x1a && p[i] != 0x1b) {
			emu_execute(e, p[i++]);
			continue;
		}
		if (e->state == ST_GROUND && p[i] >= 0xc2 &&
		    (len = emu_print_utf8(e, p + i, n - i)) != 0) {
			i += len;
			continue;
		}
		/* ESC [ from the ground: a CSI, whole if it is all here. */
		if (e->state == ST_GROUND && p[i] == 0x1b && i + 1 < n &&
		    p[i + 1] == '[') {
			/* SGR 0 (ESC [ m, ESC [ 0 m), which ends every
			 * coloured word of coloured output: the pen reset
			 * with no parse. Its parameters are scratch the
			 * next sequence clears. */
			if ((len = sgr_reset_len(p + i, n - i)) != 0) {
				memset(&e->fb->pen, 0, sizeof(e->fb->pen));
				i += len;
				continue;
			}
			if ((len = csi_whole(e, p + i, n - i)) != 0) {
				i += len;
				continue;
			}
			clear_seq(e);
			e->state = ST_CSI_ENTRY;
			i += 2;
			continue;
		}
		/* A CSI's parameters, a run at a time (SGR is mostly these),
		 * and the final byte after them. */
		if ((e->state == ST_CSI_ENTRY || e->state == ST_CSI_PARAM) &&
		    p[i] >= '0' && p[i] <= ';') {
			do {
				if (p[i] <= '9')
					i = param_number(e, p, i, n);
				else
					param(e, p[i++]);
			} while (i < n && p[i] >= '0' && p[i] <= ';');
			e->state = ST_CSI_PARAM;
			if (i < n && p[i] >= 0x40 && p[i] < 0x7f) {
				e->state = ST_GROUND;
				emu_csi_dispatch(e, p[i++]);
			}
			continue;
		}
		decode(e, p[i++]);
	}
	return e->error ? -1 : 0;
}

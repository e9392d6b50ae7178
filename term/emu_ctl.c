/*
 * Which control does what: ESC, CSI and OSC dispatch, SGR and modes.
 * Anything not listed is consumed and ignored.
 */
#include <string.h>

#include "term/emu_int.h"

/* Parameter i, or def when absent or zero (as most CSI functions read it). */
static int
arg(const struct term_emu *e, int i, int def)
{
	if (i >= e->nparam || e->param[i] == 0)
		return def;
	return e->param[i];
}

/* Parameter i, where 0 is meaningful. */
static int
arg0(const struct term_emu *e, int i)
{
	return i < e->nparam ? e->param[i] : 0;
}

/*
 * Answers wait in e->replies until the caller takes them; a program that
 * asks and asks while nobody reads gets no more than this.
 */
#define TERM_REPLIES_MAX	4096

static void
reply(struct term_emu *e, const char *s)
{
	if (e->replies.len > TERM_REPLIES_MAX)
		return;
	term_buf_adds(&e->replies, s);
	if (e->replies.failed)
		e->error = 1;
}

void
emu_esc_dispatch(struct term_emu *e, uint32_t c)
{
	if (e->ninter == 1 && (e->inter[0] == '(' || e->inter[0] == ')')) {
		e->charset[e->inter[0] == ')'] =
		    c == '0' ? CS_DEC_GRAPHICS : CS_ASCII;
		return;
	}
	if (e->ninter == 1 && e->inter[0] == '#') {
		if (c == '8')
			emu_decaln(e);
		return;
	}
	if (e->ninter != 0)
		return;
	switch (c) {
	case '7':
		emu_save_cursor(e, &e->save);
		break;
	case '8':
		emu_restore_cursor(e, &e->save);
		break;
	case 'D':
		emu_execute(e, 0x84);
		break;
	case 'E':
		emu_execute(e, 0x85);
		break;
	case 'H':
		emu_execute(e, 0x88);
		break;
	case 'M':
		emu_execute(e, 0x8d);
		break;
	case 'c':
		emu_hard_reset(e);
		break;
	case '=':
		e->app_keypad = 1;
		break;
	case '>':
		e->app_keypad = 0;
		break;
	}
}

static void
set_private_mode(struct term_emu *e, int mode, int on)
{
	struct term_fb	*fb = e->fb;

	switch (mode) {
	case 1:
		e->app_cursor = (uint8_t)on;
		break;
	case 5:
		fb->reverse_video = (uint8_t)on;
		break;
	case 6:
		e->origin = (uint8_t)on;
		emu_goto_origin(e, 0, 0);
		break;
	case 7:
		e->autowrap = (uint8_t)on;
		if (!on)
			e->pending_wrap = 0;
		break;
	case 25:
		fb->cursor_visible = (uint8_t)on;
		break;
	case 47:
	case 1047:
	case 1049:
		emu_alt_screen(e, on, mode);
		break;
	case 1048:
		if (on)
			emu_save_cursor(e, &e->save);
		else
			emu_restore_cursor(e, &e->save);
		break;
	case 1000:
	case 1001:
	case 1002:
	case 1003:
		fb->mouse_mode = on ? (uint16_t)mode : TERM_MOUSE_NONE;
		break;
	case 1004:
		fb->focus_events = (uint8_t)on;
		break;
	case 1005:
	case 1006:
	case 1015:
		fb->mouse_enc = on ? (uint16_t)mode : TERM_MOUSE_ENC_DEFAULT;
		break;
	case 2004:
		fb->bracketed_paste = (uint8_t)on;
		break;
	}
}

static void
set_modes(struct term_emu *e, int on)
{
	int	 i, n = e->nparam ? e->nparam : 1;

	for (i = 0; i < n; i++) {
		if (e->priv == '?')
			set_private_mode(e, arg0(e, i), on);
		else if (e->priv == 0 && arg0(e, i) == 4)
			e->insert = (uint8_t)on;
		else if (e->priv == 0 && arg0(e, i) == 20)
			e->newline = (uint8_t)on;
	}
}

/*
 * 38/48 colours: "5;n", "2;r;g;b", and the colon forms "5:n", "2:r:g:b"
 * and "2:cs:r:g:b". Returns how many parameters after i were used.
 */
static int
sgr_color(const struct term_emu *e, int i, uint32_t *out)
{
	int	 n = e->nparam, sub = (e->param_sub >> (i + 1)) & 1, k, j;

	if (i + 1 >= n)
		return 0;
	if (e->param[i + 1] == 5 && i + 2 < n) {
		if (e->param[i + 2] <= 255)
			*out = TERM_COLOR_INDEXED | (uint32_t)e->param[i + 2];
		return 2;
	}
	if (e->param[i + 1] != 2)
		return 1;
	j = i + 2;
	if (sub) {
		/* count the colon-joined group */
		for (k = i + 2; k < n && ((e->param_sub >> k) & 1); k++)
			;
		if (k - (i + 2) >= 4)
			j = i + 3;	/* colour space id present */
	}
	if (j + 2 >= n)
		return n - i - 1;
	if (e->param[j] <= 255 && e->param[j + 1] <= 255 && e->param[j + 2] <= 255)
		*out = TERM_COLOR_RGB | (uint32_t)e->param[j] << 16 |
		    (uint32_t)e->param[j + 1] << 8 | (uint32_t)e->param[j + 2];
	return j + 2 - i;
}

static void
sgr(struct term_emu *e)
{
	struct term_rend *pen = &e->fb->pen;
	int		 i, p, n = e->nparam ? e->nparam : 1;

	for (i = 0; i < n; i++) {
		p = arg0(e, i);
		if ((e->param_sub >> i) & 1)
			continue;	/* a stray sub-parameter */
		switch (p) {
		case 0:
			memset(pen, 0, sizeof(*pen));
			break;
		case 1:
			pen->attr |= TERM_ATTR_BOLD;
			break;
		case 2:
			pen->attr |= TERM_ATTR_FAINT;
			break;
		case 3:
			pen->attr |= TERM_ATTR_ITALIC;
			break;
		case 4:
			if (i + 1 < n && ((e->param_sub >> (i + 1)) & 1)) {
				if (e->param[i + 1] == 0)
					pen->attr &= ~TERM_ATTR_UNDERLINE;
				else
					pen->attr |= TERM_ATTR_UNDERLINE;
				i++;
			} else
				pen->attr |= TERM_ATTR_UNDERLINE;
			break;
		case 5:
		case 6:
			pen->attr |= TERM_ATTR_BLINK;
			break;
		case 7:
			pen->attr |= TERM_ATTR_INVERSE;
			break;
		case 8:
			pen->attr |= TERM_ATTR_INVISIBLE;
			break;
		case 9:
			pen->attr |= TERM_ATTR_STRIKE;
			break;
		case 22:
			pen->attr &= ~(TERM_ATTR_BOLD | TERM_ATTR_FAINT);
			break;
		case 23:
			pen->attr &= ~TERM_ATTR_ITALIC;
			break;
		case 24:
			pen->attr &= ~TERM_ATTR_UNDERLINE;
			break;
		case 25:
			pen->attr &= ~TERM_ATTR_BLINK;
			break;
		case 27:
			pen->attr &= ~TERM_ATTR_INVERSE;
			break;
		case 28:
			pen->attr &= ~TERM_ATTR_INVISIBLE;
			break;
		case 29:
			pen->attr &= ~TERM_ATTR_STRIKE;
			break;
		case 38:
			i += sgr_color(e, i, &pen->fg);
			break;
		case 39:
			pen->fg = TERM_COLOR_DEFAULT;
			break;
		case 48:
			i += sgr_color(e, i, &pen->bg);
			break;
		case 49:
			pen->bg = TERM_COLOR_DEFAULT;
			break;
		default:
			if (p >= 30 && p <= 37)
				pen->fg = TERM_COLOR_INDEXED | (uint32_t)(p - 30);
			else if (p >= 40 && p <= 47)
				pen->bg = TERM_COLOR_INDEXED | (uint32_t)(p - 40);
			else if (p >= 90 && p <= 97)
				pen->fg = TERM_COLOR_INDEXED | (uint32_t)(p - 90 + 8);
			else if (p >= 100 && p <= 107)
				pen->bg = TERM_COLOR_INDEXED | (uint32_t)(p - 100 + 8);
			break;
		}
	}
}

static void
device_status(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;
	int		 y = fb->cy;

	if (e->priv != 0)
		return;
	switch (arg0(e, 0)) {
	case 5:
		reply(e, "\033[0n");
		break;
	case 6:
		if (e->replies.len > TERM_REPLIES_MAX)
			break;
		if (e->origin)
			y -= e->top;
		term_buf_adds(&e->replies, "\033[");
		term_buf_addu(&e->replies, (unsigned)y + 1);
		term_buf_addc(&e->replies, ';');
		term_buf_addu(&e->replies, (unsigned)fb->cx + 1);
		reply(e, "R");
		break;
	}
}

static void
erase_display(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	switch (arg0(e, 0)) {
	case 0:
		/* From home it clears the whole screen: into history, as ED 2. */
		if (fb->cx == 0 && fb->cy == 0)
			emu_history_screen(e);
		emu_erase_cells(e, fb->cy, fb->cx, fb->cols - 1);
		emu_erase_rows(e, fb->cy + 1, fb->rows - 1);
		break;
	case 1:
		emu_erase_rows(e, 0, fb->cy - 1);
		emu_erase_cells(e, fb->cy, 0, fb->cx);
		break;
	case 2:
		emu_history_screen(e);
		emu_erase_rows(e, 0, fb->rows - 1);
		break;
	}
}

static void
erase_line(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;

	switch (arg0(e, 0)) {
	case 0:
		emu_erase_cells(e, fb->cy, fb->cx, fb->cols - 1);
		break;
	case 1:
		emu_erase_cells(e, fb->cy, 0, fb->cx);
		break;
	case 2:
		emu_erase_cells(e, fb->cy, 0, fb->cols - 1);
		break;
	}
}

static void
set_margins(struct term_emu *e)
{
	int	 top = arg(e, 0, 1) - 1, bottom = arg(e, 1, e->fb->rows) - 1;

	if (bottom >= e->fb->rows)
		bottom = e->fb->rows - 1;
	if (top >= bottom)
		return;
	e->top = top;
	e->bottom = bottom;
	emu_goto_origin(e, 0, 0);
}

/* Lines inserted or deleted only inside the scroll region. */
static void
insert_delete_lines(struct term_emu *e, int insert)
{
	struct term_fb	*fb = e->fb;
	int		 n = arg(e, 0, 1);

	if (fb->cy < e->top || fb->cy > e->bottom)
		return;
	if (insert)
		emu_scroll_down(e, fb->cy, e->bottom, n);
	else
		emu_scroll_up(e, fb->cy, e->bottom, n);
	fb->cx = 0;
	e->pending_wrap = 0;
}

static void
cursor_up_down(struct term_emu *e, int n)
{
	struct term_fb	*fb = e->fb;
	int		 y = fb->cy + n;

	if (n < 0 && fb->cy >= e->top && y < e->top)
		y = e->top;
	if (n > 0 && fb->cy <= e->bottom && y > e->bottom)
		y = e->bottom;
	emu_goto(e, fb->cx, y);
}

/*
 * REP: ncurses uses it with TERM=xterm-256color (stock mosh ignores it
 * and shows a short line). More than a screenful changes nothing more.
 */
static void
repeat_last(struct term_emu *e, int n)
{
	int	 max = e->fb->cols * e->fb->rows;

	if (e->last_ch == 0)
		return;
	if (n > max)
		n = max;
	while (n-- > 0)
		emu_print(e, e->last_ch);
}

void
emu_csi_dispatch(struct term_emu *e, uint32_t c)
{
	if (e->ninter == 1 && e->inter[0] == '!' && c == 'p' && e->priv == 0) {
		emu_soft_reset(e);
		return;
	}
	if (e->ninter == 0)
		emu_csi_final(e, c);
}

void
emu_csi_final(struct term_emu *e, uint32_t c)
{
	struct term_fb	*fb = e->fb;

	if (e->priv == '>' && c == 'c') {
		if (arg0(e, 0) == 0)
			reply(e, "\033[>1;10;0c");
		return;
	}
	if (e->priv != 0 && e->priv != '?')
		return;
	if (e->priv == '?' && c != 'h' && c != 'l')
		return;
	switch (c) {
	case '@':
		emu_insert_cells(e, arg(e, 0, 1));
		break;
	case 'A':
		cursor_up_down(e, -arg(e, 0, 1));
		break;
	case 'B':
	case 'e':
		cursor_up_down(e, arg(e, 0, 1));
		break;
	case 'C':
	case 'a':
		emu_goto(e, fb->cx + arg(e, 0, 1), fb->cy);
		break;
	case 'D':
		emu_goto(e, fb->cx - arg(e, 0, 1), fb->cy);
		break;
	case 'E':
		cursor_up_down(e, arg(e, 0, 1));
		fb->cx = 0;
		break;
	case 'F':
		cursor_up_down(e, -arg(e, 0, 1));
		fb->cx = 0;
		break;
	case 'G':
	case '`':
		emu_goto(e, arg(e, 0, 1) - 1, fb->cy);
		break;
	case 'H':
	case 'f':
		emu_goto_origin(e, arg(e, 1, 1) - 1, arg(e, 0, 1) - 1);
		break;
	case 'I':
		emu_tab(e, arg(e, 0, 1));
		break;
	case 'J':
		erase_display(e);
		break;
	case 'K':
		erase_line(e);
		break;
	case 'L':
		insert_delete_lines(e, 1);
		break;
	case 'M':
		insert_delete_lines(e, 0);
		break;
	case 'P':
		emu_delete_cells(e, arg(e, 0, 1));
		break;
	case 'S':
		emu_scroll_region_up(e, arg(e, 0, 1));
		break;
	case 'T':
		if (e->nparam <= 1)
			emu_scroll_down(e, e->top, e->bottom, arg(e, 0, 1));
		break;
	case 'X':
		emu_erase_cells(e, fb->cy, fb->cx, fb->cx + arg(e, 0, 1) - 1);
		e->pending_wrap = 0;
		break;
	case 'Z':
		emu_tab(e, -arg(e, 0, 1));
		break;
	case 'b':
		repeat_last(e, arg(e, 0, 1));
		break;
	case 'c':
		if (arg0(e, 0) == 0)
			reply(e, "\033[?62c");
		break;
	case 'd':
		emu_goto_origin(e, fb->cx, arg(e, 0, 1) - 1);
		break;
	case 'g':
		if (arg0(e, 0) == 0)
			e->tabs[fb->cx / 8] &= (uint8_t)~(1u << (fb->cx % 8));
		else if (arg0(e, 0) == 3)
			memset(e->tabs, 0, sizeof(e->tabs));
		break;
	case 'h':
		set_modes(e, 1);
		break;
	case 'l':
		set_modes(e, 0);
		break;
	case 'm':
		sgr(e);
		break;
	case 'n':
		device_status(e);
		break;
	case 'r':
		set_margins(e);
		break;
	case 's':
		emu_save_cursor(e, &e->save);
		break;
	case 'u':
		emu_restore_cursor(e, &e->save);
		break;
	}
}

/* Title text after "N;": at most TERM_TITLE_MAX code points, counting the prefix as mosh does. */
static void
set_title(struct term_emu *e, int which, size_t off)
{
	struct term_fb	*fb = e->fb;
	struct term_str	*s;
	size_t		 i, chars = off, end = off;

	for (i = off; i < e->osc.len; i++) {
		if ((e->osc.data[i] & 0xc0) != 0x80) {
			if (chars == TERM_TITLE_MAX)
				break;
			chars++;
		}
		end = i + 1;
	}
	if ((s = term_str_new((const char *)e->osc.data + off, end - off)) == NULL) {
		e->error = 1;
		return;
	}
	fb->title_set = 1;
	if (which == 0 || which == 1)
		term_str_set(&fb->icon, s);
	if (which == 0 || which == 2)
		term_str_set(&fb->title, s);
	term_str_unref(s);
}

void
emu_osc_dispatch(struct term_emu *e)
{
	struct term_fb	*fb = e->fb;
	struct term_str	*s;
	const char	*o = (const char *)e->osc.data;
	size_t		 n = e->osc.len;

	if (n >= 5 && memcmp(o, "52;c;", 5) == 0) {
		if ((s = term_str_new(o + 5, n - 5)) == NULL) {
			e->error = 1;
			return;
		}
		term_str_set(&fb->clipboard, s);
		term_str_unref(s);
		return;
	}
	if (n >= 1 && o[0] == ';')
		set_title(e, 0, 1);
	else if (n >= 2 && o[1] == ';' && o[0] >= '0' && o[0] <= '2')
		set_title(e, o[0] - '0', 2);
}

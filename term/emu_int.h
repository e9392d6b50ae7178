/*
 * The emulator's insides, shared by emu.c (bytes, parser), emu_screen.c
 * (what controls do to the screen) and emu_ctl.c (which control is which).
 * Not for use outside term/.
 */
#ifndef TSMOSH_TERM_EMU_INT_H
#define TSMOSH_TERM_EMU_INT_H

#include "term/buf.h"
#include "term/emu.h"
#include "term/fb.h"

#define TERM_MAX_PARAMS	16
#define TERM_PARAM_MAX	65535

enum term_state {
	ST_GROUND,
	ST_ESC,
	ST_ESC_INTER,
	ST_CSI_ENTRY,
	ST_CSI_PARAM,
	ST_CSI_INTER,
	ST_CSI_IGNORE,
	ST_DCS_ENTRY,
	ST_DCS_PARAM,
	ST_DCS_INTER,
	ST_DCS_PASS,		/* DCS body: consumed, ignored */
	ST_OSC,
	ST_SOS,			/* SOS, PM, APC bodies: consumed, ignored */
};

enum term_charset {
	CS_ASCII,
	CS_DEC_GRAPHICS,
};

/* What DECSC saves (per xterm: position, rendition, charsets, modes). */
struct term_cursor_save {
	int		 x;
	int		 y;
	struct term_rend pen;
	uint8_t		 origin;
	uint8_t		 autowrap;
	uint8_t		 pending_wrap;
	uint8_t		 charset[2];
	uint8_t		 gl;
};

struct term_emu {
	struct term_fb	*fb;
	struct term_fb	*main_fb;	/* main screen while the alternate is up */
	int		 error;		/* an allocation failed */

	uint8_t		 origin;
	uint8_t		 autowrap;
	uint8_t		 insert;
	uint8_t		 newline;	/* LNM */
	uint8_t		 app_cursor;
	uint8_t		 app_keypad;
	uint8_t		 pending_wrap;	/* next printable wraps first */
	uint8_t		 charset[2];	/* G0, G1 */
	uint8_t		 gl;		/* 0 = G0, 1 = G1 (SO/SI) */
	int		 top;		/* scroll region, inclusive */
	int		 bottom;
	struct term_cursor_save save;	/* DECSC */
	struct term_cursor_save save_alt; /* 1049 */
	uint8_t		 tabs[TERM_MAX_COLS / 8];
	uint32_t	 last_ch;	/* last graphic character, for REP */

	/* parser */
	uint8_t		 state;
	uint8_t		 utf8_need;	/* continuation bytes still due */
	uint8_t		 utf8_lo;	/* range of the next continuation byte */
	uint8_t		 utf8_hi;
	uint32_t	 utf8_cp;
	int		 param[TERM_MAX_PARAMS];
	uint32_t	 param_sub;	/* bit i: param i followed a ':' */
	uint8_t		 nparam;	/* params started so far */
	uint8_t		 priv;		/* '?', '>', '=', '<' or 0 */
	uint8_t		 inter[2];
	uint8_t		 ninter;
	struct term_buf	 osc;		/* OSC body, UTF-8 */
	size_t		 osc_chars;

	struct term_buf	 replies;

	term_history_fn	 history;	/* NULL: lines leaving go nowhere */
	void		*history_arg;

	/* wcwidth(3) answers for the Basic Multilingual Plane, shared by
	 * clones; NULL until the first non-ASCII character. */
	struct emu_widths *widths;
};

/*
 * glibc's wcwidth is a third of the time CJK output takes; its answers
 * never change in a process (the locale is set once), so each is asked
 * once, a block of 256 code points at a time. A nibble a code point:
 * width + 2, or 0 for not asked yet. A block whose characters are all
 * alike (CJK ideographs, Hangul) is answered by its byte in block[]
 * alone, which spares the text that is most of it a dependent load.
 */
#define EMU_BLOCK_MIXED	5	/* block[]: widths differ, ask nib[] */
struct emu_widths {
	unsigned	 refs;
	uint8_t		 block[0x100];	/* width + 2, EMU_BLOCK_MIXED, 0 */
	uint8_t		 nib[0x10000 / 2];
};
void	emu_widths_unref(struct emu_widths *);

/* emu_print.c */
void	emu_print(struct term_emu *, uint32_t);
size_t	emu_print_ascii(struct term_emu *, const uint8_t *, size_t);
size_t	emu_print_utf8(struct term_emu *, const uint8_t *, size_t);

/* Cells below x of row r may now show something (see term_row.ink). */
static inline void
emu_ink(struct term_row *r, int x)
{
	if (x > r->ink)
		r->ink = (uint16_t)x;
}

/* emu_screen.c */
struct term_cell emu_blank_cell(void);
struct term_row	*emu_row_unshare(struct term_emu *, int y);

/* Row y to write into, copied first if a clone shares it; NULL (and
 * e->error) when the copy fails. Inline: every printed run asks. */
static inline struct term_row *
emu_row_mut(struct term_emu *e, int y)
{
	struct term_row	*r = e->fb->row[y];

	return r->refs == 1 ? r : emu_row_unshare(e, y);
}
/*
 * Cells x0..x1 are about to be overwritten: a wide character with only
 * one half inside loses its other half too. Inline: the fast paths call
 * it once a character.
 */
static inline void
emu_split_wide(struct term_emu *e, struct term_row *r, int x0, int x1)
{
	if (x0 > 0 && r->cells[x0].ch == 0)
		r->cells[x0 - 1] = emu_blank_cell();
	if (x1 + 1 < e->fb->cols && r->cells[x1].wide)
		r->cells[x1 + 1] = emu_blank_cell();
}
void	emu_execute(struct term_emu *, uint32_t);
void	emu_index(struct term_emu *);
void	emu_reverse_index(struct term_emu *);
void	emu_scroll_up(struct term_emu *, int top, int bottom, int n);
void	emu_scroll_region_up(struct term_emu *, int n);
void	emu_history_screen(struct term_emu *);
void	emu_scroll_down(struct term_emu *, int top, int bottom, int n);
void	emu_erase_cells(struct term_emu *, int y, int x0, int x1);
void	emu_erase_rows(struct term_emu *, int y0, int y1);
void	emu_insert_cells(struct term_emu *, int n);
void	emu_delete_cells(struct term_emu *, int n);
void	emu_goto(struct term_emu *, int x, int y);
void	emu_goto_origin(struct term_emu *, int x, int y);
void	emu_tab(struct term_emu *, int n);
void	emu_tabs_reset(struct term_emu *, int from);
void	emu_save_cursor(struct term_emu *, struct term_cursor_save *);
void	emu_restore_cursor(struct term_emu *, const struct term_cursor_save *);
void	emu_alt_screen(struct term_emu *, int on, int mode);
void	emu_soft_reset(struct term_emu *);
void	emu_hard_reset(struct term_emu *);
void	emu_decaln(struct term_emu *);
struct term_cell emu_erase_cell(const struct term_emu *);

/* emu_ctl.c */
void	emu_esc_dispatch(struct term_emu *, uint32_t);
void	emu_csi_dispatch(struct term_emu *, uint32_t);
/* emu_csi_dispatch for a sequence known to have no intermediates: it
 * reads no bytes the parser has just stored beside each other in one
 * load, which would wait for those stores to drain. */
void	emu_csi_final(struct term_emu *, uint32_t);
void	emu_osc_dispatch(struct term_emu *);

#endif

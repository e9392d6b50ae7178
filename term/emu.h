/*
 * The terminal emulator: feeds host output through a DEC/ANSI (VT500
 * style) parser into a framebuffer. Depends only on libc; character
 * widths come from wcwidth(3), so the process must run with a UTF-8
 * LC_CTYPE (as mosh does) — setlocale is the caller's business.
 */
#ifndef TSMOSH_TERM_EMU_H
#define TSMOSH_TERM_EMU_H

#include <stddef.h>
#include <stdint.h>

#include "term/buf.h"
#include "term/fb.h"

struct term_emu;

struct term_emu	*term_emu_new(int cols, int rows);
void		 term_emu_free(struct term_emu *);
/* A full copy; the screen rows are shared copy-on-write. */
struct term_emu	*term_emu_clone(const struct term_emu *);
/* Host output. Returns 0, or -1 if memory ran out (screen may be stale). */
int		 term_emu_write(struct term_emu *, const uint8_t *, size_t);
/* Sizes outside 1..TERM_MAX_COLS x 1..TERM_MAX_ROWS are refused (-1).
 * Both screens (main and alternate) change, or neither does. */
int		 term_emu_resize(struct term_emu *, int cols, int rows);
/* Bytes this emulator holds that no clone of it shares. */
size_t		 term_emu_held(const struct term_emu *);
/* Answers to DA/DSR queries to write back to the application. */
struct term_buf	*term_emu_replies(struct term_emu *);
const struct term_fb *term_emu_fb(const struct term_emu *);
/* A snapshot of the current screen (cheap; NULL if out of memory). */
struct term_fb	*term_emu_snapshot(const struct term_emu *);
/* DECCKM: the application wants ESC O A..D cursor keys. */
int		 term_emu_app_cursor_keys(const struct term_emu *);
/* DECKPAM: the application keypad is on. */
int		 term_emu_app_keypad(const struct term_emu *);
/* The alternate screen is up (1047/1049). */
int		 term_emu_alt_screen(const struct term_emu *);

/*
 * History: lines that leave the top of the main screen, for the user's
 * own scrollback. fn gets its own reference to each row (drop it with
 * term_fb_row_unref when done) and the row's width, oldest first, each
 * row once. The screen goes on with rows of its own, so a row stays as
 * it was when it left: characters, marks, renditions and wrap hint, and
 * it outlives the emulator. fn cannot fail and must not call back into
 * this emulator.
 *
 * What counts follows tmux 3.3 with its default scroll-on-clear, so the
 * lines match its capture-pane -S -. Only the main screen, never the
 * alternate one:
 * - the top row of the scroll region, whatever the region (tmux keeps
 *   those of a region below a status line too), each time LF, VT, FF,
 *   IND, NEL or autowrap scrolls at the bottom margin, and one per line
 *   of SU (CSI n S, at most the region's height);
 * - before ED 2, ED 0 from the home position or RIS clears the screen,
 *   its rows down to the last one in use: one where some cell shows a
 *   character, a mark, a foreground colour or an attribute. Erased cells
 *   do not count, coloured or not, as in tmux; spaces written in the
 *   default rendition do count in tmux, which tells them from erased
 *   ones, and not here.
 * Nothing else: DL, IL, SD, RI, ED 1, ED 3, DECALN, resizes.
 *
 * One sink per emulator: a clone has none. fn == NULL turns it off.
 * Without a sink a scroll costs one pointer test more.
 */
typedef void	(*term_history_fn)(void *arg, struct term_row *row, int cols);
void		 term_emu_set_history(struct term_emu *, term_history_fn,
		    void *arg);

#endif

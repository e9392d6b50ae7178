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

#endif

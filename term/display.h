/*
 * The display diff: escape sequences that turn a terminal showing one
 * framebuffer into one showing another. The output uses only what the
 * stock mosh-client's emulator understands (MOSH-PROTOCOL.md section 7),
 * so it serves both as mosh "hostbytes" and to repaint the user's own
 * terminal. The receiving terminal is assumed to erase with the current
 * background colour (BCE), as xterm, tmux and mosh's emulator do.
 *
 * Faint and strike-through travel in the SGR sequences; stock mosh drops
 * them, which costs nothing since every rendition change is a full one.
 */
#ifndef TSMOSH_TERM_DISPLAY_H
#define TSMOSH_TERM_DISPLAY_H

#include "term/buf.h"
#include "term/fb.h"

/*
 * Append to out the bytes that turn a terminal showing old into one
 * showing new. old == NULL means nothing is known: the screen is reset
 * and drawn in full. A bell is one BEL whatever the count difference.
 * Returns 0, or -1 if out could not grow.
 */
int	term_display_diff(const struct term_fb *old, const struct term_fb *new,
	    struct term_buf *out);
/* The same, with flags: TERM_DISPLAY_NO_HISTORY scrolls by deleting lines
 * at the top (a terminal keeps nothing of them), for a client that puts
 * history lines in the scrollback itself. */
#define TERM_DISPLAY_NO_HISTORY	0x1u
/* TERM_DISPLAY_ATOMIC: the receiver is an emulator that takes the whole
 * diff before anyone sees it (mosh hostbytes), so the cursor is not
 * hidden while moves draw elsewhere; its visibility is still set last. */
#define TERM_DISPLAY_ATOMIC	0x2u
int	term_display_diff_flags(const struct term_fb *old,
	    const struct term_fb *new, struct term_buf *out, unsigned flags);

/*
 * One row as the bytes that draw it from column 0 of a line at least cols
 * wide, for history lines: its characters in their renditions (the same
 * SGR and UTF-8 as the diff), trailing blanks of the default rendition
 * left out (blanks with a background are written), then SGR 0. The
 * receiver's rendition is taken to be the default at the start, as it is
 * after the previous row's SGR 0. There is no cursor movement, so a row
 * drawn to its last column leaves the receiver in deferred wrap. The wrap
 * hint does not travel. Returns 0, or -1 if out could not grow.
 */
int	term_display_row(const struct term_row *, int cols,
	    struct term_buf *out);

/*
 * For the client's own terminal: take it over (application cursor keys,
 * so arrows arrive as ESC O A whatever the remote mode) and give it back
 * with every mode a diff can set undone. The alternate screen is the
 * caller's: terminfo smcup/rmcup, skipped under MOSH_NO_TERM_INIT.
 */
void	term_display_open(struct term_buf *out);
void	term_display_close(struct term_buf *out);

#endif

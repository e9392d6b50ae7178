/*
 * Native scrollback in the user's terminal: lines that left the top of
 * the server's screen are put into the terminal's own scrollback (so the
 * mouse wheel, Shift-PgUp, search and copy work), and the terminal's
 * alternate screen follows the remote one (full-screen programs never
 * leave frames in the scrollback). It starts when the server says lines
 * will come; until then, and without it (MOSH_SCROLLBACK=no, a stock
 * server), the session runs in the alternate screen, as mosh's does.
 */
#ifndef TSMOSH_CLIENT_SCROLL_H
#define TSMOSH_CLIENT_SCROLL_H

#include <stdbool.h>
#include <stdint.h>

#include "statesync/hoststate.h"
#include "term/buf.h"
#include "term/fb.h"

#define SCROLL_RING_LINES	8192	/* received, not yet in the terminal */

struct scroll {
	bool		 wanted;	/* MOSH_SCROLLBACK is not "no" */
	bool		 on;		/* and the server said lines will come */
	bool		 alt;		/* the terminal's alternate screen is up */
	uint64_t	 printed;	/* lines put in the scrollback so far */
	bool		 started;	/* a first line came */
	struct term_fb	*main_shown;	/* the main screen, while alt is up */
	const char	*enter_alt;	/* smcup, or xterm's own */
	const char	*leave_alt;
};

/* enter/leave: terminfo's smcup/rmcup (NULL: xterm's 1049); in_alt:
 * the session started in the alternate screen. */
void	scroll_init(struct scroll *, bool wanted, bool in_alt,
	    const char *enter, const char *leave);
void	scroll_free(struct scroll *);

/*
 * Before a frame is drawn: follow the remote screen into or out of the
 * alternate screen, and scroll the history lines that came into the
 * terminal's scrollback. Appends to out what that takes, and replaces
 * *shown with what the terminal then shows (NULL: unknown, repaint).
 * 0, or -1 when memory runs out (the lines are tried again next frame).
 */
int	scroll_before_frame(struct scroll *, const struct host_state *remote,
	    struct term_fb **shown, struct term_buf *out);

#endif

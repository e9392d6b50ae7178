/*
 * Scrollback: the lines that left the top of a screen, numbered from 0 in
 * the order they left. The server keeps the newest `cap` rows of its
 * emulator for its clients; a client keeps the lines it received (as
 * bytes it rendered itself) until it has put them in the user's terminal.
 * Either way a ring shared by every state that refers to it (counted),
 * appended to by number, so a line that arrives twice is kept once.
 */
#ifndef TSMOSH_STATESYNC_HISTORY_H
#define TSMOSH_STATESYNC_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "term/buf.h"
#include "term/fb.h"

struct host_history_line {
	struct term_row	*row;		/* server: the row (a reference) */
	int		 cols;
	int		 room;		/* server: cells the row has room for */
	uint8_t		*bytes;		/* client: the line, rendered */
	size_t		 len;
	uint64_t	 skipped;	/* lines dropped just before it */
};

struct term_emu;

struct host_history {
	unsigned	 refs;
	struct term_emu	*scratch;	/* client: where a line is read */
	struct host_history_line *ring;
	size_t		 cap;
	uint64_t	 first;		/* number of the oldest line held */
	uint64_t	 next;		/* number the next line gets */
	size_t		 at;		/* its slot: next % cap */
	uint64_t	 compacted;	/* server: lines below are bytes */
	size_t		 held;		/* bytes its lines hold, all told */
	size_t		 budget;	/* cap * HOST_HISTORY_LINE_BYTES */
	uint64_t	 skip_pending;	/* client: said skipped, no line yet */
	uint64_t	 skip_at;	/* ... before this line number */
};

/*
 * An empty history of at most cap lines (cap > 0); NULL: no memory. Its
 * lines hold at most HOST_HISTORY_LINE_BYTES each on average: past that
 * the oldest rows become bytes at once (as when output pauses), then the
 * oldest lines go (the newest stays). A line's width is the peer's to
 * choose (a 2048-column window makes rows of 48 KiB), its count is ours.
 */
#define HOST_HISTORY_LINE_BYTES	3072	/* an 80-column row of cells: 1.9 KiB */
struct host_history *host_history_new(size_t cap);
struct host_history *host_history_ref(struct host_history *);
void	host_history_unref(struct host_history *);

/* Server, a term_history_fn with the ring as its argument: a row that
 * left the top, the caller's reference handed over. Kept trimmed to its
 * ink, in the memory of the line it pushes out when the ring is full. */
void	host_history_sink(void *ring, struct term_row *, int cols);
/*
 * Server: rows held turn into the bytes that draw them (term_display_row),
 * oldest first: a line then costs its text and renditions, not 24 bytes a
 * cell. Done once output pauses (a flood keeps rows: cheaper to take).
 * Returns how many lines changed; stops early when memory runs out.
 */
size_t	host_history_compact(struct host_history *);
/*
 * Client: line number n, rendered; `skipped` lines the server dropped
 * before it. A number already held (or older) is ignored; a later one
 * starts after a gap. 0, or -1 when memory runs out.
 */
int	host_history_add_bytes(struct host_history *, uint64_t n,
	    uint64_t skipped, const uint8_t *, size_t);

/*
 * Client: line number n as the server sent it (terminal bytes, which may
 * be anything): drawn on a scratch line by our emulator and kept as our
 * display code renders that line, so nothing but text and renditions
 * ever reaches the user's terminal. 0, or -1 when memory runs out.
 */
#define HOST_HISTORY_COLS	1024	/* a line's width, at most */
int	host_history_add_line(struct host_history *, uint64_t n,
	    uint64_t skipped, const uint8_t *, size_t);

/* Client: the server dropped `skipped` lines before line `at` and sent
 * none after them yet: that line carries the count when it comes (the
 * same news twice counts once). */
void	host_history_note_skip(struct host_history *, uint64_t at,
	    uint64_t skipped);

/* The bytes the lines hold (a row by the cells it has room for), counted
 * afresh: what h->held keeps count of (tests). */
size_t	host_history_recount(const struct host_history *);

/* Line n, or NULL when it is not held (gone, or not yet come). */
const struct host_history_line *host_history_get(const struct host_history *,
	    uint64_t n);

#endif

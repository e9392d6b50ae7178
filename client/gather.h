/*
 * A paste pouring in from the terminal, gathered into one state. Sent as
 * it was read, its first few KB went alone and the rest a frame later on
 * top of them, which at loss made the rest useless while any of the
 * first was missing, and with our server made the rest wait a round trip
 * for the first's ack. So while reads of a paste keep coming, the client
 * holds its ticks: until the terminal has been quiet GATHER_QUIET_MS (a
 * moment with nothing to read, the terminal's writer waiting for a CPU,
 * must not end it), and never longer than GATHER_MAX_MS from the paste's
 * first read. Typing ends it at once.
 *
 * The caller owns the struct (zeroed: nothing gathered) and passes the
 * time in milliseconds; nothing here allocates or fails.
 */
#ifndef TSMOSH_CLIENT_GATHER_H
#define TSMOSH_CLIENT_GATHER_H

#include <stdbool.h>
#include <stdint.h>

#define GATHER_MAX_MS	10
#define GATHER_QUIET_MS	3

struct gather {
	bool		 on;		/* a paste is pouring in */
	uint64_t	 since;		/* its first read */
	uint64_t	 last;		/* its last read */
};

/* A read from the terminal: paste (bulk) or typing. */
void	gather_read(struct gather *, bool paste, uint64_t now);
/* A turn of the loop that read nothing from the terminal. */
void	gather_idle(struct gather *, uint64_t now);
/* Hold the state back this turn? */
bool	gather_holding(const struct gather *, uint64_t now);
/* Ms until the loop must look again; UINT64_MAX while nothing is
 * gathered. Only a moment still ahead is offered: waiting for one
 * already gone would make the loop spin until the quiet ends. */
uint64_t gather_wait(const struct gather *, uint64_t now);

#endif

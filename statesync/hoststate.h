/*
 * The server's state in SSP, as both ends hold it: a terminal (emulator
 * and screen) and the echo-ack number (MOSH-PROTOCOL.md §7). Its diff is
 * a HostMessage: echo ack, resize, then host bytes from term/'s display
 * diff; applying one runs those bytes through our own emulator.
 * This is the glue between proto/ (transport) and term/ (terminal), kept
 * out of both so neither knows the other.
 */
#ifndef TSMOSH_STATESYNC_HOSTSTATE_H
#define TSMOSH_STATESYNC_HOSTSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/ssp.h"
#include "statesync/history.h"
#include "term/emu.h"

struct host_state {
	struct term_emu	*emu;
	bool		 emu_borrowed;	/* a view: the emulator is not ours */
	uint64_t	 echo_ack;
	/* The server said the session moved to another client (its
	 * farewell to an old key, see ssp_farewell). */
	bool		 moved;
	/* This client's keystrokes are dropped (a read-only share). */
	bool		 read_only;
	/* Client: the server said history lines will come. */
	bool		 scrollback;
	/* Client: the server said its alternate screen is up (the screen
	 * we hold is only what it shows). */
	bool		 alt_screen;
	/*
	 * Scrollback, for a client that takes it: the lines numbered below
	 * hist_seq are this state's (the server releases them to a client
	 * at its pace; the client's count what it received). hist is the
	 * ring that holds them (shared, counted; NULL: no scrollback).
	 */
	struct host_history *hist;
	uint64_t	 hist_seq;
	uint64_t	 hist_base;	/* server: none below it is sent */
	/* Applying a diff: where its history lines go. */
	uint64_t	 hist_at;
	uint64_t	 hist_skipped;
};

extern const struct ssp_state_ops host_state_ops;

/* A blank screen of that size; NULL when out of memory or size absurd. */
struct host_state *host_state_new(int cols, int rows);
/* The same, sharing the rows of an emulator that is still as
 * term_emu_new made it (nothing written yet); NULL when out of memory. */
struct host_state *host_state_blank_of(const struct term_emu *);
void	host_state_free(struct host_state *);

/*
 * Server with several clients: one client's state, whose screen is the
 * session's emulator (borrowed: freed by its owner, after the view) and
 * whose echo ack and read-only notice are the client's own. A clone of
 * a view owns its copy. NULL when out of memory.
 */
struct host_state *host_state_view(struct term_emu *, bool read_only);
/* Take scrollback lines into this ring (a reference is taken), the
 * next one numbered `seq`. */
void	host_state_set_history(struct host_state *, struct host_history *,
	    uint64_t seq);
/* Show this emulator from now on; the view takes it (owned) or not. */
void	host_state_view_set(struct host_state *, struct term_emu *,
	    bool borrowed);

#endif

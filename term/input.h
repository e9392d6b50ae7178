/*
 * The user's keys on their way to the application: ESC O A..D (cursor
 * keys in application mode, which the client's terminal may be in) become
 * ESC [ A..D unless the application asked for application cursor keys
 * (DECCKM), as mosh's server does. Stateful across calls: a key may be
 * split between datagrams.
 */
#ifndef TSMOSH_TERM_INPUT_H
#define TSMOSH_TERM_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct term_input {
	int	 state;
};

/* Translate one byte; writes 0..2 bytes to out, returns how many. */
size_t	term_input_byte(struct term_input *, uint8_t c, int app_cursor_keys,
	    uint8_t out[2]);

#endif

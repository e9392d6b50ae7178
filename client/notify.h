/*
 * The notification bar across the top row, as mosh-client draws it:
 * "mosh: Last contact 12 seconds ago. [To quit: Ctrl-^ .]" when the
 * server is silent (> 6.5 s) or our input is unacknowledged (> 10 s),
 * and short messages ("Connecting...", escape-key help, errors).
 */
#ifndef TSMOSH_CLIENT_NOTIFY_H
#define TSMOSH_CLIENT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "term/fb.h"

#define NOTIFY_MSG_MAX	256

struct notify {
	uint64_t	 last_word_from_server;
	uint64_t	 last_acked_state;
	char		 escape_key_string[64];
	char		 message[NOTIFY_MSG_MAX];
	bool		 is_network_error;
	uint64_t	 expiration;
	bool		 show_quit_keystroke;
};

void	notify_init(struct notify *, uint64_t now);
void	notify_set_escape_key(struct notify *, const char *name);
/* permanent: until replaced; else it expires after a second. */
void	notify_set(struct notify *, const char *, bool permanent,
	    bool show_quit_keystroke, uint64_t now);
void	notify_set_network_error(struct notify *, const char *, uint64_t now);
void	notify_clear_network_error(struct notify *, uint64_t now);
const char *notify_message(const struct notify *);
void	notify_server_heard(struct notify *, uint64_t);
void	notify_server_acked(struct notify *, uint64_t);
void	notify_adjust(struct notify *, uint64_t now);
void	notify_apply(const struct notify *, struct term_fb *, uint64_t now);
int	notify_wait_time(const struct notify *, uint64_t now);

#endif

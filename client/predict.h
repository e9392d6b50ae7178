/*
 * Predictive local echo (MOSH-PROTOCOL.md §8): guess what typed keys will
 * do to the screen, show the guesses at once when the link is slow, and
 * confirm or withdraw them as the server's echo acks arrive. Guesses are
 * grouped in epochs; one wrong guess kills its whole epoch, so a wrong
 * prediction never stays on screen.
 */
#ifndef TSMOSH_CLIENT_PREDICT_H
#define TSMOSH_CLIENT_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/fb.h"

enum predict_pref {
	PREDICT_ADAPTIVE,
	PREDICT_ALWAYS,
	PREDICT_NEVER,
	PREDICT_EXPERIMENTAL,
};

#define PREDICT_ORIG_MAX	8

struct predict_cell {
	uint64_t	 expiration_frame;
	uint64_t	 tentative_until_epoch;
	uint64_t	 prediction_time;
	int		 col;
	bool		 active;
	bool		 unknown;
	struct term_cell replacement;
	struct term_cell orig[PREDICT_ORIG_MAX];	/* no credit for these */
	size_t		 norig;
};

struct predict_row {
	int		 row_num;
	int		 ncols;
	struct predict_cell *cells;
};

struct predict_cursor {
	uint64_t	 expiration_frame;
	uint64_t	 tentative_until_epoch;
	uint64_t	 prediction_time;
	int		 row;
	int		 col;
	bool		 active;
};

struct predict {
	enum predict_pref pref;
	bool		 overwrite;
	uint8_t		 last_byte;
	/* A tiny parser of the user's bytes: UTF-8, ESC, CSI. */
	int		 pstate;
	uint32_t	 utf8_cp;
	int		 utf8_left;
	struct predict_row *rows;
	size_t		 nrows;
	size_t		 caprows;
	struct predict_cursor *cursors;
	size_t		 ncursors;
	size_t		 capcursors;
	uint64_t	 local_frame_sent;
	uint64_t	 local_frame_late_acked;
	uint64_t	 prediction_epoch;
	uint64_t	 confirmed_epoch;
	bool		 flagging;
	bool		 srtt_trigger;
	unsigned	 glitch_trigger;
	uint64_t	 last_quick_confirmation;
	unsigned	 send_interval;
	int		 last_width;
	int		 last_height;
};

void	predict_init(struct predict *, enum predict_pref, bool overwrite);
void	predict_free(struct predict *);
void	predict_reset(struct predict *);
/* `fb` is what the user's terminal shows now. */
void	predict_user_byte(struct predict *, uint8_t, const struct term_fb *,
	    uint64_t now);
/* Check guesses against the server's screen; then draw them on fb. */
void	predict_cull(struct predict *, const struct term_fb *, uint64_t now);
void	predict_apply(const struct predict *, struct term_fb *);
int	predict_wait_time(const struct predict *);
bool	predict_active(const struct predict *);

#endif

/*
 * The client's state in SSP: the user events (key bytes and window
 * resizes) since the last acknowledged state. Its diff is a UserMessage;
 * consecutive key bytes travel as one Keystroke.
 *
 * Key bytes are kept as bytes and resizes beside them with their place,
 * so a state costs what was typed, not a record per byte: a receiver
 * holds several of them at once (see ssp.h, the receive budget).
 */
#ifndef TSMOSH_PROTO_USERSTREAM_H
#define TSMOSH_PROTO_USERSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "proto/ssp.h"

struct user_resize {
	size_t		 at;		/* key bytes typed before it */
	int32_t		 width;
	int32_t		 height;
};

struct userstream {
	uint8_t		*keys;
	size_t		 nkeys;
	size_t		 keys_cap;
	struct user_resize *resize;
	size_t		 nresize;
	size_t		 resize_cap;
	uint32_t	 caps;		/* USER_CAP_*: what the client takes */
};

extern const struct ssp_state_ops userstream_ops;

struct userstream *userstream_new(void);
void	userstream_free(struct userstream *);
/* 0, or -1 when memory runs out (then nothing was added). */
int	userstream_push_keys(struct userstream *, const uint8_t *, size_t);
int	userstream_push_resize(struct userstream *, int32_t w, int32_t h);
/* Announce what this client takes beyond mosh (sent with the next
 * diff; a stock server skips it). */
void	userstream_set_caps(struct userstream *, uint32_t);
/* Events held: key bytes plus resizes. */
size_t	userstream_events(const struct userstream *);

#endif

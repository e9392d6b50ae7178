/*
 * The client's state in SSP: the list of user events (key bytes and
 * window resizes) since the last acknowledged state. Its diff is a
 * UserMessage; consecutive key bytes travel as one Keystroke.
 */
#ifndef TSMOSH_PROTO_USERSTREAM_H
#define TSMOSH_PROTO_USERSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "proto/ssp.h"

enum user_event_type {
	USER_EVENT_BYTE,
	USER_EVENT_RESIZE,
};

struct user_event {
	enum user_event_type	 type;
	uint8_t			 byte;
	int32_t			 width;
	int32_t			 height;
};

struct userstream {
	struct user_event	*ev;
	size_t			 n;
	size_t			 cap;
};

extern const struct ssp_state_ops userstream_ops;

struct userstream *userstream_new(void);
void	userstream_free(struct userstream *);
/* 0, or -1 when memory runs out. */
int	userstream_push_keys(struct userstream *, const uint8_t *, size_t);
int	userstream_push_resize(struct userstream *, int32_t w, int32_t h);

#endif

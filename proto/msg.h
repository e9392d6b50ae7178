/*
 * The two diff payloads (MOSH-PROTOCOL.md §5): UserMessage from client to
 * server (keystrokes, resize) and HostMessage from server to client (host
 * bytes, resize, echo ack). Each is a list of instructions; writers append
 * one instruction at a time, readers call back once per instruction.
 */
#ifndef TSMOSH_PROTO_MSG_H
#define TSMOSH_PROTO_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/err.h"

/* Writers: 0, or -1 when memory runs out. */
int	user_msg_add_keys(struct buf *, const uint8_t *, size_t);
int	user_msg_add_resize(struct buf *, int32_t width, int32_t height);
int	host_msg_add_bytes(struct buf *, const uint8_t *, size_t);
int	host_msg_add_resize(struct buf *, int32_t width, int32_t height);
int	host_msg_add_echoack(struct buf *, uint64_t);
/*
 * tsmosh's own notices to its client, each an empty extension outside
 * mosh's numbers (stock mosh skips unknown extensions).
 */
enum host_notice {
	HOST_NOTICE_MOVED = 1,		/* the session moved to another
					 * client (mosh-server attach) */
	HOST_NOTICE_READ_ONLY = 2,	/* your keystrokes are dropped
					 * (mosh-server share --read-only) */
};
int	host_msg_add_notice(struct buf *, enum host_notice);
/* The notices a HostMessage carries, ORed (0 also for bad bytes). */
unsigned	host_msg_notices(const uint8_t *, size_t);

/* A callback's non-zero return stops the walk and is returned as is. */
struct user_msg_handler {
	int	(*keys)(void *, const uint8_t *, size_t);
	int	(*resize)(void *, int32_t width, int32_t height);
	void	*arg;
};

struct host_msg_handler {
	int	(*bytes)(void *, const uint8_t *, size_t);
	int	(*resize)(void *, int32_t width, int32_t height);
	int	(*echoack)(void *, uint64_t);
	void	*arg;
};

/*
 * Unknown extensions are skipped, as mosh's parser does. Returns PROTO_OK,
 * PROTO_ERR_PROTOBUF, or a callback's own non-zero value.
 */
int	user_msg_parse(const uint8_t *, size_t, const struct user_msg_handler *);
int	host_msg_parse(const uint8_t *, size_t, const struct host_msg_handler *);

/* Check bytes without acting on them: PROTO_OK or PROTO_ERR_PROTOBUF. */
enum proto_err	user_msg_validate(const uint8_t *, size_t);
enum proto_err	host_msg_validate(const uint8_t *, size_t);

#endif

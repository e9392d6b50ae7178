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
/* tsmosh's own: what this client can take beyond mosh (stock servers
 * skip the extension). */
#define USER_CAP_SCROLLBACK	0x1u	/* history lines (host_msg_add_history) */
int	user_msg_add_caps(struct buf *, uint32_t caps);
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
	HOST_NOTICE_SCROLLBACK = 4,	/* history lines will come: put
					 * them in the terminal's scrollback */
	HOST_NOTICE_ALT_ON = 8,		/* the remote screen is now its
					 * alternate one (1047/1049) ... */
	HOST_NOTICE_ALT_OFF = 16,	/* ... and now its main one again */
};
int	host_msg_add_notice(struct buf *, enum host_notice);
/* The notices a HostMessage carries, ORed (0 also for bad bytes). */
unsigned	host_msg_notices(const uint8_t *, size_t);

/*
 * tsmosh's own, only to a client that announced USER_CAP_SCROLLBACK:
 * lines that left the top of the server's screen, numbered from `first`,
 * after `skipped` lines the server dropped before them (a client that
 * fell behind). n lines, each lens[i] bytes of terminal output in turn
 * in `lines`. 0, or -1 when memory runs out.
 */
#define HOST_HISTORY_LINE_MAX	(128 * 1024)	/* bytes of one line */
int	host_msg_add_history(struct buf *, uint64_t first, uint64_t skipped,
	    const uint8_t *lines, const size_t *lens, size_t n);

/* A callback's non-zero return stops the walk and is returned as is. */
struct user_msg_handler {
	int	(*keys)(void *, const uint8_t *, size_t);
	int	(*resize)(void *, int32_t width, int32_t height);
	void	*arg;
	int	(*caps)(void *, uint32_t);	/* NULL: skipped */
};

struct host_msg_handler {
	int	(*bytes)(void *, const uint8_t *, size_t);
	int	(*resize)(void *, int32_t width, int32_t height);
	int	(*echoack)(void *, uint64_t);
	void	*arg;
	/* History: once with its numbers and line count, then once per
	 * line, in order (NULL: skipped). */
	int	(*history)(void *, uint64_t first, uint64_t skipped, size_t n);
	int	(*history_line)(void *, const uint8_t *, size_t);
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

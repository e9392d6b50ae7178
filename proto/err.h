/*
 * Reason codes for everything proto/ refuses. Each decode of bytes from the
 * network returns one of these instead of crashing or touching state, so
 * the server can log the drop with a stable name.
 */
#ifndef TSMOSH_PROTO_ERR_H
#define TSMOSH_PROTO_ERR_H

enum proto_err {
	PROTO_OK = 0,
	PROTO_ERR_SOURCE,	/* source address outside the allowlist */
	PROTO_ERR_SHORT,	/* datagram or field shorter than its header */
	PROTO_ERR_AUTH,		/* OCB tag check failed: wrong key or garbage */
	PROTO_ERR_OLD_KEY,	/* authentic under a key this session retired */
	PROTO_ERR_KNOWN_PEER,	/* fails the tag, from an address we served */
	PROTO_ERR_DIRECTION,	/* nonce names our own sending direction */
	PROTO_ERR_FRAGMENT,	/* fragment inconsistent with its assembly */
	PROTO_ERR_INFLATE,	/* not a complete zlib stream */
	PROTO_ERR_TOO_LARGE,	/* beyond a size cap */
	PROTO_ERR_OVER_BUDGET,	/* an authentic state past the receive budget */
	PROTO_ERR_PROTOBUF,	/* malformed protobuf */
	PROTO_ERR_STALE,	/* old sequence number or state */
	PROTO_ERR_VERSION,	/* protocol_version is not 2 */
	PROTO_ERR_KEY_EXHAUSTED,/* sequence or block counter would wrap */
	PROTO_ERR_NOMEM,
	PROTO_ERR_SYS,		/* a system call failed; errno says which */
	PROTO_ERR_AGAIN,	/* nothing to read right now */
	PROTO_ERR_INCOMPLETE,	/* fragment kept; the instruction is not whole yet */
};

/* A short stable name ("auth-failed", "malformed", ...) for logs. */
const char	*proto_err_name(enum proto_err);

#endif

#include "proto/err.h"

const char *
proto_err_name(enum proto_err e)
{
	switch (e) {
	case PROTO_OK:			return "ok";
	case PROTO_ERR_SOURCE:		return "source-rejected";
	case PROTO_ERR_SHORT:		return "short";
	case PROTO_ERR_AUTH:		return "auth-failed";
	case PROTO_ERR_OLD_KEY:		return "old-key";
	case PROTO_ERR_KNOWN_PEER:	return "known-peer";
	case PROTO_ERR_DIRECTION:	return "bad-direction";
	case PROTO_ERR_FRAGMENT:	return "bad-fragment";
	case PROTO_ERR_INFLATE:		return "bad-compression";
	case PROTO_ERR_TOO_LARGE:	return "too-large";
	case PROTO_ERR_OVER_BUDGET:	return "state-over-budget";
	case PROTO_ERR_PROTOBUF:	return "bad-protobuf";
	case PROTO_ERR_STALE:		return "stale";
	case PROTO_ERR_VERSION:		return "version-mismatch";
	case PROTO_ERR_KEY_EXHAUSTED:	return "key-exhausted";
	case PROTO_ERR_NOMEM:		return "no-memory";
	case PROTO_ERR_SYS:		return "system-error";
	case PROTO_ERR_AGAIN:		return "again";
	case PROTO_ERR_INCOMPLETE:	return "incomplete";
	}
	return "unknown";
}

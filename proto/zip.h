/* zlib in mosh's framing: a zlib stream at the default level, as
 * compress() makes, with deflate's memory sized to the message. */
#ifndef TSMOSH_PROTO_ZIP_H
#define TSMOSH_PROTO_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/err.h"

/* mosh's receive limit: 2048 * 2048 bytes inflated. */
#define ZIP_INFLATE_MAX	(2048u * 2048u)

/* Appends to out. PROTO_OK, PROTO_ERR_NOMEM, PROTO_ERR_TOO_LARGE. */
enum proto_err	zip_compress(const uint8_t *, size_t, struct buf *out);

/*
 * Replaces out's contents with the inflated bytes. The input must be one
 * complete zlib stream and nothing else; more than `limit` bytes of output
 * stops at once (PROTO_ERR_TOO_LARGE), so a small bomb costs little.
 */
enum proto_err	zip_inflate(const uint8_t *, size_t, size_t limit,
		    struct buf *out);

#endif

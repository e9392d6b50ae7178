#include <limits.h>
#include <string.h>

#include <zlib.h>

#include "proto/zip.h"

enum proto_err
zip_compress(const uint8_t *in, size_t len, struct buf *out)
{
	uLongf	 n;

	if (len > ULONG_MAX / 2)
		return PROTO_ERR_TOO_LARGE;
	n = compressBound((uLong)len);
	if (buf_reserve(out, n) != 0)
		return PROTO_ERR_NOMEM;
	if (compress2(out->data + out->len, &n, in, (uLong)len,
	    Z_DEFAULT_COMPRESSION) != Z_OK)
		return PROTO_ERR_NOMEM;
	out->len += n;
	return PROTO_OK;
}

enum proto_err
zip_inflate(const uint8_t *in, size_t len, size_t limit, struct buf *out)
{
	z_stream	 z;
	enum proto_err	 e = PROTO_OK;
	size_t		 room;
	int		 rc;

	if (len > UINT_MAX)
		return PROTO_ERR_TOO_LARGE;
	buf_reset(out);
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return PROTO_ERR_NOMEM;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	for (;;) {
		/* Grow in steps; one byte past the limit proves a breach. */
		room = out->cap - out->len;
		if (room == 0) {
			if (buf_reserve(out, out->cap ? out->cap : 4096) != 0) {
				e = PROTO_ERR_NOMEM;
				break;
			}
			room = out->cap - out->len;
		}
		if (room > limit + 1 - out->len)
			room = limit + 1 - out->len;
		if (room > UINT_MAX)
			room = UINT_MAX;
		z.next_out = out->data + out->len;
		z.avail_out = (uInt)room;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += room - z.avail_out;
		if (out->len > limit) {
			e = PROTO_ERR_TOO_LARGE;
			break;
		}
		if (rc == Z_STREAM_END) {
			if (z.avail_in != 0)
				e = PROTO_ERR_INFLATE;	/* trailing bytes */
			break;
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			e = PROTO_ERR_INFLATE;		/* truncated stream */
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			e = rc == Z_MEM_ERROR ? PROTO_ERR_NOMEM :
			    PROTO_ERR_INFLATE;
			break;
		}
	}
	inflateEnd(&z);
	if (e != PROTO_OK)
		buf_reset(out);
	return e;
}

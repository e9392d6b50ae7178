#include <limits.h>
#include <string.h>

#include <zlib.h>

#include "proto/zip.h"

/*
 * deflate's memory, sized to the input: a window just big enough to
 * hold it (9 to 15 bits) and a literal buffer that holds it whole
 * (memLevel 1 to 8), so compress2's matches and blocks are had. A
 * keystroke's or a frame's few dozen bytes then take some 9 KiB of the
 * heap instead of compress2's 268 KiB, which the allocator hands back
 * and must fault in again, page by page, for every message: about
 * 300 us on this VM, nearly all a small diff's cost. Any inflate takes
 * a window of up to 15 bits (mosh's uncompress too).
 */
static void
zip_params(size_t len, int *window_bits, int *mem_level)
{
	int	 b = 9;

	while (b < MAX_WBITS && ((size_t)1 << b) < len)
		b++;
	*window_bits = b;
	/* The literal buffer is 1 << (memLevel + 6) symbols. */
	*mem_level = b - 6 < 1 ? 1 : b - 6 > 8 ? 8 : b - 6;
}

enum proto_err
zip_compress(const uint8_t *in, size_t len, struct buf *out)
{
	z_stream z;
	uLong	 bound;
	int	 bits, mem, rc;

	if (len > UINT_MAX / 2)
		return PROTO_ERR_TOO_LARGE;
	zip_params(len, &bits, &mem);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, mem,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return PROTO_ERR_NOMEM;
	bound = deflateBound(&z, (uLong)len);
	if (bound > UINT_MAX || buf_reserve(out, bound) != 0) {
		deflateEnd(&z);
		return PROTO_ERR_NOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out->data + out->len;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	if (rc == Z_STREAM_END)
		out->len += z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? PROTO_OK : PROTO_ERR_NOMEM;
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

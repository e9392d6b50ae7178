#include "proto/pb.h"

/* NULL + 0 is undefined in C, and an empty buf's data is NULL. */
void
pb_reader_init(struct pb_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->end = len > 0 ? p + len : p;
}

int
pb_read_varint(struct pb_reader *r, uint64_t *out)
{
	uint64_t	 v = 0;
	unsigned	 shift;
	uint8_t		 c;

	for (shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return -1;
		c = *r->p++;
		/* The tenth byte may only carry the top bit of a uint64. */
		if (shift == 63 && (c & 0x7e) != 0)
			return -1;
		v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

int
pb_read_key(struct pb_reader *r, uint32_t *field, enum pb_wire *wire)
{
	uint64_t	 k;

	if (pb_read_varint(r, &k) != 0)
		return -1;
	if ((k >> 3) == 0 || (k >> 3) > 0x1fffffff)
		return -1;
	*field = (uint32_t)(k >> 3);
	*wire = (enum pb_wire)(k & 7);
	return 0;
}

int
pb_read_len(struct pb_reader *r, const uint8_t **p, size_t *len)
{
	uint64_t	 n;

	if (pb_read_varint(r, &n) != 0)
		return -1;
	if (n > (uint64_t)(r->end - r->p))
		return -1;
	*p = r->p;
	*len = (size_t)n;
	r->p += n;
	return 0;
}

int
pb_skip(struct pb_reader *r, enum pb_wire wire)
{
	uint64_t	 v;
	const uint8_t	*p;
	size_t		 len;

	switch (wire) {
	case PB_VARINT:
		return pb_read_varint(r, &v);
	case PB_LEN:
		return pb_read_len(r, &p, &len);
	case PB_FIXED64:
		if (r->end - r->p < 8)
			return -1;
		r->p += 8;
		return 0;
	case PB_FIXED32:
		if (r->end - r->p < 4)
			return -1;
		r->p += 4;
		return 0;
	}
	/* Groups (3, 4) and the unused types 6, 7: mosh never sends them. */
	return -1;
}

size_t
pb_varint_size(uint64_t v)
{
	size_t	 n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

size_t
pb_len_field_size(uint32_t field, size_t len)
{
	return pb_varint_size((uint64_t)field << 3) + pb_varint_size(len) + len;
}

int
pb_write_varint(struct buf *b, uint64_t v)
{
	uint8_t	 tmp[10];
	size_t	 n = 0;

	while (v >= 0x80) {
		tmp[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (uint8_t)v;
	return buf_append(b, tmp, n);
}

int
pb_write_key(struct buf *b, uint32_t field, enum pb_wire wire)
{
	return pb_write_varint(b, ((uint64_t)field << 3) | (uint64_t)wire);
}

int
pb_write_uint(struct buf *b, uint32_t field, uint64_t v)
{
	if (pb_write_key(b, field, PB_VARINT) != 0)
		return -1;
	return pb_write_varint(b, v);
}

int
pb_write_bytes(struct buf *b, uint32_t field, const void *p, size_t len)
{
	if (pb_write_key(b, field, PB_LEN) != 0 ||
	    pb_write_varint(b, len) != 0)
		return -1;
	return buf_append(b, p, len);
}

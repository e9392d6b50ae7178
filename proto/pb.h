/*
 * Just enough protobuf (proto2 wire format) for mosh's three messages:
 * varints and length-delimited fields. Readers never run past `end` and
 * reject overlong varints, so hostile bytes cannot make them misbehave.
 */
#ifndef TSMOSH_PROTO_PB_H
#define TSMOSH_PROTO_PB_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"

enum pb_wire {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

struct pb_reader {
	const uint8_t	*p;
	const uint8_t	*end;
};

/* Read len bytes at p; p may be NULL when len is 0 (an empty buf). */
void	pb_reader_init(struct pb_reader *, const uint8_t *p, size_t len);
/* Each returns 0, or -1 on malformed or truncated input. */
int	pb_read_varint(struct pb_reader *, uint64_t *);
int	pb_read_key(struct pb_reader *, uint32_t *field, enum pb_wire *);
int	pb_read_len(struct pb_reader *, const uint8_t **, size_t *);
int	pb_skip(struct pb_reader *, enum pb_wire);

size_t	pb_varint_size(uint64_t);
size_t	pb_len_field_size(uint32_t field, size_t len);

/* Each returns 0, or -1 when memory runs out. */
int	pb_write_varint(struct buf *, uint64_t);
int	pb_write_key(struct buf *, uint32_t field, enum pb_wire);
int	pb_write_uint(struct buf *, uint32_t field, uint64_t);
int	pb_write_bytes(struct buf *, uint32_t field, const void *, size_t);

#endif

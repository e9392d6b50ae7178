/*
 * Big-endian 64-bit integers, as mosh puts them on the wire (the
 * datagram nonce, a fragment's id, a report's id). The caller owns the
 * eight bytes; nothing can fail.
 */
#ifndef TSMOSH_PROTO_BE_H
#define TSMOSH_PROTO_BE_H

#include <stdint.h>

/* Write v into p[0..7], most significant byte first. */
static inline void
be64_put(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Read p[0..7], most significant byte first. */
static inline uint64_t
be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif

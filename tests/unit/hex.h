/* Hex strings to bytes, for test vectors. */
#ifndef TSMOSH_TESTS_HEX_H
#define TSMOSH_TESTS_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Returns the byte count, or (size_t)-1 on a bad digit or overflow. */
static inline size_t
hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t	 n = strlen(hex) / 2, i;
	int	 hi, lo;

	if (n > cap)
		return (size_t)-1;
	for (i = 0; i < n; i++) {
		hi = hex_nibble(hex[2 * i]);
		lo = hex_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return (size_t)-1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return n;
}

#endif

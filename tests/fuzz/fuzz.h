/*
 * What the terminal fuzz targets share: the UTF-8 locale the programs
 * run with, and a screen size taken from the input.
 */
#ifndef TSMOSH_TESTS_FUZZ_FUZZ_H
#define TSMOSH_TESTS_FUZZ_FUZZ_H

#include <locale.h>
#include <stdint.h>

/* LC_CTYPE C.UTF-8, set on the first input. */
static inline void
fuzz_utf8_locale(void)
{
	static int	 set;

	if (!set) {
		setlocale(LC_CTYPE, "C.UTF-8");
		set = 1;
	}
}

/* 80x24, or with data[0]'s top bit a small screen from data[1] (up to
 * 16x8): small screens find the edge cases sooner. Needs two bytes. */
static inline void
fuzz_screen_size(const uint8_t *data, int *cols, int *rows)
{
	*cols = 80;
	*rows = 24;
	if (data[0] & 0x80) {
		*cols = 1 + (data[1] & 0x0f);
		*rows = 1 + (data[1] >> 4 & 0x07);
	}
}

#endif

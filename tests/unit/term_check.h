/* What the terminal unit tests share: a row read back as text. */
#ifndef TSMOSH_TESTS_UNIT_TERM_CHECK_H
#define TSMOSH_TESTS_UNIT_TERM_CHECK_H

#include <stdio.h>

#include "term/buf.h"
#include "term/fb.h"

/* A row as UTF-8, trailing blanks trimmed; wide right halves skipped. */
static inline const char *
row_text(const struct term_row *r, int cols, char *out, size_t len)
{
	struct term_buf	 b;
	int		 x, i;

	term_buf_init(&b);
	for (x = 0; x < cols; x++) {
		const struct term_cell *c = &r->cells[x];
		if (c->ch == 0)
			continue;
		term_buf_addutf8(&b, c->ch);
		for (i = 0; i < TERM_COMB_MAX && c->comb[i]; i++)
			term_buf_addutf8(&b, c->comb[i]);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.len--;
	snprintf(out, len, "%.*s", (int)b.len, b.data ? (char *)b.data : "");
	term_buf_free(&b);
	return out;
}

#endif

#include <stdlib.h>
#include <string.h>

#include "term/buf.h"

void
term_buf_init(struct term_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
term_buf_free(struct term_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
term_buf_clear(struct term_buf *b)
{
	b->len = 0;
	b->failed = 0;
}

int
term_buf_reserve(struct term_buf *b, size_t more)
{
	size_t	 cap;
	uint8_t	*p;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		goto fail;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void
term_buf_add(struct term_buf *b, const void *p, size_t n)
{
	if (n == 0 || term_buf_reserve(b, n) == -1)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
term_buf_addc(struct term_buf *b, uint8_t c)
{
	if (term_buf_reserve(b, 1) == -1)
		return;
	b->data[b->len++] = c;
}

void
term_buf_adds(struct term_buf *b, const char *s)
{
	term_buf_add(b, s, strlen(s));
}

void
term_buf_addrep(struct term_buf *b, uint8_t c, size_t n)
{
	if (n == 0 || term_buf_reserve(b, n) == -1)
		return;
	memset(b->data + b->len, c, n);
	b->len += n;
}

void
term_buf_addu(struct term_buf *b, unsigned v)
{
	char	 tmp[16];
	size_t	 i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	term_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
term_buf_addutf8(struct term_buf *b, uint32_t c)
{
	uint8_t	 u[4];

	if (c < 0x80) {
		term_buf_addc(b, (uint8_t)c);
	} else if (c < 0x800) {
		u[0] = (uint8_t)(0xc0 | c >> 6);
		u[1] = (uint8_t)(0x80 | (c & 0x3f));
		term_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (uint8_t)(0xe0 | c >> 12);
		u[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (c & 0x3f));
		term_buf_add(b, u, 3);
	} else {
		u[0] = (uint8_t)(0xf0 | c >> 18);
		u[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (c & 0x3f));
		term_buf_add(b, u, 4);
	}
}

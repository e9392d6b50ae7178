/*
 * A growable byte buffer for escape sequences and replies. Appends never
 * fail silently: after an allocation failure the buffer is marked failed
 * and later appends are dropped, so a caller checks once at the end.
 */
#ifndef TSMOSH_TERM_BUF_H
#define TSMOSH_TERM_BUF_H

#include <stddef.h>
#include <stdint.h>

struct term_buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* an append could not allocate */
};

void	term_buf_init(struct term_buf *);
void	term_buf_free(struct term_buf *);
void	term_buf_clear(struct term_buf *);	/* len = 0, keeps memory */
int	term_buf_reserve(struct term_buf *, size_t);
void	term_buf_add(struct term_buf *, const void *, size_t);
void	term_buf_addc(struct term_buf *, uint8_t);
void	term_buf_adds(struct term_buf *, const char *);
void	term_buf_addrep(struct term_buf *, uint8_t, size_t);
void	term_buf_addu(struct term_buf *, unsigned);	/* decimal */
void	term_buf_addutf8(struct term_buf *, uint32_t);

#endif

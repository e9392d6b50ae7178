/* A growable byte buffer: the one way proto/ builds variable-length output. */
#ifndef TSMOSH_PROTO_BUF_H
#define TSMOSH_PROTO_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* All return 0, or -1 when memory runs out (the buffer is unchanged). */
int	buf_reserve(struct buf *, size_t extra);
int	buf_append(struct buf *, const void *, size_t);
int	buf_append_byte(struct buf *, uint8_t);
void	buf_reset(struct buf *);	/* len = 0, memory kept for reuse */
void	buf_free(struct buf *);

#endif

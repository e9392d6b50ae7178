/*
 * AES-128-OCB3 (RFC 7253) with a 12-byte nonce and a 16-byte tag, through
 * OpenSSL libcrypto. mosh uses no associated data; the test vectors do.
 */
#ifndef TSMOSH_PROTO_OCB_H
#define TSMOSH_PROTO_OCB_H

#include <stddef.h>
#include <stdint.h>

#define OCB_KEY_LEN	16
#define OCB_NONCE_LEN	12
#define OCB_TAG_LEN	16

struct ocb_impl;

struct ocb {
	struct ocb_impl	*impl;		/* the provider's functions */
	void		*enc;		/* its cipher contexts, keyed once */
	void		*dec;
};

int	ocb_init(struct ocb *, const uint8_t key[OCB_KEY_LEN]);
void	ocb_clear(struct ocb *);

/* out gets len + OCB_TAG_LEN bytes (ciphertext then tag). 0 or -1. */
int	ocb_seal(struct ocb *, const uint8_t nonce[OCB_NONCE_LEN],
	    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
	    uint8_t *out);

/*
 * in is ciphertext then tag (len >= OCB_TAG_LEN); out gets len - 16
 * bytes. Returns 0, or -1 if the tag does not verify, in which case out
 * holds garbage the caller must not use.
 */
int	ocb_open(struct ocb *, const uint8_t nonce[OCB_NONCE_LEN],
	    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len,
	    uint8_t *out);

#endif

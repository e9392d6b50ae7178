/*
 * The session key: 16 random bytes, printed as mosh prints it (standard
 * base64 without the trailing "==": exactly 22 characters).
 */
#ifndef TSMOSH_PROTO_KEY_H
#define TSMOSH_PROTO_KEY_H

#include <stdint.h>

#define MOSH_KEY_LEN		16
#define MOSH_KEY_B64_LEN	22

struct mosh_key {
	uint8_t	bytes[MOSH_KEY_LEN];
};

/* Fresh random key (libsodium). 0, or -1 if libsodium cannot start. */
int	key_generate(struct mosh_key *);

/*
 * Parse a printed key. Returns 0, or -1 with a static message in *why:
 * wrong length, characters outside the alphabet, or low bits set in the
 * last character (mosh re-encodes and compares, so we do too).
 */
int	key_parse(const char *s, struct mosh_key *, const char **why);

/* out receives 22 characters and a NUL. */
void	key_format(const struct mosh_key *, char out[MOSH_KEY_B64_LEN + 1]);

/* Keep key bytes out of swap and core dumps; wipe them when done. */
void	key_lock(struct mosh_key *);
void	key_wipe(struct mosh_key *);

#endif

#include <string.h>

#include <sodium.h>

#include "proto/key.h"

int
key_generate(struct mosh_key *k)
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(k->bytes, sizeof(k->bytes));
	return 0;
}

int
key_parse(const char *s, struct mosh_key *k, const char **why)
{
	char	 again[MOSH_KEY_B64_LEN + 1];
	size_t	 n, len;
	const char *end;

	if (sodium_init() < 0) {
		*why = "libsodium failed to start";
		return -1;
	}
	len = strlen(s);
	if (len != MOSH_KEY_B64_LEN) {
		*why = "a key is exactly 22 base64 characters";
		return -1;
	}
	if (sodium_base642bin(k->bytes, sizeof(k->bytes), s, len, NULL, &n,
	    &end, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
	    n != MOSH_KEY_LEN || end != s + len) {
		*why = "key is not valid base64 (A-Z a-z 0-9 + /)";
		goto fail;
	}
	/* The 22nd character carries 2 padding bits that must be zero. */
	key_format(k, again);
	if (strcmp(again, s) != 0) {
		*why = "key does not re-encode to itself (bad last character)";
		goto fail;
	}
	return 0;
fail:
	sodium_memzero(k->bytes, sizeof(k->bytes));
	return -1;
}

void
key_format(const struct mosh_key *k, char out[MOSH_KEY_B64_LEN + 1])
{
	char	 full[sodium_base64_ENCODED_LEN(MOSH_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];

	sodium_bin2base64(full, sizeof(full), k->bytes, sizeof(k->bytes),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	memcpy(out, full, MOSH_KEY_B64_LEN);
	out[MOSH_KEY_B64_LEN] = '\0';
	sodium_memzero(full, sizeof(full));
}

void
key_lock(struct mosh_key *k)
{
	/* Best effort: RLIMIT_MEMLOCK may be 0 for unprivileged users. */
	(void)sodium_mlock(k, sizeof(*k));
}

void
key_wipe(struct mosh_key *k)
{
	/* sodium_munlock zeroes before unlocking; memzero covers the case
	 * where the lock was never taken. */
	sodium_memzero(k, sizeof(*k));
	(void)sodium_munlock(k, sizeof(*k));
}

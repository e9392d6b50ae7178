#include <limits.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "proto/ocb.h"

static EVP_CIPHER_CTX *
ocb_ctx_new(const uint8_t key[OCB_KEY_LEN], int enc)
{
	EVP_CIPHER_CTX	*c;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (EVP_CipherInit_ex(c, EVP_aes_128_ocb(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, OCB_NONCE_LEN,
	    NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, OCB_TAG_LEN,
	    NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, NULL, enc) != 1) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

int
ocb_init(struct ocb *o, const uint8_t key[OCB_KEY_LEN])
{
	/* AES-OCB is all we use: skip openssl.cnf, the cipher and digest
	 * tables and the error strings (memory a long-lived server keeps). */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	o->enc = ocb_ctx_new(key, 1);
	o->dec = ocb_ctx_new(key, 0);
	if (o->enc == NULL || o->dec == NULL) {
		ocb_clear(o);
		return -1;
	}
	return 0;
}

void
ocb_clear(struct ocb *o)
{
	/* EVP_CIPHER_CTX_free cleanses the key schedule. */
	EVP_CIPHER_CTX_free(o->enc);
	EVP_CIPHER_CTX_free(o->dec);
	o->enc = o->dec = NULL;
}

int
ocb_seal(struct ocb *o, const uint8_t nonce[OCB_NONCE_LEN],
    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
    uint8_t *out)
{
	EVP_CIPHER_CTX	*c = o->enc;
	int		 n, fin;

	if (len > INT_MAX || adlen > INT_MAX)
		return -1;
	if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, nonce) != 1)
		return -1;
	if (adlen > 0 && EVP_EncryptUpdate(c, NULL, &n, ad, (int)adlen) != 1)
		return -1;
	n = 0;
	if (len > 0 && EVP_EncryptUpdate(c, out, &n, pt, (int)len) != 1)
		return -1;
	if (EVP_EncryptFinal_ex(c, out + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len)
		return -1;
	return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, OCB_TAG_LEN,
	    out + len) == 1 ? 0 : -1;
}

int
ocb_open(struct ocb *o, const uint8_t nonce[OCB_NONCE_LEN],
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	EVP_CIPHER_CTX	*c = o->dec;
	size_t		 ctlen;
	int		 n, fin;

	if (len < OCB_TAG_LEN || len > INT_MAX || adlen > INT_MAX)
		return -1;
	ctlen = len - OCB_TAG_LEN;
	if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1)
		return -1;
	/* The tag is const to us; OpenSSL's prototype is not. */
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, OCB_TAG_LEN,
	    (void *)(uintptr_t)(in + ctlen)) != 1)
		return -1;
	if (adlen > 0 && EVP_DecryptUpdate(c, NULL, &n, ad, (int)adlen) != 1)
		return -1;
	n = 0;
	if (ctlen > 0 && EVP_DecryptUpdate(c, out, &n, in, (int)ctlen) != 1)
		return -1;
	if (EVP_DecryptFinal_ex(c, out + n, &fin) != 1)
		return -1;
	return (size_t)n + (size_t)fin == ctlen ? 0 : -1;
}

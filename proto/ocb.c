/*
 * AES-128-OCB through the default provider's cipher functions
 * (provider-cipher(7)), not EVP.
 *
 * Why not EVP_CipherInit/EVP_CIPHER_fetch: the first fetch fills
 * libcrypto's name map with every legacy cipher, digest and key type and
 * builds a method object for every cipher of the provider. Measured in
 * a process doing nothing else (OpenSSL 3.0, Debian 12): 1.7 MiB more
 * resident and 190 KiB of heap, against 1.1 MiB and 7 KiB for loading the
 * provider and asking it for AES-128-OCB alone. A server idles for
 * weeks; that difference is a tenth of its size. The cipher code (AES-NI
 * OCB where the CPU has it) is the same either way.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "proto/ocb.h"

struct ocb_impl {
	OSSL_PROVIDER				*prov;
	OSSL_FUNC_cipher_newctx_fn		*newctx;
	OSSL_FUNC_cipher_freectx_fn		*freectx;
	OSSL_FUNC_cipher_encrypt_init_fn	*encrypt_init;
	OSSL_FUNC_cipher_decrypt_init_fn	*decrypt_init;
	OSSL_FUNC_cipher_update_fn		*update;
	OSSL_FUNC_cipher_final_fn		*final;
	OSSL_FUNC_cipher_get_ctx_params_fn	*get_ctx_params;
	OSSL_FUNC_cipher_set_ctx_params_fn	*set_ctx_params;
};

/* True if a provider's colon-separated name list holds name. */
static int
ocb_name_listed(const char *list, const char *name)
{
	size_t		 n = strlen(name);
	const char	*p = list, *colon;

	for (;;) {
		colon = strchr(p, ':');
		if ((colon != NULL ? (size_t)(colon - p) : strlen(p)) == n &&
		    strncasecmp(p, name, n) == 0)
			return 1;
		if (colon == NULL)
			return 0;
		p = colon + 1;
	}
}

static int
ocb_impl_bind(struct ocb_impl *im, const OSSL_DISPATCH *d)
{
	for (; d->function_id != 0; d++) {
		switch (d->function_id) {
		case OSSL_FUNC_CIPHER_NEWCTX:
			im->newctx = OSSL_FUNC_cipher_newctx(d);
			break;
		case OSSL_FUNC_CIPHER_FREECTX:
			im->freectx = OSSL_FUNC_cipher_freectx(d);
			break;
		case OSSL_FUNC_CIPHER_ENCRYPT_INIT:
			im->encrypt_init = OSSL_FUNC_cipher_encrypt_init(d);
			break;
		case OSSL_FUNC_CIPHER_DECRYPT_INIT:
			im->decrypt_init = OSSL_FUNC_cipher_decrypt_init(d);
			break;
		case OSSL_FUNC_CIPHER_UPDATE:
			im->update = OSSL_FUNC_cipher_update(d);
			break;
		case OSSL_FUNC_CIPHER_FINAL:
			im->final = OSSL_FUNC_cipher_final(d);
			break;
		case OSSL_FUNC_CIPHER_GET_CTX_PARAMS:
			im->get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(d);
			break;
		case OSSL_FUNC_CIPHER_SET_CTX_PARAMS:
			im->set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(d);
			break;
		}
	}
	return im->newctx != NULL && im->freectx != NULL &&
	    im->encrypt_init != NULL && im->decrypt_init != NULL &&
	    im->update != NULL && im->final != NULL &&
	    im->get_ctx_params != NULL && im->set_ctx_params != NULL ? 0 : -1;
}

static struct ocb_impl *
ocb_impl_open(void)
{
	struct ocb_impl		*im;
	const OSSL_ALGORITHM	*a;
	int			 no_store;

	/* AES-OCB is all we use: skip openssl.cnf, the cipher and digest
	 * tables and the error strings. */
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	if ((im = calloc(1, sizeof(*im))) == NULL)
		return NULL;
	if ((im->prov = OSSL_PROVIDER_load(NULL, "default")) == NULL)
		goto fail;
	a = OSSL_PROVIDER_query_operation(im->prov, OSSL_OP_CIPHER, &no_store);
	for (; a != NULL && a->algorithm_names != NULL; a++) {
		if (ocb_name_listed(a->algorithm_names, "AES-128-OCB"))
			break;
	}
	if (a == NULL || a->algorithm_names == NULL ||
	    ocb_impl_bind(im, a->implementation) != 0)
		goto fail;
	return im;
fail:
	if (im->prov != NULL)
		OSSL_PROVIDER_unload(im->prov);
	free(im);
	return NULL;
}

/* A context with our nonce and tag lengths and the key, no nonce yet. */
static void *
ocb_ctx_new(const struct ocb_impl *im, const uint8_t key[OCB_KEY_LEN],
    int enc)
{
	size_t		 ivlen = OCB_NONCE_LEN;
	OSSL_PARAM	 p[3];
	void		*c;
	int		 ok;

	if ((c = im->newctx(OSSL_PROVIDER_get0_provider_ctx(im->prov))) ==
	    NULL)
		return NULL;
	p[0] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN,
	    &ivlen);
	/* No data: the tag length, for sealing and opening alike. */
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    NULL, OCB_TAG_LEN);
	p[2] = OSSL_PARAM_construct_end();
	if (enc)
		ok = im->encrypt_init(c, key, OCB_KEY_LEN, NULL, 0, p);
	else
		ok = im->decrypt_init(c, key, OCB_KEY_LEN, NULL, 0, p);
	if (ok != 1) {
		im->freectx(c);
		return NULL;
	}
	return c;
}

int
ocb_init(struct ocb *o, const uint8_t key[OCB_KEY_LEN])
{
	memset(o, 0, sizeof(*o));
	if ((o->impl = ocb_impl_open()) == NULL)
		return -1;
	o->enc = ocb_ctx_new(o->impl, key, 1);
	o->dec = ocb_ctx_new(o->impl, key, 0);
	if (o->enc == NULL || o->dec == NULL) {
		ocb_clear(o);
		return -1;
	}
	return 0;
}

void
ocb_clear(struct ocb *o)
{
	struct ocb_impl	*im = o->impl;

	if (im == NULL)
		return;
	/* The provider's freectx cleanses the key schedule. */
	if (o->enc != NULL)
		im->freectx(o->enc);
	if (o->dec != NULL)
		im->freectx(o->dec);
	OSSL_PROVIDER_unload(im->prov);
	free(im);
	memset(o, 0, sizeof(*o));
}

int
ocb_seal(struct ocb *o, const uint8_t nonce[OCB_NONCE_LEN],
    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
    uint8_t *out)
{
	const struct ocb_impl	*im = o->impl;
	OSSL_PARAM		 p[2];
	size_t			 n = 0, fin = 0, ign;

	if (len > INT_MAX || adlen > INT_MAX)
		return -1;
	if (im->encrypt_init(o->enc, NULL, 0, nonce, OCB_NONCE_LEN,
	    NULL) != 1)
		return -1;
	/* No output buffer: associated data (its size is still checked
	 * against the blocks hashed, as if it were output). */
	if (adlen > 0 && im->update(o->enc, NULL, &ign, adlen, ad, adlen) != 1)
		return -1;
	if (len > 0 && im->update(o->enc, out, &n, len, pt, len) != 1)
		return -1;
	if (n > len || im->final(o->enc, out + n, &fin, len - n) != 1 ||
	    n + fin != len)
		return -1;
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    out + len, OCB_TAG_LEN);
	p[1] = OSSL_PARAM_construct_end();
	return im->get_ctx_params(o->enc, p) == 1 ? 0 : -1;
}

int
ocb_open(struct ocb *o, const uint8_t nonce[OCB_NONCE_LEN],
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len,
    uint8_t *out)
{
	const struct ocb_impl	*im = o->impl;
	OSSL_PARAM		 p[2];
	size_t			 ctlen, n = 0, fin = 0, ign;

	if (len < OCB_TAG_LEN || len > INT_MAX || adlen > INT_MAX)
		return -1;
	ctlen = len - OCB_TAG_LEN;
	if (im->decrypt_init(o->dec, NULL, 0, nonce, OCB_NONCE_LEN,
	    NULL) != 1)
		return -1;
	/* The tag is const to us; OSSL_PARAM's data pointer is not. */
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    (void *)(uintptr_t)(in + ctlen), OCB_TAG_LEN);
	p[1] = OSSL_PARAM_construct_end();
	if (im->set_ctx_params(o->dec, p) != 1)
		return -1;
	if (adlen > 0 && im->update(o->dec, NULL, &ign, adlen, ad, adlen) != 1)
		return -1;
	if (ctlen > 0 && im->update(o->dec, out, &n, ctlen, in, ctlen) != 1)
		return -1;
	/* Final compares the tag. */
	if (n > ctlen || im->final(o->dec, out + n, &fin, ctlen - n) != 1)
		return -1;
	return n + fin == ctlen ? 0 : -1;
}

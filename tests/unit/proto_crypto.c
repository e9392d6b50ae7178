/* Keys, AES-128-OCB3 (RFC 7253 Appendix A) and the datagram envelope. */
#include <stdlib.h>

#include "proto/datagram.h"
#include "proto/key.h"
#include "proto/ocb.h"
#include "tests/unit/check.h"
#include "tests/unit/hex.h"

/* RFC 7253 Appendix A sample results: K = 000102...0F, 128-bit tags. */
static const struct {
	const char *nonce, *ad, *pt, *ct;
} rfc7253[] = {
	{ "BBAA99887766554433221100", "", "",
	  "785407BFFFC8AD9EDCC5520AC9111EE6" },
	{ "BBAA99887766554433221101", "0001020304050607", "0001020304050607",
	  "6820B3657B6F615A5725BDA0D3B4EB3A257C9AF1F8F03009" },
	{ "BBAA99887766554433221102", "0001020304050607", "",
	  "81017F8203F081277152FADE694A0A00" },
	{ "BBAA99887766554433221103", "", "0001020304050607",
	  "45DD69F8F5AAE72414054CD1F35D82760B2CD00D2F99BFA9" },
	{ "BBAA99887766554433221104", "000102030405060708090A0B0C0D0E0F",
	  "000102030405060708090A0B0C0D0E0F",
	  "571D535B60B277188BE5147170A9A22C3AD7A4FF3835B8C5701C1CCEC8FC3358" },
	{ "BBAA99887766554433221105", "000102030405060708090A0B0C0D0E0F", "",
	  "8CF761B6902EF764462AD86498CA6B97" },
	{ "BBAA99887766554433221106", "", "000102030405060708090A0B0C0D0E0F",
	  "5CE88EC2E0692706A915C00AEB8B2396F40E1C743F52436BDF06D8FA1ECA343D" },
	{ "BBAA99887766554433221107",
	  "000102030405060708090A0B0C0D0E0F1011121314151617",
	  "000102030405060708090A0B0C0D0E0F1011121314151617",
	  "1CA2207308C87C010756104D8840CE1952F09673A448A122"
	  "C92C62241051F57356D7F3C90BB0E07F" },
	{ "BBAA99887766554433221108",
	  "000102030405060708090A0B0C0D0E0F1011121314151617", "",
	  "6DC225A071FC1B9F7C69F93B0F1E10DE" },
	{ "BBAA99887766554433221109", "",
	  "000102030405060708090A0B0C0D0E0F1011121314151617",
	  "221BD0DE7FA6FE993ECCD769460A0AF2D6CDED0C395B1C3C"
	  "E725F32494B9F914D85C0B1EB38357FF" },
	{ "BBAA9988776655443322110A",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "BD6F6C496201C69296C11EFD138A467ABD3C707924B964DEAFFC40319AF5A485"
	  "40FBBA186C5553C68AD9F592A79A4240" },
	{ "BBAA9988776655443322110B",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "", "FE80690BEE8A485D11F32965BC9D2A32" },
	{ "BBAA9988776655443322110C", "",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "2942BFC773BDA23CABC6ACFD9BFD5835BD300F0973792EF46040C53F1432BCDF"
	  "B5E1DDE3BC18A5F840B52E653444D5DF" },
	{ "BBAA9988776655443322110D",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	  "2021222324252627",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	  "2021222324252627",
	  "D5CA91748410C1751FF8A2F618255B68A0A12E093FF454606E59F9C1D0DDC54B"
	  "65E8628E568BAD7AED07BA06A4A69483A7035490C5769E60" },
	{ "BBAA9988776655443322110E",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	  "2021222324252627", "",
	  "C5CD9D1850C141E358649994EE701B68" },
	{ "BBAA9988776655443322110F", "",
	  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	  "2021222324252627",
	  "4412923493C57D5DE0D700F753CCE0D1D2D95060122E9F15A5DDBFC5787E50B5"
	  "CC55EE507BCB084E479AD363AC366B95A98CA5F3000B1479" },
};

static void
test_rfc7253_vectors(struct check *t)
{
	uint8_t	 key[16], nonce[12], ad[64], pt[64], ct[96], out[96];
	size_t	 i, adl, ptl, ctl;
	struct ocb o;

	hex_decode("000102030405060708090A0B0C0D0E0F", key, sizeof(key));
	CHECK(t, ocb_init(&o, key) == 0);
	for (i = 0; i < sizeof(rfc7253) / sizeof(rfc7253[0]); i++) {
		hex_decode(rfc7253[i].nonce, nonce, sizeof(nonce));
		adl = hex_decode(rfc7253[i].ad, ad, sizeof(ad));
		ptl = hex_decode(rfc7253[i].pt, pt, sizeof(pt));
		ctl = hex_decode(rfc7253[i].ct, ct, sizeof(ct));
		CHECK_EQ_INT(t, ctl, ptl + OCB_TAG_LEN);
		CHECK(t, ocb_seal(&o, nonce, ad, adl, pt, ptl, out) == 0);
		CHECK_MEM(t, out, ct, ctl);
		CHECK(t, ocb_open(&o, nonce, ad, adl, ct, ctl, out) == 0);
		CHECK_MEM(t, out, pt, ptl);
		/* Every single-bit flip of ciphertext or tag must fail. */
		for (size_t bit = 0; bit < ctl * 8; bit += 7) {
			ct[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			CHECK(t, ocb_open(&o, nonce, ad, adl, ct, ctl, out) != 0);
			ct[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		}
	}
	ocb_clear(&o);
}

static void
num2str96(uint8_t n[12], unsigned v)
{
	memset(n, 0, 12);
	n[8] = (uint8_t)(v >> 24);
	n[9] = (uint8_t)(v >> 16);
	n[10] = (uint8_t)(v >> 8);
	n[11] = (uint8_t)v;
}

/* RFC 7253 Appendix A, the iterated test for AEAD_AES_128_OCB_TAGLEN128. */
static void
test_rfc7253_iterated(struct check *t)
{
	uint8_t	 key[16] = { 0 }, nonce[12], s[128], out[128 + 16];
	uint8_t	 want[16], *c;
	size_t	 clen = 0, i;
	struct ocb o;

	key[15] = 128;		/* zeros(KEYLEN-8) || num2str(TAGLEN, 8) */
	memset(s, 0, sizeof(s));
	c = malloc(22400);
	CHECK(t, c != NULL && ocb_init(&o, key) == 0);
	if (c == NULL)
		return;
	for (i = 0; i < 128; i++) {
		num2str96(nonce, 3 * i + 1);
		CHECK(t, ocb_seal(&o, nonce, s, i, s, i, out) == 0);
		memcpy(c + clen, out, i + 16);
		clen += i + 16;
		num2str96(nonce, 3 * i + 2);
		CHECK(t, ocb_seal(&o, nonce, NULL, 0, s, i, out) == 0);
		memcpy(c + clen, out, i + 16);
		clen += i + 16;
		num2str96(nonce, 3 * i + 3);
		CHECK(t, ocb_seal(&o, nonce, s, i, NULL, 0, out) == 0);
		memcpy(c + clen, out, 16);
		clen += 16;
	}
	CHECK_EQ_INT(t, clen, 22400);
	num2str96(nonce, 385);
	CHECK(t, ocb_seal(&o, nonce, c, clen, NULL, 0, out) == 0);
	hex_decode("67E944D23256C5E0B6C61FA22FDF1EA2", want, sizeof(want));
	CHECK_MEM(t, out, want, 16);
	ocb_clear(&o);
	free(c);
}

static void
test_key_format_parse(struct check *t)
{
	struct mosh_key	 k, back;
	char		 s[MOSH_KEY_B64_LEN + 1];
	const char	*why;
	int		 i;

	for (i = 0; i < 200; i++) {
		CHECK(t, key_generate(&k) == 0);
		key_format(&k, s);
		CHECK_EQ_INT(t, strlen(s), 22);
		CHECK(t, strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789+/") == 22);
		CHECK(t, key_parse(s, &back, &why) == 0);
		CHECK_MEM(t, k.bytes, back.bytes, 16);
	}
	/* A known key: 16 bytes 00..0f. */
	CHECK(t, key_parse("AAECAwQFBgcICQoLDA0ODw", &back, &why) == 0);
	for (i = 0; i < 16; i++)
		CHECK_EQ_INT(t, back.bytes[i], i);
}

static void
test_key_parse_rejects(struct check *t)
{
	static const char *bad[] = {
		"", "AAECAwQFBgcICQoLDA0OD", "AAECAwQFBgcICQoLDA0ODwA",
		"AAECAwQFBgcICQoLDA0ODw==", "AAECAwQFBgcICQoLDA0OD*",
		"AAECAwQFBgcICQoLDA0ODx",	/* low bits of the last char set */
		"AAECAwQFBgcICQoLDA0OD-",	/* url-safe alphabet is not mosh's */
		"AAECAwQFBgcI CQoLDA0ODw",
	};
	struct mosh_key	 k;
	const char	*why;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK(t, key_parse(bad[i], &k, &why) == -1);
		CHECK(t, why != NULL && *why != '\0');
	}
}

static void
test_datagram_roundtrip(struct check *t)
{
	struct mosh_key	 k;
	struct dgram_session client, server;
	struct dgram	 d;
	uint8_t		 wire[DGRAM_RECV_MAX], payload[1200];
	size_t		 n, i;

	key_generate(&k);
	CHECK(t, dgram_session_init(&client, &k, DGRAM_TO_SERVER) == 0);
	CHECK(t, dgram_session_init(&server, &k, DGRAM_TO_CLIENT) == 0);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	for (i = 0; i < 5; i++) {
		CHECK(t, dgram_seal(&client, 1234, DGRAM_TS_NONE, payload,
		    100 * i, wire, sizeof(wire), &n) == PROTO_OK);
		CHECK_EQ_INT(t, n, 100 * i + DGRAM_OVERHEAD);
		/* Nonce on the wire: direction bit 0, seq i, big-endian. */
		CHECK_EQ_INT(t, wire[0], 0);
		CHECK_EQ_INT(t, wire[7], i);
		CHECK(t, dgram_open(&server, wire, n, &d) == PROTO_OK);
		CHECK_EQ_INT(t, d.seq, i);
		CHECK_EQ_INT(t, d.dir, DGRAM_TO_SERVER);
		CHECK_EQ_INT(t, d.timestamp, 1234);
		CHECK_EQ_INT(t, d.timestamp_reply, DGRAM_TS_NONE);
		CHECK_EQ_INT(t, d.payload_len, 100 * i);
		CHECK_MEM(t, d.payload, payload, d.payload_len);
		/* The sender cannot be fed its own datagram back. */
		CHECK_EQ_INT(t, dgram_open(&client, wire, n, &d),
		    PROTO_ERR_DIRECTION);
	}
	CHECK(t, dgram_seal(&server, 1, 2, payload, 3, wire, sizeof(wire),
	    &n) == PROTO_OK);
	CHECK_EQ_INT(t, wire[0], 0x80);		/* to-client bit */
	CHECK(t, dgram_open(&client, wire, n, &d) == PROTO_OK);
	CHECK_EQ_INT(t, d.timestamp_reply, 2);
	/* Short, tampered and oversize datagrams. */
	CHECK_EQ_INT(t, dgram_open(&client, wire, 23, &d), PROTO_ERR_SHORT);
	wire[10] ^= 1;
	CHECK_EQ_INT(t, dgram_open(&client, wire, n, &d), PROTO_ERR_AUTH);
	CHECK_EQ_INT(t, dgram_open(&client, wire, DGRAM_RECV_MAX + 1, &d),
	    PROTO_ERR_TOO_LARGE);
	/* A different key never authenticates. */
	{
		struct mosh_key	 other;
		struct dgram_session x;

		key_generate(&other);
		dgram_session_init(&x, &other, DGRAM_TO_CLIENT);
		CHECK(t, dgram_seal(&client, 1, 2, payload, 3, wire,
		    sizeof(wire), &n) == PROTO_OK);
		CHECK_EQ_INT(t, dgram_open(&x, wire, n, &d), PROTO_ERR_AUTH);
		dgram_session_clear(&x);
	}
	dgram_session_clear(&client);
	dgram_session_clear(&server);
}

static void
test_datagram_nonce_never_repeats(struct check *t)
{
	struct mosh_key	 k;
	struct dgram_session s;
	uint8_t		 wire[64];
	size_t		 n;

	key_generate(&k);
	dgram_session_init(&s, &k, DGRAM_TO_SERVER);
	s.next_seq = ((uint64_t)1 << 63) - 1;	/* the last usable seq */
	CHECK_EQ_INT(t, dgram_seal(&s, 0, 0, NULL, 0, wire, sizeof(wire), &n),
	    PROTO_OK);
	CHECK_EQ_INT(t, dgram_seal(&s, 0, 0, NULL, 0, wire, sizeof(wire), &n),
	    PROTO_ERR_KEY_EXHAUSTED);
	s.next_seq = 0;
	s.blocks_sent = ((uint64_t)1 << 47);
	CHECK_EQ_INT(t, dgram_seal(&s, 0, 0, NULL, 0, wire, sizeof(wire), &n),
	    PROTO_ERR_KEY_EXHAUSTED);
	dgram_session_clear(&s);
	CHECK_EQ_INT(t, dgram_timestamp16(0xffff), 0);
	CHECK_EQ_INT(t, dgram_timestamp16(0x1fffe), 0xfffe);
}

CHECK_MAIN(
    CASE(test_rfc7253_vectors), CASE(test_rfc7253_iterated),
    CASE(test_key_format_parse), CASE(test_key_parse_rejects),
    CASE(test_datagram_roundtrip), CASE(test_datagram_nonce_never_repeats))

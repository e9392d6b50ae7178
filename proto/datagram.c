#include <string.h>

#include <sodium.h>

#include "proto/be.h"
#include "proto/datagram.h"

#define SEQ_MASK	(~((uint64_t)1 << 63))
/* mosh ends a session after 2^47 blocks per direction under one key. */
#define BLOCK_BUDGET	((uint64_t)1 << 47)

int
dgram_session_init(struct dgram_session *s, const struct mosh_key *k,
    enum dgram_dir send_dir)
{
	memset(s, 0, sizeof(*s));
	key_lock(&s->key);
	s->key = *k;
	s->send_dir = send_dir;
	if (ocb_init(&s->ocb, s->key.bytes) != 0) {
		key_wipe(&s->key);
		return -1;
	}
	return 0;
}

void
dgram_session_clear(struct dgram_session *s)
{
	ocb_clear(&s->ocb);
	key_wipe(&s->key);
	sodium_memzero(s->tx, sizeof(s->tx));
	sodium_memzero(s->rx, sizeof(s->rx));
}

static void
dgram_nonce(uint8_t nonce[OCB_NONCE_LEN], uint64_t dir_seq)
{
	memset(nonce, 0, 4);
	be64_put(nonce + 4, dir_seq);
}

static uint64_t
dgram_blocks(size_t len)
{
	return ((uint64_t)len + 15) / 16;
}

uint16_t
dgram_timestamp16(uint64_t now_ms)
{
	uint16_t ts = (uint16_t)(now_ms & 0xffff);

	return ts == DGRAM_TS_NONE ? 0 : ts;
}

enum proto_err
dgram_seal(struct dgram_session *s, uint16_t ts, uint16_t ts_reply,
    const uint8_t *payload, size_t len, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	uint8_t		 nonce[OCB_NONCE_LEN];
	uint64_t	 dir_seq;
	size_t		 ptlen = DGRAM_TS_BYTES + len;

	if (len > sizeof(s->tx) - DGRAM_TS_BYTES ||
	    outcap < len + DGRAM_OVERHEAD)
		return PROTO_ERR_TOO_LARGE;
	/* A repeated nonce under one key would break OCB outright. */
	if (s->next_seq > SEQ_MASK ||
	    s->blocks_sent + dgram_blocks(ptlen) > BLOCK_BUDGET)
		return PROTO_ERR_KEY_EXHAUSTED;
	dir_seq = ((uint64_t)s->send_dir << 63) | s->next_seq;
	dgram_nonce(nonce, dir_seq);

	s->tx[0] = (uint8_t)(ts >> 8);
	s->tx[1] = (uint8_t)ts;
	s->tx[2] = (uint8_t)(ts_reply >> 8);
	s->tx[3] = (uint8_t)ts_reply;
	if (len > 0)
		memcpy(s->tx + DGRAM_TS_BYTES, payload, len);
	memcpy(out, nonce + 4, DGRAM_NONCE_BYTES);
	if (ocb_seal(&s->ocb, nonce, NULL, 0, s->tx, ptlen,
	    out + DGRAM_NONCE_BYTES) != 0)
		return PROTO_ERR_NOMEM;
	s->next_seq++;
	s->blocks_sent += dgram_blocks(ptlen);
	*outlen = DGRAM_NONCE_BYTES + ptlen + OCB_TAG_LEN;
	return PROTO_OK;
}

enum proto_err
dgram_open(struct dgram_session *s, const uint8_t *wire, size_t len,
    struct dgram *d)
{
	uint8_t		 nonce[OCB_NONCE_LEN];
	uint64_t	 dir_seq;
	size_t		 ptlen;

	if (len < DGRAM_MIN)
		return PROTO_ERR_SHORT;
	if (len > DGRAM_RECV_MAX)
		return PROTO_ERR_TOO_LARGE;
	dir_seq = be64_get(wire);
	memset(nonce, 0, 4);
	memcpy(nonce + 4, wire, DGRAM_NONCE_BYTES);
	ptlen = len - DGRAM_MIN;
	if (s->blocks_received + dgram_blocks(ptlen) > BLOCK_BUDGET)
		return PROTO_ERR_KEY_EXHAUSTED;
	if (ocb_open(&s->ocb, nonce, NULL, 0, wire + DGRAM_NONCE_BYTES,
	    len - DGRAM_NONCE_BYTES, s->rx) != 0)
		return PROTO_ERR_AUTH;
	s->blocks_received += dgram_blocks(ptlen);
	d->dir = (dir_seq >> 63) ? DGRAM_TO_CLIENT : DGRAM_TO_SERVER;
	/* Authentic but sent in our own direction: our traffic reflected. */
	if (d->dir == s->send_dir)
		return PROTO_ERR_DIRECTION;
	if (ptlen < DGRAM_TS_BYTES)
		return PROTO_ERR_SHORT;
	d->seq = dir_seq & SEQ_MASK;
	d->timestamp = (uint16_t)(s->rx[0] << 8 | s->rx[1]);
	d->timestamp_reply = (uint16_t)(s->rx[2] << 8 | s->rx[3]);
	d->payload = s->rx + DGRAM_TS_BYTES;
	d->payload_len = ptlen - DGRAM_TS_BYTES;
	return PROTO_OK;
}

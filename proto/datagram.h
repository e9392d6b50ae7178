/*
 * One encrypted datagram (MOSH-PROTOCOL.md §2-3): on the wire the low 8
 * bytes of the nonce, then AES-128-OCB ciphertext and tag of
 * timestamp(2) || timestamp_reply(2) || payload.
 */
#ifndef TSMOSH_PROTO_DATAGRAM_H
#define TSMOSH_PROTO_DATAGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "proto/err.h"
#include "proto/key.h"
#include "proto/ocb.h"

#define DGRAM_NONCE_BYTES	8
#define DGRAM_TS_BYTES		4
/* Added around a payload: nonce, timestamps and tag. */
#define DGRAM_OVERHEAD		(DGRAM_NONCE_BYTES + DGRAM_TS_BYTES + OCB_TAG_LEN)
#define DGRAM_MIN		(DGRAM_NONCE_BYTES + OCB_TAG_LEN)
#define DGRAM_RECV_MAX		2048	/* mosh's receive buffer */
#define DGRAM_TS_NONE		0xffff

enum dgram_dir {
	DGRAM_TO_SERVER = 0,
	DGRAM_TO_CLIENT = 1,
};

struct dgram_session {
	struct mosh_key	 key;
	struct ocb	 ocb;
	enum dgram_dir	 send_dir;
	uint64_t	 next_seq;	/* of the next datagram we send */
	uint64_t	 blocks_sent;	/* 16-byte blocks under this key */
	uint64_t	 blocks_received;
	uint8_t		 tx[DGRAM_RECV_MAX];	/* plaintext being sealed */
	uint8_t		 rx[DGRAM_RECV_MAX];	/* last opened plaintext */
};

/* A decrypted datagram; payload points into the session's rx buffer
 * and stays valid until the next dgram_open. */
struct dgram {
	uint64_t	 seq;
	enum dgram_dir	 dir;
	uint16_t	 timestamp;
	uint16_t	 timestamp_reply;
	const uint8_t	*payload;
	size_t		 payload_len;
};

/* The key is copied, locked in memory and wiped by dgram_session_clear. */
int	dgram_session_init(struct dgram_session *, const struct mosh_key *,
	    enum dgram_dir send_dir);
void	dgram_session_clear(struct dgram_session *);

/*
 * Encrypt with the next sequence number. out must hold
 * payload_len + DGRAM_OVERHEAD bytes. PROTO_ERR_KEY_EXHAUSTED before a
 * nonce could repeat or the key's block budget runs out.
 */
enum proto_err	dgram_seal(struct dgram_session *, uint16_t ts,
		    uint16_t ts_reply, const uint8_t *payload, size_t len,
		    uint8_t *out, size_t outcap, size_t *outlen);

/*
 * Authenticate and decrypt. PROTO_ERR_SHORT, PROTO_ERR_TOO_LARGE,
 * PROTO_ERR_AUTH, or PROTO_ERR_DIRECTION for a datagram in our own
 * sending direction (a reflection of our own traffic).
 */
enum proto_err	dgram_open(struct dgram_session *, const uint8_t *wire,
		    size_t len, struct dgram *);

/* The 16-bit clock on the wire: ms mod 65536, never 0xffff. */
uint16_t	dgram_timestamp16(uint64_t now_ms);

#endif

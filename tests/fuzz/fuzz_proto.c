/*
 * libFuzzer target for every parser of untrusted bytes in proto/: the
 * datagram envelope, fragment reassembly, bounded inflate, the Instruction
 * protobuf and the User/HostMessage payloads, and SSP's receive path.
 *
 * Input: one mode byte, then
 *   mode 0: fragments, each as a 2-byte big-endian length and its bytes,
 *           fed to one assembly; every whole instruction is decoded and
 *           its diff parsed as both message kinds and applied to a state;
 *   mode 1: the rest is a wire datagram, opened under a fixed key (the
 *           tag almost never verifies: the reject path must hold), then
 *           sealed and opened again, which must round-trip exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/datagram.h"
#include "proto/fragment.h"
#include "proto/msg.h"
#include "proto/userstream.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_fragments(const uint8_t *p, size_t len)
{
	struct frag_assembly a;
	struct instruction in;
	struct userstream *u;
	size_t		 n;

	frag_assembly_init(&a);
	while (len >= 2) {
		n = (size_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
		if (n > len)
			n = len;
		if (frag_assembly_add(&a, p, n) == PROTO_OK &&
		    frag_assembly_take(&a, &in) == PROTO_OK) {
			(void)host_msg_validate(in.diff, in.diff_len);
			if ((u = userstream_new()) != NULL) {
				(void)userstream_ops.apply(u, in.diff,
				    in.diff_len);
				userstream_free(u);
			}
		}
		p += n;
		len -= n;
	}
	frag_assembly_free(&a);
}

static void
fuzz_datagram(const uint8_t *p, size_t len)
{
	struct mosh_key	 k;
	struct dgram_session tx, rx;
	struct dgram	 d;
	uint8_t		 wire[DGRAM_RECV_MAX];
	size_t		 n;

	memset(k.bytes, 0x5a, sizeof(k.bytes));
	if (dgram_session_init(&tx, &k, DGRAM_TO_CLIENT) != 0)
		return;
	if (dgram_session_init(&rx, &k, DGRAM_TO_SERVER) != 0) {
		dgram_session_clear(&tx);
		return;
	}
	(void)dgram_open(&tx, p, len, &d);
	if (dgram_seal(&tx, 1, 2, p, len, wire, sizeof(wire), &n) ==
	    PROTO_OK) {
		if (dgram_open(&rx, wire, n, &d) != PROTO_OK ||
		    d.payload_len != len ||
		    (len > 0 && memcmp(d.payload, p, len) != 0))
			abort();
	}
	dgram_session_clear(&tx);
	dgram_session_clear(&rx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_datagram(data + 1, size - 1);
	else
		fuzz_fragments(data + 1, size - 1);
	return 0;
}

/*
 * Instruction <-> fragments (MOSH-PROTOCOL.md §4). A fragment is
 * id(8, BE) || (final << 15 | index)(2, BE) || a slice of the
 * zlib-compressed protobuf instruction.
 */
#ifndef TSMOSH_PROTO_FRAGMENT_H
#define TSMOSH_PROTO_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/err.h"
#include "proto/instruction.h"

#define FRAG_HEADER_LEN		10
#define FRAG_INDEX_LIMIT	0x8000	/* indexes are 15 bits */

struct fragmenter {
	uint64_t	 next_id;
	bool		 have_last;
	struct instruction last;	/* diff/chaff pointers not kept */
	uint8_t		 last_chaff[SSP_CHAFF_MAX];
	size_t		 last_mtu;
	struct buf	 encoded;	/* protobuf */
	struct buf	 compressed;
	struct buf	 wire;		/* the fragments, back to back */
	struct buf	 last_diff;	/* the diff they carry */
	uint64_t	 made;		/* instructions compressed so far */
	bool		 ready;		/* the last make succeeded */
	size_t		 slice;		/* payload bytes per full fragment */
	size_t		 count;
};

struct frag_slot {
	struct buf	 data;		/* capacity kept across assemblies */
	bool		 present;
};

struct frag_assembly {
	/* A whole one-fragment instruction that came while a partial one of
	 * another id waits (an ack beside a large state): decoded alone. */
	struct buf	 single;
	bool		 single_ready;

	uint64_t	 id;
	bool		 have_id;
	struct frag_slot *slots;
	size_t		 nslots;	/* allocated */
	size_t		 used;		/* slots in play: max index + 1 */
	size_t		 arrived;
	size_t		 total;		/* 0 while the final one is unseen */
	size_t		 bytes;		/* payload held, for the size cap */
	struct buf	 joined;
	struct buf	 inflated;
};

void		fragmenter_init(struct fragmenter *);
void		fragmenter_free(struct fragmenter *);
/*
 * Cut an instruction into fragments of at most `mtu` bytes each (header
 * included). The id changes whenever anything but the diff changes, or
 * the MTU does, exactly as mosh numbers them.
 */
enum proto_err	fragmenter_make(struct fragmenter *, const struct instruction *,
		    size_t mtu);
/*
 * Do the fragments made last carry `in` (its chaff aside: theirs is
 * kept)? Then a resend sends them again, the same id and bytes: nothing
 * is compressed twice, and a receiver completes the instruction from
 * the fragments of every try.
 */
bool		fragmenter_holds(const struct fragmenter *,
		    const struct instruction *, size_t mtu);
/* The id of the fragments made last. */
uint64_t	fragmenter_id(const struct fragmenter *);
size_t		fragmenter_count(const struct fragmenter *);
void		fragmenter_get(const struct fragmenter *, size_t i,
		    const uint8_t **, size_t *);

void		frag_assembly_init(struct frag_assembly *);
void		frag_assembly_free(struct frag_assembly *);
/*
 * Add one fragment. PROTO_ERR_INCOMPLETE: kept, more to come. PROTO_OK:
 * the instruction is whole; frag_assembly_take decodes it. Any error
 * leaves the assembly as it was.
 */
enum proto_err	frag_assembly_add(struct frag_assembly *, const uint8_t *,
		    size_t);
/* Inflate and decode; `out` points into the assembly until the next add. */
enum proto_err	frag_assembly_take(struct frag_assembly *, struct instruction *);
/*
 * Is an instruction of several fragments partly here? Then `out` (reset
 * first) gets its report: id (8, BE), then a bit per index, LSB first,
 * set for each fragment that came, through the highest index seen (at
 * most (INSTRUCTION_REPORT_MAX - 8) * 8 of them). 0, or -1 (nothing
 * partial, or no memory).
 */
int		frag_assembly_report(const struct frag_assembly *, struct buf *out);
/*
 * A peer's report (the format above) of the fragments made last: 0 and
 * *bits, *nbytes its bitmap (pointing into r), or -1 when it is too
 * short or names another id (an older instruction's: nothing to do).
 */
int		fragmenter_report_parse(const struct fragmenter *,
		    const uint8_t *r, size_t len, const uint8_t **bits,
		    size_t *nbytes);

#endif

/* TransportBuffers.Instruction: the unit SSP sends (MOSH-PROTOCOL.md §5). */
#ifndef TSMOSH_PROTO_INSTRUCTION_H
#define TSMOSH_PROTO_INSTRUCTION_H

#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/err.h"

#define MOSH_PROTOCOL_VERSION	2
#define SSP_NUM_SHUTDOWN	UINT64_MAX	/* new_num/ack_num of shutdown */
#define SSP_CHAFF_MAX		16
#define INSTRUCTION_REPORT_MAX	(8 + 1024)	/* 8192 fragments */

struct instruction {
	uint32_t	 protocol_version;
	uint64_t	 old_num;
	uint64_t	 new_num;
	uint64_t	 ack_num;
	uint64_t	 throwaway_num;
	const uint8_t	*diff;		/* points into the caller's bytes */
	size_t		 diff_len;
	const uint8_t	*chaff;
	size_t		 chaff_len;
	/* tsmosh's own fields, which mosh's protobuf skips as unknown: */
	uint32_t	 takes_reports;	/* 1: reports of our fragments help */
	const uint8_t	*report;	/* which of the peer's fragments came: */
	size_t		 report_len;	/* id (8, BE) || a bit per index */
};

/*
 * Writes the fields in field order, as mosh does, but leaves out those at
 * their proto2 default (0, empty) except protocol_version: a decoder,
 * mosh's included, reads an absent field as its default, and an empty
 * diff (every pure ack) or chaff then costs nothing on the wire.
 */
int		instruction_encode(const struct instruction *, struct buf *);

/*
 * Any field order, unknown fields skipped, absent fields zero (proto2
 * defaults). diff and chaff point into `p`. PROTO_ERR_PROTOBUF on bad
 * bytes; the version is the caller's to check.
 */
enum proto_err	instruction_decode(const uint8_t *p, size_t len,
		    struct instruction *);

#endif

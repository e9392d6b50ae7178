#include <string.h>

#include "proto/instruction.h"
#include "proto/pb.h"

enum {
	F_PROTOCOL_VERSION = 1,
	F_OLD_NUM = 2,
	F_NEW_NUM = 3,
	F_ACK_NUM = 4,
	F_THROWAWAY_NUM = 5,
	F_DIFF = 6,
	F_CHAFF = 7,
	F_TAKES_REPORTS = 100,	/* ours; mosh skips unknown fields */
	F_REPORT = 101,
};

/* A proto2 optional field at its default reads back the same absent. */
static int
put_uint(struct buf *b, uint32_t field, uint64_t v)
{
	return v == 0 ? 0 : pb_write_uint(b, field, v);
}

static int
put_bytes(struct buf *b, uint32_t field, const uint8_t *p, size_t len)
{
	return len == 0 ? 0 : pb_write_bytes(b, field, p, len);
}

int
instruction_encode(const struct instruction *in, struct buf *b)
{
	if (pb_write_uint(b, F_PROTOCOL_VERSION, in->protocol_version) != 0 ||
	    put_uint(b, F_OLD_NUM, in->old_num) != 0 ||
	    put_uint(b, F_NEW_NUM, in->new_num) != 0 ||
	    put_uint(b, F_ACK_NUM, in->ack_num) != 0 ||
	    put_uint(b, F_THROWAWAY_NUM, in->throwaway_num) != 0 ||
	    put_bytes(b, F_DIFF, in->diff, in->diff_len) != 0 ||
	    put_bytes(b, F_CHAFF, in->chaff, in->chaff_len) != 0 ||
	    put_uint(b, F_TAKES_REPORTS, in->takes_reports) != 0 ||
	    put_bytes(b, F_REPORT, in->report, in->report_len) != 0)
		return -1;
	return 0;
}

enum proto_err
instruction_decode(const uint8_t *p, size_t len, struct instruction *in)
{
	struct pb_reader r;
	uint32_t	 field;
	enum pb_wire	 wire;
	uint64_t	 v;

	memset(in, 0, sizeof(*in));
	pb_reader_init(&r, p, len);
	while (r.p < r.end) {
		if (pb_read_key(&r, &field, &wire) != 0)
			return PROTO_ERR_PROTOBUF;
		if (field >= F_PROTOCOL_VERSION && field <= F_THROWAWAY_NUM) {
			if (wire != PB_VARINT || pb_read_varint(&r, &v) != 0)
				return PROTO_ERR_PROTOBUF;
			switch (field) {
			case F_PROTOCOL_VERSION:
				/* uint32: protobuf truncates wider values */
				in->protocol_version = (uint32_t)v;
				break;
			case F_OLD_NUM:		in->old_num = v; break;
			case F_NEW_NUM:		in->new_num = v; break;
			case F_ACK_NUM:		in->ack_num = v; break;
			case F_THROWAWAY_NUM:	in->throwaway_num = v; break;
			}
			continue;
		}
		if (field == F_TAKES_REPORTS) {
			if (wire != PB_VARINT || pb_read_varint(&r, &v) != 0)
				return PROTO_ERR_PROTOBUF;
			in->takes_reports = v == 1;
			continue;
		}
		if (field == F_DIFF || field == F_CHAFF || field == F_REPORT) {
			const uint8_t	*q;
			size_t		 n;

			if (wire != PB_LEN || pb_read_len(&r, &q, &n) != 0)
				return PROTO_ERR_PROTOBUF;
			if (field == F_DIFF) {
				in->diff = q;
				in->diff_len = n;
			} else if (field == F_REPORT) {
				/* Too long for us to have asked: not a report. */
				if (n <= INSTRUCTION_REPORT_MAX) {
					in->report = q;
					in->report_len = n;
				}
			} else {
				in->chaff = q;
				in->chaff_len = n;
			}
			continue;
		}
		if (pb_skip(&r, wire) != 0)
			return PROTO_ERR_PROTOBUF;
	}
	return PROTO_OK;
}

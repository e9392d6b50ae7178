/* protobuf, Instruction, User/HostMessage, zlib and fragments. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "proto/fragment.h"
#include "proto/instruction.h"
#include "proto/msg.h"
#include "proto/pb.h"
#include "proto/zip.h"
#include "tests/unit/check.h"
#include "tests/unit/hex.h"

static int
buf_equals_hex(const struct buf *b, const char *hex)
{
	uint8_t	 want[256];
	size_t	 n = hex_decode(hex, want, sizeof(want));

	return n == b->len && memcmp(b->data, want, n) == 0;
}

static void
test_varint(struct check *t)
{
	static const uint64_t vals[] = { 0, 1, 127, 128, 300, 16383, 16384,
	    UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX };
	struct buf	 b = BUF_INIT;
	struct pb_reader r;
	uint64_t	 v;
	size_t		 i;
	uint8_t		 overlong[11], bad10[10];

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		buf_reset(&b);
		CHECK(t, pb_write_varint(&b, vals[i]) == 0);
		CHECK_EQ_INT(t, b.len, pb_varint_size(vals[i]));
		r.p = b.data;
		r.end = b.data + b.len;
		CHECK(t, pb_read_varint(&r, &v) == 0 && v == vals[i]);
		CHECK(t, r.p == r.end);
		/* Every truncation fails. */
		r.end = b.data + b.len - 1;
		r.p = b.data;
		CHECK(t, pb_read_varint(&r, &v) == -1);
	}
	memset(overlong, 0x80, sizeof(overlong));
	overlong[10] = 0;
	r.p = overlong;
	r.end = overlong + sizeof(overlong);
	CHECK(t, pb_read_varint(&r, &v) == -1);
	/* Ten bytes whose last carries more than bit 63. */
	memset(bad10, 0xff, sizeof(bad10));
	bad10[9] = 0x02;
	r.p = bad10;
	r.end = bad10 + sizeof(bad10);
	CHECK(t, pb_read_varint(&r, &v) == -1);
	buf_free(&b);
}

static void
test_instruction_bytes(struct check *t)
{
	struct instruction in = { 0 }, out;
	struct buf	 b = BUF_INIT;
	uint8_t		 p[16];
	size_t		 n;

	in.protocol_version = 2;
	in.new_num = 1;
	/* In field order; fields at their default left out, but the version. */
	CHECK(t, instruction_encode(&in, &b) == 0);
	CHECK(t, buf_equals_hex(&b, "0802" "1801"));
	CHECK_EQ_INT(t, instruction_decode(b.data, b.len, &out), PROTO_OK);
	CHECK_EQ_INT(t, out.protocol_version, 2);
	CHECK_EQ_INT(t, out.new_num, 1);
	CHECK_EQ_INT(t, out.diff_len, 0);
	/* mosh writes all seven, zeros included: the same instruction. */
	n = hex_decode("0802100018012000280032003a00", p, sizeof(p));
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_OK);
	CHECK(t, out.protocol_version == 2 && out.old_num == 0 &&
	    out.new_num == 1 && out.ack_num == 0 && out.throwaway_num == 0 &&
	    out.diff_len == 0 && out.chaff_len == 0);
	buf_free(&b);
}

static void
test_instruction_roundtrip(struct check *t)
{
	struct instruction in = { 0 }, out;
	struct buf	 b = BUF_INIT;
	uint8_t		 diff[3000], chaff[16];
	size_t		 i;

	for (i = 0; i < sizeof(diff); i++)
		diff[i] = (uint8_t)(i ^ (i >> 3));
	memset(chaff, 0xa5, sizeof(chaff));
	in.protocol_version = 2;
	in.old_num = 41;
	in.new_num = UINT64_MAX;
	in.ack_num = 1ULL << 40;
	in.throwaway_num = 40;
	in.diff = diff;
	in.diff_len = sizeof(diff);
	in.chaff = chaff;
	in.chaff_len = sizeof(chaff);
	CHECK(t, instruction_encode(&in, &b) == 0);
	CHECK_EQ_INT(t, instruction_decode(b.data, b.len, &out), PROTO_OK);
	CHECK(t, out.old_num == 41 && out.new_num == UINT64_MAX &&
	    out.ack_num == 1ULL << 40 && out.throwaway_num == 40);
	CHECK(t, out.diff_len == sizeof(diff) &&
	    memcmp(out.diff, diff, sizeof(diff)) == 0);
	CHECK(t, out.chaff_len == 16);
	/* Every truncation is refused, none crashes. */
	for (i = 0; i < b.len; i++) {
		enum proto_err e = instruction_decode(b.data, i, &out);
		/* Cutting exactly between fields is a valid shorter message. */
		if (e == PROTO_OK)
			continue;
		CHECK_EQ_INT(t, e, PROTO_ERR_PROTOBUF);
	}
	buf_free(&b);
}

static void
test_instruction_any_order_unknown_fields(struct check *t)
{
	struct instruction out;
	uint8_t		 p[64];
	size_t		 n;

	/* diff first, an unknown varint field 9, fixed64 field 10, fixed32
	 * field 11, then version and new_num. */
	n = hex_decode("3203616263" "4801" "510102030405060708" "5d01020304"
	    "0802" "1807", p, sizeof(p));
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_OK);
	CHECK_EQ_INT(t, out.protocol_version, 2);
	CHECK_EQ_INT(t, out.new_num, 7);
	CHECK(t, out.diff_len == 3 && memcmp(out.diff, "abc", 3) == 0);
	/* Wrong wire type for a known field; a length past the end; a group. */
	n = hex_decode("0a0102", p, sizeof(p));
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_ERR_PROTOBUF);
	n = hex_decode("3205616263", p, sizeof(p));
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_ERR_PROTOBUF);
	n = hex_decode("4b", p, sizeof(p));
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_ERR_PROTOBUF);
	n = hex_decode("00", p, sizeof(p));	/* field number 0 */
	CHECK_EQ_INT(t, instruction_decode(p, n, &out), PROTO_ERR_PROTOBUF);
}

struct seen {
	struct buf	 bytes;
	int		 resizes, echoacks;
	int32_t		 w, h;
	uint64_t	 ack;
};

static int
seen_bytes(void *a, const uint8_t *p, size_t n)
{
	return buf_append(&((struct seen *)a)->bytes, p, n);
}

static int
seen_resize(void *a, int32_t w, int32_t h)
{
	struct seen *s = a;

	s->resizes++;
	s->w = w;
	s->h = h;
	return 0;
}

static int
seen_echoack(void *a, uint64_t n)
{
	struct seen *s = a;

	s->echoacks++;
	s->ack = n;
	return 0;
}

static void
test_user_msg(struct check *t)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s = { BUF_INIT, 0, 0, 0, 0, 0 };
	struct user_msg_handler h = { seen_bytes, seen_resize, &s, NULL };

	CHECK(t, user_msg_add_keys(&b, (const uint8_t *)"a", 1) == 0);
	CHECK(t, buf_equals_hex(&b, "0a0512032201" "61"));
	buf_reset(&b);
	CHECK(t, user_msg_add_resize(&b, 80, 24) == 0);
	CHECK(t, buf_equals_hex(&b, "0a061a0428503018"));
	CHECK(t, user_msg_add_keys(&b, (const uint8_t *)"ls\r", 3) == 0);
	CHECK(t, user_msg_add_resize(&b, -1, 2000) == 0);
	CHECK_EQ_INT(t, user_msg_parse(b.data, b.len, &h), 0);
	CHECK(t, s.bytes.len == 3 && memcmp(s.bytes.data, "ls\r", 3) == 0);
	CHECK_EQ_INT(t, s.resizes, 2);
	CHECK_EQ_INT(t, s.w, -1);
	CHECK_EQ_INT(t, s.h, 2000);
	CHECK_EQ_INT(t, user_msg_validate(b.data, b.len - 1),
	    PROTO_ERR_PROTOBUF);
	/* A first state with an empty diff reaches the parser as NULL. */
	CHECK_EQ_INT(t, user_msg_parse(NULL, 0, &h), 0);
	CHECK_EQ_INT(t, host_msg_validate(NULL, 0), PROTO_OK);
	buf_free(&b);
	buf_free(&s.bytes);
}

static void
test_host_msg(struct check *t)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s = { BUF_INIT, 0, 0, 0, 0, 0 };
	struct host_msg_handler h = { seen_bytes, seen_resize, seen_echoack, &s,
	    NULL, NULL };
	uint8_t		 big[5000];

	CHECK(t, host_msg_add_echoack(&b, 5) == 0);
	CHECK(t, buf_equals_hex(&b, "0a043a024005"));
	memset(big, 'x', sizeof(big));
	CHECK(t, host_msg_add_resize(&b, 132, 43) == 0);
	CHECK(t, host_msg_add_bytes(&b, big, sizeof(big)) == 0);
	CHECK(t, host_msg_add_bytes(&b, (const uint8_t *)"\033[H", 3) == 0);
	CHECK_EQ_INT(t, host_msg_parse(b.data, b.len, &h), 0);
	CHECK_EQ_INT(t, s.echoacks, 1);
	CHECK_EQ_INT(t, s.ack, 5);
	CHECK(t, s.resizes == 1 && s.w == 132 && s.h == 43);
	CHECK_EQ_INT(t, s.bytes.len, sizeof(big) + 3);
	for (size_t i = 0; i < b.len; i += 97)
		(void)host_msg_validate(b.data, i);	/* must not crash */
	buf_free(&b);
	buf_free(&s.bytes);
}

/*
 * An empty message may come from a buf that never allocated (data NULL),
 * as the server's user diff does when a state adds no event: NULL + 0 is
 * undefined behaviour in C, so the readers must not compute it.
 */
static void
test_empty_unallocated(struct check *t)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s = { BUF_INIT, 0, 0, 0, 0, 0 };
	struct user_msg_handler uh = { seen_bytes, seen_resize, &s, NULL };
	struct host_msg_handler hh = { seen_bytes, seen_resize, seen_echoack, &s,
	    NULL, NULL };
	struct instruction in;

	CHECK_EQ_INT(t, user_msg_parse(b.data, b.len, &uh), PROTO_OK);
	CHECK_EQ_INT(t, host_msg_parse(b.data, b.len, &hh), PROTO_OK);
	CHECK_EQ_INT(t, user_msg_validate(b.data, b.len), PROTO_OK);
	CHECK_EQ_INT(t, host_msg_validate(b.data, b.len), PROTO_OK);
	CHECK_EQ_INT(t, instruction_decode(b.data, b.len, &in), PROTO_OK);
	CHECK_EQ_INT(t, in.protocol_version, 0);
	CHECK(t, s.resizes == 0 && s.echoacks == 0 && s.bytes.len == 0);
}

static void
test_zip(struct check *t)
{
	struct buf	 z = BUF_INIT, out = BUF_INIT;
	uint8_t		*big;
	size_t		 n = ZIP_INFLATE_MAX + 1;

	CHECK_EQ_INT(t, zip_compress((const uint8_t *)"hello hello hello", 17,
	    &z), PROTO_OK);
	/* zlib wrapper, not raw deflate: CMF is deflate with a window of
	 * 2^(8 + CINFO) bytes, the smallest (512) for a small message. */
	CHECK_EQ_INT(t, z.data[0], 0x18);
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len, 100, &out), PROTO_OK);
	CHECK(t, out.len == 17 && memcmp(out.data, "hello hello hello", 17) == 0);
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len, 16, &out),
	    PROTO_ERR_TOO_LARGE);
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len - 1, 100, &out),
	    PROTO_ERR_INFLATE);
	CHECK_EQ_INT(t, zip_inflate((const uint8_t *)"garbage", 7, 100, &out),
	    PROTO_ERR_INFLATE);
	buf_append(&z, "x", 1);		/* trailing byte */
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len, 100, &out),
	    PROTO_ERR_INFLATE);
	/* A bomb one byte over mosh's limit. */
	big = calloc(1, n);
	buf_reset(&z);
	CHECK(t, big != NULL);
	if (big == NULL)
		return;
	CHECK_EQ_INT(t, zip_compress(big, n, &z), PROTO_OK);
	CHECK(t, z.len < 10000);
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len, ZIP_INFLATE_MAX, &out),
	    PROTO_ERR_TOO_LARGE);
	buf_reset(&z);
	CHECK_EQ_INT(t, zip_compress(big, n - 1, &z), PROTO_OK);
	CHECK_EQ_INT(t, z.data[0], 0x78);	/* 32 KiB, as compress() */
	CHECK_EQ_INT(t, zip_inflate(z.data, z.len, ZIP_INFLATE_MAX, &out),
	    PROTO_OK);
	CHECK_EQ_INT(t, out.len, n - 1);
	free(big);
	buf_free(&z);
	buf_free(&out);
}


/* xorshift: a deterministic PRNG for shuffles and noise. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Every window zip_compress sizes to a message is read by zlib's own
 * uncompress (mosh's Compressor), to the same bytes, no longer than
 * compress() makes them but for a few bytes of a hash's other choices.
 */
static void
test_zip_sized(struct check *t)
{
	static const size_t lens[] = { 0, 1, 60, 511, 512, 513, 4096, 16385,
	    40000, 70000 };
	struct buf	 z = BUF_INIT;
	uint8_t		*in, *back, *ref;
	uLongf		 n, plain;
	uint64_t	 seed = 7;
	size_t		 i, j, len;

	in = malloc(70000);
	back = malloc(70000);
	plain = compressBound(70000);
	ref = malloc(plain);
	CHECK(t, in != NULL && back != NULL && ref != NULL);
	if (in == NULL || back == NULL || ref == NULL)
		goto done;
	/* Text of a few letters: it compresses, with matches far apart. */
	for (j = 0; j < 70000; j++)
		in[j] = (uint8_t)("abcdefgh \033[m"[rnd(&seed) % 12]);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = lens[i];
		buf_reset(&z);
		CHECK_EQ_INT(t, zip_compress(in, len, &z), PROTO_OK);
		n = 70000;
		CHECK_EQ_INT(t, uncompress(back, &n, z.data, z.len), Z_OK);
		CHECK(t, n == len && memcmp(back, in, len) == 0);
		n = plain;
		CHECK_EQ_INT(t, compress(ref, &n, in, len), Z_OK);
		CHECK(t, z.len <= n + n / 100 + 2);
	}
done:
	free(ref);
	free(in);
	free(back);
	buf_free(&z);
}

static void
test_fragments_roundtrip(struct check *t)
{
	struct fragmenter f;
	struct frag_assembly a;
	struct instruction in = { 0 }, out;
	uint8_t		*diff;
	size_t		 len = 200000, i, n, cnt, order[512];
	const uint8_t	*p;
	uint64_t	 seed = 88172645463325252ULL, id1;
	enum proto_err	 e;

	diff = malloc(len);
	CHECK(t, diff != NULL);
	if (diff == NULL)
		return;
	for (i = 0; i < len; i++)	/* poorly compressible */
		diff[i] = (uint8_t)rnd(&seed);
	fragmenter_init(&f);
	frag_assembly_init(&a);
	in.protocol_version = 2;
	in.new_num = 5;
	in.diff = diff;
	in.diff_len = len;
	CHECK_EQ_INT(t, fragmenter_make(&f, &in, 1200), PROTO_OK);
	cnt = fragmenter_count(&f);
	CHECK(t, cnt > 100 && cnt < 512);
	for (i = 0; i < cnt; i++) {
		fragmenter_get(&f, i, &p, &n);
		CHECK(t, n <= 1200);
		CHECK(t, i + 1 == cnt || n == 1200);
		/* Final bit only on the last fragment. */
		CHECK_EQ_INT(t, (p[8] & 0x80) != 0, i + 1 == cnt);
		CHECK_EQ_INT(t, ((p[8] & 0x7f) << 8) | p[9], i);
		order[i] = i;
	}
	id1 = f.next_id;
	/* Shuffle, and send every tenth fragment twice. */
	for (i = cnt - 1; i > 0; i--) {
		size_t j = rnd(&seed) % (i + 1), tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < cnt; i++) {
		fragmenter_get(&f, order[i], &p, &n);
		e = frag_assembly_add(&a, p, n);
		if (i % 10 == 0 && i + 1 < cnt)
			CHECK_EQ_INT(t, frag_assembly_add(&a, p, n),
			    PROTO_ERR_INCOMPLETE);
		CHECK_EQ_INT(t, e, i + 1 == cnt ? PROTO_OK : PROTO_ERR_INCOMPLETE);
	}
	CHECK_EQ_INT(t, frag_assembly_take(&a, &out), PROTO_OK);
	CHECK(t, out.new_num == 5 && out.diff_len == len &&
	    memcmp(out.diff, diff, len) == 0);

	/* Same header again keeps the id; a changed field or MTU bumps it. */
	CHECK_EQ_INT(t, fragmenter_make(&f, &in, 1200), PROTO_OK);
	CHECK_EQ_INT(t, f.next_id, id1);
	CHECK_EQ_INT(t, fragmenter_make(&f, &in, 500), PROTO_OK);
	CHECK_EQ_INT(t, f.next_id, id1 + 1);
	in.ack_num = 1;
	CHECK_EQ_INT(t, fragmenter_make(&f, &in, 500), PROTO_OK);
	CHECK_EQ_INT(t, f.next_id, id1 + 2);
	free(diff);
	fragmenter_free(&f);
	frag_assembly_free(&a);
}

static void
test_fragments_hostile(struct check *t)
{
	struct frag_assembly a;
	struct instruction out;
	uint8_t		 fr[64];
	size_t		 n;

	frag_assembly_init(&a);
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, 9), PROTO_ERR_SHORT);
	/* id 1, index 2 not final; then index 1 final: inconsistent. */
	n = hex_decode("0000000000000001" "0002" "aa", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_ERR_INCOMPLETE);
	n = hex_decode("0000000000000001" "8001" "bb", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_ERR_FRAGMENT);
	/* Same index, different bytes: refused, the original kept. */
	n = hex_decode("0000000000000001" "0002" "ab", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_ERR_FRAGMENT);
	CHECK_EQ_INT(t, a.arrived, 1);
	/* The highest index with the final bit: slots allocate, bounded. */
	n = hex_decode("0000000000000002" "ffff" "cc", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_ERR_INCOMPLETE);
	CHECK_EQ_INT(t, a.total, 0x8000);
	/* A fresh id gives that memory back: the slot table shrinks and
	 * no slot keeps a buffer. */
	n = hex_decode("0000000000000004" "0001" "dd", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_ERR_INCOMPLETE);
	CHECK(t, a.nslots <= 16);
	CHECK(t, a.slots[0].data.cap == 0 && a.slots[1].data.len == 1);
	/* A whole one-fragment instruction that is not zlib. */
	n = hex_decode("0000000000000003" "8000" "0102030405", fr, sizeof(fr));
	CHECK_EQ_INT(t, frag_assembly_add(&a, fr, n), PROTO_OK);
	CHECK_EQ_INT(t, frag_assembly_take(&a, &out), PROTO_ERR_INFLATE);
	frag_assembly_free(&a);
}

/*
 * A whole one-fragment instruction of another id (a tsmosh peer's ack or
 * report beside its large state) is decoded alone and leaves the partial
 * one waiting; the report says which of the partial's fragments came.
 */
static void
test_fragments_beside_partial(struct check *t)
{
	struct fragmenter big, small;
	struct frag_assembly a;
	struct instruction in = { 0 }, out;
	struct buf	 rep = BUF_INIT;
	uint8_t		*diff, want[8 + 8] = { 0 };
	size_t		 len = 40000, i, n, cnt;
	const uint8_t	*p;
	uint64_t	 seed = 7, id;

	CHECK(t, (diff = malloc(len)) != NULL);
	if (diff == NULL)
		return;
	for (i = 0; i < len; i++)
		diff[i] = (uint8_t)rnd(&seed);
	fragmenter_init(&big);
	fragmenter_init(&small);
	frag_assembly_init(&a);
	in.protocol_version = 2;
	in.new_num = 9;
	in.diff = diff;
	in.diff_len = len;
	CHECK_EQ_INT(t, fragmenter_make(&big, &in, 1200), PROTO_OK);
	cnt = fragmenter_count(&big);
	CHECK(t, cnt > 20 && cnt <= 64);
	if (cnt > 64)
		goto out;
	/* Nothing partial: no report. */
	CHECK(t, frag_assembly_report(&a, &rep) == -1);
	/* Every fragment but 3 and the last. */
	for (i = 0; i + 1 < cnt; i++) {
		if (i == 3)
			continue;
		fragmenter_get(&big, i, &p, &n);
		CHECK_EQ_INT(t, frag_assembly_add(&a, p, n),
		    PROTO_ERR_INCOMPLETE);
		want[8 + i / 8] |= (uint8_t)(1u << (i % 8));
	}
	id = fragmenter_id(&big);
	for (i = 0; i < 8; i++)
		want[i] = (uint8_t)(id >> (56 - 8 * i));
	CHECK_EQ_INT(t, frag_assembly_report(&a, &rep), 0);
	CHECK_EQ_INT(t, rep.len, 8 + (cnt - 1 + 7) / 8);
	CHECK_MEM(t, rep.data, want, rep.len);
	/* The sender reads it back against its fragments: the bitmap; a
	 * report cut short of its id, or of another id, names nothing. */
	CHECK_EQ_INT(t, fragmenter_report_parse(&big, rep.data, rep.len, &p,
	    &n), 0);
	CHECK(t, p == rep.data + 8 && n == rep.len - 8);
	CHECK(t, fragmenter_report_parse(&big, rep.data, 7, &p, &n) == -1);
	CHECK(t, fragmenter_report_parse(&small, rep.data, rep.len, &p,
	    &n) == -1);

	/* An ack of another id, carrying a report of its own. */
	memset(&in, 0, sizeof(in));
	in.protocol_version = 2;
	in.old_num = in.new_num = 4;
	in.ack_num = 6;
	in.report = rep.data;
	in.report_len = rep.len;
	small.next_id = 1000;
	CHECK_EQ_INT(t, fragmenter_make(&small, &in, 1200), PROTO_OK);
	CHECK_EQ_INT(t, fragmenter_count(&small), 1);
	fragmenter_get(&small, 0, &p, &n);
	CHECK_EQ_INT(t, frag_assembly_add(&a, p, n), PROTO_OK);
	CHECK_EQ_INT(t, frag_assembly_take(&a, &out), PROTO_OK);
	CHECK(t, out.new_num == 4 && out.ack_num == 6 &&
	    out.report_len == rep.len &&
	    memcmp(out.report, want, rep.len) == 0);
	/* The partial is still there, and completes. */
	CHECK_EQ_INT(t, frag_assembly_report(&a, &rep), 0);
	CHECK_MEM(t, rep.data, want, rep.len);
	fragmenter_get(&big, 3, &p, &n);
	CHECK_EQ_INT(t, frag_assembly_add(&a, p, n), PROTO_ERR_INCOMPLETE);
	fragmenter_get(&big, cnt - 1, &p, &n);
	CHECK_EQ_INT(t, frag_assembly_add(&a, p, n), PROTO_OK);
	CHECK(t, frag_assembly_report(&a, &rep) == -1);
	CHECK_EQ_INT(t, frag_assembly_take(&a, &out), PROTO_OK);
	CHECK(t, out.new_num == 9 && out.diff_len == len &&
	    memcmp(out.diff, diff, len) == 0);
out:
	buf_free(&rep);
	free(diff);
	fragmenter_free(&big);
	fragmenter_free(&small);
	frag_assembly_free(&a);
}

/* tsmosh's fields round trip after mosh's; a report longer than any we
 * make is not one. */
static void
test_instruction_report_fields(struct check *t)
{
	struct instruction in = { 0 }, out;
	struct buf	 b = BUF_INIT;
	uint8_t		 r[INSTRUCTION_REPORT_MAX + 1] = { 1, 2, 3 };

	in.protocol_version = 2;
	in.new_num = 1;
	in.takes_reports = 1;
	in.report = r;
	in.report_len = 9;
	CHECK(t, instruction_encode(&in, &b) == 0);
	/* 100: varint 1; 101: 9 bytes. */
	CHECK(t, buf_equals_hex(&b, "0802" "1801" "a00601" "aa0609"
	    "010203000000000000"));
	CHECK_EQ_INT(t, instruction_decode(b.data, b.len, &out), PROTO_OK);
	CHECK(t, out.takes_reports == 1 && out.report_len == 9 &&
	    memcmp(out.report, r, 9) == 0);
	buf_reset(&b);
	in.takes_reports = 0;
	in.report_len = sizeof(r);
	CHECK(t, instruction_encode(&in, &b) == 0);
	CHECK_EQ_INT(t, instruction_decode(b.data, b.len, &out), PROTO_OK);
	CHECK(t, out.takes_reports == 0 && out.report_len == 0 &&
	    out.new_num == 1);
	buf_free(&b);
}

CHECK_MAIN(
    CASE(test_varint), CASE(test_instruction_bytes),
    CASE(test_fragments_beside_partial), CASE(test_instruction_report_fields),
    CASE(test_instruction_roundtrip),
    CASE(test_instruction_any_order_unknown_fields), CASE(test_user_msg),
    CASE(test_host_msg), CASE(test_empty_unallocated), CASE(test_zip), CASE(test_zip_sized),
    CASE(test_fragments_roundtrip), CASE(test_fragments_hostile))

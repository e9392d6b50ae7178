#include <stdlib.h>
#include <string.h>

#include "proto/be.h"
#include "proto/fragment.h"
#include "proto/zip.h"

/* Compressed bytes one assembly may hold: enough for any instruction
 * that inflates within mosh's limit (zlib's expansion is tiny). */
#define FRAG_BYTES_MAX	(ZIP_INFLATE_MAX + ZIP_INFLATE_MAX / 64 + 4096)
#define FRAG_SLOTS_KEPT	16

void
fragmenter_init(struct fragmenter *f)
{
	memset(f, 0, sizeof(*f));
}

void
fragmenter_free(struct fragmenter *f)
{
	buf_free(&f->encoded);
	buf_free(&f->compressed);
	buf_free(&f->wire);
	buf_free(&f->last_diff);
}

/* Do the last fragments' numbers, version and MTU match `in`'s? */
static bool
fragmenter_same_nums(const struct fragmenter *f, const struct instruction *in,
    size_t mtu)
{
	const struct instruction *l = &f->last;

	return f->last_mtu == mtu &&
	    l->protocol_version == in->protocol_version &&
	    l->old_num == in->old_num && l->new_num == in->new_num &&
	    l->ack_num == in->ack_num &&
	    l->throwaway_num == in->throwaway_num &&
	    l->takes_reports == in->takes_reports;
}

static bool
fragmenter_same_header(const struct fragmenter *f, const struct instruction *in,
    size_t mtu)
{
	return f->have_last && fragmenter_same_nums(f, in, mtu) &&
	    f->last.chaff_len == in->chaff_len &&
	    (in->chaff_len == 0 ||
	    memcmp(f->last_chaff, in->chaff, in->chaff_len) == 0);
}

bool
fragmenter_holds(const struct fragmenter *f, const struct instruction *in,
    size_t mtu)
{
	return f->ready && fragmenter_same_nums(f, in, mtu) &&
	    f->last_diff.len == in->diff_len &&
	    (in->diff_len == 0 ||
	    memcmp(f->last_diff.data, in->diff, in->diff_len) == 0);
}

enum proto_err
fragmenter_make(struct fragmenter *f, const struct instruction *in, size_t mtu)
{
	enum proto_err	 e;
	size_t		 off, n, i;
	uint16_t	 num;
	uint8_t		 hdr[FRAG_HEADER_LEN];

	if (mtu <= FRAG_HEADER_LEN || in->chaff_len > SSP_CHAFF_MAX)
		return PROTO_ERR_TOO_LARGE;
	if (!fragmenter_same_header(f, in, mtu))
		f->next_id++;
	f->last = *in;
	f->last.diff = f->last.chaff = f->last.report = NULL;
	if (in->chaff_len > 0)
		memcpy(f->last_chaff, in->chaff, in->chaff_len);
	f->last_mtu = mtu;
	f->have_last = true;

	buf_reset(&f->encoded);
	buf_reset(&f->compressed);
	buf_reset(&f->wire);
	buf_reset(&f->last_diff);
	f->ready = false;
	f->made++;
	if (instruction_encode(in, &f->encoded) != 0 ||
	    (in->diff_len > 0 &&
	    buf_append(&f->last_diff, in->diff, in->diff_len) != 0))
		return PROTO_ERR_NOMEM;
	if ((e = zip_compress(f->encoded.data, f->encoded.len,
	    &f->compressed)) != PROTO_OK)
		return e;
	f->slice = mtu - FRAG_HEADER_LEN;
	f->count = (f->compressed.len + f->slice - 1) / f->slice;
	if (f->count == 0)
		f->count = 1;
	if (f->count > FRAG_INDEX_LIMIT)
		return PROTO_ERR_TOO_LARGE;
	for (i = 0, off = 0; i < f->count; i++, off += n) {
		n = f->compressed.len - off;
		if (n > f->slice)
			n = f->slice;
		num = (uint16_t)i | (i + 1 == f->count ? 0x8000 : 0);
		be64_put(hdr, f->next_id);
		hdr[8] = (uint8_t)(num >> 8);
		hdr[9] = (uint8_t)num;
		if (buf_append(&f->wire, hdr, sizeof(hdr)) != 0 ||
		    buf_append(&f->wire, f->compressed.data + off, n) != 0)
			return PROTO_ERR_NOMEM;
	}
	f->ready = true;
	return PROTO_OK;
}

uint64_t
fragmenter_id(const struct fragmenter *f)
{
	return f->next_id;
}

size_t
fragmenter_count(const struct fragmenter *f)
{
	return f->count;
}

void
fragmenter_get(const struct fragmenter *f, size_t i, const uint8_t **p,
    size_t *len)
{
	size_t	 full = f->slice + FRAG_HEADER_LEN;
	size_t	 off = i * full;

	*p = f->wire.data + off;
	*len = f->wire.len - off < full ? f->wire.len - off : full;
}

void
frag_assembly_init(struct frag_assembly *a)
{
	memset(a, 0, sizeof(*a));
}

void
frag_assembly_free(struct frag_assembly *a)
{
	size_t	 i;

	for (i = 0; i < a->nslots; i++)
		buf_free(&a->slots[i].data);
	free(a->slots);
	buf_free(&a->single);
	buf_free(&a->joined);
	buf_free(&a->inflated);
	memset(a, 0, sizeof(*a));
}

/*
 * Forget the partial instruction and give its memory back: a burst of
 * fresh ids, each with a high index, would otherwise leave every slot it
 * ever filled allocated. Only a small slot table is kept for reuse.
 */
static void
frag_assembly_clear(struct frag_assembly *a)
{
	size_t	 i;

	for (i = 0; i < a->used; i++) {
		a->slots[i].present = false;
		buf_free(&a->slots[i].data);
	}
	if (a->nslots > FRAG_SLOTS_KEPT) {
		free(a->slots);
		a->slots = NULL;
		a->nslots = 0;
	}
	a->used = a->arrived = a->total = a->bytes = 0;
}

static int
frag_assembly_grow(struct frag_assembly *a, size_t want)
{
	struct frag_slot *s;
	size_t		 n;

	if (want <= a->nslots)
		return 0;
	n = a->nslots ? a->nslots : 16;
	while (n < want)
		n *= 2;
	if (n > FRAG_INDEX_LIMIT)
		n = FRAG_INDEX_LIMIT;
	if ((s = reallocarray(a->slots, n, sizeof(*s))) == NULL)
		return -1;
	memset(s + a->nslots, 0, (n - a->nslots) * sizeof(*s));
	a->slots = s;
	a->nslots = n;
	return 0;
}

enum proto_err
frag_assembly_add(struct frag_assembly *a, const uint8_t *p, size_t len)
{
	uint64_t	 id;
	uint16_t	 num;
	size_t		 idx, n;
	bool		 final;
	struct frag_slot *s;

	if (len < FRAG_HEADER_LEN)
		return PROTO_ERR_SHORT;
	id = be64_get(p);
	num = (uint16_t)(p[8] << 8 | p[9]);
	final = (num & 0x8000) != 0;
	idx = num & 0x7fff;
	p += FRAG_HEADER_LEN;
	n = len - FRAG_HEADER_LEN;

	if (a->have_id && id == a->id) {
		/* Checks first, so a bad fragment leaves the assembly alone. */
		if (a->total != 0 && idx >= a->total)
			return PROTO_ERR_FRAGMENT;
		if (final && a->used > idx + 1)
			return PROTO_ERR_FRAGMENT;
		if (idx < a->used && a->slots[idx].present) {
			s = &a->slots[idx];
			if (s->data.len != n ||
			    (n > 0 && memcmp(s->data.data, p, n) != 0))
				return PROTO_ERR_FRAGMENT;
			return a->total != 0 && a->arrived == a->total ?
			    PROTO_OK : PROTO_ERR_INCOMPLETE;
		}
		if (a->bytes + n > FRAG_BYTES_MAX)
			return PROTO_ERR_TOO_LARGE;
	} else {
		if (n > FRAG_BYTES_MAX)
			return PROTO_ERR_TOO_LARGE;
		/*
		 * A whole instruction in one fragment leaves a partial one
		 * waiting (mosh would drop it): a tsmosh peer sends its acks
		 * beside a large state it is still completing, and the
		 * partial's next fragments then still count.
		 */
		if (final && idx == 0 && a->arrived > 0) {
			buf_reset(&a->single);
			if (buf_append(&a->single, p, n) != 0)
				return PROTO_ERR_NOMEM;
			a->single_ready = true;
			return PROTO_OK;
		}
		/* A new instruction replaces the partial one, as in mosh. */
		frag_assembly_clear(a);
		a->id = id;
		a->have_id = true;
	}
	if (frag_assembly_grow(a, idx + 1) != 0)
		return PROTO_ERR_NOMEM;
	s = &a->slots[idx];
	buf_reset(&s->data);
	if (buf_append(&s->data, p, n) != 0)
		return PROTO_ERR_NOMEM;
	s->present = true;
	if (idx + 1 > a->used)
		a->used = idx + 1;
	a->arrived++;
	a->bytes += n;
	if (final)
		a->total = idx + 1;
	return a->total != 0 && a->arrived == a->total ? PROTO_OK :
	    PROTO_ERR_INCOMPLETE;
}

/* Inflate compressed bytes into the assembly's buffer and decode them. */
static enum proto_err
frag_assembly_decode(struct frag_assembly *a, const struct buf *z,
    struct instruction *out)
{
	enum proto_err	 e;

	if ((e = zip_inflate(z->data, z->len, ZIP_INFLATE_MAX,
	    &a->inflated)) != PROTO_OK)
		return e;
	return instruction_decode(a->inflated.data, a->inflated.len, out);
}

enum proto_err
frag_assembly_take(struct frag_assembly *a, struct instruction *out)
{
	size_t		 i;

	if (a->single_ready) {
		a->single_ready = false;
		return frag_assembly_decode(a, &a->single, out);
	}
	if (a->total == 0 || a->arrived != a->total)
		return PROTO_ERR_INCOMPLETE;
	buf_reset(&a->joined);
	for (i = 0; i < a->total; i++) {
		if (buf_append(&a->joined, a->slots[i].data.data,
		    a->slots[i].data.len) != 0)
			return PROTO_ERR_NOMEM;
	}
	/* mosh keeps the id after a whole instruction; so do we. */
	frag_assembly_clear(a);
	return frag_assembly_decode(a, &a->joined, out);
}

int
frag_assembly_report(const struct frag_assembly *a, struct buf *out)
{
	size_t	 bits = a->used, i;
	uint8_t	 b[8];

	if (!a->have_id || a->arrived == 0 || bits < 2 ||
	    (a->total != 0 && a->arrived == a->total))
		return -1;
	if (bits > (INSTRUCTION_REPORT_MAX - 8) * 8)
		bits = (INSTRUCTION_REPORT_MAX - 8) * 8;
	be64_put(b, a->id);
	buf_reset(out);
	if (buf_append(out, b, sizeof(b)) != 0)
		return -1;
	for (i = 0; i < bits; i += 8) {
		uint8_t	 v = 0;
		size_t	 j;

		for (j = 0; j < 8 && i + j < bits; j++)
			if (a->slots[i + j].present)
				v |= (uint8_t)(1u << j);
		if (buf_append(out, &v, 1) != 0)
			return -1;
	}
	return 0;
}

int
fragmenter_report_parse(const struct fragmenter *f, const uint8_t *r,
    size_t len, const uint8_t **bits, size_t *nbytes)
{
	if (len < 8 || be64_get(r) != fragmenter_id(f))
		return -1;
	*bits = r + 8;
	*nbytes = len - 8;
	return 0;
}

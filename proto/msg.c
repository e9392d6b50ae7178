#include "proto/msg.h"
#include "proto/pb.h"

enum {
	F_INSTRUCTION = 1,	/* UserMessage/HostMessage.instruction */
	EXT_KEYSTROKE = 2,	/* ClientBuffers */
	EXT_HOSTBYTES = 2,	/* HostBuffers */
	EXT_RESIZE = 3,		/* both */
	EXT_ECHOACK = 7,	/* HostBuffers */
	/* Ours, outside mosh's numbers: "this session moved to another
	 * client" (an empty message). Stock mosh skips unknown extensions. */
	EXT_MOVED = 100,
	EXT_READ_ONLY = 101,	/* "your keystrokes are dropped" */
	EXT_HISTORY = 102,	/* HostBuffers: lines off the top */
	EXT_SCROLLBACK = 103,	/* "history lines will come" */
	EXT_ALT_ON = 104,	/* the alternate screen is up ... */
	EXT_ALT_OFF = 105,	/* ... and down again */
	EXT_CAPS = 100,		/* ClientBuffers: what the client takes */
	F_CAPS = 1,		/* Caps.bits */
	F_HIST_FIRST = 1,	/* History */
	F_HIST_SKIPPED = 2,
	F_HIST_LINE = 3,
	F_KEYS = 4,		/* Keystroke.keys */
	F_HOSTSTRING = 4,	/* HostBytes.hoststring */
	F_WIDTH = 5,		/* ResizeMessage */
	F_HEIGHT = 6,
	F_ECHO_ACK_NUM = 8,	/* EchoAck */
};

/* The head of Instruction { ext { ... } } whose body is `inner` bytes;
 * the caller writes the body. */
static int
msg_open_ext(struct buf *b, uint32_t ext, size_t inner)
{
	size_t	 inst = pb_len_field_size(ext, inner);

	if (pb_write_key(b, F_INSTRUCTION, PB_LEN) != 0 ||
	    pb_write_varint(b, inst) != 0 ||
	    pb_write_key(b, ext, PB_LEN) != 0 ||
	    pb_write_varint(b, inner) != 0)
		return -1;
	return 0;
}

/* Instruction { ext { field: bytes } } around a byte string. */
static int
msg_add_bytes_ext(struct buf *b, uint32_t ext, uint32_t field,
    const uint8_t *p, size_t len)
{
	if (msg_open_ext(b, ext, pb_len_field_size(field, len)) != 0)
		return -1;
	return pb_write_bytes(b, field, p, len);
}

/* int32 fields are sign-extended to 64 bits on the wire. */
static uint64_t
int32_wire(int32_t v)
{
	return (uint64_t)(int64_t)v;
}

static int
msg_add_resize(struct buf *b, int32_t w, int32_t h)
{
	size_t	 inner;

	inner = 1 + pb_varint_size(int32_wire(w)) +
	    1 + pb_varint_size(int32_wire(h));
	if (msg_open_ext(b, EXT_RESIZE, inner) != 0 ||
	    pb_write_uint(b, F_WIDTH, int32_wire(w)) != 0 ||
	    pb_write_uint(b, F_HEIGHT, int32_wire(h)) != 0)
		return -1;
	return 0;
}

int
user_msg_add_keys(struct buf *b, const uint8_t *p, size_t len)
{
	return msg_add_bytes_ext(b, EXT_KEYSTROKE, F_KEYS, p, len);
}

int
user_msg_add_resize(struct buf *b, int32_t w, int32_t h)
{
	return msg_add_resize(b, w, h);
}

int
user_msg_add_caps(struct buf *b, uint32_t caps)
{
	if (msg_open_ext(b, EXT_CAPS, 1 + pb_varint_size(caps)) != 0)
		return -1;
	return pb_write_uint(b, F_CAPS, caps);
}

int
host_msg_add_history(struct buf *b, uint64_t first, uint64_t skipped,
    const uint8_t *lines, const size_t *lens, size_t n)
{
	size_t	 inner, i, at = 0;

	inner = 1 + pb_varint_size(first) + 1 + pb_varint_size(skipped);
	for (i = 0; i < n; i++)
		inner += pb_len_field_size(F_HIST_LINE, lens[i]);
	if (msg_open_ext(b, EXT_HISTORY, inner) != 0 ||
	    pb_write_uint(b, F_HIST_FIRST, first) != 0 ||
	    pb_write_uint(b, F_HIST_SKIPPED, skipped) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (pb_write_bytes(b, F_HIST_LINE, lines + at, lens[i]) != 0)
			return -1;
		at += lens[i];
	}
	return 0;
}

int
host_msg_add_bytes(struct buf *b, const uint8_t *p, size_t len)
{
	return msg_add_bytes_ext(b, EXT_HOSTBYTES, F_HOSTSTRING, p, len);
}

int
host_msg_add_resize(struct buf *b, int32_t w, int32_t h)
{
	return msg_add_resize(b, w, h);
}

int
host_msg_add_echoack(struct buf *b, uint64_t n)
{
	if (msg_open_ext(b, EXT_ECHOACK, 1 + pb_varint_size(n)) != 0)
		return -1;
	return pb_write_uint(b, F_ECHO_ACK_NUM, n);
}

/* The one bytes field `want` of a small message; absent = empty. */
static int
msg_read_bytes_field(const uint8_t *p, size_t len, uint32_t want,
    const uint8_t **out, size_t *outlen)
{
	struct pb_reader r;
	uint32_t	 field;
	enum pb_wire	 wire;

	*out = p;
	*outlen = 0;
	pb_reader_init(&r, p, len);
	while (r.p < r.end) {
		if (pb_read_key(&r, &field, &wire) != 0)
			return -1;
		if (field == want && wire == PB_LEN) {
			if (pb_read_len(&r, out, outlen) != 0)
				return -1;
		} else if (pb_skip(&r, wire) != 0)
			return -1;
	}
	return 0;
}

/* Varint fields a (and b, if non-zero) of a small message; absent = 0. */
static int
msg_read_varints(const uint8_t *p, size_t len, uint32_t fa, uint64_t *a,
    uint32_t fb, uint64_t *b)
{
	struct pb_reader r;
	uint32_t	 field;
	enum pb_wire	 wire;
	uint64_t	 v;

	*a = 0;
	if (b != NULL)
		*b = 0;
	pb_reader_init(&r, p, len);
	while (r.p < r.end) {
		if (pb_read_key(&r, &field, &wire) != 0)
			return -1;
		if (wire == PB_VARINT && (field == fa || (b && field == fb))) {
			if (pb_read_varint(&r, &v) != 0)
				return -1;
			if (field == fa)
				*a = v;
			else
				*b = v;
		} else if (pb_skip(&r, wire) != 0)
			return -1;
	}
	return 0;
}

/*
 * Walk UserMessage/HostMessage: for each instruction and each extension
 * in it, call `ext` with the extension's field number and body.
 */
typedef int (*msg_ext_fn)(void *, uint32_t, const uint8_t *, size_t);

static int
msg_walk(const uint8_t *p, size_t len, msg_ext_fn ext, void *arg)
{
	struct pb_reader r, ir;
	uint32_t	 field;
	enum pb_wire	 wire;
	const uint8_t	*q, *e;
	size_t		 n, elen;
	int		 rc;

	pb_reader_init(&r, p, len);
	while (r.p < r.end) {
		if (pb_read_key(&r, &field, &wire) != 0)
			return PROTO_ERR_PROTOBUF;
		if (field != F_INSTRUCTION || wire != PB_LEN) {
			if (pb_skip(&r, wire) != 0)
				return PROTO_ERR_PROTOBUF;
			continue;
		}
		if (pb_read_len(&r, &q, &n) != 0)
			return PROTO_ERR_PROTOBUF;
		ir.p = q;
		ir.end = q + n;
		while (ir.p < ir.end) {
			if (pb_read_key(&ir, &field, &wire) != 0)
				return PROTO_ERR_PROTOBUF;
			if (wire != PB_LEN) {
				if (pb_skip(&ir, wire) != 0)
					return PROTO_ERR_PROTOBUF;
				continue;
			}
			if (pb_read_len(&ir, &e, &elen) != 0)
				return PROTO_ERR_PROTOBUF;
			if ((rc = ext(arg, field, e, elen)) != 0)
				return rc;
		}
	}
	return PROTO_OK;
}

static int
user_msg_ext(void *arg, uint32_t field, const uint8_t *p, size_t len)
{
	const struct user_msg_handler *h = arg;
	const uint8_t	*keys;
	size_t		 n;
	uint64_t	 w, ht;

	switch (field) {
	case EXT_KEYSTROKE:
		if (msg_read_bytes_field(p, len, F_KEYS, &keys, &n) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->keys != NULL ? h->keys(h->arg, keys, n) : 0;
	case EXT_RESIZE:
		if (msg_read_varints(p, len, F_WIDTH, &w, F_HEIGHT, &ht) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->resize != NULL ?
		    h->resize(h->arg, (int32_t)w, (int32_t)ht) : 0;
	case EXT_CAPS:
		if (msg_read_varints(p, len, F_CAPS, &w, 0, NULL) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->caps != NULL ? h->caps(h->arg, (uint32_t)w) : 0;
	}
	return 0;
}

/*
 * History { first, skipped, line* }: its numbers and line count to
 * h->history, then each line to h->history_line. Numbers may come in any
 * order; a line too long, or a field of the wrong kind, is refused.
 */
static int
host_msg_history(const struct host_msg_handler *h, const uint8_t *p,
    size_t len)
{
	struct pb_reader r;
	uint32_t	 field;
	enum pb_wire	 wire;
	uint64_t	 first = 0, skipped = 0, v;
	const uint8_t	*s;
	size_t		 n, count = 0;
	int		 pass, rc;

	for (pass = 0; pass < 2; pass++) {
		pb_reader_init(&r, p, len);
		while (r.p < r.end) {
			if (pb_read_key(&r, &field, &wire) != 0)
				return PROTO_ERR_PROTOBUF;
			if (field == F_HIST_LINE) {
				if (wire != PB_LEN || pb_read_len(&r, &s, &n) != 0 ||
				    n > HOST_HISTORY_LINE_MAX)
					return PROTO_ERR_PROTOBUF;
				if (pass == 0)
					count++;
				else if (h->history_line != NULL &&
				    (rc = h->history_line(h->arg, s, n)) != 0)
					return rc;
			} else if (field == F_HIST_FIRST || field == F_HIST_SKIPPED) {
				if (wire != PB_VARINT || pb_read_varint(&r, &v) != 0)
					return PROTO_ERR_PROTOBUF;
				*(field == F_HIST_FIRST ? &first : &skipped) = v;
			} else if (pb_skip(&r, wire) != 0)
				return PROTO_ERR_PROTOBUF;
		}
		if (pass == 0 && h->history != NULL &&
		    (rc = h->history(h->arg, first, skipped, count)) != 0)
			return rc;
	}
	return 0;
}

static int
host_msg_ext(void *arg, uint32_t field, const uint8_t *p, size_t len)
{
	const struct host_msg_handler *h = arg;
	const uint8_t	*s;
	size_t		 n;
	uint64_t	 a, b;

	switch (field) {
	case EXT_HOSTBYTES:
		if (msg_read_bytes_field(p, len, F_HOSTSTRING, &s, &n) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->bytes != NULL ? h->bytes(h->arg, s, n) : 0;
	case EXT_RESIZE:
		if (msg_read_varints(p, len, F_WIDTH, &a, F_HEIGHT, &b) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->resize != NULL ?
		    h->resize(h->arg, (int32_t)a, (int32_t)b) : 0;
	case EXT_ECHOACK:
		if (msg_read_varints(p, len, F_ECHO_ACK_NUM, &a, 0, NULL) != 0)
			return PROTO_ERR_PROTOBUF;
		return h->echoack != NULL ? h->echoack(h->arg, a) : 0;
	case EXT_HISTORY:
		return host_msg_history(h, p, len);
	}
	return 0;
}

/* Each notice and its extension number. */
static const struct {
	enum host_notice notice;
	uint32_t	 ext;
} host_notices[] = {
	{ HOST_NOTICE_MOVED,	 EXT_MOVED },
	{ HOST_NOTICE_READ_ONLY, EXT_READ_ONLY },
	{ HOST_NOTICE_SCROLLBACK, EXT_SCROLLBACK },
	{ HOST_NOTICE_ALT_ON,	 EXT_ALT_ON },
	{ HOST_NOTICE_ALT_OFF,	 EXT_ALT_OFF },
};
#define HOST_NOTICES (sizeof(host_notices) / sizeof(host_notices[0]))

int
host_msg_add_notice(struct buf *b, enum host_notice n)
{
	size_t	 i;

	for (i = 0; i < HOST_NOTICES; i++)
		if (host_notices[i].notice == n)
			return msg_open_ext(b, host_notices[i].ext, 0);
	return -1;
}

static int
host_msg_notice_ext(void *arg, uint32_t field, const uint8_t *p, size_t len)
{
	size_t	 i;

	(void)p;
	(void)len;
	for (i = 0; i < HOST_NOTICES; i++)
		if (field == host_notices[i].ext)
			*(unsigned *)arg |= (unsigned)host_notices[i].notice;
	return 0;
}

unsigned
host_msg_notices(const uint8_t *p, size_t len)
{
	unsigned	 n = 0;

	return msg_walk(p, len, host_msg_notice_ext, &n) == PROTO_OK ? n : 0;
}

int
user_msg_parse(const uint8_t *p, size_t len, const struct user_msg_handler *h)
{
	return msg_walk(p, len, user_msg_ext, (void *)(uintptr_t)h);
}

int
host_msg_parse(const uint8_t *p, size_t len, const struct host_msg_handler *h)
{
	return msg_walk(p, len, host_msg_ext, (void *)(uintptr_t)h);
}

enum proto_err
user_msg_validate(const uint8_t *p, size_t len)
{
	static const struct user_msg_handler none = { NULL, NULL, NULL, NULL };

	return user_msg_parse(p, len, &none) == 0 ? PROTO_OK :
	    PROTO_ERR_PROTOBUF;
}

enum proto_err
host_msg_validate(const uint8_t *p, size_t len)
{
	static const struct host_msg_handler none = { NULL, NULL, NULL, NULL,
	    NULL, NULL };

	return host_msg_parse(p, len, &none) == 0 ? PROTO_OK :
	    PROTO_ERR_PROTOBUF;
}

/*
 * Decode a session's datagrams from an `impair --dump` file, to see where
 * the bytes on the wire go.
 *
 *   wire_decode [-b] KEY DUMPFILE
 *
 * One line per datagram, key=value words:
 *
 *   t=MS dir=up|down seq=N len=WIRE ts=N tsr=N|none id=N frag=I[f]
 *   [old= new= ack= throw= diff= chaff= pb= z= (when an instruction is
 *   whole) K=n R=WxH H=n E=n (its UserMessage/HostMessage items)]
 *
 * len is the UDP payload; z the compressed instruction (all its
 * fragments); pb the protobuf instruction; diff and chaff its two byte
 * fields. -b also prints each item's bytes, C-escaped, after the line.
 * Exit 0; 1 on a datagram that does not open or decode.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/datagram.h"
#include "proto/fragment.h"
#include "proto/key.h"
#include "proto/msg.h"

#define REC_HEADER	7	/* impair's --dump record header */

struct side {
	struct dgram_session	 s;
	struct frag_assembly	 a;
};

static int	show_bytes;

static void
put_escaped(const uint8_t *p, size_t n)
{
	size_t	 i;

	fputs("    \"", stdout);
	for (i = 0; i < n; i++) {
		if (p[i] == '\\' || p[i] == '"')
			printf("\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			putchar(p[i]);
		else if (p[i] == 0x1b)
			fputs("\\e", stdout);
		else
			printf("\\x%02x", p[i]);
	}
	fputs("\"\n", stdout);
}

/* Items are printed on the datagram's line; their bytes after it. */
struct items {
	char		 line[512];
	size_t		 used;
	const uint8_t	*bytes[16];
	size_t		 lens[16];
	size_t		 n;
};

/* Adds " " and the word FMT... to the line, and the item's N bytes at P. */
static int	items_add(void *, const uint8_t *, size_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static int
items_add(void *arg, const uint8_t *p, size_t n, const char *fmt, ...)
{
	struct items	*it = arg;
	va_list		 ap;
	char		 word[32];
	int		 w;

	va_start(ap, fmt);
	vsnprintf(word, sizeof word, fmt, ap);
	va_end(ap);
	w = snprintf(it->line + it->used, sizeof it->line - it->used, " %s",
	    word);
	if (w > 0 && (size_t)w < sizeof it->line - it->used)
		it->used += (size_t)w;
	if (p != NULL && it->n < sizeof it->lens / sizeof it->lens[0]) {
		it->bytes[it->n] = p;
		it->lens[it->n++] = n;
	}
	return 0;
}

static int
on_keys(void *arg, const uint8_t *p, size_t n)
{
	return items_add(arg, p, n, "K=%zu", n);
}

static int
on_resize(void *arg, int32_t width, int32_t height)
{
	return items_add(arg, NULL, 0, "R=%dx%d", (int)width, (int)height);
}

static int
on_hostbytes(void *arg, const uint8_t *p, size_t n)
{
	return items_add(arg, p, n, "H=%zu", n);
}

static int
on_echoack(void *arg, uint64_t v)
{
	return items_add(arg, NULL, 0, "E=%llu", (unsigned long long)v);
}

/* A whole instruction: its numbers and sizes, then its items. */
static int
print_instruction(struct side *sd, enum dgram_dir dir)
{
	static const struct user_msg_handler uh = { on_keys, on_resize, NULL, NULL };
	static const struct host_msg_handler hh = { on_hostbytes, on_resize,
	    on_echoack, NULL, NULL, NULL };
	struct user_msg_handler u = uh;
	struct host_msg_handler h = hh;
	struct instruction in;
	struct items	 it;
	size_t		 i;
	int		 rc;

	if (frag_assembly_take(&sd->a, &in) != PROTO_OK)
		return -1;
	printf(" old=%llu new=%llu ack=%llu throw=%llu diff=%zu chaff=%zu"
	    " pb=%zu z=%zu", (unsigned long long)in.old_num,
	    (unsigned long long)in.new_num, (unsigned long long)in.ack_num,
	    (unsigned long long)in.throwaway_num, in.diff_len, in.chaff_len,
	    sd->a.inflated.len, sd->a.joined.len);
	memset(&it, 0, sizeof it);
	u.arg = h.arg = &it;
	if (dir == DGRAM_TO_SERVER)
		rc = user_msg_parse(in.diff, in.diff_len, &u);
	else
		rc = host_msg_parse(in.diff, in.diff_len, &h);
	printf("%s\n", it.line);
	if (rc != 0)
		return -1;
	for (i = 0; show_bytes && i < it.n; i++)
		put_escaped(it.bytes[i], it.lens[i]);
	return 0;
}

static int
decode_one(struct side *sides, uint32_t ms, int d, const uint8_t *p,
    size_t n)
{
	struct side	*sd = &sides[d];
	struct dgram	 g;
	enum proto_err	 e;
	uint64_t	 id = 0;
	unsigned	 num;
	int		 i;

	if (dgram_open(&sd->s, p, n, &g) != PROTO_OK ||
	    g.payload_len < FRAG_HEADER_LEN)
		return -1;
	for (i = 0; i < 8; i++)
		id = id << 8 | g.payload[i];
	num = (unsigned)g.payload[8] << 8 | g.payload[9];
	printf("t=%u dir=%s seq=%llu len=%zu ts=%u tsr=", ms,
	    d == 0 ? "up" : "down", (unsigned long long)g.seq, n,
	    g.timestamp);
	if (g.timestamp_reply == DGRAM_TS_NONE)
		fputs("none", stdout);
	else
		printf("%u", g.timestamp_reply);
	printf(" id=%llu frag=%u%s", (unsigned long long)id, num & 0x7fff,
	    num & 0x8000 ? "f" : "");
	e = frag_assembly_add(&sd->a, g.payload, g.payload_len);
	if (e == PROTO_ERR_INCOMPLETE) {
		putchar('\n');
		return 0;
	}
	if (e != PROTO_OK)
		return -1;
	return print_instruction(sd, g.dir);
}

int
main(int argc, char **argv)
{
	struct side	 sides[2];
	struct mosh_key	 key;
	const char	*why;
	uint8_t		 h[REC_HEADER], p[65536];
	uint32_t	 ms;
	size_t		 n;
	FILE		*f;
	int		 rc = 0;

	if (argc > 1 && strcmp(argv[1], "-b") == 0) {
		show_bytes = 1;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: wire_decode [-b] KEY DUMPFILE\n");
		return 2;
	}
	if (key_parse(argv[1], &key, &why) != 0) {
		fprintf(stderr, "wire_decode: key: %s\n", why);
		return 2;
	}
	if ((f = fopen(argv[2], "re")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	/* Each side opens what the other sends. */
	memset(sides, 0, sizeof sides);
	if (dgram_session_init(&sides[0].s, &key, DGRAM_TO_CLIENT) != 0 ||
	    dgram_session_init(&sides[1].s, &key, DGRAM_TO_SERVER) != 0)
		return 1;
	frag_assembly_init(&sides[0].a);
	frag_assembly_init(&sides[1].a);
	while (fread(h, 1, sizeof h, f) == sizeof h) {
		ms = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 |
		    (uint32_t)h[3] << 8 | h[4];
		n = (size_t)h[5] << 8 | h[6];
		if (h[0] > 1 || fread(p, 1, n, f) != n) {
			fprintf(stderr, "wire_decode: bad record\n");
			rc = 1;
			break;
		}
		if (decode_one(sides, ms, h[0], p, n) != 0) {
			printf(" (does not decode)\n");
			rc = 1;
		}
	}
	fclose(f);
	frag_assembly_free(&sides[0].a);
	frag_assembly_free(&sides[1].a);
	dgram_session_clear(&sides[0].s);
	dgram_session_clear(&sides[1].s);
	key_wipe(&key);
	return rc;
}

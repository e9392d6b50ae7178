/*
 * libFuzzer target for SSP's receiver on both ends: ssp_receive fed the
 * payloads a peer sends after decryption (fragments), then what each
 * program does with the newest state. The client receives host states
 * (statesync/hoststate: a HostMessage runs its host bytes through the
 * emulator of a clone of the reference state, then the client renders
 * it); the server receives user states (userstream: keystrokes and
 * resizes, which it takes out with ssp_remote_diff and applies).
 *
 * The input is a script, encoded here with the project's own writers
 * (msg, instruction, fragment, zlib), so most inputs are authentic
 * sequences of states and reach the apply paths rather than the parsers'
 * reject paths. Time is simulated.
 *
 * Byte 0: bit 0 the side (0 client: host states; 1 server: user
 * states), bits 1-7 the fragment size. Then records, by op byte % 8:
 *   0-3 state: flags, old, new, throwaway, ack, item count, items.
 *       old = newest sent - old; new = newest sent + new (0: a
 *       duplicate); throwaway = old - throwaway; ack 255 = shutdown.
 *       flags: bits 0-1 delivery (in order, reversed, last fragment
 *       lost, each twice), bit 2 new = shutdown, bits 3-6 chaff
 *       length (bit 3 also: the peer takes fragment reports), bit 7 a
 *       wrong protocol version.
 *       items (type % 5): 0 bytes (len, bytes), 1 repeat (len, count
 *       as 2 bytes, bytes), 2 resize (w, h), 3 echo ack (n), 4 raw
 *       protobuf bytes (len, bytes). Bytes are host bytes on the
 *       client side and keystrokes on the server side.
 *   4   raw fragment: 2-byte length, bytes.
 *   5   the clock advances by n * 100 ms.
 *   6   the sender's timers run (ssp_wait_time, ssp_tick).
 *   7   kind byte, by kind % 4: 0 and 2, a report of our pending
 *       fragments, as the peer sends one (a duplicate that acks ack,
 *       report length, bitmap; our fragmenter's id, or for 2 a wrong
 *       one); 1, our own side changes: (kind >> 2) KiB of noise
 *       (seeded by the next byte) typed by the user (client) or printed
 *       by the application (server), so that what we send is many
 *       fragments; 3, our side starts to shut down.
 *
 * Our side sends for real, to a socket nobody reads: states, acks,
 * reports, repairs and probes all run.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/conn.h"
#include "proto/fragment.h"
#include "proto/msg.h"
#include "proto/ssp.h"
#include "proto/userstream.h"
#include "statesync/hoststate.h"
#include "term/display.h"
#include "term/input.h"
#include "tests/fuzz/fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Host bytes and keys one input may produce: enough to reach the
 * emulator's limits (an OSC body caps at 16 Ki code points), few
 * enough to keep executions fast. */
#define FS_PAYLOAD_MAX	(32 * 1024)
/* Keys the server echoes: a line feed on a tall screen costs a scroll,
 * and the server's screen is the display fuzzer's business anyway. */
#define FS_ECHO_MAX	1024
#define FS_COLS		80
#define FS_ROWS		24
/* Our own side's changes one input may make (op 7). */
#define FS_LOCAL_MAX	(32 * 1024)

struct fs_in {
	const uint8_t	*p;
	size_t		 len;
};

struct fs_ctx {
	struct ssp	 ssp;
	int		 server;	/* we receive user states */
	size_t		 mtu;
	uint64_t	 now;
	uint64_t	 newest;	/* highest new_num sent */
	size_t		 payload;	/* bytes put in diffs so far */
	struct fragmenter frag;
	struct buf	 diff;
	/* Client: what its own terminal shows. */
	struct term_fb	*shown;
	struct term_buf	 out;
	/* Server: keys on their way to the application. */
	struct term_input keys;
	size_t		 echoed;
	uint64_t	 last_remote;
	struct buf	 userdiff;
	struct buf	 report;
	size_t		 local;		/* our own changes so far, bytes */
	struct conn	 conn;
};

/*
 * Where our side sends: a socket bound once and never read (the kernel
 * drops what overflows it). Its address, in *len bytes.
 */
static const struct sockaddr *
fs_sink(socklen_t *len)
{
	static struct sockaddr_in sin;
	static int		 ready;
	socklen_t		 n = sizeof(sin);
	int			 fd, small = 4096;

	*len = sizeof(sin);
	if (ready)
		return (const struct sockaddr *)&sin;
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &n) != 0)
		abort();
	ready = 1;
	return (const struct sockaddr *)&sin;
}

/* A conn of its own for each input, facing the sink. */
static int
fs_conn(struct fs_ctx *f)
{
	const struct sockaddr *sa;
	struct mosh_key	 k;
	socklen_t	 len;

	memset(k.bytes, 0x33, sizeof(k.bytes));
	sa = fs_sink(&len);
	return conn_client_init(&f->conn, &k, sa, len, f->now);
}

static int
fs_byte(struct fs_in *in, uint8_t *b)
{
	if (in->len == 0)
		return -1;
	*b = *in->p++;
	in->len--;
	return 0;
}

/* Up to n bytes of the input; returns how many. */
static size_t
fs_take(struct fs_in *in, size_t n, const uint8_t **p)
{
	if (n > in->len)
		n = in->len;
	*p = in->p;
	in->p += n;
	in->len -= n;
	return n;
}

/* A window dimension: small ones mostly, and both sides of the limits. */
static int32_t
fs_dim(uint8_t b)
{
	switch (b) {
	case 0:
		return 0;
	case 255:
		return TERM_MAX_COLS + 1;
	case 254:
		return TERM_MAX_COLS;
	case 253:
		return -1;
	default:
		return b;
	}
}

static int
fs_add_bytes(struct fs_ctx *f, const uint8_t *p, size_t n)
{
	if (f->server)
		return user_msg_add_keys(&f->diff, p, n);
	return host_msg_add_bytes(&f->diff, p, n);
}

/* One item of a state's diff. */
static void
fs_item(struct fs_ctx *f, struct fs_in *in)
{
	const uint8_t	*p;
	uint8_t		 t, a, b, c;
	struct buf	 rep = BUF_INIT;
	size_t		 n, count, i;

	if (fs_byte(in, &t) != 0 || fs_byte(in, &a) != 0)
		return;
	switch (t % 5) {
	case 0:
		n = fs_take(in, a, &p);
		if (f->payload + n <= FS_PAYLOAD_MAX) {
			f->payload += n;
			(void)fs_add_bytes(f, p, n);
		}
		break;
	case 1:
		if (fs_byte(in, &b) != 0 || fs_byte(in, &c) != 0)
			return;
		n = fs_take(in, a, &p);
		count = (size_t)b << 8 | c;
		if (n == 0 || f->payload + n * count > FS_PAYLOAD_MAX)
			return;
		f->payload += n * count;
		for (i = 0; i < count; i++)
			if (buf_append(&rep, p, n) != 0)
				break;
		(void)fs_add_bytes(f, rep.data, rep.len);
		buf_free(&rep);
		break;
	case 2:
		if (fs_byte(in, &b) != 0)
			return;
		if (f->server)
			(void)user_msg_add_resize(&f->diff, fs_dim(a), fs_dim(b));
		else
			(void)host_msg_add_resize(&f->diff, fs_dim(a), fs_dim(b));
		break;
	case 3:
		if (!f->server)
			(void)host_msg_add_echoack(&f->diff, a);
		break;
	default:
		n = fs_take(in, a, &p);
		(void)buf_append(&f->diff, p, n);
		break;
	}
}

/* The receiver's report of a partial instruction says what it holds. */
static void
fs_check_report(struct fs_ctx *f)
{
	const struct frag_assembly *a = &f->ssp.assembly;
	size_t		 i, bits;
	bool		 bit;

	if (frag_assembly_report(a, &f->report) != 0)
		return;
	bits = a->used;
	if (bits > (INSTRUCTION_REPORT_MAX - 8) * 8)
		bits = (INSTRUCTION_REPORT_MAX - 8) * 8;
	if (f->report.len != 8 + (bits + 7) / 8 ||
	    (a->total != 0 && a->arrived == a->total))
		abort();
	for (i = 0; i < (f->report.len - 8) * 8; i++) {
		bit = (f->report.data[8 + i / 8] >> (i % 8) & 1) != 0;
		if (bit != (i < bits && a->slots[i].present))
			abort();
	}
}

static void
fs_deliver(struct fs_ctx *f, size_t i)
{
	const uint8_t	*p;
	size_t		 n;

	fragmenter_get(&f->frag, i, &p, &n);
	(void)ssp_receive(&f->ssp, p, n, f->now);
	fs_check_report(f);
}

/* A state record: build the instruction as a sender would, deliver it. */
static void
fs_state(struct fs_ctx *f, struct fs_in *in)
{
	struct instruction ins;
	static const uint8_t chaff[SSP_CHAFF_MAX];
	uint8_t		 flags, o, n, t, a, items;
	size_t		 i, count;

	if (fs_byte(in, &flags) != 0 || fs_byte(in, &o) != 0 ||
	    fs_byte(in, &n) != 0 || fs_byte(in, &t) != 0 ||
	    fs_byte(in, &a) != 0 || fs_byte(in, &items) != 0)
		return;
	buf_reset(&f->diff);
	for (i = 0; i < items; i++)
		fs_item(f, in);

	memset(&ins, 0, sizeof(ins));
	ins.protocol_version = flags & 0x80 ? MOSH_PROTOCOL_VERSION + 1 :
	    MOSH_PROTOCOL_VERSION;
	ins.old_num = f->newest >= o ? f->newest - o : 0;
	ins.new_num = flags & 4 ? SSP_NUM_SHUTDOWN : f->newest + n;
	ins.throwaway_num = ins.old_num >= t ? ins.old_num - t : 0;
	ins.ack_num = a == 255 ? SSP_NUM_SHUTDOWN : a;
	ins.diff = f->diff.data;
	ins.diff_len = f->diff.len;
	ins.chaff = chaff;
	ins.chaff_len = (flags >> 3) & 0x0f;
	/* A peer that takes fragment reports: ours then sends them. */
	ins.takes_reports = (flags >> 3) & 1;
	if (ins.new_num != SSP_NUM_SHUTDOWN && ins.new_num > f->newest)
		f->newest = ins.new_num;
	if (fragmenter_make(&f->frag, &ins, f->mtu) != PROTO_OK)
		return;

	count = fragmenter_count(&f->frag);
	switch (flags & 3) {
	case 0:
		for (i = 0; i < count; i++)
			fs_deliver(f, i);
		break;
	case 1:
		for (i = count; i-- > 0;)
			fs_deliver(f, i);
		break;
	case 2:
		for (i = 0; i + 1 < count; i++)
			fs_deliver(f, i);
		break;
	default:
		for (i = 0; i < count; i++) {
			fs_deliver(f, i);
			fs_deliver(f, i);
		}
		break;
	}
}

/* A report of our pending fragments, in a duplicate of the peer's
 * newest state, as our peer sends one beside a partial instruction. */
static void
fs_report(struct fs_ctx *f, struct fs_in *in, uint8_t kind)
{
	struct instruction ins;
	const uint8_t	*bits;
	uint8_t		 r[INSTRUCTION_REPORT_MAX], a, n;
	uint64_t	 id;
	size_t		 i, len, count;

	if (fs_byte(in, &a) != 0 || fs_byte(in, &n) != 0)
		return;
	id = fragmenter_id(&f->ssp.frag) ^ (kind & 2 ? 1 : 0);
	for (i = 0; i < 8; i++)
		r[i] = (uint8_t)(id >> (56 - 8 * i));
	len = fs_take(in, n, &bits);
	memcpy(r + 8, bits, len);
	memset(&ins, 0, sizeof(ins));
	ins.protocol_version = MOSH_PROTOCOL_VERSION;
	ins.old_num = ins.new_num = f->newest;
	ins.ack_num = a;
	ins.report = r;
	ins.report_len = 8 + len;
	if (fragmenter_make(&f->frag, &ins, f->mtu) != PROTO_OK)
		return;
	count = fragmenter_count(&f->frag);
	for (i = 0; i < count; i++)
		fs_deliver(f, i);
}

/* Our own side changes: noise the user types or the application prints. */
static void
fs_local(struct fs_ctx *f, struct fs_in *in, uint8_t kind)
{
	uint8_t		 seed, noise[1024];
	uint32_t	 x;
	size_t		 kib = kind >> 2, i, j;

	if (fs_byte(in, &seed) != 0)
		return;
	x = 0x9e3779b9u ^ seed;
	for (j = 0; j < kib && f->local + sizeof(noise) <= FS_LOCAL_MAX; j++) {
		for (i = 0; i < sizeof(noise); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			noise[i] = (uint8_t)(0x20 + x % 95);
		}
		f->local += sizeof(noise);
		if (f->server)
			(void)term_emu_write(((struct host_state *)
			    ssp_current(&f->ssp))->emu, noise, sizeof(noise));
		else
			(void)userstream_push_keys(ssp_current(&f->ssp), noise,
			    sizeof(noise));
	}
}

/* The client: draw the newest host state on its own terminal. */
static void
fs_client_render(struct fs_ctx *f)
{
	const struct host_state *h = ssp_remote(&f->ssp);
	struct term_fb	*next;

	if ((next = term_fb_clone(term_emu_fb(h->emu))) == NULL)
		return;
	term_buf_clear(&f->out);
	if (term_display_diff(f->shown, next, &f->out) != 0) {
		term_fb_free(next);
		return;
	}
	term_fb_free(f->shown);
	f->shown = next;
}

static int
fs_server_keys(void *arg, const uint8_t *p, size_t n)
{
	struct fs_ctx	*f = arg;
	struct host_state *h = ssp_current(&f->ssp);
	uint8_t		 out[2];
	size_t		 i, k;

	/* The application echoes what it is sent, as a shell would. */
	for (i = 0; i < n; i++) {
		k = term_input_byte(&f->keys, p[i],
		    term_emu_app_cursor_keys(h->emu), out);
		if (k > 0 && f->echoed < FS_ECHO_MAX) {
			f->echoed += k;
			(void)term_emu_write(h->emu, out, k);
		}
	}
	term_buf_clear(term_emu_replies(h->emu));
	return 0;
}

static int
fs_server_resize(void *arg, int32_t w, int32_t h)
{
	struct fs_ctx	*f = arg;
	struct host_state *hs = ssp_current(&f->ssp);

	if (w >= 1 && h >= 1 && w <= TERM_MAX_COLS && h <= TERM_MAX_ROWS)
		(void)term_emu_resize(hs->emu, w, h);
	return 0;
}

/* The server: take out what the user did since last time and do it. */
static void
fs_server_input(struct fs_ctx *f)
{
	struct user_msg_handler h = { fs_server_keys, fs_server_resize, f,
	    NULL };

	if (ssp_remote_news(&f->ssp, &f->last_remote, &f->userdiff) != 0)
		return;
	if (user_msg_parse(f->userdiff.data, f->userdiff.len, &h) != PROTO_OK)
		abort();	/* SSP applied these bytes already */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_ctx	 f;
	struct fs_in	 in;
	struct host_state *hs;
	struct userstream *us;
	const uint8_t	*p;
	uint8_t		 op, b, c;
	size_t		 n;

	fuzz_utf8_locale();
	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.server = data[0] & 1;
	f.mtu = FRAG_HEADER_LEN + 1 + (size_t)(data[0] >> 1) * 10;
	f.now = 1000;
	in.p = data + 1;
	in.len = size - 1;

	hs = host_state_new(FS_COLS, FS_ROWS);
	us = userstream_new();
	if (hs == NULL || us == NULL) {
		host_state_free(hs);
		userstream_free(us);
		return 0;
	}
	if (fs_conn(&f) != 0) {
		host_state_free(hs);
		userstream_free(us);
		return 0;
	}
	/* A failed ssp_init has freed our own state but not the peer's. */
	if (f.server) {
		if (ssp_init(&f.ssp, &f.conn, &host_state_ops, hs,
		    &userstream_ops, us, f.now) != 0) {
			userstream_free(us);
			conn_close(&f.conn);
			return 0;
		}
		/* As the server sets it. */
		ssp_set_resend_on_loss(&f.ssp);
	} else {
		/* A client that takes history: the lines are read too. */
		struct host_history *ring = host_history_new(64);

		host_state_set_history(hs, ring, 0);
		host_history_unref(ring);
	}
	if (!f.server && ssp_init(&f.ssp, &f.conn, &userstream_ops, us,
	    &host_state_ops, hs, f.now) != 0) {
		host_state_free(hs);
		conn_close(&f.conn);
		return 0;
	}
	fragmenter_init(&f.frag);
	term_buf_init(&f.out);

	while (fs_byte(&in, &op) == 0) {
		switch (op % 8) {
		case 4:
			if (fs_byte(&in, &b) != 0 || fs_byte(&in, &c) != 0)
				break;
			n = fs_take(&in, (size_t)b << 8 | c, &p);
			(void)ssp_receive(&f.ssp, p, n, f.now);
			break;
		case 5:
			if (fs_byte(&in, &b) == 0)
				f.now += (uint64_t)b * 100;
			break;
		case 6:
			(void)ssp_wait_time(&f.ssp, f.now);
			(void)ssp_tick(&f.ssp, f.now);
			break;
		case 7:
			if (fs_byte(&in, &b) != 0)
				break;
			if (b % 4 == 1)
				fs_local(&f, &in, b);
			else if (b % 4 == 3)
				ssp_start_shutdown(&f.ssp, f.now);
			else
				fs_report(&f, &in, b);
			break;
		default:
			fs_state(&f, &in);
			break;
		}
		if (f.server)
			fs_server_input(&f);
		else
			fs_client_render(&f);
		f.now++;
	}

	ssp_free(&f.ssp);
	conn_close(&f.conn);
	buf_free(&f.report);
	fragmenter_free(&f.frag);
	buf_free(&f.diff);
	buf_free(&f.userdiff);
	term_fb_free(f.shown);
	term_buf_free(&f.out);
	return 0;
}

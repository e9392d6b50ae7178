/*
 * SSP end to end over real loopback UDP sockets with a simulated clock:
 * convergence under loss, replays, acks and pacing, shutdown, roaming.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include "proto/conn.h"
#include "proto/fragment.h"
#include "proto/msg.h"
#include "proto/ssp.h"
#include "proto/userstream.h"
#include "tests/unit/check.h"

struct side {
	struct conn	 c;
	struct ssp	 s;
};

struct pair {
	struct side	 client, server;
	uint64_t	 now;
	uint64_t	 rng;
	unsigned	 loss_pct;	/* each direction */
	bool		 blackhole_to_client;
	bool		 blackhole_to_server;
	uint8_t		 captured[DGRAM_RECV_MAX];	/* last client datagram */
	size_t		 captured_len;
	unsigned	 to_server, to_client;
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
pair_open(struct pair *p, uint64_t seed)
{
	struct mosh_key	 k;
	struct sockaddr_in sin;
	int		 fd, port;

	memset(p, 0, sizeof(*p));
	p->now = 1000000;
	p->rng = seed;
	key_generate(&k);
	if (conn_udp_bind("127.0.0.1", 0, 0, &fd, &port) != 0)
		return -1;
	if (conn_server_init(&p->server.c, &k, &fd, 1, p->now) != 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (conn_client_init(&p->client.c, &k, (struct sockaddr *)&sin,
	    sizeof(sin), p->now) != 0)
		return -1;
	if (ssp_init(&p->client.s, &p->client.c, &userstream_ops,
	    userstream_new(), &userstream_ops, userstream_new(), p->now) != 0 ||
	    ssp_init(&p->server.s, &p->server.c, &userstream_ops,
	    userstream_new(), &userstream_ops, userstream_new(), p->now) != 0)
		return -1;
	ssp_set_send_mindelay(&p->client.s, SSP_MINDELAY_CLIENT_MS);
	return 0;
}

static void
pair_close(struct pair *p)
{
	ssp_free(&p->client.s);
	ssp_free(&p->server.s);
	conn_close(&p->client.c);
	conn_close(&p->server.c);
}

/* Deliver what is queued for `to`, dropping some, remembering the last
 * datagram to the server for replay tests. */
static void
pair_deliver(struct pair *p, struct side *to, bool to_server)
{
	int	 fds[CONN_MAX_SOCKS];
	size_t	 n, i;
	uint8_t	 tmp[DGRAM_RECV_MAX];
	ssize_t	 r;

	n = conn_fds(&to->c, fds, CONN_MAX_SOCKS);
	for (i = 0; i < n; i++) {
		for (;;) {
			r = recv(fds[i], tmp, sizeof(tmp), MSG_PEEK | MSG_DONTWAIT);
			if (r < 0)
				break;
			if ((!to_server && p->blackhole_to_client) ||
			    (to_server && p->blackhole_to_server) ||
			    rnd(&p->rng) % 100 < p->loss_pct) {
				(void)recv(fds[i], tmp, sizeof(tmp), MSG_DONTWAIT);
				continue;
			}
			if (to_server) {
				memcpy(p->captured, tmp, (size_t)r);
				p->captured_len = (size_t)r;
				p->to_server++;
			} else
				p->to_client++;
			(void)ssp_recv_one(&to->s, fds[i], p->now);
		}
	}
}

/* Advance the clock by `ms`, one millisecond at a time. */
static void
pair_run(struct pair *p, unsigned ms)
{
	unsigned	 i;

	for (i = 0; i < ms; i++) {
		p->now++;
		ssp_tick(&p->client.s, p->now);
		ssp_tick(&p->server.s, p->now);
		pair_deliver(p, &p->server, true);
		pair_deliver(p, &p->client, false);
	}
}

/* Everything the server has received from the client, as key bytes. */
static size_t
server_keys(struct pair *p, uint8_t *out, size_t cap)
{
	const struct userstream *u = ssp_remote(&p->server.s);
	size_t	 i, n = 0;

	for (i = 0; i < u->nkeys && n < cap; i++)
		out[n++] = u->keys[i];
	return n;
}

/* News only when the peer's state number moved, the diff reset first. */
static void
test_remote_news(struct check *t)
{
	struct pair	 p;
	struct buf	 d = BUF_INIT;
	uint64_t	 seen = 0;

	CHECK(t, pair_open(&p, 11) == 0);
	CHECK_EQ_INT(t, ssp_remote_news(&p.server.s, &seen, &d), 1);
	userstream_push_keys(ssp_current(&p.client.s),
	    (const uint8_t *)"abc", 3);
	pair_run(&p, 50);
	(void)buf_append(&d, (const uint8_t *)"stale", 5);
	CHECK_EQ_INT(t, ssp_remote_news(&p.server.s, &seen, &d), 0);
	CHECK_EQ_INT(t, seen, ssp_remote_num(&p.server.s));
	CHECK(t, d.len > 0 && user_msg_validate(d.data, d.len) == PROTO_OK);
	CHECK(t, d.len < 5 || memcmp(d.data, "stale", 5) != 0);
	CHECK_EQ_INT(t, ssp_remote_news(&p.server.s, &seen, &d), 1);
	buf_free(&d);
	pair_close(&p);
}

static void
test_basic_sync(struct check *t)
{
	struct pair	 p;
	uint8_t		 got[64];
	struct buf	 d = BUF_INIT;

	CHECK(t, pair_open(&p, 7) == 0);
	userstream_push_resize(ssp_current(&p.client.s), 80, 24);
	userstream_push_keys(ssp_current(&p.client.s),
	    (const uint8_t *)"hello", 5);
	pair_run(&p, 50);
	CHECK_EQ_INT(t, server_keys(&p, got, sizeof(got)), 5);
	CHECK_MEM(t, got, "hello", 5);
	/* The server's view of the increment: a UserMessage with both. */
	CHECK(t, ssp_remote_diff(&p.server.s, &d) == 0);
	CHECK(t, d.len > 0 && user_msg_validate(d.data, d.len) == PROTO_OK);
	buf_reset(&d);
	CHECK(t, ssp_remote_diff(&p.server.s, &d) == 0);
	CHECK_EQ_INT(t, d.len, 0);	/* nothing new since */
	/* The other direction too. */
	/* No RTT sample yet on the server: frames are 250 ms apart. */
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"xy", 2);
	pair_run(&p, SSP_SEND_INTERVAL_MAX_MS + 10);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.client.s)), 2);
	/* Acks flow within ACK_DELAY: both sides' sent lists trimmed. */
	pair_run(&p, SSP_ACK_DELAY_MS + 50);
	CHECK(t, ssp_sent_state_acked(&p.client.s) > 0);
	CHECK(t, ssp_sent_state_acked(&p.server.s) > 0);
	buf_free(&d);
	pair_close(&p);
}

static void
test_converges_under_loss(struct check *t)
{
	struct pair	 p;
	uint8_t		 want[300], got[300];
	size_t		 i;

	CHECK(t, pair_open(&p, 12345) == 0);
	p.loss_pct = 30;
	for (i = 0; i < sizeof(want); i++) {
		want[i] = (uint8_t)('a' + i % 26);
		userstream_push_keys(ssp_current(&p.client.s), &want[i], 1);
		pair_run(&p, 7);
	}
	pair_run(&p, 20000);
	CHECK_EQ_INT(t, server_keys(&p, got, sizeof(got)), sizeof(want));
	CHECK_MEM(t, got, want, sizeof(want));
	/* The client learns, through lossy acks, that all arrived. */
	CHECK_EQ_INT(t, ssp_sent_state_acked(&p.client.s),
	    ssp_sent_state_last(&p.client.s));
	pair_close(&p);
}

static void
test_replay_changes_nothing(struct check *t)
{
	struct pair	 p;
	uint8_t		 got[16], replay[DGRAM_RECV_MAX];
	size_t		 n, rlen;
	uint64_t	 num, stale;
	int		 fd;
	struct sockaddr_storage ss;
	socklen_t	 sl;

	CHECK(t, pair_open(&p, 99) == 0);
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"a", 1);
	pair_run(&p, 30);
	memcpy(replay, p.captured, p.captured_len);
	rlen = p.captured_len;
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"b", 1);
	pair_run(&p, 30);
	n = server_keys(&p, got, sizeof(got));
	num = ssp_remote_num(&p.server.s);
	stale = p.server.c.stats.stale;
	/* Replay an old authentic datagram from a different socket. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sl = sizeof(ss);
	getsockname(p.server.c.socks[0], (struct sockaddr *)&ss, &sl);
	CHECK(t, sendto(fd, replay, rlen, 0, (struct sockaddr *)&ss, sl) ==
	    (ssize_t)rlen);
	pair_deliver(&p, &p.server, true);
	CHECK_EQ_INT(t, server_keys(&p, got, sizeof(got)), n);
	CHECK_EQ_INT(t, ssp_remote_num(&p.server.s), num);
	CHECK_EQ_INT(t, p.server.c.stats.stale, stale + 1);
	/* And the server did not start sending to the replayer. */
	{
		struct sockaddr_in me;
		socklen_t	 ml = sizeof(me);
		const struct sockaddr_in *r;

		getsockname(fd, (struct sockaddr *)&me, &ml);
		r = (const struct sockaddr_in *)conn_remote(&p.server.c, &sl);
		CHECK(t, r->sin_port != me.sin_port);
	}
	close(fd);
	pair_close(&p);
}

static void
test_ack_timing(struct check *t)
{
	struct pair	 p;
	uint64_t	 sent0, num;
	int		 i;

	CHECK(t, pair_open(&p, 5) == 0);
	pair_run(&p, 10);
	/* Idle: empty acks about every 3 s, not more often. */
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 9000);
	CHECK(t, p.client.c.stats.sent - sent0 >= 2);
	CHECK(t, p.client.c.stats.sent - sent0 <= 4);
	/* Data from the client: the server acks within ACK_DELAY of it. */
	num = ssp_remote_num(&p.server.s);
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"z", 1);
	for (i = 0; i < 1000 && ssp_remote_num(&p.server.s) == num; i++)
		pair_run(&p, 1);
	CHECK(t, ssp_remote_num(&p.server.s) != num);
	sent0 = p.server.c.stats.sent;
	pair_run(&p, SSP_ACK_DELAY_MS + 1);
	CHECK_EQ_INT(t, p.server.c.stats.sent, sent0 + 1);
	/* RTT on loopback with a 1 ms step is tiny: frames 20 ms apart. */
	CHECK_EQ_INT(t, ssp_send_interval(&p.client.s), SSP_SEND_INTERVAL_MIN_MS);
	CHECK(t, conn_timeout(&p.client.c) == CONN_MIN_RTO);
	pair_close(&p);
}

/*
 * A session's shell starts when its client is first heard, so its prompt
 * comes just after the server's first (empty) ack: the first state then
 * goes at once (SSP_MINDELAY_FIRST_MS, not the server's 8 ms of
 * collecting), not 250 ms after the server started, an interval guessed
 * from no RTT sample. The next one is paced again.
 */
static void
test_first_state_at_once(struct check *t)
{
	struct pair	 p;
	uint64_t	 heard = 0, drawn, shown = 0;
	unsigned	 i;

	CHECK(t, pair_open(&p, 11) == 0);
	/* The server alone: nobody to send to, it waits for good. */
	CHECK_EQ_INT(t, ssp_wait_time(&p.server.s, p.now), INT32_MAX);
	p.now += 20;		/* the client comes 20 ms later */
	for (i = 0; i < 50 && heard == 0; i++) {
		pair_run(&p, 1);
		if (conn_has_remote(&p.server.c))
			heard = p.now;
	}
	CHECK(t, heard != 0);
	pair_run(&p, 5);
	drawn = p.now;
	userstream_push_keys(ssp_current(&p.server.s),
	    (const uint8_t *)"prompt", 6);
	for (i = 0; i < 400 && shown == 0; i++) {
		pair_run(&p, 1);
		if (userstream_events(ssp_remote(&p.client.s)) == 6)
			shown = p.now;
	}
	CHECK(t, shown != 0);
	CHECK(t, shown - drawn <= SSP_MINDELAY_FIRST_MS + 2);
	/* The next change waits its interval after that one (the client's
	 * ack gave the RTT: the shortest), not just the mindelay. */
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"x", 1);
	pair_run(&p, SSP_MINDELAY_SERVER_MS + 4);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.client.s)), 6);
	pair_run(&p, SSP_SEND_INTERVAL_MIN_MS);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.client.s)), 7);
	pair_close(&p);
}

/* The first news a side hears is acked at once (later ones within
 * ACK_DELAY, bulk at once): the ack is the peer's first RTT sample. */
static void
test_first_news_acked_at_once(struct check *t)
{
	struct pair	 p;
	uint8_t		 bulk[SSP_BULK_ACK_BYTES];
	uint64_t	 sent0;
	unsigned	 i;

	CHECK(t, pair_open(&p, 13) == 0);
	pair_run(&p, 50);
	CHECK(t, !p.server.c.rtt_hit);
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"a", 1);
	for (i = 0; i < 400 &&
	    userstream_events(ssp_remote(&p.client.s)) == 0; i++)
		pair_run(&p, 1);
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 2);
	CHECK_EQ_INT(t, p.client.c.stats.sent, sent0 + 1);
	CHECK(t, p.server.c.rtt_hit);
	/* The next news waits for data to ride along, as before. */
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"b", 1);
	for (i = 0; i < 400 &&
	    userstream_events(ssp_remote(&p.client.s)) == 1; i++)
		pair_run(&p, 1);
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 2);
	CHECK_EQ_INT(t, p.client.c.stats.sent, sent0);
	/* Unless it is bulk: a paste's window comes back a round trip
	 * later, not ACK_DELAY after that. */
	pair_run(&p, SSP_ACK_DELAY_MS + 10);
	memset(bulk, 'p', sizeof(bulk));
	userstream_push_keys(ssp_current(&p.server.s), bulk, sizeof(bulk));
	for (i = 0; i < 400 && userstream_events(ssp_remote(&p.client.s)) ==
	    2; i++)
		pair_run(&p, 1);
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 2);
	CHECK_EQ_INT(t, p.client.c.stats.sent, sent0 + 1);
	pair_close(&p);
}

static void
test_shutdown_handshake(struct check *t)
{
	struct pair	 p;
	int		 i;

	CHECK(t, pair_open(&p, 3) == 0);
	pair_run(&p, 20);
	ssp_start_shutdown(&p.client.s, p.now);
	for (i = 0; i < 2000 && !ssp_shutdown_acknowledged(&p.client.s); i++)
		pair_run(&p, 1);
	CHECK(t, ssp_shutdown_acknowledged(&p.client.s));
	CHECK_EQ_INT(t, ssp_remote_num(&p.server.s), SSP_NUM_SHUTDOWN);
	CHECK(t, ssp_counterparty_shutdown_acknowledged(&p.server.s));
	CHECK(t, !ssp_shutdown_ack_timed_out(&p.client.s, p.now));
	pair_close(&p);

	/* Unanswered: gives up after 16 tries or 10 s. */
	CHECK(t, pair_open(&p, 4) == 0);
	pair_run(&p, 20);
	p.loss_pct = 100;
	ssp_start_shutdown(&p.client.s, p.now);
	pair_run(&p, 11000);
	CHECK(t, !ssp_shutdown_acknowledged(&p.client.s));
	CHECK(t, ssp_shutdown_ack_timed_out(&p.client.s, p.now));
	pair_close(&p);
}

static void
test_roaming_client_followed(struct check *t)
{
	struct pair	 p;
	struct sockaddr_in before, after;
	socklen_t	 sl;
	uint8_t		 got[16];

	CHECK(t, pair_open(&p, 21) == 0);
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"1", 1);
	pair_run(&p, 50);
	memcpy(&before, conn_remote(&p.server.c, &sl), sizeof(before));
	/* Nothing comes back for a while: the client hops to a new port. */
	p.blackhole_to_client = true;
	pair_run(&p, CONN_PORT_HOP_INTERVAL + 4000);
	CHECK(t, p.client.c.nsocks >= 2);
	p.blackhole_to_client = false;
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"2", 1);
	pair_run(&p, 3000);
	memcpy(&after, conn_remote(&p.server.c, &sl), sizeof(after));
	CHECK(t, before.sin_port != after.sin_port);
	CHECK_EQ_INT(t, server_keys(&p, got, sizeof(got)), 2);
	/* The server's replies reach the new socket: acks came through. */
	CHECK_EQ_INT(t, ssp_sent_state_acked(&p.client.s),
	    ssp_sent_state_last(&p.client.s));
	/* Old sockets are closed once the new one has worked for 60 s. */
	pair_run(&p, CONN_MAX_OLD_SOCKET_AGE + 1000);
	CHECK_EQ_INT(t, p.client.c.nsocks, 1);
	pair_close(&p);
}

/*
 * A client that may have moved says so at once: ssp_ack_now makes the
 * next tick send a datagram, where an idle client waits for its
 * heartbeat, and the server hears it.
 */
static void
test_ack_now(struct check *t)
{
	struct pair	 p;
	uint64_t	 sent;
	unsigned	 heard;
	int		 i;

	CHECK(t, pair_open(&p, 31) == 0);
	pair_run(&p, 4000);
	/* Just after a heartbeat: the next is 3 s away. */
	sent = p.client.c.stats.sent;
	for (i = 0; i < 4000 && p.client.c.stats.sent == sent; i++)
		pair_run(&p, 1);
	pair_run(&p, 10);
	CHECK(t, ssp_wait_time(&p.client.s, p.now) > 2000);
	sent = p.client.c.stats.sent;
	heard = p.to_server;
	ssp_ack_now(&p.client.s, p.now);
	CHECK_EQ_INT(t, ssp_wait_time(&p.client.s, p.now), 0);
	pair_run(&p, 1);
	CHECK(t, p.client.c.stats.sent == sent + 1);
	CHECK(t, p.to_server == heard + 1);
	/* Then the heartbeat is 3 s away again, not sooner. */
	CHECK(t, ssp_wait_time(&p.client.s, p.now) > 2000);
	pair_close(&p);
}

/*
 * What the server sent to a client's old address goes again within a
 * send interval of hearing the client at its new one (ssp_peer_moved,
 * which the server calls on a roam); without it, only at the resend
 * timeout, a round trip and an ack delay after the lost send.
 */
static void
test_peer_moved(struct check *t)
{
	struct pair	 p;
	uint64_t	 before, t0, took[2];
	int		 moved, i;

	for (moved = 0; moved < 2; moved++) {
		CHECK(t, pair_open(&p, 33) == 0);
		/* Typing first: the round trip is known (not the 1 s guess). */
		for (i = 0; i < 40; i++) {
			userstream_push_keys(ssp_current(&p.client.s),
			    (const uint8_t *)"k", 1);
			pair_run(&p, 50);
		}
		pair_run(&p, 4000);
		before = ssp_remote_num(&p.client.s);
		/* The client moves; the server's news goes to the old place. */
		p.blackhole_to_client = true;
		userstream_push_keys(ssp_current(&p.server.s),
		    (const uint8_t *)"x", 1);
		pair_run(&p, 30);
		CHECK(t, ssp_remote_num(&p.client.s) == before);
		p.blackhole_to_client = false;
		/* It is heard from where it is now. */
		ssp_ack_now(&p.client.s, p.now);
		pair_run(&p, 1);
		if (moved)
			ssp_peer_moved(&p.server.s, p.now);
		t0 = p.now;
		for (i = 0; i < 2000 && ssp_remote_num(&p.client.s) == before;
		    i++)
			pair_run(&p, 1);
		took[moved] = p.now - t0;
		CHECK(t, ssp_remote_num(&p.client.s) > before);
		pair_close(&p);
	}
	printf("# the lost news again %llu ms after the move was heard; "
	    "%llu ms without ssp_peer_moved\n", (unsigned long long)took[1],
	    (unsigned long long)took[0]);
	CHECK(t, took[1] <= 5);
	CHECK(t, took[0] >= 60);
}

/*
 * The server's echo, then 30 ms later its echo ack, both sent before the
 * client acks the echo: is the second instruction built on the
 * acknowledged state (mosh's prophylactic resend, the echo again) rather
 * than on the echo?
 */
static bool
echo_resent(struct check *t, struct pair *p)
{
	struct instruction last;
	uint64_t	 echo;

	userstream_push_keys(ssp_current(&p->server.s), (const uint8_t *)"e", 1);
	pair_run(p, 30);
	echo = ssp_sent_state_last(&p->server.s);
	userstream_push_keys(ssp_current(&p->server.s), (const uint8_t *)"a", 1);
	pair_run(p, 20);
	last = p->server.s.frag.last;
	CHECK(t, last.new_num == ssp_sent_state_last(&p->server.s));
	CHECK(t, last.new_num > echo);
	CHECK(t, ssp_sent_state_acked(&p->server.s) < echo);
	pair_run(p, 1000);
	CHECK_EQ_INT(t, ssp_sent_state_acked(&p->server.s), last.new_num);
	return last.old_num != echo;
}

/* News from the other side lost on its way to the server (to_server) or
 * to the client, then resent and taken. */
static void
lose_news(struct pair *p, bool to_server)
{
	struct side	*from = to_server ? &p->client : &p->server;

	p->blackhole_to_server = to_server;
	p->blackhole_to_client = !to_server;
	userstream_push_keys(ssp_current(&from->s), (const uint8_t *)"x", 1);
	pair_run(p, 30);
	p->blackhole_to_server = p->blackhole_to_client = false;
	pair_run(p, 1000);
}

/*
 * A server set to resend on loss sends the echo ack on the echo while the
 * link is clean; within SSP_LOSS_MEMORY_MS of a lost datagram either way
 * it resends as mosh does, and after it no more.
 */
static void
test_resend_on_loss(struct check *t)
{
	struct pair	 p;

	/* Each past the first news, which the client acks at once. */
	CHECK(t, pair_open(&p, 41) == 0);
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"$", 1);
	pair_run(&p, 1000);
	CHECK(t, echo_resent(t, &p));
	pair_close(&p);

	CHECK(t, pair_open(&p, 41) == 0);
	ssp_set_resend_on_loss(&p.server.s);
	userstream_push_keys(ssp_current(&p.server.s), (const uint8_t *)"$", 1);
	pair_run(&p, 1000);
	CHECK(t, !echo_resent(t, &p));
	/* A key the server acks with no news: the client acks that ack
	 * only with its next datagram (a heartbeat), which is no loss. */
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"k", 1);
	pair_run(&p, SSP_ACK_INTERVAL_MS / 2);
	CHECK(t, ssp_sent_state_acked(&p.server.s) <
	    ssp_sent_state_last(&p.server.s));
	pair_run(&p, SSP_ACK_INTERVAL_MS);
	CHECK(t, !echo_resent(t, &p));
	/* A key from the client lost: a gap in its sequence. */
	lose_news(&p, true);
	CHECK(t, p.server.c.stats.gaps > 0);
	CHECK(t, echo_resent(t, &p));
	pair_run(&p, SSP_LOSS_MEMORY_MS);
	CHECK(t, !echo_resent(t, &p));
	/* A state to the client lost: unacked past its timeout. */
	lose_news(&p, false);
	CHECK(t, echo_resent(t, &p));
	pair_close(&p);
}

/* n incompressible bytes from seed (the caller frees them), or NULL. */
static uint8_t *
noise_new(size_t n, uint64_t seed)
{
	uint8_t	*b;
	size_t	 i;

	if ((b = malloc(n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(rnd(&seed) >> 13);
	return b;
}

/*
 * A resend of an unchanged state sends the fragments made for the first
 * try: nothing is compressed again, and the id stays, so the receiver
 * completes the state from the fragments of every try. Tries are a
 * timeout apart, never one per frame interval. At 25 % loss a
 * state of some 50 fragments then gets through in a few tries (in one,
 * one time in 600000).
 */
static void
test_resend_reuses_fragments(struct check *t)
{
	struct pair	 p;
	uint8_t		*big;
	size_t		 n = 60000;
	uint64_t	 made, id, sent0;
	unsigned	 i;

	CHECK(t, (big = noise_new(n, 99)) != NULL);
	if (big == NULL)
		return;
	CHECK(t, pair_open(&p, 17) == 0);
	/* As with a stock peer: with reports a timeout sends one fragment
	 * (test_report_lost). */
	ssp_set_reports_off(&p.client.s);
	pair_run(&p, 50);
	p.blackhole_to_server = true;
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	pair_run(&p, 5);
	made = p.client.s.frag.made;
	id = p.client.s.frag.next_id;
	CHECK(t, fragmenter_count(&p.client.s.frag) > 40);
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 1000);		/* timeouts: resends */
	CHECK(t, p.client.c.stats.sent >=
	    sent0 + 2 * fragmenter_count(&p.client.s.frag));
	/* ... at most one a timeout (CONN_MIN_RTO at least), not one a
	 * frame interval (SSP_SEND_INTERVAL_MIN_MS). */
	CHECK(t, p.client.c.stats.sent <= sent0 + (1000 / CONN_MIN_RTO + 2) *
	    fragmenter_count(&p.client.s.frag));
	CHECK_EQ_INT(t, p.client.s.frag.made, made);
	CHECK_EQ_INT(t, p.client.s.frag.next_id, id);
	/* Lossy, not dead: the tries add up. */
	p.blackhole_to_server = false;
	p.loss_pct = 25;
	for (i = 0; i < 20000 && userstream_events(ssp_remote(&p.server.s)) < n;
	    i++)
		pair_run(&p, 1);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n);
	free(big);
	pair_close(&p);
}

/*
 * A stock peer slow to ack (busy applying a paste): a small state sent
 * before the paste is not acked in time, so the paste goes again whole
 * from the acknowledged state. It used to go every send interval (20
 * ms: mosh's rule when the peer is assumed behind) until the ack came;
 * it waits for its timeout, as a newer state would.
 */
static void
test_slow_peer_bulk_paced(struct check *t)
{
	struct pair	 p;
	uint8_t		*big, key = 'x';
	size_t		 n = 60000, frags;
	uint64_t	 sent0;
	unsigned	 i;

	CHECK(t, (big = noise_new(n, 7)) != NULL);
	if (big == NULL)
		return;
	CHECK(t, pair_open(&p, 23) == 0);
	ssp_set_reports_off(&p.client.s);
	pair_run(&p, 50);
	p.blackhole_to_client = true;		/* no ack comes back */
	userstream_push_keys(ssp_current(&p.client.s), &key, 1);
	pair_run(&p, 30);
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	pair_run(&p, 300);	/* the small state is past its window now */
	frags = fragmenter_count(&p.client.s.frag);
	CHECK(t, frags > 40);
	sent0 = p.client.c.stats.sent;
	pair_run(&p, 1500);
	/* Every send interval that would be 75 copies; one a timeout
	 * (CONN_MIN_RTO + SSP_ACK_DELAY_MS at least) is 10. */
	CHECK(t, p.client.c.stats.sent <= sent0 +
	    (1500 / (CONN_MIN_RTO + SSP_ACK_DELAY_MS) + 1) * frags);
	CHECK(t, p.client.c.stats.sent >= sent0 + frags);
	/* The peer acks again: everything arrives. */
	p.blackhole_to_client = false;
	for (i = 0; i < 5000 && userstream_events(ssp_remote(&p.server.s)) <
	    n + 1; i++)
		pair_run(&p, 1);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n + 1);
	free(big);
	pair_close(&p);
}

/*
 * An instruction of some 200 fragments goes out SSP_BURST_DATAGRAMS at a
 * time, SSP_BURST_GAP_MS apart, whole before anything newer is made;
 * the peer gets all of it.
 */
static void
test_burst_paced(struct check *t)
{
	struct pair	 p;
	uint8_t		*big;
	size_t		 n = 250000, i;
	uint64_t	 before, most = 0;
	uint64_t	 num;

	CHECK(t, (big = noise_new(n, 7)) != NULL);
	if (big == NULL)
		return;
	CHECK(t, pair_open(&p, 23) == 0);
	pair_run(&p, 50);
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	before = p.client.c.stats.sent;
	for (i = 0; i < 20 && p.client.c.stats.sent == before; i++)
		pair_run(&p, 1);
	most = p.client.c.stats.sent - before;
	/* Keys typed while the rest goes out wait for a state of their own. */
	num = ssp_sent_state_last(&p.client.s);
	userstream_push_keys(ssp_current(&p.client.s), (const uint8_t *)"x", 1);
	for (i = 0; i < 50 && p.client.s.frag_next_time != SSP_NEVER; i++) {
		before = p.client.c.stats.sent;
		pair_run(&p, 1);
		if (p.client.c.stats.sent - before > most)
			most = p.client.c.stats.sent - before;
		if (p.client.s.frag_next_time != SSP_NEVER)
			CHECK_EQ_INT(t, ssp_sent_state_last(&p.client.s), num);
	}
	CHECK(t, i > 4);
	CHECK(t, fragmenter_count(&p.client.s.frag) > 5 * SSP_BURST_DATAGRAMS);
	CHECK(t, most <= SSP_BURST_DATAGRAMS);
	CHECK(t, most > 0);
	for (i = 0; i < 3000 && userstream_events(ssp_remote(&p.server.s)) < n + 1;
	    i++)
		pair_run(&p, 1);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n + 1);
	free(big);
	pair_close(&p);
}

static void
test_large_state_fragments(struct check *t)
{
	struct pair	 p;
	uint8_t		*big, *got;
	size_t		 n = 20000, i;

	big = malloc(n);
	got = malloc(n);
	CHECK(t, big != NULL && got != NULL);
	if (big == NULL || got == NULL)
		return;
	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	CHECK(t, pair_open(&p, 77) == 0);
	p.loss_pct = 10;
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	pair_run(&p, 15000);
	CHECK_EQ_INT(t, server_keys(&p, got, n), n);
	CHECK_MEM(t, got, big, n);
	pair_close(&p);
	free(big);
	free(got);
}

/*
 * A paste of n incompressible bytes from the client at `loss` % each way:
 * the client's datagrams from the paste until the server holds it all,
 * against the fragments one copy of it takes. 0 when it got through.
 */
static int
paste_cost(uint64_t seed, size_t n, size_t first, unsigned loss,
    bool reports, uint64_t *sent, size_t *copy, uint64_t *ms)
{
	struct pair	 p;
	uint8_t		*big;
	uint64_t	 before, start;
	size_t		 i;
	int		 rc = -1;

	if ((big = noise_new(n, seed)) == NULL)
		return -1;
	if (pair_open(&p, seed) != 0)
		goto out;
	if (!reports)
		ssp_set_reports_off(&p.client.s);
	pair_run(&p, 50);
	p.loss_pct = loss;
	before = p.client.c.stats.sent;
	start = p.now;
	/* A paste read in two parts, as from a terminal: the first goes
	 * alone. */
	userstream_push_keys(ssp_current(&p.client.s), big, first ? first : n);
	pair_run(&p, 2);
	*copy = fragmenter_count(&p.client.s.frag);
	if (first) {
		pair_run(&p, 3);
		userstream_push_keys(ssp_current(&p.client.s), big + first,
		    n - first);
	}
	for (i = 0; i < 60000 && userstream_events(ssp_remote(&p.server.s)) < n;
	    i++)
		pair_run(&p, 1);
	*sent = p.client.c.stats.sent - before;
	*ms = p.now - start;
	if (userstream_events(ssp_remote(&p.server.s)) == n)
		rc = 0;
	pair_close(&p);
out:
	free(big);
	return rc;
}

/*
 * Between tsmosh peers a receiver reports which fragments of a partial
 * instruction came, and the sender sends just the others at once: at
 * 10 % loss each way a 100 KB paste costs little more than one copy of
 * its fragments. Without reports (as with a stock peer) every try is a
 * whole copy, a timeout apart.
 */
static void
test_reports_repair(struct check *t)
{
	uint64_t	 sent[2], ms[2], seed;
	size_t		 copy[2];

	for (seed = 1; seed <= 6; seed++) {
		CHECK(t, paste_cost(seed, 100000, 0, 10, true, &sent[0],
		    &copy[0], &ms[0]) == 0);
		CHECK(t, paste_cost(seed, 100000, 0, 10, false, &sent[1],
		    &copy[1], &ms[1]) == 0);
		printf("# seed %llu, %zu fragments a copy: %llu datagrams in "
		    "%llu ms with reports, %llu in %llu ms without\n",
		    (unsigned long long)seed, copy[0],
		    (unsigned long long)sent[0], (unsigned long long)ms[0],
		    (unsigned long long)sent[1], (unsigned long long)ms[1]);
		CHECK(t, copy[0] > 50 && copy[0] == copy[1]);
		CHECK(t, sent[0] * 2 <= copy[0] * 3);
		CHECK(t, sent[1] >= copy[1] * 2);
		CHECK(t, ms[0] < ms[1]);
	}
}

/*
 * A paste read in two parts: 25 KB go alone (a large state of their own),
 * then the rest. The rest waits until the first part is acked (repaired
 * meanwhile): built on it before, it was useless to the peer while any
 * fragment of the first part was missing, and the first part's report
 * came too late to repair it. Then no state counted as received (mosh's
 * assumed state stopped at the lost one) and the rest went whole every
 * send interval.
 */
static void
test_split_paste_repaired(struct check *t)
{
	uint64_t	 sent, ms, one, seed, most = 0;
	size_t		 copy, first;

	for (seed = 1; seed <= 6; seed++) {
		CHECK(t, paste_cost(seed, 100000, 0, 0, true, &one, &copy,
		    &ms) == 0);
		CHECK(t, paste_cost(seed, 100000, 25000, 10, true, &sent,
		    &first, &ms) == 0);
		printf("# seed %llu: %llu datagrams in %llu ms, one copy %zu, "
		    "the first part %zu\n", (unsigned long long)seed,
		    (unsigned long long)sent, (unsigned long long)ms, copy,
		    first);
		CHECK(t, first > 10);
		if (sent > most)
			most = sent;
	}
	CHECK(t, most * 2 <= copy * 3);
}

/*
 * The receiver's first report is lost: it reports again (two RTTs later)
 * and the sender repairs from that, before its timeout would have sent
 * everything again. Then every report until the timeout.
 */
static void
test_report_lost(struct check *t)
{
	struct pair	 p;
	uint8_t		*big;
	size_t		 n = 100000, i, count;
	uint64_t	 sent0;

	CHECK(t, (big = noise_new(n, 3)) != NULL);
	if (big == NULL)
		return;
	CHECK(t, pair_open(&p, 47) == 0);
	pair_run(&p, 50);
	p.loss_pct = 10;
	sent0 = p.client.c.stats.sent;
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	pair_run(&p, 8);		/* all out, some lost */
	count = fragmenter_count(&p.client.s.frag);
	p.loss_pct = 0;
	p.blackhole_to_client = true;	/* the first report */
	pair_run(&p, 15);
	p.blackhole_to_client = false;
	for (i = 0; i < 140 && userstream_events(ssp_remote(&p.server.s)) < n;
	    i++)
		pair_run(&p, 1);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n);
	CHECK(t, p.client.c.stats.sent - sent0 < count + count / 2);
	pair_close(&p);

	/* Every report lost until the sender's timeout: it sends only the
	 * last fragment, which draws a report, and then just what lacks. */
	CHECK(t, pair_open(&p, 53) == 0);
	pair_run(&p, 50);
	p.loss_pct = 10;
	sent0 = p.client.c.stats.sent;
	userstream_push_keys(ssp_current(&p.client.s), big, n);
	pair_run(&p, 8);
	p.loss_pct = 0;
	p.blackhole_to_client = true;
	pair_run(&p, 300);
	p.blackhole_to_client = false;
	for (i = 0; i < 300 && userstream_events(ssp_remote(&p.server.s)) < n;
	    i++)
		pair_run(&p, 1);
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n);
	CHECK(t, p.client.c.stats.sent - sent0 < count + count / 2);
	free(big);
	pair_close(&p);
}

/*
 * While a large state is resent, the peer's news moves our ack on. With
 * a peer that takes reports the ack goes beside it and the resend keeps
 * its fragments and id (so the peer's partial copy still counts); with
 * one that does not, the resend carries the new ack under a new id, as
 * mosh's would.
 */
static void
test_ack_beside_resend(struct check *t)
{
	struct pair	 p;
	uint8_t		*big;
	size_t		 n = 60000, i;
	uint64_t	 made, id, ack0, sent0;
	int		 reports;

	CHECK(t, (big = noise_new(n, 5)) != NULL);
	if (big == NULL)
		return;
	for (reports = 1; reports >= 0; reports--) {
		CHECK(t, pair_open(&p, 31) == 0);
		if (!reports)
			ssp_set_reports_off(&p.client.s);
		pair_run(&p, 50);
		CHECK_EQ_INT(t, p.client.s.peer_takes_reports, reports);
		CHECK_EQ_INT(t, p.server.s.peer_takes_reports, reports);
		/* The client acks news with a state of its own, which the
		 * server takes but acks only with its own next news: during
		 * the resends below the client's acked state moves on. */
		userstream_push_keys(ssp_current(&p.server.s),
		    (const uint8_t *)"s", 1);
		pair_run(&p, 150);
		p.blackhole_to_server = true;
		userstream_push_keys(ssp_current(&p.client.s), big, n);
		pair_run(&p, 20);
		made = p.client.s.frag.made;
		id = fragmenter_id(&p.client.s.frag);
		ack0 = p.client.s.ack_num;
		/* The server's news, heard by the client. */
		for (i = 0; i < 5; i++) {
			userstream_push_keys(ssp_current(&p.server.s),
			    (const uint8_t *)"s", 1);
			pair_run(&p, 100);
		}
		CHECK(t, p.client.s.ack_num > ack0);
		sent0 = p.client.c.stats.sent;
		pair_run(&p, 1000);		/* resends */
		/* ... a timeout apart, not a send interval (a kept base is
		 * still the peer's). */
		if (reports)
			CHECK(t, p.client.c.stats.sent <= sent0 +
			    (1000 / CONN_MIN_RTO + 2) *
			    fragmenter_count(&p.client.s.frag));
		if (reports) {
			CHECK_EQ_INT(t, p.client.s.frag.made, made);
			CHECK_EQ_INT(t, fragmenter_id(&p.client.s.frag), id);
			/* ... and the new ack went beside it. */
			CHECK_EQ_INT(t, p.client.s.last_ack_sent,
			    p.client.s.ack_num);
		} else {
			CHECK(t, p.client.s.frag.made > made);
			CHECK(t, fragmenter_id(&p.client.s.frag) != id);
		}
		p.blackhole_to_server = false;
		for (i = 0; i < 5000 &&
		    userstream_events(ssp_remote(&p.server.s)) < n; i++)
			pair_run(&p, 1);
		CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n);
		pair_close(&p);
	}
	free(big);
}

/*
 * A paste's first few KB go out alone and are lost; the rest, a large
 * diff, is built on the acknowledged state rather than on them (an
 * eighth more bytes), so it gets through whole without waiting for the
 * first to be resent a timeout later.
 */
static void
test_bulk_on_acked_base(struct check *t)
{
	struct pair	 p;
	uint8_t		*big;
	size_t		 n = 100000, first = 5000, i;
	uint64_t	 lost, acked;

	CHECK(t, (big = noise_new(n, 41)) != NULL);
	if (big == NULL)
		return;
	CHECK(t, pair_open(&p, 43) == 0);
	pair_run(&p, 50);
	p.blackhole_to_server = true;
	userstream_push_keys(ssp_current(&p.client.s), big, first);
	pair_run(&p, 5);
	lost = ssp_sent_state_last(&p.client.s);
	acked = ssp_sent_state_acked(&p.client.s);
	CHECK(t, lost > acked && fragmenter_count(&p.client.s.frag) > 1);
	p.blackhole_to_server = false;
	userstream_push_keys(ssp_current(&p.client.s), big + first, n - first);
	for (i = 0; i < 40 && p.client.s.frag.last.new_num == lost; i++)
		pair_run(&p, 1);
	CHECK(t, p.client.s.frag.last.new_num > lost);
	CHECK_EQ_INT(t, p.client.s.frag.last.old_num, acked);
	for (; i < 40 && userstream_events(ssp_remote(&p.server.s)) < n; i++)
		pair_run(&p, 1);
	/* Well before the first state's timeout (CONN_MIN_RTO at least,
	 * plus SSP_ACK_DELAY_MS). */
	CHECK_EQ_INT(t, userstream_events(ssp_remote(&p.server.s)), n);
	free(big);
	pair_close(&p);
}

/* One user state from `old` to `new`, as the peer's transport sends it. */
static enum proto_err
feed_state(struct ssp *s, uint64_t old, uint64_t new, size_t keys,
    uint64_t now)
{
	struct fragmenter f;
	struct instruction in;
	struct buf	 diff = BUF_INIT;
	uint8_t		*k = calloc(1, keys ? keys : 1);
	const uint8_t	*p;
	size_t		 n, i;
	enum proto_err	 e = PROTO_OK;

	fragmenter_init(&f);
	if (k == NULL || (keys > 0 && user_msg_add_keys(&diff, k, keys) != 0))
		e = PROTO_ERR_NOMEM;
	memset(&in, 0, sizeof(in));
	in.protocol_version = MOSH_PROTOCOL_VERSION;
	in.old_num = old;
	in.new_num = new;
	in.diff = diff.data;
	in.diff_len = diff.len;
	if (e == PROTO_OK)
		e = fragmenter_make(&f, &in, 1200);
	for (i = 0; e == PROTO_OK && i < fragmenter_count(&f); i++) {
		fragmenter_get(&f, i, &p, &n);
		e = ssp_receive(s, p, n, now);
	}
	fragmenter_free(&f);
	buf_free(&diff);
	free(k);
	return e;
}

/*
 * A peer with the key sends one large state and many small ones built on
 * it, each a full copy: what they hold together stays within the budget
 * (plus the one state allowed past it), the rest are refused unacked.
 */
static void
test_receive_budget(struct check *t)
{
	struct pair	 p;
	struct ssp	*s = &p.server.s;
	uint64_t	 i;
	size_t		 refused = 0;

	CHECK(t, pair_open(&p, 11) == 0);
	s->recv_budget = 1024 * 1024;
	/* 200 KiB of keys: each copy holds 256 KiB (capacity). */
	CHECK_EQ_INT(t, feed_state(s, 0, 1, 200 * 1024, p.now), PROTO_OK);
	for (i = 2; i < 40; i++)
		if (feed_state(s, 1, i, 1, p.now) == PROTO_ERR_OVER_BUDGET)
			refused++;
	CHECK(t, s->recv_held <= s->recv_budget);
	/* State 0, then 1 and two more fit beside it; 36 do not. */
	CHECK_EQ_INT(t, s->nrecv, 4);
	CHECK_EQ_INT(t, refused, 36);
	/* The refused were not acked: the newest kept is what we ack. */
	CHECK_EQ_INT(t, s->ack_num, 3);
	pair_close(&p);
	/* A state past the budget is still taken when it is the only one
	 * beside the oldest: a large paste gets through. */
	CHECK(t, pair_open(&p, 12) == 0);
	s->recv_budget = 1024 * 1024;
	CHECK_EQ_INT(t, feed_state(s, 0, 1, 2 * 1024 * 1024, p.now), PROTO_OK);
	CHECK_EQ_INT(t, feed_state(s, 1, 2, 1, p.now), PROTO_ERR_OVER_BUDGET);
	pair_close(&p);
}

CHECK_MAIN(
    CASE(test_basic_sync), CASE(test_remote_news),
    CASE(test_converges_under_loss),
    CASE(test_replay_changes_nothing), CASE(test_ack_timing),
    CASE(test_first_state_at_once), CASE(test_first_news_acked_at_once),
    CASE(test_shutdown_handshake), CASE(test_roaming_client_followed),
    CASE(test_ack_now), CASE(test_peer_moved), CASE(test_resend_on_loss),
    CASE(test_resend_reuses_fragments), CASE(test_slow_peer_bulk_paced), CASE(test_burst_paced),
    CASE(test_large_state_fragments), CASE(test_receive_budget),
    CASE(test_reports_repair), CASE(test_ack_beside_resend),
    CASE(test_bulk_on_acked_base), CASE(test_split_paste_repaired),
    CASE(test_report_lost))

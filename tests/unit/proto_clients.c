/*
 * Several clients of one server session over one set of loopback sockets
 * (conn_server_join, conn_recv_clients), with a simulated clock: each
 * client's datagrams reach its own SSP and no other, under loss; a
 * re-key retires one client's key into the session's conn; a client's
 * key is wiped when it goes, and the sockets stay.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "proto/conn.h"
#include "proto/ssp.h"
#include "proto/userstream.h"
#include "tests/unit/check.h"

#define NCLIENTS	3

struct side {
	struct conn	 c;
	struct ssp	 s;
	bool		 open;
};

struct session {
	struct conn	 net;			/* the sockets */
	struct side	 srv[NCLIENTS];		/* the server's half of each */
	struct side	 cli[NCLIENTS];		/* the client programs */
	struct mosh_key	 key[NCLIENTS];
	struct sockaddr_in addr;
	uint64_t	 now;
	uint64_t	 rng;
	unsigned	 loss_pct;
	unsigned	 wrong[NCLIENTS];	/* datagrams opened by another */
};

/* Is fd still open? */
static bool
fcntl_ok(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
ssp_pair_init(struct side *sd, uint64_t now)
{
	sd->open = true;
	return ssp_init(&sd->s, &sd->c, &userstream_ops, userstream_new(),
	    &userstream_ops, userstream_new(), now);
}

/* Client i of the session: server half under key[i], and its program. */
static int
session_add(struct session *x, size_t i, bool owners_key)
{
	if (conn_server_join(&x->srv[i].c, &x->net,
	    owners_key ? NULL : &x->key[i], x->now) != 0 ||
	    ssp_pair_init(&x->srv[i], x->now) != 0 ||
	    conn_client_init(&x->cli[i].c, &x->key[i],
	    (struct sockaddr *)&x->addr, sizeof(x->addr), x->now) != 0 ||
	    ssp_pair_init(&x->cli[i], x->now) != 0)
		return -1;
	ssp_set_send_mindelay(&x->cli[i].s, SSP_MINDELAY_CLIENT_MS);
	return 0;
}

static int
session_open(struct session *x, uint64_t seed)
{
	int	 fd, port;
	size_t	 i;

	memset(x, 0, sizeof(*x));
	x->now = 1000000;
	x->rng = seed;
	for (i = 0; i < NCLIENTS; i++)
		key_generate(&x->key[i]);
	if (conn_udp_bind("127.0.0.1", 0, 0, &fd, &port) != 0 ||
	    conn_server_init(&x->net, &x->key[0], &fd, 1, x->now) != 0)
		return -1;
	x->addr.sin_family = AF_INET;
	x->addr.sin_port = htons((uint16_t)port);
	x->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The first client takes the key the session was made with. */
	for (i = 0; i < NCLIENTS; i++)
		if (session_add(x, i, i == 0) != 0)
			return -1;
	return 0;
}

static void
side_close(struct side *sd)
{
	if (!sd->open)
		return;
	ssp_free(&sd->s);
	conn_close(&sd->c);
	sd->open = false;
}

static void
session_close(struct session *x)
{
	size_t	 i;

	for (i = 0; i < NCLIENTS; i++) {
		side_close(&x->srv[i]);
		side_close(&x->cli[i]);
	}
	conn_close(&x->net);
}

/* The server's side: every datagram, to the client whose key opens it. */
static void
session_serve(struct session *x)
{
	struct conn	*conns[NCLIENTS];
	size_t		 map[NCLIENTS], n = 0, i, which;
	const uint8_t	*p;
	size_t		 len;
	int		 fd = x->net.socks[0];
	enum proto_err	 e;

	for (i = 0; i < NCLIENTS; i++)
		if (x->srv[i].open) {
			map[n] = i;
			conns[n++] = &x->srv[i].c;
		}
	while ((e = conn_recv_clients(&x->net, conns, n, fd, x->now, &which,
	    &p, &len)) != PROTO_ERR_AGAIN)
		if (e == PROTO_OK)
			(void)ssp_receive(&x->srv[map[which]].s, p, len, x->now);
}

/* Each client program reads what is for it, losing some. */
static void
session_clients_read(struct session *x)
{
	uint8_t	 tmp[DGRAM_RECV_MAX];
	int	 fds[CONN_MAX_SOCKS];
	size_t	 i, k, n;

	for (i = 0; i < NCLIENTS; i++) {
		if (!x->cli[i].open)
			continue;
		n = conn_fds(&x->cli[i].c, fds, CONN_MAX_SOCKS);
		for (k = 0; k < n; k++)
			while (recv(fds[k], tmp, sizeof(tmp), MSG_PEEK |
			    MSG_DONTWAIT) >= 0) {
				if (rnd(&x->rng) % 100 < x->loss_pct) {
					(void)recv(fds[k], tmp, sizeof(tmp),
					    MSG_DONTWAIT);
					continue;
				}
				(void)ssp_recv_one(&x->cli[i].s, fds[k],
				    x->now);
			}
	}
}

static void
session_run(struct session *x, unsigned ms)
{
	unsigned	 t;
	size_t		 i;

	for (t = 0; t < ms; t++) {
		x->now++;
		for (i = 0; i < NCLIENTS; i++) {
			if (x->cli[i].open)
				ssp_tick(&x->cli[i].s, x->now);
			if (x->srv[i].open)
				ssp_tick(&x->srv[i].s, x->now);
		}
		session_serve(x);
		session_clients_read(x);
	}
}

/* What the server's half of client i holds of its keystrokes. */
static size_t
session_keys(struct session *x, size_t i, char *out, size_t cap)
{
	const struct userstream *u = ssp_remote(&x->srv[i].s);
	size_t	 k, n = 0;

	for (k = 0; k < u->nkeys && n + 1 < cap; k++)
		out[n++] = (char)u->keys[k];
	out[n] = '\0';
	return n;
}

/* Client i's program runs alone until the server reads a datagram of
 * it: what conn_recv_clients made of it (PROTO_ERR_AGAIN: none came). */
static enum proto_err
session_first(struct session *x, size_t i, struct conn *const *conns,
    size_t n)
{
	const uint8_t	*p;
	size_t		 len, which;
	enum proto_err	 e = PROTO_ERR_AGAIN;
	unsigned	 ms;

	for (ms = 0; ms < 1000 && e == PROTO_ERR_AGAIN; ms++) {
		x->now++;
		ssp_tick(&x->cli[i].s, x->now);
		e = conn_recv_clients(&x->net, conns, n, x->net.socks[0],
		    x->now, &which, &p, &len);
	}
	return e;
}

static void
type(struct session *x, size_t i, const char *s)
{
	userstream_push_keys(ssp_current(&x->cli[i].s), (const uint8_t *)s,
	    strlen(s));
}

/* Each client's keystrokes reach its own state, none another's, also
 * through 20% loss both ways; and each gets the server's state back. */
static void
test_each_to_its_own(struct check *t)
{
	struct session	 x;
	char		 got[64];
	size_t		 i;

	CHECK(t, session_open(&x, 99) == 0);
	x.loss_pct = 20;
	type(&x, 0, "alpha");
	type(&x, 1, "bravo");
	type(&x, 2, "charlie");
	for (i = 0; i < NCLIENTS; i++)
		userstream_push_keys(ssp_current(&x.srv[i].s),
		    (const uint8_t *)"S", 1);
	session_run(&x, 20000);
	session_keys(&x, 0, got, sizeof(got));
	CHECK(t, check_str(got, "alpha"));
	session_keys(&x, 1, got, sizeof(got));
	CHECK(t, check_str(got, "bravo"));
	session_keys(&x, 2, got, sizeof(got));
	CHECK(t, check_str(got, "charlie"));
	for (i = 0; i < NCLIENTS; i++) {
		CHECK_EQ_INT(t, userstream_events(ssp_remote(&x.cli[i].s)), 1);
		CHECK(t, x.srv[i].c.stats.received > 0);
		/* Each heard from its own client's address. */
		CHECK(t, conn_has_remote(&x.srv[i].c));
	}
	/* The first client took the session's key: the conn keeps none. */
	CHECK(t, !x.net.keyed);
	session_close(&x);
}

/* A client that goes takes its key: its datagrams are then a known peer's
 * (not an attack), the others go on, and the sockets stay open. */
static void
test_client_gone(struct check *t)
{
	struct session	 x;
	char		 got[64];
	struct conn	*conns[1];
	int		 fd;

	CHECK(t, session_open(&x, 7) == 0);
	type(&x, 1, "b1");
	session_run(&x, 300);
	fd = x.net.socks[0];
	side_close(&x.srv[1]);
	CHECK(t, fcntl_ok(fd));
	type(&x, 1, "b2");
	type(&x, 0, "a1");
	/* Only client 0's server half listens; client 1's datagram comes
	 * from an address served before. */
	conns[0] = &x.srv[0].c;
	CHECK_EQ_INT(t, session_first(&x, 1, conns, 1), PROTO_ERR_KNOWN_PEER);
	session_run(&x, 500);
	session_keys(&x, 0, got, sizeof(got));
	CHECK(t, check_str(got, "a1"));
	session_close(&x);
}

/* A re-key of one client retires its old key into the session's conn:
 * the old device's datagrams come back as PROTO_ERR_OLD_KEY; the other
 * clients are untouched. */
static void
test_rekey_one(struct check *t)
{
	struct session	 x;
	struct mosh_key	 fresh;
	struct userstream *u = userstream_new(), *base = userstream_new();
	char		 got[64];
	struct conn	*conns[NCLIENTS];
	size_t		 i;

	CHECK(t, session_open(&x, 5) == 0);
	session_run(&x, 300);
	key_generate(&fresh);
	CHECK(t, ssp_rekey(&x.srv[2].s, &fresh, base, u, x.now) == 0);
	CHECK(t, x.net.retired[0].used);
	CHECK(t, !x.srv[2].c.retired[0].used);
	type(&x, 2, "old");
	for (i = 0; i < NCLIENTS; i++)
		conns[i] = &x.srv[i].c;
	CHECK_EQ_INT(t, session_first(&x, 2, conns, NCLIENTS),
	    PROTO_ERR_OLD_KEY);
	type(&x, 0, "still");
	session_run(&x, 500);
	session_keys(&x, 0, got, sizeof(got));
	CHECK(t, check_str(got, "still"));
	session_keys(&x, 2, got, sizeof(got));
	CHECK(t, check_str(got, ""));
	session_close(&x);
}

/* The session's sockets change: a joined client sends from the new set
 * and never closes what it borrowed. */
static void
test_sockets_follow(struct check *t)
{
	struct session	 x;
	int		 fd2, port2, fd;

	CHECK(t, session_open(&x, 3) == 0);
	session_run(&x, 200);
	fd = x.net.socks[0];
	CHECK(t, conn_udp_bind("127.0.0.1", 0, 0, &fd2, &port2) == 0);
	CHECK(t, conn_add_socket(&x.net, fd2) == 0);
	conn_share_sockets(&x.srv[1].c, &x.net);
	CHECK_EQ_INT(t, x.srv[1].c.nsocks, 2);
	/* Still facing its client through the socket it was heard on. */
	CHECK_EQ_INT(t, x.srv[1].c.socks[x.srv[1].c.send_sock], fd);
	conn_remove_socket(&x.net, fd2);
	conn_share_sockets(&x.srv[1].c, &x.net);
	CHECK_EQ_INT(t, x.srv[1].c.nsocks, 1);
	side_close(&x.srv[1]);
	CHECK(t, fcntl_ok(fd));
	session_close(&x);
}

CHECK_MAIN(CASE(test_each_to_its_own), CASE(test_client_gone),
    CASE(test_rekey_one), CASE(test_sockets_follow))

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "proto/conn.h"

#define ECN_ECT		0x02	/* ECN-capable transport */
#define ECN_CE		0x03	/* congestion experienced */
#define RTT_SAMPLE_MAX	5000	/* larger samples: a stopped peer, ignore */

static size_t
conn_family_mtu(int family)
{
	return family == AF_INET6 ? CONN_MTU_IPV6 : CONN_MTU_IPV4;
}

int
conn_socket_setup(int fd, int family)
{
	int	 on = 1, tos = ECN_ECT, pmtu;
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	/* Datagrams stay small on purpose; let the network fragment v4. */
	if (family == AF_INET6) {
		pmtu = IPV6_PMTUDISC_DONT;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
		    sizeof(tos));
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on,
		    sizeof(on));
	}
	/* A dual-stack v6 socket still carries v4 traffic: set both. */
	pmtu = IP_PMTUDISC_DONT;
	(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	(void)setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on));
	return 0;
}

/* Where the sockets, retired keys and served addresses live: the
 * session's conn for a client that joined it, else this one. */
static struct conn *
conn_home(struct conn *c)
{
	return c->owner != NULL ? c->owner : c;
}

static void
conn_base_init(struct conn *c, bool server, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->server = server;
	c->srtt = 1000;
	c->rttvar = 500;
	c->mtu = CONN_MTU_DEFAULT;
	c->last_heard = now;
	c->last_port_choice = now;
}

static int
conn_open_socket(struct conn *c, int family)
{
	int	 fd;

	if ((fd = socket(family, SOCK_DGRAM, 0)) == -1)
		return -1;
	if (conn_socket_setup(fd, family) != 0) {
		close(fd);
		return -1;
	}
	/* Keep at most CONN_MAX_SOCKS: the oldest goes first. */
	if (c->nsocks == CONN_MAX_SOCKS) {
		close(c->socks[0]);
		memmove(c->socks, c->socks + 1,
		    (CONN_MAX_SOCKS - 1) * sizeof(c->socks[0]));
		c->nsocks--;
	}
	c->socks[c->nsocks++] = fd;
	c->send_sock = c->nsocks - 1;
	return 0;
}

int
conn_client_init(struct conn *c, const struct mosh_key *k,
    const struct sockaddr *server, socklen_t len, uint64_t now)
{
	conn_base_init(c, false, now);
	if (len > sizeof(c->remote)) {
		errno = EINVAL;
		return -1;
	}
	if (dgram_session_init(&c->crypto, k, DGRAM_TO_SERVER) != 0) {
		errno = ENOMEM;
		return -1;
	}
	c->keyed = true;
	memcpy(&c->remote, server, len);
	c->remote_len = len;
	c->has_remote = true;
	if (conn_open_socket(c, server->sa_family) != 0) {
		dgram_session_clear(&c->crypto);
		return -1;
	}
	c->mtu = conn_family_mtu(server->sa_family);
	return 0;
}

int
conn_server_init(struct conn *c, const struct mosh_key *k, const int *fds,
    size_t nfds, uint64_t now)
{
	struct sockaddr_storage ss;
	socklen_t	 sl = sizeof(ss);

	conn_base_init(c, true, now);
	if (nfds == 0 || nfds > CONN_MAX_SOCKS) {
		errno = EINVAL;
		return -1;
	}
	if (dgram_session_init(&c->crypto, k, DGRAM_TO_CLIENT) != 0) {
		errno = ENOMEM;
		return -1;
	}
	c->keyed = true;
	memcpy(c->socks, fds, nfds * sizeof(*fds));
	c->nsocks = nfds;
	if (getsockname(fds[0], (struct sockaddr *)&ss, &sl) == 0)
		c->mtu = conn_family_mtu(ss.ss_family);
	return 0;
}

/* Until the peer's next datagram names one: any socket of the peer's
 * family. */
static void
conn_pick_send_sock(struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t	 sl;
	size_t		 i;

	c->send_sock = 0;
	for (i = 0; i < c->nsocks; i++) {
		sl = sizeof(ss);
		if (getsockname(c->socks[i], (struct sockaddr *)&ss, &sl) == 0 &&
		    ss.ss_family == c->remote.ss_family) {
			c->send_sock = i;
			return;
		}
	}
}

int
conn_server_join(struct conn *c, struct conn *owner, const struct mosh_key *k,
    uint64_t now)
{
	conn_base_init(c, true, now);
	if (k == NULL) {
		if (!owner->keyed)
			return errno = EINVAL, -1;
		/* The struct moves: lock the key where it now lives. */
		c->crypto = owner->crypto;
		key_lock(&c->crypto.key);
		key_wipe(&owner->crypto.key);
		memset(&owner->crypto, 0, sizeof(owner->crypto));
		owner->keyed = false;
	} else if (dgram_session_init(&c->crypto, k, DGRAM_TO_CLIENT) != 0)
		return errno = ENOMEM, -1;
	c->keyed = true;
	c->owner = owner;
	c->hooks = owner->hooks;
	c->mtu = owner->mtu;
	conn_share_sockets(c, owner);
	return 0;
}

void
conn_share_sockets(struct conn *c, const struct conn *owner)
{
	int	 facing = c->nsocks > 0 ? c->socks[c->send_sock] : -1;
	size_t	 i;

	memcpy(c->socks, owner->socks, owner->nsocks * sizeof(c->socks[0]));
	c->nsocks = owner->nsocks;
	/* The socket facing the peer, if it is still there; else any of the
	 * peer's family, until its next datagram names one. */
	c->send_sock = 0;
	for (i = 0; i < c->nsocks; i++)
		if (c->socks[i] == facing)
			return (void)(c->send_sock = i);
	conn_pick_send_sock(c);
}

void
conn_close(struct conn *c)
{
	size_t	 i;

	for (i = 0; i < c->nsocks && c->owner == NULL; i++)
		close(c->socks[i]);
	c->nsocks = 0;
	if (c->keyed)
		dgram_session_clear(&c->crypto);
	c->keyed = false;
	for (i = 0; i < CONN_RETIRED_KEYS; i++)
		if (c->retired[i].used)
			dgram_session_clear(&c->retired[i].crypto);
	memset(c->retired, 0, sizeof(c->retired));
}

int
conn_add_socket(struct conn *c, int fd)
{
	if (c->nsocks == CONN_MAX_SOCKS)
		return errno = EMFILE, -1;
	c->socks[c->nsocks++] = fd;
	return 0;
}

void
conn_remove_socket(struct conn *c, int fd)
{
	size_t		 at;

	for (at = 0; at < c->nsocks && c->socks[at] != fd; at++)
		;
	if (at == c->nsocks)
		return;
	if (c->owner == NULL)
		close(fd);
	memmove(c->socks + at, c->socks + at + 1,
	    (c->nsocks - at - 1) * sizeof(c->socks[0]));
	c->nsocks--;
	if (c->send_sock > at)
		c->send_sock--;
	else if (c->send_sock == at)
		conn_pick_send_sock(c);
}

int
conn_rekey_prepare(const struct conn *c, const struct mosh_key *k,
    struct dgram_session *next)
{
	return dgram_session_init(next, k, c->crypto.send_dir);
}

void
conn_rekey(struct conn *c, struct dgram_session *next, uint64_t now)
{
	struct conn	*keep = conn_home(c);
	struct conn_retired *r = &keep->retired[keep->retired_next];

	if (r->used)
		dgram_session_clear(&r->crypto);
	r->crypto = c->crypto;
	r->used = true;
	keep->retired_next = (keep->retired_next + 1) % CONN_RETIRED_KEYS;
	c->crypto = *next;
	c->keyed = true;
	/* The structs moved: lock the keys where they now live, wipe the
	 * caller's copy. */
	key_lock(&r->crypto.key);
	key_lock(&c->crypto.key);
	key_wipe(&next->key);
	c->expected_seq = 0;
	c->has_remote = false;
	c->have_saved_ts = false;
	c->rtt_hit = false;
	c->srtt = 1000;
	c->rttvar = 500;
	c->last_heard = now;
}

void
conn_set_hooks(struct conn *c, const struct conn_hooks *h)
{
	c->hooks = *h;
}

static int
conn_try_bind(int family, const char *ip, int port, int *fdp)
{
	struct sockaddr_storage ss;
	uint8_t		 a[16];
	socklen_t	 len;
	int		 fd, off = 0, saved;

	/* No ip: the any-address, all zeros. */
	memset(a, 0, sizeof(a));
	if (ip != NULL && inet_pton(family, ip, a) != 1)
		return errno = EINVAL, -1;
	len = base_sockaddr_make(&ss, family, a, port);
	if ((fd = socket(family, SOCK_DGRAM, 0)) == -1)
		return -1;
	/* The any-address v6 socket also takes v4, as mosh's does. */
	if (family == AF_INET6 && ip == NULL)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    conn_socket_setup(fd, family) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	*fdp = fd;
	return 0;
}

int
conn_udp_bind(const char *ip, int lo, int hi, int *fd, int *port)
{
	struct in6_addr	 a6;
	int		 family, p, any_v4 = 0;

	if (lo < 0 || hi > 65535 || lo > hi)
		return errno = EINVAL, -1;
	if (ip == NULL)
		family = AF_INET6;
	else if (inet_pton(AF_INET6, ip, &a6) == 1)
		family = AF_INET6;
	else
		family = AF_INET;
	for (p = lo; p <= hi; p++) {
		if (conn_try_bind(family, ip, p, fd) == 0)
			goto bound;
		/* No IPv6 on this host: the v4 any-address instead. */
		if (ip == NULL && (errno == EAFNOSUPPORT ||
		    errno == EADDRNOTAVAIL)) {
			any_v4 = 1;
			if (conn_try_bind(AF_INET, NULL, p, fd) == 0)
				goto bound;
		}
		if (errno != EADDRINUSE && errno != EACCES && !any_v4)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
bound:
	if (port != NULL) {
		if ((p = base_sock_port(*fd)) == -1)
			return close(*fd), -1;
		*port = p;
	}
	return 0;
}

uint64_t
conn_timeout(const struct conn *c)
{
	double	 rto = ceil(c->srtt + 4 * c->rttvar);

	if (rto < CONN_MIN_RTO)
		return CONN_MIN_RTO;
	if (rto > CONN_MAX_RTO)
		return CONN_MAX_RTO;
	return (uint64_t)rto;
}

static void
conn_hop_port(struct conn *c, uint64_t now)
{
	c->last_port_choice = now;
	/* A failed hop keeps the old socket; the next send tries again. */
	(void)conn_open_socket(c, c->remote.ss_family);
}

static void
conn_prune_sockets(struct conn *c, uint64_t now)
{
	size_t	 i;

	if (c->nsocks <= 1 || now - c->last_port_choice <= CONN_MAX_OLD_SOCKET_AGE)
		return;
	for (i = 0; i + 1 < c->nsocks; i++)
		close(c->socks[i]);
	c->socks[0] = c->socks[c->nsocks - 1];
	c->nsocks = 1;
	c->send_sock = 0;
}

enum proto_err
conn_send(struct conn *c, const uint8_t *p, size_t len, uint64_t now)
{
	enum proto_err	 e;
	uint16_t	 reply = DGRAM_TS_NONE;
	size_t		 n;
	ssize_t		 sent;

	if (!c->has_remote)
		return PROTO_OK;
	/* Echo the peer's clock, advanced by how long we held it. */
	if (c->have_saved_ts && now - c->saved_ts_at < 1000) {
		reply = (uint16_t)(c->saved_ts + (now - c->saved_ts_at));
		c->have_saved_ts = false;
	}
	if ((e = dgram_seal(&c->crypto, dgram_timestamp16(now), reply, p, len,
	    c->txbuf, sizeof(c->txbuf), &n)) != PROTO_OK)
		return e;
	/* No socket: every address went away (netbind re-binds them when
	 * they are back); the datagram is lost like any other. */
	if (c->nsocks == 0) {
		sent = -1;
		errno = ENETDOWN;
	} else
		sent = sendto(c->socks[c->send_sock], c->txbuf, n,
		    MSG_DONTWAIT, (struct sockaddr *)&c->remote,
		    c->remote_len);
	if (sent != (ssize_t)n) {
		c->send_errno = errno;
		c->stats.send_errors++;
		if (errno == EMSGSIZE)
			c->mtu = CONN_MTU_DEFAULT;
	} else
		c->stats.sent++;

	if (c->server) {
		if (now - c->last_heard > CONN_SERVER_ASSOCIATION_TIMEOUT)
			c->has_remote = false;
	} else if (now - c->last_port_choice > CONN_PORT_HOP_INTERVAL &&
	    now - c->last_roundtrip_success > CONN_PORT_HOP_INTERVAL)
		conn_hop_port(c, now);
	return PROTO_OK;
}

static void
conn_drop(struct conn *c, enum proto_err e, const struct conn_peer *peer)
{
	c->stats.dropped++;
	if (c->hooks.dropped != NULL)
		c->hooks.dropped(c->hooks.arg, e, peer);
}

/* An address as the served list keeps it: family and bytes, no port. */
static bool
conn_served_key(const struct conn_peer *p, struct conn_served *out)
{
	memset(out, 0, sizeof(*out));
	/* Mapped stays v6: the list holds what the socket saw. */
	return base_sockaddr_split(p->addr, p->addrlen, 0, &out->family,
	    out->addr, NULL) == 0;
}

static bool
conn_served_has(const struct conn *c, const struct conn_peer *p)
{
	struct conn_served k;
	size_t		 i;

	if (!conn_served_key(p, &k))
		return false;
	for (i = 0; i < CONN_SERVED_MAX; i++)
		if (c->served[i].family == k.family &&
		    memcmp(c->served[i].addr, k.addr, sizeof(k.addr)) == 0)
			return true;
	return false;
}

/* Remember a client's address (the oldest of CONN_SERVED_MAX goes). */
static void
conn_served_add(struct conn *c, const struct conn_peer *p)
{
	struct conn_served k;

	if (!conn_served_key(p, &k) || conn_served_has(c, p))
		return;
	c->served[c->served_next] = k;
	c->served_next = (c->served_next + 1) % CONN_SERVED_MAX;
}

/*
 * The current key refused a datagram: is it the user's own old device?
 * Authentic under a retired key: PROTO_ERR_OLD_KEY with its payload. Else
 * from an address we served: PROTO_ERR_KNOWN_PEER. Else PROTO_ERR_AUTH.
 * Only sources the allowlist passed get here.
 */
static enum proto_err
conn_recv_unkeyed(struct conn *c, size_t n, const struct conn_peer *peer,
    const uint8_t **payload, size_t *len)
{
	struct conn_retired *r;
	struct dgram	 d;
	size_t		 i;

	for (i = 0; i < CONN_RETIRED_KEYS; i++) {
		r = &c->retired[i];
		if (!r->used || dgram_open(&r->crypto, c->rxbuf, n, &d) != PROTO_OK)
			continue;
		if (peer->addrlen > sizeof(c->retired_src))
			break;
		c->retired_hit = i;
		memcpy(&c->retired_src, peer->addr, peer->addrlen);
		c->retired_srclen = peer->addrlen;
		c->retired_fd = peer->fd;
		*payload = d.payload;
		*len = d.payload_len;
		return PROTO_ERR_OLD_KEY;
	}
	return conn_served_has(c, peer) ? PROTO_ERR_KNOWN_PEER : PROTO_ERR_AUTH;
}

enum proto_err
conn_send_retired(struct conn *c, const uint8_t *p, size_t len, uint64_t now)
{
	struct conn_retired *r = &c->retired[c->retired_hit];
	enum proto_err	 e;
	size_t		 n;

	if (!r->used || c->retired_srclen == 0)
		return PROTO_ERR_STALE;
	if ((e = dgram_seal(&r->crypto, dgram_timestamp16(now), DGRAM_TS_NONE,
	    p, len, c->txbuf, sizeof(c->txbuf), &n)) != PROTO_OK)
		return e;
	if (sendto(c->retired_fd, c->txbuf, n, MSG_DONTWAIT,
	    (struct sockaddr *)&c->retired_src, c->retired_srclen) !=
	    (ssize_t)n) {
		c->stats.send_errors++;
		return PROTO_ERR_SYS;
	}
	c->stats.sent++;
	return PROTO_OK;
}

static bool
conn_congested(struct msghdr *mh)
{
	struct cmsghdr	*cm;
	int		 v;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TOS &&
		    cm->cmsg_len >= CMSG_LEN(1)))
			return (*(uint8_t *)CMSG_DATA(cm) & ECN_CE) == ECN_CE;
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_TCLASS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			return (v & ECN_CE) == ECN_CE;
		}
	}
	return false;
}

static void
conn_rtt_sample(struct conn *c, uint16_t reply, uint64_t now)
{
	double	 r = (uint16_t)(dgram_timestamp16(now) - reply);

	if (r >= RTT_SAMPLE_MAX)
		return;
	if (!c->rtt_hit) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->rtt_hit = true;
		return;
	}
	c->rttvar = 0.75 * c->rttvar + 0.25 * fabs(c->srtt - r);
	c->srtt = 0.875 * c->srtt + 0.125 * r;
}

/* One datagram read, not yet opened: its bytes are in the reader's rxbuf. */
struct conn_rx {
	struct sockaddr_storage src;
	struct conn_peer peer;
	size_t		 n;
	bool		 congested;
};

/*
 * Read one datagram into c->rxbuf: PROTO_OK, PROTO_ERR_AGAIN, or why it
 * was refused before any decryption (the source allowlist first).
 */
static enum proto_err
conn_read(struct conn *c, int fd, struct conn_rx *rx)
{
	uint8_t		 ctl[256];
	struct iovec	 iov = { c->rxbuf, sizeof(c->rxbuf) };
	struct msghdr	 mh;
	ssize_t		 n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &rx->src;
	mh.msg_namelen = sizeof(rx->src);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	mh.msg_controllen = sizeof(ctl);
	if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return PROTO_ERR_AGAIN;
		/* ICMP errors surface here (ECONNREFUSED); not fatal. */
		return PROTO_ERR_SYS;
	}
	rx->peer.addr = (struct sockaddr *)&rx->src;
	rx->peer.addrlen = mh.msg_namelen <= sizeof(rx->src) ?
	    mh.msg_namelen : sizeof(rx->src);
	rx->peer.fd = fd;
	rx->n = (size_t)n;
	rx->congested = conn_congested(&mh);
	if (c->server && c->hooks.source_allowed != NULL &&
	    !c->hooks.source_allowed(c->hooks.arg, &rx->peer)) {
		conn_drop(c, PROTO_ERR_SOURCE, &rx->peer);
		return PROTO_ERR_SOURCE;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		conn_drop(c, PROTO_ERR_TOO_LARGE, &rx->peer);
		return PROTO_ERR_TOO_LARGE;
	}
	return PROTO_OK;
}

/* An authentic datagram for c: its clock, its peer, its payload. */
static enum proto_err
conn_accept(struct conn *c, const struct dgram *d, const struct conn_rx *rx,
    uint64_t now, const uint8_t **payload, size_t *len)
{
	size_t	 i;

	c->stats.received++;
	memcpy(&c->last_src, &rx->src, rx->peer.addrlen);
	c->last_srclen = rx->peer.addrlen;
	c->last_fd = rx->peer.fd;
	*payload = d->payload;
	*len = d->payload_len;
	/* Older datagrams still reach the transport but may not move the
	 * clock or the peer address: a replay must not redirect us. */
	if (d->seq < c->expected_seq) {
		c->stats.stale++;
		/* Reported (a replay shows up in the event counts) but
		 * still delivered: mosh's transport handles old states. */
		if (c->hooks.dropped != NULL)
			c->hooks.dropped(c->hooks.arg, PROTO_ERR_STALE,
			    &rx->peer);
		return PROTO_OK;
	}
	if (d->seq > c->expected_seq)
		c->stats.gaps++;
	c->expected_seq = d->seq + 1;
	if (d->timestamp != DGRAM_TS_NONE) {
		c->saved_ts = d->timestamp;
		c->saved_ts_at = now;
		c->have_saved_ts = true;
		if (rx->congested)
			c->saved_ts -= CONN_CONGESTION_PENALTY;
	}
	if (d->timestamp_reply != DGRAM_TS_NONE)
		conn_rtt_sample(c, d->timestamp_reply, now);
	c->last_heard = now;
	if (c->server) {
		/* Follow a roaming client to its newest address. */
		c->has_remote = true;
		memcpy(&c->remote, &rx->src, rx->peer.addrlen);
		c->remote_len = rx->peer.addrlen;
		conn_served_add(conn_home(c), &rx->peer);
		for (i = 0; i < c->nsocks; i++)
			if (c->socks[i] == rx->peer.fd)
				c->send_sock = i;
	} else
		conn_prune_sockets(c, now);
	return PROTO_OK;
}

enum proto_err
conn_recv(struct conn *c, int fd, uint64_t now, const uint8_t **payload,
    size_t *len)
{
	struct conn_rx	 rx;
	struct dgram	 d;
	enum proto_err	 e;

	if ((e = conn_read(c, fd, &rx)) != PROTO_OK)
		return e;
	e = c->keyed ? dgram_open(&c->crypto, c->rxbuf, rx.n, &d) :
	    PROTO_ERR_AUTH;
	if (e != PROTO_OK) {
		if (e == PROTO_ERR_AUTH && c->server)
			e = conn_recv_unkeyed(c, rx.n, &rx.peer, payload, len);
		conn_drop(c, e, &rx.peer);
		return e;
	}
	return conn_accept(c, &d, &rx, now, payload, len);
}

/* Was client c last heard from this very address and port? */
static bool
conn_heard_from(const struct conn *c, const struct conn_rx *rx)
{
	return c->has_remote && c->remote_len == rx->peer.addrlen &&
	    memcmp(&c->remote, &rx->src, c->remote_len) == 0;
}

enum proto_err
conn_recv_clients(struct conn *owner, struct conn *const *clients, size_t n,
    int fd, uint64_t now, size_t *which, const uint8_t **payload, size_t *len)
{
	struct conn_rx	 rx;
	struct dgram	 d;
	enum proto_err	 e;
	size_t		 pass, i;

	if ((e = conn_read(owner, fd, &rx)) != PROTO_OK)
		return e;
	/* A client's own address first: one decryption in the usual case,
	 * at most n (then the retired keys) for a datagram nobody's. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			if (!clients[i]->keyed ||
			    conn_heard_from(clients[i], &rx) != (pass == 0))
				continue;
			if (dgram_open(&clients[i]->crypto, owner->rxbuf, rx.n,
			    &d) != PROTO_OK)
				continue;
			*which = i;
			return conn_accept(clients[i], &d, &rx, now, payload,
			    len);
		}
	e = conn_recv_unkeyed(owner, rx.n, &rx.peer, payload, len);
	conn_drop(owner, e, &rx.peer);
	return e;
}

void
conn_report_drop(struct conn *c, enum proto_err e)
{
	struct conn_peer peer;

	peer.addr = (const struct sockaddr *)&c->last_src;
	peer.addrlen = c->last_srclen;
	peer.fd = c->last_fd;
	conn_drop(c, e, &peer);
}

size_t
conn_fds(const struct conn *c, int *fds, size_t max)
{
	size_t	 i;

	for (i = 0; i < c->nsocks && i < max; i++)
		fds[i] = c->socks[i];
	return i;
}

double
conn_srtt(const struct conn *c)
{
	return c->srtt;
}

size_t
conn_mtu(const struct conn *c)
{
	return c->mtu;
}

bool
conn_has_remote(const struct conn *c)
{
	return c->has_remote;
}

void
conn_set_last_roundtrip_success(struct conn *c, uint64_t t)
{
	c->last_roundtrip_success = t;
}

const struct sockaddr *
conn_remote(const struct conn *c, socklen_t *len)
{
	*len = c->remote_len;
	return (const struct sockaddr *)&c->remote;
}

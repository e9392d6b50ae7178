/*
 * The datagram layer of a mosh session (MOSH-PROTOCOL.md §3): UDP
 * sockets, encryption, timestamps and RTT, the server's following of a
 * roaming client, the client's port hopping, and the MTU. It carries
 * opaque payloads (fragments) and knows nothing of states or terminals.
 * Time is passed in (ms, monotonic) so the logic can be tested.
 */
#ifndef TSMOSH_PROTO_CONN_H
#define TSMOSH_PROTO_CONN_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/datagram.h"
#include "proto/err.h"
#include "proto/key.h"

#define CONN_MAX_SOCKS		10	/* client: open while hopping */
#define CONN_MTU_DEFAULT	500	/* before the family is known */
#define CONN_MTU_IPV4		(1280 - 28)
#define CONN_MTU_IPV6		(1280 - 64)
#define CONN_MIN_RTO		50
#define CONN_MAX_RTO		1000
#define CONN_SERVER_ASSOCIATION_TIMEOUT	40000
#define CONN_PORT_HOP_INTERVAL		10000
#define CONN_MAX_OLD_SOCKET_AGE		60000
/* How long a loop reads its UDP socket before the rest of the loop (the
 * keyboard, the pty, the control socket) gets its turn: a peer flooding
 * us must not keep them waiting. */
#define CONN_RECV_TURN_MS		20
#define CONN_CONGESTION_PENALTY		500
#define CONN_RETIRED_KEYS	4	/* keys kept after re-keys, to say goodbye */
#define CONN_SERVED_MAX		8	/* client addresses remembered */

/* Where a datagram came from and on which of our sockets. */
struct conn_peer {
	const struct sockaddr	*addr;
	socklen_t		 addrlen;
	int			 fd;
};

struct conn_hooks {
	/* Server: may a datagram from this source be decrypted at all? */
	bool	(*source_allowed)(void *, const struct conn_peer *);
	/* A datagram the transport will never see, and why; also
	 * PROTO_ERR_STALE for an old sequence number, which it still sees. */
	void	(*dropped)(void *, enum proto_err, const struct conn_peer *);
	void	*arg;
};

struct conn_stats {
	uint64_t	 received;	/* authentic datagrams */
	uint64_t	 stale;		/* authentic, older than expected */
	uint64_t	 gaps;		/* authentic, newer than expected: some
					 * lost (or late) before it */
	uint64_t	 dropped;	/* refused before the transport */
	uint64_t	 sent;
	uint64_t	 send_errors;
};

/*
 * A key the server used before a re-key. Its datagrams are the user's
 * own old device, not an attack: they are told apart from forgeries and
 * answered once more under that key (conn_send_retired) so the device
 * learns that the session moved. The send sequence carries on, so no
 * nonce repeats.
 */
struct conn_retired {
	bool			 used;
	struct dgram_session	 crypto;
};

/* An address (not port) a client of this session was heard from. */
struct conn_served {
	int			 family;	/* 0: empty */
	uint8_t			 addr[16];
};

struct conn {
	bool			 server;
	/* Server with several clients: the session's conn owns the
	 * sockets, the hooks, the retired keys and the served list; each
	 * client's conn borrows the sockets and retires its keys there. */
	bool			 keyed;		/* crypto holds a key */
	struct conn		*owner;		/* NULL: the sockets are ours */
	struct dgram_session	 crypto;
	struct conn_retired	 retired[CONN_RETIRED_KEYS];
	size_t			 retired_next;	/* slot the next re-key fills */
	struct conn_served	 served[CONN_SERVED_MAX];
	size_t			 served_next;
	/* The last datagram under a retired key: which, whence. */
	size_t			 retired_hit;
	struct sockaddr_storage	 retired_src;
	socklen_t		 retired_srclen;
	int			 retired_fd;
	int			 socks[CONN_MAX_SOCKS];
	size_t			 nsocks;
	size_t			 send_sock;	/* index facing the peer */
	struct sockaddr_storage	 remote;
	socklen_t		 remote_len;
	bool			 has_remote;
	uint64_t		 expected_seq;
	uint16_t		 saved_ts;
	uint64_t		 saved_ts_at;
	bool			 have_saved_ts;
	double			 srtt;
	double			 rttvar;
	bool			 rtt_hit;
	uint64_t		 last_heard;
	uint64_t		 last_port_choice;
	uint64_t		 last_roundtrip_success;
	size_t			 mtu;
	int			 send_errno;	/* of the last failed send */
	struct conn_hooks	 hooks;
	struct conn_stats	 stats;
	struct sockaddr_storage	 last_src;	/* of the last authentic datagram */
	socklen_t		 last_srclen;
	int			 last_fd;
	uint8_t			 rxbuf[DGRAM_RECV_MAX];
	uint8_t			 txbuf[DGRAM_RECV_MAX];
};

/*
 * Client: a fresh socket of the server address's family. 0, or -1 with
 * errno.
 */
int	conn_client_init(struct conn *, const struct mosh_key *,
	    const struct sockaddr *server, socklen_t, uint64_t now);

/*
 * Server: adopt sockets already bound (by netbind or conn_udp_bind);
 * the conn closes them. 0, or -1.
 */
int	conn_server_init(struct conn *, const struct mosh_key *,
	    const int *fds, size_t nfds, uint64_t now);

void	conn_close(struct conn *);

/*
 * Server with several clients: a conn for one more client of owner's
 * session, under key k (NULL: take over the owner's own key, which the
 * owner then no longer has). It sends from the owner's sockets (see
 * conn_share_sockets), its datagrams are read by conn_recv_clients, and
 * its re-keys retire the old key into the owner. conn_close wipes its
 * key and leaves the sockets open. 0, or -1 when memory runs out.
 */
int	conn_server_join(struct conn *c, struct conn *owner,
	    const struct mosh_key *k, uint64_t now);

/* The owner's sockets changed (an address came back or went): follow. */
void	conn_share_sockets(struct conn *c, const struct conn *owner);

/*
 * Server with several clients: read one datagram from fd (the owner's
 * allowlist and drop hooks apply) and open it under the key of the
 * client it belongs to: the clients last heard from its source address
 * are tried first, then the rest. PROTO_OK with *which set: as
 * conn_recv, for clients[*which]. PROTO_ERR_OLD_KEY: as conn_recv, on
 * the owner (conn_send_retired there). Other errors: dropped, the
 * owner's hook told.
 */
enum proto_err	conn_recv_clients(struct conn *owner,
		    struct conn *const *clients, size_t n, int fd,
		    uint64_t now, size_t *which, const uint8_t **payload,
		    size_t *len);

/*
 * Server: switch to a new key for a new client, in two steps so a caller
 * can make other changes all-or-nothing with it: _prepare sets up `next`
 * (0, or -1 when memory runs out; nothing changed), conn_rekey installs
 * it and cannot fail. Sequence numbers start again (nonces are new under
 * a new key) and the old peer is forgotten. The old key is retired, not
 * forgotten: its datagrams come back from conn_recv as PROTO_ERR_OLD_KEY,
 * never to the transport. The oldest of CONN_RETIRED_KEYS is wiped. A
 * client's conn (conn_server_join) retires its key into its owner.
 */
int	conn_rekey_prepare(const struct conn *, const struct mosh_key *,
	    struct dgram_session *next);
void	conn_rekey(struct conn *, struct dgram_session *next, uint64_t now);

/*
 * Server: send a payload under the retired key of the last
 * PROTO_ERR_OLD_KEY datagram, back to where it came from.
 */
enum proto_err	conn_send_retired(struct conn *, const uint8_t *, size_t,
		    uint64_t now);

/*
 * Server: adopt one more bound socket (netbind re-bound an address that
 * came back). 0, or -1 with EMFILE when CONN_MAX_SOCKS are open.
 */
int	conn_add_socket(struct conn *, int fd);

/*
 * Server: close and forget a socket whose address went away. With none
 * left, sends fail (counted) until one is added.
 */
void	conn_remove_socket(struct conn *, int fd);
void	conn_set_hooks(struct conn *, const struct conn_hooks *);

/*
 * Bind a UDP socket as mosh-server does: `ip` (NULL: any address, dual
 * stack), the first free port in [lo, hi]. 0 with *fd and *port, or -1
 * with errno.
 */
int	conn_udp_bind(const char *ip, int lo, int hi, int *fd, int *port);

/* Apply mosh's socket options (ECN, no PMTU discovery, non-blocking). */
int	conn_socket_setup(int fd, int family);

/* Send one payload to the peer; nothing happens before we know one. */
enum proto_err	conn_send(struct conn *, const uint8_t *, size_t, uint64_t now);

/*
 * Read one datagram from fd. PROTO_OK: *payload (valid until the next
 * conn_recv) is for the transport. PROTO_ERR_AGAIN: nothing to read.
 * PROTO_ERR_OLD_KEY: authentic under a retired key; *payload is what it
 * carried, for a goodbye (conn_send_retired), never for the transport.
 * Other errors: the datagram was dropped and the hook told (an
 * authentication failure from an address this session served is
 * PROTO_ERR_KNOWN_PEER, not PROTO_ERR_AUTH).
 */
enum proto_err	conn_recv(struct conn *, int fd, uint64_t now,
		    const uint8_t **payload, size_t *len);

/* The transport found the last authentic datagram's payload bad. */
void		conn_report_drop(struct conn *, enum proto_err);

size_t		conn_fds(const struct conn *, int *fds, size_t max);
uint64_t	conn_timeout(const struct conn *);	/* RTO, ms */
double		conn_srtt(const struct conn *);
size_t		conn_mtu(const struct conn *);
bool		conn_has_remote(const struct conn *);
void		conn_set_last_roundtrip_success(struct conn *, uint64_t);
const struct sockaddr *conn_remote(const struct conn *, socklen_t *);

#endif

/*
 * SSP, mosh's state synchronization protocol (MOSH-PROTOCOL.md §6): each
 * side sends its own state as diffs and receives the peer's. States are
 * opaque here; a small vtable supplies clone, equality, diff and apply,
 * so the transport never learns what a terminal or a keystroke is.
 * Time is passed in (ms, monotonic).
 */
#ifndef TSMOSH_PROTO_SSP_H
#define TSMOSH_PROTO_SSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/buf.h"
#include "proto/conn.h"
#include "proto/err.h"
#include "proto/fragment.h"

/* mosh's timing rules; every time is in milliseconds. */
#define SSP_SEND_INTERVAL_MIN_MS 20	/* frames at most this often ... */
#define SSP_SEND_INTERVAL_MAX_MS 250	/* ... and this seldom, by RTT */
#define SSP_ACK_INTERVAL_MS	3000	/* an ack at least this often */
#define SSP_ACK_DELAY_MS	100	/* an ack waits this long for data */
#define SSP_BULK_ACK_BYTES	8192	/* ... unless a diff was this large */
#define SSP_BURST_DATAGRAMS	32	/* datagrams at most per ... */
#define SSP_BURST_GAP_MS	2	/* ... this many ms of the clock: a burst
					 * stays well inside a receiver's socket
					 * buffer (some 90 datagrams) */
/*
 * Fragment reports, between tsmosh peers only (Instruction fields 100 and
 * 101, which mosh skips; with a stock peer nothing below happens): a
 * receiver missing fragments of an instruction says which came,
 * SSP_REPORT_QUIET_MS after its fragments stop coming and again after
 * two RTTs while none come (SSP_REPORT_TRIES in all), and the sender
 * sends just the rest at once, not everything again a timeout later. A
 * sender repairs an instruction at most once a send interval and with at
 * most SSP_REPAIR_MAX_COPIES times its fragments in all (a peer cannot
 * make us send much more than mosh would). Reports and acks go beside a
 * large state on its way, which keeps its fragments and id; newer news
 * waits for it (SSP_BULK_RESENDS timeouts at most), and a timeout with no
 * report sends its last fragment only, to draw one.
 */
#define SSP_REPORT_QUIET_MS	10
#define SSP_REPORT_TRIES	3	/* reports of one partial, no news */
#define SSP_REPAIR_MAX_COPIES	2
#define SSP_BULK_RESENDS	8	/* timeouts a large state holds news */
#define SSP_SHUTDOWN_RETRIES	16	/* sends of the shutdown, then go */
#define SSP_ACTIVE_RETRY_MS	10000	/* the peer counts as there this long
					 * after it was last heard */
#define SSP_SENT_STATES_MAX	32	/* states kept for the peer to ack */
#define SSP_RECV_STATES_SOFT	1024	/* then one more per quench period */
#define SSP_RECV_STATES_HARD	2048
#define SSP_QUENCH_MS		15000	/* the quench period */
/*
 * What received states may hold in all, by their ops->held: a peer with
 * the key can send many states built on one large one, each a full copy.
 * Past it a new state is refused (not acked, so an honest sender sends
 * it again once older states are thrown away) unless it is the only one
 * beside the oldest: memory stays under this plus two of the largest
 * states a message can make.
 */
#define SSP_RECV_BUDGET_BYTES	(16u * 1024 * 1024)
/*
 * mosh resends a small state the peer has not acked yet inside the next
 * one (a "prophylactic" resend: a lost echo then costs no timeout), which
 * on a clean link is about a tenth of a server's bytes (each echo again
 * inside its echo ack). A sender set with ssp_set_resend_on_loss does so
 * only within SSP_LOSS_MEMORY_MS of seeing loss: a gap in the peer's
 * datagram sequence, or a state of ours sent with a diff and unacked past
 * its timeout. The first loss after a clean spell costs that timeout.
 */
#define SSP_LOSS_MEMORY_MS	60000
#define SSP_MINDELAY_SERVER_MS	8	/* collect output this long first */
#define SSP_MINDELAY_CLIENT_MS	1
/* ... but the first news, at most this long: a shell starts on first
 * contact, and its prompt comes in writes microseconds apart. */
#define SSP_MINDELAY_FIRST_MS	1
#define SSP_NEVER		UINT64_MAX

struct ssp_state_ops {
	void	*(*clone)(const void *);
	void	 (*free)(void *);
	bool	 (*equal)(const void *, const void *);
	/* Append the bytes that turn `from` into `to`; 0, or -1. */
	int	 (*diff)(const void *from, const void *to, struct buf *);
	/* Apply a peer's diff; any error means the state is discarded. */
	enum proto_err (*apply)(void *, const uint8_t *, size_t);
	/* Forget what `prefix` holds (NULL for states with no history). */
	void	 (*subtract)(void *, const void *prefix);
	/* Bytes the state holds that the state it was cloned from does not
	 * share (a fresh state: all it holds). */
	size_t	 (*held)(const void *);
};

struct ssp_timed_state {
	uint64_t	 num;
	uint64_t	 ts;
	uint64_t	 base;		/* ours: the base of its last send, */
	bool		 base_acked;	/* acknowledged by then */
	bool		 diff_sent;	/* ours: sent with a diff, which the
					 * peer acks within SSP_ACK_DELAY_MS
					 * (an empty ack waits for its next) */
	void		*state;
	size_t		 held;		/* ops->held when it arrived */
};

struct ssp {
	struct conn	*conn;

	/* Sender: our own state. */
	const struct ssp_state_ops *my_ops;
	void		*current;
	struct ssp_timed_state sent[SSP_SENT_STATES_MAX + 1];
	size_t		 nsent;
	size_t		 assumed;	/* index: what the peer likely has */
	struct fragmenter frag;
	size_t		 frag_sent;	/* of frag's fragments, out so far */
	uint64_t	 frag_next_time; /* the next batch; SSP_NEVER: none;
					  * 0: set at the next tick */
	uint64_t	 burst_open;	/* the burst window opens, and the */
	size_t		 burst_count;	/* datagrams sent in it */
	uint64_t	 next_ack_time;
	uint64_t	 next_send_time;
	uint64_t	 mindelay_clock;
	unsigned	 send_mindelay;
	bool		 sent_news;	/* a state that differs went out */
	bool		 resend_on_loss; /* see SSP_LOSS_MEMORY_MS */
	uint64_t	 loss_seen_at;	/* SSP_NEVER: none seen */
	uint64_t	 gaps_seen;	/* conn's stats.gaps when last looked */
	uint64_t	 moved_at;	/* the peer's address changed: states
					 * sent before went to the old one */
	bool		 shutdown_in_progress;
	unsigned	 shutdown_tries;
	uint64_t	 shutdown_start;
	uint64_t	 ack_num;	/* newest peer state we hold */
	uint64_t	 last_ack_sent;
	bool		 pending_data_ack;
	bool		 heard_news;	/* a peer state that differs came */
	uint64_t	 last_heard;	/* of a new peer state */

	/* Fragment reports (see SSP_REPORT_QUIET_MS). */
	bool		 reports_off;	/* never offer them (a stock-like peer) */
	uint64_t	 offer_num;	/* first state sent offering; 0: none */
	bool		 offer_acked;	/* the peer holds one: offer no more */
	bool		 peer_takes_reports;
	struct buf	 frag_known;	/* a bit per fragment of frag the peer
					 * reported having */
	size_t		 repaired;	/* fragments of frag sent after the
					 * peer's first report of it (repairs
					 * and resends alike): the bound on
					 * copies (SSP_REPAIR_MAX_COPIES) */
	bool		 frag_base_acked; /* frag's base was acked when made */
	unsigned	 bulk_resends;	/* timeouts of frag holding news back */
	unsigned	 report_tries;	/* reports since a fragment came */
	uint64_t	 repair_next;	/* no repair before */
	bool		 repair_due;
	uint64_t	 report_time;	/* report the partial; SSP_NEVER: no */
	struct fragmenter side;		/* reports and acks: frag's fragments
					 * stay whole for the resend */
	struct buf	 report;

	/* Receiver: the peer's state. */
	const struct ssp_state_ops *remote_ops;
	struct ssp_timed_state *recv;
	size_t		 nrecv;
	size_t		 recv_cap;
	size_t		 recv_held;	/* sum of recv[].held */
	size_t		 recv_budget;	/* SSP_RECV_BUDGET_BYTES; tests lower it */
	uint64_t	 receiver_quench_timer;
	void		*last_receiver_state;
	struct frag_assembly assembly;

	struct buf	 diff;
	struct buf	 resend_diff;
};

/*
 * Takes ownership of both initial states (state 0 on each side). The conn
 * stays the caller's. 0, or -1 when memory runs out.
 */
int		ssp_init(struct ssp *, struct conn *,
		    const struct ssp_state_ops *mine, void *my_initial,
		    const struct ssp_state_ops *remote, void *remote_initial,
		    uint64_t now);
void		ssp_free(struct ssp *);

/*
 * Start over for a new peer under a new key (server, for attach): our
 * current state is kept, but the peer is assumed to hold `my_base` (its
 * blank state 0) and ours to be `remote_initial`; numbering, acks and the
 * fragment stream restart, and the conn switches to `key` (the old one is
 * retired, see conn_rekey). All or nothing: -1 (out of memory) leaves the
 * ssp and the conn as they were. Takes ownership of both states always.
 */
int		ssp_rekey(struct ssp *, const struct mosh_key *key,
		    void *my_base, void *remote_initial, uint64_t now);

/* Our state, to change in place; the next tick sends the difference. */
void		*ssp_current(struct ssp *);
/*
 * Our state becomes `state` (taken; the old one is freed). The peer is
 * still assumed to hold what it held: ssp_init from a blank base, then
 * this, sends a client everything that differs from the blank.
 */
void		 ssp_set_current(struct ssp *, void *state);
/* Our state the peer has acknowledged (what it surely holds). */
const void	*ssp_acked_state(const struct ssp *);
/* The newest state received from the peer, and its number. */
const void	*ssp_remote(const struct ssp *);
uint64_t	 ssp_remote_num(const struct ssp *);
/* When the newest peer state arrived (state 0: when we started). */
uint64_t	 ssp_remote_timestamp(const struct ssp *);
/* What the peer's state gained since the last call (mosh's
 * get_remote_diff). 0, or -1. */
int		 ssp_remote_diff(struct ssp *, struct buf *);
/* The same, but only when the peer's state number moved past *seen
 * (then updated): 0 with the diff in out (reset first), 1 when nothing
 * is new, -1 on failure. */
int		 ssp_remote_news(struct ssp *, uint64_t *seen, struct buf *out);

/*
 * Feed one payload from conn_recv. PROTO_OK whether or not it completed
 * an instruction; errors are also reported to the conn's drop hook.
 */
enum proto_err	ssp_receive(struct ssp *, const uint8_t *, size_t, uint64_t now);
/* conn_recv + ssp_receive for one datagram; PROTO_ERR_AGAIN when none. */
enum proto_err	ssp_recv_one(struct ssp *, int fd, uint64_t now);

/* Send whatever is due. */
enum proto_err	ssp_tick(struct ssp *, uint64_t now);
/*
 * Client: our network changed (an address came or went, a link moved).
 * The next ssp_tick sends a datagram, an ack at least, from wherever we
 * are now: the server hears our new address at once, not at the next
 * heartbeat (up to SSP_ACK_INTERVAL_MS later).
 */
void		ssp_ack_now(struct ssp *, uint64_t now);
/*
 * Server: the peer was heard from a new address (a roam). What we sent
 * since it was last heard from the old one went there and is lost (a
 * NAT rebinding) or late: none of it counts as received, so what the
 * peer lacks goes again within a send interval, not a timeout.
 */
void		ssp_peer_moved(struct ssp *, uint64_t now);
/* Milliseconds until ssp_tick has something to do (INT32_MAX: nothing). */
int		ssp_wait_time(struct ssp *, uint64_t now);

/*
 * Server: a goodbye to a client still using a retired key (an old device
 * after a re-key). From the payload it sent (one whole instruction in one
 * fragment), the payload of a shutdown instruction (new_num
 * SSP_NUM_SHUTDOWN) based on the newest of our states it holds, carrying
 * `diff`. The client applies it, acknowledges the shutdown and exits, as
 * when a server quits. Its input is never acknowledged as applied. 0, or
 * -1 (not a whole instruction, or no memory).
 */
int		ssp_farewell(const uint8_t *peer, size_t len, const uint8_t *diff,
		    size_t difflen, size_t mtu, struct buf *out);

void		ssp_set_send_mindelay(struct ssp *, unsigned);
/* Resend small unacked states only after loss (see SSP_LOSS_MEMORY_MS). */
void		ssp_set_resend_on_loss(struct ssp *);
/* Never offer fragment reports (tests: a peer that does not speak them). */
void		ssp_set_reports_off(struct ssp *);
/* What the peer's states may hold in all (SSP_RECV_BUDGET_BYTES unless
 * set: a server with several clients divides it among them). */
void		ssp_set_recv_budget(struct ssp *, size_t);
void		ssp_start_shutdown(struct ssp *, uint64_t now);
bool		ssp_shutdown_in_progress(const struct ssp *);
bool		ssp_shutdown_acknowledged(const struct ssp *);
bool		ssp_counterparty_shutdown_acknowledged(const struct ssp *);
bool		ssp_shutdown_ack_timed_out(const struct ssp *, uint64_t now);
uint64_t	ssp_sent_state_acked(const struct ssp *);
uint64_t	ssp_sent_state_acked_timestamp(const struct ssp *);
uint64_t	ssp_sent_state_last(const struct ssp *);
unsigned	ssp_send_interval(const struct ssp *);

#endif

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "proto/ssp.h"

int
ssp_init(struct ssp *t, struct conn *c, const struct ssp_state_ops *mine,
    void *my_initial, const struct ssp_state_ops *remote, void *remote_initial,
    uint64_t now)
{
	memset(t, 0, sizeof(*t));
	t->conn = c;
	t->my_ops = mine;
	t->remote_ops = remote;
	t->current = my_initial;
	t->next_ack_time = now;
	t->next_send_time = now;
	t->mindelay_clock = SSP_NEVER;
	t->send_mindelay = SSP_MINDELAY_SERVER_MS;
	t->frag_next_time = SSP_NEVER;
	t->report_time = SSP_NEVER;
	t->loss_seen_at = SSP_NEVER;
	fragmenter_init(&t->frag);
	fragmenter_init(&t->side);
	frag_assembly_init(&t->assembly);

	t->sent[0].num = 0;
	t->sent[0].ts = now;
	t->nsent = 1;
	t->recv_cap = 16;
	t->recv = calloc(t->recv_cap, sizeof(*t->recv));
	t->sent[0].state = mine->clone(my_initial);
	t->last_receiver_state = remote->clone(remote_initial);
	if (t->recv == NULL || t->sent[0].state == NULL ||
	    t->last_receiver_state == NULL) {
		/* Ours to free either way (my_initial is current). */
		remote->free(remote_initial);
		t->nrecv = 0;
		ssp_free(t);
		return -1;
	}
	t->recv[0].num = 0;
	t->recv[0].ts = now;
	t->recv[0].state = remote_initial;
	t->recv[0].held = remote->held(remote_initial);
	t->recv_held = t->recv[0].held;
	t->recv_budget = SSP_RECV_BUDGET_BYTES;
	t->nrecv = 1;
	return 0;
}

void
ssp_free(struct ssp *t)
{
	size_t	 i;

	for (i = 0; i < t->nsent; i++)
		if (t->sent[i].state != NULL)
			t->my_ops->free(t->sent[i].state);
	for (i = 0; i < t->nrecv; i++)
		t->remote_ops->free(t->recv[i].state);
	if (t->current != NULL)
		t->my_ops->free(t->current);
	if (t->last_receiver_state != NULL)
		t->remote_ops->free(t->last_receiver_state);
	free(t->recv);
	fragmenter_free(&t->frag);
	fragmenter_free(&t->side);
	buf_free(&t->frag_known);
	buf_free(&t->report);
	frag_assembly_free(&t->assembly);
	buf_free(&t->diff);
	buf_free(&t->resend_diff);
	memset(t, 0, sizeof(*t));
}

int
ssp_rekey(struct ssp *t, const struct mosh_key *key, void *my_base,
    void *remote_initial, uint64_t now)
{
	struct ssp	 fresh;
	struct dgram_session next;
	void		*current = t->current;
	unsigned	 mindelay = t->send_mindelay;
	size_t		 budget = t->recv_budget;
	bool		 reports_off = t->reports_off;
	bool		 resend_on_loss = t->resend_on_loss;

	/* Build the new key and transport first, switch last: a failure
	 * changes nothing (a re-keyed session whose key nobody has, or a
	 * new key with the old numbering, would be lost). */
	if (conn_rekey_prepare(t->conn, key, &next) != 0) {
		t->my_ops->free(my_base);
		t->remote_ops->free(remote_initial);
		return -1;
	}
	if (ssp_init(&fresh, t->conn, t->my_ops, my_base, t->remote_ops,
	    remote_initial, now) != 0) {
		dgram_session_clear(&next);
		return -1;
	}
	conn_rekey(t->conn, &next, now);
	/* ssp_init made state 0 a copy of my_base and my_base the current
	 * state; the live state takes over as current. */
	t->current = NULL;
	ssp_free(t);
	fresh.my_ops->free(fresh.current);
	fresh.current = current;
	fresh.send_mindelay = mindelay;
	fresh.recv_budget = budget;
	fresh.reports_off = reports_off;
	fresh.resend_on_loss = resend_on_loss;
	/* Loss seen on the old device's link says nothing of the new: no
	 * loss_seen_at, and only the conn's gaps from now on count. */
	fresh.gaps_seen = fresh.conn->stats.gaps;
	*t = fresh;
	return 0;
}

void *
ssp_current(struct ssp *t)
{
	return t->current;
}

void
ssp_set_current(struct ssp *t, void *state)
{
	if (t->current != state)
		t->my_ops->free(t->current);
	t->current = state;
}

const void *
ssp_acked_state(const struct ssp *t)
{
	return t->sent[0].state;
}

const void *
ssp_remote(const struct ssp *t)
{
	return t->recv[t->nrecv - 1].state;
}

uint64_t
ssp_remote_num(const struct ssp *t)
{
	return t->recv[t->nrecv - 1].num;
}

uint64_t
ssp_remote_timestamp(const struct ssp *t)
{
	return t->recv[t->nrecv - 1].ts;
}

/* ---- sender ---- */

unsigned
ssp_send_interval(const struct ssp *t)
{
	double	 i = ceil(conn_srtt(t->conn) / 2.0);

	if (i < SSP_SEND_INTERVAL_MIN_MS)
		return SSP_SEND_INTERVAL_MIN_MS;
	if (i > SSP_SEND_INTERVAL_MAX_MS)
		return SSP_SEND_INTERVAL_MAX_MS;
	return (unsigned)i;
}

static struct ssp_timed_state *
ssp_sent_back(struct ssp *t)
{
	return &t->sent[t->nsent - 1];
}

/*
 * Newest state sent recently enough that the peer probably has it.
 * mosh stops at the first state sent too long ago. With a peer that takes
 * reports a state counts when it was sent recently and its base counts
 * (the acknowledged state does): a lost small state no longer makes the
 * large one resent on the acknowledged base look lost too, which resent
 * it whole every send interval until acked. Nothing sent before the peer
 * moved (ssp_peer_moved) counts: it went to the old address. A state sent
 * with a diff and aged out on the way is loss seen (SSP_LOSS_MEMORY_MS).
 */
static void
ssp_update_assumed(struct ssp *t, uint64_t now)
{
	uint64_t	 window = conn_timeout(t->conn) + SSP_ACK_DELAY_MS;
	bool		 held[SSP_SENT_STATES_MAX + 1];
	size_t		 i, j;

	t->assumed = 0;
	held[0] = true;
	for (i = 1; i < t->nsent; i++) {
		held[i] = false;
		if (now - t->sent[i].ts >= window ||
		    t->sent[i].ts < t->moved_at) {
			/* Unacked past its timeout, though the peer acks a
			 * diff at once: it or its ack was lost. */
			if (t->sent[i].diff_sent &&
			    t->sent[i].ts >= t->moved_at)
				t->loss_seen_at = now;
			if (!t->peer_takes_reports)
				return;
			continue;
		}
		if (t->peer_takes_reports && !t->sent[i].base_acked) {
			for (j = 0; j < i && t->sent[j].num != t->sent[i].base;
			    j++)
				;
			if (j == i || !held[j])
				continue;
		}
		held[i] = true;
		t->assumed = i;
	}
}

/* Was the last instruction made a large one (several fragments,
 * SSP_BULK_ACK_BYTES or more of diff) to the newest state sent? */
static bool
ssp_last_is_bulk(const struct ssp *t)
{
	return t->frag.ready && fragmenter_count(&t->frag) > 1 &&
	    t->frag.last_diff.len >= SSP_BULK_ACK_BYTES &&
	    t->frag.last.new_num == t->sent[t->nsent - 1].num;
}

/*
 * Is a large state (SSP_BULK_ACK_BYTES or more, which the peer acks at
 * once), built on an acknowledged state, on its way to a peer that takes
 * reports? Then no newer state is made until it is acked: the peer could
 * not use one before, and repairs need its fragments. A timeout resends
 * what the peer has not reported (ssp_resend_bulk), at most
 * SSP_BULK_RESENDS times; then a newer state goes as in mosh.
 */
static bool
ssp_bulk_pending(const struct ssp *t)
{
	return t->peer_takes_reports && !t->shutdown_in_progress &&
	    ssp_last_is_bulk(t) && t->frag_base_acked &&
	    t->bulk_resends < SSP_BULK_RESENDS &&
	    t->sent[t->nsent - 1].num > t->sent[0].num;
}

/*
 * Would the instruction go again unchanged: the last one sent, from the
 * state the peer is assumed to hold to the newest, and large? A peer slow
 * to ack it (a stock server busy with a paste, a state of its sent before
 * not acked in time) got it again every send interval, as mosh does: a
 * whole copy every 20 ms. It waits for its timeout instead, as a newer
 * state would. (An ack that falls due meanwhile still carries it: to a
 * stock peer an ack is a state, and this is the state.)
 */
static bool
ssp_bulk_again(const struct ssp *t)
{
	return t->frag.have_last && ssp_last_is_bulk(t) &&
	    t->frag.last.old_num == t->sent[t->assumed].num;
}

/* Cut the prefix every state shares with the acknowledged one. */
static void
ssp_rationalize(struct ssp *t)
{
	const void	*known = t->sent[0].state;
	size_t		 i;

	if (t->my_ops->subtract == NULL)
		return;
	t->my_ops->subtract(t->current, known);
	/* Back to front: the acknowledged state empties itself last. */
	for (i = t->nsent; i-- > 0;)
		t->my_ops->subtract(t->sent[i].state, known);
}

static void
ssp_calculate_timers(struct ssp *t, uint64_t now)
{
	const struct ssp_state_ops *o = t->my_ops;
	struct ssp_timed_state *back;
	uint64_t	 heard_recently;
	unsigned	 collect;

	ssp_update_assumed(t, now);
	ssp_rationalize(t);
	back = ssp_sent_back(t);

	if (t->pending_data_ack && t->next_ack_time > now + SSP_ACK_DELAY_MS)
		t->next_ack_time = now + SSP_ACK_DELAY_MS;

	heard_recently = t->last_heard + SSP_ACTIVE_RETRY_MS > now;
	if (!o->equal(t->current, back->state)) {
		/*
		 * The first news the peer gets goes as soon as it exists (a
		 * session's shell starts on first contact, after the empty
		 * ack): pacing it by an RTT guessed from no sample (1 s, so
		 * 250 ms) is a blank terminal at every connect and attach,
		 * and the server's 8 ms of collecting are most of what is
		 * left. Everything after it is paced.
		 */
		collect = t->send_mindelay;
		if (!t->sent_news && collect > SSP_MINDELAY_FIRST_MS)
			collect = SSP_MINDELAY_FIRST_MS;
		if (t->mindelay_clock == SSP_NEVER)
			t->mindelay_clock = now;
		t->next_send_time = t->mindelay_clock + collect;
		if (t->sent_news &&
		    back->ts + ssp_send_interval(t) > t->next_send_time)
			t->next_send_time = back->ts + ssp_send_interval(t);
		/* Then as its resend would go. */
		if (ssp_bulk_pending(t))
			t->next_send_time = back->ts + conn_timeout(t->conn) +
			    SSP_ACK_DELAY_MS;
	} else if (!o->equal(t->current, t->sent[t->assumed].state) &&
	    heard_recently) {
		t->next_send_time = back->ts + ssp_send_interval(t);
		if (t->mindelay_clock != SSP_NEVER &&
		    t->mindelay_clock + t->send_mindelay > t->next_send_time)
			t->next_send_time = t->mindelay_clock + t->send_mindelay;
		if (ssp_bulk_again(t))
			t->next_send_time = back->ts + conn_timeout(t->conn) +
			    SSP_ACK_DELAY_MS;
	} else if (!o->equal(t->current, t->sent[0].state) && heard_recently) {
		t->next_send_time = back->ts + conn_timeout(t->conn) +
		    SSP_ACK_DELAY_MS;
	} else
		t->next_send_time = SSP_NEVER;

	/* Hurry the shutdown handshake along. */
	if (t->shutdown_in_progress || t->ack_num == SSP_NUM_SHUTDOWN)
		t->next_ack_time = back->ts + ssp_send_interval(t);
}

int
ssp_wait_time(struct ssp *t, uint64_t now)
{
	uint64_t	 next;

	ssp_calculate_timers(t, now);
	next = t->next_ack_time < t->next_send_time ? t->next_ack_time :
	    t->next_send_time;
	if (t->frag_next_time < next)
		next = t->frag_next_time;	/* 0: at once */
	if (t->report_time < next)
		next = t->report_time;
	if (t->repair_due && t->frag_next_time == SSP_NEVER &&
	    t->repair_next < next)
		next = t->repair_next;
	if (!conn_has_remote(t->conn))
		return INT32_MAX;
	if (next <= now)
		return 0;
	return next - now > INT32_MAX ? INT32_MAX : (int)(next - now);
}

static int
ssp_add_sent_state(struct ssp *t, uint64_t ts, uint64_t num)
{
	void	*copy;
	size_t	 victim;

	if ((copy = t->my_ops->clone(t->current)) == NULL)
		return -1;
	t->sent[t->nsent].num = num;
	t->sent[t->nsent].ts = ts;
	t->sent[t->nsent].diff_sent = false;
	t->sent[t->nsent].state = copy;
	t->nsent++;
	if (t->nsent <= SSP_SENT_STATES_MAX)
		return 0;
	/* Full: drop one from the middle, keeping old and recent ones. */
	victim = t->nsent - 16;
	t->my_ops->free(t->sent[victim].state);
	memmove(&t->sent[victim], &t->sent[victim + 1],
	    (t->nsent - victim - 1) * sizeof(t->sent[0]));
	t->nsent--;
	if (t->assumed >= victim && t->assumed > 0)
		t->assumed--;
	return 0;
}

/* Has the peer reported fragment i of frag? */
static bool
ssp_frag_known(const struct ssp *t, size_t i)
{
	return i / 8 < t->frag_known.len &&
	    (t->frag_known.data[i / 8] >> (i % 8) & 1) != 0;
}

/* Has the peer reported every fragment of frag? */
static bool
ssp_frag_all_known(const struct ssp *t)
{
	size_t	 i;

	for (i = 0; i < fragmenter_count(&t->frag); i++)
		if (!ssp_frag_known(t, i))
			return false;
	return true;
}

/* Is frag an instruction of several fragments the peer has not acked? */
static bool
ssp_frag_pending(const struct ssp *t)
{
	return t->frag.ready && fragmenter_count(&t->frag) > 1 &&
	    t->frag.last.new_num != SSP_NUM_SHUTDOWN &&
	    t->frag.last.new_num > t->sent[0].num;
}

/*
 * The fragments of the instruction being sent, as many as the burst
 * window still allows (SSP_BURST_DATAGRAMS a SSP_BURST_GAP_MS); the rest
 * when the next window opens, sent by ssp_tick before anything new is
 * made. Those the peer reported having are skipped.
 */
static enum proto_err
ssp_send_batch(struct ssp *t, uint64_t now)
{
	size_t		 count = fragmenter_count(&t->frag), n;
	const uint8_t	*p;
	enum proto_err	 e;

	if (now >= t->burst_open)
		t->burst_count = 0;
	t->frag_next_time = SSP_NEVER;
	while (t->frag_sent < count) {
		if (ssp_frag_known(t, t->frag_sent)) {
			t->frag_sent++;
			continue;
		}
		if (t->burst_count >= SSP_BURST_DATAGRAMS) {
			/* Timed from the next tick's clock, read after these
			 * went out: `now` may predate a long diff. */
			t->frag_next_time = 0;
			break;
		}
		fragmenter_get(&t->frag, t->frag_sent++, &p, &n);
		t->burst_count++;
		if (t->frag_known.len > 0)
			t->repaired++;
		if ((e = conn_send(t->conn, p, n, now)) != PROTO_OK)
			return e;
	}
	return PROTO_OK;
}

/*
 * Where a resend of frag starts. A peer that takes reports and reported
 * none of it (its reports lost, or none of frag came) gets only the last
 * fragment: that makes it report, and what it lacks then goes at once,
 * a round trip later but not all again. Others get all not reported.
 */
static size_t
ssp_resend_from(const struct ssp *t)
{
	size_t	 count = fragmenter_count(&t->frag);

	if (t->peer_takes_reports && count > 1 && t->frag_known.len == 0)
		return count - 1;
	return 0;
}

/*
 * An instruction beside frag, to a peer that takes reports: our ack, and
 * a report when there is one. It names a state the peer surely holds
 * (the one it acked) as both its base and its new state, so the peer
 * takes it as a duplicate, for its ack and report only: no state is
 * added, frag's fragments stay as they are for the resend, and its own
 * random id leaves the peer's partial copy of frag waiting.
 */
static enum proto_err
ssp_send_side(struct ssp *t, const uint8_t *report, size_t len, uint64_t now)
{
	struct instruction in;
	const uint8_t	*p;
	size_t		 n;
	enum proto_err	 e;

	memset(&in, 0, sizeof(in));
	in.protocol_version = MOSH_PROTOCOL_VERSION;
	in.old_num = in.new_num = in.throwaway_num = t->sent[0].num;
	/* The peer keeps the base of frag, which a resend may still use. */
	if (ssp_frag_pending(t) && t->frag.last.old_num < in.throwaway_num)
		in.throwaway_num = t->frag.last.old_num;
	in.ack_num = t->ack_num;
	in.report = report;
	in.report_len = len;
	randombytes_buf(&t->side.next_id, sizeof(t->side.next_id));
	if ((e = fragmenter_make(&t->side, &in,
	    conn_mtu(t->conn) - DGRAM_OVERHEAD)) != PROTO_OK)
		return e;
	/* A report fits a fragment (INSTRUCTION_REPORT_MAX); never send
	 * a second partial instruction. */
	if (fragmenter_count(&t->side) != 1)
		return PROTO_OK;
	fragmenter_get(&t->side, 0, &p, &n);
	t->last_ack_sent = in.ack_num;
	t->pending_data_ack = false;
	return conn_send(t->conn, p, n, now);
}

static enum proto_err
ssp_send_fragments(struct ssp *t, const uint8_t *diff, size_t difflen,
    uint64_t new_num, uint64_t now)
{
	struct instruction in, keep;
	uint8_t		 chaff[SSP_CHAFF_MAX];
	size_t		 mtu;
	enum proto_err	 e;
	bool		 stale_ack, resend = false;

	memset(&in, 0, sizeof(in));
	in.protocol_version = MOSH_PROTOCOL_VERSION;
	in.old_num = t->sent[t->assumed].num;
	in.new_num = new_num;
	in.ack_num = t->ack_num;
	in.throwaway_num = t->sent[0].num;
	in.diff = diff;
	in.diff_len = difflen;
	if (new_num == SSP_NUM_SHUTDOWN)
		t->shutdown_tries++;
	/* Offered until the peer holds a state that offered. */
	if (!t->reports_off && !t->offer_acked &&
	    new_num != SSP_NUM_SHUTDOWN) {
		in.takes_reports = 1;
		if (t->offer_num == 0)
			t->offer_num = new_num;
	}

	mtu = conn_mtu(t->conn) - DGRAM_OVERHEAD;
	/*
	 * A peer that takes reports gets its acks beside (ssp_send_side):
	 * a resend then keeps its fragments and their id when only our ack,
	 * the throwaway or the base moved on, so the peer's partial copy
	 * still counts. The same diff bytes make the new state from the
	 * old base too (by the diff's correctness), if the peer holds that
	 * base: it does when it had acked it (not just "assumed"), since
	 * nothing we send meanwhile throws it away (ssp_send_side).
	 */
	stale_ack = false;
	if (t->peer_takes_reports && t->frag.ready) {
		keep = in;
		if (t->frag_base_acked)
			keep.old_num = t->frag.last.old_num;
		keep.ack_num = t->frag.last.ack_num;
		keep.throwaway_num = t->frag.last.throwaway_num;
		if ((keep.old_num != in.old_num ||
		    keep.ack_num != in.ack_num ||
		    keep.throwaway_num != in.throwaway_num) &&
		    fragmenter_holds(&t->frag, &keep, mtu)) {
			stale_ack = keep.ack_num != in.ack_num;
			in = keep;
		}
	}
	/* A resend of the same instruction sends the same fragments. */
	if (!fragmenter_holds(&t->frag, &in, mtu)) {
		/* Chaff hides the exact length of what was typed. */
		in.chaff_len = randombytes_uniform(SSP_CHAFF_MAX + 1);
		randombytes_buf(chaff, in.chaff_len);
		in.chaff = chaff;
		buf_reset(&t->frag_known);
		t->repaired = 0;
		t->bulk_resends = 0;
		t->frag_base_acked = in.old_num == t->sent[0].num;
		if ((e = fragmenter_make(&t->frag, &in, mtu)) != PROTO_OK)
			return e;
	} else {
		resend = true;
		/* It had every fragment, yet took no state: all again. */
		if (ssp_frag_all_known(t))
			buf_reset(&t->frag_known);
	}
	t->last_ack_sent = in.ack_num;
	t->pending_data_ack = false;
	t->frag_sent = resend ? ssp_resend_from(t) : 0;
	if (ssp_sent_back(t)->num == in.new_num) {
		ssp_sent_back(t)->base = in.old_num;
		/* A kept base (above) was acknowledged when frag was made. */
		ssp_sent_back(t)->base_acked = in.old_num == t->sent[0].num ||
		    (in.old_num == t->frag.last.old_num && t->frag_base_acked);
	}
	if ((e = ssp_send_batch(t, now)) != PROTO_OK || !stale_ack)
		return e;
	return ssp_send_side(t, NULL, 0, now);
}

static enum proto_err
ssp_send_empty_ack(struct ssp *t, uint64_t now)
{
	uint64_t	 new_num = ssp_sent_back(t)->num + 1;
	enum proto_err	 e;

	if (t->shutdown_in_progress)
		new_num = SSP_NUM_SHUTDOWN;
	/* Beside a large state still on its way, not in its place. */
	if (t->peer_takes_reports && !t->shutdown_in_progress &&
	    ssp_frag_pending(t)) {
		e = ssp_send_side(t, NULL, 0, now);
		t->next_ack_time = now + SSP_ACK_INTERVAL_MS;
		t->next_send_time = SSP_NEVER;
		return e;
	}
	if (ssp_add_sent_state(t, now, new_num) != 0)
		return PROTO_ERR_NOMEM;
	e = ssp_send_fragments(t, NULL, 0, new_num, now);
	t->next_ack_time = now + SSP_ACK_INTERVAL_MS;
	t->next_send_time = SSP_NEVER;
	return e;
}

static enum proto_err
ssp_send_to_receiver(struct ssp *t, const uint8_t *diff, size_t len,
    uint64_t now)
{
	struct ssp_timed_state *back = ssp_sent_back(t);
	uint64_t	 new_num;
	enum proto_err	 e;

	if (t->my_ops->equal(t->current, back->state))
		new_num = back->num;		/* a resend */
	else
		new_num = back->num + 1;
	if (t->shutdown_in_progress)
		new_num = SSP_NUM_SHUTDOWN;
	if (new_num == back->num)
		back->ts = now;
	else if (ssp_add_sent_state(t, now, new_num) != 0)
		return PROTO_ERR_NOMEM;
	ssp_sent_back(t)->diff_sent = true;
	e = ssp_send_fragments(t, diff, len, new_num, now);
	t->sent_news = true;
	t->assumed = t->nsent - 1;
	t->next_ack_time = now + SSP_ACK_INTERVAL_MS;
	t->next_send_time = SSP_NEVER;
	return e;
}

/* Are small states resent prophylactically: always, as mosh does, or
 * (ssp_set_resend_on_loss) while loss was seen lately? */
static bool
ssp_resend_small(const struct ssp *t, uint64_t now)
{
	return !t->resend_on_loss || (t->loss_seen_at != SSP_NEVER &&
	    now - t->loss_seen_at < SSP_LOSS_MEMORY_MS);
}

/*
 * If diffing from the acknowledged state costs little more, do that: it
 * repairs a loss without waiting for the retransmission timer (for a
 * small state, when ssp_resend_small). For a large diff
 * (SSP_BULK_ACK_BYTES or more) to a peer that takes reports (mosh's rule
 * otherwise, as measured with stock peers) "little" is an eighth: its
 * many fragments are sure to lose some at a few % loss, and a state
 * built on one the peer lacks is thrown away whole when it arrives (a
 * paste's first few KB went alone, then the rest on top of them: one
 * lost fragment of the first cost a whole copy of the rest).
 */
static int
ssp_prospective_resend(struct ssp *t, uint64_t now)
{
	struct buf	 tmp;

	if (t->assumed == 0)
		return 0;
	buf_reset(&t->resend_diff);
	if (t->my_ops->diff(t->sent[0].state, t->current, &t->resend_diff) != 0)
		return -1;
	if (t->resend_diff.len <= t->diff.len ||
	    (t->resend_diff.len < 1000 &&
	    t->resend_diff.len - t->diff.len < 100 &&
	    ssp_resend_small(t, now)) ||
	    (t->peer_takes_reports && t->diff.len >= SSP_BULK_ACK_BYTES &&
	    t->resend_diff.len - t->diff.len <= t->diff.len / 8)) {
		t->assumed = 0;
		tmp = t->diff;
		t->diff = t->resend_diff;
		t->resend_diff = tmp;
	}
	return 0;
}

/*
 * Say which fragments of the peer's partial instruction came; again
 * (SSP_REPORT_TRIES in all) after twice the RTT when no more come: a
 * lost report then costs a round trip, not a resend of everything.
 */
static enum proto_err
ssp_send_report(struct ssp *t, uint64_t now)
{
	t->report_time = SSP_NEVER;
	if (!conn_has_remote(t->conn) ||
	    frag_assembly_report(&t->assembly, &t->report) != 0)
		return PROTO_OK;
	if (++t->report_tries < SSP_REPORT_TRIES)
		t->report_time = now + SSP_REPORT_QUIET_MS +
		    (uint64_t)(2 * conn_srtt(t->conn));
	return ssp_send_side(t, t->report.data, t->report.len, now);
}

/* Send again, at once, what the peer reported missing, within bounds. */
static enum proto_err
ssp_send_repair(struct ssp *t, uint64_t now)
{
	struct ssp_timed_state *back = ssp_sent_back(t);

	t->repair_due = false;
	if (!ssp_frag_pending(t) || ssp_frag_all_known(t) ||
	    t->repaired >= SSP_REPAIR_MAX_COPIES * fragmenter_count(&t->frag))
		return PROTO_OK;
	t->repair_next = now + ssp_send_interval(t);
	/* A resend: the timeout counts from it. */
	if (back->num == t->frag.last.new_num)
		back->ts = now;
	t->frag_sent = 0;
	return ssp_send_batch(t, now);
}

/* A timeout of the large state news waits for: what was not reported. */
static enum proto_err
ssp_resend_bulk(struct ssp *t, uint64_t now)
{
	if (ssp_frag_all_known(t))
		buf_reset(&t->frag_known);
	t->bulk_resends++;
	ssp_sent_back(t)->ts = now;
	t->frag_sent = ssp_resend_from(t);
	return ssp_send_batch(t, now);
}

enum proto_err
ssp_tick(struct ssp *t, uint64_t now)
{
	enum proto_err	 e = PROTO_OK;

	if (now >= t->report_time && (e = ssp_send_report(t, now)) != PROTO_OK)
		return e;
	if (t->repair_due && t->frag_next_time == SSP_NEVER &&
	    now >= t->repair_next)
		return ssp_send_repair(t, now);
	/* An instruction half out goes on first: a new one would be based
	 * on it, and the peer cannot build on what it never had whole. */
	if (t->frag_next_time == 0) {
		t->frag_next_time = t->burst_open = now + SSP_BURST_GAP_MS;
		return PROTO_OK;
	}
	if (t->frag_next_time != SSP_NEVER)
		return now >= t->frag_next_time ? ssp_send_batch(t, now) :
		    PROTO_OK;
	ssp_calculate_timers(t, now);
	if (!conn_has_remote(t->conn))
		return PROTO_OK;
	if (now < t->next_ack_time && now < t->next_send_time)
		return PROTO_OK;
	/* News waits for a large state on its way; an ack goes beside. */
	if (ssp_bulk_pending(t) &&
	    !t->my_ops->equal(t->current, ssp_sent_back(t)->state)) {
		if (now >= t->next_send_time)
			return ssp_resend_bulk(t, now);
		return now >= t->next_ack_time ? ssp_send_empty_ack(t, now) :
		    PROTO_OK;
	}

	buf_reset(&t->diff);
	if (t->my_ops->diff(t->sent[t->assumed].state, t->current,
	    &t->diff) != 0 || ssp_prospective_resend(t, now) != 0)
		return PROTO_ERR_NOMEM;

	if (t->diff.len == 0) {
		if (now >= t->next_ack_time) {
			e = ssp_send_empty_ack(t, now);
			t->mindelay_clock = SSP_NEVER;
		}
		if (now >= t->next_send_time) {
			t->next_send_time = SSP_NEVER;
			t->mindelay_clock = SSP_NEVER;
		}
	} else if (now >= t->next_send_time || now >= t->next_ack_time) {
		e = ssp_send_to_receiver(t, t->diff.data, t->diff.len, now);
		t->mindelay_clock = SSP_NEVER;
	}
	return e;
}

void
ssp_ack_now(struct ssp *t, uint64_t now)
{
	if (t->next_ack_time > now)
		t->next_ack_time = now;
}

void
ssp_peer_moved(struct ssp *t, uint64_t now)
{
	t->moved_at = now;
}

static void
ssp_process_ack(struct ssp *t, uint64_t ack)
{
	size_t	 i, drop;

	/* An ack for a state we no longer hold is ignored. */
	for (i = 0; i < t->nsent; i++)
		if (t->sent[i].num == ack)
			break;
	if (i == t->nsent)
		return;
	if (t->offer_num != 0 && ack >= t->offer_num &&
	    ack != SSP_NUM_SHUTDOWN)
		t->offer_acked = true;
	for (drop = 0; drop < t->nsent && t->sent[drop].num < ack; drop++)
		t->my_ops->free(t->sent[drop].state);
	if (drop == 0)
		return;
	memmove(&t->sent[0], &t->sent[drop],
	    (t->nsent - drop) * sizeof(t->sent[0]));
	t->nsent -= drop;
	t->assumed = t->assumed >= drop ? t->assumed - drop : 0;
}

void
ssp_set_recv_budget(struct ssp *t, size_t bytes)
{
	t->recv_budget = bytes;
}

void
ssp_set_send_mindelay(struct ssp *t, unsigned ms)
{
	t->send_mindelay = ms;
}

void
ssp_set_resend_on_loss(struct ssp *t)
{
	t->resend_on_loss = true;
}

void
ssp_set_reports_off(struct ssp *t)
{
	t->reports_off = true;
	t->peer_takes_reports = false;
}

void
ssp_start_shutdown(struct ssp *t, uint64_t now)
{
	if (t->shutdown_in_progress)
		return;
	t->shutdown_start = now;
	t->shutdown_in_progress = true;
}

bool
ssp_shutdown_in_progress(const struct ssp *t)
{
	return t->shutdown_in_progress;
}

bool
ssp_shutdown_acknowledged(const struct ssp *t)
{
	return t->sent[0].num == SSP_NUM_SHUTDOWN;
}

bool
ssp_counterparty_shutdown_acknowledged(const struct ssp *t)
{
	return t->last_ack_sent == SSP_NUM_SHUTDOWN;
}

bool
ssp_shutdown_ack_timed_out(const struct ssp *t, uint64_t now)
{
	return t->shutdown_in_progress &&
	    (t->shutdown_tries >= SSP_SHUTDOWN_RETRIES ||
	    now - t->shutdown_start >= SSP_ACTIVE_RETRY_MS);
}

uint64_t
ssp_sent_state_acked(const struct ssp *t)
{
	return t->sent[0].num;
}

uint64_t
ssp_sent_state_acked_timestamp(const struct ssp *t)
{
	return t->sent[0].ts;
}

uint64_t
ssp_sent_state_last(const struct ssp *t)
{
	return t->sent[t->nsent - 1].num;
}

int
ssp_farewell(const uint8_t *peer, size_t len, const uint8_t *diff,
    size_t difflen, size_t mtu, struct buf *out)
{
	struct frag_assembly a;
	struct fragmenter f;
	struct instruction in, bye;
	const uint8_t	*p;
	size_t		 n;
	int		 rc = -1;

	frag_assembly_init(&a);
	fragmenter_init(&f);
	if (frag_assembly_add(&a, peer, len) != PROTO_OK ||
	    frag_assembly_take(&a, &in) != PROTO_OK ||
	    in.protocol_version != MOSH_PROTOCOL_VERSION)
		goto out;
	memset(&bye, 0, sizeof(bye));
	bye.protocol_version = MOSH_PROTOCOL_VERSION;
	bye.old_num = in.ack_num;
	bye.new_num = SSP_NUM_SHUTDOWN;
	/* Its base, which we did hold: nothing it sent since is taken. */
	bye.ack_num = in.old_num;
	bye.throwaway_num = in.ack_num;
	bye.diff = diff;
	bye.diff_len = difflen;
	/* An id of its own, never the one of a partial instruction. */
	randombytes_buf(&f.next_id, sizeof(f.next_id));
	if (fragmenter_make(&f, &bye, mtu) != PROTO_OK ||
	    fragmenter_count(&f) != 1)
		goto out;
	fragmenter_get(&f, 0, &p, &n);
	buf_reset(out);
	rc = buf_append(out, p, n);
out:
	fragmenter_free(&f);
	frag_assembly_free(&a);
	return rc;
}

/* ---- receiver ---- */

static size_t
ssp_recv_find(const struct ssp *t, uint64_t num)
{
	size_t	 i;

	for (i = 0; i < t->nrecv; i++)
		if (t->recv[i].num == num)
			return i;
	return SIZE_MAX;
}

static void
ssp_throwaway_until(struct ssp *t, uint64_t num)
{
	size_t	 i, keep = 0;

	for (i = 0; i < t->nrecv; i++) {
		if (t->recv[i].num < num) {
			t->recv_held -= t->recv[i].held;
			t->remote_ops->free(t->recv[i].state);
		} else
			t->recv[keep++] = t->recv[i];
	}
	t->nrecv = keep;
}

static enum proto_err
ssp_drop(struct ssp *t, enum proto_err e)
{
	conn_report_drop(t->conn, e);
	return e;
}

static int
ssp_recv_insert(struct ssp *t, size_t at, struct ssp_timed_state *s)
{
	struct ssp_timed_state *p;
	size_t		 cap;

	if (t->nrecv == t->recv_cap) {
		cap = t->recv_cap * 2;
		if ((p = reallocarray(t->recv, cap, sizeof(*p))) == NULL)
			return -1;
		t->recv = p;
		t->recv_cap = cap;
	}
	memmove(&t->recv[at + 1], &t->recv[at],
	    (t->nrecv - at) * sizeof(*t->recv));
	t->recv[at] = *s;
	t->nrecv++;
	t->recv_held += s->held;
	return 0;
}

/*
 * A report of our fragments: remember which came. The rest goes again
 * at once (ssp_send_repair) when frag is all out; a report of other
 * fragments than frag's is old news.
 */
static enum proto_err
ssp_take_report(struct ssp *t, const uint8_t *r, size_t len)
{
	size_t		 nbytes = (fragmenter_count(&t->frag) + 7) / 8, i;
	const uint8_t	*bits;

	if (!ssp_frag_pending(t) ||
	    fragmenter_report_parse(&t->frag, r, len, &bits, &len) != 0)
		return PROTO_OK;
	if (t->frag_known.len < nbytes) {
		if (buf_reserve(&t->frag_known, nbytes - t->frag_known.len) != 0)
			return PROTO_ERR_NOMEM;
		memset(t->frag_known.data + t->frag_known.len, 0,
		    nbytes - t->frag_known.len);
		t->frag_known.len = nbytes;
	}
	for (i = 0; i < len && i < nbytes; i++)
		t->frag_known.data[i] |= bits[i];
	if (t->frag_next_time == SSP_NEVER)
		t->repair_due = true;
	return PROTO_OK;
}

enum proto_err
ssp_receive(struct ssp *t, const uint8_t *p, size_t len, uint64_t now)
{
	struct instruction in;
	struct ssp_timed_state ns;
	enum proto_err	 e;
	size_t		 ref, at;
	bool		 dup;

	if (t->conn->stats.gaps != t->gaps_seen) {
		t->gaps_seen = t->conn->stats.gaps;
		t->loss_seen_at = now;
	}
	e = frag_assembly_add(&t->assembly, p, len);
	if (e == PROTO_ERR_INCOMPLETE) {
		/* Reported once the fragments stop coming. */
		if (t->peer_takes_reports) {
			t->report_time = now + SSP_REPORT_QUIET_MS;
			t->report_tries = 0;
		}
		return PROTO_OK;
	}
	if (e != PROTO_OK)
		return ssp_drop(t, e);
	if ((e = frag_assembly_take(&t->assembly, &in)) != PROTO_OK)
		return ssp_drop(t, e);
	if (in.protocol_version != MOSH_PROTOCOL_VERSION)
		return ssp_drop(t, PROTO_ERR_VERSION);
	if (in.takes_reports && !t->reports_off)
		t->peer_takes_reports = true;
	if (in.report_len > 0 && (e = ssp_take_report(t, in.report,
	    in.report_len)) != PROTO_OK)
		return e;

	dup = ssp_recv_find(t, in.new_num) != SIZE_MAX;
	ref = ssp_recv_find(t, in.old_num);
	ns.state = NULL;
	/* Apply before anything changes: a bad diff leaves no trace. */
	if (!dup && ref != SIZE_MAX) {
		if ((ns.state = t->remote_ops->clone(t->recv[ref].state)) == NULL)
			return PROTO_ERR_NOMEM;
		if (in.diff_len > 0 && (e = t->remote_ops->apply(ns.state,
		    in.diff, in.diff_len)) != PROTO_OK) {
			t->remote_ops->free(ns.state);
			return ssp_drop(t, e);
		}
	}

	ssp_process_ack(t, in.ack_num);
	conn_set_last_roundtrip_success(t->conn, t->sent[0].ts);
	if (dup)
		return PROTO_OK;
	/* Its base is gone or never came: replays and reordering end here. */
	if (ns.state == NULL)
		return PROTO_ERR_STALE;
	/* A throwaway past the base would be a sender bug; refuse it. */
	if (in.throwaway_num > in.old_num) {
		t->remote_ops->free(ns.state);
		return ssp_drop(t, PROTO_ERR_PROTOBUF);
	}
	ssp_throwaway_until(t, in.throwaway_num);
	if (t->nrecv > SSP_RECV_STATES_SOFT) {
		if (now < t->receiver_quench_timer ||
		    t->nrecv >= SSP_RECV_STATES_HARD) {
			t->remote_ops->free(ns.state);
			return PROTO_ERR_TOO_LARGE;
		}
		t->receiver_quench_timer = now + SSP_QUENCH_MS;
	}
	ns.held = t->remote_ops->held(ns.state);
	if (t->nrecv > 1 && (ns.held > t->recv_budget ||
	    t->recv_held > t->recv_budget - ns.held)) {
		t->remote_ops->free(ns.state);
		return ssp_drop(t, PROTO_ERR_OVER_BUDGET);
	}

	ns.num = in.new_num;
	ns.ts = now;
	for (at = 0; at < t->nrecv; at++)
		if (t->recv[at].num > ns.num)
			break;
	if (ssp_recv_insert(t, at, &ns) != 0) {
		t->remote_ops->free(ns.state);
		return PROTO_ERR_NOMEM;
	}
	if (at + 1 < t->nrecv)
		return PROTO_OK;	/* out of order: not the newest */
	t->ack_num = ns.num;
	t->last_heard = now;
	if (in.diff_len > 0) {
		/* The peer's first news is acked at once: the ack gives it
		 * its first RTT sample, which paces all it sends next. So
		 * is bulk (a paste), which the peer sends only as acks make
		 * room: waiting ACK_DELAY for data to ride along would
		 * slow it to a window per RTT + 100 ms. */
		if (!t->heard_news || in.diff_len >= SSP_BULK_ACK_BYTES)
			t->next_ack_time = now;
		t->heard_news = true;
		t->pending_data_ack = true;
	}
	return PROTO_OK;
}

enum proto_err
ssp_recv_one(struct ssp *t, int fd, uint64_t now)
{
	const uint8_t	*p;
	size_t		 n;
	enum proto_err	 e;

	if ((e = conn_recv(t->conn, fd, now, &p, &n)) != PROTO_OK)
		return e;
	return ssp_receive(t, p, n, now);
}

int
ssp_remote_diff(struct ssp *t, struct buf *out)
{
	const void	*oldest;
	void		*copy;
	size_t		 i;

	if (t->remote_ops->diff(t->last_receiver_state, ssp_remote(t), out) != 0)
		return -1;
	if (t->remote_ops->subtract != NULL) {
		oldest = t->recv[0].state;
		for (i = t->nrecv; i-- > 0;)
			t->remote_ops->subtract(t->recv[i].state, oldest);
	}
	if ((copy = t->remote_ops->clone(ssp_remote(t))) == NULL)
		return -1;
	t->remote_ops->free(t->last_receiver_state);
	t->last_receiver_state = copy;
	return 0;
}

int
ssp_remote_news(struct ssp *t, uint64_t *seen, struct buf *out)
{
	if (ssp_remote_num(t) == *seen)
		return 1;
	*seen = ssp_remote_num(t);
	buf_reset(out);
	return ssp_remote_diff(t, out);
}

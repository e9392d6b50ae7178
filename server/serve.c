#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "proto/clock.h"
#include "proto/msg.h"
#include "proto/ssp.h"
#include "proto/userstream.h"
#include "sandbox/sandbox.h"
#include "server/serve.h"
#include "server/utmp.h"
#include "statesync/hoststate.h"
#include "term/input.h"

#define NO_CLIENT_TIMEOUT_MS	60000
/* A client sends an ack every 3 s: three missed ones, it is gone. */
#define DETACHED_AFTER_MS	10000
#define NEVER_MS		(UINT64_MAX / 4)	/* far, and no overflow */
#define ECHO_TIMEOUT_MS		50
#define UTMP_DETACH_MS		30000
#define PTY_READ_CHUNK		16384
#define PTY_READ_MAX		(256 * 1024)	/* per loop, then tick */
#define TO_PTY_MAX		(16 * 1024 * 1024)
#define ECHO_HIST_MAX		256
#define TITLE_EVERY_MS		5000
#define FAREWELL_MS		1000	/* goodbyes to an old key, at most */
/* A shared key nobody used in this long stops holding a client's place
 * (the person it was for may need a while to type it in). */
#define SHARE_UNUSED_MS		(10 * 60 * 1000)
/*
 * Scrollback is paced: a client has at most this many bytes of history
 * lines sent and not yet acknowledged (a line counted at its width), so
 * history fills the room frames leave and never holds up the screen or
 * an echo behind a long backlog.
 */
#define HISTORY_WINDOW_BYTES	32768
/*
 * A client more than half the ring behind while lines still pour in
 * (a big cat) would get chunks with gaps between them: it waits until
 * the output pauses this long, then gets one gap and the newest lines.
 */
#define HISTORY_SETTLE_MS	200

struct echo_frame {
	uint64_t	 num;
	uint64_t	 ts;
};

/* What poll watches in one round, and where each kind sits. */
struct serve_poll {
	struct pollfd	 pfd[CONN_MAX_SOCKS + 3 + CONTROL_POLLFDS];
	size_t		 n;
	size_t		 nnet;		/* the sockets come first */
	size_t		 sig_i, pty_i, watch_i;	/* 0: not polled (but sig) */
	size_t		 ctl_i, nctl;
};

/*
 * One client of the session: its own key, sequence numbers and SSP
 * sender (whose current state is a view of the session's screen), its
 * own user stream, echo acks and window. Everything else is shared.
 */
struct serve_client {
	unsigned	 id;		/* 1, 2, ... in order of arrival */
	bool		 read_only;	/* its keystrokes are dropped */
	bool		 shared;	/* made by share: may expire unused */
	struct conn	 conn;		/* borrows the session's sockets */
	struct ssp	 ssp;
	uint64_t	 created;
	uint64_t	 last_remote_num;
	struct term_input keys;
	struct echo_frame hist[ECHO_HIST_MAX];
	size_t		 nhist;
	int32_t		 cols, rows;	/* its window; 0 until it says */
	uint64_t	 view_gen;	/* the screen its own-sized view shows */
	bool		 attached;	/* heard within UTMP_DETACH_MS */
	bool		 input_dropped;	/* logged once */
	bool		 leaving;	/* kicked or quit: goes once told */
	bool		 scrollback;	/* it takes history lines */
	uint64_t	 hist_acked;	/* the line its acks reached */
	uint64_t	 hist_inflight;	/* bytes of lines sent since */
	struct sockaddr_storage seen_addr;
	socklen_t	 seen_len;
	char		 peer[NI_MAXHOST];
	char		 peer_port[NI_MAXSERV];
};

struct serve_ctx {
	/* What the session runs with (serve_env's, not ours). */
	const struct server_opts *o;
	struct conn	*net;		/* the sockets, hooks, retired keys */
	struct child	*child;
	struct listener	*listener;
	struct control	*ctl;		/* NULL: no control socket */
	struct events	*ev;
	struct proctitle *pt;
	int		 sigfd;
	uint64_t	 net_ms, sig_ms, idle_ms;	/* timeouts; 0: off */

	/* The one screen every client sees, and what goes to the pty. */
	struct term_emu	*emu;
	uint64_t	 gen;		/* counts its changes */
	struct host_history *hist;	/* lines off its top; NULL: none */
	uint64_t	 hist_moved_at;	/* when a line last left the top */
	uint64_t	 hist_seen;	/* hist->next then */
	struct buf	 to_pty;
	bool		 child_released;

	/* The clients, and the one whose window the terminal follows. */
	struct serve_client *client[CONFIG_CLIENTS_MAX];
	size_t		 nclients;
	unsigned	 next_id;
	struct serve_client *latest;	/* last active read-write one */
	struct serve_client *cur;	/* whose user stream is applied */
	struct buf	 userdiff;
	bool		 had_input;	/* in the diff being applied */
	bool		 resize_pending;
	int32_t		 pending_w, pending_h;
	uint64_t	 farewell_at;	/* last goodbye to an old key, or 0 */
	bool		 attached;	/* some client is heard (utmp) */
	bool		 attached_once;	/* a client came: no 60 s exit */
	uint64_t	 heard_gone;	/* newest contact of a removed client */

	/* Times, and how the session ends. */
	uint64_t	 start;
	uint64_t	 started_wall;	/* time(NULL) at start, for list */
	uint64_t	 last_input;
	uint64_t	 title_at;
	bool		 kill_requested;
	bool		 usr1;		/* SIGUSR1 in this round */
	bool		 ending;	/* every client is being told */
	enum serve_end	 end;		/* the first reason to end, or none */
	bool		 leave;		/* end now: nobody to tell */
};

const char *
serve_end_name(enum serve_end e)
{
	switch (e) {
	case END_NONE:			return "none";
	case END_CLIENT_QUIT:		return "client-quit";
	case END_SHELL_EXIT:		return "shell-exit";
	case END_SIGNAL:		return "signal";
	case END_NO_CLIENT:		return "no-client";
	case END_NETWORK_TIMEOUT:	return "network-timeout";
	case END_SIGNAL_TIMEOUT:	return "signal-timeout";
	case END_IDLE_TIMEOUT:		return "idle-timeout";
	case END_KILLED:		return "killed";
	case END_ERROR:			return "error";
	}
	return "unknown";
}

/* The first reason to end is the one logged; the rest change nothing. */
static void
serve_set_end(struct serve_ctx *s, enum serve_end e)
{
	if (s->end == END_NONE)
		s->end = e;
}

static struct host_state *
serve_view(struct serve_client *c)
{
	return ssp_current(&c->ssp);
}

static const char *
serve_mode(const struct serve_client *c)
{
	return c->read_only ? "ro" : "rw";
}

/* When the client was last heard (never: when it was made). */
static uint64_t
serve_client_heard(const struct serve_client *c)
{
	return ssp_remote_num(&c->ssp) > 0 ?
	    ssp_remote_timestamp(&c->ssp) : c->created;
}

/* The newest contact with any client, present or gone. */
static uint64_t
serve_heard(const struct serve_ctx *s)
{
	uint64_t	 t = s->heard_gone;
	size_t		 i;

	for (i = 0; i < s->nclients; i++)
		if (ssp_remote_timestamp(&s->client[i]->ssp) > t)
			t = ssp_remote_timestamp(&s->client[i]->ssp);
	return t;
}

/* The client heard most recently, or NULL when none ever was. */
static struct serve_client *
serve_newest_client(const struct serve_ctx *s)
{
	struct serve_client *best = NULL;
	size_t		 i;

	for (i = 0; i < s->nclients; i++)
		if (ssp_remote_num(&s->client[i]->ssp) > 0 && (best == NULL ||
		    serve_client_heard(s->client[i]) > serve_client_heard(best)))
			best = s->client[i];
	return best;
}

/*
 * A client under key (NULL: the session's first key, which the sockets'
 * conn hands over), assuming a blank screen so its first frame paints
 * everything. NULL when memory runs out.
 */
static struct serve_client *
serve_client_new(struct serve_ctx *s, const struct mosh_key *key,
    bool read_only, uint64_t now)
{
	const struct term_fb *fb = term_emu_fb(s->emu);
	struct serve_client *c;
	struct host_state *base = NULL, *view = NULL;
	struct userstream *user = NULL;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (conn_server_join(&c->conn, s->net, key, now) != 0) {
		free(c);
		return NULL;
	}
	/* The first client comes at setup, while the session's screen is
	 * still the blank one a client starts from: its base shares those
	 * rows, so an idle session holds one screen, not two. */
	base = key == NULL ? host_state_blank_of(s->emu) :
	    host_state_new(fb->cols, fb->rows);
	view = host_state_view(s->emu, read_only);
	user = userstream_new();
	if (base == NULL || view == NULL || user == NULL) {
		host_state_free(base);
		userstream_free(user);
		base = NULL;
	}
	/* ssp_init frees base and user when it fails. */
	if (base == NULL || ssp_init(&c->ssp, &c->conn, &host_state_ops,
	    base, &userstream_ops, user, now) != 0) {
		host_state_free(view);
		conn_close(&c->conn);
		free(c);
		return NULL;
	}
	ssp_set_current(&c->ssp, view);
	/* On a clean link mosh's prophylactic resend (each echo again in
	 * its echo ack) is a tenth of what we send: only where loss was
	 * seen. */
	ssp_set_resend_on_loss(&c->ssp);
	/* Clients with the key may each send large states: together they
	 * get what one client would, so the session's memory stays bounded
	 * however many there are. */
	ssp_set_recv_budget(&c->ssp, SSP_RECV_BUDGET_BYTES /
	    (size_t)s->o->cfg.max_clients);
	c->id = ++s->next_id;
	c->read_only = read_only;
	c->created = now;
	return c;
}

/* Its key is wiped with its conn; the sockets stay the session's. */
static void
serve_client_free(struct serve_client *c)
{
	ssp_free(&c->ssp);
	conn_close(&c->conn);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static void
serve_utmp(struct serve_ctx *s, bool connected)
{
	struct serve_client *c = serve_newest_client(s);
	char	 entry[NI_MAXHOST + 64];

	if (connected && c != NULL)
		snprintf(entry, sizeof(entry), "%s via mosh [%ld]", c->peer,
		    (long)getpid());
	else
		snprintf(entry, sizeof(entry), "mosh [%ld]", (long)getpid());
	/* The helper, outside the sandbox, calls libutempter. */
	(void)utmp_helper_add(s->child->utmp, entry, &s->child->utmp_unacked);
	s->attached = connected;
}

/* utmp says attached while any client is. */
static void
serve_utmp_update(struct serve_ctx *s)
{
	bool	 any = false;
	size_t	 i;

	for (i = 0; i < s->nclients; i++)
		any = any || s->client[i]->attached;
	if (any != s->attached)
		serve_utmp(s, any);
}

static void
serve_title(struct serve_ctx *s, uint64_t now)
{
	struct serve_client *c = serve_newest_client(s);
	uint64_t	 idle = (now - s->last_input) / 1000;
	time_t		 since = time(NULL) - (time_t)idle;
	struct tm	 tm;
	char		 hhmm[16], more[32] = "";

	localtime_r(&since, &tm);
	strftime(hhmm, sizeof(hhmm), "%H:%M:%S", &tm);
	s->title_at = now;
	if (s->nclients > 1)
		snprintf(more, sizeof(more), " +%zu", s->nclients - 1);
	if (c == NULL)
		proctitle_set(s->pt, "mosh-server: waiting for a client "
		    "on port %d", s->o->cfg.ports.low);
	else
		proctitle_set(s->pt, "mosh-server: %s %s%s, idle %llus "
		    "(input %s)", s->attached ? "attached" : "detached",
		    c->peer, more, (unsigned long long)idle, hhmm);
}

/* The client is gone from the session's point of view: say so. */
static void
serve_client_gone(struct serve_ctx *s, struct serve_client *c, uint64_t now)
{
	if (!c->attached)
		return;
	events_session(s->ev, "client-gone", "src=%s idle=%llu client=%u "
	    "mode=%s", c->peer, (unsigned long long)((now -
	    serve_client_heard(c)) / 1000), c->id, serve_mode(c));
	c->attached = false;
}

/* Forget client i: its key is wiped, the others move up. */
static void
serve_client_remove(struct serve_ctx *s, size_t i, uint64_t now)
{
	struct serve_client *c = s->client[i];

	serve_client_gone(s, c, now);
	if (ssp_remote_timestamp(&c->ssp) > s->heard_gone)
		s->heard_gone = ssp_remote_timestamp(&c->ssp);
	if (s->latest == c)
		s->latest = NULL;
	serve_client_free(c);
	memmove(&s->client[i], &s->client[i + 1],
	    (s->nclients - i - 1) * sizeof(s->client[0]));
	s->nclients--;
	serve_utmp_update(s);
	serve_title(s, now);
}

/* Tell client c that it is ending (once); false if it cannot be told. */
static bool
serve_client_tell_end(struct serve_client *c, uint64_t now)
{
	if (!conn_has_remote(&c->conn))
		return false;
	if (!ssp_shutdown_in_progress(&c->ssp))
		ssp_start_shutdown(&c->ssp, now);
	return true;
}

/* Told, and it acked or stopped answering (or it could not be told). */
static bool
serve_client_told(const struct serve_client *c, uint64_t now)
{
	return !conn_has_remote(&c->conn) ||
	    ssp_counterparty_shutdown_acknowledged(&c->ssp) ||
	    (ssp_shutdown_in_progress(&c->ssp) &&
	    (ssp_shutdown_acknowledged(&c->ssp) ||
	    ssp_shutdown_ack_timed_out(&c->ssp, now)));
}

/*
 * End the session for reason e: tell every client that can be told;
 * with none (or when this is a second reason, during the goodbyes),
 * leave at once.
 */
static void
serve_quit(struct serve_ctx *s, enum serve_end e, uint64_t now)
{
	bool	 told = false;
	size_t	 i;

	serve_set_end(s, e);
	if (s->ending) {
		s->leave = true;
		return;
	}
	s->ending = true;
	for (i = 0; i < s->nclients; i++)
		if (!s->client[i]->leaving)
			told = serve_client_tell_end(s->client[i], now) || told;
	if (!told) {
		s->leave = true;
		return;
	}
	if (s->o->cfg.verbose)
		fprintf(stderr, "Shutting down (%s)\n", serve_end_name(s->end));
}

/* The shell and its jobs are gone: tell every client, then leave. */
static void
serve_shell_gone(struct serve_ctx *s, uint64_t now)
{
	size_t	 i;

	serve_set_end(s, END_SHELL_EXIT);
	s->ending = true;
	for (i = 0; i < s->nclients; i++)
		if (!ssp_shutdown_in_progress(&s->client[i]->ssp))
			ssp_start_shutdown(&s->client[i]->ssp, now);
}

static void
serve_queue_pty(struct serve_ctx *s, const uint8_t *p, size_t n)
{
	/* An application that never reads its input cannot make us grow
	 * without bound; beyond this, keystrokes are lost. */
	if (s->to_pty.len + n > TO_PTY_MAX)
		return;
	(void)buf_append(&s->to_pty, p, n);
}

static void
serve_apply_resize(struct serve_ctx *s)
{
	struct winsize	 ws;
	int32_t		 w = s->pending_w, h = s->pending_h;
	const struct term_fb *fb = term_emu_fb(s->emu);

	s->resize_pending = false;
	if (w < 1 || h < 1 || w > TERM_MAX_COLS || h > TERM_MAX_ROWS ||
	    (w == fb->cols && h == fb->rows))
		return;		/* refused, as any bad input; or no change */
	memset(&ws, 0, sizeof(ws));
	ws.ws_col = (unsigned short)w;
	ws.ws_row = (unsigned short)h;
	/* The kernel sends SIGWINCH to the pty's foreground group. */
	(void)ioctl(s->child->master, TIOCSWINSZ, &ws);
	if (term_emu_resize(s->emu, w, h) == 0)
		s->gen++;
}

/*
 * A read-write client was active: the terminal takes its window (as
 * tmux's "latest"), once it has said what its window is.
 */
static void
serve_follow(struct serve_ctx *s, struct serve_client *c)
{
	s->latest = c;
	if (c->cols > 0) {
		s->resize_pending = true;
		s->pending_w = c->cols;
		s->pending_h = c->rows;
	}
}

static int
serve_user_keys(void *arg, const uint8_t *p, size_t n)
{
	struct serve_ctx *s = arg;
	struct serve_client *c = s->cur;
	int		 app;
	uint8_t		 out[2];
	size_t		 i, k;

	s->had_input = s->had_input || n > 0;
	if (c->read_only) {
		if (n > 0 && !c->input_dropped)
			events_session(s->ev, "client-input-dropped",
			    "src=%s client=%u mode=ro", c->peer[0] ? c->peer :
			    "-", c->id);
		c->input_dropped = c->input_dropped || n > 0;
		return 0;
	}
	if (s->latest != c && n > 0)
		serve_follow(s, c);
	if (s->resize_pending)
		serve_apply_resize(s);
	app = term_emu_app_cursor_keys(s->emu);
	for (i = 0; i < n; i++) {
		k = term_input_byte(&c->keys, p[i], app, out);
		if (k > 0)
			serve_queue_pty(s, out, k);
	}
	return 0;
}

static int
serve_user_resize(void *arg, int32_t w, int32_t h)
{
	struct serve_ctx *s = arg;
	struct serve_client *c = s->cur;

	s->had_input = true;
	if (w < 1 || h < 1 || w > TERM_MAX_COLS || h > TERM_MAX_ROWS)
		return 0;	/* refused, as any bad input */
	c->cols = w;
	c->rows = h;
	/* Of consecutive resizes only the last one matters. */
	if (!c->read_only)
		serve_follow(s, c);
	return 0;
}

/* The first lines a client that joins now gets: the newest
 * attach_history (all of them for the session's first client). */
static uint64_t
serve_history_start(const struct serve_ctx *s)
{
	uint64_t	 want = (uint64_t)s->o->cfg.attach_history;
	uint64_t	 first = s->hist->first;

	return s->hist->next - first > want ? s->hist->next - want : first;
}

/* What the client takes beyond mosh: history lines, from now on. */
static int
serve_user_caps(void *arg, uint32_t caps)
{
	struct serve_ctx *s = arg;
	struct serve_client *c = s->cur;
	struct host_state *v = serve_view(c);
	uint64_t	 start;

	if (!(caps & USER_CAP_SCROLLBACK) || c->scrollback || s->hist == NULL)
		return 0;
	/* Lines are kept from the first client that takes them on: a
	 * session of stock clients holds none. */
	term_emu_set_history(s->emu, host_history_sink, s->hist);
	start = serve_history_start(s);
	host_state_set_history(v, s->hist, start);
	v->hist_base = start;
	c->scrollback = true;
	return 0;
}

static void
serve_echo_register(struct serve_client *c, uint64_t num, uint64_t now)
{
	if (c->nhist == ECHO_HIST_MAX) {
		memmove(&c->hist[0], &c->hist[1],
		    (ECHO_HIST_MAX - 1) * sizeof(c->hist[0]));
		c->nhist--;
	}
	c->hist[c->nhist].num = num;
	c->hist[c->nhist].ts = now;
	c->nhist++;
}

/* mosh's rule: input applied 50 ms ago has been echoed if it will be. */
static void
serve_echo_update(struct serve_client *c, uint64_t now)
{
	uint64_t	 newest = 0;
	size_t		 i, keep = 0;

	for (i = 0; i < c->nhist; i++)
		if (c->hist[i].ts + ECHO_TIMEOUT_MS <= now)
			newest = c->hist[i].num;
	for (i = 0; i < c->nhist; i++)
		if (c->hist[i].num >= newest)
			c->hist[keep++] = c->hist[i];
	c->nhist = keep;
	if (newest > serve_view(c)->echo_ack &&
	    !ssp_shutdown_in_progress(&c->ssp))
		serve_view(c)->echo_ack = newest;
}

static int
serve_echo_wait(const struct serve_client *c, uint64_t now)
{
	uint64_t	 due;

	if (c->nhist < 2)
		return INT_MAX;
	due = c->hist[1].ts + ECHO_TIMEOUT_MS;
	return due <= now ? 0 : (int)(due - now);
}

/* The client's address, as events and list show it; a change is news. */
static void
serve_note_peer(struct serve_ctx *s, struct serve_client *c, uint64_t now)
{
	socklen_t	 len;
	const struct sockaddr *a = conn_remote(&c->conn, &len);
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];

	if (c->attached && len == c->seen_len &&
	    memcmp(a, &c->seen_addr, len) == 0)
		return;
	memcpy(&c->seen_addr, a, len);
	c->seen_len = len;
	if (getnameinfo(a, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strcpy(host, "?");
		strcpy(serv, "?");
	}
	/* A new address while attached is a roam; else an attach. What
	 * went to the old address since is sent again at once. */
	if (c->attached) {
		events_session(s->ev, "client-roam", "from=%s:%s to=%s:%s "
		    "client=%u", c->peer, c->peer_port, host, serv, c->id);
		ssp_peer_moved(&c->ssp, now);
	} else
		events_session(s->ev, "client-attach", "src=%s sport=%s "
		    "client=%u mode=%s", host, serv, c->id, serve_mode(c));
	snprintf(c->peer, sizeof(c->peer), "%s", host);
	snprintf(c->peer_port, sizeof(c->peer_port), "%s", serv);
	c->attached = true;
	serve_utmp(s, true);
	/* mosh's own words (the client's number is in the event). */
	if (s->o->cfg.verbose)
		fprintf(stderr, "Server now attached to client at %s:%s\n",
		    host, serv);
	serve_title(s, now);
}

/*
 * A device still using a key that attach retired (a laptop waking up, a
 * phone in a pocket): tell it, at most once per FAREWELL_MS, that the
 * session moved, so it exits with a message instead of retrying forever.
 * Nothing it sent is applied.
 */
static void
serve_farewell(struct serve_ctx *s, const uint8_t *p, size_t n, uint64_t now)
{
	struct buf	 diff = BUF_INIT, out = BUF_INIT;

	if (s->farewell_at != 0 && now - s->farewell_at < FAREWELL_MS)
		return;
	s->farewell_at = now;
	if (host_msg_add_notice(&diff, HOST_NOTICE_MOVED) == 0 &&
	    ssp_farewell(p, n, diff.data, diff.len,
	    conn_mtu(s->net) - DGRAM_OVERHEAD, &out) == 0)
		(void)conn_send_retired(s->net, out.data, out.len, now);
	buf_free(&diff);
	buf_free(&out);
}

/* What client c's newest state asks: keys and its window, in order. */
static void
serve_client_news(struct serve_ctx *s, struct serve_client *c, uint64_t now)
{
	struct user_msg_handler h = { serve_user_keys, serve_user_resize, s,
	    serve_user_caps };

	if (ssp_remote_news(&c->ssp, &c->last_remote_num, &s->userdiff) != 0)
		return;
	s->cur = c;
	s->had_input = false;
	/* Parse failures cannot happen here: SSP applied it already. */
	(void)user_msg_parse(s->userdiff.data, s->userdiff.len, &h);
	if (s->resize_pending)
		serve_apply_resize(s);
	if (s->had_input) {
		/* A read-only client's echo ack moves too: its own guesses
		 * at an echo are then seen to be wrong, and withdrawn. */
		serve_echo_register(c, c->last_remote_num, now);
		s->last_input = now;
	}
	s->cur = NULL;
	serve_note_peer(s, c, now);
	s->attached_once = true;
	if (!s->child_released) {
		if (child_release(s->child) != 0)
			serve_shell_gone(s, now);
		s->child_released = true;
	}
}

/* Datagrams on one socket, each to the client whose key opens it. */
static void
serve_network(struct serve_ctx *s, int fd, uint64_t now)
{
	struct conn	*conns[CONFIG_CLIENTS_MAX];
	struct serve_client *c;
	const uint8_t	*p;
	size_t		 n, i, which;
	enum proto_err	 e;

	for (i = 0; i < s->nclients; i++)
		conns[i] = &s->client[i]->conn;
	/* Key holders flooding at once, each state a copy of a large one:
	 * poll finds the rest after the control socket, signals and pty. */
	while (clock_ms() - now < CONN_RECV_TURN_MS) {
		e = conn_recv_clients(s->net, conns, s->nclients, fd, now,
		    &which, &p, &n);
		if (e == PROTO_ERR_AGAIN)
			break;
		if (e == PROTO_ERR_OLD_KEY)
			serve_farewell(s, p, n, now);
		if (e != PROTO_OK)
			continue;
		c = s->client[which];
		(void)ssp_receive(&c->ssp, p, n, now);
		serve_client_news(s, c, now);
	}
}

/* What a history line costs in flight: its width and a little more. */
static uint64_t
serve_history_cost(const struct host_history *h, uint64_t n)
{
	const struct host_history_line *l = host_history_get(h, n);

	return (uint64_t)(l != NULL ? l->cols : 0) + 8;
}

/*
 * Release history lines to a client at its pace: what it has not
 * acknowledged stays within HISTORY_WINDOW_BYTES (a line counted at its
 * width), recounted when an ack moves. A client that fell behind the
 * ring resumes at its oldest line (the diff says how many it missed).
 */
static void
serve_history_release(struct serve_ctx *s, struct serve_client *c,
    uint64_t now)
{
	struct host_state *v = serve_view(c);
	const struct host_state *acked = ssp_acked_state(&c->ssp);
	uint64_t	 from, n;

	if (!c->scrollback)
		return;
	from = acked->hist_seq > v->hist_base ? acked->hist_seq : v->hist_base;
	if (from < s->hist->first)
		from = s->hist->first;
	if (from != c->hist_acked) {
		c->hist_acked = from;
		c->hist_inflight = 0;
		for (n = from; n < v->hist_seq; n++)
			c->hist_inflight += serve_history_cost(s->hist, n);
	}
	if (s->hist->next - from > s->hist->cap / 2 &&
	    now - s->hist_moved_at < HISTORY_SETTLE_MS)
		return;
	/* Past what the ring dropped: the next diff says how many. */
	if (v->hist_seq < from)
		v->hist_seq = from;
	while (v->hist_seq < s->hist->next &&
	    c->hist_inflight < HISTORY_WINDOW_BYTES)
		c->hist_inflight += serve_history_cost(s->hist, v->hist_seq++);
}

/* Returns false when the pty is gone (the shell and its jobs exited). */
static bool
serve_pty_read(struct serve_ctx *s, uint64_t now)
{
	uint8_t		 b[PTY_READ_CHUNK];
	struct term_buf	*replies;
	size_t		 total = 0;
	ssize_t		 n;

	while (total < PTY_READ_MAX) {
		n = read(s->child->master, b, sizeof(b));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		/* EIO once the slave side is closed: treat as EOF. */
		if (n <= 0)
			return false;
		(void)term_emu_write(s->emu, b, (size_t)n);
		total += (size_t)n;
	}
	if (total > 0)
		s->gen++;
	if (s->hist != NULL && s->hist->next != s->hist_seen) {
		s->hist_seen = s->hist->next;
		s->hist_moved_at = now;
	}
	replies = term_emu_replies(s->emu);
	if (replies->len > 0) {
		serve_queue_pty(s, replies->data, replies->len);
		term_buf_clear(replies);
	}
	return true;
}

static bool
serve_pty_write(struct serve_ctx *s)
{
	ssize_t	 n;

	while (s->to_pty.len > 0) {
		n = write(s->child->master, s->to_pty.data, s->to_pty.len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			return false;
		}
		memmove(s->to_pty.data, s->to_pty.data + n,
		    s->to_pty.len - (size_t)n);
		s->to_pty.len -= (size_t)n;
	}
	return true;
}

/*
 * Everything the loop needs is open (sockets, pty, signalfd, the utmp
 * helper): from here on the server cannot open, exec or connect.
 */
static int
serve_sandbox(const struct server_opts *o, const struct events *ev)
{
	struct sandbox_conf c = {
		.mode = (enum sandbox_mode)o->cfg.sandbox,
		.logfd = STDERR_FILENO,
		.syslog_fd = ev->syslog_fd,
		.syslog_facility = ev->facility,
		.ttyfd = -1,
		.tty = NULL,
	};

	return sandbox_enter(&sandbox_policy_server, &c);
}

/* The `list` reply of this session, written by the control codec. */
static void
serve_control_info(struct serve_ctx *s, int fd, uint64_t now)
{
	struct serve_client *newest = serve_newest_client(s), *c;
	struct control_client *out;
	struct control_info i;
	char		 b[CONTROL_LINE_MAX];
	uint64_t	 since = now - serve_heard(s);
	size_t		 k;

	memset(&i, 0, sizeof(i));
	i.pid = (long)getpid();
	i.started = s->started_wall;
	i.port = listener_port(s->listener);
	snprintf(i.iface, sizeof(i.iface), "%s", s->o->cfg.iface.name);
	snprintf(i.state, sizeof(i.state), "%s", newest != NULL &&
	    since < DETACHED_AFTER_MS ? "attached" : "detached");
	if (newest != NULL)
		snprintf(i.client, sizeof(i.client), "%.63s:%.15s",
		    newest->peer, newest->peer_port);
	else
		snprintf(i.client, sizeof(i.client), "-");
	i.last_contact = newest != NULL ? since / 1000 : 0;
	i.idle = (now - s->last_input) / 1000;
	options_command_line(s->o, i.command, sizeof(i.command));
	for (k = 0; k < s->nclients && k < CONTROL_CLIENTS_MAX; k++) {
		c = s->client[k];
		out = &i.clients[i.nclients++];
		out->id = c->id;
		out->read_only = c->read_only;
		out->heard = ssp_remote_num(&c->ssp) > 0 && c->peer[0] != '\0';
		if (out->heard) {
			snprintf(out->addr, sizeof(out->addr), "%.63s:%.15s",
			    c->peer, c->peer_port);
			out->last_contact = (now - serve_client_heard(c)) / 1000;
		}
	}
	if (control_info_format(&i, b, sizeof(b)) == 0)
		control_reply(fd, b);
}

/* A fresh key's MOSH CONNECT line to the requester; the key is wiped. */
static void
serve_reply_key(struct serve_ctx *s, int fd, struct mosh_key *key)
{
	char	 keystr[MOSH_KEY_B64_LEN + 1];

	key_format(key, keystr);
	key_wipe(key);
	control_reply_connect(fd, listener_port(s->listener), keystr);
	explicit_bzero(keystr, sizeof(keystr));
}

/* The read-write client attach replaces: the one heard least recently. */
static struct serve_client *
serve_attach_victim(const struct serve_ctx *s)
{
	struct serve_client *v = NULL, *c;
	size_t		 i;

	for (i = 0; i < s->nclients; i++) {
		c = s->client[i];
		if (c->read_only || c->leaving)
			continue;
		if (v == NULL || serve_client_heard(c) < serve_client_heard(v))
			v = c;
	}
	return v;
}

/* One more client under a fresh key; -1 (and the reply) when refused. */
static int
serve_add_client(struct serve_ctx *s, int fd, bool read_only, bool shared,
    uint64_t now)
{
	struct serve_client *c;
	struct mosh_key	 key;

	if (s->nclients >= (size_t)s->o->cfg.max_clients) {
		control_reply_error(fd, "too-many-clients");
		return -1;
	}
	if (key_generate(&key) != 0 ||
	    (c = serve_client_new(s, &key, read_only, now)) == NULL) {
		key_wipe(&key);
		control_reply_error(fd, "out of memory");
		return -1;
	}
	c->shared = shared;
	s->client[s->nclients++] = c;
	serve_reply_key(s, fd, &key);
	events_session(s->ev, shared ? "session-share" : "session-rekey",
	    "port=%d client=%u mode=%s", listener_port(s->listener), c->id,
	    serve_mode(c));
	return 0;
}

/*
 * Re-key for a new client (after a crash, or from another device): the
 * read-write client heard least recently gets a fresh key, fresh sequence
 * numbers both ways (no nonce is reused under any key), and a sender that
 * assumes a blank screen, so the new client gets a full repaint. Its old
 * key stops working at once; every other client goes on as it was. With
 * no read-write client left, the new one is added beside the others.
 */
static void
serve_control_attach(struct serve_ctx *s, int fd, uint64_t now)
{
	struct serve_client *v = serve_attach_victim(s);
	const struct term_fb *fb = term_emu_fb(s->emu);
	struct mosh_key	 key;
	struct host_state *base;
	struct userstream *user;

	if (v == NULL) {
		(void)serve_add_client(s, fd, false, false, now);
		return;
	}
	base = host_state_new(fb->cols, fb->rows);
	user = userstream_new();
	if (base == NULL || user == NULL || key_generate(&key) != 0) {
		host_state_free(base);
		userstream_free(user);
		control_reply_error(fd, "cannot re-key");
		return;
	}
	/* All or nothing: on failure the old client keeps its session. */
	if (ssp_rekey(&v->ssp, &key, base, user, now) != 0) {
		key_wipe(&key);
		control_reply_error(fd, "out of memory");
		return;
	}
	s->farewell_at = 0;
	serve_client_gone(s, v, now);
	/* The new client numbers its states from 0 again. */
	serve_view(v)->echo_ack = 0;
	v->nhist = 0;
	v->last_remote_num = 0;
	v->cols = v->rows = 0;
	v->created = now;
	/* The new client says again whether it takes history; it then
	 * gets the newest attach_history lines, not the old one's place. */
	v->scrollback = false;
	host_state_set_history(serve_view(v), NULL, 0);
	serve_view(v)->hist_base = 0;
	v->id = ++s->next_id;
	v->shared = false;
	memset(&v->keys, 0, sizeof(v->keys));
	serve_reply_key(s, fd, &key);
	events_session(s->ev, "session-rekey", "port=%d client=%u mode=rw",
	    listener_port(s->listener), v->id);
	serve_utmp_update(s);
	serve_title(s, now);
}

/* share [read-only]: a client more, beside the others. */
static void
serve_control_share(struct serve_ctx *s, int fd, const char *arg,
    uint64_t now)
{
	bool	 read_only = strcmp(arg, "read-only") == 0;

	if (arg[0] != '\0' && !read_only) {
		control_reply_error(fd, "bad-argument");
		return;
	}
	(void)serve_add_client(s, fd, read_only, true, now);
}

/* kick CLIENT: tell that one client the session ended for it. */
static void
serve_control_kick(struct serve_ctx *s, int fd, const char *arg,
    uint64_t now)
{
	struct serve_client *c;
	char		*end;
	unsigned long	 id;
	size_t		 i;

	errno = 0;
	id = isdigit((unsigned char)arg[0]) ? strtoul(arg, &end, 10) : 0;
	if (id == 0 || errno != 0 || *end != '\0') {
		control_reply_error(fd, "bad-argument");
		return;
	}
	for (i = 0; i < s->nclients; i++) {
		c = s->client[i];
		if (c->id != id || c->leaving)
			continue;
		c->leaving = true;
		(void)serve_client_tell_end(c, now);
		events_session(s->ev, "client-kick", "src=%s client=%u mode=%s",
		    c->peer[0] ? c->peer : "-", c->id, serve_mode(c));
		control_reply_ok(fd);
		return;
	}
	control_reply_error(fd, "no-such-client");
}

/* One whole request from the control socket; fd takes the reply. */
static void
serve_control(void *arg, int fd, const struct control_req *req, uint64_t now)
{
	struct serve_ctx *s = arg;
	bool		 takes_arg = req->kind == CONTROL_SHARE ||
			    req->kind == CONTROL_KICK;

	if (req->arg[0] != '\0' && !takes_arg) {
		control_reply_error(fd, "no argument taken");
		return;
	}
	if (s->ending && req->kind != CONTROL_INFO) {
		control_reply_error(fd, "session-ending");
		return;
	}
	switch (req->kind) {
	case CONTROL_INFO:
		serve_control_info(s, fd, now);
		break;
	case CONTROL_ATTACH:
		serve_control_attach(s, fd, now);
		break;
	case CONTROL_SHARE:
		serve_control_share(s, fd, req->arg, now);
		break;
	case CONTROL_KICK:
		serve_control_kick(s, fd, req->arg, now);
		break;
	case CONTROL_KILL:
		control_reply_ok(fd);
		s->kill_requested = true;
		break;
	}
}

/* The screen, the first client, the signalfd and the sandbox. */
static bool
serve_setup(struct serve_ctx *s, const struct serve_env *env)
{
	const struct config *c = &env->o->cfg;
	uint64_t	 now = clock_ms();

	memset(s, 0, sizeof(*s));
	s->o = env->o;
	s->net = env->conn;
	s->child = env->child;
	s->pt = env->pt;
	s->ev = env->ev;
	s->listener = env->net;
	s->ctl = env->ctl;
	s->started_wall = (uint64_t)time(NULL);
	s->start = s->last_input = s->heard_gone = now;
	/* network_timeout defaults to a week (config); 0 means never. */
	s->net_ms = c->network_timeout ? (uint64_t)c->network_timeout * 1000 :
	    NEVER_MS;
	s->sig_ms = (uint64_t)c->signal_timeout * 1000;
	s->idle_ms = (uint64_t)c->idle_timeout * 1000;
	s->sigfd = -1;
	/* The first client holds the key `new` printed. */
	if ((s->emu = term_emu_new(env->cols, env->rows)) == NULL ||
	    (s->client[0] = serve_client_new(s, NULL, false, now)) == NULL) {
		fprintf(stderr, "mosh-server: out of memory\n");
		return false;
	}
	s->nclients = 1;
	if (c->scrollback_lines > 0) {
		if ((s->hist = host_history_new((size_t)c->scrollback_lines)) ==
		    NULL) {
			fprintf(stderr, "mosh-server: out of memory\n");
			return false;
		}
	}
	s->sigfd = base_signalfd_open((const int[]){ SIGTERM, SIGINT, SIGHUP,
	    SIGUSR1, SIGCHLD, 0 });
	serve_utmp(s, false);
	serve_title(s, now);
	if (s->sigfd == -1 || serve_sandbox(s->o, s->ev) != 0)
		return false;
	(void)malloc_trim(0);
	return true;
}

/* Milliseconds poll may sleep: until the first thing that is due. */
static int
serve_next_wait(struct serve_ctx *s, uint64_t now)
{
	struct serve_client *c;
	struct base_wait w;
	size_t		 i;

	base_wait_init(&w, INT_MAX);
	for (i = 0; i < s->nclients; i++) {
		c = s->client[i];
		base_wait_for(&w, (uint64_t)ssp_wait_time(&c->ssp, now));
		base_wait_for(&w, (uint64_t)serve_echo_wait(c, now));
		if (c->attached)
			base_wait_until(&w, serve_client_heard(c),
			    UTMP_DETACH_MS, now);
		if (c->shared && ssp_remote_num(&c->ssp) == 0)
			base_wait_until(&w, c->created, SHARE_UNUSED_MS, now);
	}
	/* History held back during a flood goes once the output pauses. */
	if (s->hist != NULL && now - s->hist_moved_at < HISTORY_SETTLE_MS)
		base_wait_until(&w, s->hist_moved_at, HISTORY_SETTLE_MS, now);
	/* Waiting for a client, or for the clients to ack the shutdown. */
	if (!s->attached_once || s->ending)
		base_wait_for(&w, 5000);
	base_wait_for(&w, (uint64_t)events_flush(s->ev, now, false));
	base_wait_until(&w, serve_heard(s), s->net_ms, now);
	if (s->idle_ms)
		base_wait_until(&w, s->last_input, s->idle_ms, now);
	if (s->ctl != NULL)
		base_wait_for(&w, (uint64_t)control_wait(s->ctl, now));
	return w.ms;
}

/* What poll watches: the sockets, the signals, the pty (until the
 * shutdown), the interface's addresses and the control socket. */
static void
serve_poll_build(struct serve_ctx *s, struct serve_poll *p)
{
	int	 fds[CONN_MAX_SOCKS];
	size_t	 i;

	memset(p, 0, sizeof(*p));
	p->nnet = conn_fds(s->net, fds, CONN_MAX_SOCKS);
	for (i = 0; i < p->nnet; i++) {
		p->pfd[i].fd = fds[i];
		p->pfd[i].events = POLLIN;
	}
	p->n = p->nnet;
	p->pfd[p->sig_i = p->n].fd = s->sigfd;
	p->pfd[p->n++].events = POLLIN;
	if (!s->ending) {
		p->pfd[p->pty_i = p->n].fd = s->child->master;
		p->pfd[p->n++].events = POLLIN |
		    (s->to_pty.len > 0 ? POLLOUT : 0);
	}
	if (listener_watch_fd(s->listener) != -1) {
		p->pfd[p->watch_i = p->n].fd = listener_watch_fd(s->listener);
		p->pfd[p->n++].events = POLLIN;
	}
	p->ctl_i = p->n;
	p->nctl = s->ctl != NULL ? control_pollfds(s->ctl, &p->pfd[p->n]) : 0;
	p->n += p->nctl;
}

/* SIGUSR1 is noted for the end check; SIGCHLD reaps; the rest quit. */
static void
serve_signals(struct serve_ctx *s, uint64_t now)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			s->usr1 = true;
		else if (si.ssi_signo == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		else
			serve_quit(s, END_SIGNAL, now);
	}
}

/* The pty both ways, while the session is not shutting down. */
static void
serve_pty(struct serve_ctx *s, const struct serve_poll *p, uint64_t now)
{
	if (p->pty_i != 0 && !s->ending &&
	    (p->pfd[p->pty_i].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    !serve_pty_read(s, now))
		serve_shell_gone(s, now);
	if (s->to_pty.len > 0 && !s->ending && !serve_pty_write(s))
		serve_shell_gone(s, now);
}

/* The listener re-bound an address: every client sends from the new set. */
static void
serve_resync(struct serve_ctx *s)
{
	size_t	 i;

	listener_resync(s->listener, s->net);
	for (i = 0; i < s->nclients; i++)
		conn_share_sockets(&s->client[i]->conn, s->net);
}

/* Whatever poll found ready. */
static void
serve_handle(struct serve_ctx *s, const struct serve_poll *p, uint64_t now)
{
	size_t	 i;

	for (i = 0; i < p->nnet; i++)
		if (p->pfd[i].revents & POLLIN)
			serve_network(s, p->pfd[i].fd, now);
	s->usr1 = false;
	if (p->pfd[p->sig_i].revents & POLLIN)
		serve_signals(s, now);
	/* After the reads above: a re-bind may close their fds. */
	if (p->watch_i != 0 && (p->pfd[p->watch_i].revents & POLLIN))
		serve_resync(s);
	if (p->nctl > 0)
		control_run(s->ctl, &p->pfd[p->ctl_i], p->nctl, now,
		    serve_control, s);
	serve_pty(s, p, now);
}

/* Is c the only read-write client that is not leaving? */
static bool
serve_last_writer(const struct serve_ctx *s, const struct serve_client *c)
{
	size_t	 i;

	for (i = 0; i < s->nclients; i++)
		if (s->client[i] != c && !s->client[i]->read_only &&
		    !s->client[i]->leaving)
			return false;
	return true;
}

/*
 * A client that quit (the user's escape sequence): with another
 * read-write client left it alone goes; the last one ends the session,
 * as quitting mosh does.
 */
static void
serve_client_quits(struct serve_ctx *s, uint64_t now)
{
	struct serve_client *c;
	size_t		 i;

	for (i = 0; i < s->nclients; i++) {
		c = s->client[i];
		if (c->leaving || !ssp_counterparty_shutdown_acknowledged(&c->ssp))
			continue;
		if (!c->read_only && serve_last_writer(s, c) && !s->ending) {
			c->leaving = true;
			serve_quit(s, END_CLIENT_QUIT, now);
		}
		c->leaving = true;
	}
}

/* Every client was told the session ends and acked it, or went quiet. */
static bool
serve_all_told(const struct serve_ctx *s, uint64_t now)
{
	size_t	 i;

	for (i = 0; i < s->nclients; i++)
		if (!serve_client_told(s->client[i], now))
			return false;
	return true;
}

/* END_NONE while the session goes on; else why it ended. */
static enum serve_end
serve_check_end(struct serve_ctx *s, uint64_t now)
{
	uint64_t	 since = now - serve_heard(s);

	/* Each reason quits once: the clients get their goodbyes (a
	 * second signal, during them, still leaves at once). */
	if (s->kill_requested) {
		s->kill_requested = false;
		serve_quit(s, END_KILLED, now);
	}
	if (!s->ending && since >= s->net_ms)
		serve_quit(s, END_NETWORK_TIMEOUT, now);
	if (s->usr1 && (s->sig_ms == 0 || since >= s->sig_ms))
		serve_quit(s, END_SIGNAL_TIMEOUT, now);
	if (!s->ending && s->idle_ms && now - s->last_input >= s->idle_ms)
		serve_quit(s, END_IDLE_TIMEOUT, now);
	serve_client_quits(s, now);
	if (s->leave || (s->ending && serve_all_told(s, now)))
		return s->end;
	/* Only a session nobody ever used: after an attach, a client
	 * that fails to come must not cost the user their session. */
	if (!s->attached_once && now - s->start >= NO_CLIENT_TIMEOUT_MS) {
		serve_set_end(s, END_NO_CLIENT);
		return s->end;
	}
	return END_NONE;
}

/* Should client c go now: told and done, or a place nobody holds? */
static bool
serve_client_expired(const struct serve_ctx *s, const struct serve_client *c,
    uint64_t now)
{
	if (c->leaving)
		return serve_client_told(c, now);
	if (s->ending)
		return false;
	if (c->shared && ssp_remote_num(&c->ssp) == 0)
		return now - c->created >= SHARE_UNUSED_MS;
	/* Silent past the network timeout while others are not. */
	return s->nclients > 1 && ssp_remote_num(&c->ssp) > 0 &&
	    now - serve_client_heard(c) >= s->net_ms;
}

/*
 * Each client's view shows the screen at its own window: the screen
 * itself when the sizes agree, else a copy clipped or padded to the
 * window (the top-left part; blank beyond), made again when the screen
 * changed. A client never gets a frame larger than its window.
 */
static void
serve_views_update(struct serve_ctx *s)
{
	const struct term_fb *fb = term_emu_fb(s->emu);
	struct serve_client *c;
	struct host_state *v;
	struct term_emu	*copy;
	size_t		 i;

	for (i = 0; i < s->nclients; i++) {
		c = s->client[i];
		v = serve_view(c);
		if (c->cols == 0 || (c->cols == fb->cols && c->rows == fb->rows)) {
			host_state_view_set(v, s->emu, true);
			continue;
		}
		if (!v->emu_borrowed && c->view_gen == s->gen)
			continue;
		if ((copy = term_emu_clone(s->emu)) == NULL)
			continue;	/* the last copy stays; next round */
		if (term_emu_resize(copy, c->cols, c->rows) != 0) {
			term_emu_free(copy);
			continue;
		}
		host_state_view_set(v, copy, false);
		c->view_gen = s->gen;
	}
}

/* Clients silent too long or gone; echo acks, views, title, then send. */
static void
serve_housekeeping(struct serve_ctx *s, uint64_t now)
{
	struct serve_client *c;
	size_t		 i;

	for (i = s->nclients; i-- > 0; ) {
		c = s->client[i];
		if (c->attached && now - serve_client_heard(c) > UTMP_DETACH_MS)
			serve_client_gone(s, c, now);
		if (serve_client_expired(s, c, now))
			serve_client_remove(s, i, now);
	}
	serve_utmp_update(s);
	for (i = 0; i < s->nclients; i++)
		serve_echo_update(s->client[i], now);
	serve_views_update(s);
	/* Output paused: kept rows become bytes (a fraction of the memory). */
	if (s->hist != NULL && now - s->hist_moved_at >= HISTORY_SETTLE_MS &&
	    host_history_compact(s->hist) > 1000)
		(void)malloc_trim(0);	/* give the rows' memory back */
	if (now - s->title_at >= TITLE_EVERY_MS)
		serve_title(s, now);
	for (i = 0; i < s->nclients; i++) {
		serve_history_release(s, s->client[i], now);
		(void)ssp_tick(&s->client[i]->ssp, now);
	}
}

/* Every client, the screen and the buffers; the sockets stay the conn's. */
static void
serve_teardown(struct serve_ctx *s)
{
	size_t	 i;

	if (s->child != NULL)
		(void)utmp_helper_remove(s->child->utmp,
		    &s->child->utmp_unacked);
	if (s->sigfd >= 0)
		close(s->sigfd);
	for (i = 0; i < s->nclients; i++)
		serve_client_free(s->client[i]);
	s->nclients = 0;
	term_emu_free(s->emu);
	host_history_unref(s->hist);
	buf_free(&s->to_pty);
	buf_free(&s->userdiff);
}

enum serve_end
serve(const struct serve_env *env)
{
	struct serve_ctx s;
	struct serve_poll p;
	enum serve_end	 end = END_ERROR;
	uint64_t	 now;

	if (serve_setup(&s, env)) {
		for (;;) {
			now = clock_ms();
			serve_poll_build(&s, &p);
			if (poll(p.pfd, p.n, serve_next_wait(&s, now)) < 0 &&
			    errno != EINTR) {
				end = END_ERROR;
				break;
			}
			now = clock_ms();
			serve_handle(&s, &p, now);
			if ((end = serve_check_end(&s, now)) != END_NONE)
				break;
			serve_housekeeping(&s, now);
		}
	}
	serve_teardown(&s);
	return end;
}

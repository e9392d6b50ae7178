#include <sys/signalfd.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "client/gather.h"
#include "client/notify.h"
#include "client/predict.h"
#include "client/session.h"
#include "client/tty.h"
#include "netbind/netbind.h"
#include "proto/clock.h"
#include "proto/conn.h"
#include "proto/ssp.h"
#include "proto/msg.h"
#include "proto/userstream.h"
#include "client/scroll.h"
#include "statesync/hoststate.h"
#include "term/display.h"

#define USER_READ_MAX		16384
/*
 * A paste goes as fast as the link acknowledges it: keys join the state
 * to send while fewer than INFLIGHT are unacknowledged (a loss resends
 * no more than that), the rest waits in the client (read on, up to
 * HELD, so Ctrl-^ . still works). The transport paces what one state
 * sends (SSP_BURST_DATAGRAMS), so no burst outgrows a receiver's socket
 * buffer.
 */
#define USER_INFLIGHT_MAX	(128 * 1024)
#define USER_HELD_MAX		(1024 * 1024)
#define PASTE_THRESHOLD		100	/* bytes: no prediction for bulk */
#define CONNECT_NOTICE_MS	250
#define CONNECT_GIVE_UP_MS	15000
/*
 * When an address or a link of this machine changes we may have moved
 * (Wi-Fi to LTE): a datagram then goes at once, so the server hears our
 * new address and sends what we missed, not at the next heartbeat (up to
 * 3 s). At most one this often: a burst of events (the new address, then
 * the old one gone) still ends in one sent after the last, and whoever
 * floods our netlink socket gets no more datagrams from us than this.
 */
#define MOVED_GAP_MS		20

struct session {
	struct client_opts *o;
	struct tty	 tty;
	struct conn	 conn;
	struct ssp	 ssp;
	struct predict	 pred;
	struct notify	 note;
	int		 sigfd;
	struct term_fb	*shown;		/* what the user's terminal shows */
	struct scroll	 scroll;
	bool		 repaint;
	bool		 quit_sequence;
	bool		 lf_entered;
	bool		 clean_shutdown;
	bool		 title_prefix;
	bool		 input_closed;	/* stdin hit end of file or hung up */
	struct gather	 gather;	/* a paste pouring in */
	struct netbind_watch *net;	/* address and link events; NULL:
					 * none (a move waits for the
					 * heartbeat, as in mosh) */
	uint64_t	 moved_due;	/* send to say where we are; 0: no */
	uint64_t	 moved_sent;	/* when we last did */
	struct buf	 held;		/* keys read, waiting for room */
	size_t		 held_off;	/* the first of them not yet sent */
	char		 escape_help[128];
	char		 connecting[128];
	struct term_buf	 out;
};

static const struct host_state *
remote(const struct session *s)
{
	return ssp_remote(&s->ssp);
}

static bool
still_connecting(const struct session *s)
{
	return ssp_remote_num(&s->ssp) == 0;
}

/* "[mosh] " before the window title, as mosh-client shows it. */
static void
apply_title_prefix(struct term_fb *fb)
{
	static const char prefix[] = "[mosh] ";
	struct term_str	*t;
	char		 b[sizeof(prefix) + TERM_TITLE_MAX * 4];
	size_t		 n = 0;
	bool		 same_icon;

	same_icon = term_fb_str_equal(fb->icon, fb->title);
	if (fb->title != NULL)
		n = fb->title->len < sizeof(b) - sizeof(prefix) ?
		    fb->title->len : sizeof(b) - sizeof(prefix);
	memcpy(b, prefix, sizeof(prefix) - 1);
	if (n > 0)
		memcpy(b + sizeof(prefix) - 1, fb->title->data, n);
	if ((t = term_str_new(b, sizeof(prefix) - 1 + n)) == NULL)
		return;
	term_str_set(&fb->title, t);
	if (same_icon)
		term_str_set(&fb->icon, t);
	term_str_unref(t);
	fb->title_set = 1;
}

static void
output_frame(struct session *s, uint64_t now)
{
	struct term_fb	*next;

	if ((next = term_fb_clone(term_emu_fb(remote(s)->emu))) == NULL)
		return;
	predict_cull(&s->pred, next, now);
	predict_apply(&s->pred, next);
	notify_adjust(&s->note, now);
	notify_apply(&s->note, next, now);
	if (s->title_prefix)
		apply_title_prefix(next);
	term_buf_clear(&s->out);
	/* History lines into the terminal's scrollback first, and its
	 * alternate screen as the remote's; then the frame. */
	(void)scroll_before_frame(&s->scroll, remote(s), &s->shown, &s->out);
	if (s->shown == NULL)
		s->repaint = true;
	if (term_display_diff_flags(s->repaint ? NULL : s->shown, next,
	    &s->out, s->scroll.on && !s->scroll.alt ?
	    TERM_DISPLAY_NO_HISTORY : 0) != 0 || s->out.failed) {
		term_fb_free(next);
		return;
	}
	if (s->out.len > 0)
		tty_write(STDOUT_FILENO, s->out.data, s->out.len);
	s->repaint = false;
	term_fb_free(s->shown);
	s->shown = next;
}

static void
process_network(struct session *s, int fd, uint64_t now)
{
	/* A server flooding us: poll finds the rest after the keyboard
	 * (and the quit escape). */
	while (clock_ms() - now < CONN_RECV_TURN_MS &&
	    ssp_recv_one(&s->ssp, fd, now) != PROTO_ERR_AGAIN)
		;
	notify_server_heard(&s->note, ssp_remote_timestamp(&s->ssp));
	notify_server_acked(&s->note, ssp_sent_state_acked_timestamp(&s->ssp));
	s->pred.send_interval = ssp_send_interval(&s->ssp);
	s->pred.local_frame_late_acked = remote(s)->echo_ack;
	/* A read-only share drops what we type: a guess at its echo would
	 * show what never comes. */
	if (remote(s)->read_only && s->pred.pref != PREDICT_NEVER) {
		predict_reset(&s->pred);
		s->pred.pref = PREDICT_NEVER;
	}
}

/* How many more keys the state may take now: what keeps it under
 * USER_INFLIGHT_MAX unacknowledged (its keys are those since the
 * acknowledged state, sent or not). */
static size_t
keys_room(struct session *s)
{
	const struct userstream *u = ssp_current(&s->ssp);

	return u->nkeys < USER_INFLIGHT_MAX ? USER_INFLIGHT_MAX - u->nkeys : 0;
}

/* A key for the server: into the state while there is room, else held
 * behind the keys already waiting. */
static void
push_byte(struct session *s, uint8_t b)
{
	if (s->held.len == s->held_off && keys_room(s) > 0) {
		(void)userstream_push_keys(ssp_current(&s->ssp), &b, 1);
		return;
	}
	(void)buf_append_byte(&s->held, b);
}

/* Held keys go into the state as far as acks made room. (A resize
 * meanwhile goes first: only the keys wait.) */
static void
release_held(struct session *s, uint64_t now)
{
	size_t		 n = s->held.len - s->held_off, room;

	if (n == 0)
		return;
	/* The acknowledged keys leave the state here. */
	(void)ssp_wait_time(&s->ssp, now);
	if (n > (room = keys_room(s)))
		n = room;
	if (n > 0 && userstream_push_keys(ssp_current(&s->ssp),
	    s->held.data + s->held_off, n) == 0)
		s->held_off += n;
	if (s->held_off == s->held.len) {
		buf_reset(&s->held);
		s->held_off = 0;
	} else if (s->held_off >= USER_INFLIGHT_MAX) {
		memmove(s->held.data, s->held.data + s->held_off,
		    s->held.len - s->held_off);
		s->held.len -= s->held_off;
		s->held_off = 0;
	}
}

static void
suspend(struct session *s)
{
	static const char msg[] = "\n\033[37;44m[mosh is suspended.]\033[m\n";

	tty_restore(&s->tty);
	tty_write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	kill(0, SIGSTOP);
	/* Continued: take the terminal back; its state is unknown. */
	(void)tty_raw(&s->tty);
	s->repaint = true;
}

/* Returns false when the user asked to quit (or input ended). */
static bool
process_user_input(struct session *s, uint64_t now)
{
	uint8_t		 buf[USER_READ_MAX];
	ssize_t		 n, i;
	bool		 paste;
	const struct client_opts *o = s->o;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		/* A hung-up terminal stays readable: polling it again
		 * would spin until the shutdown ends. */
		s->input_closed = true;
		return false;
	}
	if (ssp_shutdown_in_progress(&s->ssp))
		return true;
	s->pred.local_frame_sent = ssp_sent_state_last(&s->ssp);
	paste = n > PASTE_THRESHOLD;
	if (paste)
		predict_reset(&s->pred);
	gather_read(&s->gather, paste, now);
	for (i = 0; i < n; i++) {
		uint8_t	 b = buf[i];

		if (!paste)
			predict_user_byte(&s->pred, b, s->shown, now);
		if (s->quit_sequence) {
			s->quit_sequence = false;
			if (strcmp(notify_message(&s->note), s->escape_help) == 0)
				notify_set(&s->note, "", false, true, now);
			if (b == '.') {
				if (!conn_has_remote(&s->conn) ||
				    ssp_shutdown_in_progress(&s->ssp))
					return false;
				notify_set(&s->note, "Exiting on user request...",
				    true, true, now);
				ssp_start_shutdown(&s->ssp, now);
				return true;
			}
			if (b == 0x1a) {
				suspend(s);
			} else if (b == o->escape_pass_key ||
			    b == o->escape_pass_key2) {
				push_byte(s, (uint8_t)o->escape_key);
			} else {
				push_byte(s, (uint8_t)o->escape_key);
				push_byte(s, b);
			}
			continue;
		}
		s->quit_sequence = o->escape_key > 0 && b == o->escape_key &&
		    (s->lf_entered || !o->escape_requires_lf);
		if (s->quit_sequence) {
			s->lf_entered = false;
			notify_set(&s->note, s->escape_help, true, false, now);
			continue;
		}
		s->lf_entered = b == '\n' || b == '\r';
		if (b == 0x0c)		/* Ctrl-L: repaint from scratch */
			s->repaint = true;
		push_byte(s, b);
	}
	return true;
}

static void
process_resize(struct session *s)
{
	int	 cols, rows;

	/* No size to give (no terminal, or 0x0): keep the one we have. */
	if (base_winsize(STDIN_FILENO, &cols, &rows) != 0)
		return;
	if (!ssp_shutdown_in_progress(&s->ssp))
		(void)userstream_push_resize(ssp_current(&s->ssp), cols, rows);
	predict_reset(&s->pred);
}

static void
escape_strings(struct session *s)
{
	const struct client_opts *o = s->o;
	char	 pass[16], key[16];

	snprintf(s->connecting, sizeof(s->connecting),
	    "Nothing received from server on UDP port %s.", o->port);
	if (o->escape_key <= 0)
		return;
	snprintf(pass, sizeof(pass), "\"%c\"", o->escape_pass_key);
	if (o->escape_key < 32)
		snprintf(key, sizeof(key), "Ctrl-%c", o->escape_pass_key);
	else
		snprintf(key, sizeof(key), "\"%c\"", o->escape_key);
	snprintf(s->escape_help, sizeof(s->escape_help),
	    "Commands: Ctrl-Z suspends, \".\" quits, %s gives literal %s",
	    pass, key);
	notify_set_escape_key(&s->note, key);
}

/*
 * Terminal (terminfo read, raw mode), signalfd and the first socket are
 * set up: from here on only the loop's calls, and new UDP sockets for
 * port hops. A violation restores the terminal before the line.
 */
static int
session_sandbox(struct session *s)
{
	struct sandbox_conf c = {
		.mode = s->o->sandbox,
		.logfd = STDERR_FILENO,
		.syslog_fd = -1,
		.syslog_facility = 0,
		.ttyfd = s->tty.fd,
		.tty = &s->tty.saved,
	};

	return sandbox_enter(&sandbox_policy_client, &c);
}

static int
session_start(struct session *s, uint64_t now)
{
	static const int signals[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP,
	    SIGPIPE, SIGCONT, 0 };
	struct host_state *hs;
	struct userstream *us;
	int		 cols, rows;

	(void)base_winsize(STDIN_FILENO, &cols, &rows);
	if ((s->sigfd = base_signalfd_open(signals)) == -1)
		return -1;
	if ((s->shown = term_fb_new(cols, rows)) == NULL)
		return -1;
	/* Start from a known screen: blank, our size. */
	term_buf_clear(&s->out);
	if (term_display_diff(NULL, s->shown, &s->out) == 0)
		tty_write(STDOUT_FILENO, s->out.data, s->out.len);
	if (conn_client_init(&s->conn, &s->o->key,
	    (struct sockaddr *)&s->o->addr, s->o->addrlen, now) != 0) {
		fprintf(stderr, "mosh-client: socket: %s\r\n", strerror(errno));
		return -1;
	}
	/* Without it a move is noticed at the next heartbeat, as in mosh. */
	s->net = netbind_watch_open(NULL);
	hs = host_state_new(cols, rows);
	us = userstream_new();
	if (hs != NULL && s->o->scrollback) {
		struct host_history *ring = host_history_new(SCROLL_RING_LINES);

		if (ring == NULL) {
			host_state_free(hs);
			hs = NULL;
		} else {
			host_state_set_history(hs, ring, 0);
			host_history_unref(ring);
		}
	}
	if (hs == NULL || us == NULL || ssp_init(&s->ssp, &s->conn,
	    &userstream_ops, us, &host_state_ops, hs, now) != 0)
		return -1;
	ssp_set_send_mindelay(&s->ssp, SSP_MINDELAY_CLIENT_MS);
	/* Our server then sends history lines; a stock one skips this.
	 * (In the state after state 0, so the first diff carries it.) */
	if (s->o->scrollback)
		userstream_set_caps(ssp_current(&s->ssp), USER_CAP_SCROLLBACK);
	/* The server learns our size first thing. */
	(void)userstream_push_resize(ssp_current(&s->ssp), cols, rows);
	return session_sandbox(s);
}

/*
 * End the session: say why and start the shutdown handshake, once. False
 * when there is no server to say goodbye to (the caller just leaves).
 */
static bool
begin_shutdown(struct session *s, const char *why, uint64_t now)
{
	if (!conn_has_remote(&s->conn))
		return false;
	if (!ssp_shutdown_in_progress(&s->ssp)) {
		notify_set(&s->note, why, true, true, now);
		ssp_start_shutdown(&s->ssp, now);
	}
	return true;
}

/* Address or link events: say where we are now (MOVED_GAP_MS). */
static void
process_moved(struct session *s, uint64_t now)
{
	int	 r;

	if ((r = netbind_watch_read(s->net)) < 0) {
		netbind_watch_close(s->net);	/* the heartbeat will do */
		s->net = NULL;
		return;
	}
	if (r > 0 && s->moved_due == 0)
		s->moved_due = s->moved_sent + MOVED_GAP_MS > now ?
		    s->moved_sent + MOVED_GAP_MS : now;
}

static void
session_loop(struct session *s)
{
	struct pollfd	 pfd[CONN_MAX_SOCKS + 3];
	int		 fds[CONN_MAX_SOCKS];
	size_t		 nnet, i;
	uint64_t	 now;
	struct base_wait wait;
	struct signalfd_siginfo si;
	bool		 quit;

	for (;;) {
		now = clock_ms();
		release_held(s, now);
		output_frame(s, now);
		base_wait_init(&wait, ssp_wait_time(&s->ssp, now));
		base_wait_for(&wait, (uint64_t)notify_wait_time(&s->note, now));
		base_wait_for(&wait, (uint64_t)predict_wait_time(&s->pred));
		if (still_connecting(s))
			base_wait_for(&wait, CONNECT_NOTICE_MS);
		if (s->moved_due != 0)
			base_wait_for(&wait, s->moved_due > now ?
			    s->moved_due - now : 0);
		base_wait_for(&wait, gather_wait(&s->gather, now));

		nnet = conn_fds(&s->conn, fds, CONN_MAX_SOCKS);
		for (i = 0; i < nnet; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		pfd[nnet].fd = s->input_closed ||
		    s->held.len - s->held_off >= USER_HELD_MAX ? -1 : STDIN_FILENO;
		pfd[nnet].events = POLLIN;
		pfd[nnet].revents = 0;
		pfd[nnet + 1].fd = s->sigfd;
		pfd[nnet + 1].events = POLLIN;
		pfd[nnet + 2].fd = s->net != NULL ? netbind_watch_fd(s->net) : -1;
		pfd[nnet + 2].events = POLLIN;
		pfd[nnet + 2].revents = 0;
		if (poll(pfd, nnet + 3, wait.ms) < 0 && errno != EINTR)
			break;
		now = clock_ms();
		for (i = 0; i < nnet; i++)
			if (pfd[i].revents & POLLIN)
				process_network(s, pfd[i].fd, now);
		/* POLLERR too: an overrun (ENOBUFS) is read as an event,
		 * or the socket would stay ready and the loop spin. */
		if (pfd[nnet + 2].revents & (POLLIN | POLLERR | POLLHUP))
			process_moved(s, now);

		if (!(pfd[nnet].revents & (POLLIN | POLLHUP)))
			gather_idle(&s->gather, now);
		if ((pfd[nnet].revents & (POLLIN | POLLHUP)) &&
		    !process_user_input(s, now) &&
		    !begin_shutdown(s, "Exiting...", now))
			break;
		quit = false;
		while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				process_resize(s);
			else if (si.ssi_signo == SIGCONT) {
				(void)tty_raw(&s->tty);
				s->repaint = true;
			} else
				quit = true;
		}
		if (quit && !begin_shutdown(s, "Signal received, shutting "
		    "down...", now))
			break;
		if (ssp_shutdown_in_progress(&s->ssp) &&
		    ssp_shutdown_acknowledged(&s->ssp)) {
			s->clean_shutdown = true;
			break;
		}
		if (ssp_shutdown_in_progress(&s->ssp) &&
		    ssp_shutdown_ack_timed_out(&s->ssp, now))
			break;
		if (ssp_counterparty_shutdown_acknowledged(&s->ssp)) {
			s->clean_shutdown = true;
			break;
		}
		if (still_connecting(s) && !ssp_shutdown_in_progress(&s->ssp) &&
		    now - ssp_remote_timestamp(&s->ssp) > CONNECT_NOTICE_MS) {
			if (now - ssp_remote_timestamp(&s->ssp) >
			    CONNECT_GIVE_UP_MS) {
				notify_set(&s->note, "Timed out waiting for "
				    "server...", true, true, now);
				ssp_start_shutdown(&s->ssp, now);
			} else
				notify_set(&s->note, s->connecting, false, true,
				    now);
		} else if (!still_connecting(s) &&
		    strcmp(notify_message(&s->note), s->connecting) == 0)
			notify_set(&s->note, "", false, true, now);
		if (s->moved_due != 0 && now >= s->moved_due) {
			ssp_ack_now(&s->ssp, now);
			s->moved_sent = now;
			s->moved_due = 0;
		}
		if (!gather_holding(&s->gather, now))
			(void)ssp_tick(&s->ssp, now);
		if (s->conn.send_errno != 0) {
			notify_set_network_error(&s->note,
			    strerror(s->conn.send_errno), now);
			s->conn.send_errno = 0;
		} else
			notify_clear_network_error(&s->note, now);
	}
}

int
session_run(struct client_opts *o)
{
	struct session	 s;
	uint64_t	 now = clock_ms();
	int		 rc = 1;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.sigfd = -1;
	s.title_prefix = o->title_prefix;
	term_buf_init(&s.out);
	notify_init(&s.note, now);
	predict_init(&s.pred, o->predict, o->predict_overwrite);
	escape_strings(&s);
	if (tty_init(&s.tty, STDIN_FILENO, o->term_init) != 0) {
		fprintf(stderr, "mosh-client: stdin is not a terminal: %s\n",
		    strerror(errno));
		return 1;
	}
	scroll_init(&s.scroll, o->scrollback, s.tty.smcup != NULL,
	    s.tty.smcup, s.tty.rmcup);
	if (tty_raw(&s.tty) != 0) {
		fprintf(stderr, "mosh-client: tcsetattr: %s\n", strerror(errno));
		return 1;
	}
	if (session_start(&s, now) == 0)
		session_loop(&s);

	/* Leave the screen as the server last drew it, without our marks. */
	now = clock_ms();
	notify_set(&s.note, "", true, true, now);
	notify_server_heard(&s.note, now);
	notify_server_acked(&s.note, now);
	s.title_prefix = false;
	if (s.ssp.conn != NULL)
		output_frame(&s, now);
	/* tty_restore leaves the alternate screen if we are in it. */
	if (s.scroll.on && !s.scroll.alt)
		s.tty.in_main = true;
	tty_restore(&s.tty);
	if (s.ssp.conn != NULL && still_connecting(&s))
		fprintf(stderr, "\nmosh did not make a successful connection "
		    "to %s:%s.\nPlease verify that UDP port %s is not "
		    "firewalled and can reach the server.\n\n(By default, "
		    "mosh uses a UDP port between 60000 and 61000. The -p "
		    "option\nselects a specific UDP port number.)\n",
		    o->host, o->port, o->port);
	else if (s.ssp.conn != NULL && !s.clean_shutdown)
		fputs("\n\nmosh did not shut down cleanly. Please note that "
		    "the\nmosh-server process may still be running on the "
		    "server.\n", stderr);
	else {
		/* The server re-keyed for another client and said goodbye
		 * under our old key. */
		if (s.ssp.conn != NULL &&
		    ((const struct host_state *)ssp_remote(&s.ssp))->moved)
			fputs("mosh: this session was attached from another "
			    "client (mosh-server attach); exiting here.\n",
			    stderr);
		rc = 0;
	}
	if (s.ssp.conn != NULL)
		ssp_free(&s.ssp);
	conn_close(&s.conn);
	predict_free(&s.pred);
	term_fb_free(s.shown);
	scroll_free(&s.scroll);
	term_buf_free(&s.out);
	buf_free(&s.held);
	tty_free(&s.tty);
	if (s.sigfd != -1)
		close(s.sigfd);
	netbind_watch_close(s.net);
	return rc;
}

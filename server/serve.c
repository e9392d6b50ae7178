#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

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

struct serve_ctx {
	/* What the session runs with (serve_env's, not ours). */
	const struct server_opts *o;
	struct conn	*conn;
	struct child	*child;
	struct listener	*net;
	struct control	*ctl;		/* NULL: no control socket */
	struct events	*ev;
	struct proctitle *pt;
	int		 sigfd;
	uint64_t	 net_ms, sig_ms, idle_ms;	/* timeouts; 0: off */

	/* The state sync and what the client's states ask of the pty. */
	struct ssp	 ssp;
	uint64_t	 last_remote_num;
	struct buf	 userdiff;
	struct term_input keys;
	struct buf	 to_pty;
	bool		 had_input;	/* in the diff being applied */
	bool		 resize_pending;
	int32_t		 pending_w, pending_h;
	struct echo_frame hist[ECHO_HIST_MAX];
	size_t		 nhist;
	bool		 child_released;

	/* The client as the session sees it. */
	bool		 attached;	/* a client is heard (utmp, title) */
	bool		 attached_once;	/* a client came: no 60 s exit */
	struct sockaddr_storage seen_addr;
	socklen_t	 seen_len;
	char		 peer[NI_MAXHOST + 8];
	char		 peer_port[NI_MAXSERV];
	uint64_t	 farewell_at;	/* last goodbye to an old key, or 0 */

	/* Times, and how the session ends. */
	uint64_t	 start;
	uint64_t	 started_wall;	/* time(NULL) at start, for list */
	uint64_t	 last_input;
	uint64_t	 title_at;
	bool		 kill_requested;
	bool		 usr1;		/* SIGUSR1 in this round */
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

/*
 * End the session for reason e: tell the client if there is one and it
 * is not being told already; otherwise leave at once.
 */
static void
serve_quit(struct serve_ctx *s, enum serve_end e, uint64_t now)
{
	serve_set_end(s, e);
	if (!conn_has_remote(s->conn) || ssp_shutdown_in_progress(&s->ssp)) {
		s->leave = true;
		return;
	}
	ssp_start_shutdown(&s->ssp, now);
	if (s->o->cfg.verbose)
		fprintf(stderr, "Shutting down (%s); srtt %.0f ms\n",
		    serve_end_name(s->end), conn_srtt(s->conn));
}

/* The shell and its jobs are gone: tell the client, then leave. */
static void
serve_shell_gone(struct serve_ctx *s, uint64_t now)
{
	serve_set_end(s, END_SHELL_EXIT);
	ssp_start_shutdown(&s->ssp, now);
}

static struct host_state *
serve_host(struct serve_ctx *s)
{
	return ssp_current(&s->ssp);
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

	s->resize_pending = false;
	if (w < 1 || h < 1 || w > TERM_MAX_COLS || h > TERM_MAX_ROWS)
		return;		/* refused, as any bad input */
	memset(&ws, 0, sizeof(ws));
	ws.ws_col = (unsigned short)w;
	ws.ws_row = (unsigned short)h;
	/* The kernel sends SIGWINCH to the pty's foreground group. */
	(void)ioctl(s->child->master, TIOCSWINSZ, &ws);
	(void)term_emu_resize(serve_host(s)->emu, w, h);
}

static int
serve_user_keys(void *arg, const uint8_t *p, size_t n)
{
	struct serve_ctx *s = arg;
	int		 app = term_emu_app_cursor_keys(serve_host(s)->emu);
	uint8_t		 out[2];
	size_t		 i, k;

	if (s->resize_pending)
		serve_apply_resize(s);
	for (i = 0; i < n; i++) {
		k = term_input_byte(&s->keys, p[i], app, out);
		if (k > 0)
			serve_queue_pty(s, out, k);
	}
	s->had_input = s->had_input || n > 0;
	return 0;
}

static int
serve_user_resize(void *arg, int32_t w, int32_t h)
{
	struct serve_ctx *s = arg;

	/* Of consecutive resizes only the last one matters. */
	s->resize_pending = true;
	s->pending_w = w;
	s->pending_h = h;
	s->had_input = true;
	return 0;
}

static void
serve_echo_register(struct serve_ctx *s, uint64_t num, uint64_t now)
{
	if (s->nhist == ECHO_HIST_MAX) {
		memmove(&s->hist[0], &s->hist[1],
		    (ECHO_HIST_MAX - 1) * sizeof(s->hist[0]));
		s->nhist--;
	}
	s->hist[s->nhist].num = num;
	s->hist[s->nhist].ts = now;
	s->nhist++;
}

/* mosh's rule: input applied 50 ms ago has been echoed if it will be. */
static void
serve_echo_update(struct serve_ctx *s, uint64_t now)
{
	uint64_t	 newest = 0;
	size_t		 i, keep = 0;

	for (i = 0; i < s->nhist; i++)
		if (s->hist[i].ts + ECHO_TIMEOUT_MS <= now)
			newest = s->hist[i].num;
	for (i = 0; i < s->nhist; i++)
		if (s->hist[i].num >= newest)
			s->hist[keep++] = s->hist[i];
	s->nhist = keep;
	if (newest > serve_host(s)->echo_ack &&
	    !ssp_shutdown_in_progress(&s->ssp))
		serve_host(s)->echo_ack = newest;
}

static int
serve_echo_wait(const struct serve_ctx *s, uint64_t now)
{
	uint64_t	 due;

	if (s->nhist < 2)
		return INT_MAX;
	due = s->hist[1].ts + ECHO_TIMEOUT_MS;
	return due <= now ? 0 : (int)(due - now);
}

static void
serve_utmp(struct serve_ctx *s, bool connected)
{
	char	 entry[NI_MAXHOST + 64];

	if (connected)
		snprintf(entry, sizeof(entry), "%s via mosh [%ld]", s->peer,
		    (long)getpid());
	else
		snprintf(entry, sizeof(entry), "mosh [%ld]", (long)getpid());
	/* The helper, outside the sandbox, calls libutempter. */
	(void)utmp_helper_add(s->child->utmp, entry);
	s->attached = connected;
}

static void
serve_title(struct serve_ctx *s, uint64_t now)
{
	uint64_t	 idle = (now - s->last_input) / 1000;
	time_t		 since = time(NULL) - (time_t)idle;
	struct tm	 tm;
	char		 hhmm[16];

	localtime_r(&since, &tm);
	strftime(hhmm, sizeof(hhmm), "%H:%M:%S", &tm);
	s->title_at = now;
	if (ssp_remote_num(&s->ssp) == 0)
		proctitle_set(s->pt, "mosh-server: waiting for a client "
		    "on port %d", s->o->cfg.ports.low);
	else
		proctitle_set(s->pt, "mosh-server: %s %s, idle %llus "
		    "(input %s)", s->attached ? "attached" : "detached",
		    s->peer, (unsigned long long)idle, hhmm);
}

static void
serve_note_peer(struct serve_ctx *s, uint64_t now)
{
	socklen_t	 len;
	const struct sockaddr *a = conn_remote(s->conn, &len);
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];

	if (!s->attached || len != s->seen_len ||
	    memcmp(a, &s->seen_addr, len) != 0) {
		memcpy(&s->seen_addr, a, len);
		s->seen_len = len;
		if (getnameinfo(a, len, host, sizeof(host), serv, sizeof(serv),
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
			strcpy(host, "?");
			strcpy(serv, "?");
		}
		/* A new address while attached is a roam; else an attach. */
		if (s->attached)
			events_session(s->ev, "client-roam",
			    "from=%s:%s to=%s:%s",
			    s->peer, s->peer_port, host, serv);
		else
			events_session(s->ev, "client-attach",
			    "src=%s sport=%s",
			    host, serv);
		snprintf(s->peer, sizeof(s->peer), "%s", host);
		snprintf(s->peer_port, sizeof(s->peer_port), "%s", serv);
		serve_utmp(s, true);
		if (s->o->cfg.verbose)
			fprintf(stderr, "Server now attached to client at "
			    "%s:%s\n", host, serv);
		serve_title(s, now);
	}
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
	if (host_msg_add_moved(&diff) == 0 &&
	    ssp_farewell(p, n, diff.data, diff.len,
	    conn_mtu(s->conn) - DGRAM_OVERHEAD, &out) == 0)
		(void)conn_send_retired(s->conn, out.data, out.len, now);
	buf_free(&diff);
	buf_free(&out);
}

static void
serve_network(struct serve_ctx *s, int fd, uint64_t now)
{
	struct user_msg_handler h = { serve_user_keys, serve_user_resize, s };
	const uint8_t	*p;
	size_t		 n;
	enum proto_err	 e;

	while ((e = conn_recv(s->conn, fd, now, &p, &n)) != PROTO_ERR_AGAIN) {
		if (e == PROTO_OK)
			(void)ssp_receive(&s->ssp, p, n, now);
		else if (e == PROTO_ERR_OLD_KEY)
			serve_farewell(s, p, n, now);
	}
	if (ssp_remote_news(&s->ssp, &s->last_remote_num, &s->userdiff) != 0)
		return;
	s->had_input = false;
	/* Parse failures cannot happen here: SSP applied it already. */
	(void)user_msg_parse(s->userdiff.data, s->userdiff.len, &h);
	if (s->resize_pending)
		serve_apply_resize(s);
	if (s->had_input) {
		serve_echo_register(s, s->last_remote_num, now);
		s->last_input = now;
	}
	serve_note_peer(s, now);
	if (!s->child_released) {
		if (child_release(s->child) != 0)
			serve_shell_gone(s, now);
		s->child_released = true;
	}
}

/* Returns false when the pty is gone (the shell and its jobs exited). */
static bool
serve_pty_read(struct serve_ctx *s)
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
		(void)term_emu_write(serve_host(s)->emu, b, (size_t)n);
		total += (size_t)n;
	}
	replies = term_emu_replies(serve_host(s)->emu);
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

/* The `list` line of this session, written by the control codec. */
static void
serve_control_info(struct serve_ctx *s, int fd, uint64_t now)
{
	struct control_info i;
	char		 b[CONTROL_LINE_MAX];
	uint64_t	 since = now - ssp_remote_timestamp(&s->ssp);
	bool		 heard = ssp_remote_num(&s->ssp) != 0;

	memset(&i, 0, sizeof(i));
	i.pid = (long)getpid();
	i.started = s->started_wall;
	i.port = listener_port(s->net);
	snprintf(i.iface, sizeof(i.iface), "%s", s->o->cfg.iface.name);
	snprintf(i.state, sizeof(i.state), "%s",
	    heard && since < DETACHED_AFTER_MS ? "attached" : "detached");
	snprintf(i.client, sizeof(i.client), "%.63s%s%.15s", s->peer[0] ?
	    s->peer : "-", s->peer[0] ? ":" : "", s->peer_port);
	i.last_contact = heard ? since / 1000 : 0;
	i.idle = (now - s->last_input) / 1000;
	options_command_line(s->o, i.command, sizeof(i.command));
	if (control_info_format(&i, b, sizeof(b)) == 0)
		control_reply(fd, b);
}

/*
 * Re-key for a new client (after a crash, or from another device): a
 * fresh key, fresh sequence numbers both ways (no nonce is reused under
 * any key), and a sender that assumes a blank screen, so the new client
 * gets a full repaint. The old client's key stops working at once.
 */
static void
serve_control_attach(struct serve_ctx *s, int fd, uint64_t now)
{
	struct mosh_key	 key;
	char		 keystr[MOSH_KEY_B64_LEN + 1];
	const struct term_fb *fb = term_emu_fb(serve_host(s)->emu);
	struct host_state *base;
	struct userstream *user;

	base = host_state_new(fb->cols, fb->rows);
	user = userstream_new();
	if (base == NULL || user == NULL || key_generate(&key) != 0) {
		host_state_free(base);
		userstream_free(user);
		control_reply_error(fd, "cannot re-key");
		return;
	}
	/* All or nothing: on failure the old client keeps its session. */
	if (ssp_rekey(&s->ssp, &key, base, user, now) != 0) {
		key_wipe(&key);
		control_reply_error(fd, "out of memory");
		return;
	}
	s->farewell_at = 0;
	/* The new client numbers its states from 0 again. */
	serve_host(s)->echo_ack = 0;
	s->nhist = 0;
	s->last_remote_num = 0;
	memset(&s->keys, 0, sizeof(s->keys));
	if (s->attached) {
		serve_utmp(s, false);
		events_session(s->ev, "client-gone", "src=%s idle=0", s->peer);
	}
	key_format(&key, keystr);
	key_wipe(&key);
	control_reply_connect(fd, listener_port(s->net), keystr);
	explicit_bzero(keystr, sizeof(keystr));
	events_session(s->ev, "session-rekey", "port=%d",
	    listener_port(s->net));
	serve_title(s, now);
}

/* One whole request from the control socket; fd takes the reply. */
static void
serve_control(void *arg, int fd, const struct control_req *req, uint64_t now)
{
	struct serve_ctx *s = arg;

	if (req->arg[0] != '\0') {
		control_reply_error(fd, "no argument taken");
		return;
	}
	switch (req->kind) {
	case CONTROL_INFO:
		serve_control_info(s, fd, now);
		break;
	case CONTROL_ATTACH:
		serve_control_attach(s, fd, now);
		break;
	case CONTROL_KILL:
		control_reply_ok(fd);
		s->kill_requested = true;
		break;
	case CONTROL_SHARE:
	case CONTROL_KICK:
		control_reply_error(fd, "unsupported");
		break;
	}
}

/* The state, the signalfd and the sandbox; false if any failed. */
static bool
serve_setup(struct serve_ctx *s, const struct serve_env *env)
{
	const struct config *c = &env->o->cfg;
	struct host_state *host = host_state_new(env->cols, env->rows);
	struct userstream *user = userstream_new();
	uint64_t	 now = clock_ms();

	memset(s, 0, sizeof(*s));
	s->o = env->o;
	s->conn = env->conn;
	s->child = env->child;
	s->pt = env->pt;
	s->ev = env->ev;
	s->net = env->net;
	s->ctl = env->ctl;
	s->started_wall = (uint64_t)time(NULL);
	s->start = s->last_input = now;
	/* network_timeout defaults to a week (config); 0 means never. */
	s->net_ms = c->network_timeout ? (uint64_t)c->network_timeout * 1000 :
	    NEVER_MS;
	s->sig_ms = (uint64_t)c->signal_timeout * 1000;
	s->idle_ms = (uint64_t)c->idle_timeout * 1000;
	if (host == NULL || user == NULL) {
		host_state_free(host);
		userstream_free(user);
		fprintf(stderr, "mosh-server: out of memory\n");
		return false;
	}
	if (ssp_init(&s->ssp, s->conn, &host_state_ops, host, &userstream_ops,
	    user, now) != 0) {
		fprintf(stderr, "mosh-server: out of memory\n");
		return false;
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
	uint64_t	 heard = ssp_remote_timestamp(&s->ssp);
	struct base_wait w;

	base_wait_init(&w, ssp_wait_time(&s->ssp, now));
	base_wait_for(&w, (uint64_t)serve_echo_wait(s, now));
	/* Waiting for a client, or for one to ack the shutdown. */
	if (ssp_remote_num(&s->ssp) == 0 || ssp_shutdown_in_progress(&s->ssp))
		base_wait_for(&w, 5000);
	base_wait_for(&w, (uint64_t)events_flush(s->ev, now, false));
	base_wait_until(&w, heard, s->net_ms, now);
	if (s->idle_ms)
		base_wait_until(&w, s->last_input, s->idle_ms, now);
	if (s->attached)
		base_wait_until(&w, heard, UTMP_DETACH_MS, now);
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
	p->nnet = conn_fds(s->conn, fds, CONN_MAX_SOCKS);
	for (i = 0; i < p->nnet; i++) {
		p->pfd[i].fd = fds[i];
		p->pfd[i].events = POLLIN;
	}
	p->n = p->nnet;
	p->pfd[p->sig_i = p->n].fd = s->sigfd;
	p->pfd[p->n++].events = POLLIN;
	if (!ssp_shutdown_in_progress(&s->ssp)) {
		p->pfd[p->pty_i = p->n].fd = s->child->master;
		p->pfd[p->n++].events = POLLIN |
		    (s->to_pty.len > 0 ? POLLOUT : 0);
	}
	if (listener_watch_fd(s->net) != -1) {
		p->pfd[p->watch_i = p->n].fd = listener_watch_fd(s->net);
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
	if (p->pty_i != 0 && !ssp_shutdown_in_progress(&s->ssp) &&
	    (p->pfd[p->pty_i].revents & (POLLIN | POLLHUP | POLLERR)) &&
	    !serve_pty_read(s))
		serve_shell_gone(s, now);
	if (s->to_pty.len > 0 && !ssp_shutdown_in_progress(&s->ssp) &&
	    !serve_pty_write(s))
		serve_shell_gone(s, now);
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
		listener_resync(s->net, s->conn);
	if (p->nctl > 0)
		control_run(s->ctl, &p->pfd[p->ctl_i], p->nctl, now,
		    serve_control, s);
	serve_pty(s, p, now);
}

/* END_NONE while the session goes on; else why it ended. */
static enum serve_end
serve_check_end(struct serve_ctx *s, uint64_t now)
{
	uint64_t	 since = now - ssp_remote_timestamp(&s->ssp);

	if (s->kill_requested)
		serve_quit(s, END_KILLED, now);
	if (since >= s->net_ms)
		serve_quit(s, END_NETWORK_TIMEOUT, now);
	if (s->usr1 && (s->sig_ms == 0 || since >= s->sig_ms))
		serve_quit(s, END_SIGNAL_TIMEOUT, now);
	if (s->idle_ms && now - s->last_input >= s->idle_ms)
		serve_quit(s, END_IDLE_TIMEOUT, now);
	if (s->leave || (ssp_shutdown_in_progress(&s->ssp) &&
	    (ssp_shutdown_acknowledged(&s->ssp) ||
	    ssp_shutdown_ack_timed_out(&s->ssp, now))))
		return s->end;
	if (ssp_counterparty_shutdown_acknowledged(&s->ssp)) {
		serve_set_end(s, END_CLIENT_QUIT);
		return s->end;
	}
	if (ssp_remote_num(&s->ssp) > 0)
		s->attached_once = true;
	/* Only a session nobody ever used: after an attach, a client
	 * that fails to come must not cost the user their session. */
	if (!s->attached_once && now - s->start >= NO_CLIENT_TIMEOUT_MS) {
		serve_set_end(s, END_NO_CLIENT);
		return s->end;
	}
	return END_NONE;
}

/* A client silent too long is gone; echo acks, title, then send. */
static void
serve_housekeeping(struct serve_ctx *s, uint64_t now)
{
	uint64_t	 since = now - ssp_remote_timestamp(&s->ssp);

	if (s->attached && since > UTMP_DETACH_MS) {
		events_session(s->ev, "client-gone", "src=%s idle=%llu",
		    s->peer, (unsigned long long)(since / 1000));
		serve_utmp(s, false);
		serve_title(s, now);
	}
	serve_echo_update(s, now);
	if (now - s->title_at >= TITLE_EVERY_MS)
		serve_title(s, now);
	(void)ssp_tick(&s->ssp, now);
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
	if (s.child != NULL)
		(void)utmp_helper_remove(s.child->utmp);
	if (s.sigfd > 0)
		close(s.sigfd);
	ssp_free(&s.ssp);
	buf_free(&s.to_pty);
	buf_free(&s.userdiff);
	return end;
}

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "client/notify.h"

#define SERVER_LATE_MS	6500
#define REPLY_LATE_MS	10000
#define ACK_INTERVAL_MS	3000

void
notify_init(struct notify *n, uint64_t now)
{
	memset(n, 0, sizeof(*n));
	n->last_word_from_server = now;
	n->last_acked_state = now;
	n->expiration = UINT64_MAX;
	n->show_quit_keystroke = true;
}

void
notify_set_escape_key(struct notify *n, const char *name)
{
	snprintf(n->escape_key_string, sizeof(n->escape_key_string),
	    " [To quit: %s .]", name);
}

void
notify_set(struct notify *n, const char *msg, bool permanent,
    bool show_quit_keystroke, uint64_t now)
{
	snprintf(n->message, sizeof(n->message), "%s", msg);
	n->expiration = permanent ? UINT64_MAX : now + 1000;
	n->is_network_error = false;
	n->show_quit_keystroke = show_quit_keystroke;
}

void
notify_set_network_error(struct notify *n, const char *msg, uint64_t now)
{
	snprintf(n->message, sizeof(n->message), "%s", msg);
	n->is_network_error = true;
	n->expiration = now + ACK_INTERVAL_MS + 100;
}

void
notify_clear_network_error(struct notify *n, uint64_t now)
{
	if (n->is_network_error && n->expiration > now + 1000)
		n->expiration = now + 1000;
}

const char *
notify_message(const struct notify *n)
{
	return n->message;
}

void
notify_server_heard(struct notify *n, uint64_t t)
{
	n->last_word_from_server = t;
}

void
notify_server_acked(struct notify *n, uint64_t t)
{
	n->last_acked_state = t;
}

static bool
server_late(const struct notify *n, uint64_t now)
{
	return now - n->last_word_from_server > SERVER_LATE_MS;
}

static bool
reply_late(const struct notify *n, uint64_t now)
{
	return now - n->last_acked_state > REPLY_LATE_MS;
}

void
notify_adjust(struct notify *n, uint64_t now)
{
	/* Gone for good: an expiry left in the past would make
	 * notify_wait_time 0 and the loop spin. */
	if (now >= n->expiration) {
		n->message[0] = '\0';
		n->expiration = UINT64_MAX;
		n->is_network_error = false;
	}
}

static void
human_duration(char *b, size_t len, unsigned s, const char *unit)
{
	if (s < 60)
		snprintf(b, len, "%u %s", s, unit);
	else if (s < 3600)
		snprintf(b, len, "%u:%02u", s / 60, s % 60);
	else
		snprintf(b, len, "%u:%02u:%02u", s / 3600, (s / 60) % 60,
		    s % 60);
}

static void
bar_cell(struct term_cell *c, uint32_t ch, int wide)
{
	memset(c, 0, sizeof(*c));
	c->ch = ch;
	c->wide = (uint8_t)wide;
	c->fg = TERM_COLOR_INDEXED | 7;
	c->bg = TERM_COLOR_INDEXED | 4;
}

void
notify_apply(const struct notify *n, struct term_fb *fb, uint64_t now)
{
	char		 text[NOTIFY_MSG_MAX + 128], dur[32];
	const char	*explanation = "contact", *keys;
	uint64_t	 elapsed = now - n->last_word_from_server;
	bool		 countup = server_late(n, now) || reply_late(n, now);
	struct term_row	*r;
	mbstate_t	 mbs;
	wchar_t		 wc;
	size_t		 i, len, k;
	int		 col = 0, w;

	if (n->message[0] == '\0' && !countup)
		return;
	/* Prefer "last contact"; say "reply" if only the uplink is bad. */
	if (reply_late(n, now) && !server_late(n, now)) {
		elapsed = now - n->last_acked_state;
		explanation = "reply";
	}
	keys = n->show_quit_keystroke ? n->escape_key_string : "";
	if (n->message[0] == '\0') {
		human_duration(dur, sizeof(dur), (unsigned)(elapsed / 1000),
		    "seconds");
		snprintf(text, sizeof(text), "mosh: Last %s %s ago.%s",
		    explanation, dur, keys);
	} else if (!countup)
		snprintf(text, sizeof(text), "mosh: %s%s", n->message, keys);
	else {
		human_duration(dur, sizeof(dur), (unsigned)(elapsed / 1000),
		    "s");
		snprintf(text, sizeof(text), "mosh: %s (%s without %s.)%s",
		    n->message, dur, explanation, keys);
	}
	if ((r = term_fb_row_mut(fb, 0)) == NULL)
		return;
	if (fb->cy == 0)
		fb->cursor_visible = 0;
	for (i = 0; i < (size_t)fb->cols; i++)
		bar_cell(&r->cells[i], ' ', 0);
	memset(&mbs, 0, sizeof(mbs));
	len = strlen(text);
	for (i = 0; i < len && col < fb->cols; i += k) {
		k = mbrtowc(&wc, text + i, len - i, &mbs);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		w = wcwidth(wc);
		if (w < 1 || col + w > fb->cols)
			continue;
		bar_cell(&r->cells[col], (uint32_t)wc, w == 2);
		r->cells[col].attr = TERM_ATTR_BOLD;
		if (w == 2)
			bar_cell(&r->cells[col + 1], 0, 0);
		col += w;
	}
}

int
notify_wait_time(const struct notify *n, uint64_t now)
{
	uint64_t	 next = INT_MAX, interval;

	if (n->expiration != UINT64_MAX)
		next = n->expiration > now ? n->expiration - now : 0;
	if (server_late(n, now) || reply_late(n, now)) {
		/* Disconnected a minute: count up less often, save power. */
		interval = now - n->last_word_from_server > 60000 ?
		    ACK_INTERVAL_MS : 1000;
		if (interval < next)
			next = interval;
	}
	return next > INT_MAX ? INT_MAX : (int)next;
}

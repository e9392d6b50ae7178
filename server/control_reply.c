/* The replies of the control protocol: each has one writer and one reader. */
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/control.h"

enum info_kind { INFO_LONG, INFO_ULL, INFO_INT, INFO_TEXT };

/* Every key of an `info` reply, in the order it is written. */
static const struct info_field {
	const char	*key;
	enum info_kind	 kind;
	size_t		 offset;
	size_t		 size;		/* INFO_TEXT: the field's bytes */
} info_fields[] = {
#define F(k, kind, f) { #k, kind, offsetof(struct control_info, f), \
	sizeof(((struct control_info *)0)->f) }
	F(pid,		INFO_LONG,	pid),
	F(started,	INFO_ULL,	started),
	F(port,		INFO_INT,	port),
	F(iface,	INFO_TEXT,	iface),
	F(state,	INFO_TEXT,	state),
	F(client,	INFO_TEXT,	client),
	F(last_contact,	INFO_ULL,	last_contact),
	F(idle,		INFO_ULL,	idle),
	F(command,	INFO_TEXT,	command),
#undef F
};
#define INFO_NFIELDS	(sizeof(info_fields) / sizeof(info_fields[0]))

/* The mode word of a peer line: how the client was let in. */
static const struct info_mode {
	const char	*word;
	bool		 read_only;
} info_modes[] = {
	{ "rw",	false },
	{ "ro",	true },
};
#define INFO_NMODES	(sizeof(info_modes) / sizeof(info_modes[0]))

/* The word a client's mode is written as. */
static const char *
info_mode_word(bool read_only)
{
	size_t	 i;

	for (i = 0; i < INFO_NMODES; i++)
		if (info_modes[i].read_only == read_only)
			break;
	return info_modes[i < INFO_NMODES ? i : 0].word;
}

#define INFO_PEER	"peer="
#define INFO_PEER_LEN	(sizeof(INFO_PEER) - 1)
#define INFO_PEER_WORDS	4	/* ID MODE ADDR SECS */

/* Text as a reader may show it on a terminal: a control byte becomes
 * '?' (a newline would start a line of its own), and so does a space
 * where the text is one word of a line. */
static void
info_clean(char *v, bool word)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f ||
		    (word && *v == ' '))
			*v = '?';
}

/* One "key=value\n" line; a newline or control byte in a text value
 * (a command line can hold one) would start a line of its own. */
static int
info_line(const struct info_field *f, const void *field, char *buf,
    size_t len, size_t *used)
{
	char	 v[CONTROL_LINE_MAX];
	int	 n;

	switch (f->kind) {
	case INFO_LONG:
		snprintf(v, sizeof(v), "%ld", *(const long *)field);
		break;
	case INFO_ULL:
		snprintf(v, sizeof(v), "%llu",
		    *(const unsigned long long *)field);
		break;
	case INFO_INT:
		snprintf(v, sizeof(v), "%d", *(const int *)field);
		break;
	case INFO_TEXT:
		snprintf(v, sizeof(v), "%.*s", (int)f->size,
		    (const char *)field);
		info_clean(v, false);
		break;
	}
	n = snprintf(buf + *used, len - *used, "%s=%s\n", f->key, v);
	if (n < 0 || (size_t)n >= len - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

/* One client's "peer=ID rw|ro ADDR SECS\n" line ("- -" for one never
 * heard); the address is one word, so a space in it becomes '?' too. */
static int
info_peer_line(const struct control_client *c, char *buf, size_t len,
    size_t *used)
{
	char	 addr[sizeof(c->addr) + 1];
	int	 n;

	snprintf(addr, sizeof(addr), "%.*s", (int)sizeof(c->addr), c->addr);
	info_clean(addr, true);
	if (addr[0] == '\0')
		memcpy(addr, "?", 2);	/* heard from somewhere unnamed */
	if (c->heard)
		n = snprintf(buf + *used, len - *used, INFO_PEER "%u %s %s "
		    "%llu\n", c->id, info_mode_word(c->read_only), addr,
		    c->last_contact);
	else
		n = snprintf(buf + *used, len - *used, INFO_PEER "%u %s - -\n",
		    c->id, info_mode_word(c->read_only));
	if (n < 0 || (size_t)n >= len - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

int
control_info_format(const struct control_info *info, char *buf, size_t len)
{
	size_t	 i, used = 0;

	if (len == 0)
		return -1;
	for (i = 0; i < INFO_NFIELDS; i++)
		if (info_line(&info_fields[i], (const char *)info +
		    info_fields[i].offset, buf, len, &used) != 0)
			return -1;
	for (i = 0; i < info->nclients && i < CONTROL_CLIENTS_MAX; i++)
		if (info_peer_line(&info->clients[i], buf, len, &used) != 0)
			return -1;
	if (used + 2 > len)
		return -1;
	memcpy(buf + used, "\n", 2);
	return 0;
}

/* A whole decimal number within [0, max]; anything else is 0. */
static unsigned long long
info_number(const char *v, unsigned long long max)
{
	unsigned long long n;
	char		*end;

	if (!isdigit((unsigned char)*v))
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	return errno != 0 || *end != '\0' || n > max ? 0 : n;
}

/* n bytes at s, all decimal digits, as a number within [0, max]: 0, or
 * -1 for anything else (no sign, no space, no overflow). */
static int
info_decimal(const char *s, size_t n, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned	 d;
	size_t		 i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Does n bytes at s spell word exactly? */
static bool
info_word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/*
 * The words of a peer line after "peer=", n bytes at p without the
 * newline: ID (above 0), rw or ro, ADDR and SECS, or "- -" for a client
 * never heard; one space between words. 0 with *c filled (the address
 * cut to fit, control bytes made '?'), -1 for a line that is not one.
 */
static int
info_peer_parse(const char *p, size_t n, struct control_client *c)
{
	const char		*w[INFO_PEER_WORDS], *sp;
	size_t			 wl[INFO_PEER_WORDS], k, i;
	unsigned long long	 v;

	for (k = 0; k < INFO_PEER_WORDS; k++) {
		w[k] = p;
		sp = memchr(p, ' ', n);
		wl[k] = sp != NULL ? (size_t)(sp - p) : n;
		if (wl[k] == 0)
			return -1;	/* two spaces, or one at an end */
		if (sp == NULL)
			break;
		n -= wl[k] + 1;
		p = sp + 1;
	}
	if (k != INFO_PEER_WORDS - 1)
		return -1;			/* too few words, or too many */
	memset(c, 0, sizeof(*c));
	if (info_decimal(w[0], wl[0], UINT_MAX, &v) != 0 || v == 0)
		return -1;
	c->id = (unsigned)v;
	for (i = 0; i < INFO_NMODES; i++)
		if (info_word_is(w[1], wl[1], info_modes[i].word))
			break;
	if (i == INFO_NMODES)
		return -1;
	c->read_only = info_modes[i].read_only;
	if (info_word_is(w[3], wl[3], "-"))
		return info_word_is(w[2], wl[2], "-") ? 0 : -1;
	if (info_decimal(w[3], wl[3], ULLONG_MAX, &c->last_contact) != 0)
		return -1;
	c->heard = true;
	snprintf(c->addr, sizeof(c->addr), "%.*s", (int)(wl[2] <
	    sizeof(c->addr) ? wl[2] : sizeof(c->addr) - 1), w[2]);
	info_clean(c->addr, true);
	return 0;
}

/* The peer lines up to the empty line that ends the reply, in order:
 * malformed ones and a second line for an ID are skipped, and no more
 * than CONTROL_CLIENTS_MAX are kept. */
static void
info_peers(const char *reply, struct control_info *info)
{
	struct control_client	 c;
	const char		*p = reply, *e;
	size_t			 i;

	while (*p != '\0' && *p != '\n' &&
	    info->nclients < CONTROL_CLIENTS_MAX) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) >= INFO_PEER_LEN &&
		    memcmp(p, INFO_PEER, INFO_PEER_LEN) == 0 &&
		    info_peer_parse(p + INFO_PEER_LEN, (size_t)(e - p) -
		    INFO_PEER_LEN, &c) == 0) {
			for (i = 0; i < info->nclients; i++)
				if (info->clients[i].id == c.id)
					break;
			if (i == info->nclients)
				info->clients[info->nclients++] = c;
		}
		if (*e == '\0')
			break;
		p = e + 1;
	}
}

int
control_info_parse(const char *reply, struct control_info *info)
{
	const struct info_field	*f;
	char			 v[CONTROL_LINE_MAX];
	void			*field;
	size_t			 i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < INFO_NFIELDS; i++) {
		f = &info_fields[i];
		field = (char *)info + f->offset;
		/* A missing key reads as "": 0. */
		(void)control_reply_get(reply, f->key, v, sizeof(v));
		switch (f->kind) {
		case INFO_LONG:
			*(long *)field = (long)info_number(v, LONG_MAX);
			break;
		case INFO_ULL:
			*(unsigned long long *)field = info_number(v,
			    ULLONG_MAX);
			break;
		case INFO_INT:
			*(int *)field = (int)info_number(v, INT_MAX);
			break;
		case INFO_TEXT:
			snprintf(field, f->size, "%s", v);
			info_clean(field, false);
			break;
		}
	}
	info_peers(reply, info);
	/* A session is its pid: none, no session (and nothing read). */
	if (info->pid > 0)
		return 0;
	memset(info, 0, sizeof(*info));
	return -1;
}

void
control_reply(int fd, const char *text)
{
	(void)send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void
control_reply_error(int fd, const char *reason)
{
	char	 b[CONTROL_LINE_MAX];

	snprintf(b, sizeof(b), "error=%s\n\n", reason);
	control_reply(fd, b);
}

void
control_reply_ok(int fd)
{
	control_reply(fd, "ok=1\n\n");
}

bool
control_reply_is_ok(const char *reply)
{
	return strncmp(reply, "ok=", 3) == 0;
}

void
control_reply_connect(int fd, int port, const char *key)
{
	char	 b[128];

	snprintf(b, sizeof(b), "MOSH CONNECT %d %s\n\n", port, key);
	control_reply(fd, b);
	explicit_bzero(b, sizeof(b));
}

int
control_reply_connect_line(const char *reply, char *line, size_t len)
{
	size_t	 n = strcspn(reply, "\n");

	if (strncmp(reply, "MOSH CONNECT ", 13) != 0 || n >= len)
		return -1;
	memcpy(line, reply, n);
	line[n] = '\0';
	return 0;
}

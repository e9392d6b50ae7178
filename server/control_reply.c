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

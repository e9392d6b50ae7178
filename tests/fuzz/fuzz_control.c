/*
 * libFuzzer target for the control socket's parsers: the server's
 * request parser (what any same-user process may send) and the reply
 * parsers `list`, `attach`, `share` and `kick` run on what a server
 * answers.
 *
 * The input is both a request and a reply. The request is parsed whole
 * and as every prefix a connection could have received first: a prefix
 * without the newline must be CONTROL_MORE (or TOO_LONG at the bound),
 * and one with it must give the same answer as the whole. A parsed
 * request's argument is a short printable word.
 *
 * As a reply it is read as `info`'s: whatever it holds, the fields and
 * clients read back are within bounds and free of control bytes, the
 * IDs above 0 and each once, and writing them again gives a reply that
 * fits CONTROL_LINE_MAX and reads back the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/control.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_request(const uint8_t *p, size_t len)
{
	struct control_req whole, part;
	enum control_status st, sp;
	const uint8_t	*nl;
	size_t		 k, end, i;

	memset(&whole, 0xa5, sizeof(whole));
	st = control_parse_request(p, len, &whole);
	nl = memchr(p, '\n', len < CONTROL_REQ_MAX ? len : CONTROL_REQ_MAX);
	end = nl != NULL ? (size_t)(nl - p) + 1 : len;
	if (st == CONTROL_OK) {
		if (nl == NULL)
			abort();
		for (i = 0; whole.arg[i] != '\0'; i++)
			if (i + 1 >= CONTROL_ARG_MAX || whole.arg[i] <= ' ' ||
			    whole.arg[i] > '~')
				abort();
	}
	if ((st == CONTROL_MORE) != (nl == NULL && len < CONTROL_REQ_MAX))
		abort();
	for (k = 0; k <= end && k <= len; k++) {
		memset(&part, 0x5a, sizeof(part));
		sp = control_parse_request(p, k, &part);
		if (k < end && nl != NULL && sp != CONTROL_MORE)
			abort();
		if (k == end && nl != NULL && (sp != st || (st == CONTROL_OK &&
		    (part.kind != whole.kind ||
		    strcmp(part.arg, whole.arg) != 0))))
			abort();
	}
}

/* Is a text field NUL-terminated within its size, without control
 * bytes (and, for a word, without spaces)? */
static bool
fuzz_text_ok(const char *s, size_t size, bool word)
{
	const char	*end = memchr(s, '\0', size);

	if (end == NULL)
		return false;
	for (; s < end; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f ||
		    (word && *s == ' '))
			return false;
	return true;
}

/* What control_info_parse read from a reply: within bounds, clean. */
static void
fuzz_info_check(const struct control_info *i)
{
	const struct control_client *c;
	size_t		 k, j;

	if (i->nclients > CONTROL_CLIENTS_MAX ||
	    !fuzz_text_ok(i->iface, sizeof(i->iface), false) ||
	    !fuzz_text_ok(i->state, sizeof(i->state), false) ||
	    !fuzz_text_ok(i->client, sizeof(i->client), false) ||
	    !fuzz_text_ok(i->command, sizeof(i->command), false))
		abort();
	for (k = 0; k < i->nclients; k++) {
		c = &i->clients[k];
		if (c->id == 0 || !fuzz_text_ok(c->addr, sizeof(c->addr), true))
			abort();
		if (c->heard != (c->addr[0] != '\0'))
			abort();
		if (!c->heard && c->last_contact != 0)
			abort();
		for (j = 0; j < k; j++)
			if (i->clients[j].id == c->id)
				abort();
	}
}

/* info's reply read, checked, written again and read back the same. */
static void
fuzz_info(const char *reply)
{
	struct control_info *a, *b;
	char		*buf;

	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	buf = malloc(CONTROL_LINE_MAX);
	if (a == NULL || b == NULL || buf == NULL)
		goto out;
	if (control_info_parse(reply, a) != 0) {
		if (a->pid != 0 || a->nclients != 0)
			abort();
		goto out;
	}
	fuzz_info_check(a);
	if (control_info_format(a, buf, CONTROL_LINE_MAX) != 0 ||
	    control_info_parse(buf, b) != 0 ||
	    memcmp(a, b, sizeof(*a)) != 0)
		abort();
out:
	free(a);
	free(b);
	free(buf);
}

static void
fuzz_reply(const uint8_t *p, size_t len)
{
	static const char *const keys[] = { "pid", "started", "port",
	    "iface", "state", "client", "last_contact", "idle", "command",
	    "peer", "", "=", "error", "ok" };
	char		*reply, out[64], tiny[1];
	size_t		 i;

	if ((reply = malloc(len + 1)) == NULL)
		return;
	memcpy(reply, p, len);
	reply[len] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (control_reply_get(reply, keys[i], out, sizeof(out)) ==
		    NULL && out[0] != '\0')
			abort();
		if (strlen(out) >= sizeof(out))
			abort();
		(void)control_reply_get(reply, keys[i], tiny, sizeof(tiny));
		if (tiny[0] != '\0')
			abort();
	}
	fuzz_info(reply);
	free(reply);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request(data, size);
	fuzz_reply(data, size);
	return 0;
}

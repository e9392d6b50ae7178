/*
 * libFuzzer target for the control socket's two parsers: the server's
 * request parser (what any same-user process may send) and the reply
 * parser `list` and `attach` run on what a server answers.
 *
 * The input is both a request and a reply. The request is parsed whole
 * and as every prefix a connection could have received first: a prefix
 * without the newline must be CONTROL_MORE (or TOO_LONG at the bound),
 * and one with it must give the same answer as the whole. A parsed
 * request's argument is a short printable word.
 */
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

static void
fuzz_reply(const uint8_t *p, size_t len)
{
	static const char *const keys[] = { "pid", "started", "port",
	    "iface", "state", "client", "last_contact", "idle", "command",
	    "", "=", "error", "ok" };
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
	free(reply);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request(data, size);
	fuzz_reply(data, size);
	return 0;
}

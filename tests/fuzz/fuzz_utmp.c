/*
 * libFuzzer target for the utmp helper's request parser (server/utmp.h):
 * what a compromised server may send the unsandboxed helper. Whatever the
 * bytes, a request is one of the three exact forms or BAD: "master" and
 * "remove" only as themselves, "add " followed by text without a NUL.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/utmp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		 msg[513];
	enum utmp_req	 kind;
	bool		 nul;

	if (len > sizeof(msg) - 1)
		len = sizeof(msg) - 1;
	memcpy(msg, data, len);
	msg[len] = '\0';
	nul = memchr(msg, '\0', len) != NULL;
	kind = utmp_request_kind(msg, len);
	switch (kind) {
	case UTMP_REQ_MASTER:
		if (len != 6 || memcmp(msg, "master", 6) != 0)
			abort();
		break;
	case UTMP_REQ_REMOVE:
		if (len != 6 || memcmp(msg, "remove", 6) != 0)
			abort();
		break;
	case UTMP_REQ_ADD:
		if (len < 4 || memcmp(msg, "add ", 4) != 0 || nul)
			abort();
		break;
	case UTMP_REQ_BAD:
		if (!nul && ((len == 6 && (memcmp(msg, "master", 6) == 0 ||
		    memcmp(msg, "remove", 6) == 0)) ||
		    (len >= 4 && memcmp(msg, "add ", 4) == 0)))
			abort();
		break;
	default:
		abort();
	}
	return 0;
}

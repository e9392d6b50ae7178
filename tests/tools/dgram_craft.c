/*
 * Send one authentic datagram under a session key, for tests of what the
 * server does with authentic but wrong traffic (a replayed sequence
 * number, a payload that is not a fragment).
 *
 *   dgram_craft --key KEY --to ADDR:PORT --seq N [--payload HEX]
 *
 * Client-to-server direction. Exit 0 when sent.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/datagram.h"
#include "proto/key.h"
#include "tests/unit/hex.h"

static int
split_hostport(char *s, char **host, char **port)
{
	char	*c;

	if (s[0] == '[') {
		if ((c = strchr(s, ']')) == NULL || c[1] != ':')
			return -1;
		*c = '\0';
		*host = s + 1;
		*port = c + 2;
		return 0;
	}
	if ((c = strrchr(s, ':')) == NULL)
		return -1;
	*c = '\0';
	*host = s;
	*port = c + 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char	*keystr = NULL, *why, *hex = "";
	char		*to = NULL, *host, *port;
	unsigned long long seq = 0;
	struct mosh_key	 key;
	struct dgram_session s;
	struct addrinfo	 hints, *ai;
	uint8_t		 payload[1024], wire[DGRAM_RECV_MAX];
	size_t		 plen, n;
	int		 i, fd;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--key") == 0)
			keystr = argv[i + 1];
		else if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else if (strcmp(argv[i], "--seq") == 0)
			seq = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--payload") == 0)
			hex = argv[i + 1];
		else
			break;
	}
	if (keystr == NULL || to == NULL || i != argc ||
	    split_hostport(to, &host, &port) != 0) {
		fprintf(stderr, "usage: dgram_craft --key KEY --to ADDR:PORT "
		    "--seq N [--payload HEX]\n");
		return 2;
	}
	if (key_parse(keystr, &key, &why) != 0) {
		fprintf(stderr, "dgram_craft: key: %s\n", why);
		return 2;
	}
	if ((plen = hex_decode(hex, payload, sizeof(payload))) == (size_t)-1) {
		fprintf(stderr, "dgram_craft: bad --payload hex\n");
		return 2;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "dgram_craft: bad address\n");
		return 2;
	}
	if (dgram_session_init(&s, &key, DGRAM_TO_SERVER) != 0)
		return 1;
	s.next_seq = seq;
	if (dgram_seal(&s, 1, DGRAM_TS_NONE, payload, plen, wire, sizeof(wire),
	    &n) != PROTO_OK)
		return 1;
	if ((fd = socket(ai->ai_family, SOCK_DGRAM, 0)) == -1 ||
	    sendto(fd, wire, n, 0, ai->ai_addr, ai->ai_addrlen) != (ssize_t)n) {
		perror("dgram_craft: send");
		return 1;
	}
	close(fd);
	freeaddrinfo(ai);
	dgram_session_clear(&s);
	return 0;
}

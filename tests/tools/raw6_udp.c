/*
 * Send UDP over IPv6 with any source address, written by hand and put on
 * a link through a packet socket, so no local check on the sending side
 * can refuse or rewrite it (a v4-mapped source such as ::ffff:100.64.7.7,
 * which no socket API would send). Root, or CAP_NET_RAW.
 *
 *   raw6_udp --iface IF --src ADDR --dst ADDR --dport PORT [--sport PORT]
 *       [--dst-mac MAC] [--count N] [--size B]
 *
 * The frame goes to MAC (default 00:00:00:00:00:00, what lo takes); the
 * payload is B bytes (default 100) of fresh random junk per datagram.
 * Exit 0 when all were sent.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "tests/tools/toolutil.h"

#define IP6_HDR		40
#define UDP_HDR		8
#define PAYLOAD_MAX	1400

static void
usage(void)
{
	fprintf(stderr, "usage: raw6_udp --iface IF --src ADDR --dst ADDR "
	    "--dport PORT [--sport PORT] [--dst-mac MAC] [--count N] "
	    "[--size B]\n");
	exit(2);
}

/* The UDP checksum over the IPv6 pseudo-header (RFC 8200 8.1). */
static uint16_t
udp6_sum(const uint8_t *src, const uint8_t *dst, const uint8_t *udp,
    size_t len)
{
	uint32_t	 s = 0;
	size_t		 i;

	for (i = 0; i < 16; i += 2) {
		s += (uint32_t)(src[i] << 8 | src[i + 1]);
		s += (uint32_t)(dst[i] << 8 | dst[i + 1]);
	}
	s += (uint32_t)len;
	s += IPPROTO_UDP;
	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(udp[i] << 8 | udp[i + 1]);
	if (len & 1)
		s += (uint32_t)(udp[len - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	return s == 0 ? 0xffff : (uint16_t)s;
}

int
main(int argc, char **argv)
{
	const char	*iface = NULL, *src = NULL, *dst = NULL, *mac = NULL;
	long		 dport = -1, sport = 40000, count = 1, size = 100;
	struct sockaddr_ll sll;
	struct in6_addr	 s6, d6;
	uint8_t		 pkt[IP6_HDR + UDP_HDR + PAYLOAD_MAX], *udp;
	unsigned	 m[6];
	uint16_t	 sum;
	size_t		 ulen;
	long		 i;
	int		 fd, k;

	for (k = 1; k + 1 < argc; k += 2) {
		const char *a = argv[k], *v = argv[k + 1];

		if (strcmp(a, "--iface") == 0)
			iface = v;
		else if (strcmp(a, "--src") == 0)
			src = v;
		else if (strcmp(a, "--dst") == 0)
			dst = v;
		else if (strcmp(a, "--dst-mac") == 0)
			mac = v;
		else if (strcmp(a, "--dport") == 0) {
			if (parse_num(v, 1, 65535, &dport) != 0)
				usage();
		} else if (strcmp(a, "--sport") == 0) {
			if (parse_num(v, 1, 65535, &sport) != 0)
				usage();
		} else if (strcmp(a, "--count") == 0) {
			if (parse_num(v, 1, 1000000, &count) != 0)
				usage();
		} else if (strcmp(a, "--size") == 0) {
			if (parse_num(v, 0, PAYLOAD_MAX, &size) != 0)
				usage();
		} else
			usage();
	}
	if (k != argc || iface == NULL || src == NULL || dst == NULL ||
	    dport < 0 || inet_pton(AF_INET6, src, &s6) != 1 ||
	    inet_pton(AF_INET6, dst, &d6) != 1)
		usage();
	if (sodium_init() < 0)
		return 1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV6);
	sll.sll_halen = 6;
	if ((sll.sll_ifindex = (int)if_nametoindex(iface)) == 0) {
		fprintf(stderr, "raw6_udp: no interface %s\n", iface);
		return 2;
	}
	if (mac != NULL) {
		if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
		    &m[3], &m[4], &m[5]) != 6)
			usage();
		for (k = 0; k < 6; k++)
			sll.sll_addr[k] = (uint8_t)m[k];
	}
	if ((fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6))) == -1) {
		perror("raw6_udp: packet socket");
		return 1;
	}

	ulen = UDP_HDR + (size_t)size;
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;			/* version 6, no class, no flow */
	pkt[4] = (uint8_t)(ulen >> 8);
	pkt[5] = (uint8_t)ulen;
	pkt[6] = IPPROTO_UDP;
	pkt[7] = 64;			/* hop limit */
	memcpy(pkt + 8, &s6, 16);
	memcpy(pkt + 24, &d6, 16);
	udp = pkt + IP6_HDR;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	for (i = 0; i < count; i++) {
		randombytes_buf(udp + UDP_HDR, (size_t)size);
		udp[6] = udp[7] = 0;
		sum = udp6_sum(pkt + 8, pkt + 24, udp, ulen);
		udp[6] = (uint8_t)(sum >> 8);
		udp[7] = (uint8_t)sum;
		if (sendto(fd, pkt, IP6_HDR + ulen, 0, (struct sockaddr *)&sll,
		    sizeof(sll)) != (ssize_t)(IP6_HDR + ulen)) {
			perror("raw6_udp: send");
			return 1;
		}
	}
	close(fd);
	printf("raw6_udp: sent=%ld\n", count);
	return 0;
}

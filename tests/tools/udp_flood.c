/*
 * udp_flood: send junk datagrams as fast as one socket can, for a bounded
 * time, at one address (the soak's garbage flood at a mosh server).
 *
 *   udp_flood --to ADDR:PORT [--seconds S] [--size B]
 *
 * Datagrams are B bytes (default 200; 24..1400) of pseudo-random junk, new
 * bytes every datagram, so a server must try (and fail) to authenticate
 * each one. Stops after S seconds (default 10, at most 600) and prints
 * "udp_flood: sent=N bytes=M errors=E seconds=S rate=R/s". IPv4 only,
 * numeric. Exit 2 on bad usage, 1 when the socket fails.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/toolutil.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: udp_flood --to ADDR:PORT [--seconds S] [--size B]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	const char	*dst = NULL;
	char		 host[64], *colon;
	unsigned char	 buf[1400];
	long		 secs = 10, size = 200, port;
	unsigned long	 sent = 0, errs = 0, bytes = 0;
	uint64_t	 x = 0x9e3779b97f4a7c15ULL;
	double		 t0, t;
	int		 fd, i;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--to") == 0)
			dst = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0) {
			if (parse_num(argv[++i], 1, 600, &secs) != 0)
				usage();
		} else if (strcmp(argv[i], "--size") == 0) {
			if (parse_num(argv[++i], 24, (long)sizeof(buf), &size) != 0)
				usage();
		} else
			usage();
	}
	if (dst == NULL || strlen(dst) >= sizeof(host))
		usage();
	strcpy(host, dst);
	if ((colon = strrchr(host, ':')) == NULL)
		usage();
	*colon = '\0';
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1 ||
	    parse_num(colon + 1, 1, 65535, &port) != 0)
		usage();
	to.sin_port = htons((uint16_t)port);

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		perror("udp_flood: socket");
		return 1;
	}
	t0 = now_s();
	t = t0;
	while (t - t0 < (double)secs) {
		int k;

		for (k = 0; k < 256; k++) {
			size_t j;

			for (j = 0; j + 8 <= (size_t)size; j += 8) {
				x ^= x << 13; x ^= x >> 7; x ^= x << 17;
				memcpy(buf + j, &x, 8);
			}
			if (send(fd, buf, (size_t)size, 0) < 0)
				errs++;	/* ECONNREFUSED, ENOBUFS: keep going */
			else {
				sent++;
				bytes += (unsigned long)size;
			}
		}
		t = now_s();
	}
	printf("udp_flood: sent=%lu bytes=%lu errors=%lu seconds=%.1f rate=%.0f/s\n",
	    sent, bytes, errs, t - t0, (double)sent / (t - t0));
	close(fd);
	return 0;
}

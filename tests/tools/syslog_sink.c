/*
 * A stand-in for the syslog daemon in tests: binds a unix datagram
 * socket and appends each message to a file as rsyslog would write it
 * ("Mmm dd hh:mm:ss HOST tag[pid]: msg"), so fail2ban-regex reads it as a
 * real auth.log. Ends on SIGTERM.
 *
 *   syslog_sink SOCKET_PATH LOG_FILE [RAW_FILE]
 *
 * RAW_FILE, if given, gets each message as received (with its <PRI>).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	char		 msg[2048];
	const char	*p;
	ssize_t		 n;
	FILE		*out, *raw = NULL;
	int		 fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: syslog_sink SOCKET_PATH LOG_FILE "
		    "[RAW_FILE]\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path))
		return 2;
	strcpy(sun.sun_path, argv[1]);
	unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		perror("syslog_sink");
		return 1;
	}
	if ((out = fopen(argv[2], "a")) == NULL ||
	    (argc == 4 && (raw = fopen(argv[3], "a")) == NULL)) {
		perror(argv[2]);
		return 1;
	}
	signal(SIGTERM, SIG_DFL);
	for (;;) {
		if ((n = recv(fd, msg, sizeof(msg) - 1, 0)) <= 0)
			continue;
		msg[n] = '\0';
		if (raw != NULL) {
			fprintf(raw, "%s\n", msg);
			fflush(raw);
		}
		/* "<PRI>Mmm dd hh:mm:ss tag[pid]: msg": drop the PRI and
		 * put a host name after the time stamp, as rsyslog does. */
		p = msg;
		if (*p == '<' && (p = strchr(p, '>')) != NULL)
			p++;
		else
			p = msg;
		if (strlen(p) > 16)
			fprintf(out, "%.15s localhost %s\n", p, p + 16);
		else
			fprintf(out, "%s\n", p);
		fflush(out);
	}
}

#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "server/config.h"
#include "server/control.h"
#include "server/options.h"
#include "server/sessions.h"

#define SESSIONS_MAX	256

struct session_info {
	char		 path[CONTROL_PATH_MAX];
	struct control_info i;		/* what the server says */
	double		 rss_mib;	/* what /proc says */
	double		 cpu_s;
};

/* Memory and CPU from /proc: the sandboxed server cannot read its own. */
static void
session_proc(struct session_info *s)
{
	char	 path[64], line[256];
	FILE	*f;
	unsigned long long ut = 0, st = 0;
	long	 kb = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", s->i.pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
				break;
		fclose(f);
	}
	s->rss_mib = (double)kb / 1024.0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", s->i.pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL) {
			char	*p = strrchr(line, ')');

			if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d "
			    "%*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
				ut = st = 0;
		}
		fclose(f);
	}
	s->cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
session_query(const char *path, struct session_info *s)
{
	char	 reply[CONTROL_LINE_MAX];
	size_t	 l = strlen(path);

	memset(s, 0, sizeof(*s));
	if (l >= sizeof(s->path))
		return -1;
	memcpy(s->path, path, l + 1);
	if (control_request(path, "info", reply, sizeof(reply)) != 0 ||
	    control_info_parse(reply, &s->i) != 0)
		return -1;
	session_proc(s);
	return 0;
}

/* Every live session of this user, in every directory a server may
 * have used; sockets nobody answers are removed. */
static int
sessions_collect(struct session_info *out, size_t max, size_t *n)
{
	char		 dirs[CONTROL_DIRS_MAX][CONTROL_PATH_MAX];
	char		 path[CONTROL_PATH_MAX + 300];
	struct dirent	*de;
	DIR		*d;
	size_t		 len, i, ndirs;

	*n = 0;
	ndirs = control_dirs(dirs, CONTROL_DIRS_MAX);
	for (i = 0; i < ndirs; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL && *n < max) {
			len = strlen(de->d_name);
			if (len < 6 ||
			    strcmp(de->d_name + len - 5, ".sock") != 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dirs[i],
			    de->d_name) >= (int)sizeof(path) ||
			    strlen(path) >= CONTROL_PATH_MAX)
				continue;	/* too long for a socket path */
			if (session_query(path, &out[*n]) == 0)
				(*n)++;
			else if (errno == ECONNREFUSED || errno == ENOENT)
				(void)unlink(path);	/* its server is gone */
		}
		closedir(d);
	}
	return 0;
}

/* A duration as list shows it: 42s, 5m, 3h, 2d. */
static void
human(unsigned long long s, char *b, size_t len)
{
	if (s < 120)
		snprintf(b, len, "%llus", s);
	else if (s < 7200)
		snprintf(b, len, "%llum", s / 60);
	else if (s < 172800)
		snprintf(b, len, "%lluh", s / 3600);
	else
		snprintf(b, len, "%llud", s / 86400);
}

/* A JSON string: the command line may hold anything. */
static void
json_string(const char *s)
{
	char	 out[6 * 1024 + 1];

	base_json_text(out, sizeof(out), s, strlen(s));
	printf("\"%s\"", out);
}

/* A session's clients, an indented line each: number, mode, address
 * and when it was last heard. */
static void
session_clients(FILE *f, const struct control_info *i)
{
	const struct control_client *c;
	char		 ago[24], heard[40];
	size_t		 k;

	for (k = 0; k < i->nclients; k++) {
		c = &i->clients[k];
		if (c->heard) {
			human(c->last_contact, ago, sizeof(ago));
			snprintf(heard, sizeof(heard), "heard %s ago", ago);
		} else
			snprintf(heard, sizeof(heard), "never heard");
		fprintf(f, "%9sclient %-2u %s %-24s %s\n", "", c->id,
		    c->read_only ? "ro" : "rw", c->heard ? c->addr : "-",
		    heard);
	}
}

/* The sessions as `list` shows them, a line each under a header, each
 * followed by its clients' lines. */
static void
sessions_table(FILE *f, const struct session_info *ss, size_t n)
{
	char		 started[32], last[24], idle[24];
	struct tm	 tm;
	time_t		 t;
	size_t		 i;

	fprintf(f, "%-8s %-9s %-24s %-16s %-8s %-6s %-5s %-11s %-7s %-7s "
	    "%s\n", "ID", "STATE", "CLIENT", "STARTED", "CONTACT", "IDLE",
	    "PORT", "IFACE", "RSS", "CPU", "COMMAND");
	for (i = 0; i < n; i++) {
		t = (time_t)ss[i].i.started;
		localtime_r(&t, &tm);
		strftime(started, sizeof(started), "%Y-%m-%d %H:%M", &tm);
		human(ss[i].i.last_contact, last, sizeof(last));
		human(ss[i].i.idle, idle, sizeof(idle));
		fprintf(f, "%-8ld %-9s %-24s %-16s %-8s %-6s %-5d %-11s %5.1fM "
		    "%6.2fs %s\n", ss[i].i.pid, ss[i].i.state, ss[i].i.client,
		    started, strcmp(ss[i].i.client, "-") == 0 ? "-" : last,
		    idle, ss[i].i.port, ss[i].i.iface, ss[i].rss_mib,
		    ss[i].cpu_s, ss[i].i.command);
		session_clients(f, &ss[i].i);
	}
}

/* A session's clients as list --json gives them: "clients":[...]. */
static void
json_clients(const struct control_info *i)
{
	const struct control_client *c;
	size_t		 k;

	printf(",\"clients\":[");
	for (k = 0; k < i->nclients; k++) {
		c = &i->clients[k];
		printf("%s{\"id\":%u,\"read_only\":%s,\"addr\":", k ? "," : "",
		    c->id, c->read_only ? "true" : "false");
		json_string(c->addr);
		printf(",\"heard\":%s,\"last_contact\":%llu}",
		    c->heard ? "true" : "false", c->last_contact);
	}
	printf("]");
}

int
cmd_list(int argc, char **argv)
{
	struct session_info *ss;
	size_t		 n, i;
	int		 json = 0;
	struct passwd	*pw = getpwuid(getuid());

	if (argc == 1 && strcmp(argv[0], "--json") == 0)
		json = 1;
	else if (argc != 0) {
		fprintf(stderr, "usage: mosh-server list [--json]\n");
		return 2;
	}
	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return 1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	if (json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf("%s{\"id\":%ld,\"pid\":%ld,\"started\":%llu,"
			    "\"state\":", i ? "," : "", ss[i].i.pid, ss[i].i.pid,
			    ss[i].i.started);
			json_string(ss[i].i.state);
			printf(",\"client\":");
			json_string(ss[i].i.client);
			printf(",\"last_contact\":%llu,\"idle\":%llu,"
			    "\"port\":%d,\"iface\":", ss[i].i.last_contact,
			    ss[i].i.idle, ss[i].i.port);
			json_string(ss[i].i.iface);
			printf(",\"rss_mib\":%.1f,\"cpu_s\":%.2f,\"command\":",
			    ss[i].rss_mib, ss[i].cpu_s);
			json_string(ss[i].i.command);
			json_clients(&ss[i].i);
			printf("}");
		}
		printf("]\n");
		free(ss);
		return 0;
	}
	if (n == 0) {
		printf("no tsmosh sessions for %s\n", pw ? pw->pw_name : "you");
		free(ss);
		return 0;
	}
	sessions_table(stdout, ss, n);
	free(ss);
	return 0;
}

static int
session_kill(const struct session_info *s)
{
	char	 reply[256];

	if (control_request(s->path, "kill", reply, sizeof(reply)) != 0 ||
	    !control_reply_is_ok(reply)) {
		fprintf(stderr, "mosh-server: session %ld did not answer\n",
		    s->i.pid);
		return -1;
	}
	printf("killed session %ld (%s)\n", s->i.pid, s->i.command);
	return 0;
}

int
cmd_kill(int argc, char **argv)
{
	struct session_info *ss;
	size_t		 n, i, done = 0;
	long		 idle_over = -1, id = -1;
	int		 all = 0, rc = 0;

	if (argc == 1 && strcmp(argv[0], "all") == 0)
		all = 1;
	else if (argc == 2 && strcmp(argv[0], "--idle-over") == 0) {
		if (config_parse_duration(argv[1], &idle_over) != 0) {
			fprintf(stderr, "mosh-server: bad duration '%s' (e.g. "
			    "3600, 90m, 24h, 7d)\n", argv[1]);
			return 2;
		}
	} else if (argc == 1 && isdigit((unsigned char)argv[0][0]))
		id = strtol(argv[0], NULL, 10);
	else {
		fprintf(stderr, "usage: mosh-server kill ID | all | "
		    "--idle-over DURATION\n");
		return 2;
	}
	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return 1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	for (i = 0; i < n; i++) {
		if (!all && id != -1 && ss[i].i.pid != id)
			continue;
		if (idle_over >= 0 && ss[i].i.idle < (unsigned long long)idle_over)
			continue;
		if (session_kill(&ss[i]) != 0)
			rc = 1;
		done++;
	}
	free(ss);
	if (id != -1 && done == 0) {
		fprintf(stderr, "mosh-server: no session %ld of yours\n", id);
		return 1;
	}
	if (done == 0)
		printf("no session to kill\n");
	return rc;
}

static int
session_attach(const struct session_info *s)
{
	char	 reply[256], line[256];

	if (control_request(s->path, "attach", reply, sizeof(reply)) != 0 ||
	    control_reply_connect_line(reply, line, sizeof(line)) != 0) {
		fprintf(stderr, "mosh-server: session %ld would not re-key: "
		    "%s\n", s->i.pid, reply);
		return -1;
	}
	/* As `new` prints it, for the mosh wrapper. */
	if (isatty(STDIN_FILENO))
		fputs("\r\n", stdout);
	printf("%s\n", line);
	fflush(stdout);
	explicit_bzero(reply, sizeof(reply));
	explicit_bzero(line, sizeof(line));
	fprintf(stderr, "\n[mosh-server attached to session %ld, %s]\n",
	    s->i.pid, s->i.command);
	return 0;
}

/*
 * The session attach takes: the one named; else the user's only one,
 * whether or not its old client is still heard (a crashed laptop's
 * session is taken at once, not 10 s later); else the only detached
 * one. Otherwise says why, with the sessions to choose from, and
 * returns SIZE_MAX.
 */
static size_t
attach_pick(const struct session_info *ss, size_t n, long id)
{
	size_t	 i, pick = SIZE_MAX, ndetached = 0;

	for (i = 0; i < n; i++) {
		if (id != -1 && ss[i].i.pid == id)
			return i;
		if (strcmp(ss[i].i.state, "detached") == 0) {
			ndetached++;
			pick = i;
		}
	}
	if (id != -1)
		fprintf(stderr, "mosh-server: no session %ld of yours\n", id);
	else if (n == 0)
		fprintf(stderr, "mosh-server: no session to attach to\n");
	else if (n == 1)
		return 0;
	else if (ndetached == 1)
		return pick;
	else {
		fprintf(stderr, "mosh-server: %zu sessions, %zu of them "
		    "detached: name one (mosh-server attach ID)\n", n,
		    ndetached);
		sessions_table(stderr, ss, n);
	}
	return SIZE_MAX;
}

int
cmd_attach(int argc, char **argv)
{
	struct session_info *ss;
	char		*words[8];
	size_t		 n, i, nwords, pick;
	long		 id = -1;
	int		 rc;

	/* The mosh wrapper runs `SERVER new -c N -s -l ...`: with
	 * --server='mosh-server attach' those words follow; the ID is
	 * the word that is neither an option nor an option's value. */
	nwords = options_operands(argc, argv, words, 8);
	for (i = 0; i < nwords && i < 8; i++)
		if (isdigit((unsigned char)words[i][0]))
			id = strtol(words[i], NULL, 10);
	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return 1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	if ((pick = attach_pick(ss, n, id)) == SIZE_MAX) {
		free(ss);
		return 1;
	}
	rc = session_attach(&ss[pick]) == 0 ? 0 : 1;
	free(ss);
	return rc;
}

int
sessions_reattach(const char *command)
{
	struct session_info *ss;
	size_t		 n, i;
	int		 rc = -1;

	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return -1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	for (i = 0; i < n && rc != 0; i++)
		if (strcmp(ss[i].i.state, "detached") == 0 &&
		    strcmp(ss[i].i.command, command) == 0)
			rc = session_attach(&ss[i]);
	free(ss);
	return rc;
}

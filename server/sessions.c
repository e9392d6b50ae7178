#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
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

/* How a subcommand that takes one session picks it without an ID. */
struct pick_rule {
	const char	*sub;		/* "attach": for the messages */
	const char	*none;		/* "no session to attach to" */
	bool		 detached;	/* else the only detached one */
};

static const struct pick_rule pick_attach = {
	"attach", "no session to attach to", true
};
static const struct pick_rule pick_share = {
	"share", "no session to share", false
};

/*
 * The session a subcommand takes: the one named; else the user's only
 * one, whether or not its client is still heard (for attach, a crashed
 * laptop's session is taken at once, not 10 s later); else, by the
 * rule, the only detached one. Otherwise says why, with the sessions
 * to choose from, and returns SIZE_MAX.
 */
static size_t
session_pick(const struct session_info *ss, size_t n, long id,
    const struct pick_rule *rule)
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
		fprintf(stderr, "mosh-server: %s\n", rule->none);
	else if (n == 1)
		return 0;
	else if (rule->detached && ndetached == 1)
		return pick;
	else {
		if (rule->detached)
			fprintf(stderr, "mosh-server: %zu sessions, %zu of "
			    "them detached: name one (mosh-server %s ID)\n",
			    n, ndetached, rule->sub);
		else
			fprintf(stderr, "mosh-server: %zu sessions: name one "
			    "(mosh-server %s ID)\n", n, rule->sub);
		sessions_table(stderr, ss, n);
	}
	return SIZE_MAX;
}

/* A whole decimal number in [1, max] (an ID or a client's number on
 * the command line): 0, or -1 for anything else. */
static int
sessions_number(const char *s, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long n;
	char		*end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > max)
		return -1;
	*out = n;
	return 0;
}

/* The reason of a reply's error=REASON line, made printable; "" when
 * there is none (then the reply was something else). */
static void
sessions_error(const char *reply, char *out, size_t len)
{
	char	*p;

	(void)control_reply_get(reply, "error", out, len);
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* Print a MOSH CONNECT reply's line as `new` does, for the mosh
 * wrapper (and wipe both copies of the key); -1 if it is none. */
static int
session_print_connect(char *reply, size_t replylen)
{
	char	 line[256];
	int	 rc = -1;

	if (control_reply_connect_line(reply, line, sizeof(line)) == 0) {
		/* Typeahead on a tty could hide the line from the wrapper. */
		if (isatty(STDIN_FILENO))
			fputs("\r\n", stdout);
		printf("%s\n", line);
		fflush(stdout);
		rc = 0;
	}
	explicit_bzero(reply, replylen);
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* `attach` re-keys s and prints its MOSH CONNECT line. */
static int
session_attach(const struct session_info *s)
{
	char	 reply[256], why[64];

	if (control_request(s->path, "attach", reply, sizeof(reply)) != 0) {
		fprintf(stderr, "mosh-server: session %ld did not answer\n",
		    s->i.pid);
		return -1;
	}
	sessions_error(reply, why, sizeof(why));
	if (session_print_connect(reply, sizeof(reply)) != 0) {
		fprintf(stderr, "mosh-server: session %ld would not re-key: "
		    "%s\n", s->i.pid, why[0] != '\0' ? why : "unexpected reply");
		return -1;
	}
	fprintf(stderr, "\n[mosh-server attached to session %ld, %s]\n",
	    s->i.pid, s->i.command);
	return 0;
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
	if ((pick = session_pick(ss, n, id, &pick_attach)) == SIZE_MAX) {
		free(ss);
		return 1;
	}
	rc = session_attach(&ss[pick]) == 0 ? 0 : 1;
	free(ss);
	return rc;
}

/* `share` asks for one more client of s and prints its MOSH CONNECT
 * line; says why not when the session refuses. */
static int
session_share(const struct session_info *s, bool read_only)
{
	char	 reply[256], why[64];

	if (control_request(s->path, read_only ? "share read-only" : "share",
	    reply, sizeof(reply)) != 0) {
		fprintf(stderr, "mosh-server: session %ld did not answer\n",
		    s->i.pid);
		return -1;
	}
	sessions_error(reply, why, sizeof(why));
	if (session_print_connect(reply, sizeof(reply)) == 0) {
		fprintf(stderr, "\n[mosh-server: shared session %ld%s, %s]\n",
		    s->i.pid, read_only ? " (read-only)" : "", s->i.command);
		return 0;
	}
	if (strcmp(why, "too-many-clients") == 0) {
		fprintf(stderr, "mosh-server: session %ld already has its "
		    "most clients (max_clients); kick one first (mosh-server "
		    "kick %ld CLIENT)\n", s->i.pid, s->i.pid);
		session_clients(stderr, &s->i);
	} else
		fprintf(stderr, "mosh-server: session %ld would not share: "
		    "%s\n", s->i.pid, why[0] != '\0' ? why : "unexpected reply");
	return -1;
}

/*
 * mosh-server share [ID] [--read-only]: a MOSH CONNECT line for one
 * more client of a running session. With --server='mosh-server share'
 * the mosh wrapper's `new -c N -s -l ...` follows: the ID is the word
 * that is neither an option nor an option's value, and --read-only may
 * come anywhere before "--" (what follows it is the wrapper's command,
 * which a shared session already runs).
 */
int
cmd_share(int argc, char **argv)
{
	struct session_info *ss;
	char		**av, *words[8];
	size_t		 n, i, nwords, pick, nid = 0;
	unsigned long long v;
	long		 id = -1;
	bool		 read_only = false, cmd = false;
	int		 ac = 0, rc;

	if ((av = calloc((size_t)argc + 1, sizeof(*av))) == NULL)
		return 1;
	for (i = 0; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			cmd = true;
		if (!cmd && strcmp(argv[i], "--read-only") == 0)
			read_only = true;
		else
			av[ac++] = argv[i];
	}
	nwords = options_operands(ac, av, words, 8);
	for (i = 0; i < nwords && i < 8; i++) {
		if (!isdigit((unsigned char)words[i][0]))
			continue;	/* "new", or a stray word */
		if (sessions_number(words[i], LONG_MAX, &v) != 0 ||
		    nid++ > 0) {
			fprintf(stderr, "usage: mosh-server share [ID] "
			    "[--read-only]\n");
			free(av);
			return 2;
		}
		id = (long)v;
	}
	free(av);
	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return 1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	if ((pick = session_pick(ss, n, id, &pick_share)) == SIZE_MAX) {
		free(ss);
		return 1;
	}
	rc = session_share(&ss[pick], read_only) == 0 ? 0 : 1;
	free(ss);
	return rc;
}

/* mosh-server kick ID CLIENT: end one client of a session; the others,
 * and the session, go on. */
int
cmd_kick(int argc, char **argv)
{
	struct session_info *ss, *s = NULL;
	unsigned long long id, client;
	char		 req[CONTROL_ARG_MAX + 8], reply[256], why[64];
	size_t		 n, i;
	int		 rc = 1;

	if (argc != 2 || sessions_number(argv[0], LONG_MAX, &id) != 0 ||
	    sessions_number(argv[1], UINT_MAX, &client) != 0) {
		fprintf(stderr, "usage: mosh-server kick ID CLIENT\n");
		return 2;
	}
	if ((ss = calloc(SESSIONS_MAX, sizeof(*ss))) == NULL)
		return 1;
	sessions_collect(ss, SESSIONS_MAX, &n);
	for (i = 0; i < n && s == NULL; i++)
		if (ss[i].i.pid == (long)id)
			s = &ss[i];
	snprintf(req, sizeof(req), "kick %llu", client);
	if (s == NULL)
		fprintf(stderr, "mosh-server: no session %llu of yours\n", id);
	else if (control_request(s->path, req, reply, sizeof(reply)) != 0)
		fprintf(stderr, "mosh-server: session %llu did not answer\n",
		    id);
	else if (control_reply_is_ok(reply)) {
		printf("kicked client %llu of session %llu\n", client, id);
		rc = 0;
	} else {
		sessions_error(reply, why, sizeof(why));
		if (strcmp(why, "no-such-client") == 0) {
			fprintf(stderr, "mosh-server: session %llu has no "
			    "client %llu%s\n", id, client, s->i.nclients > 0 ?
			    "; it has:" : "");
			session_clients(stderr, &s->i);
		} else
			fprintf(stderr, "mosh-server: session %llu would not "
			    "kick client %llu: %s\n", id, client,
			    why[0] != '\0' ? why : "unexpected reply");
	}
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

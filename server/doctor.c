#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "netbind/cidr.h"
#include "netbind/netbind.h"
#include "server/doctor.h"
#include "server/options.h"

#define OUT_MAX		(256 * 1024)	/* enough of any ruleset */
#define CMD_TIMEOUT	"5"		/* seconds, for timeout(1) */
#define NPROC_SPARE	16		/* a session takes 2; room for more */

enum verdict { V_OK, V_WARN, V_FAIL };

struct tally {
	int	 fails;
};

static void
report(struct tally *t, enum verdict v, const char *what, const char *fmt,
    ...)
{
	static const char *const names[] = { "OK", "WARN", "FAIL" };
	va_list	 ap;

	if (v == V_FAIL)
		t->fails++;
	printf("%-4s %s: ", names[v], what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/*
 * Run argv under timeout(1) (a hung fail2ban socket must not hang us),
 * no shell: the interface name goes in as one argument. Its stdout, up
 * to len - 1 bytes, into out (NUL-terminated). The exit status, or -1.
 */
static int
capture(const char *const argv[], char *out, size_t len)
{
	posix_spawn_file_actions_t fa;
	const char	*full[16];
	size_t		 n = 0, got = 0;
	ssize_t		 r;
	int		 p[2], st, rc;
	pid_t		 pid;

	full[n++] = "timeout";
	full[n++] = CMD_TIMEOUT;
	for (; *argv != NULL && n < 15; argv++)
		full[n++] = *argv;
	full[n] = NULL;
	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	/* stdin and stderr on /dev/null, stdout into the pipe. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	rc = posix_spawnp(&pid, full[0], &fa, NULL, (char *const *)full,
	    environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return -1;
	}
	while ((r = read(p[0], out + got, len - 1 - got)) > 0) {
		got += (size_t)r;
		if (got == len - 1)
			break;
	}
	out[got] = '\0';
	close(p[0]);
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
check_config(struct tally *t, const struct server_opts *o)
{
	const char	*sys = o->cfg.config_file[0] != '\0' ? o->cfg.config_file :
	    CONFIG_SYSTEM_PATH;

	/* A missing system file is fine (defaults), but say which. */
	report(t, V_OK, "config", "parses (%s%s; `mosh-server config` shows "
	    "every value)", access(sys, R_OK) == 0 ? "system file " :
	    "defaults: no ", sys);
}

static bool
addr_allowed(const struct server_opts *o, const struct netbind_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t	 len;

	if (o->cfg.allow.any)
		return true;
	len = base_sockaddr_make(&ss, a->family, a->addr, 0);
	return cidr_match_any(o->cfg.allow.block, o->cfg.allow.n,
	    (struct sockaddr *)&ss, len);
}

/* The interface and its addresses; false when the server could not bind. */
static bool
check_iface(struct tally *t, const struct server_opts *o,
    struct netbind_iface *ifc)
{
	enum netbind_status st;
	char		 a[INET6_ADDRSTRLEN], srcs[CONFIG_TEXT_MAX];
	size_t		 i;

	if (o->cfg.iface.any) {
		report(t, V_WARN, "interface", "any: sessions listen on every "
		    "address; set interface = tailscale0 to keep them on the "
		    "tailnet");
		return true;
	}
	st = netbind_resolve(o->cfg.iface.name, ifc);
	switch (st) {
	case NETBIND_OK:
		break;
	case NETBIND_NO_IFACE:
		report(t, V_FAIL, "interface", "%s: no such interface; start "
		    "Tailscale (tailscale up) or set interface in the config "
		    "(from %s)", o->cfg.iface.name,
		    config_origin_name(&o->cfg, CFG_INTERFACE));
		return false;
	case NETBIND_DOWN:
		report(t, V_FAIL, "interface", "%s is down; bring it up "
		    "(tailscale up, or ip link set %s up)", o->cfg.iface.name,
		    o->cfg.iface.name);
		return false;
	case NETBIND_NO_ADDR:
		report(t, V_FAIL, "interface", "%s is up but has no address; "
		    "check `tailscale status`", o->cfg.iface.name);
		return false;
	default:
		report(t, V_FAIL, "interface", "%s: %s", o->cfg.iface.name,
		    netbind_status_text(st));
		return false;
	}
	for (i = 0; i < ifc->naddrs; i++) {
		if (!addr_allowed(o, &ifc->addrs[i]))
			continue;
		(void)netbind_addr_format(&ifc->addrs[i], a, sizeof(a));
		report(t, V_OK, "interface", "%s is up with address %s inside "
		    "allow_sources", o->cfg.iface.name, a);
		return true;
	}
	(void)netbind_addr_format(&ifc->addrs[0], a, sizeof(a));
	report(t, V_WARN, "interface", "%s is up, but its address %s is not "
	    "inside allow_sources (%s): is it the tailnet interface?",
	    o->cfg.iface.name, a, config_text(&o->cfg, CFG_ALLOW_SOURCES, srcs,
	    sizeof(srcs)));
	return true;
}

/* Can a session bind this port on every address it would use? */
static bool
port_free(const struct netbind_iface *ifc, const char *ifname, int port)
{
	size_t	 i;
	int	 fd;

	for (i = 0; i < ifc->naddrs; i++) {
		if (netbind_bind_one(&ifc->addrs[i], port, ifname, &fd) != 0)
			return false;
		close(fd);
	}
	return true;
}

static void
check_ports(struct tally *t, const struct server_opts *o,
    struct netbind_iface *ifc, bool usable)
{
	const char	*ifname = NULL;
	const struct config_ports *r = &o->cfg.ports;
	int		 port, nfree = 0, total = r->high - r->low + 1;

	if (!usable) {
		report(t, V_WARN, "ports", "not checked: the interface cannot "
		    "be bound");
		return;
	}
	if (o->cfg.iface.any) {
		/* mosh's any: the wildcard address of each family. */
		memset(ifc, 0, sizeof(*ifc));
		ifc->addrs[0].family = AF_INET;
		ifc->addrs[1].family = AF_INET6;
		ifc->naddrs = 2;
	} else
		ifname = o->cfg.iface.name;
	for (port = r->low; port <= r->high; port++)
		if (port_free(ifc, ifname, port))
			nfree++;
	if (nfree == 0)
		report(t, V_FAIL, "ports", "none of udp %d:%d is free; end old "
		    "sessions or widen port_range", r->low, r->high);
	else if (nfree < total / 10 + 1 && nfree < 10)
		report(t, V_WARN, "ports", "only %d of %d ports in %d:%d are "
		    "free; end old sessions or widen port_range", nfree, total,
		    r->low, r->high);
	else
		report(t, V_OK, "ports", "%d of %d ports in udp %d:%d are free",
		    nfree, total, r->low, r->high);
}

/* --- the firewall: heuristics over what the tools print --- */

struct range {
	int	 lo, hi;
};

static bool
overlaps(int a, int b, const struct range *r)
{
	return a <= r->hi && b >= r->lo;
}

/*
 * Does "udp dport X" (X: N, N-M, or { N, N-M, ... }) in this rule reach
 * the range? -1: the rule matches no port at all (or only "!="), so it
 * is not about ports.
 */
static int
nft_dport_hits(const char *rule, const struct range *r)
{
	const char	*p;
	long		 a, b;
	char		*end;

	if ((p = strstr(rule, "udp dport ")) == NULL &&
	    (p = strstr(rule, "th dport ")) == NULL)
		return -1;
	p = strstr(p, "dport ") + 6;
	if (strncmp(p, "!=", 2) == 0)
		return -1;
	if (*p == '{')
		p++;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (overlaps((int)a, (int)b, r))
			return 1;
		p = end;
		if (*p != ',' && strncmp(p, " ,", 2) != 0 &&
		    strncmp(p, ", ", 2) != 0)
			return 0;
	}
}

/* Is the rule about another interface than ours? */
static bool
nft_other_iface(const char *rule, const char *iface)
{
	const char	*p;
	char		 want[IF_NAMESIZE + 4];

	if (iface == NULL)
		return false;
	if ((p = strstr(rule, "iifname ")) == NULL &&
	    (p = strstr(rule, "iif ")) == NULL)
		return false;
	snprintf(want, sizeof(want), "\"%s\"", iface);
	p = strchr(p, ' ') + 1;
	if (strncmp(p, "!= ", 3) == 0)
		return strncmp(p + 3, want, strlen(want)) == 0;
	return strncmp(p, want, strlen(want)) != 0;
}

static bool
word_in(const char *line, const char *w)
{
	const char	*p = strstr(line, w);
	size_t		 n = strlen(w);

	return p != NULL && (p == line || p[-1] == ' ') &&
	    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n');
}

/*
 * nft list ruleset, base chains on the input hook, rules in order: a drop
 * or reject that reaches the range on our interface before any accept
 * of it, or a drop policy with no such accept, is a problem. Jumps are
 * not followed: a heuristic, said so in the message.
 */
static void
check_nft(struct tally *t, const char *iface, const struct range *r,
    char *rules)
{
	char	 chain[128] = "", bad[384] = "";	/* room for chain + rule */
	char	*line, *save = NULL, *s;
	bool	 input = false, policy_drop = false, accepted = false;
	int	 hit;

	for (line = strtok_r(rules, "\n", &save); line != NULL && *bad == '\0';
	    line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (sscanf(line, "chain %127s {", chain) == 1) {
			input = policy_drop = accepted = false;
			continue;
		}
		if (strncmp(line, "type filter hook input", 22) == 0) {
			input = true;
			policy_drop = strstr(line, "policy drop") != NULL;
			continue;
		}
		if (strcmp(line, "}") == 0 && input) {
			if (policy_drop && !accepted)
				snprintf(bad, sizeof(bad), "chain %s has policy "
				    "drop and no accept for udp %d:%d", chain,
				    r->lo, r->hi);
			input = false;
			continue;
		}
		if (!input || nft_other_iface(line, iface))
			continue;
		hit = nft_dport_hits(line, r);
		if (word_in(line, "accept")) {
			/* Port-less accepts count only when they name our
			 * interface: "ct state established" opens nothing. */
			if (hit == 1 || (hit == -1 && iface != NULL &&
			    strstr(line, "iifname") != NULL &&
			    strstr(line, "!=") == NULL &&
			    strstr(line, "ct state") == NULL))
				accepted = true;
			continue;
		}
		if (hit == 1 && !accepted && (word_in(line, "drop") ||
		    strstr(line, "reject") != NULL)) {
			if ((s = strstr(line, " counter packets")) != NULL)
				*s = '\0';
			snprintf(bad, sizeof(bad), "chain %s: \"%.120s\"", chain,
			    line);
		}
	}
	if (*bad != '\0')
		report(t, V_WARN, "firewall", "nftables drops udp %d:%d on %s "
		    "(%s); accept the range on it before that rule (see "
		    "mosh-server firewall nftables)", r->lo, r->hi,
		    iface != NULL ? iface : "any interface", bad);
	else
		report(t, V_OK, "firewall", "nftables: nothing drops udp "
		    "%d:%d on %s (base input chains; jumps not followed)",
		    r->lo, r->hi, iface != NULL ? iface : "any interface");
}

static void
check_ufw(struct tally *t, const struct range *r, const char *status)
{
	char	 want[32];

	snprintf(want, sizeof(want), "%d:%d/udp", r->lo, r->hi);
	if (r->lo == r->hi)
		snprintf(want, sizeof(want), "%d/udp", r->lo);
	if (strstr(status, "deny (incoming)") == NULL &&
	    strstr(status, "reject (incoming)") == NULL)
		report(t, V_OK, "firewall", "ufw active, incoming allowed by "
		    "default");
	else if (strstr(status, want) != NULL)
		report(t, V_OK, "firewall", "ufw has a rule for %s", want);
	else
		report(t, V_WARN, "firewall", "ufw denies incoming and has no "
		    "rule for %s; run the commands of `mosh-server firewall "
		    "ufw`", want);
}

static void
check_firewalld(struct tally *t, const char *iface, const struct range *r,
    char *buf)
{
	const char	*zargv[] = { "firewall-cmd", "--get-default-zone",
	    NULL, NULL };
	const char	*largv[] = { "firewall-cmd", NULL, "--list-all", NULL };
	char		 zone[64], zopt[80], ports[32], *nl;

	if (iface != NULL) {
		snprintf(zopt, sizeof(zopt), "--get-zone-of-interface=%s",
		    iface);
		zargv[1] = zopt;
	}
	if (capture(zargv, buf, OUT_MAX) != 0 &&
	    capture((const char *[]){ "firewall-cmd", "--get-default-zone",
	    NULL }, buf, OUT_MAX) != 0) {
		report(t, V_WARN, "firewall", "firewalld runs, but its zones "
		    "could not be read");
		return;
	}
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	snprintf(zone, sizeof(zone), "%s", buf);
	snprintf(zopt, sizeof(zopt), "--zone=%s", zone);
	largv[1] = zopt;
	snprintf(ports, sizeof(ports), "%d-%d/udp", r->lo, r->hi);
	if (capture(largv, buf, OUT_MAX) == 0 && (strstr(buf, "tsmosh") !=
	    NULL || strstr(buf, ports) != NULL ||
	    strstr(buf, "target: ACCEPT") != NULL))
		report(t, V_OK, "firewall", "firewalld zone %s admits tsmosh",
		    zone);
	else
		report(t, V_WARN, "firewall", "firewalld zone %s does not admit "
		    "udp %d:%d; run the commands of `mosh-server firewall "
		    "firewalld`", zone, r->lo, r->hi);
}

/* ufw and firewalld first: their own view beats their nft output. */
static void
check_firewall(struct tally *t, const struct server_opts *o)
{
	const char	*iface = o->cfg.iface.any ? NULL :
	    o->cfg.iface.name;
	struct range	 r = { o->cfg.ports.low, o->cfg.ports.high };
	char		*buf;

	if ((buf = malloc(OUT_MAX)) == NULL) {
		report(t, V_WARN, "firewall", "not checked: out of memory");
		return;
	}
	if (capture((const char *[]){ "ufw", "status", "verbose", NULL }, buf,
	    OUT_MAX) == 0 && strstr(buf, "Status: active") != NULL)
		check_ufw(t, &r, buf);
	else if (capture((const char *[]){ "firewall-cmd", "--state", NULL },
	    buf, OUT_MAX) == 0 && strncmp(buf, "running", 7) == 0)
		check_firewalld(t, iface, &r, buf);
	else if (capture((const char *[]){ "nft", "list", "ruleset", NULL },
	    buf, OUT_MAX) == 0)
		check_nft(t, iface, &r, buf);
	else
		report(t, V_WARN, "firewall", "not checked: no readable ufw, "
		    "firewalld or nftables state (run doctor as root)");
	free(buf);
}

static void
check_fail2ban(struct tally *t)
{
	char	 buf[4096];

	if (capture((const char *[]){ "fail2ban-client", "status", "tsmosh",
	    NULL }, buf, sizeof(buf)) == 0)
		report(t, V_OK, "fail2ban", "jail tsmosh is active");
	else
		report(t, V_WARN, "fail2ban", "jail tsmosh is not active; set "
		    "enabled = true in /etc/fail2ban/jail.d/tsmosh.conf and "
		    "run fail2ban-client reload");
}

static void
check_locale(struct tally *t)
{
	const char	*cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	if (base_locale_utf8())
		report(t, V_OK, "locale", "%s", cs);
	else
		report(t, V_WARN, "locale", "%s is not UTF-8; sessions need the "
		    "client's locale then: set LANG=C.UTF-8 (see locale -a)",
		    cs != NULL ? cs : "?");
}

/* Threads of our real uid: what RLIMIT_NPROC counts. */
static long
count_tasks(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[64], line[128];
	FILE		*f;
	long		 n = 0, uid, threads;
	bool		 mine;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.32s/status", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		mine = false;
		threads = 1;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "Uid: %ld", &uid) == 1)
				mine = uid == (long)getuid();
			else
				(void)sscanf(line, "Threads: %ld", &threads);
		}
		fclose(f);
		if (mine)
			n += threads;
	}
	closedir(d);
	return n;
}

static void
check_nproc(struct tally *t)
{
	struct rlimit	 rl;
	long		 n = count_tasks();

	if (getrlimit(RLIMIT_NPROC, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
		report(t, V_OK, "processes", "no process limit (%ld running)",
		    n);
		return;
	}
	if (n < 0) {
		report(t, V_WARN, "processes", "limit %llu, but /proc is not "
		    "readable", (unsigned long long)rl.rlim_cur);
		return;
	}
	if ((unsigned long long)n + 2 > rl.rlim_cur)
		report(t, V_FAIL, "processes", "%ld of %llu in use: a session "
		    "needs 2 more; raise ulimit -u (limits.conf nproc)", n,
		    (unsigned long long)rl.rlim_cur);
	else if ((unsigned long long)n + NPROC_SPARE > rl.rlim_cur)
		report(t, V_WARN, "processes", "%ld of %llu in use; raise "
		    "ulimit -u (limits.conf nproc)", n,
		    (unsigned long long)rl.rlim_cur);
	else
		report(t, V_OK, "processes", "%ld of %llu in use", n,
		    (unsigned long long)rl.rlim_cur);
}

int
cmd_doctor(int argc, char **argv)
{
	struct server_opts o;
	struct netbind_iface ifc;
	struct tally	 t = { 0 };
	bool		 usable;

	if (options_parse_strict(&o, argc, argv) != 0) {
		report(&t, V_FAIL, "config", "does not parse (the reason is "
		    "above); fix it, then `mosh-server config`");
		options_free(&o);
		return 1;
	}
	check_config(&t, &o);
	memset(&ifc, 0, sizeof(ifc));
	usable = check_iface(&t, &o, &ifc);
	check_ports(&t, &o, &ifc, usable);
	check_firewall(&t, &o);
	check_fail2ban(&t);
	check_locale(&t);
	check_nproc(&t);
	options_free(&o);
	fflush(stdout);
	return t.fails == 0 ? 0 : 1;
}

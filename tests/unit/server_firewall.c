/*
 * server/firewall: each backend's rules from a config: the port range
 * spelled as the backend wants it, the interface matched or not, the
 * sources per family, the closing drop rule, the header naming the
 * settings. The files committed under etc/ must be what the generator
 * makes of etc/tsmosh.conf (run from the top of the tree, as tests/run
 * does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "server/firewall.h"
#include "tests/unit/check.h"

/* firewall_write's output and return value. */
struct gen {
	char	*text;
	size_t	 len;
	int	 rc;
};

static void
gen(struct gen *g, const char *backend, const struct config *c)
{
	FILE	*f;

	g->text = NULL;
	g->len = 0;
	g->rc = -2;
	if ((f = open_memstream(&g->text, &g->len)) == NULL)
		return;
	g->rc = firewall_write(f, backend, c);
	fclose(f);
}

static void
gen_free(struct gen *g)
{
	free(g->text);
	g->text = NULL;
}

/* A config from the defaults and "key = value" lines. */
static int
cfg(struct config *c, const char *text)
{
	char	 err[512];

	if (config_load_buffer(c, "test", text, strlen(text), err,
	    sizeof(err)) != 0) {
		printf("#   %s\n", err);
		return -1;
	}
	return 0;
}

/* How many whole lines of text are exactly line. */
static int
lines(const char *text, const char *line)
{
	const char	*p = text, *nl;
	size_t		 n = strlen(line);
	int		 found = 0;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if ((size_t)(nl - p) == n && strncmp(p, line, n) == 0)
			found++;
	return found;
}

static int
has(const char *text, const char *line)
{
	if (lines(text, line) != 1) {
		printf("#   not once: '%s'\n", line);
		return 0;
	}
	return 1;
}

static int
hasnt(const char *text, const char *part)
{
	if (strstr(text, part) != NULL) {
		printf("#   unwanted: '%s'\n", part);
		return 0;
	}
	return 1;
}

/* How many lines start with prefix. */
static int
starting(const char *text, const char *prefix)
{
	const char	*p = text, *nl;
	int		 n = 0;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* The header every backend but firewalld-service's XML starts with. */
static int
header(const char *text, const char *what, const char *iface,
    const char *range, const char *srcs)
{
	char	 l[512];
	int	 ok = 1;

	snprintf(l, sizeof(l), "# %s for tsmosh, made by `mosh-server "
	    "firewall` from:", what);
	ok &= has(text, l);
	snprintf(l, sizeof(l), "#   interface = %s", iface);
	ok &= has(text, l);
	snprintf(l, sizeof(l), "#   port_range = %s", range);
	ok &= has(text, l);
	snprintf(l, sizeof(l), "#   allow_sources = %s", srcs);
	ok &= has(text, l);
	return ok;
}

static void
test_ufw(struct check *t)
{
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "ufw", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, header(g.text, "ufw commands", "tailscale0", "60001:60999",
	    "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "ufw allow in on tailscale0 proto udp from "
	    "100.64.0.0/10 to any port 60001:60999 comment 'tsmosh'"));
	CHECK(t, has(g.text, "ufw allow in on tailscale0 proto udp from "
	    "fd7a:115c:a1e0::/48 to any port 60001:60999 comment 'tsmosh'"));
	CHECK_EQ_INT(t, starting(g.text, "ufw "), 2);
	gen_free(&g);

	CHECK(t, cfg(&c, "interface = any\nport_range = 61000\n") == 0);
	gen(&g, "ufw", &c);
	CHECK(t, has(g.text, "ufw allow proto udp from 100.64.0.0/10 to any "
	    "port 61000 comment 'tsmosh'"));
	CHECK(t, hasnt(g.text, " in on "));
	CHECK(t, has(g.text, "#   interface = any"));
	gen_free(&g);

	CHECK(t, cfg(&c, "allow_sources = any\n") == 0);
	gen(&g, "ufw", &c);
	CHECK(t, has(g.text, "ufw allow in on tailscale0 proto udp from any "
	    "to any port 60001:60999 comment 'tsmosh'"));
	CHECK_EQ_INT(t, starting(g.text, "ufw "), 1);
	CHECK(t, has(g.text, "#   allow_sources = any"));
	gen_free(&g);

	CHECK(t, cfg(&c, "allow_sources = 10.0.0.0/8, 192.168.1.0/24\n") == 0);
	gen(&g, "ufw", &c);
	CHECK(t, has(g.text, "ufw allow in on tailscale0 proto udp from "
	    "10.0.0.0/8 to any port 60001:60999 comment 'tsmosh'"));
	CHECK(t, has(g.text, "ufw allow in on tailscale0 proto udp from "
	    "192.168.1.0/24 to any port 60001:60999 comment 'tsmosh'"));
	CHECK_EQ_INT(t, starting(g.text, "ufw "), 2);
	gen_free(&g);
}

static void
test_ufw_app(struct check *t)
{
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "ufw-app", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, header(g.text, "ufw application profile", "tailscale0",
	    "60001:60999", "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "[tsmosh]"));
	CHECK(t, has(g.text, "title=tsmosh mosh-server"));
	CHECK(t, has(g.text, "ports=60001:60999/udp"));
	gen_free(&g);

	CHECK(t, cfg(&c, "port_range = 60001\ninterface = any\n"
	    "allow_sources = any\n") == 0);
	gen(&g, "ufw-app", &c);
	CHECK(t, has(g.text, "ports=60001/udp"));
	CHECK(t, header(g.text, "ufw application profile", "any", "60001",
	    "any"));
	gen_free(&g);
}

static void
test_firewalld(struct check *t)
{
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "firewalld", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, header(g.text, "firewall-cmd commands", "tailscale0",
	    "60001:60999", "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "firewall-cmd --permanent --new-zone=tsmosh"));
	CHECK(t, has(g.text, "firewall-cmd --permanent --zone=tsmosh "
	    "--change-interface=tailscale0"));
	CHECK(t, has(g.text, "firewall-cmd --permanent --zone=tsmosh "
	    "--add-rich-rule='rule family=\"ipv4\" source "
	    "address=\"100.64.0.0/10\" service name=\"tsmosh\" accept'"));
	CHECK(t, has(g.text, "firewall-cmd --permanent --zone=tsmosh "
	    "--add-rich-rule='rule family=\"ipv6\" source "
	    "address=\"fd7a:115c:a1e0::/48\" service name=\"tsmosh\" "
	    "accept'"));
	CHECK(t, hasnt(g.text, "--add-service=tsmosh"));
	/* The reload is the last command. */
	CHECK(t, g.len > 0 && strcmp(g.text + g.len -
	    strlen("firewall-cmd --reload\n"), "firewall-cmd --reload\n") == 0);
	gen_free(&g);

	/* Any interface: no zone of its own; the rules in the default. */
	CHECK(t, cfg(&c, "interface = any\n") == 0);
	gen(&g, "firewalld", &c);
	CHECK(t, hasnt(g.text, "--new-zone"));
	CHECK(t, hasnt(g.text, "--zone="));
	CHECK(t, hasnt(g.text, "--change-interface"));
	CHECK(t, has(g.text, "firewall-cmd --permanent --add-rich-rule='rule "
	    "family=\"ipv4\" source address=\"100.64.0.0/10\" service "
	    "name=\"tsmosh\" accept'"));
	gen_free(&g);

	/* Any source: the service, no rich rules. */
	CHECK(t, cfg(&c, "allow_sources = any\n") == 0);
	gen(&g, "firewalld", &c);
	CHECK(t, has(g.text, "firewall-cmd --permanent --zone=tsmosh "
	    "--add-service=tsmosh"));
	CHECK(t, hasnt(g.text, "rich-rule"));
	gen_free(&g);
	CHECK(t, cfg(&c, "allow_sources = any\ninterface = any\n") == 0);
	gen(&g, "firewalld", &c);
	CHECK(t, has(g.text, "firewall-cmd --permanent --add-service=tsmosh"));
	CHECK_EQ_INT(t, starting(g.text, "firewall-cmd "), 2);
	gen_free(&g);

	/* One family only. */
	CHECK(t, cfg(&c, "allow_sources = 2001:db8::/32, fd00::/8\n") == 0);
	gen(&g, "firewalld", &c);
	CHECK(t, hasnt(g.text, "family=\"ipv4\""));
	CHECK_EQ_INT(t, starting(g.text, "firewall-cmd --permanent "
	    "--zone=tsmosh --add-rich-rule='rule family=\"ipv6\""), 2);
	gen_free(&g);
}

static void
test_firewalld_service(struct check *t)
{
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "\n<!--\n# firewalld service for tsmosh";
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "firewalld-service", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, strncmp(g.text, xml, strlen(xml)) == 0);
	CHECK(t, header(g.text, "firewalld service", "tailscale0",
	    "60001:60999", "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "-->"));
	CHECK(t, has(g.text, "<service>"));
	CHECK(t, has(g.text, "  <short>tsmosh</short>"));
	CHECK(t, has(g.text, "  <port protocol=\"udp\" port=\"60001-60999\"/>"));
	CHECK(t, has(g.text, "</service>"));
	gen_free(&g);

	CHECK(t, cfg(&c, "port_range = 60002\n") == 0);
	gen(&g, "firewalld-service", &c);
	CHECK(t, has(g.text, "  <port protocol=\"udp\" port=\"60002\"/>"));
	gen_free(&g);
}

static void
test_nftables(struct check *t)
{
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "nftables", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, strncmp(g.text, "#!/usr/sbin/nft -f\n", 19) == 0);
	CHECK(t, header(g.text, "nftables ruleset", "tailscale0",
	    "60001:60999", "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "#   udp dport 60001-60999 accept"));
	CHECK(t, has(g.text, "table inet tsmosh"));
	CHECK(t, has(g.text, "delete table inet tsmosh"));
	CHECK(t, has(g.text, "table inet tsmosh {"));
	CHECK(t, has(g.text, "\tset sources4 {"));
	CHECK(t, has(g.text, "\t\ttype ipv4_addr; flags interval"));
	CHECK(t, has(g.text, "\t\telements = { 100.64.0.0/10 }"));
	CHECK(t, has(g.text, "\tset sources6 {"));
	CHECK(t, has(g.text, "\t\ttype ipv6_addr; flags interval"));
	CHECK(t, has(g.text, "\t\telements = { fd7a:115c:a1e0::/48 }"));
	CHECK(t, has(g.text, "\t\ttype filter hook input priority filter - 1; "
	    "policy accept;"));
	CHECK(t, has(g.text, "\t\tiifname \"tailscale0\" ip saddr @sources4 "
	    "udp dport 60001-60999 accept"));
	CHECK(t, has(g.text, "\t\tiifname \"tailscale0\" ip6 saddr @sources6 "
	    "udp dport 60001-60999 accept"));
	CHECK(t, has(g.text, "\t\tudp dport 60001-60999 counter drop"));
	CHECK_EQ_INT(t, starting(g.text, "\t\tiifname "), 2);
	gen_free(&g);

	/* Any interface: no iifname, still the drop for other sources. */
	CHECK(t, cfg(&c, "interface = any\n") == 0);
	gen(&g, "nftables", &c);
	CHECK(t, hasnt(g.text, "iifname"));
	CHECK(t, has(g.text, "\t\tip saddr @sources4 udp dport 60001-60999 "
	    "accept"));
	CHECK(t, has(g.text, "\t\tip6 saddr @sources6 udp dport 60001-60999 "
	    "accept"));
	CHECK(t, has(g.text, "\t\tudp dport 60001-60999 counter drop"));
	gen_free(&g);

	/* Any source on the interface: no sets; others' datagrams drop. */
	CHECK(t, cfg(&c, "allow_sources = any\n") == 0);
	gen(&g, "nftables", &c);
	CHECK(t, hasnt(g.text, "set sources"));
	CHECK(t, hasnt(g.text, "saddr"));
	CHECK(t, has(g.text, "\t\tiifname \"tailscale0\" udp dport 60001-60999 "
	    "accept"));
	CHECK(t, has(g.text, "\t\tudp dport 60001-60999 counter drop"));
	gen_free(&g);

	/* Neither: one accept, no drop (nothing to close). */
	CHECK(t, cfg(&c, "allow_sources = any\ninterface = any\n"
	    "port_range = 60001\n") == 0);
	gen(&g, "nftables", &c);
	CHECK(t, has(g.text, "\t\tudp dport 60001 accept"));
	CHECK(t, hasnt(g.text, "counter drop"));
	CHECK(t, has(g.text, "#   udp dport 60001 accept"));
	gen_free(&g);

	/* v4 only: one set, one rule. */
	CHECK(t, cfg(&c, "allow_sources = 10.0.0.0/8, 192.168.0.0/16\n") == 0);
	gen(&g, "nftables", &c);
	CHECK(t, has(g.text, "\t\telements = { 10.0.0.0/8, 192.168.0.0/16 }"));
	CHECK(t, hasnt(g.text, "sources6"));
	CHECK(t, hasnt(g.text, "ipv6_addr"));
	CHECK(t, hasnt(g.text, "ip6 saddr"));
	CHECK(t, has(g.text, "\t\tiifname \"tailscale0\" ip saddr @sources4 "
	    "udp dport 60001-60999 accept"));
	gen_free(&g);

	/* v6 only. */
	CHECK(t, cfg(&c, "allow_sources = 2001:db8::/32 fd00::/8\n"
	    "port_range = 5000:5001\n") == 0);
	gen(&g, "nftables", &c);
	CHECK(t, has(g.text, "\t\telements = { 2001:db8::/32, fd00::/8 }"));
	CHECK(t, hasnt(g.text, "sources4"));
	CHECK(t, hasnt(g.text, "ipv4_addr"));
	CHECK(t, hasnt(g.text, " ip saddr"));
	CHECK(t, has(g.text, "\t\tiifname \"tailscale0\" ip6 saddr @sources6 "
	    "udp dport 5000-5001 accept"));
	CHECK(t, has(g.text, "\t\tudp dport 5000-5001 counter drop"));
	gen_free(&g);
}

static void
test_fail2ban(struct check *t)
{
	struct config	 c;
	struct gen	 g;

	config_defaults(&c);
	gen(&g, "fail2ban", &c);
	CHECK_EQ_INT(t, g.rc, 0);
	CHECK(t, header(g.text, "fail2ban jail", "tailscale0", "60001:60999",
	    "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	CHECK(t, has(g.text, "[tsmosh]"));
	CHECK(t, has(g.text, "enabled  = false"));
	CHECK(t, has(g.text, "filter   = tsmosh"));
	CHECK(t, has(g.text, "port     = 60001:60999"));
	CHECK(t, has(g.text, "protocol = udp"));
	CHECK(t, has(g.text, "logpath  = %(syslog_authpriv)s"));
	CHECK(t, has(g.text, "backend  = %(syslog_backend)s"));
	gen_free(&g);

	CHECK(t, cfg(&c, "port_range = 61000\n") == 0);
	gen(&g, "fail2ban", &c);
	CHECK(t, has(g.text, "port     = 61000"));
	gen_free(&g);
}

static void
test_unknown_backend(struct check *t)
{
	static const char *bad[] = {
		"", "iptables", "UFW", "ufw ", "nftables-service", "fail2ban\n",
	};
	struct config	 c;
	struct gen	 g;
	size_t		 i;

	config_defaults(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gen(&g, bad[i], &c);
		CHECK_EQ_INT(t, g.rc, -1);
		CHECK_EQ_INT(t, g.len, 0);
		gen_free(&g);
	}
}

/* A write that fails is 1, not success. */
static void
test_write_failure(struct check *t)
{
	struct config	 c;
	FILE		*f;

	config_defaults(&c);
	/* Every write fails at once. */
	if ((f = fopen("/dev/null", "r")) != NULL) {
		CHECK_EQ_INT(t, firewall_write(f, "ufw", &c), 1);
		fclose(f);
	} else
		CHECK(t, !"/dev/null");
	/* The writes are buffered; the flush fails. */
	if ((f = fopen("/dev/full", "w")) != NULL) {
		CHECK_EQ_INT(t, firewall_write(f, "nftables", &c), 1);
		fclose(f);
	}
}

/* The whole of path, NUL-terminated (NULL when unreadable). */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf = NULL;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else
			buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/* The files under etc/ are the generator's output for etc/tsmosh.conf. */
static void
test_committed_files(struct check *t)
{
	static const struct { const char *path, *backend; } files[] = {
		{ "etc/ufw/applications.d/tsmosh", "ufw-app" },
		{ "etc/firewalld/services/tsmosh.xml", "firewalld-service" },
		{ "etc/nftables/tsmosh.nft", "nftables" },
		{ "etc/fail2ban/jail.d/tsmosh.conf", "fail2ban" },
	};
	struct config	 c;
	struct gen	 g;
	char		 err[512], *want;
	size_t		 i;

	config_defaults(&c);
	if (access("etc/tsmosh.conf", R_OK) != 0) {
		printf("#   etc/tsmosh.conf: not at the top of the tree\n");
		t->case_failed++;
		return;
	}
	CHECK_EQ_INT(t, config_read(&c, "etc/tsmosh.conf", err, sizeof(err)),
	    0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((want = slurp(files[i].path)) == NULL) {
			printf("#   cannot read %s\n", files[i].path);
			t->case_failed++;
			continue;
		}
		gen(&g, files[i].backend, &c);
		CHECK_EQ_INT(t, g.rc, 0);
		if (g.text == NULL || strcmp(g.text, want) != 0) {
			printf("#   %s differs from `mosh-server firewall %s`: "
			    "make snippets\n", files[i].path, files[i].backend);
			t->case_failed++;
		}
		free(want);
		gen_free(&g);
	}
	config_free(&c);
}

CHECK_MAIN(
    CASE(test_ufw), CASE(test_ufw_app), CASE(test_firewalld),
    CASE(test_firewalld_service), CASE(test_nftables), CASE(test_fail2ban),
    CASE(test_unknown_backend), CASE(test_write_failure),
    CASE(test_committed_files))

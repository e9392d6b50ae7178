#include <sys/socket.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "netbind/cidr.h"
#include "netbind/netbind.h"
#include "server/firewall.h"
#include "server/options.h"

#define SERVICE	"tsmosh"

/* What every backend needs, worked out once from the options. */
struct fw {
	const char		*iface;		/* NULL: any interface */
	const struct cidr	*src;		/* empty with any_src */
	size_t			 nsrc;
	bool			 has4, has6;	/* sources of each family */
	bool			 any_src;
	int			 lo, hi;
	const struct config	*cfg;
	FILE			*out;
};

/* "60001" or "60001<sep>60999": ufw and fail2ban say ':', the others '-'. */
static const char *
ports(const struct fw *f, char sep, char *buf, size_t len)
{
	if (f->lo == f->hi)
		snprintf(buf, len, "%d", f->lo);
	else
		snprintf(buf, len, "%d%c%d", f->lo, sep, f->hi);
	return buf;
}

/* So a reader can tell which settings made the file. */
static void
header(const struct fw *f, const char *what)
{
	char	 iface[64], range[32], srcs[CONFIG_TEXT_MAX];

	fprintf(f->out, "# %s for tsmosh, made by `mosh-server firewall` "
	    "from:\n#   interface = %s\n#   port_range = %s\n"
	    "#   allow_sources = %s\n", what,
	    config_text(f->cfg, CFG_INTERFACE, iface, sizeof(iface)),
	    config_text(f->cfg, CFG_PORT_RANGE, range, sizeof(range)),
	    config_text(f->cfg, CFG_ALLOW_SOURCES, srcs, sizeof(srcs)));
}

/* A file that is the header and fixed text around the port range. */
static int
gen_text(const struct fw *f, const char *what, const char *before,
    const char *after)
{
	char	 p[16];

	header(f, what);
	fprintf(f->out, "%s%s%s", before, ports(f, ':', p, sizeof(p)), after);
	return 0;
}

static void
ufw_rule(const struct fw *f, const char *from)
{
	char	 p[16];

	fprintf(f->out, "ufw allow ");
	if (f->iface != NULL)
		fprintf(f->out, "in on %s ", f->iface);
	fprintf(f->out, "proto udp from %s to any port %s comment '%s'\n", from,
	    ports(f, ':', p, sizeof(p)), SERVICE);
}

static int
gen_ufw(const struct fw *f)
{
	char	 c[CIDR_STRLEN];
	size_t	 i;

	header(f, "ufw commands");
	if (f->any_src) {
		ufw_rule(f, "any");
		return 0;
	}
	for (i = 0; i < f->nsrc; i++) {
		if (cidr_format(&f->src[i], c, sizeof(c)) != 0)
			return -1;
		ufw_rule(f, c);
	}
	return 0;
}

/* ufw's application profile has ports only: the interface and the
 * sources are in the commands (`ufw allow in on IF from CIDR to any app
 * tsmosh` uses it). */
static int
gen_ufw_app(const struct fw *f)
{
	return gen_text(f, "ufw application profile",
	    "[" SERVICE "]\ntitle=tsmosh mosh-server\n"
	    "description=Mobile shell (mosh) sessions over UDP, tailnet "
	    "only: see mosh-server firewall ufw\nports=", "/udp\n");
}

static int
gen_firewalld_service(const struct fw *f)
{
	char	 p[16];

	fprintf(f->out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--\n");
	header(f, "firewalld service");
	fprintf(f->out, "-->\n<service>\n  <short>tsmosh</short>\n"
	    "  <description>Mobile shell (mosh) sessions of tsmosh's "
	    "mosh-server over UDP. Add it to the zone of the tailnet "
	    "interface only, with the sources as rich rules: see "
	    "mosh-server firewall firewalld.</description>\n"
	    "  <port protocol=\"udp\" port=\"%s\"/>\n</service>\n",
	    ports(f, '-', p, sizeof(p)));
	return 0;
}

/*
 * Rich rules have no interface attribute (the rule mosh guides copy is
 * refused), and a zone's own sources would admit them on every
 * interface. So: the interface in a zone of its own, and the sources as
 * rich rules of that zone, which only sees that interface's traffic.
 */
static int
gen_firewalld(const struct fw *f)
{
	char	 c[CIDR_STRLEN], zone[32] = "";
	size_t	 i;

	header(f, "firewall-cmd commands");
	fprintf(f->out, "# Needs the service file: /usr/lib/firewalld/services/"
	    "tsmosh.xml\n# (mosh-server firewall firewalld-service).\n");
	if (f->iface != NULL) {
		snprintf(zone, sizeof(zone), "--zone=%s ", SERVICE);
		fprintf(f->out, "# %s leaves its old zone for this one: add "
		    "the services it still\n# needs, e.g. firewall-cmd "
		    "--permanent --zone=%s --add-service=ssh\n", f->iface,
		    SERVICE);
		fprintf(f->out, "firewall-cmd --permanent --new-zone=%s\n",
		    SERVICE);
		fprintf(f->out, "firewall-cmd --permanent "
		    "%s--change-interface=%s\n", zone, f->iface);
	}
	if (f->any_src)
		fprintf(f->out, "firewall-cmd --permanent "
		    "%s--add-service=%s\n", zone, SERVICE);
	for (i = 0; i < f->nsrc; i++) {
		if (cidr_format(&f->src[i], c, sizeof(c)) != 0)
			return -1;
		fprintf(f->out, "firewall-cmd --permanent "
		    "%s--add-rich-rule='rule family=\"%s\" source "
		    "address=\"%s\" service name=\"%s\" accept'\n", zone,
		    f->src[i].family == AF_INET ? "ipv4" : "ipv6", c, SERVICE);
	}
	fprintf(f->out, "firewall-cmd --reload\n");
	return 0;
}

static int
nft_set(const struct fw *f, int family)
{
	char	 c[CIDR_STRLEN];
	size_t	 i;
	bool	 first = true;

	if (!(family == AF_INET ? f->has4 : f->has6))
		return 0;
	fprintf(f->out, "\tset sources%c {\n\t\ttype %s; flags interval\n"
	    "\t\telements = { ", family == AF_INET ? '4' : '6',
	    family == AF_INET ? "ipv4_addr" : "ipv6_addr");
	for (i = 0; i < f->nsrc; i++) {
		if (f->src[i].family != family)
			continue;
		if (cidr_format(&f->src[i], c, sizeof(c)) != 0)
			return -1;
		fprintf(f->out, "%s%s", first ? "" : ", ", c);
		first = false;
	}
	fprintf(f->out, " }\n\t}\n");
	return 0;
}

/*
 * A table of its own, so loading the file twice (or removing it:
 * `nft delete table inet tsmosh`) touches nothing else. Its accept only
 * ends this chain; its drop closes the range to everyone else whatever
 * the other tables say.
 */
static int
gen_nftables(const struct fw *f)
{
	char	 p[16], match[64] = "";
	int	 fam[2] = { AF_INET, AF_INET6 };
	size_t	 i;

	fprintf(f->out, "#!/usr/sbin/nft -f\n");
	header(f, "nftables ruleset");
	ports(f, '-', p, sizeof(p));
	fprintf(f->out, "# Load: nft -f tsmosh.nft (or include it from "
	    "/etc/nftables.conf).\n# If your own input chain's policy is "
	    "drop, accept the range there too:\n#   udp dport %s accept\n",
	    p);
	if (f->iface != NULL)
		snprintf(match, sizeof(match), "iifname \"%s\" ", f->iface);
	fprintf(f->out, "table inet tsmosh\ndelete table inet tsmosh\n\n"
	    "table inet tsmosh {\n");
	for (i = 0; i < 2; i++)
		if (nft_set(f, fam[i]) != 0)
			return -1;
	fprintf(f->out, "\tchain input {\n\t\ttype filter hook input priority "
	    "filter - 1; policy accept;\n");
	if (f->any_src)
		fprintf(f->out, "\t\t%sudp dport %s accept\n", match, p);
	if (f->has4)
		fprintf(f->out, "\t\t%sip saddr @sources4 udp dport %s "
		    "accept\n", match, p);
	if (f->has6)
		fprintf(f->out, "\t\t%sip6 saddr @sources6 udp dport %s "
		    "accept\n", match, p);
	if (f->iface != NULL || !f->any_src)
		fprintf(f->out, "\t\tudp dport %s counter drop\n", p);
	fprintf(f->out, "\t}\n}\n");
	return 0;
}

/* Disabled until the admin enables it. */
static int
gen_fail2ban(const struct fw *f)
{
	return gen_text(f, "fail2ban jail",
	    "# Disabled until the admin enables it: set \"enabled = "
	    "true\" here or in\n# jail.local.\n[tsmosh]\nenabled  = false\n"
	    "filter   = tsmosh\nport     = ", "\nprotocol = udp\n"
	    "logpath  = %(syslog_authpriv)s\n"
	    "backend  = %(syslog_backend)s\nmaxretry = 5\nfindtime = 600\n"
	    "bantime  = 3600\n");
}

static const struct {
	const char	*name;
	int		(*gen)(const struct fw *);
} backends[] = {
	{ "ufw",		gen_ufw },
	{ "ufw-app",		gen_ufw_app },
	{ "firewalld",		gen_firewalld },
	{ "firewalld-service",	gen_firewalld_service },
	{ "nftables",		gen_nftables },
	{ "fail2ban",		gen_fail2ban },
};

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: mosh-server firewall BACKEND [options of new "
	    "(mosh-server --help)]\n  BACKEND:");
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		fprintf(stderr, " %s", backends[i].name);
	fputc('\n', stderr);
}

int
firewall_write(FILE *out, const char *backend, const struct config *c)
{
	struct fw	 f;
	size_t		 i, j;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backend, backends[i].name) == 0)
			break;
	if (i == sizeof(backends) / sizeof(backends[0]))
		return -1;
	memset(&f, 0, sizeof(f));
	f.iface = c->iface.any ? NULL : c->iface.name;
	f.src = c->allow.block;
	f.nsrc = c->allow.any ? 0 : c->allow.n;
	f.any_src = c->allow.any;
	for (j = 0; j < f.nsrc; j++) {
		f.has4 = f.has4 || f.src[j].family == AF_INET;
		f.has6 = f.has6 || f.src[j].family == AF_INET6;
	}
	f.lo = c->ports.low;
	f.hi = c->ports.high;
	f.cfg = c;
	f.out = out;
	if (backends[i].gen(&f) != 0 || fflush(out) != 0 || ferror(out))
		return 1;
	return 0;
}

int
cmd_firewall(int argc, char **argv)
{
	struct server_opts o;
	int		 rc;

	if (argc < 1 || argv[0][0] == '-') {
		usage();
		return 2;
	}
	if (options_parse_strict(&o, argc - 1, argv + 1) != 0) {
		options_free(&o);
		return 2;
	}
	if ((rc = firewall_write(stdout, argv[0], &o.cfg)) == -1) {
		fprintf(stderr, "mosh-server: unknown firewall '%s'\n",
		    argv[0]);
		usage();
		rc = 2;
	}
	options_free(&o);
	return rc;
}

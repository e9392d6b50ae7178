/*
 * server/config: the layers a setting's value comes through (default,
 * files, environment, flags), the origin each value remembers, files read
 * whole or not at all with errors naming file, line and key, the list
 * semantics of allow_sources, and config_print's text read back.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "netbind/netbind.h"
#include "sandbox/sandbox.h"
#include "server/config.h"
#include "tests/unit/check.h"
#include "tests/unit/server_check.h"

/* A directory of this case's files, removed with them at its end. */
struct tmp {
	char	 dir[64];
	char	 path[4096];	/* the last file written */
};

static int
tmp_open(struct tmp *d)
{
	snprintf(d->dir, sizeof(d->dir), "/tmp/tsmosh-unit.XXXXXX");
	return mkdtemp(d->dir) != NULL ? 0 : -1;
}

/* DIR/NAME with text in it; the path is in d->path. */
static const char *
tmp_file(struct tmp *d, const char *name, const char *text)
{
	FILE	*f;

	snprintf(d->path, sizeof(d->path), "%s/%s", d->dir, name);
	if ((f = fopen(d->path, "w")) == NULL)
		return d->path;
	fputs(text, f);
	fclose(f);
	return d->path;
}

static int
tmp_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
tmp_close(struct tmp *d)
{
	(void)nftw(d->dir, tmp_rm, 8, FTW_DEPTH | FTW_PHYS);
}

static int
load(struct config *c, const char *name, const char *text, char *err,
    size_t errlen)
{
	err[0] = '\0';
	return config_load_buffer(c, name, text, strlen(text), err, errlen);
}

/* The setting's value as text equals want; says so when not. */
static int
text_is(const struct config *c, enum config_id id, const char *want)
{
	char	 buf[CONFIG_TEXT_MAX];

	config_text(c, id, buf, sizeof(buf));
	if (strcmp(buf, want) != 0) {
		printf("#   %s = '%s', want '%s'\n", config_def(id)->name, buf,
		    want);
		return 0;
	}
	return 1;
}

static void
test_defaults(struct check *t)
{
	struct config	 c;
	int		 id;

	config_defaults(&c);
	CHECK(t, strcmp(c.iface.name, "tailscale0") == 0);
	CHECK(t, !c.allow.any);
	CHECK_EQ_INT(t, c.allow.n, 2);
	CHECK_EQ_INT(t, c.ports.low, 60001);
	CHECK_EQ_INT(t, c.ports.high, 60999);
	CHECK_EQ_INT(t, c.idle_timeout, 0);
	CHECK_EQ_INT(t, c.network_timeout, 7 * 86400);
	CHECK_EQ_INT(t, c.signal_timeout, 0);
	CHECK_EQ_INT(t, c.wait_iface, 0);
	CHECK_EQ_INT(t, c.log_facility, LOG_AUTHPRIV);
	CHECK_EQ_INT(t, c.log_format, LOG_FORMAT_KV);
	CHECK_EQ_INT(t, c.log_failed, LOG_FAILED_YES);
	CHECK(t, strcmp(c.log_socket, "/dev/log") == 0);
	CHECK_EQ_INT(t, c.sandbox, SANDBOX_STRICT);
	CHECK(t, !c.reattach);
	CHECK(t, c.local_addr[0] == '\0');
	CHECK(t, !c.local_addr_from_ssh);
	CHECK_EQ_INT(t, c.colors, 0);
	CHECK_EQ_INT(t, c.locale.n, 0);
	CHECK_EQ_INT(t, c.verbose, 0);
	CHECK(t, c.config_file[0] == '\0');
	CHECK(t, !c.log_stderr);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES,
	    "100.64.0.0/10, fd7a:115c:a1e0::/48"));
	/* Every setting: the default layer, "default", and the text the
	 * table gives as its default. */
	for (id = 0; id < CFG_NSETTINGS; id++) {
		const struct config_def *d = config_def((enum config_id)id);

		CHECK(t, origin_is(&c, (enum config_id)id, CONFIG_DEFAULT,
		    "default"));
		CHECK(t, check_str(config_origin_name(&c, (enum config_id)id),
		    "the default"));
		if (d->def != NULL)
			CHECK(t, text_is(&c, (enum config_id)id, d->def));
	}
	config_free(&c);
}

static void
test_buffer_values_and_origins(struct check *t)
{
	static const char text[] =
	    "# a comment\n"
	    "[server]\n"
	    "interface = eth7\n"
	    "\n"
	    "port_range = 61000:61010\n"
	    ";another comment\n"
	    "idle_timeout = 15m\n"
	    "allow_sources = 10.0.0.0/8, 2001:db8::/32\n"
	    "log_format = json\n"
	    "sandbox=off\n"
	    "reattach = yes\n";
	struct config	 c;
	char		 err[1024];

	CHECK_EQ_INT(t, load(&c, "mem.conf", text, err, sizeof(err)), 0);
	CHECK(t, strcmp(c.iface.name, "eth7") == 0);
	CHECK(t, origin_is(&c, CFG_INTERFACE, CONFIG_FILE, "mem.conf:3"));
	CHECK_EQ_INT(t, c.ports.low, 61000);
	CHECK_EQ_INT(t, c.ports.high, 61010);
	CHECK(t, origin_is(&c, CFG_PORT_RANGE, CONFIG_FILE, "mem.conf:5"));
	CHECK_EQ_INT(t, c.idle_timeout, 900);
	CHECK(t, origin_is(&c, CFG_IDLE_TIMEOUT, CONFIG_FILE, "mem.conf:7"));
	CHECK_EQ_INT(t, c.allow.n, 2);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8, 2001:db8::/32"));
	CHECK(t, origin_is(&c, CFG_ALLOW_SOURCES, CONFIG_FILE, "mem.conf:8"));
	CHECK_EQ_INT(t, c.log_format, LOG_FORMAT_JSON);
	CHECK_EQ_INT(t, c.sandbox, SANDBOX_OFF);
	CHECK(t, origin_is(&c, CFG_SANDBOX, CONFIG_FILE, "mem.conf:10"));
	CHECK(t, c.reattach);
	/* What the file does not name keeps its default. */
	CHECK_EQ_INT(t, c.network_timeout, 7 * 86400);
	CHECK(t, origin_is(&c, CFG_NETWORK_TIMEOUT, CONFIG_DEFAULT, "default"));
	CHECK(t, check_str(config_origin_name(&c, CFG_INTERFACE), "mem.conf:3"));
	CHECK(t, check_str(config_origin_name(&c, CFG_NETWORK_TIMEOUT),
	    "the default"));
	config_free(&c);

	/* An empty buffer: the defaults. */
	CHECK_EQ_INT(t, load(&c, "empty", "", err, sizeof(err)), 0);
	CHECK(t, origin_is(&c, CFG_INTERFACE, CONFIG_DEFAULT, "default"));
	config_free(&c);
}

static void
test_read_file(struct check *t)
{
	struct tmp	 d;
	struct config	 c, before;
	char		 err[1024], want[4200];
	const char	*p;

	if (tmp_open(&d) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	config_defaults(&c);
	p = tmp_file(&d, "a.conf", "# tsmosh\nport_range = 7000\n"
	    "log_failed_packets = all\n");
	CHECK_EQ_INT(t, config_read(&c, p, err, sizeof(err)), 0);
	CHECK_EQ_INT(t, c.ports.low, 7000);
	CHECK_EQ_INT(t, c.ports.high, 7000);
	snprintf(want, sizeof(want), "%s:2", p);
	CHECK(t, origin_is(&c, CFG_PORT_RANGE, CONFIG_FILE, want));
	CHECK(t, check_str(config_origin_name(&c, CFG_PORT_RANGE), want));
	CHECK_EQ_INT(t, c.log_failed, LOG_FAILED_ALL);
	snprintf(want, sizeof(want), "%s:3", p);
	CHECK(t, origin_is(&c, CFG_LOG_FAILED_PACKETS, CONFIG_FILE, want));

	/* A missing file is fine and changes nothing. */
	before = c;
	snprintf(want, sizeof(want), "%s/none.conf", d.dir);
	CHECK_EQ_INT(t, config_read(&c, want, err, sizeof(err)), 0);
	CHECK(t, memcmp(&c, &before, sizeof(c)) == 0);
	config_free(&c);
	tmp_close(&d);
}

static void
test_later_file_overrides(struct check *t)
{
	struct tmp	 d;
	struct config	 c;
	char		 err[1024], a[4200], b[4200], want[4300];

	if (tmp_open(&d) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	snprintf(a, sizeof(a), "%s", tmp_file(&d, "system.conf",
	    "interface = eth1\nport_range = 1000:2000\nidle_timeout = 1h\n"));
	snprintf(b, sizeof(b), "%s", tmp_file(&d, "user.conf",
	    "\nport_range = 3000:4000\n"));
	CHECK_EQ_INT(t, config_load(&c, a, b, err, sizeof(err)), 0);
	/* Key by key: the user's port range, the system's others. */
	CHECK_EQ_INT(t, c.ports.low, 3000);
	CHECK_EQ_INT(t, c.ports.high, 4000);
	snprintf(want, sizeof(want), "%s:2", b);
	CHECK(t, origin_is(&c, CFG_PORT_RANGE, CONFIG_FILE, want));
	CHECK(t, strcmp(c.iface.name, "eth1") == 0);
	snprintf(want, sizeof(want), "%s:1", a);
	CHECK(t, origin_is(&c, CFG_INTERFACE, CONFIG_FILE, want));
	CHECK_EQ_INT(t, c.idle_timeout, 3600);
	snprintf(want, sizeof(want), "%s:3", a);
	CHECK(t, origin_is(&c, CFG_IDLE_TIMEOUT, CONFIG_FILE, want));
	CHECK(t, origin_is(&c, CFG_SANDBOX, CONFIG_DEFAULT, "default"));
	config_free(&c);

	/* A bad user file fails the load, naming that file. */
	snprintf(b, sizeof(b), "%s", tmp_file(&d, "user.conf",
	    "sandbox = lax\n"));
	CHECK_EQ_INT(t, config_load(&c, a, b, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: sandbox: 'lax' is not one of "
	    "strict, log, off", b);
	CHECK(t, check_str(err, want));
	tmp_close(&d);
}

/* A file with good values before a bad one: none of them is taken. */
static void
test_bad_file_all_or_nothing(struct check *t)
{
	struct tmp	 d;
	struct config	 c, before;
	char		 err[1024], want[4300];
	const char	*p;

	if (tmp_open(&d) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	config_defaults(&c);
	CHECK_EQ_INT(t, config_set(&c, CFG_INTERFACE, "eth3", CONFIG_FILE,
	    "first.conf:1", err, sizeof(err)), 0);
	before = c;
	p = tmp_file(&d, "bad.conf", "interface = eth9\nidle_timeout = 5m\n"
	    "port_range = 70000\nsandbox = off\n");
	CHECK_EQ_INT(t, config_read(&c, p, err, sizeof(err)), -1);
	CHECK(t, memcmp(&c, &before, sizeof(c)) == 0);
	snprintf(want, sizeof(want), "%s:3: port_range: '70000' is not PORT "
	    "or LOW:HIGH (0-65535)", p);
	CHECK(t, check_str(err, want));
	config_free(&c);
	tmp_close(&d);
}

static void
test_file_errors(struct check *t)
{
	struct config	 c;
	char		 err[1024];

	CHECK_EQ_INT(t, load(&c, "f", "interface = eth0\nbogus = 1\n", err,
	    sizeof(err)), -1);
	CHECK(t, check_str(err, "f:2: unknown key 'bogus'"));
	/* Flag-only settings are no keys of the file. */
	CHECK_EQ_INT(t, load(&c, "f", "colors = 256\n", err, sizeof(err)), -1);
	CHECK(t, check_str(err, "f:1: unknown key 'colors'"));
	CHECK_EQ_INT(t, load(&c, "f", "\nverbose = 1\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "f:2: unknown key 'verbose'"));
	CHECK_EQ_INT(t, load(&c, "f", "local_address = 1.2.3.4\n", err,
	    sizeof(err)), -1);
	CHECK(t, check_str(err, "f:1: unknown key 'local_address'"));
	CHECK_EQ_INT(t, load(&c, "f", "Interface = eth0\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "f:1: unknown key 'Interface'"));
	/* The section is named on the line of its first key. */
	CHECK_EQ_INT(t, load(&c, "f", "[client]\nport_range = 1\n", err,
	    sizeof(err)), -1);
	CHECK(t, check_str(err, "f:2: unknown section [client]"));
	CHECK_EQ_INT(t, load(&c, "f", "[server]\nport_range = 1\n[Server]\n"
	    "sandbox = off\n", err, sizeof(err)), -1);
	CHECK(t, check_str(err, "f:4: unknown section [Server]"));
	CHECK_EQ_INT(t, load(&c, "f", "port_range = 1\njust words\n", err,
	    sizeof(err)), -1);
	CHECK(t, check_str(err, "f:2: syntax error (want key = value)"));
	CHECK_EQ_INT(t, load(&c, "f", "[server\n", err, sizeof(err)), -1);
	CHECK(t, check_str(err, "f:1: syntax error (want key = value)"));
	/* The first error wins, whichever kind it is. */
	CHECK_EQ_INT(t, load(&c, "f", "oops\nbogus = 1\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "f:1: syntax error (want key = value)"));
	CHECK_EQ_INT(t, load(&c, "f", "bogus = 1\noops\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "f:1: unknown key 'bogus'"));
	CHECK_EQ_INT(t, load(&c, "f", "idle_timeout = soon\nbogus = 1\n", err,
	    sizeof(err)), -1);
	CHECK(t, check_str(err, "f:1: idle_timeout: 'soon' is not a duration "
	    "(seconds, or with s, m, h, d, w)"));
}

/*
 * However the file is named, its errors name file and line: a file
 * called "unknown" (or any name an error's own words start with) must
 * not lose them.
 */
static void
test_error_names_any_file(struct check *t)
{
	struct config	 c;
	char		 err[1024];

	CHECK_EQ_INT(t, load(&c, "unknown", "foo = 1\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "unknown:1: unknown key 'foo'"));
	CHECK_EQ_INT(t, load(&c, "unk", "[x]\nfoo = 1\n", err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "unk:2: unknown section [x]"));
}

/* "# ..." lines are comments at any length, and every later line keeps
 * its own number. */
static void
test_long_lines(struct check *t)
{
	struct config	 c;
	char		 text[2048], x[600], want[64];

	memset(x, 'x', sizeof(x));
	x[sizeof(x) - 1] = '\0';
	snprintf(text, sizeof(text), "# %s\nport_range = 7000\n", x);
	CHECK_EQ_INT(t, load(&c, "f", text, want, sizeof(want)), 0);
	CHECK_EQ_INT(t, c.ports.low, 7000);
	CHECK(t, origin_is(&c, CFG_PORT_RANGE, CONFIG_FILE, "f:2"));

	/* A line of exactly 199 bytes, then an error on line 2. */
	snprintf(text, sizeof(text), "# %.197s\nbogus = 1\n", x);
	CHECK_EQ_INT(t, load(&c, "f", text, want, sizeof(want)), -1);
	CHECK(t, check_str(want, "f:2: unknown key 'bogus'"));

	/* A list as long as flags can make it fits a file too. */
	snprintf(text, sizeof(text), "allow_sources = 2001:db8:1:1::/64, "
	    "2001:db8:1:2::/64, 2001:db8:1:3::/64, 2001:db8:1:4::/64, "
	    "2001:db8:1:5::/64, 2001:db8:1:6::/64, 2001:db8:1:7::/64, "
	    "2001:db8:1:8::/64, 2001:db8:1:9::/64, 2001:db8:1:a::/64\n");
	CHECK_EQ_INT(t, load(&c, "f", text, want, sizeof(want)), 0);
	CHECK_EQ_INT(t, c.allow.n, 10);
}

/* An indented line continues a list; it cannot continue a single value. */
static void
test_continued_lines(struct check *t)
{
	struct config	 c;
	char		 want[256];

	CHECK_EQ_INT(t, load(&c, "f", "allow_sources = 10.0.0.0/8,\n"
	    "    192.168.0.0/16\n\t172.16.0.0/12\nport_range = 7000\n", want,
	    sizeof(want)), 0);
	CHECK_EQ_INT(t, c.allow.n, 3);
	CHECK_EQ_INT(t, c.ports.low, 7000);
	CHECK(t, origin_is(&c, CFG_ALLOW_SOURCES, CONFIG_FILE, "f:3"));
	/* Not indented: the key again replaces, as before. */
	CHECK_EQ_INT(t, load(&c, "f", "allow_sources = 10.0.0.0/8\n"
	    "allow_sources = 192.168.0.0/16\n", want, sizeof(want)), 0);
	CHECK_EQ_INT(t, c.allow.n, 1);
	CHECK_EQ_INT(t, load(&c, "f", "interface = lo\n  eth0\n", want,
	    sizeof(want)), -1);
	CHECK(t, check_str(want, "f:2: interface takes one value: an indented "
	    "line continues only a list"));
}

/* "An unreadable file is an error" (tsmosh.conf(5)): a directory too. */
static void
test_unreadable_file(struct check *t)
{
	struct tmp	 d;
	struct config	 c;
	char		 err[1024];

	if (tmp_open(&d) != 0) {
		CHECK(t, !"mkdtemp");
		return;
	}
	config_defaults(&c);
	err[0] = '\0';
	CHECK_EQ_INT(t, config_read(&c, d.dir, err, sizeof(err)), -1);
	CHECK(t, strncmp(err, d.dir, strlen(d.dir)) == 0);
	tmp_close(&d);
}

static void
test_env_and_flag_origins(struct check *t)
{
	struct config	 c;
	char		 err[512];

	config_defaults(&c);
	CHECK_EQ_INT(t, config_set(&c, CFG_PORT_RANGE, "5000:6000", CONFIG_ENV,
	    "MOSH_UDP_PORT", err, sizeof(err)), 0);
	CHECK(t, origin_is(&c, CFG_PORT_RANGE, CONFIG_ENV, "env MOSH_UDP_PORT"));
	CHECK(t, check_str(config_origin_name(&c, CFG_PORT_RANGE),
	    "MOSH_UDP_PORT"));
	CHECK_EQ_INT(t, config_set(&c, CFG_INTERFACE, "eth2", CONFIG_ENV,
	    "MOSH_SERVER_NETWORK_TMPL", err, sizeof(err)), 0);
	CHECK(t, check_str(config_origin_name(&c, CFG_INTERFACE),
	    "MOSH_SERVER_NETWORK_TMPL"));
	CHECK_EQ_INT(t, config_set(&c, CFG_INTERFACE, "eth3", CONFIG_FLAG,
	    "--iface", err, sizeof(err)), 0);
	CHECK(t, strcmp(c.iface.name, "eth3") == 0);
	CHECK(t, origin_is(&c, CFG_INTERFACE, CONFIG_FLAG, "flag --iface"));
	CHECK(t, check_str(config_origin_name(&c, CFG_INTERFACE), "--iface"));
	CHECK_EQ_INT(t, config_set(&c, CFG_PORT_RANGE, "5500", CONFIG_FLAG,
	    "-p", err, sizeof(err)), 0);
	CHECK(t, check_str(config_origin_name(&c, CFG_PORT_RANGE), "-p"));
	CHECK_EQ_INT(t, config_set(&c, CFG_IDLE_TIMEOUT, "10", CONFIG_FILE,
	    "/etc/x.conf:12", err, sizeof(err)), 0);
	CHECK(t, check_str(config_origin_name(&c, CFG_IDLE_TIMEOUT),
	    "/etc/x.conf:12"));
	config_free(&c);
}

static int
set(struct config *c, const char *v, enum config_layer l, char *err,
    size_t len)
{
	return config_set(c, CFG_ALLOW_SOURCES, v, l, l == CONFIG_FLAG ?
	    "--allow-source" : l == CONFIG_ENV ? "X" : "f:1", err,
	    len);
}

static void
test_allow_sources_lists(struct check *t)
{
	struct config	 c, before;
	char		 err[512], list[CONFIG_TEXT_MAX];
	size_t		 i, n;

	config_defaults(&c);
	/* The first flag replaces the default; the next ones add. */
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FLAG, err, sizeof(err)),
	    0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8"));
	CHECK_EQ_INT(t, set(&c, "192.168.0.0/16", CONFIG_FLAG, err,
	    sizeof(err)), 0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8, 192.168.0.0/16"));
	CHECK(t, origin_is(&c, CFG_ALLOW_SOURCES, CONFIG_FLAG,
	    "flag --allow-source"));
	/* A bad one among the flags leaves the list as it was. */
	before = c;
	CHECK_EQ_INT(t, set(&c, "172.16.0.0/12, junk", CONFIG_FLAG, err,
	    sizeof(err)), -1);
	CHECK(t, memcmp(&c, &before, sizeof(c)) == 0);
	CHECK(t, check_str(err, "flag --allow-source: allow_sources: 'junk' is "
	    "not ADDR/LEN with the host bits zero"));
	config_free(&c);

	/* A file's (or the environment's) value replaces, even the
	 * previous file's. */
	config_defaults(&c);
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FILE, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(t, set(&c, "192.168.0.0/16", CONFIG_FILE, err,
	    sizeof(err)), 0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "192.168.0.0/16"));
	CHECK_EQ_INT(t, set(&c, "172.16.0.0/12 fd00::/8,10.1.0.0/16",
	    CONFIG_ENV, err, sizeof(err)), 0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES,
	    "172.16.0.0/12, fd00::/8, 10.1.0.0/16"));
	/* ...and the first flag after them replaces too. */
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FLAG, err, sizeof(err)),
	    0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8"));
	config_free(&c);

	/* "any" stays any: a later flag adds nothing to no filter. */
	config_defaults(&c);
	CHECK_EQ_INT(t, set(&c, "any", CONFIG_FLAG, err, sizeof(err)), 0);
	CHECK(t, c.allow.any);
	CHECK_EQ_INT(t, c.allow.n, 0);
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FLAG, err, sizeof(err)),
	    0);
	CHECK(t, c.allow.any);
	CHECK_EQ_INT(t, c.allow.n, 0);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "any"));
	/* A flag "any" after CIDRs turns the filter off. */
	config_defaults(&c);
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FLAG, err, sizeof(err)),
	    0);
	CHECK_EQ_INT(t, set(&c, "any", CONFIG_FLAG, err, sizeof(err)), 0);
	CHECK(t, c.allow.any);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "any"));
	/* A file's CIDRs after its "any" replace it. */
	CHECK_EQ_INT(t, set(&c, "10.0.0.0/8", CONFIG_FILE, err, sizeof(err)),
	    0);
	CHECK(t, !c.allow.any);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8"));

	/* CONFIG_ALLOW_MAX entries in one value, not one more. */
	config_defaults(&c);
	for (i = 0, n = 0; i < CONFIG_ALLOW_MAX; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s10.%zu.0.0/16",
		    i ? ", " : "", i);
	CHECK_EQ_INT(t, set(&c, list, CONFIG_FILE, err, sizeof(err)), 0);
	CHECK_EQ_INT(t, c.allow.n, CONFIG_ALLOW_MAX);
	CHECK(t, text_is(&c, CFG_ALLOW_SOURCES, list));
	before = c;
	snprintf(list + n, sizeof(list) - n, ", 11.0.0.0/8");
	CHECK_EQ_INT(t, set(&c, list, CONFIG_FILE, err, sizeof(err)), -1);
	CHECK(t, check_str(err, "f:1: allow_sources: more than 32 entries"));
	CHECK(t, memcmp(&c, &before, sizeof(c)) == 0);
	/* ...nor by adding flags. */
	config_defaults(&c);
	for (i = 0; i < CONFIG_ALLOW_MAX; i++) {
		snprintf(list, sizeof(list), "10.%zu.0.0/16", i);
		CHECK_EQ_INT(t, set(&c, list, CONFIG_FLAG, err, sizeof(err)),
		    0);
	}
	CHECK_EQ_INT(t, c.allow.n, CONFIG_ALLOW_MAX);
	before = c;
	CHECK_EQ_INT(t, set(&c, "11.0.0.0/8", CONFIG_FLAG, err, sizeof(err)),
	    -1);
	CHECK(t, check_str(err, "flag --allow-source: allow_sources: more than "
	    "32 entries"));
	CHECK(t, memcmp(&c, &before, sizeof(c)) == 0);
	config_free(&c);
}

/* Each "key = value # origin" line of config_print, its value. */
static int
printed_value(const char *printed, const char *key, char *out, size_t len)
{
	const char	*p = printed, *eq, *hash, *nl;
	size_t		 kl = strlen(key), n;

	for (; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return -1;
		if (strncmp(p, key, kl) != 0 || p[kl] != ' ')
			continue;
		if ((eq = strstr(p, " = ")) == NULL || eq > nl ||
		    (hash = strstr(eq, " # ")) == NULL || hash > nl)
			return -1;
		eq += 3;
		while (hash > eq && hash[-1] == ' ')
			hash--;
		n = (size_t)(hash - eq);
		if (n >= len)
			return -1;
		memcpy(out, eq, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* What config_print shows reads back, key by key, as the same text. */
static void
test_print_round_trip(struct check *t)
{
	static const char text[] =
	    "interface = any\n"
	    "allow_sources = 10.0.0.0/8, 2001:db8::/32, 192.168.7.7\n"
	    "port_range = 61000\n"
	    "idle_timeout = 90m\n"
	    "network_timeout = 2d\n"
	    "signal_timeout = 3601\n"
	    "wait_iface = 86400\n"
	    "log_facility = local3\n"
	    "log_format = json\n"
	    "log_failed_packets = all\n"
	    "log_socket = /run/systemd/journal/dev-log\n"
	    "sandbox = log\n"
	    "reattach = yes\n";
	struct config	 c, back;
	char		*printed = NULL, err[1024], value[CONFIG_TEXT_MAX];
	char		 file[8192], want[CONFIG_TEXT_MAX], got[CONFIG_TEXT_MAX];
	size_t		 plen = 0, used = 0;
	FILE		*f;
	int		 id, lines = 0;

	CHECK_EQ_INT(t, load(&c, "in", text, err, sizeof(err)), 0);
	if ((f = open_memstream(&printed, &plen)) == NULL) {
		CHECK(t, !"open_memstream");
		return;
	}
	config_print(&c, f);
	fclose(f);
	/* One line per key of the file, with its origin. */
	for (id = 0; id < CFG_NSETTINGS; id++) {
		const struct config_def *d = config_def((enum config_id)id);

		if (!d->in_file)
			continue;
		lines++;
		if (printed_value(printed, d->name, value, sizeof(value)) != 0) {
			printf("#   no line for %s\n", d->name);
			t->case_failed++;
			continue;
		}
		CHECK(t, text_is(&c, (enum config_id)id, value));
		used += (size_t)snprintf(file + used, sizeof(file) - used,
		    "%s = %s\n", d->name, value);
	}
	CHECK_EQ_INT(t, lines, CFG_LOCAL_ADDR);
	CHECK(t, strstr(printed, "interface           = any"
	    "                                      # in:1\n") != NULL);
	/* The values, read back as a file, print the same. */
	CHECK_EQ_INT(t, load(&back, "back", file, err, sizeof(err)), 0);
	for (id = 0; id < CFG_NSETTINGS; id++) {
		if (!config_def((enum config_id)id)->in_file)
			continue;
		config_text(&c, (enum config_id)id, want, sizeof(want));
		config_text(&back, (enum config_id)id, got, sizeof(got));
		CHECK(t, check_str(got, want));
	}
	free(printed);
	config_free(&c);
	config_free(&back);

	/* Defaults too. */
	config_defaults(&c);
	printed = NULL;
	if ((f = open_memstream(&printed, &plen)) == NULL)
		return;
	config_print(&c, f);
	fclose(f);
	CHECK(t, strstr(printed, "port_range          = 60001:60999"
	    "                              # default\n") != NULL);
	CHECK(t, printed_value(printed, "network_timeout", value,
	    sizeof(value)) == 0 && strcmp(value, "1w") == 0);
	free(printed);
}

static void
test_duration_text(struct check *t)
{
	static const struct { long s; const char *text; } cases[] = {
		{ 0, "0" }, { 45, "45" }, { 90, "90" }, { 120, "2m" },
		{ 900, "15m" }, { 3601, "3601" }, { 7200, "2h" },
		{ 5400, "90m" }, { 86400, "1d" }, { 90000, "25h" },
		{ 604800, "1w" }, { 1209600, "2w" }, { 691200, "8d" },
	};
	struct config	 c;
	char		 err[512], num[32];
	long		 back;
	size_t		 i;

	config_defaults(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(num, sizeof(num), "%ld", cases[i].s);
		CHECK_EQ_INT(t, config_set(&c, CFG_IDLE_TIMEOUT, num,
		    CONFIG_FLAG, "--idle-timeout", err, sizeof(err)), 0);
		CHECK(t, text_is(&c, CFG_IDLE_TIMEOUT, cases[i].text));
		CHECK_EQ_INT(t, config_parse_duration(cases[i].text, &back), 0);
		CHECK_EQ_INT(t, back, cases[i].s);
	}
}

CHECK_MAIN(
    CASE(test_defaults), CASE(test_buffer_values_and_origins),
    CASE(test_read_file), CASE(test_later_file_overrides),
    CASE(test_bad_file_all_or_nothing), CASE(test_file_errors),
    CASE(test_error_names_any_file), CASE(test_long_lines),
    CASE(test_continued_lines),
    CASE(test_unreadable_file), CASE(test_env_and_flag_origins),
    CASE(test_allow_sources_lists), CASE(test_print_round_trip),
    CASE(test_duration_text))

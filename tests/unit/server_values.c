/*
 * server/config: each kind of value through config_set, good and bad.
 * A refusal reads "ORIGIN: KEY: why" and leaves the whole config (value
 * and origin) exactly as it was.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "sandbox/sandbox.h"
#include "server/config.h"
#include "tests/unit/check.h"

#define ORIGIN	"test.conf:9"

/* value is refused with "test.conf:9: KEY: why" and nothing changes. */
static int
refused(struct config *c, enum config_id id, const char *value,
    const char *why)
{
	struct config	 before = *c;
	char		 err[1024], want[1024];
	int		 ok = 1;

	snprintf(want, sizeof(want), "%s: %s: %s", ORIGIN, config_def(id)->name,
	    why);
	err[0] = '\0';
	if (config_set(c, id, value, CONFIG_FILE, ORIGIN, err,
	    sizeof(err)) != -1) {
		printf("#   %s = '%s' accepted\n", config_def(id)->name, value);
		return 0;
	}
	if (strcmp(err, want) != 0) {
		printf("#   got  '%s'\n#   want '%s'\n", err, want);
		ok = 0;
	}
	if (memcmp(c, &before, sizeof(*c)) != 0) {
		printf("#   %s = '%s' changed the config\n",
		    config_def(id)->name, value);
		ok = 0;
	}
	return ok;
}

/* value is taken, from the file layer, and prints as text. */
static int
taken(struct config *c, enum config_id id, const char *value,
    const char *text)
{
	char	 err[1024], buf[CONFIG_TEXT_MAX];

	if (config_set(c, id, value, CONFIG_FILE, "ok.conf:1", err,
	    sizeof(err)) != 0) {
		printf("#   %s = '%s' refused: %s\n", config_def(id)->name,
		    value, err);
		return 0;
	}
	if (config_origin(c, id)->layer != CONFIG_FILE ||
	    strcmp(config_origin(c, id)->text, "ok.conf:1") != 0) {
		printf("#   %s: origin not set\n", config_def(id)->name);
		return 0;
	}
	config_text(c, id, buf, sizeof(buf));
	if (text != NULL && strcmp(buf, text) != 0) {
		printf("#   %s = '%s' prints '%s', want '%s'\n",
		    config_def(id)->name, value, buf, text);
		return 0;
	}
	return 1;
}

static void
test_interface(struct check *t)
{
	struct config	 c;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_INTERFACE, "eth0", "eth0"));
	CHECK(t, taken(&c, CFG_INTERFACE, "any", "any"));
	CHECK(t, taken(&c, CFG_INTERFACE, "wg-tail.1@x", "wg-tail.1@x"));
	/* IF_NAMESIZE - 1 bytes fit, one more does not. */
	CHECK(t, taken(&c, CFG_INTERFACE, "abcdefghijklmno", NULL));
	CHECK(t, refused(&c, CFG_INTERFACE, "abcdefghijklmnop",
	    "'abcdefghijklmnop' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, "",
	    "'' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, "eth0/1",
	    "'eth0/1' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, "eth0:1",
	    "'eth0:1' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, "eth 0",
	    "'eth 0' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, "..",
	    "'..' is not an interface name (or any)"));
	CHECK(t, refused(&c, CFG_INTERFACE, ".",
	    "'.' is not an interface name (or any)"));
	CHECK(t, strcmp(c.iface.name, "abcdefghijklmno") == 0);
}

static void
test_allow_sources(struct check *t)
{
	struct config	 c;
	char		 big[CONFIG_TEXT_MAX + 8];

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_ALLOW_SOURCES, "100.100.0.2",
	    "100.100.0.2/32"));
	CHECK(t, taken(&c, CFG_ALLOW_SOURCES, "any", "any"));
	CHECK(t, taken(&c, CFG_ALLOW_SOURCES, "::ffff:10.0.0.0/104",
	    "10.0.0.0/8"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "10.0.0.1/8",
	    "'10.0.0.1/8' is not ADDR/LEN with the host bits zero"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "10.0.0.0/33",
	    "'10.0.0.0/33' is not ADDR/LEN with the host bits zero"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8;1.0.0.0/8",
	    "'10.0.0.0/8;1.0.0.0/8' is not ADDR/LEN with the host bits zero"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8, tailnet",
	    "'tailnet' is not ADDR/LEN with the host bits zero"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "10.0.0.0/8, any",
	    "'any' is not ADDR/LEN with the host bits zero"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, "",
	    "empty (use 'any' for no filter)"));
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, " , \t,",
	    "empty (use 'any' for no filter)"));
	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "10.0.0.0/8", 10);
	CHECK(t, refused(&c, CFG_ALLOW_SOURCES, big, "list too long"));
	CHECK_EQ_INT(t, c.allow.n, 1);
	CHECK(t, !c.allow.any);
}

static void
test_port_range(struct check *t)
{
	struct config	 c;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_PORT_RANGE, "60001", "60001"));
	CHECK_EQ_INT(t, c.ports.low, 60001);
	CHECK_EQ_INT(t, c.ports.high, 60001);
	CHECK(t, taken(&c, CFG_PORT_RANGE, "0:65535", "0:65535"));
	CHECK(t, taken(&c, CFG_PORT_RANGE, "7:7", "7"));
	CHECK(t, taken(&c, CFG_PORT_RANGE, "061000:061010", "61000:61010"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "70000",
	    "'70000' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "1:70000",
	    "'1:70000' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "7:3",
	    "'7:3' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "x",
	    "'x' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "",
	    "'' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "60001:",
	    "'60001:' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, ":60001",
	    "':60001' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "1:2:3",
	    "'1:2:3' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "-1",
	    "'-1' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "+80",
	    "'+80' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "60001-60999",
	    "'60001-60999' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "99999999999999999999",
	    "'99999999999999999999' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "1 ",
	    "'1 ' is not PORT or LOW:HIGH (0-65535)"));
	CHECK(t, refused(&c, CFG_PORT_RANGE, "123456789012345678901234567890"
	    "12345", "'12345678901234567890123456789012345' is not PORT or "
	    "LOW:HIGH (0-65535)"));
	CHECK_EQ_INT(t, c.ports.low, 61000);
	CHECK_EQ_INT(t, c.ports.high, 61010);
}

static void
test_durations(struct check *t)
{
	static const char why[] = "is not a duration (seconds, or with s, "
	    "m, h, d, w)";
	static const char *bad[] = {
		"soon", "-1", "", " 5", "5 ", "5x", "5ss", "1.5h", "+5",
		"0x10", "5S", "1 h", "h", "9223372036854775808",
		"99999999999999999999",
	};
	static const struct { const char *in; long s; } good[] = {
		{ "0", 0 }, { "90", 90 }, { "90s", 90 }, { "15m", 900 },
		{ "2h", 7200 }, { "7d", 604800 }, { "1w", 604800 },
		{ "007", 7 },
		/* Kept in milliseconds later: the largest that fit. */
		{ "9223372036854775", LONG_MAX / 1000 },
		{ "15250284452w", 15250284452L * 604800 },
	};
	struct config	 c;
	char		 w[128];
	size_t		 i;
	long		 s;

	config_defaults(&c);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK(t, taken(&c, CFG_NETWORK_TIMEOUT, good[i].in, NULL));
		CHECK_EQ_INT(t, c.network_timeout, good[i].s);
		CHECK_EQ_INT(t, config_parse_duration(good[i].in, &s), 0);
		CHECK_EQ_INT(t, s, good[i].s);
	}
	CHECK(t, taken(&c, CFG_IDLE_TIMEOUT, "30m", "30m"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(w, sizeof(w), "'%s' %s", bad[i], why);
		CHECK(t, refused(&c, CFG_IDLE_TIMEOUT, bad[i], w));
		CHECK_EQ_INT(t, config_parse_duration(bad[i], &s), -1);
	}
	/* Overflow, in each unit. */
	snprintf(w, sizeof(w), "'9223372036854776' %s", why);
	CHECK(t, refused(&c, CFG_SIGNAL_TIMEOUT, "9223372036854776", w));
	snprintf(w, sizeof(w), "'15250284453w' %s", why);
	CHECK(t, refused(&c, CFG_SIGNAL_TIMEOUT, "15250284453w", w));
	snprintf(w, sizeof(w), "'106751991168d' %s", why);
	CHECK(t, refused(&c, CFG_SIGNAL_TIMEOUT, "106751991168d", w));
	CHECK(t, taken(&c, CFG_SIGNAL_TIMEOUT, "106751991167d", NULL));
	snprintf(w, sizeof(w), "'2562047788016h' %s", why);
	CHECK(t, refused(&c, CFG_SIGNAL_TIMEOUT, "2562047788016h", w));
	snprintf(w, sizeof(w), "'153722867280913m' %s", why);
	CHECK(t, refused(&c, CFG_SIGNAL_TIMEOUT, "153722867280913m", w));
	CHECK(t, taken(&c, CFG_SIGNAL_TIMEOUT, "153722867280912m", NULL));
	CHECK_EQ_INT(t, c.idle_timeout, 1800);

	/* wait_iface: at most CONFIG_WAIT_IFACE_MAX seconds. */
	CHECK(t, taken(&c, CFG_WAIT_IFACE, "86400", "1d"));
	CHECK(t, taken(&c, CFG_WAIT_IFACE, "1d", "1d"));
	CHECK(t, taken(&c, CFG_WAIT_IFACE, "1440m", "1d"));
	CHECK(t, taken(&c, CFG_WAIT_IFACE, "30", "30"));
	CHECK(t, refused(&c, CFG_WAIT_IFACE, "86401", "at most 86400 seconds"));
	CHECK(t, refused(&c, CFG_WAIT_IFACE, "2d", "at most 86400 seconds"));
	CHECK(t, refused(&c, CFG_WAIT_IFACE, "1w", "at most 86400 seconds"));
	snprintf(w, sizeof(w), "'soon' %s", why);
	CHECK(t, refused(&c, CFG_WAIT_IFACE, "soon", w));
	CHECK_EQ_INT(t, c.wait_iface, 30);
}

static void
test_enums(struct check *t)
{
	struct config	 c;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_LOG_FACILITY, "local7", "local7"));
	CHECK_EQ_INT(t, c.log_facility, LOG_LOCAL7);
	CHECK(t, taken(&c, CFG_LOG_FACILITY, "daemon", "daemon"));
	CHECK_EQ_INT(t, c.log_facility, LOG_DAEMON);
	CHECK(t, refused(&c, CFG_LOG_FACILITY, "kern", "'kern' is not one of "
	    "auth, authpriv, daemon, user, local0, local1, local2, local3, "
	    "local4, local5, local6, local7"));
	CHECK(t, refused(&c, CFG_LOG_FACILITY, "AUTH", "'AUTH' is not one of "
	    "auth, authpriv, daemon, user, local0, local1, local2, local3, "
	    "local4, local5, local6, local7"));
	CHECK(t, taken(&c, CFG_LOG_FORMAT, "json", "json"));
	CHECK_EQ_INT(t, c.log_format, LOG_FORMAT_JSON);
	CHECK(t, refused(&c, CFG_LOG_FORMAT, "xml",
	    "'xml' is not one of kv, json"));
	CHECK(t, taken(&c, CFG_LOG_FAILED_PACKETS, "no", "no"));
	CHECK_EQ_INT(t, c.log_failed, LOG_FAILED_NO);
	CHECK(t, taken(&c, CFG_LOG_FAILED_PACKETS, "all", "all"));
	CHECK_EQ_INT(t, c.log_failed, LOG_FAILED_ALL);
	CHECK(t, refused(&c, CFG_LOG_FAILED_PACKETS, "some",
	    "'some' is not one of yes, no, all"));
	CHECK(t, refused(&c, CFG_LOG_FAILED_PACKETS, "",
	    "'' is not one of yes, no, all"));
	CHECK(t, taken(&c, CFG_SANDBOX, "log", "log"));
	CHECK_EQ_INT(t, c.sandbox, SANDBOX_LOG);
	CHECK(t, refused(&c, CFG_SANDBOX, "lax",
	    "'lax' is not one of strict, log, off"));
	CHECK_EQ_INT(t, c.log_format, LOG_FORMAT_JSON);
	CHECK_EQ_INT(t, c.sandbox, SANDBOX_LOG);
}

static void
test_bools(struct check *t)
{
	struct config	 c;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_REATTACH, "yes", "yes"));
	CHECK(t, c.reattach);
	CHECK(t, refused(&c, CFG_REATTACH, "maybe",
	    "'maybe' is not one of yes, no"));
	CHECK(t, refused(&c, CFG_REATTACH, "true",
	    "'true' is not one of yes, no"));
	CHECK(t, refused(&c, CFG_REATTACH, "Yes",
	    "'Yes' is not one of yes, no"));
	CHECK(t, c.reattach);
	CHECK(t, taken(&c, CFG_REATTACH, "no", "no"));
	CHECK(t, !c.reattach);
	CHECK(t, taken(&c, CFG_LOG_STDERR, "yes", "yes"));
	CHECK(t, c.log_stderr);
}

static void
test_log_socket(struct check *t)
{
	struct config	 c;
	char		 p[200], w[300];

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_LOG_SOCKET, "/run/systemd/journal/dev-log",
	    "/run/systemd/journal/dev-log"));
	CHECK(t, refused(&c, CFG_LOG_SOCKET, "dev/log",
	    "'dev/log' is not an absolute socket path"));
	CHECK(t, refused(&c, CFG_LOG_SOCKET, "",
	    "'' is not an absolute socket path"));
	/* sun_path: 107 bytes and the NUL. */
	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[107] = '\0';
	CHECK(t, taken(&c, CFG_LOG_SOCKET, p, p));
	p[107] = 'a';
	p[108] = '\0';
	snprintf(w, sizeof(w), "'%s' is not an absolute socket path", p);
	CHECK(t, refused(&c, CFG_LOG_SOCKET, p, w));
	CHECK_EQ_INT(t, strlen(c.log_socket), 107);
}

/* -c: mosh's strtol, lenient about blanks and signs, strict after. */
static void
test_colors(struct check *t)
{
	struct config	 c;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_COLORS, "256", "256"));
	CHECK(t, taken(&c, CFG_COLORS, " 8", "8"));
	CHECK(t, taken(&c, CFG_COLORS, "+16", "16"));
	CHECK(t, taken(&c, CFG_COLORS, "-3", "-3"));
	CHECK(t, taken(&c, CFG_COLORS, "", "0"));
	CHECK(t, taken(&c, CFG_COLORS, "99999999999", NULL));
	CHECK_EQ_INT(t, c.colors, INT_MAX);
	CHECK(t, taken(&c, CFG_COLORS, "-99999999999", NULL));
	CHECK_EQ_INT(t, c.colors, INT_MIN);
	CHECK(t, taken(&c, CFG_COLORS, "256", "256"));
	CHECK(t, refused(&c, CFG_COLORS, "256x", "'256x' is not a number"));
	CHECK(t, refused(&c, CFG_COLORS, "256 ", "'256 ' is not a number"));
	CHECK(t, refused(&c, CFG_COLORS, "x", "'x' is not a number"));
	CHECK(t, refused(&c, CFG_COLORS, "99999999999999999999",
	    "'99999999999999999999' is not a number"));
	CHECK_EQ_INT(t, c.colors, 256);
}

/* -l NAME=VALUE: each one adds, up to CONFIG_LOCALE_MAX. */
static void
test_locale(struct check *t)
{
	struct config	 c;
	char		 v[64], err[512];
	size_t		 i;

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_LOCALE, "LANG=C.UTF-8", "LANG=C.UTF-8"));
	CHECK(t, taken(&c, CFG_LOCALE, "LC_ALL=", "LANG=C.UTF-8 LC_ALL="));
	CHECK(t, refused(&c, CFG_LOCALE, "LANG",
	    "'LANG' is not NAME=VALUE (or too many)"));
	CHECK(t, refused(&c, CFG_LOCALE, "=x",
	    "'=x' is not NAME=VALUE (or too many)"));
	CHECK_EQ_INT(t, c.locale.n, 2);
	CHECK(t, strcmp(c.locale.var[0], "LANG=C.UTF-8") == 0);
	CHECK(t, strcmp(c.locale.var[1], "LC_ALL=") == 0);
	for (i = 2; i < CONFIG_LOCALE_MAX; i++) {
		snprintf(v, sizeof(v), "LC_%zu=x", i);
		CHECK_EQ_INT(t, config_set(&c, CFG_LOCALE, v, CONFIG_FLAG,
		    "-l", err, sizeof(err)), 0);
	}
	CHECK_EQ_INT(t, c.locale.n, CONFIG_LOCALE_MAX);
	CHECK(t, refused(&c, CFG_LOCALE, "LC_X=y",
	    "'LC_X=y' is not NAME=VALUE (or too many)"));
	config_free(&c);
	CHECK_EQ_INT(t, c.locale.n, 0);
	CHECK(t, c.locale.var[0] == NULL);
}

static void
test_strings(struct check *t)
{
	struct config	 c;
	char		 big[5000];

	config_defaults(&c);
	CHECK(t, taken(&c, CFG_LOCAL_ADDR, "100.64.0.1", "100.64.0.1"));
	memset(big, '1', sizeof(big));
	big[64] = '\0';
	CHECK(t, refused(&c, CFG_LOCAL_ADDR, big, "longer than 63 bytes"));
	big[63] = '\0';
	CHECK(t, taken(&c, CFG_LOCAL_ADDR, big, big));
	memset(big, 'f', sizeof(big));
	big[4096] = '\0';
	CHECK(t, refused(&c, CFG_CONFIG_FILE, big, "longer than 4095 bytes"));
	CHECK(t, taken(&c, CFG_CONFIG_FILE, "/etc/x.conf", "/etc/x.conf"));
}

/* -v: the first flag sets it, each later one adds. */
static void
test_verbose_count(struct check *t)
{
	struct config	 c;
	char		 err[256];

	config_defaults(&c);
	CHECK_EQ_INT(t, config_set(&c, CFG_VERBOSE, "1", CONFIG_FLAG,
	    "-v", err, sizeof(err)), 0);
	CHECK_EQ_INT(t, c.verbose, 1);
	CHECK_EQ_INT(t, config_set(&c, CFG_VERBOSE, "1", CONFIG_FLAG,
	    "-v", err, sizeof(err)), 0);
	CHECK_EQ_INT(t, config_set(&c, CFG_VERBOSE, "1", CONFIG_FLAG,
	    "-v", err, sizeof(err)), 0);
	CHECK_EQ_INT(t, c.verbose, 3);
	CHECK_EQ_INT(t, config_set(&c, CFG_VERBOSE, "0", CONFIG_ENV,
	    "X", err, sizeof(err)), 0);
	CHECK_EQ_INT(t, c.verbose, 0);
}

/* The error is cut to the caller's buffer, never past it. */
static void
test_error_buffer(struct check *t)
{
	struct config	 c;
	char		 err[16];

	config_defaults(&c);
	memset(err, 'z', sizeof(err));
	CHECK_EQ_INT(t, config_set(&c, CFG_PORT_RANGE, "x", CONFIG_FLAG,
	    "-p", err, 8), -1);
	CHECK(t, strcmp(err, "flag -p") == 0);
	CHECK(t, err[8] == 'z');
}

CHECK_MAIN(
    CASE(test_interface), CASE(test_allow_sources), CASE(test_port_range),
    CASE(test_durations), CASE(test_enums), CASE(test_bools),
    CASE(test_log_socket), CASE(test_colors), CASE(test_locale),
    CASE(test_strings), CASE(test_verbose_count), CASE(test_error_buffer))

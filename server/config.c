#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <ini.h>

#include "netbind/netbind.h"
#include "server/config.h"

#define FIELD(c, d)	((void *)((char *)(c) + (d)->offset))
#define CFIELD(c, d)	((const void *)((const char *)(c) + (d)->offset))

/* A string that fits its field (the field's size is the parser's max). */
static int
copy_string(const char *v, char *field, size_t size, char *why, size_t n)
{
	if (strlen(v) >= size) {
		snprintf(why, n, "longer than %zu bytes", size - 1);
		return -1;
	}
	memcpy(field, v, strlen(v) + 1);
	return 0;
}

/* An interface name, or "any". */
static int
parse_iface(const struct config_def *d, const char *v, void *field, bool add,
    char *why, size_t n)
{
	struct config_iface	*out = field;

	(void)d; (void)add;
	if (strcmp(v, NETBIND_ANY) != 0 && !netbind_valid_name(v)) {
		snprintf(why, n, "'%s' is not an interface name (or any)", v);
		return -1;
	}
	if (copy_string(v, out->name, sizeof(out->name), why, n) != 0)
		return -1;
	out->any = strcmp(v, NETBIND_ANY) == 0;
	return 0;
}

/* A list of CIDRs separated by commas or spaces, or "any". */
static int
parse_sources(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	struct config_sources	*out = field, next;
	char			 tmp[CONFIG_TEXT_MAX], *p, *tok, *save;

	(void)d;
	if (add && out->any)
		return 0;	/* any stays any */
	memset(&next, 0, sizeof(next));
	if (add)
		next = *out;
	if (strcmp(v, NETBIND_ANY) == 0) {
		memset(out, 0, sizeof(*out));
		out->any = true;
		return 0;
	}
	if (strlen(v) >= sizeof(tmp)) {
		snprintf(why, n, "list too long");
		return -1;
	}
	strcpy(tmp, v);
	for (p = tmp; (tok = strtok_r(p, ", \t", &save)) != NULL; p = NULL) {
		if (next.n == CONFIG_ALLOW_MAX) {
			snprintf(why, n, "more than %d entries",
			    CONFIG_ALLOW_MAX);
			return -1;
		}
		if (cidr_parse(tok, &next.block[next.n]) != 0) {
			snprintf(why, n, "'%s' is not ADDR/LEN with the host "
			    "bits zero", tok);
			return -1;
		}
		next.n++;
	}
	if (next.n == 0) {
		snprintf(why, n, "empty (use 'any' for no filter)");
		return -1;
	}
	*out = next;
	return 0;
}

/* A port, 0-65535. */
static int
port_number(const char *s, int *out)
{
	char	*end;
	long	 v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
}

/* "PORT" or "LOW:HIGH". */
static int
parse_ports(const struct config_def *d, const char *v, void *field, bool add,
    char *why, size_t n)
{
	struct config_ports	*out = field, p;
	char			 tmp[32], *colon;

	(void)d; (void)add;
	if (strlen(v) >= sizeof(tmp))
		goto bad;
	strcpy(tmp, v);
	if ((colon = strchr(tmp, ':')) != NULL)
		*colon = '\0';
	if (port_number(tmp, &p.low) != 0)
		goto bad;
	p.high = p.low;
	if (colon != NULL &&
	    (port_number(colon + 1, &p.high) != 0 || p.low > p.high))
		goto bad;
	*out = p;
	return 0;
bad:
	snprintf(why, n, "'%s' is not PORT or LOW:HIGH (0-65535)", v);
	return -1;
}

/* A duration's units, smallest first: read and printed with these. */
static const struct {
	char	 unit;
	long	 secs;
} duration_units[] = {
	{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	{ 'w', 7 * 86400 },
};
#define DURATION_NUNITS	(sizeof(duration_units) / sizeof(duration_units[0]))

int
config_parse_duration(const char *v, long *out)
{
	char	*end;
	long	 x, mul = 1;
	size_t	 i;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		if (end[1] != '\0')
			return -1;
		for (i = 0; i < DURATION_NUNITS; i++)
			if (duration_units[i].unit == *end)
				break;
		if (i == DURATION_NUNITS)
			return -1;
		mul = duration_units[i].secs;
	}
	/* Kept in milliseconds later: no overflow there either. */
	if (x > LONG_MAX / 1000 / mul)
		return -1;
	*out = x * mul;
	return 0;
}

/* Seconds, or a number with s, m, h, d or w; at most d->max if set. */
static int
parse_duration(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	long	 s;

	(void)add;
	if (config_parse_duration(v, &s) != 0) {
		snprintf(why, n, "'%s' is not a duration (seconds, or with s, "
		    "m, h, d, w)", v);
		return -1;
	}
	if (d->max != 0 && s > d->max) {
		snprintf(why, n, "at most %ld seconds", d->max);
		return -1;
	}
	*(long *)field = s;
	return 0;
}

/* One of the row's names; the field is an int. */
static int
parse_enum(const struct config_def *d, const char *v, void *field, bool add,
    char *why, size_t n)
{
	const struct config_name *c;
	size_t		 used;

	(void)add;
	for (c = d->names; c->name != NULL; c++) {
		if (strcmp(v, c->name) == 0) {
			*(int *)field = c->value;
			return 0;
		}
	}
	used = (size_t)snprintf(why, n, "'%s' is not one of ", v);
	for (c = d->names; c->name != NULL && used < n; c++)
		used += (size_t)snprintf(why + used, n - used, "%s%s",
		    c == d->names ? "" : ", ", c->name);
	return -1;
}

/* Text that fits its field (d->max bytes with the NUL): -i's address
 * (checked against the interface when binding), --config's file. */
static int
parse_text(const struct config_def *d, const char *v, void *field, bool add,
    char *why, size_t n)
{
	(void)add;
	return copy_string(v, field, (size_t)d->max, why, n);
}

/* An absolute unix socket path. */
static int
parse_socket(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	if (v[0] != '/' || strlen(v) >= (size_t)d->max) {
		snprintf(why, n, "'%s' is not an absolute socket path", v);
		return -1;
	}
	return parse_text(d, v, field, add, why, n);
}

/*
 * -c COLORS: any integer, as mosh reads it (strtol: leading blanks, a
 * sign; even an empty word is 0). Only 256 changes anything (TERM), so
 * a count beyond int is kept as one that is not 256.
 */
static int
parse_colors(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	char	*end;
	long	 x;

	(void)d; (void)add;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0') {
		snprintf(why, n, "'%s' is not a number", v);
		return -1;
	}
	*(int *)field = x > INT_MAX ? INT_MAX : x < INT_MIN ? INT_MIN : (int)x;
	return 0;
}

/* -l NAME=VALUE: a locale variable from the client; each one adds. */
static int
parse_locale(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	struct config_locale	*l = field;
	char			*copy;

	(void)d; (void)add;
	if (strchr(v, '=') == NULL || v[0] == '=' ||
	    l->n == CONFIG_LOCALE_MAX) {
		snprintf(why, n, "'%s' is not NAME=VALUE (or too many)", v);
		return -1;
	}
	if ((copy = strdup(v)) == NULL) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	l->var[l->n++] = copy;
	return 0;
}

/* A whole number from min to d->max into an int field. */
static int
parse_whole(const struct config_def *d, const char *v, void *field, long min,
    char *why, size_t n)
{
	char	*end = NULL;
	long	 x;

	errno = 0;
	x = isdigit((unsigned char)v[0]) ? strtol(v, &end, 10) : -1;
	if (x < min || x > d->max || errno != 0 || *end != '\0') {
		snprintf(why, n, "'%s' is not a number from %ld to %ld", v,
		    min, d->max);
		return -1;
	}
	*(int *)field = (int)x;
	return 0;
}

/* A count of things there must be one of at least (max_clients). */
static int
parse_number(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	(void)add;
	return parse_whole(d, v, field, 1, why, n);
}

/* A count of lines; 0 turns the thing off. */
static int
parse_lines(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	(void)add;
	return parse_whole(d, v, field, 0, why, n);
}

/* -v: each one counts (the default is "0"). */
static int
parse_count(const struct config_def *d, const char *v, void *field, bool add,
    char *why, size_t n)
{
	(void)d; (void)why; (void)n;
	*(int *)field = add ? *(int *)field + 1 : strcmp(v, "0") != 0;
	return 0;
}

static void
format_string(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	(void)d;
	snprintf(buf, len, "%s", (const char *)field);
}

static void
format_sources(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	const struct config_sources *s = field;
	char		 one[CIDR_STRLEN];
	size_t		 i, used = 0;

	(void)d;
	snprintf(buf, len, "%s", s->any ? NETBIND_ANY : "");
	for (i = 0; i < s->n && used < len; i++) {
		if (cidr_format(&s->block[i], one, sizeof(one)) != 0)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", one);
	}
}

static void
format_ports(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	const struct config_ports *p = field;

	(void)d;
	if (p->low == p->high)
		snprintf(buf, len, "%d", p->low);
	else
		snprintf(buf, len, "%d:%d", p->low, p->high);
}

/* In the largest unit that says it exactly: 1w, 90m, 45. */
static void
format_duration(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	long	 s = *(const long *)field;
	size_t	 i;

	(void)d;
	/* Seconds ('s', the first unit) are printed bare. */
	for (i = DURATION_NUNITS - 1; i > 0; i--) {
		if (s != 0 && s % duration_units[i].secs == 0) {
			snprintf(buf, len, "%ld%c", s / duration_units[i].secs,
			    duration_units[i].unit);
			return;
		}
	}
	snprintf(buf, len, "%ld", s);
}

static void
format_enum(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	const struct config_name *c;

	for (c = d->names; c->name != NULL; c++)
		if (c->value == *(const int *)field)
			break;
	snprintf(buf, len, "%s", c->name != NULL ? c->name : "?");
}

static void
format_int(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	(void)d;
	snprintf(buf, len, "%d", *(const int *)field);
}

static void
format_locale(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	const struct config_locale *l = field;
	size_t		 i, used = 0;

	(void)d;
	buf[0] = '\0';
	for (i = 0; i < l->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? " " : "", l->var[i]);
}

/* The sandbox's mode, in the words sandbox/ reads for both programs. */
static int
parse_sandbox(const struct config_def *d, const char *v, void *field,
    bool add, char *why, size_t n)
{
	enum sandbox_mode	 m;

	(void)d; (void)add;
	if (sandbox_mode_parse(v, &m) != 0) {
		snprintf(why, n, "'%s' is not one of %s, %s, %s", v,
		    sandbox_mode_name(SANDBOX_STRICT),
		    sandbox_mode_name(SANDBOX_LOG),
		    sandbox_mode_name(SANDBOX_OFF));
		return -1;
	}
	*(int *)field = (int)m;
	return 0;
}

static void
format_sandbox(const struct config_def *d, const void *field, char *buf,
    size_t len)
{
	(void)d;
	snprintf(buf, len, "%s",
	    sandbox_mode_name((enum sandbox_mode)*(const int *)field));
}

static const struct config_name facility_names[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 },
};
static const struct config_name format_names[] = {
	{ "kv", LOG_FORMAT_KV }, { "json", LOG_FORMAT_JSON }, { NULL, 0 },
};
static const struct config_name failed_names[] = {
	{ "yes", LOG_FAILED_YES }, { "no", LOG_FAILED_NO },
	{ "all", LOG_FAILED_ALL }, { NULL, 0 },
};
static const struct config_name yes_no[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, 0 },
};

#define AT(f)		offsetof(struct config, f)
#define CONFIG_XSTR(x)	#x
#define CONFIG_STR(x)	CONFIG_XSTR(x)
#define SIZE(f)		((long)sizeof(((struct config *)0)->f))
/* The interface prints as text: its name comes first. */
#define IFACE		parse_iface, format_string
#define SOURCES		parse_sources, format_sources
#define PORTS		parse_ports, format_ports
#define DURATION	parse_duration, format_duration
#define ENUM		parse_enum, format_enum
#define BOOL		parse_enum, format_enum

/* Every setting, once. */
static const struct config_def config_defs[CFG_NSETTINGS] = {
	[CFG_INTERFACE] = { "interface", true, NETBIND_DEFAULT_IFACE, IFACE,
	    AT(iface), NULL, 0, "--iface", "NAME", NULL, false, NULL, NULL,
	    "MOSH_SERVER_NETWORK_TMPL", false,
	    "bind only the addresses of interface NAME; -i and -s\n"
	    "must name one of them (default: $MOSH_SERVER_NETWORK_TMPL,\n"
	    "else " NETBIND_DEFAULT_IFACE "). 'any': any address, as mosh "
	    "does", false },
	[CFG_ALLOW_SOURCES] = { "allow_sources", true,
	    NETBIND_TAILNET_V4 ", " NETBIND_TAILNET_V6, SOURCES,
	    AT(allow), NULL, 0, "--allow-source", "CIDR", NULL, false, NULL,
	    NULL, NULL, false,
	    "answer only sources inside CIDR (repeatable; the\n"
	    "first replaces the default " NETBIND_TAILNET_V4 " and\n"
	    NETBIND_TAILNET_V6 "). 'any': every source", true },
	[CFG_PORT_RANGE] = { "port_range", true, "60001:60999", PORTS,
	    AT(ports), NULL, 0, "-p", "PORT[:PORT2]", NULL, false,
	    "UDP port range", NULL, "MOSH_UDP_PORT", false,
	    "UDP port or range (default 60001:60999; MOSH_UDP_PORT\n"
	    "restricts it)", false },
	[CFG_IDLE_TIMEOUT] = { "idle_timeout", true, "0", DURATION,
	    AT(idle_timeout), NULL, 0, "--idle-timeout", "S", NULL, false,
	    "idle timeout", " (seconds)", NULL, false,
	    "end the session after S seconds without user input", false },
	[CFG_NETWORK_TIMEOUT] = { "network_timeout", true, "1w", DURATION,
	    AT(network_timeout), NULL, 0, NULL, NULL, NULL, false, NULL, NULL,
	    "MOSH_SERVER_NETWORK_TMOUT", true, NULL, false },
	[CFG_SIGNAL_TIMEOUT] = { "signal_timeout", true, "0", DURATION,
	    AT(signal_timeout), NULL, 0, NULL, NULL, NULL, false, NULL, NULL,
	    "MOSH_SERVER_SIGNAL_TMOUT", true, NULL, false },
	[CFG_WAIT_IFACE] = { "wait_iface", true, "0", DURATION,
	    AT(wait_iface), NULL, CONFIG_WAIT_IFACE_MAX, "--wait-iface", "S",
	    NULL, false, "--wait-iface", " (seconds, up to "
	    CONFIG_STR(CONFIG_WAIT_IFACE_MAX) ")", NULL,
	    false, "wait up to S seconds for the interface and an address",
	    false },
	[CFG_LOG_FACILITY] = { "log_facility", true, "authpriv", ENUM,
	    AT(log_facility), facility_names, 0, NULL, NULL, NULL, false,
	    NULL, NULL, NULL, false, NULL, false },
	[CFG_LOG_FORMAT] = { "log_format", true, "kv", ENUM,
	    AT(log_format), format_names, 0, NULL, NULL, NULL, false, NULL,
	    NULL, NULL, false, NULL, false },
	[CFG_LOG_FAILED_PACKETS] = { "log_failed_packets", true, "yes", ENUM,
	    AT(log_failed), failed_names, 0, NULL, NULL, NULL, false, NULL,
	    NULL, NULL, false, NULL, false },
	[CFG_LOG_SOCKET] = { "log_socket", true, "/dev/log", parse_socket,
	    format_string, AT(log_socket), NULL, SIZE(log_socket), NULL,
	    NULL, NULL, false, NULL, NULL, NULL, false, NULL, false },
	[CFG_SANDBOX] = { "sandbox", true, "strict", parse_sandbox,
	    format_sandbox, AT(sandbox), NULL, 0, "--sandbox", "MODE", NULL, false, NULL, NULL,
	    NULL, false,
	    "strict (default), log (the kernel logs would-be\n"
	    "violations), off", false },
	[CFG_REATTACH] = { "reattach", true, "no", BOOL, AT(reattach), yes_no,
	    0, "--reattach", NULL, "yes", false, NULL, NULL, NULL, false,
	    "resume a detached session running the same command", false },
	[CFG_MAX_CLIENTS] = { "max_clients", true, "8", parse_number,
	    format_int, AT(max_clients), NULL, CONFIG_CLIENTS_MAX, NULL, NULL,
	    NULL, false, NULL, NULL, NULL, false, NULL, false },
	[CFG_SCROLLBACK_LINES] = { "scrollback_lines", true, "10000",
	    parse_lines, format_int, AT(scrollback_lines), NULL,
	    CONFIG_LINES_MAX, NULL, NULL, NULL, false, NULL, NULL, NULL, false,
	    NULL, false },
	[CFG_ATTACH_HISTORY] = { "attach_history", true, "1000", parse_lines,
	    format_int, AT(attach_history), NULL, CONFIG_LINES_MAX, NULL, NULL,
	    NULL, false, NULL, NULL, NULL, false, NULL, false },
	[CFG_LOCAL_ADDR] = { "local_address", false, "", parse_text,
	    format_string, AT(local_addr), NULL, SIZE(local_addr), "-i",
	    "LOCALADDR", NULL, false, NULL, NULL, NULL, false,
	    "bind to this address (-i SECONDS, a plain number,\n"
	    "means --idle-timeout SECONDS)", false },
	[CFG_COLORS] = { "colors", false, "0", parse_colors, format_int,
	    AT(colors), NULL, 0, "-c", "COLORS", NULL, false,
	    "number of colors", NULL, NULL, false,
	    "colours of the client terminal (256: TERM=xterm-256color)",
	    false },
	[CFG_LOCALE] = { "locale", false, NULL, parse_locale, format_locale,
	    AT(locale), NULL, 0, "-l", "NAME=VALUE", NULL, false, "-l",
	    " (NAME=VALUE)", NULL, false,
	    "locale variable from the client (repeatable), used when\n"
	    "the server's own locale is not UTF-8", true },
	[CFG_VERBOSE] = { "verbose", false, "0", parse_count, format_int,
	    AT(verbose), NULL, 0, "-v", NULL, "1", false, NULL, NULL, NULL,
	    false, "verbose: stay attached to the terminal", false },
	[CFG_CONFIG_FILE] = { "config", false, "", parse_text, format_string,
	    AT(config_file), NULL, SIZE(config_file), "--config", "FILE",
	    NULL, true, NULL, NULL, NULL, false,
	    "read FILE instead of " CONFIG_SYSTEM_PATH, false },
	[CFG_LOG_STDERR] = { "log_stderr", false, "no", BOOL,
	    AT(log_stderr), yes_no, 0, "--log-stderr", NULL, "yes", false,
	    NULL, NULL, NULL, false, "events to stderr too", false },
};

const struct config_def *
config_def(enum config_id id)
{
	return &config_defs[id];
}

/* Parse value into the setting's field (add: to a list's values). */
static int
config_apply(struct config *c, enum config_id id, const char *value,
    enum config_layer layer, const char *name, bool add, char *err,
    size_t errlen)
{
	static const char *const prefix[] = {
		[CONFIG_DEFAULT] = "", [CONFIG_FILE] = "",
		[CONFIG_ENV] = "env ", [CONFIG_FLAG] = "flag ",
	};
	const struct config_def	*d = &config_defs[id];
	struct config_origin	*o = &c->origin[id];
	char			 why[512];

	if (d->parse(d, value, FIELD(c, d), add, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s%s: %s: %s", prefix[layer], name,
		    d->name, why);
		return -1;
	}
	o->layer = layer;
	snprintf(o->text, sizeof(o->text), "%s%s", prefix[layer], name);
	o->name = strlen(prefix[layer]);
	return 0;
}

int
config_set(struct config *c, enum config_id id, const char *value,
    enum config_layer layer, const char *name, char *err, size_t errlen)
{
	return config_apply(c, id, value, layer, name, layer == CONFIG_FLAG &&
	    c->origin[id].layer == CONFIG_FLAG, err, errlen);
}

const struct config_origin *
config_origin(const struct config *c, enum config_id id)
{
	return &c->origin[id];
}

const char *
config_origin_name(const struct config *c, enum config_id id)
{
	const struct config_origin *o = &c->origin[id];

	return o->layer == CONFIG_DEFAULT ? "the default" : o->text + o->name;
}

const char *
config_text(const struct config *c, enum config_id id, char *buf, size_t len)
{
	const struct config_def	*d = &config_defs[id];

	d->format(d, CFIELD(c, d), buf, len);
	return buf;
}

void
config_defaults(struct config *c)
{
	char	 err[512];
	int	 id;

	memset(c, 0, sizeof(*c));
	for (id = 0; id < CFG_NSETTINGS; id++) {
		/* The defaults are ours: they parse. */
		if (config_defs[id].def != NULL)
			(void)config_set(c, (enum config_id)id,
			    config_defs[id].def, CONFIG_DEFAULT, "default",
			    err, sizeof(err));
		else
			snprintf(c->origin[id].text, CONFIG_ORIGIN_MAX,
			    "default");
	}
}

/* One file read into a scratch config, committed only if all of it is
 * good: no half-read configuration ever takes effect. */
struct config_file {
	struct config	*scratch;
	const char	*path;
	FILE		*fp;
	int		 line;		/* of the line inih is parsing */
	bool		 indented;	/* it starts with a blank */
	char		*raw;		/* the whole line (getline's) */
	size_t		 rawcap;
	char		 value[CONFIG_TEXT_MAX];	/* of a line too long
							 * for inih */
	int		 read_errno;	/* reading failed (a directory) */
	int		 failed_line;
	char		 why[CONFIG_ORIGIN_MAX + 512];
	bool		 failed;
	bool		 why_has_origin;	/* "FILE:LINE: ..." already */
};

/* Stands for f->value on a line handed to inih. */
#define CONFIG_LONG_VALUE	"\x01"

/*
 * A line too long for inih's buffer (the system's libinih stops at 200
 * bytes): a comment becomes an empty line; "key = value" is handed on
 * as "key = \x01" with the value kept aside. Anything else is cut, and
 * inih calls it a syntax error.
 */
static void
config_long_line(struct config_file *f, char *str, int num)
{
	char	*p = f->raw + strspn(f->raw, " \t"), *eq, *v, *end;
	size_t	 klen;

	if (*p == '#' || *p == ';') {
		strcpy(str, "\n");
		return;
	}
	if ((eq = strchr(p, '=')) != NULL && (klen = (size_t)(eq - p)) <
	    (size_t)num - 8) {
		v = eq + 1 + strspn(eq + 1, " \t");
		/* inih's inline comments: " ;" to the end of the line. */
		if ((end = strstr(v, " ;")) == NULL)
			end = v + strlen(v);
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - v) < sizeof(f->value)) {
			memcpy(f->value, v, (size_t)(end - v));
			f->value[end - v] = '\0';
			snprintf(str, (size_t)num, "%.*s= "
			    CONFIG_LONG_VALUE "\n", (int)klen, p);
			return;
		}
	}
	snprintf(str, (size_t)num, "%s\n", p);
	str[num - 2] = '\n';
}

/* getline for inih: counts lines, so every value keeps its line, and
 * notes whether the line is indented (inih's continuation). */
static char *
config_reader(char *str, int num, void *arg)
{
	struct config_file *f = arg;
	ssize_t		 n;

	errno = 0;
	if ((n = getline(&f->raw, &f->rawcap, f->fp)) < 0) {
		f->read_errno = errno;
		return NULL;
	}
	f->line++;
	while (n > 0 && (f->raw[n - 1] == '\n' || f->raw[n - 1] == '\r'))
		f->raw[--n] = '\0';
	f->indented = f->raw[0] == ' ' || f->raw[0] == '\t';
	if (n + 2 <= num)
		snprintf(str, (size_t)num, "%s\n", f->raw);
	else
		config_long_line(f, str, num);
	return str;
}

/* The reason a line is refused, in f->why; returns inih's "stop". */
static int __attribute__((format(printf, 2, 3)))
config_refuse(struct config_file *f, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	f->failed = true;
	return 0;
}

/* One key = value of a file: a key of the table, a value it parses. An
 * indented line continues the key above it, which must be a list. */
static int
config_ini_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_file *f = arg;
	char		 origin[CONFIG_ORIGIN_MAX];
	int		 id;

	if (f->failed)
		return 0;
	f->failed_line = f->line;
	if (section[0] != '\0' && strcmp(section, "server") != 0)
		return config_refuse(f, "unknown section [%s]", section);
	for (id = 0; id < CFG_NSETTINGS; id++)
		if (config_defs[id].in_file &&
		    strcmp(name, config_defs[id].name) == 0)
			break;
	if (id == CFG_NSETTINGS)
		return config_refuse(f, "unknown key '%s'", name);
	if (f->indented && !config_defs[id].list)
		return config_refuse(f, "%s takes one value: an indented line "
		    "continues only a list", name);
	if (strcmp(value, CONFIG_LONG_VALUE) == 0)
		value = f->value;
	snprintf(origin, sizeof(origin), "%s:%d", f->path, f->line);
	/* The name of a file may be anything: the message has its origin. */
	if (config_apply(f->scratch, (enum config_id)id, value, CONFIG_FILE,
	    origin, f->indented, f->why, sizeof(f->why)) != 0) {
		f->failed = f->why_has_origin = true;
		return 0;
	}
	return 1;
}

/* One file's contents from fp, named path in origins and errors. */
static int
config_read_stream(struct config *c, const char *path, FILE *fp, char *err,
    size_t errlen)
{
	struct config_file *f;
	int		 line, rc = -1;

	/* A copy: the file's values land on what the layers below gave. */
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->scratch = malloc(sizeof(*c))) == NULL) {
		free(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	memcpy(f->scratch, c, sizeof(*c));
	f->path = path;
	f->fp = fp;
	line = ini_parse_stream(config_reader, f, config_ini_handler, f);
	/* inih returns the first bad line; ours may be later. */
	if (f->failed && (line == 0 || line == f->failed_line) &&
	    f->why_has_origin)
		snprintf(err, errlen, "%s", f->why);
	else if (f->failed && (line == 0 || line == f->failed_line))
		snprintf(err, errlen, "%s:%d: %s", path, f->failed_line,
		    f->why);
	else if (line != 0)
		snprintf(err, errlen, "%s:%d: syntax error (want key = value)",
		    path, line);
	else if (f->read_errno != 0)
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(f->read_errno));
	else {
		/* A file sets only file keys, none of which owns memory:
		 * the copy takes nothing the original still points to. */
		memcpy(c, f->scratch, sizeof(*c));
		rc = 0;
	}
	free(f->raw);
	free(f->scratch);
	free(f);
	return rc;
}

/* A file just opened (NULL: why is in errno), read and closed. */
static int
config_read_opened(struct config *c, const char *name, FILE *fp, char *err,
    size_t errlen)
{
	int	 r;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: cannot read: %s", name,
		    strerror(errno));
		return -1;
	}
	r = config_read_stream(c, name, fp, err, errlen);
	fclose(fp);
	return r;
}

int
config_read(struct config *c, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp = fopen(path, "r");

	if (fp == NULL && errno == ENOENT)
		return 0;
	return config_read_opened(c, path, fp, err, errlen);
}

int
config_load_buffer(struct config *c, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	config_defaults(c);
	if (len == 0)
		return 0;	/* fmemopen may refuse an empty buffer */
	return config_read_opened(c, name, fmemopen((void *)buf, len, "r"),
	    err, errlen);
}

int
config_load(struct config *c, const char *system_path, const char *user_path,
    char *err, size_t errlen)
{
	config_defaults(c);
	if ((system_path != NULL &&
	    config_read(c, system_path, err, errlen) != 0) ||
	    (user_path != NULL &&
	    config_read(c, user_path, err, errlen) != 0)) {
		config_free(c);
		return -1;
	}
	return 0;
}

char *
config_user_path(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd	*pw;
	char		*p;

	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(&p, "%s/tsmosh/tsmosh.conf", xdg) < 0)
			return NULL;
		return p;
	}
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL)
		return NULL;
	if (asprintf(&p, "%s/.config/tsmosh/tsmosh.conf", home) < 0)
		return NULL;
	return p;
}

void
config_print(const struct config *c, FILE *f)
{
	char	 text[CONFIG_TEXT_MAX];
	int	 id;

	for (id = 0; id < CFG_NSETTINGS; id++)
		if (config_defs[id].in_file)
			fprintf(f, "%-19s = %-40s # %s\n", config_defs[id].name,
			    config_text(c, (enum config_id)id, text,
			    sizeof(text)), c->origin[id].text);
}

/* "-p PORT[:PORT2]", as help shows a flag. */
static void
config_flag_words(const struct config_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", d->flag, d->arg != NULL ? " " : "",
	    d->arg != NULL ? d->arg : "");
}

/* n bytes of text for roff: minus signs, backslashes, no requests. */
static void
config_roff_text(FILE *f, const char *s, size_t n)
{
	if (n > 0 && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	for (; n > 0; s++, n--) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
}

/* A flag as the man page sets it: bold name, italic value. */
static void
config_roff_flag(FILE *f, const struct config_def *d)
{
	fputs(".TP\n\\fB", f);
	config_roff_text(f, d->flag, strlen(d->flag));
	fputs("\\fR", f);
	if (d->arg != NULL) {
		fputs(" \\fI", f);
		config_roff_text(f, d->arg, strlen(d->arg));
		fputs("\\fR", f);
	}
	fputc('\n', f);
}

void
config_help(FILE *f, bool roff)
{
	const struct config_def	*d;
	const char		*p, *nl;
	char			 words[64];
	int			 id;

	for (id = 0; id < CFG_NSETTINGS; id++) {
		d = &config_defs[id];
		if (d->flag == NULL || d->help == NULL)
			continue;
		config_flag_words(d, words, sizeof(words));
		if (roff)
			config_roff_flag(f, d);
		else if (strlen(words) < 18)
			fprintf(f, "  %-17s ", words);
		else
			fprintf(f, "  %s\n%20s", words, "");
		for (p = d->help; *p != '\0'; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			if (roff) {
				config_roff_text(f, p, (size_t)(nl - p));
				fputc('\n', f);
			} else
				fprintf(f, "%s%.*s\n", p == d->help ? "" :
				    "                    ", (int)(nl - p), p);
		}
	}
}

void
config_free(struct config *c)
{
	size_t	 i;

	for (i = 0; i < c->locale.n; i++) {
		free(c->locale.var[i]);
		c->locale.var[i] = NULL;
	}
	c->locale.n = 0;
}

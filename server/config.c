#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "netbind/cidr.h"
#include "netbind/netbind.h"
#include "server/config.h"
#include "server/options.h"

typedef int (*config_check_fn)(const char *, char *, size_t);

struct config_def {
	const char	*name;
	const char	*def;
	config_check_fn	 check;
};

static int
check_iface(const char *v, char *why, size_t n)
{
	if (strcmp(v, NETBIND_ANY) == 0 || netbind_valid_name(v))
		return 0;
	snprintf(why, n, "'%s' is not an interface name (or any)", v);
	return -1;
}

/* A list of CIDRs separated by commas or spaces, or "any". */
static int
check_sources(const char *v, char *why, size_t n)
{
	char		 tmp[1024], *p, *tok, *save;
	struct cidr	 c;
	size_t		 count = 0;

	if (strcmp(v, NETBIND_ANY) == 0)
		return 0;
	if (strlen(v) >= sizeof(tmp)) {
		snprintf(why, n, "list too long");
		return -1;
	}
	strcpy(tmp, v);
	for (p = tmp; (tok = strtok_r(p, ", \t", &save)) != NULL; p = NULL) {
		if (cidr_parse(tok, &c) != 0) {
			snprintf(why, n, "'%s' is not ADDR/LEN with the host "
			    "bits zero", tok);
			return -1;
		}
		if (++count > OPT_ALLOW_MAX) {
			snprintf(why, n, "more than %d entries", OPT_ALLOW_MAX);
			return -1;
		}
	}
	if (count == 0) {
		snprintf(why, n, "empty (use 'any' for no filter)");
		return -1;
	}
	return 0;
}

static int
check_ports(const char *v, char *why, size_t n)
{
	int	 lo, hi;

	if (options_parse_ports(v, &lo, &hi) == 0)
		return 0;
	snprintf(why, n, "'%s' is not PORT or LOW:HIGH (0-65535)", v);
	return -1;
}

int
config_parse_seconds(const char *v, long *out)
{
	char	*end;
	long	 x, mul = 1;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		if (end[1] != '\0')
			return -1;
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 7 * 86400; break;
		default: return -1;
		}
	}
	if (x > LONG_MAX / 1000 / mul)
		return -1;
	*out = x * mul;
	return 0;
}

static int
check_seconds(const char *v, char *why, size_t n)
{
	long	 s;

	if (config_parse_seconds(v, &s) == 0)
		return 0;
	snprintf(why, n, "'%s' is not a duration (seconds, or with s, m, h, "
	    "d, w)", v);
	return -1;
}

static int
check_one_of(const char *v, const char *const *ok, char *why, size_t n)
{
	char	 list[128] = "";
	size_t	 i;

	for (i = 0; ok[i] != NULL; i++) {
		if (strcmp(v, ok[i]) == 0)
			return 0;
		if (i > 0)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, ok[i], sizeof(list) - strlen(list) - 1);
	}
	snprintf(why, n, "'%s' is not one of %s", v, list);
	return -1;
}

static int
check_facility(const char *v, char *why, size_t n)
{
	static const char *const ok[] = { "auth", "authpriv", "daemon",
	    "user", "local0", "local1", "local2", "local3", "local4",
	    "local5", "local6", "local7", NULL };

	return check_one_of(v, ok, why, n);
}

static int
check_format(const char *v, char *why, size_t n)
{
	static const char *const ok[] = { "kv", "json", NULL };

	return check_one_of(v, ok, why, n);
}

static int
check_yesno(const char *v, char *why, size_t n)
{
	static const char *const ok[] = { "yes", "no", "all", NULL };

	return check_one_of(v, ok, why, n);
}

static int
check_sandbox(const char *v, char *why, size_t n)
{
	static const char *const ok[] = { "strict", "log", "off", NULL };

	return check_one_of(v, ok, why, n);
}

static int
check_bool(const char *v, char *why, size_t n)
{
	static const char *const ok[] = { "yes", "no", NULL };

	return check_one_of(v, ok, why, n);
}

static int
check_path(const char *v, char *why, size_t n)
{
	if (v[0] == '/' && strlen(v) < 108)
		return 0;
	snprintf(why, n, "'%s' is not an absolute socket path", v);
	return -1;
}

static const struct config_def config_defs[CFG_NKEYS] = {
	[CFG_INTERFACE] = { "interface", NETBIND_DEFAULT_IFACE, check_iface },
	[CFG_ALLOW_SOURCES] = { "allow_sources",
	    NETBIND_TAILNET_V4 ", " NETBIND_TAILNET_V6, check_sources },
	[CFG_PORT_RANGE] = { "port_range", "60001:60999", check_ports },
	[CFG_IDLE_TIMEOUT] = { "idle_timeout", "0", check_seconds },
	[CFG_NETWORK_TIMEOUT] = { "network_timeout", "1w", check_seconds },
	[CFG_SIGNAL_TIMEOUT] = { "signal_timeout", "0", check_seconds },
	[CFG_WAIT_IFACE] = { "wait_iface", "0", check_seconds },
	[CFG_LOG_FACILITY] = { "log_facility", "authpriv", check_facility },
	[CFG_LOG_FORMAT] = { "log_format", "kv", check_format },
	[CFG_LOG_FAILED_PACKETS] = { "log_failed_packets", "yes", check_yesno },
	[CFG_LOG_SOCKET] = { "log_socket", "/dev/log", check_path },
	[CFG_SANDBOX] = { "sandbox", "strict", check_sandbox },
	[CFG_REATTACH] = { "reattach", "no", check_bool },
};

const char *
config_key_name(enum config_key k)
{
	return config_defs[k].name;
}

int
config_set(struct config *c, enum config_key k, const char *value,
    const char *origin, char *err, size_t errlen)
{
	char	 why[256];
	char	*copy;

	if (config_defs[k].check(value, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s: %s", origin, config_defs[k].name,
		    why);
		return -1;
	}
	if ((copy = strdup(value)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(c->text[k]);
	c->text[k] = copy;
	snprintf(c->origin[k], sizeof(c->origin[k]), "%s", origin);
	return 0;
}

const char *
config_get(const struct config *c, enum config_key k)
{
	return c->text[k];
}

const char *
config_origin(const struct config *c, enum config_key k)
{
	return c->origin[k];
}

long
config_seconds(const struct config *c, enum config_key k)
{
	long	 s = 0;

	(void)config_parse_seconds(c->text[k], &s);
	return s;
}

/* One file read into a scratch config, committed only if all of it is
 * good: no half-read configuration ever takes effect. */
struct config_file {
	struct config	*scratch;
	const char	*path;
	FILE		*fp;
	int		 line;		/* of the line inih is parsing */
	int		 failed_line;
	char		 why[512];
	int		 failed;
};

/* fgets for inih that counts lines, so every value keeps its line. */
static char *
config_reader(char *str, int num, void *arg)
{
	struct config_file *f = arg;
	char		*r;

	if ((r = fgets(str, num, f->fp)) != NULL)
		f->line++;
	return r;
}

static int
config_ini_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_file *f = arg;
	char		 origin[CONFIG_ORIGIN_MAX];
	int		 k;

	if (f->failed)
		return 0;
	f->failed_line = f->line;
	if (section[0] != '\0' && strcmp(section, "server") != 0) {
		snprintf(f->why, sizeof(f->why), "unknown section [%s]",
		    section);
		f->failed = 1;
		return 0;
	}
	for (k = 0; k < CFG_NKEYS; k++)
		if (strcmp(name, config_defs[k].name) == 0)
			break;
	if (k == CFG_NKEYS) {
		snprintf(f->why, sizeof(f->why), "unknown key '%s'", name);
		f->failed = 1;
		return 0;
	}
	snprintf(origin, sizeof(origin), "%s:%d", f->path, f->line);
	if (config_set(f->scratch, (enum config_key)k, value, origin,
	    f->why, sizeof(f->why)) != 0) {
		f->failed = 1;
		return 0;
	}
	return 1;
}

/* One file's contents from fp, named path in origins and errors. */
static int
config_read_stream(struct config *c, const char *path, FILE *fp, char *err,
    size_t errlen)
{
	struct config	 scratch;
	struct config_file f;
	int		 line, k;

	memset(&scratch, 0, sizeof(scratch));
	memset(&f, 0, sizeof(f));
	f.scratch = &scratch;
	f.path = path;
	f.fp = fp;
	line = ini_parse_stream(config_reader, &f, config_ini_handler, &f);
	if (line != 0 || f.failed) {
		/* inih returns the first bad line; ours may be later. */
		if (f.failed && (line == 0 || line == f.failed_line) &&
		    strncmp(f.why, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", f.why);
		else if (f.failed && (line == 0 || line == f.failed_line))
			snprintf(err, errlen, "%s:%d: %s", path, f.failed_line,
			    f.why);
		else
			snprintf(err, errlen, "%s:%d: syntax error (want "
			    "key = value)", path, line);
		config_free(&scratch);
		return -1;
	}
	for (k = 0; k < CFG_NKEYS; k++) {
		if (scratch.text[k] == NULL)
			continue;
		free(c->text[k]);
		c->text[k] = scratch.text[k];
		scratch.text[k] = NULL;
		memcpy(c->origin[k], scratch.origin[k], sizeof(c->origin[k]));
	}
	return 0;
}

static int
config_read_file(struct config *c, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	int	 r;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	r = config_read_stream(c, path, fp, err, errlen);
	fclose(fp);
	return r;
}

int
config_load_buffer(struct config *c, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	FILE	*fp;
	int	 r;

	if (config_load(c, NULL, NULL, err, errlen) != 0)
		return -1;
	if (len == 0)
		return 0;	/* fmemopen may refuse an empty buffer */
	if ((fp = fmemopen((void *)buf, len, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot read: %s", name,
		    strerror(errno));
		return -1;
	}
	r = config_read_stream(c, name, fp, err, errlen);
	fclose(fp);
	return r;
}

int
config_load(struct config *c, const char *system_path, const char *user_path,
    char *err, size_t errlen)
{
	int	 k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < CFG_NKEYS; k++)
		if (config_set(c, (enum config_key)k, config_defs[k].def,
		    "default", err, errlen) != 0)
			return -1;
	if (system_path != NULL &&
	    config_read_file(c, system_path, err, errlen) != 0)
		return -1;
	if (user_path != NULL &&
	    config_read_file(c, user_path, err, errlen) != 0)
		return -1;
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
	int	 k;

	for (k = 0; k < CFG_NKEYS; k++)
		fprintf(f, "%-19s = %-40s # %s\n", config_defs[k].name,
		    c->text[k], c->origin[k]);
}

void
config_free(struct config *c)
{
	int	 k;

	for (k = 0; k < CFG_NKEYS; k++) {
		free(c->text[k]);
		c->text[k] = NULL;
	}
}

/*
 * server/control: the control protocol's codec. Requests are bytes from
 * a peer: every status control_parse_request can give, at its bounds.
 * Replies: what control_info_format writes, control_info_parse reads
 * back field for field and client for client, and both hold up against
 * values that do not fit or were never written (a reply from a server
 * not trusted blindly).
 */
#include <sys/socket.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/control.h"
#include "tests/unit/check.h"

/* Parse len bytes of s; *req is prefilled so a refusal can be seen to
 * leave it untouched. */
static enum control_status
req(const char *s, size_t len, struct control_req *r)
{
	memset(r, 0xa5, sizeof(*r));
	return control_parse_request(s, len, r);
}

static enum control_status
req_str(const char *s, struct control_req *r)
{
	return req(s, strlen(s), r);
}

static int
untouched(const struct control_req *r)
{
	struct control_req	 fill;

	memset(&fill, 0xa5, sizeof(fill));
	return memcmp(r, &fill, sizeof(fill)) == 0;
}

static void
test_request_ok(struct check *t)
{
	struct control_req	 r;
	char			 buf[CONTROL_REQ_MAX + 1];

	CHECK_EQ_INT(t, req_str("info\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_INFO);
	CHECK(t, r.arg[0] == '\0');
	CHECK_EQ_INT(t, req_str("kill\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_KILL);
	CHECK(t, r.arg[0] == '\0');
	CHECK_EQ_INT(t, req_str("attach\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_ATTACH);
	CHECK_EQ_INT(t, req_str("attach 60005\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_ATTACH);
	CHECK(t, check_str(r.arg, "60005"));
	/* A CR before the newline is allowed. */
	CHECK_EQ_INT(t, req_str("kill\r\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_KILL);
	CHECK_EQ_INT(t, req_str("attach x~!\r\n", &r), CONTROL_OK);
	CHECK(t, check_str(r.arg, "x~!"));
	/* The longest argument: CONTROL_ARG_MAX - 1 bytes. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "attach ", 7);
	buf[7 + CONTROL_ARG_MAX - 1] = '\n';
	CHECK_EQ_INT(t, req(buf, 7 + CONTROL_ARG_MAX, &r), CONTROL_OK);
	CHECK_EQ_INT(t, strlen(r.arg), CONTROL_ARG_MAX - 1);
	/* Whatever follows the newline is never looked at. */
	CHECK_EQ_INT(t, req("kill\n\xff\x00 garbage", 15, &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_KILL);
	CHECK_EQ_INT(t, req_str("info\nattach x y z\n", &r), CONTROL_OK);
	CHECK_EQ_INT(t, r.kind, CONTROL_INFO);
	CHECK(t, r.arg[0] == '\0');
	/* ...even past CONTROL_REQ_MAX. */
	memset(buf, 'z', sizeof(buf));
	memcpy(buf, "info\n", 5);
	CHECK_EQ_INT(t, req(buf, sizeof(buf), &r), CONTROL_OK);
	/* The newline as the last byte of CONTROL_REQ_MAX. */
	memset(buf, 'b', sizeof(buf));
	memcpy(buf, "info ", 5);
	buf[CONTROL_REQ_MAX - 1] = '\n';
	CHECK_EQ_INT(t, req(buf, CONTROL_REQ_MAX, &r), CONTROL_BAD_ARG);
}

static void
test_request_more_and_too_long(struct check *t)
{
	struct control_req	 r;
	char			 buf[CONTROL_REQ_MAX * 2];

	CHECK_EQ_INT(t, req("", 0, &r), CONTROL_MORE);
	CHECK(t, untouched(&r));
	CHECK_EQ_INT(t, req_str("inf", &r), CONTROL_MORE);
	CHECK_EQ_INT(t, req_str("info", &r), CONTROL_MORE);
	CHECK_EQ_INT(t, req_str("info\r", &r), CONTROL_MORE);
	CHECK_EQ_INT(t, req_str("attach abc", &r), CONTROL_MORE);
	CHECK(t, untouched(&r));
	/* Bad bytes are judged on a whole line only. */
	CHECK_EQ_INT(t, req("\x01\xff", 2, &r), CONTROL_MORE);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ_INT(t, req(buf, CONTROL_REQ_MAX - 1, &r), CONTROL_MORE);
	CHECK_EQ_INT(t, req(buf, CONTROL_REQ_MAX, &r), CONTROL_TOO_LONG);
	CHECK(t, untouched(&r));
	CHECK_EQ_INT(t, req(buf, sizeof(buf), &r), CONTROL_TOO_LONG);
	/* A newline just past the limit is not seen. */
	buf[CONTROL_REQ_MAX] = '\n';
	CHECK_EQ_INT(t, req(buf, CONTROL_REQ_MAX + 1, &r), CONTROL_TOO_LONG);
	CHECK(t, untouched(&r));
}

static void
test_request_bad_byte(struct check *t)
{
	static const struct { const char *s; size_t len; } bad[] = {
		{ "info\t\n", 6 }, { "in\x01fo\n", 7 }, { "attach \x80\n", 9 },
		{ "\x7f\n", 2 }, { "info\rx\n", 7 }, { "\0info\n", 6 },
		{ "kill\r\r\n", 7 }, { "attach a\x1b[2J\n", 13 },
		{ "\xc3\xa9\n", 3 },
	};
	struct control_req	 r;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (req(bad[i].s, bad[i].len, &r) != CONTROL_BAD_BYTE) {
			printf("#   case %zu not bad-byte\n", i);
			t->case_failed++;
		}
		CHECK(t, untouched(&r));
	}
}

static void
test_request_unknown(struct check *t)
{
	static const char *bad[] = {
		"\n", "\r\n", "list\n", "INFO\n", "infox\n", " info\n", "inf\n",
		"kil l\n", "nfo\n", "attachx 1\n", "~\n",
	};
	struct control_req	 r;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (req_str(bad[i], &r) != CONTROL_UNKNOWN) {
			printf("#   '%s' not unknown\n", bad[i]);
			t->case_failed++;
		}
		CHECK(t, untouched(&r));
	}
}

static void
test_request_bad_arg(struct check *t)
{
	static const char *bad[] = {
		"attach \n", "attach a b\n", "attach  a\n", "attach a \n",
		"info \r\n", "kill x y\n",
	};
	struct control_req	 r;
	char			 buf[CONTROL_REQ_MAX];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (req_str(bad[i], &r) != CONTROL_BAD_ARG) {
			printf("#   case %zu not bad-argument\n", i);
			t->case_failed++;
		}
		CHECK(t, untouched(&r));
	}
	/* CONTROL_ARG_MAX bytes: no room for the NUL. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "attach ", 7);
	buf[7 + CONTROL_ARG_MAX] = '\n';
	CHECK_EQ_INT(t, req(buf, 8 + CONTROL_ARG_MAX, &r), CONTROL_BAD_ARG);
	CHECK(t, untouched(&r));
}

static void
test_status_names(struct check *t)
{
	CHECK(t, check_str(control_status_name(CONTROL_OK), "ok"));
	CHECK(t, check_str(control_status_name(CONTROL_MORE), "incomplete"));
	CHECK(t, check_str(control_status_name(CONTROL_TOO_LONG), "too-long"));
	CHECK(t, check_str(control_status_name(CONTROL_BAD_BYTE), "bad-byte"));
	CHECK(t, check_str(control_status_name(CONTROL_UNKNOWN),
	    "unknown-request"));
	CHECK(t, check_str(control_status_name(CONTROL_BAD_ARG), "bad-argument"));
	CHECK(t, check_str(control_status_name((enum control_status)99),
	    "unknown"));
}

static void
info_sample(struct control_info *i)
{
	memset(i, 0, sizeof(*i));
	i->pid = 12345;
	i->started = 1700000000ULL;
	i->port = 60005;
	snprintf(i->iface, sizeof(i->iface), "tailscale0");
	snprintf(i->state, sizeof(i->state), "attached");
	snprintf(i->client, sizeof(i->client), "100.64.0.2:51000");
	i->last_contact = 7;
	i->idle = 42;
	snprintf(i->command, sizeof(i->command), "-bash");
}

/* n clients (n <= CONTROL_CLIENTS_MAX): ids 1.., every third never
 * heard, every second read-only. */
static void
info_clients(struct control_info *i, size_t n)
{
	struct control_client	*c;
	size_t			 k;

	memset(i->clients, 0, sizeof(i->clients));
	i->nclients = n;
	for (k = 0; k < n; k++) {
		c = &i->clients[k];
		c->id = (unsigned)k + 1;
		c->read_only = k % 2 == 1;
		c->heard = k % 3 != 2;
		if (c->heard) {
			snprintf(c->addr, sizeof(c->addr), "100.64.0.%zu:%zu",
			    k + 2, 50000 + k);
			c->last_contact = k * 7;
		}
	}
}

static int
info_equal(const struct control_info *a, const struct control_info *b)
{
	size_t	 i;
	int	 ok = 1;

#define SAME_NUM(f) if (a->f != b->f) { \
	printf("#   %s: %lld != %lld\n", #f, (long long)a->f, \
	    (long long)b->f); ok = 0; }
#define SAME_STR(f) if (strcmp(a->f, b->f) != 0) { \
	printf("#   %s: '%s' != '%s'\n", #f, a->f, b->f); ok = 0; }
	SAME_NUM(pid);
	SAME_NUM(started);
	SAME_NUM(port);
	SAME_STR(iface);
	SAME_STR(state);
	SAME_STR(client);
	SAME_NUM(last_contact);
	SAME_NUM(idle);
	SAME_STR(command);
	SAME_NUM(nclients);
	for (i = 0; i < a->nclients && i < b->nclients; i++) {
		SAME_NUM(clients[i].id);
		SAME_NUM(clients[i].read_only);
		SAME_NUM(clients[i].heard);
		SAME_STR(clients[i].addr);
		SAME_NUM(clients[i].last_contact);
	}
#undef SAME_NUM
#undef SAME_STR
	return ok;
}

static void
test_info_round_trip(struct check *t)
{
	struct control_info	 in, out;
	char			 buf[CONTROL_LINE_MAX];

	info_sample(&in);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, check_str(buf, "pid=12345\nstarted=1700000000\nport=60005\n"
	    "iface=tailscale0\nstate=attached\nclient=100.64.0.2:51000\n"
	    "last_contact=7\nidle=42\ncommand=-bash\n\n"));
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, info_equal(&in, &out));

	/* The ends of each number's range. */
	in.pid = LONG_MAX;
	in.started = ULLONG_MAX;
	in.port = INT_MAX;
	in.last_contact = ULLONG_MAX;
	in.idle = 0;
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, info_equal(&in, &out));
	/* No negative number is a session's: a negative pid is none. */
	in.pid = -1;
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), -1);
	in.pid = 7;
	in.port = -5;
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, out.port, 0);

	/* Every text field full, and empty. */
	info_sample(&in);
	memset(in.iface, 'i', sizeof(in.iface) - 1);
	memset(in.state, 's', sizeof(in.state) - 1);
	memset(in.client, 'c', sizeof(in.client) - 1);
	memset(in.command, 'x', sizeof(in.command) - 1);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, info_equal(&in, &out));
	in.iface[0] = in.state[0] = in.client[0] = in.command[0] = '\0';
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\nclient=\n") != NULL);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, info_equal(&in, &out));
}

/* A newline or control byte in a value cannot start a line of its own. */
static void
test_info_control_bytes(struct check *t)
{
	struct control_info	 in, out;
	char			 buf[CONTROL_LINE_MAX];
	char			 line[7 + sizeof(in.iface) + 8];

	info_sample(&in);
	snprintf(in.command, sizeof(in.command), "sh -c 'a\nb\tc\x1b[2Jd\x7f"
	    "e\rf'");
	snprintf(in.client, sizeof(in.client), "x\npid=1");
	snprintf(in.state, sizeof(in.state), "\x01");
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\ncommand=sh -c 'a?b?c?[2Jd?e?f'\n\n") != NULL);
	CHECK(t, strstr(buf, "\nclient=x?pid=1\n") != NULL);
	CHECK(t, strstr(buf, "\nstate=?\n") != NULL);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, out.pid, 12345);
	CHECK(t, check_str(out.client, "x?pid=1"));
	/* Bytes above 0x7f are not control bytes: kept (UTF-8). */
	snprintf(in.command, sizeof(in.command), "vim caf\xc3\xa9");
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, check_str(out.command, "vim caf\xc3\xa9"));
	/* A text field without its NUL is read to its size, no further. */
	memset(in.iface, 'q', sizeof(in.iface));
	memset(line, 'q', sizeof(line));
	memcpy(line, "\niface=", 7);
	memcpy(line + 7 + sizeof(in.iface), "\nstate=", 8);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, line) != NULL);
}

/* The clients' peer lines: written after the fields, read back. */
static void
test_info_clients_round_trip(struct check *t)
{
	static const size_t	 counts[] = { 0, 1, 3, CONTROL_CLIENTS_MAX };
	struct control_info	 in, out;
	char			 buf[CONTROL_LINE_MAX];
	size_t			 k;

	info_sample(&in);
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		info_clients(&in, counts[k]);
		CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
		memset(&out, 0x5a, sizeof(out));
		CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
		if (!info_equal(&in, &out)) {
			printf("#   with %zu clients\n", counts[k]);
			t->case_failed++;
		}
	}
	/* The lines as a server writes them. */
	info_clients(&in, 0);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "peer=") == NULL);
	info_clients(&in, 1);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\ncommand=-bash\npeer=1 rw 100.64.0.2:50000 0"
	    "\n\n") != NULL);
	info_clients(&in, 3);
	in.clients[2].last_contact = 99;	/* unheard: not written */
	snprintf(in.clients[2].addr, sizeof(in.clients[2].addr), "x");
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\ncommand=-bash\npeer=1 rw 100.64.0.2:50000 0\n"
	    "peer=2 ro 100.64.0.3:50001 7\npeer=3 rw - -\n\n") != NULL);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, !out.clients[2].heard && out.clients[2].addr[0] == '\0' &&
	    out.clients[2].last_contact == 0);
	/* A writer never writes more than a reader keeps. */
	info_clients(&in, CONTROL_CLIENTS_MAX);
	in.nclients = CONTROL_CLIENTS_MAX + 2;
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\npeer=16 ") != NULL);
	CHECK(t, strstr(buf, "\npeer=17 ") == NULL);
	/* A heard client with an empty address, or the address "-". */
	info_clients(&in, 2);
	in.clients[0].addr[0] = '\0';
	snprintf(in.clients[1].addr, sizeof(in.clients[1].addr), "-");
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\npeer=1 rw ? 0\npeer=2 ro - 7\n") != NULL);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, out.nclients, 2);
	CHECK(t, out.clients[0].heard && check_str(out.clients[0].addr, "?"));
	CHECK(t, out.clients[1].heard && check_str(out.clients[1].addr, "-"));
}

/* More peer lines than a reader keeps: the first CONTROL_CLIENTS_MAX. */
static void
test_info_clients_too_many(struct check *t)
{
	struct control_info	 out;
	char			 buf[CONTROL_LINE_MAX];
	size_t			 k, used;

	used = (size_t)snprintf(buf, sizeof(buf), "pid=4\n");
	for (k = 1; k <= CONTROL_CLIENTS_MAX + 2; k++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used,
		    "peer=%zu %s 10.0.0.%zu:1 %zu\n", k, k % 2 ? "rw" : "ro",
		    k, k);
	snprintf(buf + used, sizeof(buf) - used, "\n");
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, out.nclients, CONTROL_CLIENTS_MAX);
	for (k = 0; k < out.nclients; k++) {
		CHECK_EQ_INT(t, out.clients[k].id, k + 1);
		CHECK_EQ_INT(t, out.clients[k].read_only, k % 2 == 1);
		CHECK_EQ_INT(t, out.clients[k].last_contact, k + 1);
	}
	CHECK(t, check_str(out.clients[CONTROL_CLIENTS_MAX - 1].addr,
	    "10.0.0.16:1"));
}

/* Peer lines from a server not trusted blindly: what is not one is
 * skipped, the lines around it still read. */
static void
test_info_clients_hostile(struct check *t)
{
	static const char *const bad[] = {
		"peer=", "peer=1", "peer=1 rw", "peer=1 rw 1.2.3.4:5",
		"peer=1 rw 1.2.3.4:5 3 x", "peer=1 rw 1.2.3.4:5 3 ",
		"peer=1  rw 1.2.3.4:5 3", " peer=1 rw 1.2.3.4:5 3",
		"peer=1 rw  1.2.3.4:5 3", "peer=0 rw 1.2.3.4:5 3",
		"peer=-1 rw 1.2.3.4:5 3", "peer=+1 rw 1.2.3.4:5 3",
		"peer=1x rw 1.2.3.4:5 3", "peer=0x1 rw 1.2.3.4:5 3",
		"peer=4294967296 rw 1.2.3.4:5 3", "peer=1 RW 1.2.3.4:5 3",
		"peer=1 r 1.2.3.4:5 3", "peer=1 rwx 1.2.3.4:5 3",
		"peer=1 wo 1.2.3.4:5 3", "peer=1 rw 1.2.3.4:5 -3",
		"peer=1 rw 1.2.3.4:5 3s", "peer=1 rw 1.2.3.4:5 -",
		"peer=1 rw - 3x", "peer=1 rw 1.2.3.4:5 "
		    "18446744073709551616", "peer=1 rw 1.2.3.4:5 3\r",
		"peer=1\trw 1.2.3.4:5 3", "peers=1 rw 1.2.3.4:5 3",
		"peer 1 rw 1.2.3.4:5 3", "PEER=1 rw 1.2.3.4:5 3",
	};
	struct control_info	 out;
	char			 buf[256];
	size_t			 k;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(buf, sizeof(buf), "pid=2\npeer=7 ro 1.1.1.1:1 1\n%s\n"
		    "peer=9 rw - -\n\n", bad[k]);
		memset(&out, 0x5a, sizeof(out));
		if (control_info_parse(buf, &out) != 0 || out.nclients != 2 ||
		    out.clients[0].id != 7 || out.clients[1].id != 9) {
			printf("#   '%s' not skipped (%zu clients)\n", bad[k],
			    out.nclients);
			t->case_failed++;
		}
	}
	/* The ends of the ranges, and leading zeros, are whole decimals. */
	CHECK_EQ_INT(t, control_info_parse("pid=2\npeer=4294967295 ro x "
	    "18446744073709551615\npeer=007 rw y 0\n", &out), 0);
	CHECK_EQ_INT(t, out.nclients, 2);
	CHECK(t, out.clients[0].id == UINT_MAX && out.clients[0].read_only &&
	    out.clients[0].last_contact == ULLONG_MAX);
	CHECK(t, out.clients[1].id == 7 && out.clients[1].last_contact == 0);
	/* A second line for an ID: the first is kept. */
	CHECK_EQ_INT(t, control_info_parse("pid=2\npeer=3 rw a 1\n"
	    "peer=3 ro b 2\n", &out), 0);
	CHECK_EQ_INT(t, out.nclients, 1);
	CHECK(t, check_str(out.clients[0].addr, "a"));
	/* Nothing after the empty line that ends the reply is read. */
	CHECK_EQ_INT(t, control_info_parse("pid=2\npeer=1 rw a 1\n\n"
	    "peer=2 rw b 1\n", &out), 0);
	CHECK_EQ_INT(t, out.nclients, 1);
	CHECK_EQ_INT(t, control_info_parse("pid=2\n\npeer=1 rw a 1\n", &out),
	    0);
	CHECK_EQ_INT(t, out.nclients, 0);
	/* Peer lines anywhere before it, the last without a newline. */
	CHECK_EQ_INT(t, control_info_parse("peer=5 ro a 1\npid=2\n"
	    "peer=6 rw b 2", &out), 0);
	CHECK_EQ_INT(t, out.nclients, 2);
	CHECK(t, out.clients[1].id == 6 && check_str(out.clients[1].addr,
	    "b"));
	/* No pid, no session: no clients either. */
	memset(&out, 0x5a, sizeof(out));
	CHECK_EQ_INT(t, control_info_parse("peer=1 rw a 1\n\n", &out), -1);
	CHECK_EQ_INT(t, out.nclients, 0);
}

/* An address cannot start a line of its own, or be more than one word,
 * whichever side wrote it; an over-long one is cut to its field. */
static void
test_info_clients_addr(struct check *t)
{
	struct control_info	 in, out;
	char			 buf[CONTROL_LINE_MAX], *big;
	size_t			 n = 3 * CONTROL_LINE_MAX, k;

	info_sample(&in);
	info_clients(&in, 2);
	snprintf(in.clients[0].addr, sizeof(in.clients[0].addr),
	    "1.2.3.4:5\npeer=9 rw 6.6.6.6:6 0");
	snprintf(in.clients[1].addr, sizeof(in.clients[1].addr),
	    "a b\x1b[2J\r\x7f");
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK(t, strstr(buf, "\npeer=1 rw 1.2.3.4:5?peer=9?rw?6.6.6.6:6?0 0\n"
	    "peer=2 ro a?b?[2J?? 7\n\n") != NULL);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, out.nclients, 2);
	CHECK(t, check_str(out.clients[0].addr,
	    "1.2.3.4:5?peer=9?rw?6.6.6.6:6?0"));
	CHECK(t, check_str(out.clients[1].addr, "a?b?[2J??"));
	/* An address without its NUL is written to its size, no further. */
	memset(in.clients[0].addr, 'q', sizeof(in.clients[0].addr));
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK_EQ_INT(t, strlen(out.clients[0].addr),
	    sizeof(out.clients[0].addr) - 1);
	/* A reader: control bytes from the server read as '?' (`list`
	 * prints them), bytes above 0x7f are kept (UTF-8). */
	CHECK_EQ_INT(t, control_info_parse("pid=2\npeer=1 rw \x1b]0;x\x07\xc3"
	    "\xa9 4\n\n", &out), 0);
	CHECK(t, check_str(out.clients[0].addr, "?]0;x?\xc3\xa9"));
	/* Over-long: cut to the field. */
	if ((big = malloc(n + 64)) == NULL) {
		CHECK(t, !"malloc");
		return;
	}
	k = (size_t)snprintf(big, 64, "pid=9\npeer=1 ro ");
	memset(big + k, 'v', n);
	memcpy(big + k + n, " 5\n\n", 5);
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, out.nclients, 1);
	CHECK_EQ_INT(t, strlen(out.clients[0].addr),
	    sizeof(out.clients[0].addr) - 1);
	CHECK_EQ_INT(t, out.clients[0].last_contact, 5);
	free(big);
}

/* A reply that does not fit is -1, never a cut one, never past len. */
static void
test_info_does_not_fit(struct check *t)
{
	struct control_info	 in, out;
	char			 buf[CONTROL_LINE_MAX + 16];
	size_t			 full, n;

	info_sample(&in);
	info_clients(&in, 3);
	CHECK_EQ_INT(t, control_info_format(&in, buf, sizeof(buf)), 0);
	full = strlen(buf) + 1;
	CHECK_EQ_INT(t, control_info_format(&in, buf, full), 0);
	for (n = 0; n < full; n++) {
		memset(buf, '#', sizeof(buf));
		if (control_info_format(&in, buf, n) != -1) {
			printf("#   fits in %zu of %zu\n", n, full);
			t->case_failed++;
		}
		if (buf[n] != '#') {
			printf("#   wrote past %zu\n", n);
			t->case_failed++;
		}
	}
	/* The largest reply fits CONTROL_LINE_MAX. */
	in.pid = LONG_MIN;
	in.started = in.last_contact = in.idle = ULLONG_MAX;
	in.port = INT_MIN;
	memset(in.iface, 'i', sizeof(in.iface));
	memset(in.state, 's', sizeof(in.state));
	memset(in.client, 'c', sizeof(in.client));
	memset(in.command, 'x', sizeof(in.command));
	CHECK_EQ_INT(t, control_info_format(&in, buf, CONTROL_LINE_MAX), 0);
	/* ...with every client a session may have, each at its longest. */
	in.nclients = CONTROL_CLIENTS_MAX;
	for (n = 0; n < CONTROL_CLIENTS_MAX; n++) {
		in.clients[n].id = UINT_MAX - (unsigned)n;
		in.clients[n].read_only = n % 2;
		in.clients[n].heard = true;
		memset(in.clients[n].addr, 'a', sizeof(in.clients[n].addr));
		in.clients[n].last_contact = ULLONG_MAX;
	}
	CHECK_EQ_INT(t, control_info_format(&in, buf, CONTROL_LINE_MAX), 0);
	/* A real one: a 1023-byte command, 16 clients with long IPv6
	 * addresses; it fits, and reads back whole. */
	info_sample(&in);
	memset(in.command, 'x', sizeof(in.command) - 1);
	in.nclients = 16;
	for (n = 0; n < in.nclients; n++) {
		in.clients[n].id = 4000000000U + (unsigned)n;
		in.clients[n].heard = true;
		snprintf(in.clients[n].addr, sizeof(in.clients[n].addr),
		    "[fd7a:115c:a1e0:ab12:4843:cd96:6258:%04zx]:65535", n);
		in.clients[n].last_contact = ULLONG_MAX - n;
	}
	CHECK_EQ_INT(t, control_info_format(&in, buf, CONTROL_LINE_MAX), 0);
	CHECK_EQ_INT(t, control_info_parse(buf, &out), 0);
	CHECK(t, info_equal(&in, &out));
}

/* "pid=9\nKEY=" and n 'v's, then the empty line, into big (n + 64). */
static void
long_value(char *big, size_t n, const char *key)
{
	size_t	 k = (size_t)snprintf(big, 32, "pid=9\n%s=", key);

	memset(big + k, 'v', n);
	memcpy(big + k + n, "\n\n", 3);
}

/* A reply from a server not trusted blindly. */
static void
test_info_parse_hostile(struct check *t)
{
	struct control_info	 out;
	char			*big;
	size_t			 n = 3 * CONTROL_LINE_MAX;

	/* Missing keys read as 0 and "". */
	CHECK_EQ_INT(t, control_info_parse("pid=77\n\n", &out), 0);
	CHECK_EQ_INT(t, out.pid, 77);
	CHECK_EQ_INT(t, out.started, 0);
	CHECK_EQ_INT(t, out.port, 0);
	CHECK(t, out.iface[0] == '\0' && out.state[0] == '\0' &&
	    out.client[0] == '\0' && out.command[0] == '\0');
	CHECK_EQ_INT(t, out.last_contact, 0);
	CHECK_EQ_INT(t, out.idle, 0);
	/* In any order, without the closing empty line. */
	CHECK_EQ_INT(t, control_info_parse("state=detached\nport=60009\n"
	    "pid=5", &out), 0);
	CHECK_EQ_INT(t, out.pid, 5);
	CHECK_EQ_INT(t, out.port, 60009);
	CHECK(t, check_str(out.state, "detached"));
	/* No pid: refused, the rest unread. */
	memset(&out, 0x5a, sizeof(out));
	CHECK_EQ_INT(t, control_info_parse("port=1\nstate=attached\n\n", &out),
	    -1);
	CHECK_EQ_INT(t, out.port, 0);
	CHECK_EQ_INT(t, control_info_parse("", &out), -1);
	CHECK_EQ_INT(t, control_info_parse("error=bad-argument\n\n", &out), -1);
	CHECK_EQ_INT(t, control_info_parse("pidx=1\nxpid=2\npid\n", &out), -1);

	/* Over-long values are cut to their field. */
	if ((big = malloc(n + 64)) == NULL) {
		CHECK(t, !"malloc");
		return;
	}
	long_value(big, n, "iface");
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, out.pid, 9);
	CHECK_EQ_INT(t, strlen(out.iface), sizeof(out.iface) - 1);
	CHECK(t, strspn(out.iface, "v") == sizeof(out.iface) - 1);
	long_value(big, n, "command");
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, strlen(out.command), sizeof(out.command) - 1);
	long_value(big, n, "client");
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, strlen(out.client), sizeof(out.client) - 1);
	long_value(big, n, "state");
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, strlen(out.state), sizeof(out.state) - 1);
	CHECK(t, out.client[0] == '\0');
	long_value(big, n, "port");
	CHECK_EQ_INT(t, control_info_parse(big, &out), 0);
	CHECK_EQ_INT(t, out.port, 0);
	free(big);
	/* Numbers that are not whole decimals in range read as 0; a pid
	 * that is not one is no session. */
	CHECK_EQ_INT(t, control_info_parse("pid=12abc\n", &out), -1);
	CHECK_EQ_INT(t, control_info_parse("pid= 12\n", &out), -1);
	CHECK_EQ_INT(t, control_info_parse("pid=12\nidle=x\nport=-1\n"
	    "last_contact=99999999999999999999999\n", &out), 0);
	CHECK_EQ_INT(t, out.pid, 12);
	CHECK_EQ_INT(t, out.idle, 0);
	CHECK_EQ_INT(t, out.port, 0);
	CHECK(t, out.last_contact == 0);
	/* Nothing after the empty line that ends the reply is read. */
	CHECK_EQ_INT(t, control_info_parse("pid=3\n\nstate=late\n", &out), 0);
	CHECK(t, out.state[0] == '\0');
	/* Control bytes a server sent in text read as '?': `list` prints
	 * it on a terminal. */
	CHECK_EQ_INT(t, control_info_parse("pid=3\ncommand=a\x1b]2;b\x07\r"
	    "\x7f\tc\xc3\xa9\nstate=\x01\n", &out), 0);
	CHECK(t, check_str(out.command, "a?]2;b????c\xc3\xa9"));
	CHECK(t, check_str(out.state, "?"));
	/* The first of two lines with a key. */
	CHECK_EQ_INT(t, control_info_parse("pid=1\npid=2\nstate=a\nstate=b\n",
	    &out), 0);
	CHECK_EQ_INT(t, out.pid, 1);
	CHECK(t, check_str(out.state, "a"));
}

static void
test_reply_get(struct check *t)
{
	static const char reply[] = "ok=1\nkey=value\nkeyx=no\nempty=\n"
	    "eq=a=b\nnokey\n=x\nlast=tail";
	char		 out[16];

	CHECK(t, control_reply_get(reply, "ok", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "1"));
	CHECK(t, control_reply_get(reply, "key", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "value"));
	CHECK(t, control_reply_get(reply, "keyx", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "no"));
	CHECK(t, control_reply_get(reply, "empty", out, sizeof(out)) == out);
	CHECK(t, check_str(out, ""));
	CHECK(t, control_reply_get(reply, "eq", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "a=b"));
	/* The last line needs no newline. */
	CHECK(t, control_reply_get(reply, "last", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "tail"));
	/* A key is a whole word at the start of a line. */
	memset(out, 'z', sizeof(out));
	CHECK(t, control_reply_get(reply, "k", out, sizeof(out)) == NULL);
	CHECK(t, out[0] == '\0');
	CHECK(t, control_reply_get(reply, "nokey", out, sizeof(out)) == NULL);
	CHECK(t, control_reply_get(reply, "alue", out, sizeof(out)) == NULL);
	CHECK(t, control_reply_get(reply, "ey", out, sizeof(out)) == NULL);
	CHECK(t, control_reply_get("", "ok", out, sizeof(out)) == NULL);
	CHECK(t, control_reply_get("\n\n", "ok", out, sizeof(out)) == NULL);
	CHECK(t, control_reply_get("ok", "ok", out, sizeof(out)) == NULL);
	/* Cut to fit out, never past it. */
	memset(out, 'z', sizeof(out));
	CHECK(t, control_reply_get("k=0123456789abcdefghij\n", "k", out, 8) ==
	    out);
	CHECK(t, check_str(out, "0123456"));
	CHECK(t, out[8] == 'z');
	CHECK(t, control_reply_get("k=abc\n", "k", out, 1) == out);
	CHECK(t, out[0] == '\0');
	/* The first of two lines with the key. */
	CHECK(t, control_reply_get("a=1\na=2\n", "a", out, sizeof(out)) == out);
	CHECK(t, check_str(out, "1"));
}

/* What one writer sent on a socket pair, as its reader gets it. */
static void
sent(int fd, char *buf, size_t len)
{
	ssize_t	 n = recv(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

/* kill's and attach's replies, written and read back. */
static void
test_replies_ok_and_connect(struct check *t)
{
	char	 buf[256], line[128];
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		CHECK(t, !"socketpair");
		return;
	}
	control_reply_ok(sv[0]);
	sent(sv[1], buf, sizeof(buf));
	CHECK(t, check_str(buf, "ok=1\n\n"));
	CHECK(t, control_reply_is_ok(buf));
	CHECK(t, !control_reply_is_ok("error=bad-byte\n\n"));
	control_reply_connect(sv[0], 60004, "AAAAAAAAAAAAAAAAAAAAAA");
	sent(sv[1], buf, sizeof(buf));
	CHECK_EQ_INT(t, control_reply_connect_line(buf, line, sizeof(line)), 0);
	CHECK(t, check_str(line, "MOSH CONNECT 60004 AAAAAAAAAAAAAAAAAAAAAA"));
	/* An error, or a line that does not fit, is no MOSH CONNECT. */
	control_reply_error(sv[0], "out of memory");
	sent(sv[1], buf, sizeof(buf));
	CHECK(t, check_str(buf, "error=out of memory\n\n"));
	CHECK_EQ_INT(t, control_reply_connect_line(buf, line, sizeof(line)),
	    -1);
	CHECK_EQ_INT(t, control_reply_connect_line("MOSH CONNECT 1 k\n", line,
	    10), -1);
	close(sv[0]);
	close(sv[1]);
}

CHECK_MAIN(
    CASE(test_request_ok), CASE(test_request_more_and_too_long),
    CASE(test_request_bad_byte), CASE(test_request_unknown),
    CASE(test_request_bad_arg), CASE(test_status_names),
    CASE(test_info_round_trip), CASE(test_info_control_bytes),
    CASE(test_info_clients_round_trip), CASE(test_info_clients_too_many),
    CASE(test_info_clients_hostile), CASE(test_info_clients_addr),
    CASE(test_info_does_not_fit), CASE(test_info_parse_hostile),
    CASE(test_reply_get), CASE(test_replies_ok_and_connect))

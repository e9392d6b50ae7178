/*
 * impair: a single-process UDP impairment proxy between one client and one
 * server, for tests on kernels without netem or dummy devices.
 *
 *   client --> [listen socket] impair [upstream socket] --> server (--to)
 *   client <-- [listen socket] impair [upstream socket] <-- server
 *
 * "up" is client->server, "down" is server->client. Replies go to the most
 * recent client source address, so a client that roams is followed.
 * Packets that survive loss wait in one bounded queue ordered by release
 * time (a binary heap over preallocated slots: no allocation per packet).
 *
 * Signals arrive through a signalfd, so there is no global mutable state
 * at all: everything lives in struct impair, which main owns.
 *   SIGTERM/SIGINT  print the stats line and exit 0
 *   SIGHUP          print the stats line (and rewrite --stats-file)
 *   SIGUSR1         roam: move upstream traffic to a new socket/source port
 *   SIGUSR2         toggle a blackout (drop everything both ways)
 *
 * On a roam the old upstream socket is closed at once, like a client whose
 * old address vanished: server replies still in flight to it are lost, and
 * the server learns the new port from the next upstream packet.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/toolutil.h"

#define EXIT_USAGE	2
#define SLOT_BYTES	65536		/* > largest UDP payload (65527) */
#define DEFAULT_SLOTS	4096
#define MAX_SLOTS	65536
#define DRAIN_BATCH	64		/* datagrams per socket per wakeup */
#define DEFAULT_HOLD_MS	50		/* reorder: release anyway after this */
#define MAX_MS		600000		/* delay/jitter/hold upper bound */
#define NS_PER_MS	1000000LL
#define NS_PER_SEC	1000000000LL

enum dir { UP = 0, DOWN = 1, NDIRS = 2 };
static const char *const dir_name[NDIRS] = { "up", "down" };

struct dir_params {
	double	 loss_pct;
	double	 dup_pct;
	double	 reorder_pct;
	int64_t	 delay_ns;
	int64_t	 jitter_ns;
};

struct dir_stats {
	uint64_t rx, rx_bytes;
	uint64_t fwd, fwd_bytes;
	uint64_t lost;		/* random loss */
	uint64_t blackout;	/* dropped during a blackout */
	uint64_t full;		/* queue full */
	uint64_t senderr;	/* sendto failed */
	uint64_t dup;		/* extra copies queued */
	uint64_t reordered;	/* released behind a later packet */
};

struct slot {
	int64_t	 release_ns;
	int64_t	 arrived_ns;	/* the kernel's receive time (CLOCK_REALTIME) */
	uint64_t order;		/* FIFO tie-break for equal release times */
	uint32_t len;
	uint8_t	 dir;
};

struct held {			/* reorder: one packet held back per direction */
	int	 slot;		/* -1 when nothing is held */
	int64_t	 deadline_ns;
};

struct splitmix {
	uint64_t state;
};

struct impair {
	struct dir_params	 params[NDIRS];
	struct dir_stats	 stats[NDIRS];
	struct held		 held[NDIRS];
	struct splitmix		 rng;
	uint64_t		 seed;
	int64_t			 hold_ns;

	struct sockaddr_storage	 listen_addr;
	socklen_t		 listen_len;
	struct sockaddr_storage	 to;
	socklen_t		 to_len;
	struct sockaddr_storage	 client;
	socklen_t		 client_len;	/* 0 until the client speaks */
	int			 listen_fd;
	int			 up_fd;
	int			 sig_fd;

	/* Preallocated queue: slots, their payloads, a heap and a free list. */
	uint32_t		 nslots;
	struct slot		*slots;
	unsigned char		*pool;
	size_t			 pool_bytes;
	uint32_t		*heap;
	uint32_t		 heap_len;
	uint32_t		*free_list;
	uint32_t		 free_len;
	uint64_t		 next_order;

	int64_t			 roam_every_ns;	/* 0: never */
	int64_t			 roam_next_ns;
	uint64_t		 roams;
	int			 blackout;
	int64_t			 blackout_on_ns;	/* -1: not scripted */
	int64_t			 blackout_off_ns;

	const char		*stats_file;
	const char		*port_file;
	const char		*pid_file;
	const char		*dump_file;
	FILE			*dump;		/* --dump: forwarded datagrams */
	int64_t			 start_ns;
	int64_t			 start_real_ns;	/* the same moment, CLOCK_REALTIME */
	int			 quit;

	unsigned char		 buf[SLOT_BYTES];
};

/* --- small helpers ------------------------------------------------------ */

/* A timespec in ns. */
static int64_t
ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

/* Clock `id` now, in ns. */
static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts_ns(&ts);
}

/* The monotonic clock in ns: every timer here runs on it. */
static int64_t
now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* splitmix64: tiny, seedable, good enough for coin flips in tests. */
static uint64_t
rng_next(struct splitmix *r)
{
	uint64_t z;

	z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct splitmix *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int
rng_percent(struct splitmix *r, double pct)
{
	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return 1;
	return rng_unit(r) * 100.0 < pct;
}


static void
usage(FILE *out)
{
	fprintf(out,
"usage: impair --listen [ADDR:]PORT --to ADDR:PORT [options]\n"
"  UDP proxy between one client and one server, with impairments.\n"
"  ADDR is numeric: 127.0.0.1 or [::1]. Default listen ADDR: 127.0.0.1.\n"
"  PORT 0 picks a free port (see --port-file).\n"
"Impairments (\"up\" = client->server, \"down\" = server->client);\n"
"each also exists as --NAME-up and --NAME-down:\n"
"  --loss PCT        drop PCT%% of packets\n"
"  --delay MS        delay every packet by MS milliseconds\n"
"  --jitter MS       add uniform random -MS..+MS to the delay (floor 0)\n"
"  --dup PCT         send an extra copy of PCT%% of packets\n"
"  --reorder PCT     hold PCT%% of packets back until the next one passes\n"
"  --reorder-hold MS release a held packet anyway after MS (default %d)\n"
"Events:\n"
"  --roam-every S    switch to a new upstream source port every S seconds\n"
"  --blackout-after S --blackout-for S\n"
"                    drop everything from S seconds after start, for S\n"
"Other:\n"
"  --seed N          PRNG seed (default: from time and pid; printed in stats)\n"
"  --queue N         queue slots (default %d, max %d)\n"
"  --port-file PATH  write the bound listen port here\n"
"  --pid-file PATH   write our pid here\n"
"  --stats-file PATH write the stats line here on exit and on SIGHUP\n"
"  --dump PATH       write every forwarded datagram to PATH (see README)\n"
"  --help            this text\n"
"Signals: TERM/INT exit and print stats to stderr; HUP print stats;\n"
"  USR1 roam now; USR2 toggle blackout.\n",
	    DEFAULT_HOLD_MS, DEFAULT_SLOTS, MAX_SLOTS);
}

/* --- argument parsing --------------------------------------------------- */

static int
parse_double(const char *s, double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}


/* Per-direction options: value = OPT_DIR_BASE + param * 3 + which. */
enum { P_LOSS, P_DELAY, P_JITTER, P_DUP, P_REORDER, NPARAMS };
enum { W_BOTH, W_UP, W_DOWN };
enum {
	OPT_LISTEN = 256, OPT_TO, OPT_SEED, OPT_ROAM_EVERY, OPT_BLACKOUT_AFTER,
	OPT_BLACKOUT_FOR, OPT_STATS_FILE, OPT_PORT_FILE, OPT_PID_FILE,
	OPT_QUEUE, OPT_HOLD, OPT_DUMP, OPT_HELP,
	OPT_DIR_BASE = 512
};
#define DIROPT(name, p)							\
	{ name,		required_argument, NULL, OPT_DIR_BASE + (p) * 3 + W_BOTH }, \
	{ name "-up",	required_argument, NULL, OPT_DIR_BASE + (p) * 3 + W_UP }, \
	{ name "-down",	required_argument, NULL, OPT_DIR_BASE + (p) * 3 + W_DOWN }

static const struct option long_opts[] = {
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "to",			required_argument, NULL, OPT_TO },
	{ "seed",		required_argument, NULL, OPT_SEED },
	{ "roam-every",		required_argument, NULL, OPT_ROAM_EVERY },
	{ "blackout-after",	required_argument, NULL, OPT_BLACKOUT_AFTER },
	{ "blackout-for",	required_argument, NULL, OPT_BLACKOUT_FOR },
	{ "stats-file",		required_argument, NULL, OPT_STATS_FILE },
	{ "port-file",		required_argument, NULL, OPT_PORT_FILE },
	{ "pid-file",		required_argument, NULL, OPT_PID_FILE },
	{ "queue",		required_argument, NULL, OPT_QUEUE },
	{ "reorder-hold",	required_argument, NULL, OPT_HOLD },
	{ "dump",		required_argument, NULL, OPT_DUMP },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	DIROPT("loss", P_LOSS),
	DIROPT("delay", P_DELAY),
	DIROPT("jitter", P_JITTER),
	DIROPT("dup", P_DUP),
	DIROPT("reorder", P_REORDER),
	{ NULL, 0, NULL, 0 }
};

static void
set_dir_param(struct dir_params *dp, int param, double v)
{
	switch (param) {
	case P_LOSS:	dp->loss_pct = v; break;
	case P_DELAY:	dp->delay_ns = (int64_t)(v * NS_PER_MS); break;
	case P_JITTER:	dp->jitter_ns = (int64_t)(v * NS_PER_MS); break;
	case P_DUP:	dp->dup_pct = v; break;
	case P_REORDER:	dp->reorder_pct = v; break;
	}
}

static int
bad_arg(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, "impair: --%s %s: %s (try --help)\n", opt, arg, why);
	return -1;
}

/* Returns 0, 1 for --help (exit 0), or -1 after printing why. */
static int
parse_args(struct impair *im, int argc, char **argv)
{
	const char	*listen_arg = NULL, *to_arg = NULL;
	double		 v, roam_s = 0, bo_after = -1, bo_for = -1;
	const char	*name;
	char		*end;
	int		 c, idx, param, which;

	opterr = 0;
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, "", long_opts, &idx);
		if (c == -1)
			break;
		if (c == '?') {
			/* getopt sets optopt only for a known option that
			 * lacks its argument. */
			fprintf(stderr, "impair: %s '%s' (try --help)\n",
			    optopt != 0 ? "missing argument for" :
			    "unknown option", argv[optind - 1]);
			return -1;
		}
		name = idx >= 0 ? long_opts[idx].name : "?";
		if (c >= OPT_DIR_BASE) {
			param = (c - OPT_DIR_BASE) / 3;
			which = (c - OPT_DIR_BASE) % 3;
			if (param == P_DELAY || param == P_JITTER) {
				if (parse_double(optarg, 0, MAX_MS, &v) != 0)
					return bad_arg(name, optarg,
					    "want milliseconds 0..600000");
			} else if (parse_double(optarg, 0, 100, &v) != 0)
				return bad_arg(name, optarg,
				    "want a percentage 0..100");
			if (which != W_DOWN)
				set_dir_param(&im->params[UP], param, v);
			if (which != W_UP)
				set_dir_param(&im->params[DOWN], param, v);
			continue;
		}
		switch (c) {
		case OPT_LISTEN:
			listen_arg = optarg;
			break;
		case OPT_TO:
			to_arg = optarg;
			break;
		case OPT_SEED:
			errno = 0;
			im->seed = strtoull(optarg, &end, 0);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-')
				return bad_arg(name, optarg, "want an integer");
			break;
		case OPT_ROAM_EVERY:
			if (parse_double(optarg, 0.01, 86400, &roam_s) != 0)
				return bad_arg(name, optarg,
				    "want seconds 0.01..86400");
			break;
		case OPT_BLACKOUT_AFTER:
			if (parse_double(optarg, 0, 86400, &bo_after) != 0)
				return bad_arg(name, optarg,
				    "want seconds 0..86400");
			break;
		case OPT_BLACKOUT_FOR:
			if (parse_double(optarg, 0.001, 86400, &bo_for) != 0)
				return bad_arg(name, optarg,
				    "want seconds 0.001..86400");
			break;
		case OPT_STATS_FILE:
			im->stats_file = optarg;
			break;
		case OPT_PORT_FILE:
			im->port_file = optarg;
			break;
		case OPT_PID_FILE:
			im->pid_file = optarg;
			break;
		case OPT_DUMP:
			im->dump_file = optarg;
			break;
		case OPT_QUEUE:
			if (parse_double(optarg, 1, MAX_SLOTS, &v) != 0 ||
			    v != (uint32_t)v)
				return bad_arg(name, optarg,
				    "want an integer 1..65536");
			im->nslots = (uint32_t)v;
			break;
		case OPT_HOLD:
			if (parse_double(optarg, 0, MAX_MS, &v) != 0)
				return bad_arg(name, optarg,
				    "want milliseconds 0..600000");
			im->hold_ns = (int64_t)(v * NS_PER_MS);
			break;
		case OPT_HELP:
			usage(stdout);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "impair: unexpected argument '%s' (try --help)\n",
		    argv[optind]);
		return -1;
	}
	if (listen_arg == NULL || to_arg == NULL) {
		fprintf(stderr, "impair: --listen and --to are required "
		    "(try --help)\n");
		return -1;
	}
	if (parse_addr(listen_arg, "127.0.0.1", &im->listen_addr,
	    &im->listen_len) != 0)
		return bad_arg("listen", listen_arg,
		    "want [ADDR:]PORT, ADDR numeric, v6 as [ADDR]");
	if (parse_addr(to_arg, NULL, &im->to, &im->to_len) != 0 ||
	    (im->to.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&im->to)->sin_port == 0) ||
	    (im->to.ss_family == AF_INET6 &&
	    ((struct sockaddr_in6 *)&im->to)->sin6_port == 0))
		return bad_arg("to", to_arg,
		    "want ADDR:PORT, ADDR numeric, v6 as [ADDR], PORT > 0");
	if ((bo_after >= 0) != (bo_for >= 0)) {
		fprintf(stderr, "impair: --blackout-after and --blackout-for "
		    "go together\n");
		return -1;
	}
	im->roam_every_ns = (int64_t)(roam_s * NS_PER_SEC);
	if (bo_after >= 0) {
		im->blackout_on_ns = (int64_t)(bo_after * NS_PER_SEC);
		im->blackout_off_ns = im->blackout_on_ns +
		    (int64_t)(bo_for * NS_PER_SEC);
	}
	return 0;
}

/* --- the queue: a min-heap on (release_ns, order) ---------------------- */

static int
slot_before(const struct impair *im, uint32_t a, uint32_t b)
{
	const struct slot *sa = &im->slots[a], *sb = &im->slots[b];

	if (sa->release_ns != sb->release_ns)
		return sa->release_ns < sb->release_ns;
	return sa->order < sb->order;
}

static void
heap_push(struct impair *im, uint32_t s)
{
	uint32_t i, parent, tmp;

	i = im->heap_len++;
	im->heap[i] = s;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!slot_before(im, im->heap[i], im->heap[parent]))
			break;
		tmp = im->heap[i];
		im->heap[i] = im->heap[parent];
		im->heap[parent] = tmp;
		i = parent;
	}
}

static uint32_t
heap_pop(struct impair *im)
{
	uint32_t top, i, l, r, m, tmp;

	top = im->heap[0];
	im->heap[0] = im->heap[--im->heap_len];
	i = 0;
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < im->heap_len && slot_before(im, im->heap[l], im->heap[m]))
			m = l;
		if (r < im->heap_len && slot_before(im, im->heap[r], im->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = im->heap[i];
		im->heap[i] = im->heap[m];
		im->heap[m] = tmp;
		i = m;
	}
	return top;
}

static unsigned char *
slot_data(struct impair *im, uint32_t s)
{
	return im->pool + (size_t)s * SLOT_BYTES;
}

static int
slot_alloc(struct impair *im)
{
	if (im->free_len == 0)
		return -1;
	return (int)im->free_list[--im->free_len];
}

static void
slot_free(struct impair *im, uint32_t s)
{
	im->free_list[im->free_len++] = s;
}

static int
queue_init(struct impair *im)
{
	uint32_t i;

	im->slots = calloc(im->nslots, sizeof *im->slots);
	im->heap = calloc(im->nslots, sizeof *im->heap);
	im->free_list = calloc(im->nslots, sizeof *im->free_list);
	if (im->slots == NULL || im->heap == NULL || im->free_list == NULL)
		return -1;
	/* Reserve address space only: pages are touched as packets use them. */
	im->pool_bytes = (size_t)im->nslots * SLOT_BYTES;
	im->pool = mmap(NULL, im->pool_bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (im->pool == MAP_FAILED) {
		im->pool = NULL;
		return -1;
	}
	for (i = 0; i < im->nslots; i++)
		im->free_list[i] = im->nslots - 1 - i;
	im->free_len = im->nslots;
	return 0;
}

static void
queue_free(struct impair *im)
{
	if (im->pool != NULL)
		munmap(im->pool, im->pool_bytes);
	free(im->slots);
	free(im->heap);
	free(im->free_list);
}

/* --- sockets ------------------------------------------------------------ */

static int
udp_socket(int family)
{
	int fd;

	int	 on = 1;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* Each datagram's arrival, for --dump: a burst shows as the sender
	 * sent it, not as our wakeups read it. */
	if (fd != -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
	return fd;
}

static int
open_listen(struct impair *im)
{
	int	 fd;

	if ((fd = udp_socket(im->listen_addr.ss_family)) == -1)
		goto fail;
	if (bind_port_file(fd, (struct sockaddr *)&im->listen_addr,
	    im->listen_len, im->port_file) != 0)
		goto fail;
	im->listen_fd = fd;
	return 0;
fail:
	fprintf(stderr, "impair: listen socket: %s\n", strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

/* Switch upstream traffic to a fresh socket (a new source port). */
static int
roam(struct impair *im)
{
	int fd;

	if ((fd = udp_socket(im->to.ss_family)) == -1) {
		fprintf(stderr, "impair: roam: %s\n", strerror(errno));
		return -1;
	}
	if (im->up_fd != -1)
		close(im->up_fd);
	im->up_fd = fd;
	return 0;
}

/* --- stats ---------------------------------------------------------------- */

static void
format_stats(const struct impair *im, char *out, size_t size)
{
	const struct dir_stats	*s;
	size_t			 used;
	int			 d, n;

	n = snprintf(out, size, "impair: seed=%llu roams=%llu blackout=%d "
	    "queued=%u", (unsigned long long)im->seed,
	    (unsigned long long)im->roams, im->blackout, im->heap_len);
	used = n > 0 ? (size_t)n : 0;
	for (d = 0; d < NDIRS && used < size; d++) {
		s = &im->stats[d];
		n = snprintf(out + used, size - used,
		    " %s.rx=%llu %s.rx_bytes=%llu %s.fwd=%llu %s.fwd_bytes=%llu"
		    " %s.dropped=%llu %s.lost=%llu %s.blackout=%llu"
		    " %s.full=%llu %s.senderr=%llu %s.dup=%llu"
		    " %s.reordered=%llu",
		    dir_name[d], (unsigned long long)s->rx,
		    dir_name[d], (unsigned long long)s->rx_bytes,
		    dir_name[d], (unsigned long long)s->fwd,
		    dir_name[d], (unsigned long long)s->fwd_bytes,
		    dir_name[d], (unsigned long long)(s->lost + s->blackout +
		    s->full + s->senderr),
		    dir_name[d], (unsigned long long)s->lost,
		    dir_name[d], (unsigned long long)s->blackout,
		    dir_name[d], (unsigned long long)s->full,
		    dir_name[d], (unsigned long long)s->senderr,
		    dir_name[d], (unsigned long long)s->dup,
		    dir_name[d], (unsigned long long)s->reordered);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used + 2 <= size) {
		out[used++] = '\n';
		out[used] = '\0';
	}
}

static void
report_stats(const struct impair *im)
{
	char line[2048];	/* worst case is about 850 bytes */

	format_stats(im, line, sizeof line);
	fputs(line, stderr);
	fflush(stderr);
	if (im->stats_file != NULL && write_file_atomic(im->stats_file, line))
		fprintf(stderr, "impair: %s: %s\n", im->stats_file,
		    strerror(errno));
}

/* --- the data path -------------------------------------------------------- */

static void
queue_slot(struct impair *im, uint32_t s, int64_t release_ns)
{
	im->slots[s].release_ns = release_ns;
	im->slots[s].order = im->next_order++;
	heap_push(im, s);
}

/* Release a held packet right behind the one just queued (or at its own
 * time if that is later). */
static void
release_held(struct impair *im, int d, int64_t after_ns, int reordered)
{
	struct held	*h = &im->held[d];
	uint32_t	 s;
	int64_t		 t;

	if (h->slot < 0)
		return;
	s = (uint32_t)h->slot;
	t = im->slots[s].release_ns;
	if (after_ns > t)
		t = after_ns;
	queue_slot(im, s, t);
	h->slot = -1;
	if (reordered)
		im->stats[d].reordered++;
}

static void
enqueue(struct impair *im, int d, const unsigned char *data, size_t len,
    int64_t now, int64_t arrived_ns)
{
	const struct dir_params	*p = &im->params[d];
	struct dir_stats	*st = &im->stats[d];
	int64_t			 release;
	int			 copies, i, s;

	if (im->blackout) {
		st->blackout++;
		return;
	}
	if (rng_percent(&im->rng, p->loss_pct)) {
		st->lost++;
		return;
	}
	copies = rng_percent(&im->rng, p->dup_pct) ? 2 : 1;
	for (i = 0; i < copies; i++) {
		if ((s = slot_alloc(im)) == -1) {
			st->full++;
			continue;
		}
		if (i > 0)
			st->dup++;
		memcpy(slot_data(im, (uint32_t)s), data, len);
		im->slots[s].len = (uint32_t)len;
		im->slots[s].arrived_ns = arrived_ns;
		im->slots[s].dir = (uint8_t)d;
		release = now + p->delay_ns;
		if (p->jitter_ns > 0)
			release += (int64_t)((rng_unit(&im->rng) * 2 - 1) *
			    (double)p->jitter_ns);
		if (release < now)
			release = now;
		if (im->held[d].slot < 0 &&
		    rng_percent(&im->rng, p->reorder_pct)) {
			/* Hold it: it goes out behind the next packet. */
			im->slots[s].release_ns = release;
			im->held[d].slot = s;
			im->held[d].deadline_ns = release + im->hold_ns;
			continue;
		}
		queue_slot(im, (uint32_t)s, release);
		release_held(im, d, release, 1);
	}
}

/*
 * --dump record: direction (0 up, 1 down), ms since start when it
 * arrived here (4 bytes, big-endian), length (2 bytes, big-endian), then
 * the datagram as sent.
 */
static void
dump_datagram(struct impair *im, int d, const unsigned char *p, uint32_t len,
    int64_t arrived_ns)
{
	unsigned char	 h[7];
	int64_t		 since;
	uint32_t	 ms;

	if (im->dump == NULL || len > 0xffff)
		return;
	since = arrived_ns != 0 ? arrived_ns - im->start_real_ns :
	    now_ns() - im->start_ns;
	ms = (uint32_t)((since > 0 ? since : 0) / NS_PER_MS);
	h[0] = (unsigned char)d;
	h[1] = (unsigned char)(ms >> 24);
	h[2] = (unsigned char)(ms >> 16);
	h[3] = (unsigned char)(ms >> 8);
	h[4] = (unsigned char)ms;
	h[5] = (unsigned char)(len >> 8);
	h[6] = (unsigned char)len;
	if (fwrite(h, 1, sizeof h, im->dump) != sizeof h ||
	    fwrite(p, 1, len, im->dump) != len) {
		fprintf(stderr, "impair: %s: write failed; dump stopped\n",
		    im->dump_file);
		fclose(im->dump);
		im->dump = NULL;
	}
}

static void
send_slot(struct impair *im, uint32_t s)
{
	struct slot		*sl = &im->slots[s];
	struct dir_stats	*st = &im->stats[sl->dir];
	ssize_t			 n;

	if (im->blackout) {
		st->blackout++;
		return;
	}
	if (sl->dir == UP)
		n = sendto(im->up_fd, slot_data(im, s), sl->len, 0,
		    (struct sockaddr *)&im->to, im->to_len);
	else if (im->client_len != 0)
		n = sendto(im->listen_fd, slot_data(im, s), sl->len, 0,
		    (struct sockaddr *)&im->client, im->client_len);
	else
		n = -1;
	if (n != (ssize_t)sl->len) {
		st->senderr++;
		return;
	}
	st->fwd++;
	st->fwd_bytes += sl->len;
	dump_datagram(im, sl->dir, slot_data(im, s), sl->len, sl->arrived_ns);
}

static void
release_due(struct impair *im, int64_t now)
{
	uint32_t s;

	while (im->heap_len > 0 && im->slots[im->heap[0]].release_ns <= now) {
		s = heap_pop(im);
		send_slot(im, s);
		slot_free(im, s);
	}
}

static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	}
	return 0;
}

/* Read what is waiting on one socket (bounded, so neither side starves). */
static void
drain(struct impair *im, int d, int64_t now)
{
	struct sockaddr_storage	 from;
	socklen_t		 from_len;
	ssize_t			 n;
	int			 i, fd;
	struct iovec		 iov;
	struct msghdr		 msg;
	struct cmsghdr		*cm;
	struct timespec		 ts;
	int64_t			 arrived;
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(struct timespec))];
	} ctl;

	fd = d == UP ? im->listen_fd : im->up_fd;
	for (i = 0; i < DRAIN_BATCH; i++) {
		iov.iov_base = im->buf;
		iov.iov_len = sizeof im->buf;
		memset(&msg, 0, sizeof msg);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof from;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof ctl.buf;
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return;	/* EAGAIN, or an ICMP error: nothing to do */
		from_len = msg.msg_namelen;
		arrived = 0;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				memcpy(&ts, CMSG_DATA(cm), sizeof ts);
				arrived = ts_ns(&ts);
			}
		}
		if (d == UP) {
			/* Follow the client wherever it now sends from. */
			memcpy(&im->client, &from, from_len);
			im->client_len = from_len;
		} else if (!same_addr(&from, &im->to))
			continue;	/* not our server: ignore */
		im->stats[d].rx++;
		im->stats[d].rx_bytes += (uint64_t)n;
		enqueue(im, d, im->buf, (size_t)n, now, arrived);
	}
}

/* --- timers, signals, main loop ------------------------------------------ */

static void
set_blackout(struct impair *im, int on)
{
	int d;

	im->blackout = on;
	if (!on)
		return;
	/* A held packet would otherwise leak through after the blackout. */
	for (d = 0; d < NDIRS; d++) {
		if (im->held[d].slot < 0)
			continue;
		slot_free(im, (uint32_t)im->held[d].slot);
		im->held[d].slot = -1;
		im->stats[d].blackout++;
	}
}

static void
run_timers(struct impair *im, int64_t start, int64_t now)
{
	int d;

	if (im->roam_every_ns > 0 && now >= im->roam_next_ns) {
		if (roam(im) == 0)
			im->roams++;
		im->roam_next_ns = now + im->roam_every_ns;
	}
	if (im->blackout_on_ns >= 0 && now >= start + im->blackout_on_ns) {
		set_blackout(im, 1);
		im->blackout_on_ns = -1;
	}
	if (im->blackout_on_ns < 0 && im->blackout_off_ns >= 0 &&
	    now >= start + im->blackout_off_ns) {
		set_blackout(im, 0);
		im->blackout_off_ns = -1;
	}
	for (d = 0; d < NDIRS; d++)
		if (im->held[d].slot >= 0 && now >= im->held[d].deadline_ns)
			release_held(im, d, now, 0);
}

static int
poll_timeout_ms(const struct impair *im, int64_t start, int64_t now)
{
	int64_t	 next = INT64_MAX, wait;
	int	 d;

	if (im->heap_len > 0)
		next = im->slots[im->heap[0]].release_ns;
	if (im->roam_every_ns > 0 && im->roam_next_ns < next)
		next = im->roam_next_ns;
	if (im->blackout_on_ns >= 0 && start + im->blackout_on_ns < next)
		next = start + im->blackout_on_ns;
	else if (im->blackout_on_ns < 0 && im->blackout_off_ns >= 0 &&
	    start + im->blackout_off_ns < next)
		next = start + im->blackout_off_ns;
	for (d = 0; d < NDIRS; d++)
		if (im->held[d].slot >= 0 && im->held[d].deadline_ns < next)
			next = im->held[d].deadline_ns;
	if (next == INT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	wait = (next - now + NS_PER_MS - 1) / NS_PER_MS;	/* round up */
	return wait > INT_MAX ? INT_MAX : (int)wait;
}

static int
open_signals(struct impair *im)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	im->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return im->sig_fd == -1 ? -1 : 0;
}

static void
handle_signals(struct impair *im)
{
	struct signalfd_siginfo si;

	while (read(im->sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			im->quit = 1;
			break;
		case SIGHUP:
			report_stats(im);
			break;
		case SIGUSR1:
			if (roam(im) == 0)
				im->roams++;
			break;
		case SIGUSR2:
			set_blackout(im, !im->blackout);
			break;
		}
	}
}

static int
run(struct impair *im)
{
	struct pollfd	 pfd[3];
	int64_t		 start, now;
	int		 timeout;

	start = im->start_ns;
	im->roam_next_ns = start + im->roam_every_ns;
	while (!im->quit) {
		now = now_ns();
		run_timers(im, start, now);
		release_due(im, now);
		timeout = poll_timeout_ms(im, start, now);

		pfd[0].fd = im->sig_fd;
		pfd[1].fd = im->listen_fd;
		pfd[2].fd = im->up_fd;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, timeout) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "impair: poll: %s\n", strerror(errno));
			return -1;
		}
		now = now_ns();
		if (pfd[1].revents & (POLLIN | POLLERR))
			drain(im, UP, now);
		if (pfd[2].revents & (POLLIN | POLLERR))
			drain(im, DOWN, now);
		/* Signals last: a roam must not close the fd polled above
		 * before it is drained. */
		if (pfd[0].revents & POLLIN)
			handle_signals(im);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct impair	*im;
	char		 text[32];
	int		 rc = 1, d;

	if ((im = calloc(1, sizeof *im)) == NULL) {
		perror("impair");
		return 1;
	}
	im->listen_fd = im->up_fd = im->sig_fd = -1;
	im->nslots = DEFAULT_SLOTS;
	im->hold_ns = DEFAULT_HOLD_MS * NS_PER_MS;
	im->blackout_on_ns = im->blackout_off_ns = -1;
	im->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	for (d = 0; d < NDIRS; d++)
		im->held[d].slot = -1;

	switch (parse_args(im, argc, argv)) {
	case 0:
		break;
	case 1:
		rc = 0;
		goto out;
	default:
		rc = EXIT_USAGE;
		goto out;
	}
	im->rng.state = im->seed;

	if (queue_init(im) != 0) {
		fprintf(stderr, "impair: queue of %u slots: %s\n", im->nslots,
		    strerror(errno));
		goto out;
	}
	if (open_signals(im) != 0) {
		fprintf(stderr, "impair: signals: %s\n", strerror(errno));
		goto out;
	}
	/* The pid file first: a test that saw the port file may signal us. */
	if (im->pid_file != NULL) {
		snprintf(text, sizeof text, "%ld\n", (long)getpid());
		if (write_file_atomic(im->pid_file, text) != 0) {
			fprintf(stderr, "impair: %s: %s\n", im->pid_file,
			    strerror(errno));
			goto out;
		}
	}
	im->start_ns = now_ns();
	im->start_real_ns = clock_ns(CLOCK_REALTIME);
	if (im->dump_file != NULL &&
	    (im->dump = fopen(im->dump_file, "we")) == NULL) {
		fprintf(stderr, "impair: %s: %s\n", im->dump_file,
		    strerror(errno));
		goto out;
	}
	/* Upstream socket, then the listen socket and its port file. */
	if (roam(im) != 0 || open_listen(im) != 0)
		goto out;
	if (run(im) == 0)
		rc = 0;
	report_stats(im);
out:
	if (im->listen_fd != -1)
		close(im->listen_fd);
	if (im->up_fd != -1)
		close(im->up_fd);
	if (im->sig_fd != -1)
		close(im->sig_fd);
	if (im->dump != NULL && fclose(im->dump) != 0) {
		fprintf(stderr, "impair: %s: %s\n", im->dump_file,
		    strerror(errno));
		rc = 1;
	}
	queue_free(im);
	free(im);
	return rc;
}

#include <stdlib.h>
#include <string.h>

#include "proto/msg.h"
#include "proto/userstream.h"

struct userstream *
userstream_new(void)
{
	return calloc(1, sizeof(struct userstream));
}

void
userstream_free(struct userstream *u)
{
	if (u == NULL)
		return;
	free(u->ev);
	free(u);
}

static int
userstream_grow(struct userstream *u, size_t extra)
{
	struct user_event *p;
	size_t		 cap;

	if (u->n + extra <= u->cap)
		return 0;
	cap = u->cap ? u->cap : 64;
	while (cap < u->n + extra)
		cap *= 2;
	if ((p = reallocarray(u->ev, cap, sizeof(*p))) == NULL)
		return -1;
	u->ev = p;
	u->cap = cap;
	return 0;
}

int
userstream_push_keys(struct userstream *u, const uint8_t *p, size_t len)
{
	size_t	 i;

	if (userstream_grow(u, len) != 0)
		return -1;
	for (i = 0; i < len; i++) {
		memset(&u->ev[u->n], 0, sizeof(u->ev[0]));
		u->ev[u->n].type = USER_EVENT_BYTE;
		u->ev[u->n].byte = p[i];
		u->n++;
	}
	return 0;
}

int
userstream_push_resize(struct userstream *u, int32_t w, int32_t h)
{
	if (userstream_grow(u, 1) != 0)
		return -1;
	memset(&u->ev[u->n], 0, sizeof(u->ev[0]));
	u->ev[u->n].type = USER_EVENT_RESIZE;
	u->ev[u->n].width = w;
	u->ev[u->n].height = h;
	u->n++;
	return 0;
}

static void *
us_clone(const void *s)
{
	const struct userstream *u = s;
	struct userstream *c;

	if ((c = userstream_new()) == NULL)
		return NULL;
	if (u->n > 0) {
		if (userstream_grow(c, u->n) != 0) {
			userstream_free(c);
			return NULL;
		}
		memcpy(c->ev, u->ev, u->n * sizeof(u->ev[0]));
		c->n = u->n;
	}
	return c;
}

static void
us_free(void *s)
{
	userstream_free(s);
}

static bool
us_event_equal(const struct user_event *a, const struct user_event *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == USER_EVENT_BYTE)
		return a->byte == b->byte;
	return a->width == b->width && a->height == b->height;
}

static bool
us_equal(const void *x, const void *y)
{
	const struct userstream *a = x, *b = y;
	size_t	 i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!us_event_equal(&a->ev[i], &b->ev[i]))
			return false;
	return true;
}

/* `from` is always a prefix of `to`: the diff is what follows it. */
static int
us_diff(const void *f, const void *t, struct buf *out)
{
	const struct userstream *from = f, *to = t;
	size_t	 i, j;
	uint8_t	 run[512];

	if (from->n > to->n)
		return -1;
	for (i = from->n; i < to->n;) {
		if (to->ev[i].type == USER_EVENT_RESIZE) {
			if (user_msg_add_resize(out, to->ev[i].width,
			    to->ev[i].height) != 0)
				return -1;
			i++;
			continue;
		}
		/* Coalesce a run of key bytes into one Keystroke. */
		for (j = i; j < to->n && to->ev[j].type == USER_EVENT_BYTE; j++)
			;
		while (i < j) {
			size_t	 k, n = j - i < sizeof(run) ? j - i : sizeof(run);

			for (k = 0; k < n; k++)
				run[k] = to->ev[i + k].byte;
			/* mosh sends one Keystroke per run; a long run
			 * split in pieces reads back as the same bytes. */
			if (user_msg_add_keys(out, run, n) != 0)
				return -1;
			i += n;
		}
	}
	return 0;
}

static int
us_apply_keys(void *arg, const uint8_t *p, size_t len)
{
	return userstream_push_keys(arg, p, len) == 0 ? 0 : PROTO_ERR_NOMEM;
}

static int
us_apply_resize(void *arg, int32_t w, int32_t h)
{
	return userstream_push_resize(arg, w, h) == 0 ? 0 : PROTO_ERR_NOMEM;
}

static enum proto_err
us_apply(void *s, const uint8_t *p, size_t len)
{
	struct user_msg_handler h = { us_apply_keys, us_apply_resize, s };

	return (enum proto_err)user_msg_parse(p, len, &h);
}

static void
us_subtract(void *s, const void *prefix)
{
	struct userstream *u = s;
	const struct userstream *pre = prefix;
	size_t	 n;

	if (u == pre) {
		u->n = 0;
		return;
	}
	n = pre->n < u->n ? pre->n : u->n;
	if (n == 0)
		return;
	memmove(u->ev, u->ev + n, (u->n - n) * sizeof(u->ev[0]));
	u->n -= n;
}

const struct ssp_state_ops userstream_ops = {
	us_clone, us_free, us_equal, us_diff, us_apply, us_subtract,
};

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
	free(u->keys);
	free(u->resize);
	free(u);
}

void
userstream_set_caps(struct userstream *u, uint32_t caps)
{
	u->caps = caps;
}

size_t
userstream_events(const struct userstream *u)
{
	return u->nkeys + u->nresize;
}

/* Room for `extra` more elements of `size` bytes in *p; 0, or -1. */
static int
us_grow(void **p, size_t *cap, size_t n, size_t extra, size_t size)
{
	void	*np;
	size_t	 c;

	if (extra <= *cap - n)
		return 0;
	if (extra > SIZE_MAX / 2 / size - n)
		return -1;
	c = *cap ? *cap : 64;
	while (c - n < extra)
		c *= 2;
	if ((np = reallocarray(*p, c, size)) == NULL)
		return -1;
	*p = np;
	*cap = c;
	return 0;
}

int
userstream_push_keys(struct userstream *u, const uint8_t *p, size_t len)
{
	if (len == 0)
		return 0;
	if (us_grow((void **)&u->keys, &u->keys_cap, u->nkeys, len, 1) != 0)
		return -1;
	memcpy(u->keys + u->nkeys, p, len);
	u->nkeys += len;
	return 0;
}

int
userstream_push_resize(struct userstream *u, int32_t w, int32_t h)
{
	struct user_resize *r;

	if (us_grow((void **)&u->resize, &u->resize_cap, u->nresize, 1,
	    sizeof(*u->resize)) != 0)
		return -1;
	r = &u->resize[u->nresize++];
	r->at = u->nkeys;
	r->width = w;
	r->height = h;
	return 0;
}

static void *
us_clone(const void *s)
{
	const struct userstream *u = s;
	struct userstream *c;

	if ((c = userstream_new()) == NULL)
		return NULL;
	if (userstream_push_keys(c, u->keys, u->nkeys) != 0 ||
	    (u->nresize > 0 && us_grow((void **)&c->resize, &c->resize_cap, 0,
	    u->nresize, sizeof(*c->resize)) != 0)) {
		userstream_free(c);
		return NULL;
	}
	if (u->nresize > 0)
		memcpy(c->resize, u->resize, u->nresize * sizeof(*c->resize));
	c->nresize = u->nresize;
	c->caps = u->caps;
	return c;
}

static void
us_free(void *s)
{
	userstream_free(s);
}

static bool
us_equal(const void *x, const void *y)
{
	const struct userstream *a = x, *b = y;
	size_t	 i;

	if (a->nkeys != b->nkeys || a->nresize != b->nresize ||
	    a->caps != b->caps)
		return false;
	if (a->nkeys > 0 && memcmp(a->keys, b->keys, a->nkeys) != 0)
		return false;
	for (i = 0; i < a->nresize; i++) {
		if (a->resize[i].at != b->resize[i].at ||
		    a->resize[i].width != b->resize[i].width ||
		    a->resize[i].height != b->resize[i].height)
			return false;
	}
	return true;
}

/* `from` is always a prefix of `to`: the diff is what follows it. */
static int
us_diff(const void *f, const void *t, struct buf *out)
{
	const struct userstream *from = f, *to = t;
	size_t	 k = from->nkeys, r = from->nresize, end;

	if (from->nkeys > to->nkeys || from->nresize > to->nresize)
		return -1;
	/* First: a server acts on it before the keys that follow. */
	if (to->caps != from->caps && user_msg_add_caps(out, to->caps) != 0)
		return -1;
	while (k < to->nkeys || r < to->nresize) {
		if (r < to->nresize && to->resize[r].at <= k) {
			if (user_msg_add_resize(out, to->resize[r].width,
			    to->resize[r].height) != 0)
				return -1;
			r++;
			continue;
		}
		/* The run of key bytes up to the next resize: one
		 * Keystroke, as mosh sends it. */
		end = r < to->nresize ? to->resize[r].at : to->nkeys;
		if (user_msg_add_keys(out, to->keys + k, end - k) != 0)
			return -1;
		k = end;
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

static int
us_apply_caps(void *arg, uint32_t caps)
{
	((struct userstream *)arg)->caps = caps;
	return 0;
}

static enum proto_err
us_apply(void *s, const uint8_t *p, size_t len)
{
	struct user_msg_handler h = { us_apply_keys, us_apply_resize, s,
	    us_apply_caps };

	return (enum proto_err)user_msg_parse(p, len, &h);
}

static void
us_subtract(void *s, const void *prefix)
{
	struct userstream *u = s;
	const struct userstream *pre = prefix;
	size_t	 nk, nr, i;

	if (u == pre) {
		u->nkeys = 0;
		u->nresize = 0;
		return;
	}
	nk = pre->nkeys < u->nkeys ? pre->nkeys : u->nkeys;
	nr = pre->nresize < u->nresize ? pre->nresize : u->nresize;
	if (nk > 0)
		memmove(u->keys, u->keys + nk, u->nkeys - nk);
	u->nkeys -= nk;
	if (nr > 0)
		memmove(u->resize, u->resize + nr,
		    (u->nresize - nr) * sizeof(*u->resize));
	u->nresize -= nr;
	for (i = 0; i < u->nresize; i++)
		u->resize[i].at = u->resize[i].at > nk ? u->resize[i].at - nk : 0;
}

/* What the state's arrays take; a clone shares nothing. */
static size_t
us_held(const void *s)
{
	const struct userstream *u = s;

	return sizeof(*u) + u->keys_cap + u->resize_cap * sizeof(*u->resize);
}

const struct ssp_state_ops userstream_ops = {
	us_clone, us_free, us_equal, us_diff, us_apply, us_subtract, us_held,
};

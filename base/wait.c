/* A poll(2) timeout as the least of an event loop's deadlines. */
#include <limits.h>

#include "base/base.h"

/* The first bound, or none (negative) until the first for/until. */
void
base_wait_init(struct base_wait *w, int cap_ms)
{
	w->ms = cap_ms;
}

/* Lowers the timeout to ms when that is sooner. */
void
base_wait_for(struct base_wait *w, uint64_t ms)
{
	if (w->ms < 0 || ms < (uint64_t)w->ms)
		w->ms = ms > INT_MAX ? INT_MAX : (int)ms;
}

/* since + span may not fit in 64 bits (a span of "never" is UINT64_MAX),
 * so what is left is counted from the difference, saturating. */
void
base_wait_until(struct base_wait *w, uint64_t since, uint64_t span,
    uint64_t now)
{
	uint64_t	 ahead, left;

	if (now >= since)
		left = now - since >= span ? 0 : span - (now - since);
	else {
		ahead = since - now;
		left = span > UINT64_MAX - ahead ? UINT64_MAX : span + ahead;
	}
	base_wait_for(w, left);
}

#include "client/gather.h"

void
gather_read(struct gather *g, bool paste, uint64_t now)
{
	if (!paste) {
		g->on = false;
		return;
	}
	if (!g->on) {
		g->on = true;
		g->since = now;
	}
	g->last = now;
}

void
gather_idle(struct gather *g, uint64_t now)
{
	if (g->on && now - g->last >= GATHER_QUIET_MS)
		g->on = false;	/* nothing more came */
}

bool
gather_holding(const struct gather *g, uint64_t now)
{
	return g->on && now - g->since < GATHER_MAX_MS;
}

uint64_t
gather_wait(const struct gather *g, uint64_t now)
{
	uint64_t	 end, cap;

	if (!g->on)
		return UINT64_MAX;
	end = g->last + GATHER_QUIET_MS;
	cap = g->since + GATHER_MAX_MS;
	if (cap > now && cap < end)
		end = cap;
	return end > now ? end - now : 0;
}

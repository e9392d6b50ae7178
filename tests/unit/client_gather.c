/*
 * The client's paste gathering (client/gather.h) on a simulated clock:
 * when a paste's state is held back, when the hold ends, and how long the
 * loop may sleep meanwhile.
 */
#include "client/gather.h"
#include "tests/unit/check.h"

/* Typing is never held. */
static void
test_typing(struct check *t)
{
	struct gather	 g = { 0 };
	uint64_t	 now;

	for (now = 100; now < 130; now += 1) {
		gather_read(&g, false, now);
		CHECK(t, !gather_holding(&g, now));
		CHECK(t, gather_wait(&g, now) == UINT64_MAX);
		gather_idle(&g, now);
	}
}

/* Reads 1 ms apart: held until GATHER_MAX_MS after the first, then the
 * state goes on every turn while the paste still pours. */
static void
test_paste_capped(struct check *t)
{
	struct gather	 g = { 0 };
	uint64_t	 now;

	for (now = 0; now < 30; now++) {
		gather_read(&g, true, now);
		CHECK_EQ_INT(t, gather_holding(&g, now), now < GATHER_MAX_MS);
	}
	/* It began at 0, not at 0 read as "none". */
	CHECK_EQ_INT(t, g.since, 0);
}

/* A gap shorter than the quiet period does not end it; one as long does. */
static void
test_quiet(struct check *t)
{
	struct gather	 g = { 0 };

	gather_read(&g, true, 1000);
	gather_idle(&g, 1000 + GATHER_QUIET_MS - 1);
	CHECK(t, gather_holding(&g, 1000 + GATHER_QUIET_MS - 1));
	gather_read(&g, true, 1004);
	gather_idle(&g, 1004 + GATHER_QUIET_MS - 1);
	CHECK(t, gather_holding(&g, 1004 + GATHER_QUIET_MS - 1));
	gather_idle(&g, 1004 + GATHER_QUIET_MS);
	CHECK(t, !gather_holding(&g, 1004 + GATHER_QUIET_MS));
	CHECK(t, gather_wait(&g, 1004 + GATHER_QUIET_MS) == UINT64_MAX);
	/* The next paste is gathered from its own start. */
	gather_read(&g, true, 2000);
	CHECK_EQ_INT(t, g.since, 2000);
	CHECK(t, gather_holding(&g, 2000 + GATHER_MAX_MS - 1));
}

/* A key typed in the middle ends it at once. */
static void
test_typed_ends(struct check *t)
{
	struct gather	 g = { 0 };

	gather_read(&g, true, 50);
	gather_read(&g, false, 51);
	CHECK(t, !gather_holding(&g, 51));
}

/* The wait: to the quiet's end, or to the cap when that comes first;
 * never 0 while a moment is still ahead (a wait of 0 for a cap already
 * past made the loop spin through the quiet period). */
static void
test_wait(struct check *t)
{
	struct gather	 g = { 0 };
	uint64_t	 now;

	gather_read(&g, true, 10);
	CHECK_EQ_INT(t, gather_wait(&g, 10), GATHER_QUIET_MS);
	gather_read(&g, true, 10 + GATHER_MAX_MS - 1);
	CHECK_EQ_INT(t, gather_wait(&g, 10 + GATHER_MAX_MS - 1), 1);
	/* Past the cap, still pouring: only the quiet's end is waited for. */
	for (now = 10 + GATHER_MAX_MS; now < 10 + 3 * GATHER_MAX_MS; now++) {
		gather_read(&g, true, now);
		CHECK_EQ_INT(t, gather_wait(&g, now), GATHER_QUIET_MS);
		CHECK(t, gather_wait(&g, now + 1) > 0);
	}
	/* At the quiet's end: 0, and the idle turn then ends it. */
	now = g.last + GATHER_QUIET_MS;
	CHECK_EQ_INT(t, gather_wait(&g, now), 0);
	gather_idle(&g, now);
	CHECK(t, gather_wait(&g, now) == UINT64_MAX);
}

CHECK_MAIN(
    CASE(test_typing), CASE(test_paste_capped), CASE(test_quiet),
    CASE(test_typed_ends), CASE(test_wait))

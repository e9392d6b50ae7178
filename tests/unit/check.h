/*
 * A tiny test harness: each check prints one TAP-like line that tests/run
 * counts ("ok - name" / "not ok - name: why"). State lives in a struct the
 * test's main owns, never in globals.
 */
#ifndef TSMOSH_TESTS_CHECK_H
#define TSMOSH_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

struct check {
	int	 passed;
	int	 failed;
	int	 case_failed;	/* failures inside the running case */
	const char *name;
};

#define CHECK(t, cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: CHECK(%s) failed\n",			\
		    __FILE__, __LINE__, #cond);				\
		(t)->case_failed++;					\
	}								\
} while (0)

#define CHECK_EQ_INT(t, a, b) do {					\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);	\
	if (check_a_ != check_b_) {					\
		printf("#   %s:%d: %s == %s: %lld != %lld\n",		\
		    __FILE__, __LINE__, #a, #b, check_a_, check_b_);	\
		(t)->case_failed++;					\
	}								\
} while (0)

#define CHECK_MEM(t, a, b, n) do {					\
	if (memcmp((a), (b), (n)) != 0) {				\
		printf("#   %s:%d: memcmp(%s, %s, %s) differs\n",	\
		    __FILE__, __LINE__, #a, #b, #n);			\
		(t)->case_failed++;					\
	}								\
} while (0)

#define RUN(t, fn) check_run((t), #fn, fn)

static inline void
check_run(struct check *t, const char *name, void (*fn)(struct check *))
{
	t->case_failed = 0;
	t->name = name;
	fn(t);
	if (t->case_failed == 0) {
		t->passed++;
		printf("ok - %s\n", name);
	} else {
		t->failed++;
		printf("not ok - %s\n", name);
	}
	fflush(stdout);
}

static inline int
check_done(const struct check *t)
{
	return t->failed == 0 ? 0 : 1;
}

#endif

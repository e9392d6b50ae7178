/*
 * A tiny test harness: each check prints one TAP-like line that tests/run
 * counts ("ok - name" / "not ok - name: why"). State lives in a struct that
 * check_cases (the test's main) owns, never in globals.
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

/* A test program's cases, each named after its function by CASE(fn). */
struct check_case {
	const char *name;
	void	(*fn)(struct check *);
};
/* Are two strings equal? If not, says what each is (for CHECK). */
static inline int
check_str(const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		printf("#   got  '%s'\n#   want '%s'\n", got, want);
		return 0;
	}
	return 1;
}

#define CASE(fn)	{ #fn, fn }

/*
 * Calls setup (unless NULL), runs every case in order and returns main's
 * exit status: 1 if any failed.
 */
static inline int
check_cases(void (*setup)(void), const struct check_case *cases, size_t n)
{
	struct check t = { 0 };

	if (setup != NULL)
		setup();
	for (size_t i = 0; i < n; i++)
		check_run(&t, cases[i].name, cases[i].fn);
	return check_done(&t);
}

/*
 * A test program's main is its list of cases: CHECK_MAIN(CASE(a),
 * CASE(b), ...), or CHECK_MAIN_SETUP(fn, CASE(a), ...) to call fn first.
 */
#define CHECK_MAIN(...)	CHECK_MAIN_SETUP(NULL, __VA_ARGS__)
#define CHECK_MAIN_SETUP(setup, ...)					\
int									\
main(void)								\
{									\
	static const struct check_case check_cases_[] = { __VA_ARGS__ };	\
									\
	return check_cases((setup), check_cases_,			\
	    sizeof(check_cases_) / sizeof(check_cases_[0]));		\
}

#endif

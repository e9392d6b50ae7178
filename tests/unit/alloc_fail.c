/*
 * Allocation failures leave whole states behind: every allocation of an
 * operation is made to fail in turn (the Nth, for N = 1, 2, ... until the
 * operation succeeds), and after each failure the object must be exactly
 * as before. Covers the emulator's resize (two screens) and the server's
 * re-key (new key and new transport).
 *
 * malloc and friends are replaced for this program by wrappers around
 * glibc's own; ASan replaces them too, so the sanitizer build skips it.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/conn.h"
#include "proto/ssp.h"
#include "proto/userstream.h"
#include "term/emu.h"
#include "term/fb.h"
#include "tests/unit/check.h"

#if defined(__SANITIZE_ADDRESS__)
int
main(void)
{
	printf("skip - alloc_fail: the sanitizer runtime owns malloc\n");
	return 0;
}
#else

void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);
void	 __libc_free(void *);

/*
 * The one global of this program: malloc has no argument to carry it.
 * fail_at: the allocation number that fails (0: none); count: made so far.
 */
static struct {
	unsigned long	 fail_at;
	unsigned long	 count;
	int		 failed;
} fault;

/* Should this allocation fail? */
static int
fault_now(void)
{
	if (fault.fail_at == 0 || ++fault.count != fault.fail_at)
		return 0;
	fault.failed = 1;
	return 1;
}

void *
malloc(size_t n)
{
	return fault_now() ? (errno = ENOMEM, NULL) : __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	return fault_now() ? (errno = ENOMEM, NULL) : __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	return fault_now() ? (errno = ENOMEM, NULL) : __libc_realloc(p, n);
}

void *
reallocarray(void *p, size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b)
		return errno = ENOMEM, NULL;
	return realloc(p, a * b);
}

void
free(void *p)
{
	__libc_free(p);
}

static void
fault_arm(unsigned long n)
{
	fault.fail_at = n;
	fault.count = 0;
	fault.failed = 0;
}

static void
put(struct term_emu *e, const char *s)
{
	term_emu_write(e, (const uint8_t *)s, strlen(s));
}

#define SIZE_IS(t, e, c, r) do {					\
	CHECK_EQ_INT(t, term_emu_fb(e)->cols, (c));			\
	CHECK_EQ_INT(t, term_emu_fb(e)->rows, (r));			\
} while (0)

/* With the alternate screen up both screens resize, or neither does. */
static void
emu_resize_all_or_nothing(struct check *t)
{
	struct term_emu	*e = term_emu_new(80, 24);
	unsigned long	 n;
	int		 rc = -1;

	CHECK(t, e != NULL);
	put(e, "main\033[?1049halt");
	for (n = 1; n < 500 && rc != 0; n++) {
		fault_arm(n);
		rc = term_emu_resize(e, 120, 40);
		fault_arm(0);
		if (rc == 0)
			break;
		SIZE_IS(t, e, 80, 24);
		put(e, "\033[?1049l");
		SIZE_IS(t, e, 80, 24);
		put(e, "\033[?1049h");
		if (t->case_failed)
			break;
	}
	CHECK_EQ_INT(t, rc, 0);
	CHECK(t, n > 2);	/* some allocations did fail first */
	SIZE_IS(t, e, 120, 40);
	put(e, "\033[?1049l");
	SIZE_IS(t, e, 120, 40);
	term_emu_free(e);
}

/* A re-key that runs out of memory leaves the old key and transport. */
static void
rekey_all_or_nothing(struct check *t)
{
	struct mosh_key	 k1, k2;
	struct conn	 c;
	struct ssp	 s;
	uint64_t	 now = 1000;
	unsigned long	 n;
	int		 fd, port, rc = -1;
	void		*mine, *theirs;

	key_generate(&k1);
	key_generate(&k2);
	CHECK(t, conn_udp_bind("127.0.0.1", 0, 0, &fd, &port) == 0);
	CHECK(t, conn_server_init(&c, &k1, &fd, 1, now) == 0);
	CHECK(t, ssp_init(&s, &c, &userstream_ops, userstream_new(),
	    &userstream_ops, userstream_new(), now) == 0);
	userstream_push_keys(ssp_current(&s), (const uint8_t *)"kept", 4);
	for (n = 1; n < 500; n++) {
		mine = userstream_new();
		theirs = userstream_new();
		fault_arm(n);
		rc = ssp_rekey(&s, &k2, mine, theirs, now);
		fault_arm(0);
		if (rc == 0)
			break;
		CHECK_MEM(t, c.crypto.key.bytes, k1.bytes, MOSH_KEY_LEN);
		CHECK(t, !c.retired[0].used);
		CHECK(t, ssp_current(&s) != NULL &&
		    ((struct userstream *)ssp_current(&s))->nkeys == 4);
		if (t->case_failed)
			break;
	}
	CHECK_EQ_INT(t, rc, 0);
	CHECK(t, n > 1);
	CHECK_MEM(t, c.crypto.key.bytes, k2.bytes, MOSH_KEY_LEN);
	CHECK(t, c.retired[0].used);
	CHECK_MEM(t, c.retired[0].crypto.key.bytes, k1.bytes, MOSH_KEY_LEN);
	/* The live state is kept; numbering starts again. */
	CHECK_EQ_INT(t, ((struct userstream *)ssp_current(&s))->nkeys, 4);
	CHECK_EQ_INT(t, ssp_remote_num(&s), 0);
	ssp_free(&s);
	conn_close(&c);
}

CHECK_MAIN(
    CASE(emu_resize_all_or_nothing), CASE(rekey_all_or_nothing))
#endif

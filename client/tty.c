#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/tty.h"
#include "term/buf.h"
#include "term/display.h"

/* Last: term.h defines macros (cursor_visible, ...) that clash with
 * term/fb.h's field names. */
#include <curses.h>
#include <term.h>

int
tty_colors(void)
{
	int	 err, n;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return 0;
	n = tigetnum("colors");
	return n > 0 ? n : 0;
}

static char *
tty_cap(const char *name)
{
	char	*s = tigetstr(name);

	if (s == NULL || s == (char *)-1)
		return NULL;
	return strdup(s);
}

int
tty_init(struct tty *t, int fd, bool term_init)
{
	int	 err;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	if (tcgetattr(fd, &t->saved) != 0)
		return -1;
	t->raw = t->saved;
	t->raw.c_iflag |= IUTF8;
	cfmakeraw(&t->raw);
	if (term_init && setupterm(NULL, fd, &err) == OK) {
		t->smcup = tty_cap("smcup");
		t->rmcup = tty_cap("rmcup");
	}
	return 0;
}

void
tty_write(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		c += w;
		n -= (size_t)w;
	}
}

int
tty_raw(struct tty *t)
{
	struct term_buf	 b;

	if (tcsetattr(t->fd, TCSANOW, &t->raw) != 0)
		return -1;
	t->raw_on = true;
	term_buf_init(&b);
	if (t->smcup != NULL)
		term_buf_adds(&b, t->smcup);
	term_display_open(&b);
	tty_write(t->fd, b.data, b.len);
	term_buf_free(&b);
	return 0;
}

void
tty_restore(struct tty *t)
{
	struct term_buf	 b;

	if (!t->raw_on)
		return;
	term_buf_init(&b);
	term_display_close(&b);
	if (t->rmcup != NULL && !t->in_main)
		term_buf_adds(&b, t->rmcup);
	tty_write(t->fd, b.data, b.len);
	term_buf_free(&b);
	tcsetattr(t->fd, TCSANOW, &t->saved);
	t->raw_on = false;
}

void
tty_free(struct tty *t)
{
	free(t->smcup);
	free(t->rmcup);
	t->smcup = t->rmcup = NULL;
}

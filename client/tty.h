/*
 * The user's terminal: raw mode in and out, and the sequences that take
 * it over and give it back (terminfo smcup/rmcup unless
 * MOSH_NO_TERM_INIT, application cursor keys, every mode a diff can set).
 */
#ifndef TSMOSH_CLIENT_TTY_H
#define TSMOSH_CLIENT_TTY_H

#include <stdbool.h>
#include <termios.h>

struct tty {
	int		 fd;		/* the terminal we draw on */
	struct termios	 saved;
	struct termios	 raw;
	bool		 raw_on;
	char		*smcup;		/* NULL: none or not wanted */
	char		*rmcup;
	bool		 in_main;	/* left the alternate screen already */
};

/* Look up terminfo; colours for `mosh-client -c` (0 if unknown). */
int	tty_colors(void);
int	tty_init(struct tty *, int fd, bool term_init);
int	tty_raw(struct tty *);		/* raw mode and take over */
void	tty_restore(struct tty *);	/* give back; safe to call twice */
void	tty_write(int fd, const void *, size_t);
void	tty_free(struct tty *);

#endif

/*
 * The framebuffer: what a terminal shows, and nothing about how it got
 * there. Rows are reference counted and shared copy-on-write between
 * clones, so a snapshot costs one pointer array and a few counters; the
 * transport keeps up to 32 of them.
 *
 * A cell holds one grapheme: a base code point and up to TERM_COMB_MAX
 * combining marks. A wide character occupies its cell (wide = 1) and the
 * next one, whose ch is 0. A blank cell is a space. Rows also carry a
 * wrap hint (text ran on to the next row), which the display diff uses so
 * word selection works in the user's terminal; it is not compared.
 *
 * A row also has a generation: a number drawn when the row is made or
 * wiped whole, and kept while cells are written and across copies. Two
 * rows with the same generation are the same line of text, moved or not,
 * so the display diff can tell a scroll from rows that merely look alike
 * (blank lines, vi's column of "~").
 */
#ifndef TSMOSH_TERM_FB_H
#define TSMOSH_TERM_FB_H

#include <stddef.h>
#include <stdint.h>

#define TERM_MAX_COLS	2048
#define TERM_MAX_ROWS	2048
#define TERM_COMB_MAX	2
#define TERM_TITLE_MAX	256		/* code points, as mosh */
#define TERM_CLIP_MAX	(16 * 1024)	/* code points, as mosh */

/* Colours: 0 is the default; the top byte says which kind. */
#define TERM_COLOR_DEFAULT	0u
#define TERM_COLOR_INDEXED	0x01000000u	/* | 0..255 */
#define TERM_COLOR_RGB		0x02000000u	/* | r << 16 | g << 8 | b */
#define TERM_COLOR_KIND(c)	((c) & 0xff000000u)

#define TERM_ATTR_BOLD		0x01
#define TERM_ATTR_FAINT		0x02
#define TERM_ATTR_ITALIC	0x04
#define TERM_ATTR_UNDERLINE	0x08
#define TERM_ATTR_BLINK		0x10
#define TERM_ATTR_INVERSE	0x20
#define TERM_ATTR_INVISIBLE	0x40
#define TERM_ATTR_STRIKE	0x80

struct term_rend {
	uint32_t fg;
	uint32_t bg;
	uint16_t attr;
};

/* 24 bytes, no padding: cells compare with memcmp. */
struct term_cell {
	uint32_t ch;			/* 0: right half of a wide char */
	uint32_t comb[TERM_COMB_MAX];	/* 0-terminated unless full */
	uint32_t fg;
	uint32_t bg;
	uint16_t attr;
	uint8_t	 wide;
	uint8_t	 pad;
};

struct term_row {
	uint64_t gen;			/* see above */
	unsigned refs;
	uint8_t	 wrap;			/* hint: text continued on next row */
	/* The one blank row every row of a new screen shares until it is
	 * written: a copy of it draws a generation of its own, as a row
	 * made for that place would have had. */
	uint8_t	 fresh;
	/* Every cell from here on is a default blank: an upper bound that
	 * each write keeps, so a row can be cut short without a scan. */
	uint16_t ink;
	struct term_cell cells[];	/* fb->cols of them */
};

/* An immutable shared string (title, icon name, clipboard), UTF-8. */
struct term_str {
	unsigned refs;
	size_t	 len;
	char	 data[];
};

enum term_mouse_mode {
	TERM_MOUSE_NONE = 0,
	TERM_MOUSE_X11 = 1000,
	TERM_MOUSE_HIGHLIGHT = 1001,
	TERM_MOUSE_BUTTON = 1002,
	TERM_MOUSE_ANY = 1003,
};

enum term_mouse_enc {
	TERM_MOUSE_ENC_DEFAULT = 0,
	TERM_MOUSE_ENC_UTF8 = 1005,
	TERM_MOUSE_ENC_SGR = 1006,
	TERM_MOUSE_ENC_URXVT = 1015,
};

struct term_fb {
	int		 cols;
	int		 rows;
	struct term_row	**row;		/* rows pointers */
	int		 cx;		/* cursor, 0-based, inside the screen */
	int		 cy;
	struct term_rend pen;		/* rendition for the next character */
	uint8_t		 cursor_visible;
	uint8_t		 reverse_video;
	uint8_t		 bracketed_paste;
	uint8_t		 focus_events;
	uint8_t		 title_set;	/* an OSC 0/1/2 was seen */
	uint16_t	 mouse_mode;	/* enum term_mouse_mode */
	uint16_t	 mouse_enc;	/* enum term_mouse_enc */
	unsigned	 bell_count;
	struct term_str	*title;		/* NULL = empty */
	struct term_str	*icon;
	struct term_str	*clipboard;
	uint64_t	 row_gen;	/* last row generation handed out */
};

struct term_fb	*term_fb_new(int cols, int rows);
struct term_fb	*term_fb_clone(const struct term_fb *);
void		 term_fb_free(struct term_fb *);
/* Everything the client can see, plus bell count and pen; not wrap hints. */
int		 term_fb_equal(const struct term_fb *, const struct term_fb *);
int		 term_fb_row_equal(const struct term_fb *, const struct term_row *,
		    const struct term_row *);
int		 term_fb_str_equal(const struct term_str *, const struct term_str *);
/*
 * The screen as a terminal shows it after n lines scrolled off its top
 * (1 <= n <= rows): the rest move up, n blank rows (default rendition)
 * come in at the bottom, the cursor is at the start of the last row and
 * the pen is plain. For a client that scrolled lines into the user's
 * terminal itself. 0, or -1 when memory runs out (fb unchanged).
 */
int		 term_fb_scroll_up(struct term_fb *, int n);
/*
 * A copy of a row `cols` wide cut after its last cell that shows (not a
 * blank of the default rendition): *width gets its width, maybe 0. For
 * keeping lines long after they left the screen. NULL: no memory.
 */
struct term_row	*term_row_trimmed(const struct term_row *, int cols,
		    int *width);
/* The width term_row_trimmed cuts at: up to the last cell that shows. */
int		 term_row_width(const struct term_row *, int cols);
/* The same into `reuse` (a row of ours, not shared, with room for *room
 * cells; NULL: none) when it has room, else a new one (reuse is then
 * freed); *room is then the returned row's. Keeping many lines costs no
 * allocation per line. */
struct term_row	*term_row_trim_into(struct term_row *reuse, int *room,
		    const struct term_row *, int cols, int *width);
/* Bytes this screen holds that no other screen shares (rows, strings). */
size_t		 term_fb_held(const struct term_fb *);

static inline const struct term_cell *
term_fb_cell(const struct term_fb *fb, int x, int y)
{
	return &fb->row[y]->cells[x];
}

/* Internal to term/: mutation helpers used by the emulator. */
struct term_row	*term_fb_row_new(struct term_fb *, int cols,
		    const struct term_cell *fill);
/* Fill a whole row and give it a new generation from the fb; the row
 * is in use (its ink bounds the cells that are not blank). */
void		 term_fb_row_fill(struct term_fb *, struct term_row *, int cols,
		    const struct term_cell *fill);
struct term_row	*term_fb_row_mut(struct term_fb *, int y);
void		 term_fb_row_unref(struct term_row *);
struct term_str	*term_str_new(const char *, size_t);
void		 term_str_unref(struct term_str *);
void		 term_str_set(struct term_str **, struct term_str *);
int		 term_fb_resize(struct term_fb *, int cols, int rows,
		    const struct term_cell *fill);
/*
 * A resize in two steps, so several screens change together or not at
 * all: _prepare allocates the new rows (NULL when memory runs out; the
 * screen is untouched), _commit installs them and cannot fail, _abort
 * frees them instead.
 */
struct term_row	**term_fb_resize_prepare(struct term_fb *, int cols, int rows,
		    const struct term_cell *fill);
void		 term_fb_resize_commit(struct term_fb *, struct term_row **,
		    int cols, int rows);
void		 term_fb_resize_abort(struct term_row **, int rows);

#endif

/*
 * term_gen [-k KIND] MEGABYTES > file
 * Deterministic terminal output for benchmarks, CR LF line ends. KIND:
 *   mixed   lines of words, about a third coloured (8, 256 and 24-bit),
 *           some accented Latin, Greek and Cyrillic, some wide CJK, a few
 *           combining marks (the default)
 *   ascii   lines of plain ASCII words
 *   cjk     lines of wide CJK characters (U+4E00..U+9FFF)
 *   sgr     every word in its own colours and attributes (SGR-dense)
 *   redraw  whole 80x24 screens drawn row by row with CUP, as top does
 *   region  lines scrolled inside a scroll region, with an edited status
 *           line outside it, as a pager or an editor does
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
rnd(uint64_t *s, uint32_t n)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s % n);
}

static const char *words[] = {
	"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
	"drwxr-xr-x", "root", "4096", "Nov", "README.md", "Makefile", "src",
	"error:", "warning:", "note:", "main.c:42:7", "return", "int", "void",
	"café", "naïve", "façade", "Ελληνικά", "кириллица", "straße",
	"中文字符", "日本語", "한국어", "ｆｕｌｌ", "e\xcc\x81t\xc3\xa9", "n\xcc\x83o",
};

/* Bytes of the code point c in UTF-8 (c < 0x10000) into out. */
static int
utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | c >> 12);
	out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

static const char *ascii_words[] = {
	"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
	"drwxr-xr-x", "root", "4096", "Nov", "README.md", "Makefile", "src",
	"error:", "warning:", "note:", "main.c:42:7", "return", "int", "void",
};
#define NWORDS(a)	(sizeof(a) / sizeof((a)[0]))

static long
gen_ascii(uint64_t *s, long want)
{
	long	 n = 0;
	int	 col;

	while (n < want) {
		for (col = 0; col < 70; )
			col += printf("%s ", ascii_words[rnd(s, NWORDS(ascii_words))]);
		n += col + printf("\r\n");
	}
	return n;
}

static long
gen_cjk(uint64_t *s, long want)
{
	char	 b[4];
	long	 n = 0;
	int	 i, k;

	while (n < want) {
		for (i = 0; i < 38; i++) {
			k = utf8(0x4e00 + rnd(s, 0x5200), b);
			n += (long)fwrite(b, 1, (size_t)k, stdout);
		}
		n += printf("\r\n");
	}
	return n;
}

static long
gen_sgr(uint64_t *s, long want)
{
	long	 n = 0;
	int	 col, w;

	while (n < want) {
		for (col = 0; col < 70; col += w + 1) {
			n += printf("\033[%u;38;2;%u;%u;%u;48;5;%um", 1 + rnd(s, 5),
			    rnd(s, 256), rnd(s, 256), rnd(s, 256), rnd(s, 256));
			w = printf("%s", ascii_words[rnd(s, NWORDS(ascii_words))]);
			n += w + printf("\033[0m ");
		}
		n += printf("\r\n");
	}
	return n;
}

static long
gen_redraw(uint64_t *s, long want)
{
	long	 n = 0;
	int	 y, x;

	while (n < want) {
		n += printf("\033[H\033[7m  PID USER      PR  NI    VIRT    RES"
		    "    SHR S  %%CPU  %%MEM     TIME+ COMMAND                \033[m");
		for (y = 2; y <= 24; y++) {
			n += printf("\033[%d;1H", y);
			for (x = 0; x < 80; x++)
				n += printf("%c", 'a' + (int)rnd(s, 26));
		}
	}
	return n;
}

static long
gen_region(uint64_t *s, long want)
{
	long	 n = 0;
	int	 i, col;

	n += printf("\033[2J\033[1;23r");
	while (n < want) {
		n += printf("\033[23;1H");
		for (i = 0; i < 10; i++) {
			n += printf("\r\n");
			for (col = 0; col < 70; )
				col += printf("%s ",
				    ascii_words[rnd(s, NWORDS(ascii_words))]);
			n += col;
		}
		n += printf("\033[24;1H\033[7m-- line %u --\033[m\033[K",
		    rnd(s, 100000));
	}
	return n;
}

static long
gen_mixed(uint64_t *s, long want)
{
	long		 n = 0;
	int		 col, w, k;
	const char	*word;

	while (n < want) {
		col = 0;
		while (col < 70) {
			word = words[rnd(s, NWORDS(words))];
			k = (int)rnd(s, 12);
			if (k == 0)
				n += printf("\033[1;3%um", rnd(s, 8));
			else if (k == 1)
				n += printf("\033[38;5;%um", rnd(s, 256));
			else if (k == 2)
				n += printf("\033[38;2;%u;%u;%um", rnd(s, 256),
				    rnd(s, 256), rnd(s, 256));
			else if (k == 3)
				n += printf("\033[4%u;30m", rnd(s, 8));
			w = printf("%s", word);
			n += w;
			if (k <= 3)
				n += printf("\033[0m");
			n += printf(" ");
			col += w + 1;
		}
		n += printf("\r\n");
	}
	return n;
}

static const struct {
	const char	*name;
	long		(*gen)(uint64_t *, long);
} kinds[] = {
	{ "mixed", gen_mixed }, { "ascii", gen_ascii }, { "cjk", gen_cjk },
	{ "sgr", gen_sgr }, { "redraw", gen_redraw }, { "region", gen_region },
};

int
main(int argc, char **argv)
{
	uint64_t	 s = 0x2545f4914f6cdd1dull;
	const char	*kind = "mixed";
	size_t		 i;

	if (argc > 2 && strcmp(argv[1], "-k") == 0) {
		kind = argv[2];
		argc -= 2;
		argv += 2;
	}
	for (i = 0; i < NWORDS(kinds); i++)
		if (strcmp(kinds[i].name, kind) == 0) {
			kinds[i].gen(&s, (argc > 1 ? atol(argv[1]) : 20) *
			    1024L * 1024L);
			return 0;
		}
	fprintf(stderr, "usage: term_gen [-k mixed|ascii|cjk|sgr|redraw|region] "
	    "MEGABYTES\n");
	return 2;
}

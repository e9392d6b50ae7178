/*
 * term_gen MEGABYTES > file
 * A deterministic mix of terminal output for benchmarks: lines of words,
 * about a third coloured (8, 256 and 24-bit), some accented Latin, Greek
 * and Cyrillic, some wide CJK, a few combining marks, CR LF line ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

int
main(int argc, char **argv)
{
	uint64_t	 s = 0x2545f4914f6cdd1dull;
	long		 want = (argc > 1 ? atol(argv[1]) : 20) * 1024L * 1024L;
	long		 n = 0;
	int		 col, w, k;
	const char	*word;

	while (n < want) {
		col = 0;
		while (col < 70) {
			word = words[rnd(&s, sizeof(words) / sizeof(words[0]))];
			k = (int)rnd(&s, 12);
			if (k == 0)
				n += printf("\033[1;3%um", rnd(&s, 8));
			else if (k == 1)
				n += printf("\033[38;5;%um", rnd(&s, 256));
			else if (k == 2)
				n += printf("\033[38;2;%u;%u;%um", rnd(&s, 256),
				    rnd(&s, 256), rnd(&s, 256));
			else if (k == 3)
				n += printf("\033[4%u;30m", rnd(&s, 8));
			w = printf("%s", word);
			n += w;
			if (k <= 3)
				n += printf("\033[0m");
			n += printf(" ");
			col += w + 1;
		}
		n += printf("\r\n");
	}
	return 0;
}

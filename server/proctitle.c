#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/proctitle.h"

extern char **environ;

char **
proctitle_init(struct proctitle *pt, int argc, char **argv)
{
	char	**copy, **env, *end;
	size_t	 n, i;

	pt->base = NULL;
	pt->len = 0;
	if ((copy = calloc((size_t)argc + 1, sizeof(char *))) == NULL)
		return NULL;
	for (i = 0; i < (size_t)argc; i++)
		if ((copy[i] = strdup(argv[i])) == NULL)
			return NULL;
	if (argc == 0)
		return copy;
	/* The title area: argv strings, then environ strings, if they
	 * follow one another in memory (they do on Linux). */
	end = argv[0] + strlen(argv[0]) + 1;
	for (i = 1; i < (size_t)argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	for (n = 0; environ[n] != NULL; n++)
		;
	if ((env = calloc(n + 1, sizeof(char *))) == NULL)
		return copy;
	for (i = 0; i < n; i++) {
		if (environ[i] == end)
			end = environ[i] + strlen(environ[i]) + 1;
		if ((env[i] = strdup(environ[i])) == NULL)
			return copy;
	}
	environ = env;
	pt->base = argv[0];
	pt->len = (size_t)(end - argv[0]);
	return copy;
}

void
proctitle_set(struct proctitle *pt, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (pt->base == NULL || pt->len < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(pt->base, pt->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < pt->len)
		memset(pt->base + n, 0, pt->len - (size_t)n);
}

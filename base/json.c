/* JSON string contents, for the programs' JSON lines. */
#include <stdio.h>

#include "base/base.h"

size_t
base_json_text(char *out, size_t len, const char *s, size_t n)
{
	size_t	 o = 0;

	if (len == 0)
		return 0;
	for (; n > 0 && *s != '\0' && o + 7 < len; s++, n--) {
		if (*s == '"' || *s == '\\')
			o += (size_t)snprintf(out + o, len - o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			o += (size_t)snprintf(out + o, len - o, "\\u%04x",
			    (unsigned char)*s);
		else
			out[o++] = *s;
	}
	out[o] = '\0';
	return o;
}

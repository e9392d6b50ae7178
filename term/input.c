#include "term/input.h"

enum { IN_GROUND, IN_ESC, IN_SS3 };

size_t
term_input_byte(struct term_input *in, uint8_t c, int app_cursor_keys,
    uint8_t out[2])
{
	switch (in->state) {
	case IN_ESC:
		if (c == 'O') {
			/* Hold the O until we see the final byte. */
			in->state = IN_SS3;
			return 0;
		}
		break;
	case IN_SS3:
		in->state = IN_GROUND;
		out[0] = (!app_cursor_keys && c >= 'A' && c <= 'D') ? '[' : 'O';
		out[1] = c;
		return 2;
	}
	in->state = c == 0x1b ? IN_ESC : IN_GROUND;
	out[0] = c;
	return 1;
}

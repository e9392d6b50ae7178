/*
 * vterm_bench FILE [RUNS]: libvterm's absorb rate for the same file, as
 * term_bench measures ours (80x24, screen layer, 4 KiB writes). Built by
 * term.sh only when libvterm is installed; not part of the build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vterm.h>

#include "../tools/benchutil.h"

int
main(int argc, char **argv)
{
	char		*data;
	long		 len;
	size_t		 off, n;
	VTerm		*vt;
	VTermScreen	*vs;
	double		 t0, best = 0, mbs;
	int		 runs = argc > 2 ? atoi(argv[2]) : 5, i, rc;

	if (argc < 2)
		return 2;
	if ((data = read_all(argv[1], &len, &rc)) == NULL)
		return rc;
	for (i = 0; i < runs; i++) {
		vt = vterm_new(24, 80);
		vterm_set_utf8(vt, 1);
		vs = vterm_obtain_screen(vt);
		vterm_screen_enable_altscreen(vs, 1);
		vterm_screen_reset(vs, 1);
		t0 = now();
		for (off = 0; off < (size_t)len; off += n) {
			n = (size_t)len - off < 4096 ? (size_t)len - off : 4096;
			vterm_input_write(vt, data + off, n);
		}
		vterm_screen_flush_damage(vs);
		mbs = (double)len / (1024.0 * 1024.0) / (now() - t0);
		if (mbs > best)
			best = mbs;
		vterm_free(vt);
	}
	printf("%.1f\n", best);
	free(data);
	return 0;
}

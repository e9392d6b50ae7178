/*
 * What the unit tests of server/ check alike: a setting's origin.
 */
#ifndef TSMOSH_TESTS_SERVER_CHECK_H
#define TSMOSH_TESTS_SERVER_CHECK_H

#include <stdio.h>
#include <string.h>

#include "server/config.h"

/* The setting's layer and origin text are these; if not, says what. */
static inline int
origin_is(const struct config *c, enum config_id id, enum config_layer layer,
    const char *text)
{
	const struct config_origin *o = config_origin(c, id);

	if (o->layer != layer || strcmp(o->text, text) != 0) {
		printf("#   %s: origin %d '%s', want %d '%s'\n",
		    config_def(id)->name, (int)o->layer, o->text, (int)layer,
		    text);
		return 0;
	}
	return 1;
}

#endif

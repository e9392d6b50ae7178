/*
 * libFuzzer target for the config file parser (server/config.c over
 * inih): the input is a whole file. Any bytes must parse or be refused
 * without a crash or a leak; a refusal names the file; an accepted file
 * leaves every key with a value that its own check accepts again and
 * an origin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/config.h"

#define FUZZ_NAME	"fuzz.conf"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c, again;
	char		 err[1024];
	int		 k;

	if (config_load_buffer(&c, FUZZ_NAME, (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (strncmp(err, FUZZ_NAME ":", strlen(FUZZ_NAME) + 1) != 0 &&
		    strcmp(err, "out of memory") != 0)
			abort();
		config_free(&c);
		return 0;
	}
	if (config_load(&again, NULL, NULL, err, sizeof(err)) != 0)
		abort();
	for (k = 0; k < CFG_NKEYS; k++) {
		if (config_get(&c, k) == NULL || config_origin(&c, k)[0] == '\0')
			abort();
		/* What was stored passes the same check when set again. */
		if (config_set(&again, k, config_get(&c, k), "again", err,
		    sizeof(err)) != 0)
			abort();
		(void)config_seconds(&c, k);
	}
	config_free(&again);
	config_free(&c);
	return 0;
}

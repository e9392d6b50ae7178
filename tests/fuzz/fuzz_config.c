/*
 * libFuzzer target for the config file parser (server/config.c over
 * inih): the input is a whole file. Any bytes must parse or be refused
 * without a crash or a leak; a refusal names the file; an accepted file
 * leaves every key with an origin and a value that, printed as the
 * config command prints it, parses again to the same printed value.
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
	char		 err[1024], text[CONFIG_TEXT_MAX], text2[CONFIG_TEXT_MAX];
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
	for (k = 0; k < CFG_NSETTINGS; k++) {
		if (!config_def(k)->in_file)
			continue;
		if (config_origin(&c, k)->text[0] == '\0')
			abort();
		config_text(&c, k, text, sizeof(text));
		if (config_set(&again, k, text, CONFIG_FILE, "again", err,
		    sizeof(err)) != 0)
			abort();
		if (strcmp(config_text(&again, k, text2, sizeof(text2)),
		    text) != 0)
			abort();
	}
	config_free(&again);
	config_free(&c);
	return 0;
}

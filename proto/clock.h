/* Milliseconds on the monotonic clock: the `now` every proto/ call takes. */
#ifndef TSMOSH_PROTO_CLOCK_H
#define TSMOSH_PROTO_CLOCK_H

#include <stdint.h>

uint64_t	clock_ms(void);

#endif

/* libFuzzer harness for the events reader of `stubrun test`
 * (src/events/suite_events.c): the file a child wrote while running a
 * hostile guest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suite_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so ASan flags any read past `size`. */
	char *text = malloc(size ? size : 1);
	suite_events ev;

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (suite_events_parse(&ev, text, size) == 0) {
		if (ev.nguests > SUITE_EVENTS_MAX_GUESTS)
			abort();
		for (size_t i = 0; i < ev.nguests; i++)
			if (!ev.guests[i].name)
				abort();
		for (size_t i = 0; i < ev.nplan; i++)
			if (!ev.plan[i])
				abort();
	}
	suite_events_clear(&ev);
	free(text);
	return 0;
}

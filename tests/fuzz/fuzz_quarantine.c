/* libFuzzer harness for the quarantine list parser (src/suite/quarantine.c):
 * any text as a --quarantine FILE; what parses must match names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quarantine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "net/tcp", "boot", "", "a[b]" };
	quarantine *q = NULL;
	char err[256];
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (quarantine_parse(&q, text, size, "fuzz", err, sizeof(err)) == 0) {
		for (size_t i = 0; i < q->n; i++)
			if (!q->entries[i].glob[0] || !q->entries[i].reason[0])
				abort();
		(void)quarantine_match(q, names, 4);
	} else if (q) {
		abort();
	}
	quarantine_free(q);
	free(text);
	return 0;
}

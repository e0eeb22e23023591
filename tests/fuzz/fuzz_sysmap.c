/* libFuzzer harness for the System.map reader (src/guest/sysmap.c): any
 * bytes as a --symbols text file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so ASan flags any read past `size`. */
	char *text = malloc(size ? size : 1);
	image_symbol *syms = NULL;
	char *pool = NULL, why[128];
	size_t n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (sysmap_parse(&syms, &n, &pool, text, size, why, sizeof(why)) == 0) {
		if (n == 0 || !syms || !pool)
			abort(); /* success means symbols */
		for (size_t i = 0; i < n; i++)
			if (!syms[i].name || !syms[i].name[0] ||
			    syms[i].name < pool || syms[i].name > pool + size)
				abort(); /* names live in the pool */
	} else if (syms || pool || !memchr(why, '\0', sizeof(why))) {
		abort(); /* failure allocates nothing */
	}
	free(syms);
	free(pool);
	free(text);
	return 0;
}

/* libFuzzer harness for what a guest says about its coverage files: the
 * .gcda name it reports (src/coverage/covout.c's mapping into DIR; byte 0
 * is the strip count) and, the same bytes read as a .gcno, its compile
 * directory (src/coverage/gcno.c). Nothing is written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "covout.h"
#include "gcno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Private copies, so ASan flags any read past `size`. */
	unsigned char *buf = malloc(size ? size : 1);
	char *name = malloc(size + 1), out[COVOUT_PATH_MAX], why[256];
	covout_map m = { "/coverage-dir", size ? data[0] % 8 : 0 };

	if (!buf || !name)
		goto out;
	memcpy(buf, data, size);
	if (gcno_cwd(out, sizeof(out), buf, size) == 0 &&
	    !memchr(out, '\0', sizeof(out)))
		abort(); /* a result is a string */
	memcpy(name, data + (size > 0), size - (size > 0));
	name[size - (size > 0)] = '\0';
	if (covout_path(out, sizeof(out), &m, name, ".gcda", why, sizeof(why)) == 0) {
		/* Under DIR, never above it. */
		if (strncmp(out, "/coverage-dir/", 14) != 0 || strstr(out, "/../"))
			abort();
	}
out:
	free(buf);
	free(name);
	return 0;
}

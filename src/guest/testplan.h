/*
 * The plan of in-image tests: the names a guest declared with
 * STUBRUN_DECLARE_TEST (include/stubrun/guest.h), read from the image's
 * ".stubrun.tests" section, so that tests the guest never reaches can be
 * reported "not run".
 */
#ifndef TESTPLAN_H
#define TESTPLAN_H

#include <stddef.h>

#include "image.h"

/* Why these bounds: a name is read back from guest memory with the same cap
 * (RUN_STRING_MAX), and no test framework we know of puts thousands of tests
 * in one image; the section is untrusted input either way. */
#define TESTPLAN_MAX_TESTS 4096
#define TESTPLAN_MAX_NAME 256

typedef struct testplan {
	char **names;   /* count names, each NUL-terminated, in section order */
	size_t count;
} testplan;

/*
 * Reads the plan of `img`. An image without the section has an empty plan
 * (count 0), which is not an error. A name repeated is kept once.
 * Returns 0, or IMAGE_EFORMAT with "PATH: .stubrun.tests: problem" in errbuf
 * when the section is malformed (an unterminated, empty, over-long or
 * non-printable name, or too many names). The caller frees with testplan_clear().
 */
int testplan_read(testplan *out, const image *img, char *errbuf, size_t errlen);
void testplan_clear(testplan *p);

#endif /* TESTPLAN_H */

/*
 * `stubrun test --durations REPORT.json`: how long each test took in an
 * earlier run, from the JSON lines report stubrun's own --json wrote.
 */
#ifndef SUITE_DURATIONS_H
#define SUITE_DURATIONS_H

#include <stddef.h>

enum {
	SUITE_DURATIONS_EREAD = -1,   /* cannot be read */
	SUITE_DURATIONS_EFORMAT = -2, /* not a JSON report of stubrun's */
	SUITE_DURATIONS_ENOMEM = -3,
};

typedef struct suite_durations suite_durations;

/* Reads the report at `path`; the message is "PATH:LINE: problem". */
int suite_durations_read(suite_durations **out, const char *path,
			 char *errbuf, size_t errlen);

/*
 * Milliseconds the test `name` of suite `suite_path` (as given on the
 * command line) took: the sum of its results (its own, and its in-image
 * tests' "NAME/..."), or -1 when the report has none.
 */
long suite_durations_of(const suite_durations *d, const char *suite_path,
			const char *name);

void suite_durations_free(suite_durations *d);

#endif /* SUITE_DURATIONS_H */

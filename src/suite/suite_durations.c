/*
 * The durations of an earlier run (src/suite/suite_durations.h), read with
 * the report module's JSON reader and looked up per test.
 */
#include "suite_durations.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct suite_durations {
	report_doc *doc;
};

int suite_durations_read(suite_durations **out, const char *path,
			 char *errbuf, size_t errlen)
{
	suite_durations *d = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = util_read_file(&text, &len, path, REPORT_READ_MAX);

	*out = NULL;
	if (rc == -ENOMEM)
		goto nomem;
	if (rc < 0) {
		snprintf(errbuf, errlen, "--durations %s: %s", path,
			 rc == -EFBIG ? "too large" : strerror(-rc));
		rc = SUITE_DURATIONS_EREAD;
		goto out;
	}
	if (!(d = calloc(1, sizeof(*d))))
		goto nomem;
	rc = report_read(&d->doc, REPORT_JSON, text, len, path, errbuf, errlen);
	if (rc == REPORT_ENOMEM)
		goto nomem;
	if (rc < 0) {
		rc = SUITE_DURATIONS_EFORMAT;
		goto out;
	}
	*out = d;
	d = NULL;
	goto out;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	rc = SUITE_DURATIONS_ENOMEM;
out:
	suite_durations_free(d);
	free(text);
	return rc;
}

/* The result `c` belongs to test `name`: its own, or NAME/GUEST. */
static int of_test(const char *c, const char *name, size_t n)
{
	return strncmp(c, name, n) == 0 && (c[n] == '\0' || c[n] == '/');
}

long suite_durations_of(const suite_durations *d, const char *suite_path,
			const char *name)
{
	const report *r = report_doc_report(d->doc);
	size_t n = strlen(name);
	long sum = -1;

	for (size_t s = 0; s < r->nsuites; s++) {
		if (strcmp(r->suites[s].name, suite_path))
			continue;
		for (size_t k = 0; k < r->suites[s].ncases; k++) {
			const report_case *c = &r->suites[s].cases[k];
			if (!of_test(c->name, name, n))
				continue;
			sum = (sum < 0 ? 0 : sum) + c->duration_ms;
		}
	}
	return sum;
}

void suite_durations_free(suite_durations *d)
{
	if (!d)
		return;
	report_doc_free(d->doc);
	free(d);
}

/* Fixed report models shared by the report tests (tests/src/report.c,
 * report_read.c, report_html.c): every outcome and escaping case, guest
 * times and a coverage line (plain), and retried, flaky and quarantined
 * results from three shards (retry). */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stdio.h>

#include "report.h"

extern const report report_fixture_plain;
extern const report report_fixture_retry;

/* The text `fn` writes for r (asserts it wrote); free it. */
char *report_fixture_render(int (*fn)(FILE *, const report *), const report *r);

/* Compares `got` with tests/golden/NAME (under $STUBRUN_SRCDIR);
 * STUBRUN_UPDATE_GOLDEN=1 rewrites the file instead. */
void report_fixture_golden(const char *name, const char *got);

#endif

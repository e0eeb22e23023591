/* Fixed report models shared by the report tests (tests/src/report.c,
 * tests/src/report_read.c): every outcome and escaping case (plain), and
 * retried, flaky and quarantined results (retry). */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stdio.h>

#include "report.h"

extern const report report_fixture_plain;
extern const report report_fixture_retry;

/* The text `fn` writes for r (asserts it wrote); free it. */
char *report_fixture_render(int (*fn)(FILE *, const report *), const report *r);

#endif

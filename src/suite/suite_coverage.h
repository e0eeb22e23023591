/*
 * `stubrun test --coverage DIR` (src/suite/suite_coverage.c): a coverage
 * directory per test run, and their sum in DIR. Private to suite*.c.
 */
#ifndef SUITE_COVERAGE_H
#define SUITE_COVERAGE_H

#include <stddef.h>
#include <stdio.h>

#include "suite_run.h"

/* Gives instance number `index` its --coverage directory in tmpdir
 * (made by the run) and `strip`. 0 or -ENOMEM. */
int suite_cov_prepare(suite_inst *in, size_t index, const char *tmpdir,
		      int strip);
/* Sums the instances' data into dir (made when missing), with one line
 * to `msg` on what it wrote, and gcovr's reports when gcovr is there.
 * 0, or -1 with err. */
int suite_cov_merge(const char *dir, const suite_inst *insts, size_t n,
		    const char *tmpdir, FILE *msg, char *err, size_t errlen);
/* What the instances and the merge leave is in tmpdir, which the suite
 * removes whole (privdir_remove). */

#endif /* SUITE_COVERAGE_H */

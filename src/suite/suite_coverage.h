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
/* Before a retry: the attempt's data (attempt number `in->attempt`, if
 * it wrote any) moves aside, to be summed with the others, as libgcov
 * itself would add every run into one .gcda. 0, or a negative errno. */
int suite_cov_keep_attempt(suite_inst *in);
/* What the merge made, for the HTML report. */
typedef struct suite_cov_result {
	char summary[128];            /* "lines: 81.8% (9 of 11)", or "" */
	char html[4096];              /* gcovr's index.html, or "" */
} suite_cov_result;

/* Sums the instances' data into dir (made when missing), with one line
 * to `msg` on what it wrote, and gcovr's reports when gcovr is there.
 * 0, or -1 with err. */
int suite_cov_merge(suite_cov_result *res, const char *dir,
		    const suite_inst *insts, size_t n, const char *tmpdir,
		    FILE *msg, char *err, size_t errlen);
/* The suite's coverage as `stubrun test` shows it: summed before the
 * reports are written, so that the HTML page (report_path, or NULL) can
 * show the summary and link to gcovr's pages; what the merge says waits
 * in `said` (free() it) for after the suite's summary line. */
typedef struct suite_cov {
	suite_cov_result res;
	char link[4096];
	char *said;
	size_t said_len;
} suite_cov;
int suite_cov_run(suite_cov *cov, report_coverage *out, const char *dir,
		  const suite_inst *insts, size_t n, const char *tmpdir,
		  const char *report_path, char *err, size_t errlen);

/* The link from the report file `report_path` to gcovr's pages, relative
 * to the report's directory, into out[cap]. 0, or -1 when there are no
 * pages, the report goes to stdout, or a path cannot be resolved. */
int suite_cov_link(char *out, size_t cap, const suite_cov_result *res,
		   const char *report_path);
/* What the instances and the merge leave is in tmpdir, which the suite
 * removes whole (privdir_remove). */

#endif /* SUITE_COVERAGE_H */

/*
 * Test selection for `stubrun test` (suite_select.c). Private to suite*.c.
 */
#ifndef SUITE_SELECT_H
#define SUITE_SELECT_H

#include "suite_cli.h"
#include "suite_run.h"

/*
 * The instances to run: every test of `suites` that --filter keeps and the
 * shard selects, times --repeat, in suite order. On failure *insts may be
 * partly filled (free each name, then the array); err says why. Returns
 * 0, -1, or -SUITE_EXIT_BADREPORT when --durations cannot be read.
 */
int suite_select(const suite_opts *o, suite *const *suites, size_t nsuites,
		 suite_inst **insts, size_t *ninsts, char *err, size_t errlen);

#endif

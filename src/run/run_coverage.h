/* Private to run_coverage.c (the dump's hooks) and run_coverage_call.c
 * (stubrun's calls of the dump): the state of --coverage in one run. */
#ifndef RUN_COVERAGE_H
#define RUN_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "covout.h"

struct run_cov {
	covout_map map;
	uint64_t dump_fn;          /* stubrun_coverage_dump, 0: none */
	uint64_t info_lo, info_hi; /* the gcov_info pointers (0: the guest
				    * knows them from its own symbols) */
	int dumped;                /* a dump began */
	int ended;                 /* ... and reached its end hook */
	int calling;               /* stubrun's call of the dump runs */
	uint64_t call_ret;
	uint8_t saved[4096];       /* the registers ('g') before the call */
	size_t saved_len;
	char file[COVOUT_PATH_MAX]; /* the file being received, "" none */
	uint8_t *data;
	size_t len, cap;
	size_t files;              /* written */
	int failed;                /* a file could not be written (said) */
};

#endif /* RUN_COVERAGE_H */

/*
 * One scheduled run of a suite test (an "instance": a test times --repeat)
 * and the results it produced, as report cases. Private to suite*.c.
 */
#ifndef SUITE_RUN_H
#define SUITE_RUN_H

#include "report.h"
#include "suite.h"
#include "suite_sched.h"

typedef struct suite_inst {
	const suite *suite;
	size_t suite_index;
	const suite_test *test;
	char *name;            /* the test's name, "NAME#k" under --repeat */
	char **argv;           /* the child's command line */
	size_t argc;
	char *events_path;     /* --events FILE (in the private temp dir) */
	sched_job *job;        /* its process; job->user points back here */
	int debug;             /* --debug-on-failure applies to it */

	/* Results, after suite_inst_results(). */
	report_case *cases;
	size_t ncases;
	char **owned;          /* strings the cases point to */
	size_t nowned;
	int failed;            /* any case failed, timed out or errored */
} suite_inst;

/*
 * Builds inst->argv: RUNNER run [--debug-on-failure] OPTS... [--timeout S] --events FILE IMAGE
 * [-- ARGS...]. `timeout_s` > 0 is used when the test sets none.
 * Returns 0 or -ENOMEM.
 */
int suite_inst_argv(suite_inst *inst, const char *runner, double timeout_s);

/*
 * Turns the finished (or cancelled) job and its events file into report
 * cases: one per guest test when the run reported any, else one for the
 * run. `why_cancelled` names why a CANCELLED job did not finish ("not run",
 * "interrupted by SIGINT", ...). Returns 0 or -ENOMEM.
 */
int suite_inst_results(suite_inst *inst, const char *why_cancelled);

void suite_inst_clear(suite_inst *inst);

#endif /* SUITE_RUN_H */

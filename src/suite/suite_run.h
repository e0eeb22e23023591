/*
 * One scheduled run of a suite test (an "instance": a test times --repeat)
 * and the results it produced, as report cases. Private to suite*.c.
 */
#ifndef SUITE_RUN_H
#define SUITE_RUN_H

#include "quarantine.h"
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
	char *cov_path;        /* --coverage DIR of its own (ditto), or NULL */
	int cov_strip;         /* --coverage-strip N */
	sched_job *job;        /* its process; job->user points back here */
	int debug;             /* --debug-on-failure applies to it */
	/* A group (src/suite/suite_group.c): the tests besides `test` that
	 * share its boot, run by the same child from its snapshot, and
	 * their instance names (owned); 0 when it runs alone. */
	const suite_test **more;
	char **more_names;
	size_t nmore;
	/* A run of the image's own tests from a snapshot (--snapshot-at
	 * without --snapshot-test) names them only in its plan event: each
	 * then adds plan_test_ms to the backstop (0: not such a run), once
	 * the plan is read. */
	long plan_test_ms;
	int plan_read;

	/* Results, after suite_inst_results(). */
	report_case *cases;
	size_t ncases;
	char **owned;          /* strings the cases point to */
	size_t nowned;
	int failed;            /* any case failed, timed out or errored;
				* after suite_inst_finish: and is not
				* excused (quarantined, flaky) */

	/* Retries (src/suite/suite_attempt.c). */
	int attempt;           /* attempts run so far */
	int retries;           /* more attempts allowed after the first */
	report_case *prev;     /* the cases of earlier attempts, in order */
	size_t nprev;
	long prev_ms;          /* their time */
	report_attempt **att;  /* the cases' attempts arrays (owned) */
	size_t natt;
} suite_inst;

/*
 * Builds inst->argv: RUNNER run [--debug-on-failure] OPTS... [--timeout S] --events FILE
 * [--coverage DIR --coverage-strip N] IMAGE [-- ARGS...]. `timeout_s` > 0 is used when the test sets none.
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

/*
 * After an attempt: 1 when the instance failed and may run again. Its
 * results then become an earlier attempt's (kept for the report), the job
 * is PENDING again and its events file removed. 0 when it is final.
 * -ENOMEM.
 */
int suite_inst_retry(suite_inst *inst);

/* The policy a final verdict applies. */
typedef struct suite_verdict {
	const quarantine *quarantine;  /* --quarantine, or NULL */
	int flaky_fails;               /* --flaky-fails */
} suite_verdict;

/*
 * After the last attempt: gives each case its earlier failed attempts
 * (by name), its quarantine reason (the test's `quarantine` key, else the
 * first --quarantine glob matching the case's, the instance's or the
 * test's name), and sets inst->failed from what is not excused.
 * Returns 0 or -ENOMEM.
 */
int suite_inst_finish(suite_inst *inst, const suite_verdict *v);

void suite_inst_clear(suite_inst *inst);

/* ---- groups (src/suite/suite_group.c) ---- */

/*
 * Tests of one suite that boot alike to the same snapshot point and add
 * only console tests from it (--snapshot-test and the console options
 * after it) share one instance: one child boots once and runs them all.
 * insts[0..*n) are merged in place, *n is the count left; nothing is
 * merged when `enabled` is 0. Returns 0 or -ENOMEM.
 */
int suite_group(suite_inst *insts, size_t *n, int enabled);

/* The instance's console tests' part of argv: for each test of a group
 * (or the one test alone) the options from its first --snapshot-test on,
 * each NAME prefixed with its instance name in a group. 0 or -ENOMEM. */
int suite_group_argv(suite_inst *inst,
		     int (*push)(suite_inst *inst, const char *arg));
/* Where its options before the first --snapshot-test end (all: none). */
size_t suite_group_boot_len(const suite_test *t);

/* Runs of --timeout the instance may take: 1 + its --snapshot-tests. */
size_t suite_group_runs(const suite_inst *inst);

/* 1 when the instance's run takes its tests from the image's plan after
 * a --snapshot-at (no --snapshot-test names them). */
int suite_group_plans_later(const suite_inst *inst);
/* While the instance runs: once its run's plan event is in the events
 * file, adds plan_test_ms per planned test to the job's backstop. */
void suite_group_watch_plan(suite_inst *inst);

/* The instance and test names a case of the instance belongs to (the
 * member of a group whose NAME/ it starts with). */
void suite_group_member(const char **inst_name, const suite_test **test,
			const suite_inst *inst, const char *case_name);

#endif /* SUITE_RUN_H */

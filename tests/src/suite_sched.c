/* Tests of src/suite/suite_sched.c with /bin/sh children: parallelism limit,
 * capture, deadlines, exec failures, cancelling. Signals are tested end to
 * end in tests/integration/suite_cli.c. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite_sched.h"


typedef struct cmd {
	char *argv[4];
} cmd;

static void set_cmd(cmd *c, sched_job *j, const char *script)
{
	c->argv[0] = "/bin/sh";
	c->argv[1] = "-c";
	c->argv[2] = (char *)script;
	c->argv[3] = NULL;
	memset(j, 0, sizeof(*j));
	j->argv = c->argv;
}

static void run(sched_job *jobs, size_t n, int parallel)
{
	sched_config cfg;
	int signo = -1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.jobs = parallel;
	cfg.grace_ms = 300;
	cfg.sigfd = -1;
	cr_assert_eq(sched_run(&signo, jobs, n, &cfg), 0);
	cr_assert_eq(signo, 0);
}

/* Each child waits, at most `tries` times 50 ms, until `need` children
 * have arrived: they only all pass when that many run at the same time.
 * A child that must meet the others gets a bound far above any start-up
 * delay of a loaded machine (it costs nothing when the scheduler is right);
 * one that must give up gets a short one, and takes its file away first,
 * so that a child started only after it ended cannot complete the count
 * for the others. */
static char *barrier_script(const char *dir, int need, int tries)
{
	char *s = NULL;
	cr_assert(asprintf(&s,
		"touch %s/$$; i=0; while [ $i -lt %d ]; do "
		"[ $(ls %s | wc -l) -ge %d ] && exit 0; sleep 0.05; "
		"i=$((i+1)); done; rm -f %s/$$; exit 1", dir, tries, dir, need,
		dir) > 0);
	return s;
}

static void rm_dir(const char *dir)
{
	char *s = NULL;
	cr_assert(asprintf(&s, "rm -rf '%s'", dir) > 0);
	cr_assert_eq(system(s), 0);
	free(s);
}

Test(suite_sched, runs_jobs_in_parallel_up_to_the_limit)
{
	char dir[] = "/tmp/stubrun-sched-XXXXXX", dir2[] = "/tmp/stubrun-sched-XXXXXX";
	cmd c[3];
	sched_job j[3];

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not_null(mkdtemp(dir2));
	char *s3 = barrier_script(dir, 3, 1200), *s3b = barrier_script(dir2, 3, 20);
	for (int i = 0; i < 3; i++)
		set_cmd(&c[i], &j[i], s3);
	run(j, 3, 3);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(j[i].state, SCHED_DONE);
		cr_expect_eq(j[i].exit_status, 0, "job %d did not meet 2 others", i);
		sched_job_clear(&j[i]);
	}
	/* With -j 2, the third cannot start before the first two give up. */
	for (int i = 0; i < 3; i++)
		set_cmd(&c[i], &j[i], s3b);
	run(j, 3, 2);
	cr_expect_eq(j[0].exit_status, 1);
	cr_expect_eq(j[1].exit_status, 1);
	for (int i = 0; i < 3; i++)
		sched_job_clear(&j[i]);
	free(s3);
	free(s3b);
	rm_dir(dir);
	rm_dir(dir2);
}

Test(suite_sched, captures_stdout_stderr_status_and_cwd)
{
	cmd c;
	sched_job j;

	set_cmd(&c, &j, "echo out; echo err >&2; pwd; exit 7");
	j.cwd = "/";
	run(&j, 1, 1);
	cr_assert_eq(j.state, SCHED_DONE);
	cr_assert_eq(j.exit_status, 7);
	cr_assert_eq(j.term_signal, 0);
	cr_assert_not(j.timed_out);
	cr_assert_str_eq(j.out, "out\n/\n");
	cr_assert_str_eq(j.err, "err\n");
	cr_assert_geq(j.end_ms, j.start_ms);
	sched_job_clear(&j);
}

Test(suite_sched, stdin_is_dev_null_and_nul_bytes_survive)
{
	cmd c;
	sched_job j;

	set_cmd(&c, &j, "cat; printf 'a\\000b'");
	run(&j, 1, 1);
	cr_assert_eq(j.exit_status, 0);
	cr_assert_str_eq(j.out, "a\xef\xbf\xbd" "b");
	sched_job_clear(&j);
}

Test(suite_sched, deadline_sends_sigterm_then_sigkill_to_the_group)
{
	cmd c;
	sched_job j;
	char script[128], needle[32];
	int left = 1;

	/* Ignores SIGTERM, and so does its `sleep 7.N` child (N: our pid, so
	 * that a concurrent run of this test, plain and sanitized at once,
	 * is not counted). */
	snprintf(needle, sizeof(needle), "sleep 7.%06d", (int)getpid() % 1000000);
	snprintf(script, sizeof(script), "trap '' TERM; echo started; "
		 "while :; do %s; done", needle);
	set_cmd(&c, &j, script);
	/* Why 1 s: "started" must be out before the deadline; a shell on a
	 * loaded machine can take hundreds of ms to start. */
	j.timeout_ms = 1000;
	run(&j, 1, 1);
	cr_assert(j.timed_out);
	cr_assert_eq(j.term_signal, SIGKILL);
	cr_assert_eq(j.exit_status, 128 + SIGKILL);
	cr_assert_str_eq(j.out, "started\n");
	/* The group got SIGKILL; a killed process leaves the process table
	 * when it next runs, a moment later on a loaded machine. Gone means
	 * gone twice 50 ms apart (the loop's gap between two sleeps is far
	 * shorter); a survivor would loop on for 7 s and more. */
	for (int i = 0; i < 100 && left; i++) {
		left = harness_count_processes(needle);
		if (!left) {
			usleep(50000);
			left = harness_count_processes(needle);
		}
		if (left)
			usleep(50000);
	}
	cr_assert_eq(left, 0, "a child survived its group's SIGKILL");
	sched_job_clear(&j);
}

Test(suite_sched, missing_program_exits_127_with_message)
{
	char *argv[] = { "/nonexistent/stubrun", "run", NULL };
	sched_job j;

	memset(&j, 0, sizeof(j));
	j.argv = argv;
	run(&j, 1, 1);
	cr_assert_eq(j.state, SCHED_DONE);
	cr_assert_eq(j.exit_status, 127);
	cr_assert(strstr(j.err, "cannot execute /nonexistent/stubrun"), "%s", j.err);
	sched_job_clear(&j);
}

Test(suite_sched, bad_cwd_exits_125)
{
	cmd c;
	sched_job j;

	set_cmd(&c, &j, "exit 0");
	j.cwd = "/nonexistent/dir";
	run(&j, 1, 1);
	cr_assert_eq(j.exit_status, 125);
	cr_assert(strstr(j.err, "cannot enter /nonexistent/dir"), "%s", j.err);
	sched_job_clear(&j);
}

Test(suite_sched, output_is_capped_keeping_head_and_tail)
{
	cmd c;
	sched_job j;
	size_t total = SCHED_CAPTURE_HEAD + SCHED_CAPTURE_TAIL + 100000;
	char *script = NULL;

	cr_assert(asprintf(&script, "printf START; head -c %zu /dev/zero | "
			   "tr '\\000' x; printf END", total) > 0);
	set_cmd(&c, &j, script);
	run(&j, 1, 1);
	cr_assert_eq(j.exit_status, 0);
	cr_assert(strncmp(j.out, "START", 5) == 0);
	char marker[64];
	snprintf(marker, sizeof(marker), "[... %zu bytes dropped ...]",
		 5 + total + 3 - SCHED_CAPTURE_HEAD - SCHED_CAPTURE_TAIL);
	cr_assert(strstr(j.out, marker), "no %s", marker);
	size_t n = strlen(j.out);
	cr_assert_str_eq(j.out + n - 3, "END");
	cr_assert_lt(n, SCHED_CAPTURE_HEAD + SCHED_CAPTURE_TAIL + 100);
	sched_job_clear(&j);
	free(script);
}

static int stop_on_failure(sched_job *job, void *arg)
{
	(*(int *)arg)++;
	return job->exit_status != 0;
}

Test(suite_sched, on_done_can_cancel_the_rest)
{
	cmd c[3];
	sched_job j[3];
	sched_config cfg;
	int signo, calls = 0;

	set_cmd(&c[0], &j[0], "exit 1");
	set_cmd(&c[1], &j[1], "exit 0");
	set_cmd(&c[2], &j[2], "exit 0");
	memset(&cfg, 0, sizeof(cfg));
	cfg.jobs = 1;
	cfg.grace_ms = 300;
	cfg.sigfd = -1;
	cfg.on_done = stop_on_failure;
	cfg.arg = &calls;
	cr_assert_eq(sched_run(&signo, j, 3, &cfg), 0);
	cr_assert_eq(calls, 1);
	cr_assert_eq(j[0].state, SCHED_DONE);
	cr_assert_eq(j[1].state, SCHED_CANCELLED);
	cr_assert_eq(j[2].state, SCHED_CANCELLED);
	for (int i = 0; i < 3; i++)
		sched_job_clear(&j[i]);
}

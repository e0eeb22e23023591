/*
 * `stubrun test`: loads the suites, has suite_select.c pick the tests
 * (with Bazel's sharding applied to the options first), runs them through the scheduler as child
 * `stubrun run` processes in rounds (a round reruns what failed and may be
 * retried), and writes the reports. Entry: suite_main().
 */
#include "suite.h"
#include "suite_cli.h"
#include "suite_run.h"
#include "util.h"
#include "report.h"
#include "privdir.h"
#include "suite_bazel.h"
#include "quarantine.h"
#include "suite_coverage.h"
#include "suite_report_file.h"
#include "suite_select.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* The default of `stubrun run --timeout`: the parent's deadline needs it. */
#define RUN_DEFAULT_TIMEOUT_S ((double)UTIL_DEFAULT_TIMEOUT_S)
/* SIGTERM -> SIGKILL: enough for run to interrupt the guest, print its
 * post-mortem and kill its QEMU. */
#define SUITE_GRACE_MS 3000

typedef struct ctx {
	suite_opts o;
	suite **suites;
	size_t nsuites;
	suite_inst *insts;
	sched_job *jobs;
	size_t ninsts;
	report_case *all;         /* every result, in report order */
	char *tmpdir;
	char *runner;
	/* each format's file; JUnit's default is $XML_OUTPUT_FILE */
	const char *report[REPORT_NFORMATS];
	suite_progress prog;
	quarantine *quarantine;   /* --quarantine, or NULL */
	suite_bazel bazel;        /* Bazel's variables */
	suite_verdict verdict;
	int sigfd;
	int mask_saved;
	sigset_t oldmask;
	long start_ms;
	char timestamp[32];
} ctx;

/* ---- selection ---- */

/* Bazel's variables (suite_bazel.c): XML_OUTPUT_FILE is the JUnit
 * report unless --junit names one, its shard applies unless --shard,
 * --test_filter's TESTBRIDGE_TEST_ONLY is the --filter unless one is
 * given. */
static int bazel_env(ctx *c, char *err, size_t errlen)
{
	for (int i = 0; i < REPORT_NFORMATS; i++)
		c->report[i] = c->o.report[i];
	if (suite_bazel_begin(&c->bazel, c->o.shard_total != 0, err,
			      errlen) < 0)
		return -1;
	if (!c->report[REPORT_JUNIT])
		c->report[REPORT_JUNIT] = c->bazel.xml_output;
	if (c->bazel.shard_total) {
		c->o.shard_index = c->bazel.shard_index;
		c->o.shard_total = c->bazel.shard_total;
	}
	if (c->bazel.test_only && !c->o.nfilters) {
		/* The options own the array, not its strings (argv's). */
		if (!(c->o.filters = malloc(sizeof(*c->o.filters)))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->o.filters[0] = (char *)c->bazel.test_only;
		c->o.nfilters = 1;
		c->o.filter_var = "TESTBRIDGE_TEST_ONLY";
	}
	return 0;
}

/* --quarantine FILE: read before the suites, so that a bad line is found
 * before anything runs. QUARANTINE_E* on failure. */
static int load_quarantine(ctx *c, char *err, size_t errlen)
{
	int rc;

	c->verdict.flaky_fails = c->o.flaky_fails;
	if (!c->o.quarantine)
		return 0;
	rc = quarantine_read_file(&c->quarantine, c->o.quarantine, err, errlen);
	c->verdict.quarantine = c->quarantine;
	return rc;
}

static int load_suites(ctx *c, char *err, size_t errlen)
{
	if (!(c->suites = calloc(c->o.nsuites, sizeof(*c->suites))))
		return -1;
	for (size_t i = 0; i < c->o.nsuites; i++) {
		if (suite_parse_file(&c->suites[i], c->o.suites[i], err,
				     errlen) < 0)
			return -1;
		c->nsuites++;
	}
	return 0;
}

static int alloc_jobs(ctx *c, char *err, size_t errlen)
{
	if (!(c->jobs = calloc(c->ninsts + 1, sizeof(*c->jobs)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- --list ---- */

static void put_json_array(FILE *f, char *const *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		report_put_json_string(f, v[i]);
	}
	fputc(']', f);
}

static int list_tests(ctx *c)
{
	for (size_t i = 0; i < c->ninsts; i++) {
		const suite_inst *in = &c->insts[i];
		if (!c->o.report[REPORT_JSON]) {
			printf("%s\n", in->name);
			continue;
		}
		fputs("{\"suite\":", stdout);
		report_put_json_string(stdout, in->suite->path);
		fputs(",\"name\":", stdout);
		report_put_json_string(stdout, in->name);
		fprintf(stdout, ",\"line\":%d,\"image\":", in->test->line);
		report_put_json_string(stdout, in->test->image ? in->test->image : "");
		fputs(",\"options\":", stdout);
		put_json_array(stdout, in->test->opts, in->test->nopts);
		fputs(",\"args\":", stdout);
		put_json_array(stdout, in->test->args, in->test->nargs);
		fprintf(stdout, ",\"expect_exit\":%d}\n", in->test->expect_exit);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? SUITE_EXIT_PASS
						       : SUITE_EXIT_ERROR;
}

/* ---- running ---- */

static int find_runner(ctx *c, char *err, size_t errlen)
{
	const char *env = getenv("STUBRUN_SUITE_RUNNER");  /* tests only */
	char buf[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if (!(c->runner = realpath(env, NULL))) {
			snprintf(err, errlen, "STUBRUN_SUITE_RUNNER %s: %s", env,
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		c->runner = strdup("/proc/self/exe");
	else
		c->runner = strndup(buf, (size_t)n);
	return c->runner ? 0 : -1;
}

static int block_signals(ctx *c, char *err, size_t errlen)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &c->oldmask) < 0)
		goto fail;
	c->mask_saved = 1;
	/* A signalfd instead of handlers: no global state, and the signals
	 * arrive in the poll loop together with the children's output. */
	c->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->sigfd < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "signals: %s", strerror(errno));
	return -1;
}

/* --debug-on-failure applies to the test `name`: every test (with -j1),
 * or those its NAME matches. */
static int debugged(const suite_opts *o, const char *name)
{
	if (!o->debug_on_failure)
		return 0;
	return !o->debug_test || fnmatch(o->debug_test, name, 0) == 0;
}

static int prepare(ctx *c, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");

	if (block_signals(c, err, errlen) < 0 || find_runner(c, err, errlen) < 0)
		return -1;
	if (!(c->tmpdir = malloc(PATH_MAX)))
		goto nomem;
	if (privdir_make(c->tmpdir, PATH_MAX, tmp, "test") < 0) {
		snprintf(err, errlen, "%s: %s", c->tmpdir, strerror(errno));
		free(c->tmpdir);
		c->tmpdir = NULL;
		return -1;
	}
	for (size_t i = 0; i < c->ninsts; i++) {
		suite_inst *in = &c->insts[i];
		const suite_test *t = in->test;
		double secs = t->timeout_s > 0 ? t->timeout_s
			    : c->o.timeout_s > 0 ? c->o.timeout_s
			    : RUN_DEFAULT_TIMEOUT_S;
		double extra;
		if (asprintf(&in->events_path, "%s/events-%zu.jsonl", c->tmpdir,
			     i) < 0) {
			in->events_path = NULL;
			goto nomem;
		}
		in->debug = debugged(&c->o, in->name);
		if (c->o.coverage && !in->cov_path &&
		    suite_cov_prepare(in, i, c->tmpdir, c->o.coverage_strip) < 0)
			goto nomem;
		if (suite_inst_argv(in, c->runner, c->o.timeout_s) < 0)
			goto nomem;
		in->job = &c->jobs[i];
		in->job->argv = in->argv;
		in->job->cwd = in->suite->dir;
		in->job->user = in;
		/* A backstop behind run's own timeout, which a run with
		 * tests from a snapshot has for the boot and for each test:
		 * QEMU's start-up has its allowance, and the post-mortem a
		 * quarter more, at least 2 s; one more timeout in all for the
		 * semihosting service that is not the guest's, and with
		 * --coverage another for a dump called after a timeout. A
		 * test that may wait for gdb gets none, and talks to the
		 * terminal. */
		if (suite_group_plans_later(in) && !in->debug)
			in->plan_test_ms = (long)(secs * 1000.0);
		extra = secs * (c->o.coverage ? 2000.0 : 1000.0);
		secs *= (double)suite_group_runs(in);
		in->job->timeout_ms = in->debug ? 0 :
				      (long)(secs * 1000.0 + extra) + UTIL_STARTUP_MS +
				      (secs / 4 > 2 ? (long)(secs * 250.0) : 2000);
		in->job->err_to_terminal = in->debug;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int on_done(sched_job *job, void *arg)
{
	ctx *c = arg;
	suite_inst *in = job->user;

	int again;

	suite_inst_results(in, NULL);
	if (in->failed && in->attempt < in->retries)
		suite_progress_retry(&c->prog, in);
	/* Out of memory here leaves the attempt as the final one. */
	if ((again = suite_inst_retry(in)) > 0)
		return 0;
	suite_inst_finish(in, &c->verdict);
	suite_progress_result(&c->prog, in);
	return c->o.fail_fast && in->failed;
}

static void on_tick(const sched_job *jobs, size_t n, long now, void *arg)
{
	ctx *c = arg;

	for (size_t i = 0; i < c->ninsts; i++)
		suite_group_watch_plan(&c->insts[i]);
	suite_progress_tick(&c->prog, jobs, n, now);
}

static int any_pending(const ctx *c)
{
	for (size_t i = 0; i < c->ninsts; i++)
		if (c->jobs[i].state == SCHED_PENDING)
			return 1;
	return 0;
}

static int run_all(int *signo, ctx *c)
{
	sched_config cfg;
	char why[64];

	memset(&cfg, 0, sizeof(cfg));
	cfg.jobs = c->o.jobs;
	cfg.grace_ms = SUITE_GRACE_MS;
	cfg.sigfd = c->sigfd;
	cfg.child_mask = &c->oldmask;
	cfg.on_done = on_done;
	cfg.on_tick = on_tick;
	cfg.arg = c;
	c->prog.f = stderr;
	c->prog.tty = isatty(2);
	c->prog.total = c->ninsts;
	/* Rounds: each runs what is PENDING, the first everything, the
	 * next the instances on_done reset for another attempt. The number
	 * of rounds is bounded by the retries (each reset uses one). */
	do {
		if (sched_run(signo, c->jobs, c->ninsts, &cfg) < 0)
			return -1;
	} while (!*signo && any_pending(c));
	if (*signo)
		snprintf(why, sizeof(why), "interrupted by SIG%s",
			 sigabbrev_np(*signo) ? sigabbrev_np(*signo) : "?");
	else
		snprintf(why, sizeof(why), "cancelled by --fail-fast");
	for (size_t i = 0; i < c->ninsts; i++)
		if (c->jobs[i].state == SCHED_CANCELLED &&
		    (suite_inst_results(&c->insts[i], why) < 0 ||
		     suite_inst_finish(&c->insts[i], &c->verdict) < 0))
			return -1;
	return 0;
}

/* ---- reports ---- */

static int check_report_paths(const ctx *c, char *err, size_t errlen)
{
	for (int i = 0; i < REPORT_NFORMATS; i++)
		if (suite_report_path_check(c->report[i], err, errlen) < 0)
			return -1;
	return 0;
}

static int write_reports(ctx *c, report *r, report_suite *rs, char *err,
			 size_t errlen)
{
	report_case *all;
	size_t ncases = 0, at = 0;
	int rc = 0;

	for (size_t i = 0; i < c->ninsts; i++)
		ncases += c->insts[i].ncases;
	if (!(all = c->all = calloc(ncases + 1, sizeof(*all)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Cases in suite order, then test order: deterministic whatever
	 * order the children finished in. */
	for (size_t s = 0; s < c->nsuites; s++) {
		rs[s].name = c->suites[s]->path;
		rs[s].cases = all + at;
		for (size_t i = 0; i < c->ninsts; i++) {
			const suite_inst *in = &c->insts[i];
			if (in->suite_index != s)
				continue;
			for (size_t k = 0; k < in->ncases; k++) {
				all[at] = in->cases[k];
				all[at].nshards = c->o.shard_total;
				all[at++].shard = c->o.shard_total ?
						  c->o.shard_index + 1 : 0;
			}
			rs[s].duration_ms += in->prev_ms;
			if (in->job && in->job->end_ms > in->job->start_ms)
				rs[s].duration_ms += in->job->end_ms -
						     in->job->start_ms;
		}
		rs[s].ncases = (size_t)(all + at - rs[s].cases);
	}
	r->suites = rs;
	r->nsuites = c->nsuites;
	r->duration_ms = util_now_ms() - c->start_ms;
	r->timestamp = c->timestamp;
	for (int i = 0; i < REPORT_NFORMATS; i++)
		if (c->report[i])
			rc |= suite_report_write(c->report[i],
						 (report_format_id)i, r, err,
						 errlen);
	return rc ? -1 : 0;
}

/* ---- clean-up ---- */

static void ctx_free(ctx *c)
{
	/* The events files, the coverage of each run, and whatever a child
	 * left beside them. */
	privdir_remove(c->tmpdir);
	free(c->tmpdir);
	for (size_t i = 0; i < c->ninsts; i++)
		suite_inst_clear(&c->insts[i]);
	free(c->insts);
	free(c->jobs);
	free(c->all);
	for (size_t i = 0; i < c->nsuites; i++)
		suite_free(c->suites[i]);
	free(c->suites);
	free(c->runner);
	if (c->sigfd >= 0)
		close(c->sigfd);
	if (c->mask_saved)
		sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	quarantine_free(c->quarantine);
	suite_opts_free(&c->o);
}

static int exit_status(const ctx *c, int signo)
{
	if (signo)
		return 128 + signo;
	for (size_t i = 0; i < c->ninsts; i++)
		if (c->insts[i].failed)
			return SUITE_EXIT_FAIL;
	return SUITE_EXIT_PASS;
}

int suite_main(int argc, char **argv)
{
	ctx c;
	report r;
	report_suite *rs = NULL;
	char err[1024];
	int status = SUITE_EXIT_ERROR, signo = 0, rc;
	suite_cov cov = { 0 };
	time_t now = time(NULL);
	struct tm tm;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	c.sigfd = -1;
	c.start_ms = util_now_ms();
	strftime(c.timestamp, sizeof(c.timestamp), "%Y-%m-%dT%H:%M:%S",
		 gmtime_r(&now, &tm));
	err[0] = '\0';
	if (suite_opts_parse(&c.o, argc, argv, err, sizeof(err)) < 0)
		goto fail;
	if (c.o.help) {
		suite_usage(stdout);
		status = SUITE_EXIT_PASS;
		goto out;
	}
	if (bazel_env(&c, err, sizeof(err)) < 0 ||
	    check_report_paths(&c, err, sizeof(err)) < 0)
		goto fail;
	if (c.o.durations && !c.o.shard_total) {
		snprintf(err, sizeof(err), "--durations: needs --shard K/N "
			 "(or Bazel's TEST_TOTAL_SHARDS)");
		goto fail;
	}
	if ((rc = load_quarantine(&c, err, sizeof(err))) < 0) {
		status = rc == QUARANTINE_ENOMEM ? SUITE_EXIT_ERROR
					       : SUITE_EXIT_QUARANTINE;
		goto fail_status;
	}
	if (load_suites(&c, err, sizeof(err)) < 0)
		goto fail;
	if ((rc = suite_select(&c.o, c.suites, c.nsuites, &c.insts,
			       &c.ninsts, err, sizeof(err))) < 0 ||
	    (rc = alloc_jobs(&c, err, sizeof(err))) < 0) {
		status = rc == -SUITE_EXIT_BADREPORT ? SUITE_EXIT_BADREPORT
						     : SUITE_EXIT_ERROR;
		goto fail_status;
	}
	if (c.o.list) {
		status = list_tests(&c);
		goto out;
	}
	/* A test that may wait for gdb keeps its own machine. */
	if (suite_group(c.insts, &c.ninsts, !c.o.debug_on_failure) < 0)
		goto fail;
	if (prepare(&c, err, sizeof(err)) < 0 || run_all(&signo, &c) < 0)
		goto fail;
	if (!(rs = calloc(c.nsuites + 1, sizeof(*rs))))
		goto fail;
	if (c.o.coverage &&
	    suite_cov_run(&cov, &r.coverage, c.o.coverage, c.insts, c.ninsts,
			  c.tmpdir, c.report[REPORT_HTML], err, sizeof(err)) < 0)
		goto fail;
	if (write_reports(&c, &r, rs, err, sizeof(err)) < 0) {
		suite_progress_summary(&c.prog, &r, c.insts, c.ninsts, signo,
				       c.o.flaky_fails);
		goto fail;
	}
	suite_progress_summary(&c.prog, &r, c.insts, c.ninsts, signo,
				       c.o.flaky_fails);
	if (cov.said)
		fputs(cov.said, stderr);
	status = exit_status(&c, signo);
	goto out;
fail:
	status = signo ? 128 + signo : SUITE_EXIT_ERROR;
fail_status:
	suite_progress_clear(&c.prog);
	fprintf(stderr, "stubrun test: %s\n", err[0] ? err : "out of memory");
out:
	suite_bazel_end(&c.bazel, signo != 0);
	free(cov.said);
	free(rs);
	ctx_free(&c);
	return status;
}

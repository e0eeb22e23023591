/* `stubrun test` end to end with a stand-in for `stubrun run`
 * (tests/integration/suite_runner.sh, chosen by STUBRUN_SUITE_RUNNER):
 * statuses, reports, deadlines, signals, sharding, filters. The suites are
 * the .ini files of tests/integration/suite_data. Each test gets a private TMPDIR and
 * checks that stubrun test left nothing in it. */
#include "suite_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TestSuite(suite_cli, .init = setup, .fini = teardown);

Test(suite_cli, mixed_suite_reports_every_kind_of_result)
{
	char suite[512], xml[256], json[256];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "mixed.ini"), "--tap",
	    "--junit", tmp(xml, sizeof(xml), "out.xml"),
	    "--json", tmp(json, sizeof(json), "out.jsonl"), "-j", "3");
	cr_assert_eq(r.status, 1, "%.1500s", r.err);
	/* TAP on stdout, in suite order whatever finished first. */
	cr_assert(strncmp(r.out, "TAP version 14\n1..10\n", 21) == 0, "%.1500s", r.out);
	cr_assert(strstr(r.out, "\nok 1 - pass\nnot ok 2 - fail\n"), "%.1500s", r.out);
	cr_assert(strstr(r.out, "ok 9 - crash/third # SKIP not run"), "%.1500s", r.out);
	cr_assert(strstr(r.out, "ok 10 - args\n"), "%.1500s", r.out);

	char *j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"fail\",\"status\":\"fail\",\"exit\":3,"), "%.1500s", j);
	cr_assert(strstr(j, "\"message\":\"exit status 3, expected 0\""), "%.1500s", j);
	cr_assert(strstr(j, "\"log\":\"post-mortem: pc=0x1234 <check_value+8>\\n\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"timeout\",\"status\":\"timeout\",\"exit\":124"), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"error\",\"status\":\"error\",\"exit\":125"), "%.1500s", j);
	cr_assert(strstr(j, "stubrun run status 125: stubrun: /no/such.elf: No such file"), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"guest/alloc\",\"status\":\"pass\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"guest/sched\",\"status\":\"fail\",\"exit\":2"), "%.1500s", j);
	cr_assert(strstr(j, "\"output\":\"sched: bad \\\"tick\\\"\\n\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"crash/first\",\"status\":\"pass\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"crash/second\",\"status\":\"fail\""), "%.1500s", j);
	cr_assert(strstr(j, "began but did not end"), "%.1500s", j);
	cr_assert(strstr(j, "post-mortem: stubrun_panic(\\\"page fault\\\") pc=0xdead"), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"crash/third\",\"status\":\"notrun\""), "%.1500s", j);
	/* Arguments, options in file order, and the suite's directory as cwd. */
	cr_assert(strstr(j, "argc=3 [one] [two words] [three]"), "%.1500s", j);
	cr_assert(strstr(j, "opts= --timeout 10 --qemu-arg -smp --qemu-arg 2"), "%.1500s", j);
	cr_assert(strstr(j, "cwd=/"), "%.1500s", j);
	cr_assert(strstr(j, "tests/integration/suite_data\\n"), "%.1500s", j);
	cr_assert(strstr(j, "{\"event\":\"summary\",\"total\":10,\"passed\":4,"
			 "\"failed\":3,\"timed_out\":1,\"errors\":1,\"not_run\":1"), "%.1500s", j);
	free(j);

	char *x = slurp(xml);
	cr_assert(strstr(x, "<testsuite name=\"") && strstr(x, "mixed.ini\" tests=\"10\" "
			 "failures=\"4\" errors=\"1\" skipped=\"1\""), "%.1500s", x);
	cr_assert(strstr(x, "<failure message=\"exit status 3, expected 0\" type=\"fail\">"), "%.1500s", x);
	cr_assert(strstr(x, "<error message=\"stubrun run status 125"), "%.1500s", x);
	cr_assert(strstr(x, "<skipped message=\"not run: the run ended before it began\"/>"), "%.1500s", x);
	free(x);
	/* The human summary on stderr. */
	cr_assert(strstr(r.err, "stubrun test: 4 passed, 3 failed, 1 timed out, 1 errors, 1 not run"),
		  "%.1500s", r.err);
	harness_result_free(&r);
}

Test(suite_cli, passing_suite_exits_0_with_a_line_per_test)
{
	char suite[512];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "pass.ini"), "-j", "2");
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert(strstr(r.err, "PASS    a ("), "%.1500s", r.err);
	cr_assert(strstr(r.err, "PASS    b ("), "%.1500s", r.err);
	cr_assert(strstr(r.err, "PASS    c ("), "%.1500s", r.err);
	cr_assert_str_eq(r.out, "");
	harness_result_free(&r);
}

Test(suite_cli, suite_errors_exit_125_naming_file_and_line)
{
	char suite[512], want[600];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "bad.ini"));
	cr_assert_eq(r.status, 125);
	snprintf(want, sizeof(want), "stubrun test: %s:3: unknown key 'imagee'\n", suite);
	cr_assert_str_eq(r.err, want);
	harness_result_free(&r);

	RUN(&r, "/nonexistent/suite.ini");
	cr_assert_eq(r.status, 125);
	cr_assert(strstr(r.err, "/nonexistent/suite.ini: No such file"), "%.1500s", r.err);
	harness_result_free(&r);
}

/* An unwritable report path is found before any test runs: one line,
 * 125, and no test line. */
Test(suite_cli, unwritable_report_path_fails_before_any_test)
{
	static const char *const bad[][2] = {
		{ "--junit", "/nonexistent/r.xml" }, { "--json", "/" },
		{ "--tap", "/proc/version/r.tap" },
	};
	char suite[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		harness_result r;
		RUN(&r, data(suite, sizeof(suite), "pass.ini"), bad[i][0], bad[i][1]);
		cr_expect_eq(r.status, 125, "%s: %d", bad[i][1], r.status);
		cr_expect(strstr(r.err, "cannot write the report"), "%s", r.err);
		cr_expect(strstr(r.err, bad[i][1]), "%s", r.err);
		cr_expect_null(strstr(r.err, "PASS"), "a test ran: %s", r.err);
		harness_result_free(&r);
	}
}

Test(suite_cli, usage_errors_exit_125)
{
	static const char *const bad[][3] = {
		{ "--bogus", "x.ini", NULL }, { "--shard", "0/2", "x.ini" },
		{ "-j", "0", "x.ini" }, { "--repeat", "x", "x.ini" },
		{ "--timeout", "-3", "x.ini" }, { "--junit", NULL, NULL },
		{ "--list", NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		harness_result r;
		const char *argv[] = { harness_stubrun(), "test", bad[i][0],
				       bad[i][1], bad[i][2], NULL };
		cr_assert_eq(harness_run(&r, argv, 30), 0);
		cr_expect_eq(r.status, 125, "case %zu: %d", i, r.status);
		cr_expect(strncmp(r.err, "stubrun test: ", 14) == 0, "case %zu: %s", i, r.err);
		harness_result_free(&r);
	}
}

/* The processes with `needle` that are left once SIGKILLed groups have
 * died: a killed process leaves the process table when it next runs, a
 * moment after stubrun test exits on a loaded machine (the test's sleeps
 * are not its children: it cannot wait for them). Gone means none twice
 * 50 ms apart (hang.sh's gap between two sleeps is far shorter); a real
 * survivor outlives the 10 s bound (29 s sleeps, or a loop without end). */
static int wait_gone(const char *needle)
{
	int left = 1;

	for (int i = 0; i < 100 && left; i++) {
		left = harness_count_processes(needle);
		if (!left) {
			usleep(50000);
			left = harness_count_processes(needle);
		}
		if (left)
			usleep(50000);
	}
	return left;
}

Test(suite_cli, deadline_kills_a_run_that_ignores_sigterm)
{
	char suite[512], json[256], hang[32], needle[48];
	harness_result r;

	/* A sleep of its own, told apart from concurrent runs of this test. */
	snprintf(hang, sizeof(hang), "1.%06d", (int)getpid() % 1000000);
	snprintf(needle, sizeof(needle), "sleep %s", hang);
	setenv("HANG_SLEEP", hang, 1);
	RUN(&r, data(suite, sizeof(suite), "hang.ini"), "--json",
	    tmp(json, sizeof(json), "out.jsonl"));
	cr_assert_eq(r.status, 1, "%.1500s", r.err);
	char *j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"wedged\",\"status\":\"timeout\",\"exit\":137"), "%.1500s", j);
	cr_assert(strstr(j, "killed by stubrun test"), "%.1500s", j);
	cr_assert(strstr(j, "\"output\":\"wedged\\n\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"after\",\"status\":\"pass\""), "%.1500s", j);
	free(j);
	cr_assert_eq(wait_gone(needle), 0, "the wedged run survived");
	harness_result_free(&r);
}

static void wait_for(const char *needle, int n)
{
	for (int i = 0; i < 400 && harness_count_processes(needle) < n; i++)
		usleep(25000);
	cr_assert_eq(harness_count_processes(needle), n, "%s never reached %d", needle, n);
}

/* Starts stubrun test on slow.ini, signals it once 3 tests run, and checks
 * the status, that no child survives, and the partial report. */
static void interrupt(int sig, int want_status, const char *why)
{
	char suite[512], xml[256], needle[64], slow[32];
	pid_t pid;
	int st = 0;

	/* A sleep of its own, told apart from concurrent runs of this test. */
	snprintf(slow, sizeof(slow), "29.%06d", (int)getpid() % 1000000);
	setenv("SLOW", slow, 1);
	snprintf(needle, sizeof(needle), "sleep %s", slow);
	data(suite, sizeof(suite), "slow.ini");
	tmp(xml, sizeof(xml), "out.xml");
	const char *argv[] = { harness_stubrun(), "test", "-j", "3", "--junit",
			       xml, suite, NULL };
	pid = harness_spawn_quiet(argv);
	cr_assert_geq(pid, 0);
	wait_for(needle, 3);
	kill(pid, sig);
	for (int i = 0; i < 600 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(25000);
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		cr_assert_fail("stubrun test did not stop on signal %d", sig);
	}
	cr_assert(WIFEXITED(st), "killed by signal %d", WTERMSIG(st));
	cr_assert_eq(WEXITSTATUS(st), want_status);
	cr_assert_eq(wait_gone(needle), 0, "a child survived");
	char *x = slurp(xml);
	cr_assert(strstr(x, "tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"5\""), "%.1500s", x);
	cr_assert(strstr(x, why), "%.1500s", x);
	free(x);
}

Test(suite_cli, sigint_stops_every_child_and_writes_partial_reports)
{
	interrupt(SIGINT, 130, "<skipped message=\"interrupted by SIGINT\"/>");
}

Test(suite_cli, sigterm_stops_every_child_and_exits_143)
{
	interrupt(SIGTERM, 143, "<skipped message=\"interrupted by SIGTERM\"/>");
}

static char *list(const char *const *extra)
{
	char suite[512];
	const char *argv[12] = { harness_stubrun(), "test", "--list",
				 data(suite, sizeof(suite), "glob.ini") };
	harness_result r;
	int n = 4;

	for (; extra && *extra; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	cr_assert_eq(harness_run(&r, argv, 30), 0);
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	char *out = strdup(r.out);
	harness_result_free(&r);
	return out;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Every name of `all` appears in exactly one of the shards. */
static void assert_partition(const char *all, char *const *shards, int n)
{
	size_t total = 0;

	for (int k = 0; k < n; k++)
		total += count_lines(shards[k]);
	cr_assert_eq(total, count_lines(all));
	for (const char *p = all; *p;) {
		const char *e = strchr(p, '\n');
		char line[256];
		int hits = 0;
		snprintf(line, sizeof(line), "%.*s\n", (int)(e - p), p);
		for (int k = 0; k < n; k++) {
			const char *s = shards[k];
			for (const char *q = s; (q = strstr(q, line)); q++)
				hits += q == s || q[-1] == '\n';
		}
		cr_assert_eq(hits, 1, "%s in %d shards", line, hits);
		p = e + 1;
	}
}

Test(suite_cli, shards_partition_the_tests)
{
	char *all = list(NULL), *shards[3], *bazel[3], spec[24], idx[16];
	char status[256];

	cr_assert_gt(count_lines(all), 3);
	for (int k = 0; k < 3; k++) {
		snprintf(spec, sizeof(spec), "%d/3", k + 1);
		const char *extra[] = { "--shard", spec, NULL };
		shards[k] = list(extra);
		cr_assert_gt(count_lines(shards[k]), 0);
		/* Bazel's protocol gives the same shards, and we touch the
		 * status file to say we support it. */
		snprintf(idx, sizeof(idx), "%d", k);
		setenv("TEST_TOTAL_SHARDS", "3", 1);
		setenv("TEST_SHARD_INDEX", idx, 1);
		setenv("TEST_SHARD_STATUS_FILE", tmp(status, sizeof(status), "out.status"), 1);
		bazel[k] = list(NULL);
		cr_assert_eq(access(status, F_OK), 0);
		unlink(status);
		unsetenv("TEST_TOTAL_SHARDS");
		unsetenv("TEST_SHARD_INDEX");
		unsetenv("TEST_SHARD_STATUS_FILE");
		cr_assert_str_eq(bazel[k], shards[k]);
	}
	assert_partition(all, shards, 3);
	for (int k = 0; k < 3; k++) {
		free(shards[k]);
		free(bazel[k]);
	}
	free(all);
}

Test(suite_cli, filter_and_repeat_select_instances)
{
	char suite[512];
	harness_result r;

	RUN(&r, "--list", "--filter", "a", "--filter", "[c]",
	    data(suite, sizeof(suite), "pass.ini"), "--repeat", "2");
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert_str_eq(r.out, "a#1\na#2\nc#1\nc#2\n");
	harness_result_free(&r);

	RUN(&r, "--filter", "nothing*", data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 125);
	cr_assert(strstr(r.err, "no test matches --filter"), "%.1500s", r.err);
	harness_result_free(&r);
}

Test(suite_cli, fail_fast_cancels_the_rest)
{
	char suite[512], json[256];
	harness_result r;

	RUN(&r, "--fail-fast", "-j", "1", data(suite, sizeof(suite), "mixed.ini"),
	    "--json", tmp(json, sizeof(json), "out.jsonl"));
	cr_assert_eq(r.status, 1);
	char *j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"pass\",\"status\":\"pass\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"fail\",\"status\":\"fail\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"args\",\"status\":\"notrun\""), "%.1500s", j);
	cr_assert(strstr(j, "\"message\":\"cancelled by --fail-fast\""), "%.1500s", j);
	free(j);
	harness_result_free(&r);
}

Test(suite_cli, list_json_describes_each_test)
{
	char suite[512];
	harness_result r;

	RUN(&r, "--list", "--json", data(suite, sizeof(suite), "mixed.ini"),
	    "--filter", "args");
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert_eq(count_lines(r.out), 1);
	cr_assert(strstr(r.out, "\"name\":\"args\",\"line\":26,"), "%.1500s", r.out);
	cr_assert(strstr(r.out, "\"options\":[\"--timeout\",\"10\",\"--qemu-arg\","
			 "\"-smp\",\"--qemu-arg\",\"2\"],\"args\":[\"one\","
			 "\"two words\",\"three\"],\"expect_exit\":0}"), "%.1500s", r.out);
	harness_result_free(&r);
}

/* ---- retries, quarantine, balanced shards, merged reports ---- */

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* retry.ini: "flaky" fails once then passes (flaky.sh counts its runs in
 * $TMPDIR/out.flaky-flaky), "stuck" always fails, "known" always fails and
 * is quarantined by its key, "once" fails but its key allows no retry. */
Test(suite_cli, retry_failed_reruns_up_to_n_and_reports_flaky)
{
	char suite[512], json[256], xml[256];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--retry-failed", "2",
	    "--json", tmp(json, sizeof(json), "out.jsonl"),
	    "--junit", tmp(xml, sizeof(xml), "out.xml"), "-j", "2");
	cr_assert_eq(r.status, 1, "%.2000s", r.err);
	/* stuck: 1 + 2 attempts, two RETRY lines, then FAIL; flaky: one. */
	cr_assert_eq(count(r.err, "RETRY   stuck"), 2, "%.2000s", r.err);
	cr_assert_eq(count(r.err, "RETRY   flaky"), 1, "%.2000s", r.err);
	cr_assert_eq(count(r.err, "RETRY   once"), 0, "%.2000s", r.err);
	cr_assert(strstr(r.err, "FLAKY   flaky"), "%.2000s", r.err);
	cr_assert(strstr(r.err, "stubrun test: 1 passed, 2 failed, 0 timed out, "
			 "0 errors, 0 not run, 1 flaky, 1 quarantined"), "%.2000s", r.err);
	char *counter = slurp(tmp(suite, sizeof(suite), "out.flaky-flaky"));
	cr_assert_str_eq(counter, "2\n");  /* it ran twice, not three times */
	free(counter);
	static const char *const in_json[] = {
		"\"name\":\"flaky\",\"status\":\"pass\"",
		"\"flaky\":true,\"quarantine\":null,\"shard\":null,\"attempts\":[{\"status\":\"fail\"",
		"\"name\":\"known\",\"status\":\"fail\"",
		"\"quarantine\":\"known bug #7\"",
		"\"passed\":1,\"failed\":2,\"timed_out\":0,\"errors\":0,"
		"\"not_run\":0,\"flaky\":1,\"quarantined\":1",
	};
	char *j = slurp(json);
	for (size_t i = 0; i < sizeof(in_json) / sizeof(in_json[0]); i++)
		cr_assert(strstr(j, in_json[i]), "%s not in %.3000s", in_json[i], j);
	free(j);
	char *x = slurp(xml);
	cr_assert_eq(count(x, "<flakyFailure "), 1, "%.3000s", x);
	/* stuck and known: <failure> once, then two reruns each. */
	cr_assert_eq(count(x, "<rerunFailure "), 4, "%.3000s", x);
	cr_assert(strstr(x, "<property name=\"quarantined\" value=\"known bug #7\"/>"), "%.3000s", x);
	free(x);
	harness_result_free(&r);
}

Test(suite_cli, flaky_passes_unless_flaky_fails)
{
	char suite[512];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--filter", "flaky",
	    "--retry-failed", "1");
	cr_assert_eq(r.status, 0, "%.2000s", r.err);
	harness_result_free(&r);
	unlink(tmp(suite, sizeof(suite), "out.flaky-flaky"));
	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--filter", "flaky",
	    "--retry-failed", "1", "--flaky-fails");
	cr_assert_eq(r.status, 1, "%.2000s", r.err);
	cr_assert(strstr(r.err, "1 flaky (failing the suite)"), "%.2000s", r.err);
	harness_result_free(&r);
	/* Without retries the same test just fails. */
	unlink(tmp(suite, sizeof(suite), "out.flaky-flaky"));
	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--filter", "flaky");
	cr_assert_eq(r.status, 1, "%.2000s", r.err);
	cr_assert_eq(count(r.err, "RETRY"), 0, "%.2000s", r.err);
	harness_result_free(&r);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

Test(suite_cli, quarantine_file_excuses_failures_and_bad_lines_exit_3)
{
	char suite[512], q[256], tap[256];
	harness_result r;

	write_text(tmp(q, sizeof(q), "out.quarantine"),
		   "# tests that fail for known reasons\n\n"
		   "st*ck   bug #9: the stand-in always fails\n");
	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--filter", "stuck",
	    "--filter", "pass", "--quarantine", q,
	    "--tap", tmp(tap, sizeof(tap), "out.tap"));
	cr_assert_eq(r.status, 0, "%.2000s", r.err);
	cr_assert(strstr(r.err, "[quarantined: bug #9: the stand-in always fails]"), "%.2000s", r.err);
	cr_assert(strstr(r.err, "1 passed, 0 failed, 0 timed out, 0 errors, 0 not run, "
			 "1 quarantined"), "%.2000s", r.err);
	char *t = slurp(tap);
	cr_assert(strstr(t, "not ok 1 - stuck # TODO quarantined: bug \\#9: the stand-in always fails\n"), "%.2000s", t);
	free(t);
	harness_result_free(&r);

	write_text(q, "ok  fine\n# comment\nlonely\n");
	RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--quarantine", q);
	cr_assert_eq(r.status, 3, "%.2000s", r.err);
	cr_assert(strstr(r.err, "out.quarantine:3: expected GLOB and a reason"), "%.2000s", r.err);
	cr_assert_eq(count(r.err, "\n"), 1, "one line: %.2000s", r.err);
	harness_result_free(&r);
}

static const char durations[] =
	"{\"event\":\"suite\",\"suite\":\"%s\",\"duration_ms\":110}\n"
	"{\"event\":\"test\",\"suite\":\"%s\",\"name\":\"g/args.sh\",\"status\":\"pass\",\"duration_ms\":100}\n"
	"{\"event\":\"test\",\"suite\":\"%s\",\"name\":\"g/crash.sh\",\"status\":\"pass\",\"duration_ms\":1}\n"
	"{\"event\":\"test\",\"suite\":\"%s\",\"name\":\"g/fail.sh\",\"status\":\"fail\",\"duration_ms\":1}\n"
	"{\"event\":\"summary\",\"duration_ms\":110}\n";

/* --durations: args.sh took 100 ms, two others 1 ms, the rest unknown
 * (the median: 1 ms): longest first onto the lightest shard leaves args.sh
 * alone in shard 1 of 2, where round-robin would pair it with five. */
Test(suite_cli, durations_balance_shards_longest_first)
{
	char suite[512], path[256], *text, *all, *shards[3], spec[24];
	const char *argv[10];
	harness_result r;

	data(suite, sizeof(suite), "glob.ini");
	cr_assert_geq(asprintf(&text, durations, suite, suite, suite, suite), 0);
	write_text(tmp(path, sizeof(path), "out.durations.jsonl"), text);
	free(text);
	all = list(NULL);
	for (int n = 2; n <= 3; n++) {
		for (int k = 0; k < n; k++) {
			snprintf(spec, sizeof(spec), "%d/%d", k + 1, n);
			const char *extra[] = { "--shard", spec, "--durations", path, NULL };
			shards[k] = list(extra);
		}
		assert_partition(all, shards, n);
		if (n == 2)
			cr_assert_str_eq(shards[0], "g/args.sh\n");
		for (int k = 0; k < n; k++)
			free(shards[k]);
	}
	free(all);

	write_text(path, "{\"event\":\"summary\"}\n{\"event\":\"test\",\"suite\":1}\n");
	argv[0] = harness_stubrun();
	argv[1] = "test";
	argv[2] = "--shard";
	argv[3] = "1/2";
	argv[4] = "--durations";
	argv[5] = path;
	argv[6] = suite;
	argv[7] = NULL;
	cr_assert_eq(harness_run(&r, argv, 30), 0);
	cr_assert_eq(r.status, 4, "%.2000s", r.err);
	cr_assert(strstr(r.err, "out.durations.jsonl:2: \"suite\": expected a string"), "%.2000s", r.err);
	harness_result_free(&r);
	argv[2] = "--durations";
	argv[3] = path;
	argv[4] = suite;
	argv[5] = NULL;
	cr_assert_eq(harness_run(&r, argv, 30), 0);
	cr_assert_eq(r.status, 125, "%.2000s", r.err);
	cr_assert(strstr(r.err, "--durations: needs --shard"), "%.2000s", r.err);
	harness_result_free(&r);
}

/* Two shards of retry.ini, each with its reports, merged in each format:
 * the merged report has every test once, with the whole run's counts. */
Test(suite_cli, report_merge_joins_two_shard_reports)
{
	static const char *const ext[] = { "jsonl", "xml", "tap" };
	char suite[512], in[2][3][256], out[256], spec[24];
	harness_result r;

	for (int k = 0; k < 2; k++) {
		for (int f = 0; f < 3; f++) {
			char name[32];
			snprintf(name, sizeof(name), "out.s%d.%s", k + 1, ext[f]);
			tmp(in[k][f], sizeof(in[k][f]), name);
		}
		snprintf(spec, sizeof(spec), "%d/2", k + 1);
		RUN(&r, data(suite, sizeof(suite), "retry.ini"), "--shard", spec,
		    "--retry-failed", "1", "--json", in[k][0], "--junit", in[k][1],
		    "--tap", in[k][2]);
		/* Which shard holds the failures depends on the split. */
		cr_assert(r.status == 0 || r.status == 1, "%.2000s", r.err);
		harness_result_free(&r);
	}
	for (int f = 0; f < 3; f++) {
		char name[32];
		snprintf(name, sizeof(name), "out.merged.%s", ext[f]);
		RUN_AS(&r, "report", "merge", tmp(out, sizeof(out), name), in[1][f], in[0][f]);
		cr_assert_eq(r.status, 0, "%s: %.2000s", ext[f], r.err);
		harness_result_free(&r);
		char *m = slurp(out);
		if (f == 0)
			cr_assert(strstr(m, "{\"event\":\"summary\",\"total\":5,\"passed\":1,"
					 "\"failed\":2,\"timed_out\":0,\"errors\":0,\"not_run\":0,"
					 "\"flaky\":1,\"quarantined\":1"), "%.3000s", m);
		else if (f == 1)
			cr_assert(strstr(m, "<testsuites name=\"stubrun\" tests=\"5\" failures=\"2\" "
					 "errors=\"0\" skipped=\"1\""), "%.3000s", m);
		else
			cr_assert(strncmp(m, "TAP version 14\n1..5\n", 20) == 0, "%.3000s", m);
		for (size_t t = 0; t < 5; t++) {
			static const char *const names[] = { "flaky", "stuck", "pass", "known", "once" };
			char needle[64];
			snprintf(needle, sizeof(needle), f == 0 ? "\"name\":\"%s\"" : f == 1 ?
				 "testcase name=\"%s\"" : " - %s", names[t]);
			cr_assert_eq(count(m, needle), 1, "%s %s: %.3000s", ext[f], names[t], m);
		}
		free(m);
	}
	/* A shard given twice overlaps; a broken input names its line. */
	RUN_AS(&r, "report", "merge", tmp(out, sizeof(out), "out.twice.jsonl"), in[0][0], in[0][0]);
	cr_assert_eq(r.status, 4, "%.2000s", r.err);
	cr_assert(strstr(r.err, "is in both"), "%.2000s", r.err);
	cr_assert_neq(access(out, F_OK), 0, "nothing written");
	harness_result_free(&r);
	write_text(in[1][2], "TAP version 14\n1..1\n# suite: s\nnot ok 1 - x\n");
	RUN_AS(&r, "report", "merge", out, in[0][2], in[1][2]);
	cr_assert_eq(r.status, 4, "%.2000s", r.err);
	cr_assert(strstr(r.err, "out.s2.tap:4: a failure without its diagnostic block"), "%.2000s", r.err);
	harness_result_free(&r);
}

/* Tests that boot alike to one snapshot point share a run: one child for
 * a and b, whose tests are named as if each had run alone (b's t1 is
 * told from a's); c boots otherwise, d has a reason of its own. */
Test(suite_cli, tests_from_one_snapshot_share_a_run)
{
	char suite[512], json[256], runs[256];
	harness_result r;

	RUN(&r, data(suite, sizeof(suite), "snapshot.ini"), "--json",
	    tmp(json, sizeof(json), "out.jsonl"), "-j", "2");
	cr_assert_eq(r.status, 1, "%.1500s", r.err);
	char *log = slurp(tmp(runs, sizeof(runs), "out.snap-runs"));
	cr_expect_eq(count(log, "\n"), 3, "three runs:\n%s", log);
	cr_expect(strstr(log, "--snapshot-test a/t1=true --console-pass ok "
			 "--snapshot-test b/t1=false --console-pass ok "
			 "--snapshot-test b/t2=true --console-pass ok\n"),
		  "%s", log);
	cr_expect(strstr(log, "--memory 64M --snapshot-test t1=true"), "%s", log);
	static const char *const results[][2] = {
		{ "a/t1", "pass" }, { "b/t1", "fail" }, { "b/t2", "pass" },
		{ "c/t1", "pass" }, { "d/t1", "pass" },
	};
	char *j = slurp(json);
	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		char needle[64];
		snprintf(needle, sizeof(needle), "\"name\":\"%s\",\"status\":\"%s\"",
			 results[i][0], results[i][1]);
		cr_expect(strstr(j, needle), "%s: %.2000s", needle, j);
	}
	cr_expect_eq(count(j, "\"status\":\"fail\""), 1, "%.2000s", j);
	free(j);
	free(log);
	harness_result_free(&r);
	RUN(&r, "--list", suite);
	cr_expect_str_eq(r.out, "a\nb\nc\nd\n");
	harness_result_free(&r);
}

/* `stubrun test` with the real `stubrun run`, real QEMU and the example
 * guests of build/examples: -j 4 over 16 images, SIGINT in the middle of a
 * run (no QEMU survives), and sharding. The images are copied into a
 * private directory so that QEMU's command line (-kernel DIR/...) tells our
 * QEMUs apart from those of tests running at the same time. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char dir[64];

static const char *const arches[] = { "i386", "aarch64", "riscv64", "arm" };
static const char *const variants[] = { "pass", "fail", "crash", "hang" };

static void setup(void)
{
	char src[512], cmd[1200];

	snprintf(dir, sizeof(dir), "/tmp/stubrun-suite-ex-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir %s/img", dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t a = 0; a < 4; a++)
		for (size_t v = 0; v < 4; v++) {
			char name[64];
			snprintf(name, sizeof(name), "%s-%s.elf", arches[a], variants[v]);
			harness_example(src, sizeof(src), name);
			if (access(src, R_OK) != 0)
				cr_skip_test("%s not built (make examples)", src);
			snprintf(cmd, sizeof(cmd), "cp '%s' %s/img/", src, dir);
			cr_assert_eq(system(cmd), 0);
		}
	setenv("TMPDIR", dir, 1);
	unsetenv("STUBRUN_SUITE_RUNNER");
	unsetenv("TEST_TOTAL_SHARDS");
	unsetenv("XML_OUTPUT_FILE");
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (dir[0])
		(void)system(cmd);
}

TestSuite(suite_examples, .init = setup, .fini = teardown, .timeout = 120);

static void write_suite(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static const char all16[] =
	"[defaults]\ntimeout = 30\n"
	"[test \"pass\"]\nimage = img/*-pass.elf\nexpect-output = hello from\n"
	"[test \"fail\"]\nimage = img/*-fail.elf\nexpect-exit = 3\n"
	"[test \"crash\"]\nimage = img/*-crash.elf\nexpect-exit = 1\n"
	"[test \"hang\"]\nimage = img/*-hang.elf\ntimeout = 1\nexpect-exit = 124\n";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t cap = 0;

	cr_assert_not_null(f, "%s missing", path);
	if (getdelim(&s, &cap, '\0', f) < 0)
		s = strdup("");
	fclose(f);
	return s;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static int our_qemus(void)
{
	char needle[96];
	snprintf(needle, sizeof(needle), "-kernel %s/", dir);
	return harness_count_processes(needle);
}

Test(suite_examples, j4_over_16_images_all_behave_as_expected)
{
	char suite[128], xml[128];
	harness_result r;

	write_suite("all.ini", all16);
	snprintf(suite, sizeof(suite), "%s/all.ini", dir);
	snprintf(xml, sizeof(xml), "%s/all.xml", dir);
	const char *argv[] = { harness_stubrun(), "test", "-j", "4", "--junit",
			       xml, suite, NULL };
	cr_assert_eq(harness_run(&r, argv, 110), 0);
	cr_assert_not(r.timed_out);
	cr_assert_eq(r.status, 0, "%.3000s", r.err);
	char *x = slurp(xml);
	cr_assert(strstr(x, "tests=\"16\" failures=\"0\" errors=\"0\" skipped=\"0\""),
		  "%.3000s", x);
	for (size_t a = 0; a < 4; a++) {
		char name[80];
		snprintf(name, sizeof(name), "name=\"hang/%s-hang.elf\"", arches[a]);
		cr_assert(strstr(x, name), "%s missing", name);
	}
	/* The console of every pass variant is in the report. */
	cr_assert_eq(count(x, "<system-out>hello from "), 4, "%.3000s", x);
	free(x);
	cr_assert_eq(our_qemus(), 0);
	harness_result_free(&r);
}

Test(suite_examples, sigint_mid_run_leaves_no_qemu)
{
	char suite[128], xml[128];
	pid_t pid;
	int st = 0, i;

	write_suite("hang.ini", "[test \"h\"]\nimage = img/*-hang.elf\ntimeout = 60\n");
	snprintf(suite, sizeof(suite), "%s/hang.ini", dir);
	snprintf(xml, sizeof(xml), "%s/hang.xml", dir);
	const char *argv[] = { harness_stubrun(), "test", "-j", "4", "--junit",
			       xml, suite, NULL };
	pid = harness_spawn_quiet(argv);
	cr_assert_geq(pid, 0);
	for (i = 0; i < 800 && our_qemus() < 4; i++)
		usleep(25000);
	cr_assert_eq(our_qemus(), 4, "4 QEMUs never ran at once");
	kill(pid, SIGINT);
	for (i = 0; i < 1200 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(25000);
	if (i == 1200) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		cr_assert_fail("stubrun test ignored SIGINT");
	}
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 130);
	cr_assert_eq(our_qemus(), 0, "a QEMU survived SIGINT");
	cr_assert_eq(harness_count_processes(suite), 0);
	char *x = slurp(xml);
	cr_assert(strstr(x, "tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"4\""),
		  "%.3000s", x);
	cr_assert_eq(count(x, "interrupted by SIGINT"), 4);
	free(x);
}

Test(suite_examples, shards_run_every_test_exactly_once)
{
	char suite[128], xml[2][128], spec[24];
	char *x[2];

	write_suite("all.ini", all16);
	snprintf(suite, sizeof(suite), "%s/all.ini", dir);
	for (int k = 0; k < 2; k++) {
		harness_result r;
		snprintf(xml[k], sizeof(xml[k]), "%s/shard%d.xml", dir, k);
		snprintf(spec, sizeof(spec), "%d/2", k + 1);
		const char *argv[] = { harness_stubrun(), "test", "-j", "4",
				       "--filter", "pass/*", "--filter", "fail/*",
				       "--shard", spec, "--junit", xml[k], suite, NULL };
		cr_assert_eq(harness_run(&r, argv, 110), 0);
		cr_assert_eq(r.status, 0, "%.3000s", r.err);
		x[k] = slurp(xml[k]);
		cr_assert(strstr(x[k], "<testsuites name=\"stubrun\" tests=\"4\" "
				 "failures=\"0\""), "%.3000s", x[k]);
		harness_result_free(&r);
	}
	for (size_t a = 0; a < 4; a++)
		for (size_t v = 0; v < 2; v++) {
			char name[80];
			snprintf(name, sizeof(name), "name=\"%s/%s-%s.elf\"",
				 variants[v], arches[a], variants[v]);
			cr_assert_eq(count(x[0], name) + count(x[1], name), 1,
				     "%s", name);
		}
	free(x[0]);
	free(x[1]);
	cr_assert_eq(our_qemus(), 0);
}

/* Runs riscv64-multi.elf through a suite with `extra` keys and checks one
 * result per guest test: "hangs" is never reached (the guest crashes in the
 * test before it) and must be reported not run. */
static void check_multi_results(const char *extra)
{
	char src[512], cmd[1200], suite[128], json[128], text[512];
	harness_result r;

	harness_example(src, sizeof(src), "riscv64-multi.elf");
	if (access(src, R_OK) != 0)
		cr_skip_test("%s not built", src);
	snprintf(cmd, sizeof(cmd), "cp '%s' %s/img/", src, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(text, sizeof(text), "[test \"m\"]\nimage = img/riscv64-multi.elf\n"
		 "timeout = 30\n%s", extra);
	write_suite("multi.ini", text);
	snprintf(suite, sizeof(suite), "%s/multi.ini", dir);
	snprintf(json, sizeof(json), "%s/multi.jsonl", dir);
	const char *argv[] = { harness_stubrun(), "test", "--json", json, suite, NULL };
	cr_assert_eq(harness_run(&r, argv, 110), 0);
	cr_assert_eq(r.status, 1, "%.3000s", r.err);
	char *j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"m/arith\",\"status\":\"pass\""), "%.3000s", j);
	cr_assert(strstr(j, "\"name\":\"m/strings\",\"status\":\"pass\""), "%.3000s", j);
	cr_assert(strstr(j, "\"name\":\"m/fails\",\"status\":\"fail\",\"exit\":2"), "%.3000s", j);
	cr_assert(strstr(j, "failing on purpose"), "%.3000s", j);
	cr_assert(strstr(j, "\"name\":\"m/crashes\",\"status\":\"fail\""), "%.3000s", j);
	cr_assert(strstr(j, "stubrun post-mortem"), "post-mortem attached: %.3000s", j);
	cr_assert(strstr(j, "\"name\":\"m/hangs\",\"status\":\"notrun\""), "%.3000s", j);
	/* Five results, no separate one for the run: its failure is told. */
	cr_assert_eq(count(j, "\"event\":\"test\""), 5);
	free(j);
	cr_assert_eq(our_qemus(), 0);
	harness_result_free(&r);
}

Test(suite_examples, in_image_tests_are_reported_one_by_one)
{
	check_multi_results("guest-tests = arith strings fails crashes hangs\n");
}

/* The same without guest-tests: the plan comes from the image's
 * STUBRUN_DECLARE_TEST section, through run's plan event. */
Test(suite_examples, tests_never_reached_are_not_run_from_the_image_plan)
{
	check_multi_results("");
}

/* A guest test that hangs: the run's timeout fails that test with the
 * post-mortem attached (where the guest was spinning), and the tests the
 * image declares but never began are not run, never passed. */
Test(suite_examples, a_test_that_hangs_fails_with_its_post_mortem)
{
	char src[512], cmd[1200], suite[128], json[128];
	harness_result r;

	harness_example(src, sizeof(src), "riscv64-multi-hang.elf");
	cr_assert_eq(access(src, R_OK), 0, "%s not built", src);
	snprintf(cmd, sizeof(cmd), "cp '%s' %s/img/", src, dir);
	cr_assert_eq(system(cmd), 0);
	write_suite("hang1.ini", "[test \"m\"]\nimage = img/riscv64-multi-hang.elf\n"
		    "timeout = 3\n");
	snprintf(suite, sizeof(suite), "%s/hang1.ini", dir);
	snprintf(json, sizeof(json), "%s/hang1.jsonl", dir);
	const char *argv[] = { harness_stubrun(), "test", "--json", json, suite, NULL };
	cr_assert_eq(harness_run(&r, argv, 110), 0);
	cr_assert_eq(r.status, 1, "%.3000s", r.err);
	char *j = slurp(json);
	/* The run ended the test by its timeout: a timeout, with its reason. */
	cr_assert(strstr(j, "\"name\":\"m/hangs\",\"status\":\"timeout\",\"exit\":124"),
		  "%.3000s", j);
	cr_expect(strstr(j, "\"message\":\"timeout after 3 s\""), "%.3000s", j);
	cr_assert(strstr(j, "stubrun post-mortem: timeout"), "post-mortem attached: "
		  "%.3000s", j);
	cr_assert(strstr(j, "spin_forever"), "the post-mortem shows the spin: %.3000s",
		  j);
	const char *never[] = { "arith", "strings", "fails", "crashes" };
	for (int i = 0; i < 4; i++) {
		char want[96];
		snprintf(want, sizeof(want), "\"name\":\"m/%s\",\"status\":\"notrun\"",
			 never[i]);
		cr_assert(strstr(j, want), "%s: %.3000s", never[i], j);
	}
	cr_assert_eq(count(j, "\"status\":\"pass\""), 0, "%.3000s", j);
	free(j);
	cr_assert_eq(our_qemus(), 0);
	harness_result_free(&r);
}

/* ---- retries, quarantine and merged reports with real guests ---- */

/* Copies the example `name` into img/; skips the test when not built. */
static void copy_example(const char *name)
{
	char img[600];

	snprintf(img, sizeof(img), "%s/img", dir);
	int rc = harness_copy_example(name, img);
	if (rc == -1)
		cr_skip_test("%s not built (make examples)", name);
	cr_assert_eq(rc, 0, "cannot copy %s into %s", name, img);
}

/* Writes suite NAME.ini with `text`; its path in suite, its report's
 * (NAME.jsonl) in json. */
static void suite_and_report(char suite[128], char json[128], const char *name,
			     const char *text)
{
	char file[64];

	snprintf(file, sizeof(file), "%s.ini", name);
	write_suite(file, text);
	snprintf(suite, 128, "%s/%s.ini", dir, name);
	snprintf(json, 128, "%s/%s.jsonl", dir, name);
}

/* Each of the NULL-terminated needles is in text. */
static void expect_in(const char *text, const char *const *needles)
{
	for (; *needles; needles++)
		cr_expect(strstr(text, *needles), "%s not in %.3000s", *needles, text);
}

static void run_suite(harness_result *r, const char *const *args)
{
	const char *argv[16] = { harness_stubrun(), "test" };
	int n = 2;

	for (; *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	cr_assert_eq(harness_run(r, argv, 110), 0);
	cr_assert_not(r->timed_out);
}

/* arm-sh-flaky.elf counts its runs in a host file through stubrun's
 * semihosting (the sandbox is the suite's directory, the run's cwd) and
 * fails its first run: the same image and command line pass the second
 * time, and --retry-failed 2 reports it flaky after exactly two runs. */
Test(suite_examples, a_test_failing_once_then_passing_is_flaky)
{
	char suite[128], json[128], path[160];
	harness_result r;

	copy_example("arm-sh-flaky.elf");
	suite_and_report(suite, json, "flaky", "[test \"flaky\"]\n"
			 "image = img/arm-sh-flaky.elf\n"
			 "args = file=flaky.count pass-at=2\ntimeout = 30\n");
	const char *args[] = { "--retry-failed", "2", "--json", json, suite, NULL };
	run_suite(&r, args);
	cr_assert_eq(r.status, 0, "%.3000s", r.err);
	cr_assert_eq(count(r.err, "RETRY   flaky"), 1, "%.3000s", r.err);
	const char *const in_err[] = { "FLAKY   flaky",
		"0 failed, 0 timed out, 0 errors, 0 not run, 1 flaky", NULL };
	expect_in(r.err, in_err);
	snprintf(path, sizeof(path), "%s/flaky.count", dir);
	char *c = slurp(path);
	cr_assert_str_eq(c, "2\n");
	free(c);
	char *j = slurp(json);
	const char *const in_json[] = { "\"flaky\":true",
		"\"attempts\":[{\"status\":\"fail\",\"exit\":1,",
		"sh-flaky: run 1 of 2", "sh-flaky: run 2 of 2", NULL };
	expect_in(j, in_json);
	free(j);
	harness_result_free(&r);
}

/* A guest that always fails runs 1 + N times and no more; quarantined,
 * the same failure does not fail the suite. */
Test(suite_examples, retries_are_bounded_and_quarantine_does_not_fail)
{
	char suite[128], json[128], q[128];
	harness_result r;

	suite_and_report(suite, json, "fail", "[test \"fail\"]\n"
			 "image = img/i386-fail.elf\ntimeout = 30\n"
			 "[test \"pass\"]\nimage = img/i386-pass.elf\n");
	const char *args[] = { "--retry-failed", "2", "--json", json, suite, NULL };
	run_suite(&r, args);
	cr_assert_eq(r.status, 1, "%.3000s", r.err);
	cr_assert_eq(count(r.err, "RETRY   fail"), 2, "%.3000s", r.err);
	char *j = slurp(json);
	/* Three attempts, each with status 3, the last the result. */
	cr_assert_eq(count(j, "{\"status\":\"fail\",\"exit\":3,"), 3, "%.3000s", j);
	free(j);
	harness_result_free(&r);

	snprintf(q, sizeof(q), "%s/quarantine.txt", dir);
	write_suite("quarantine.txt", "# i386-fail exits 3 on purpose\nfa?l  it fails by design\n");
	const char *qargs[] = { "--quarantine", q, "--json", json, suite, NULL };
	run_suite(&r, qargs);
	cr_assert_eq(r.status, 0, "%.3000s", r.err);
	cr_assert(strstr(r.err, "1 passed, 0 failed, 0 timed out, 0 errors, 0 not run, "
			 "1 quarantined"), "%.3000s", r.err);
	j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"fail\",\"status\":\"fail\",\"exit\":3"), "%.3000s", j);
	cr_assert(strstr(j, "\"quarantine\":\"it fails by design\""), "%.3000s", j);
	free(j);
	harness_result_free(&r);
}

/* Two shards of the 16 images, each with a JUnit and a JSON report,
 * merged: one report of all 16, each once, as if run in one go. */
Test(suite_examples, merged_shard_reports_are_the_whole_run)
{
	char suite[128], xml[2][128], json[2][128], spec[24], out[2][128];
	harness_result r;

	write_suite("all.ini", all16);
	snprintf(suite, sizeof(suite), "%s/all.ini", dir);
	for (int k = 0; k < 2; k++) {
		snprintf(xml[k], sizeof(xml[k]), "%s/shard%d.xml", dir, k);
		snprintf(json[k], sizeof(json[k]), "%s/shard%d.jsonl", dir, k);
		snprintf(spec, sizeof(spec), "%d/2", k + 1);
		const char *args[] = { "-j", "4", "--shard", spec, "--junit", xml[k],
				       "--json", json[k], suite, NULL };
		run_suite(&r, args);
		cr_assert_eq(r.status, 0, "%.3000s", r.err);
		harness_result_free(&r);
	}
	snprintf(out[0], sizeof(out[0]), "%s/merged.xml", dir);
	snprintf(out[1], sizeof(out[1]), "%s/merged.jsonl", dir);
	for (int f = 0; f < 2; f++) {
		const char *argv[] = { harness_stubrun(), "report", "merge", out[f],
				       f ? json[0] : xml[0], f ? json[1] : xml[1], NULL };
		cr_assert_eq(harness_run(&r, argv, 30), 0);
		cr_assert_eq(r.status, 0, "%.3000s", r.err);
		harness_result_free(&r);
	}
	char *x = slurp(out[0]), *j = slurp(out[1]);
	cr_assert(strstr(x, "<testsuites name=\"stubrun\" tests=\"16\" failures=\"0\" "
			 "errors=\"0\" skipped=\"0\""), "%.3000s", x);
	cr_assert(strstr(j, "{\"event\":\"summary\",\"total\":16,\"passed\":16,"), "%.3000s", j);
	for (size_t a = 0; a < 4; a++)
		for (size_t v = 0; v < 4; v++) {
			char name[80];
			snprintf(name, sizeof(name), "name=\"%s/%s-%s.elf\"",
				 variants[v], arches[a], variants[v]);
			cr_assert_eq(count(x, name), 1, "%s", name);
		}
	/* The console of every pass variant came through both readers. */
	cr_assert_eq(count(x, "<system-out>hello from "), 4, "%.3000s", x);
	free(x);
	free(j);
	cr_assert_eq(our_qemus(), 0);
}

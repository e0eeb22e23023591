/*
 * --snapshot-at LOC: one boot to LOC, savevm there, then each declared
 * test alone from the snapshot (loadvm), on every architecture: what one
 * test does to memory (examples/common/isolated.c) or to the machine (a
 * crash, a triple fault, a hang: examples/common/multi.c) does not reach
 * the next; the events carry each test's own verdict.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static void example_or_skip(char *buf, size_t cap, const char *name)
{
	harness_example(buf, cap, name);
	if (access(buf, R_OK) != 0)
		cr_skip_test("%s not built (make examples)", buf);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* Runs argv, whose --events file is `ev`; returns that file's text (the
 * file removed). */
static char *run_events(harness_result *res, const char *const *argv,
			const char *ev, int limit_s)
{
	char *e;

	cr_assert_eq(harness_run(res, argv, limit_s), 0);
	e = harness_slurp(ev);
	unlink(ev);
	cr_assert_not_null(e);
	return e;
}

/* The shared global: corrupted by the first test when both run in one
 * machine; intact for the second when each runs from the snapshot. */
static void isolation_holds(const char *arch)
{
	char img[512], name[64];
	harness_result res;

	snprintf(name, sizeof(name), "%s-isolated.elf", arch);
	example_or_skip(img, sizeof(img), name);
	const char *plain[] = { harness_stubrun(), "run", img, NULL };
	cr_assert_eq(harness_run(&res, plain, 60), 0);
	cr_expect_eq(res.status, 1, "the plain run: status %d\n%s", res.status,
		     res.err);
	cr_expect(strstr(res.out, "checks: the shared global was changed"),
		  "%s", res.out);
	harness_result_free(&res);

	const char *snap[] = { harness_stubrun(), "run", "--snapshot-at", "main",
			       img, NULL };
	cr_assert_eq(harness_run(&res, snap, 60), 0);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.out, "checks: the shared global is intact"), "%s",
		  res.out);
	cr_expect(strstr(res.err, "stubrun: PASS: all 2 tests passed, each run "
			 "alone from the snapshot at main"), "%s", res.err);
	harness_result_free(&res);
}

Test(snapshot, isolation_aarch64, .timeout = 120) { isolation_holds("aarch64"); }
Test(snapshot, isolation_arm, .timeout = 120) { isolation_holds("arm"); }
Test(snapshot, isolation_riscv32, .timeout = 120) { isolation_holds("riscv32"); }
Test(snapshot, isolation_riscv64, .timeout = 120) { isolation_holds("riscv64"); }
Test(snapshot, isolation_i386, .timeout = 120) { isolation_holds("i386"); }
Test(snapshot, isolation_x86_64, .timeout = 120) { isolation_holds("x86_64"); }

/* The multi-test kernel: a crash (on x86 a triple fault, after which a new
 * QEMU starts from the snapshot) and a hang no longer end the run; every
 * test runs and has its own verdict in the events. */
static void every_test_runs(const char *arch)
{
	char img[512], name[64], ev[128];
	harness_result res;

	snprintf(name, sizeof(name), "%s-multi.elf", arch);
	example_or_skip(img, sizeof(img), name);
	snprintf(ev, sizeof(ev), "/tmp/stubrun-snap-ev-%d.jsonl", (int)getpid());
	const char *argv[] = { harness_stubrun(), "run", "--snapshot-at", "main",
			       "--timeout", "1", "--events", ev, img, NULL };
	char *e = run_events(&res, argv, ev, 90);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: FAIL: 3 of 5 tests failed, each run "
			 "alone from the snapshot at main"), "%s", res.err);
	cr_expect_eq(count(e, "\"event\":\"begin\""), 5, "%s", e);
	cr_expect(strstr(e, "\"name\":\"arith\",\"status\":0"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"strings\",\"status\":0"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"fails\",\"status\":2"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"crashes\",\"status\":1"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"hangs\",\"status\":124"), "%s", e);
	cr_expect(strstr(res.err, "stubrun: test hangs: timeout after 1 s"), "%s",
		  res.err);
	free(e);
	harness_result_free(&res);
}

Test(snapshot, every_test_runs_aarch64, .timeout = 120) { every_test_runs("aarch64"); }
Test(snapshot, every_test_runs_x86_64, .timeout = 120) { every_test_runs("x86_64"); }

/* A LOC the guest never reaches: one line, status 1, the post-mortem. */
Test(snapshot, never_reached, .timeout = 60)
{
	char img[512];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-isolated.elf");
	const char *argv[] = { harness_stubrun(), "run", "--snapshot-at",
			       "plat_crash", img, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: FAIL: the guest never reached "
			 "--snapshot-at plat_crash"), "%s", res.err);
	cr_expect(strstr(res.err, "=== stubrun post-mortem"), "%s", res.err);
	harness_result_free(&res);
}

/* A machine QEMU cannot save (a writable raw disk): QEMU's reason. */
Test(snapshot, unsavable_machine_names_the_reason, .timeout = 60)
{
	char img[512], raw[64], drive[128];
	harness_result res;
	FILE *f;

	example_or_skip(img, sizeof(img), "riscv64-isolated.elf");
	snprintf(raw, sizeof(raw), "/tmp/stubrun-snap-raw-%d.img", (int)getpid());
	cr_assert_not_null(f = fopen(raw, "w"));
	cr_assert_eq(ftruncate(fileno(f), 65536), 0);
	fclose(f);
	snprintf(drive, sizeof(drive), "if=none,file=%s,format=raw,id=rawdisk", raw);
	const char *argv[] = { harness_stubrun(), "run", "--snapshot-at", "main",
			       "--qemu-arg=-drive", "--qemu-arg", drive, img, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	unlink(raw);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "--snapshot-at main: QEMU cannot save this "
			 "machine: Error: Device 'rawdisk' is writable but does "
			 "not support snapshots"), "%s", res.err);
	harness_result_free(&res);
}

/* An image that declares no tests has nothing to isolate. */
Test(snapshot, no_declared_tests, .timeout = 30)
{
	char img[512];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	const char *argv[] = { harness_stubrun(), "run", "--snapshot-at", "main",
			       img, NULL };
	cr_assert_eq(harness_run(&res, argv, 30), 0);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "declares no tests (STUBRUN_DECLARE_TEST)"),
		  "%s", res.err);
	harness_result_free(&res);
}

/* Console tests from a symbol's snapshot: the console's verdicts judge
 * each, and they are the run's only tests (the image's own begin and end
 * do not cut into them). */
Test(snapshot, console_tests_from_a_symbol, .timeout = 60)
{
	char img[512], ev[128];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-isolated.elf");
	snprintf(ev, sizeof(ev), "/tmp/stubrun-snap-con-%d.jsonl", (int)getpid());
	const char *argv[] = { harness_stubrun(), "run", "--snapshot-at", "main",
			       "--snapshot-test", "sees=", "--console-pass",
			       "^checks: the shared global", "--snapshot-test",
			       "intact=", "--console-fail", "was changed",
			       "--console-pass", "is intact", "--events", ev,
			       "--postmortem", "none", img, NULL };
	char *e = run_events(&res, argv, ev, 60);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: test intact: the console matched "
			 "'was changed'"), "%s", res.err);
	cr_expect(strstr(e, "{\"event\":\"plan\",\"tests\":[\"sees\",\"intact\"]"),
		  "%s", e);
	cr_expect_eq(count(e, "\"event\":\"begin\""), 2, "%s", e);
	cr_expect(strstr(e, "\"name\":\"sees\",\"status\":0,"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"intact\",\"status\":1,"), "%s", e);
	free(e);
	harness_result_free(&res);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "%s", path);
}

/* A suite's tests that share one boot: when the boot never reaches the
 * snapshot point, every member fails with the run's reason, as if each
 * had booted alone (and not only the first, with the rest "not run"). */
Test(snapshot, shared_boot_that_fails_fails_every_member, .timeout = 60)
{
	char img[512], dir[] = "/tmp/stubrun-snap-grp-XXXXXX", ini[600],
	     xml[600], text[1400];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	cr_assert_eq(harness_scratch_make(dir), 0);
	snprintf(ini, sizeof(ini), "%s/g.ini", dir);
	snprintf(xml, sizeof(xml), "%s/r.xml", dir);
	snprintf(text, sizeof(text),
		 "[defaults]\nimage = %s\nsnapshot-at = console:NEVER-PRINTED\n"
		 "[test \"a\"]\nsnapshot-test = one=echo 1\\n\nconsole-pass = ^1\n"
		 "[test \"b\"]\nsnapshot-test = two=echo 2\\n\nconsole-pass = ^2\n",
		 img);
	write_text(ini, text);
	const char *argv[] = { harness_stubrun(), "test", "--junit", xml, ini,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	char *junit = harness_slurp(xml);
	cr_assert_not_null(junit);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	/* One boot for both. */
	cr_expect_eq(count(res.err, "--- a (stubrun run, stderr) ---") +
		     count(res.err, "--- b (stubrun run, stderr) ---"), 1,
		     "%s", res.err);
	cr_expect(strstr(res.err, "0 passed, 2 failed"), "%s", res.err);
	cr_expect_eq(count(junit, "<failure message=\"exit status 1, expected 0 "
			   "(the guest never reached --snapshot-at"), 2,
		     "a failure of each member:\n%s", junit);
	cr_expect(strstr(junit, "<testcase name=\"a\""), "%s", junit);
	cr_expect(strstr(junit, "<testcase name=\"b\""), "%s", junit);
	free(junit);
	harness_result_free(&res);
	harness_scratch_remove(dir);
}

/* In a suite, a run of the image's own tests from a snapshot may take
 * --timeout for the boot and for each test its plan names: six tests
 * that hang each end by their own timeout, none by the suite's backstop
 * (which a boot and one --timeout would have fired in the sixth), and
 * each is reported as a timeout, with the run's reason. */
Test(snapshot, suite_backstop_counts_the_planned_tests, .timeout = 90)
{
	char img[512], dir[] = "/tmp/stubrun-snap-plan-XXXXXX", ini[600],
	     text[1000];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-hangs.elf");
	cr_assert_eq(harness_scratch_make(dir), 0);
	snprintf(ini, sizeof(ini), "%s/h.ini", dir);
	snprintf(text, sizeof(text), "[test \"hangs\"]\nimage = %s\n"
		 "snapshot-at = main\ntimeout = 1\n", img);
	write_text(ini, text);
	const char *argv[] = { harness_stubrun(), "test", ini, NULL };
	cr_assert_eq(harness_run(&res, argv, 90), 0);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	/* Each a timeout of its own, named by the run's reason. */
	cr_expect_eq(count(res.err, "TIMEOUT hangs/h"), 6, "%s", res.err);
	cr_expect(strstr(res.err, "TIMEOUT hangs/h0: timeout after 1 s ("), "%s",
		  res.err);
	cr_expect(strstr(res.err, "0 passed, 0 failed, 6 timed out"), "%s",
		  res.err);
	cr_expect_null(strstr(res.err, "killed by stubrun test"), "%s", res.err);
	cr_expect(strstr(res.err, "stubrun: FAIL: 6 of 6 tests failed, each "
			 "run alone from the snapshot at main"), "%s", res.err);
	harness_result_free(&res);
	harness_scratch_remove(dir);
}

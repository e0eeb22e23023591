/* Integration: --coverage on the four bare-metal architectures with
 * libgcov's freestanding dump (examples/coverage, picolibc with its stock
 * picolibc.ld). gcov, the toolchain's own, reads what stubrun wrote: the
 * loop body runs N times, and gcov must say N, whether the run ends at an
 * exit, a timeout or a caught fault; a suite's merged count is the sum of
 * its tests' and of a retried test's attempts; a guest built without
 * coverage gets one line. */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char scratch[] = "/tmp/stubrun-cov-XXXXXX";

static void scratch_make(void)
{
	cr_assert_eq(harness_scratch_make(scratch), 0, "mkdtemp");
}

static void scratch_remove(void)
{
	harness_scratch_remove(scratch);
}

typedef struct cov_arch {
	const char *arch;
	const char *gcov;      /* the toolchain's gcov */
} cov_arch;

static const cov_arch arches[] = {
	{ "arm", "arm-none-eabi-gcov" },
	{ "aarch64", "aarch64-linux-gnu-gcov" },
	{ "riscv64", "riscv64-unknown-elf-gcov" },
	{ "riscv32", "riscv64-unknown-elf-gcov" },
};

/* The count gcov gives the line marked "the counted line" of cov.c, from
 * the data under `dir` (written with --coverage-strip so that the object
 * directory's files land right in it), or -1. Sources are named relative
 * to examples/, where they were compiled. */
static long counted_line(const char *gcov, const char *dir)
{
	char script[2048];
	harness_result res;
	long count = -1;

	snprintf(script, sizeof(script),
		 "cd \"$STUBRUN_SRCDIR/examples\" && %s -t -o '%s' '%s/cov.gcda' "
		 "| grep 'the counted line'", gcov, dir, dir);
	const char *argv[] = { "sh", "-c", script, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	if (res.status == 0)
		count = strtol(res.out, NULL, 10);
	cr_expect_eq(res.status, 0, "gcov found no counted line:\n%s%s", res.out,
		     res.err);
	harness_result_free(&res);
	return count;
}

/* The number of directories above the example objects' directory
 * (STUBRUN_EXAMPLES/obj/cov-ARCH): --coverage-strip drops them all. */
static char *strip_count(char *buf, size_t len)
{
	char path[PATH_MAX];
	int n = 0;

	cr_assert_not_null(realpath(getenv("STUBRUN_EXAMPLES"), path));
	for (const char *p = path; *p; p++)
		n += *p == '/';
	snprintf(buf, len, "%d", n + 2);
	return buf;
}

/* Runs `image` with --coverage into scratch/NAME and the options `opts`
 * (NULL-terminated, or NULL); *res gets what it printed. */
static void run_cov_with(harness_result *res, const char *image,
			 const char *name, char *dir, size_t len,
			 const char *const *opts, const char *const *guest_args)
{
	char img[512], strip[16];
	const char *argv[24] = { harness_stubrun(), "run", "-q", "--coverage",
				 dir, "--coverage-strip",
				 strip_count(strip, sizeof(strip)) };
	size_t n = 7;

	snprintf(dir, len, "%s/%s", scratch, name);
	while (opts && *opts && n < 12)
		argv[n++] = *opts++;
	argv[n++] = harness_example(img, sizeof(img), image);
	if (guest_args) {
		argv[n++] = "--";
		while (*guest_args && n < 23)
			argv[n++] = *guest_args++;
	}
	cr_assert_eq(harness_run(res, argv, 120), 0);
}

/* Runs `image` with --coverage into scratch/NAME; the exit status. */
static int run_cov(const char *image, const char *name, char *dir, size_t len,
		   const char *const *guest_args)
{
	harness_result res;
	int status;

	run_cov_with(&res, image, name, dir, len, NULL, guest_args);
	status = res.status;
	cr_expect(!strstr(res.err, "stubrun: coverage:"),
		  "a coverage complaint:\n%s", res.err);
	harness_result_free(&res);
	return status;
}

/* The guest calls stubrun_coverage_dump() itself; the loop runs 3 times. */
static void guest_dumps_itself(const cov_arch *a)
{
	char image[64], dir[PATH_MAX];

	snprintf(image, sizeof(image), "%s-cov.elf", a->arch);
	cr_expect_eq(run_cov(image, "self", dir, sizeof(dir), NULL), 0);
	cr_expect_eq(counted_line(a->gcov, dir), 3);
}

/* The guest never dumps: stubrun calls the dump at the semihosting exit
 * (returning from main) and at stubrun_exit(3), whose status must survive
 * the call (the registers are restored). */
static void stubrun_calls_the_dump(const cov_arch *a)
{
	char image[64], dir[PATH_MAX];
	const char *by_return[] = { "5", NULL };
	const char *by_exit[] = { "4", "stubrun_exit", "3", NULL };

	snprintf(image, sizeof(image), "%s-cov-auto.elf", a->arch);
	cr_expect_eq(run_cov(image, "ret", dir, sizeof(dir), by_return), 0);
	cr_expect_eq(counted_line(a->gcov, dir), 5);
	cr_expect_eq(run_cov(image, "exit", dir, sizeof(dir), by_exit), 3);
	cr_expect_eq(counted_line(a->gcov, dir), 4);
}

/* The run ends without an exit: a timeout (the guest spins after the
 * loop) and, where the catch takes it, a fault after the loop. stubrun
 * calls the dump after the verdict: gcov counts the loop's 6 turns, and
 * the status and the post-mortem are what a run without --coverage
 * gives. */
static void ends_without_exit(const cov_arch *a, const char *how, int status)
{
	char image[64], dir[PATH_MAX], img[512];
	const char *opts[] = { "--timeout", "1", NULL };
	const char *args[] = { "6", how, NULL };
	harness_result with, plain;

	snprintf(image, sizeof(image), "%s-cov-auto.elf", a->arch);
	run_cov_with(&with, image, how, dir, sizeof(dir), opts, args);
	cr_expect_eq(with.status, status, "%s", with.err);
	cr_expect(!strstr(with.err, "stubrun: coverage:"),
		  "a coverage complaint:\n%s", with.err);
	cr_expect_eq(counted_line(a->gcov, dir), 6);

	const char *argv[] = { harness_stubrun(), "run", "-q", "--timeout", "1",
			       harness_example(img, sizeof(img), image), "--",
			       "6", how, NULL };
	cr_assert_eq(harness_run(&plain, argv, 120), 0);
	cr_expect_eq(plain.status, status, "%s", plain.err);
	cr_expect_str_eq(with.err, plain.err, "the report changed");
	harness_result_free(&with);
	harness_result_free(&plain);
}

/* One test of the suite, calling `call`, in a scratch directory. */
#define COV_TEST(name, call)                                                  \
	Test(coverage, name, .init = scratch_make, .fini = scratch_remove,    \
	     .timeout = 180)                                                  \
	{                                                                     \
		call;                                                         \
	}
#define COV_ARCH_TESTS(i, name)                                               \
	COV_TEST(name##_dumps_itself, guest_dumps_itself(&arches[i]))         \
	COV_TEST(name##_stubrun_calls_the_dump,                               \
		 stubrun_calls_the_dump(&arches[i]))                          \
	COV_TEST(name##_dumps_at_a_timeout,                                   \
		 ends_without_exit(&arches[i], "hang", 124))
COV_ARCH_TESTS(0, arm)
COV_ARCH_TESTS(1, aarch64)
COV_ARCH_TESTS(2, riscv64)
COV_ARCH_TESTS(3, riscv32)

COV_TEST(arm_dumps_at_a_fault, ends_without_exit(&arches[0], "fault", 1))
COV_TEST(aarch64_dumps_at_a_fault, ends_without_exit(&arches[1], "fault", 1))
COV_TEST(riscv64_dumps_at_a_fault, ends_without_exit(&arches[2], "fault", 1))
COV_TEST(riscv32_dumps_at_a_fault, ends_without_exit(&arches[3], "fault", 1))

/* A dump that cannot run: the guest's stack pointer is wild when it
 * times out, so the call faults at once (into the caught trap; with
 * --no-fault-catch, on AArch64 picolibc, into an exception loop at 0x200,
 * a call that never returns). One line saying `why`, nothing written,
 * and the timeout stands. `catch`: the fault catch stays on. */
static void late_dump_fails(const char *image, int catch, const char *why)
{
	char dir[PATH_MAX], gcda[PATH_MAX + 16];
	const char *opts[] = { "--timeout", "1", "--postmortem", "none",
			       catch ? NULL : "--no-fault-catch", NULL };
	const char *args[] = { "6", "wild-sp", NULL };
	harness_result res;

	run_cov_with(&res, image, "wild", dir, sizeof(dir), opts, args);
	cr_expect_eq(res.status, 124, "%s", res.err);
	const char *said = strstr(res.err, "stubrun: coverage: the dump called "
				  "after the verdict ");
	cr_expect(said && strstr(said, why), "no '%s':\n%s", why, res.err);
	cr_expect(said && !strstr(said + 1, "stubrun: coverage:") &&
		  strstr(res.err, "stubrun: coverage:") == said,
		  "more than one line:\n%s", res.err);
	snprintf(gcda, sizeof(gcda), "%s/cov.gcda", dir);
	cr_expect_neq(access(gcda, F_OK), 0, "%s was written", gcda);
	harness_result_free(&res);
}

COV_TEST(a_faulting_late_dump_keeps_the_verdict,
	 late_dump_fails("riscv64-cov-auto.elf", 1, " in _trap ("))
COV_TEST(a_late_dump_caught_at_the_reset_table_keeps_the_verdict,
	 late_dump_fails("aarch64-cov-auto.elf", 1, "stopped at 0x200 "))
COV_TEST(a_hung_late_dump_keeps_the_verdict,
	 late_dump_fails("aarch64-cov-auto.elf", 0, "did not return within 1 s"))

/* Without coverage in the image: one line naming it, status 125. */
Test(coverage, image_without_coverage, .init = scratch_make,
     .fini = scratch_remove, .timeout = 60)
{
	char img[512], dir[PATH_MAX];
	harness_result res;

	snprintf(dir, sizeof(dir), "%s/none", scratch);
	const char *argv[] = { harness_stubrun(), "run", "--coverage", dir,
			       harness_example(img, sizeof(img), "arm-cov-none.elf"),
			       NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_expect_eq(res.status, 125, "%s", res.err);
	cr_expect(strstr(res.err, "arm-cov-none.elf: no coverage to dump"), "%s",
		  res.err);
	cr_expect_eq(strchr(res.err, '\n'), res.err + strlen(res.err) - 1,
		     "more than one line:\n%s", res.err);
	harness_result_free(&res);
}

/* Writes scratch/FILE, a suite whose `sections` name the image
 * riscv64-cov-auto.elf as "@", and runs `stubrun test --coverage
 * scratch/merged` (into dir) on it, with `opts` (NULL-terminated, or
 * NULL) before the suite; *res gets what it printed. */
static void cov_suite(harness_result *res, char *dir, size_t len,
		      const char *file, const char *sections,
		      const char *const *opts)
{
	char img[512], path[PATH_MAX + 64], strip[16];
	const char *argv[16] = { harness_stubrun(), "test", "--coverage", dir,
				 "--coverage-strip",
				 strip_count(strip, sizeof(strip)) };
	size_t n = 6;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, file);
	cr_assert_not_null(f = fopen(path, "w"));
	harness_example(img, sizeof(img), "riscv64-cov-auto.elf");
	for (const char *p = sections; *p; p++)
		if (*p == '@')
			fputs(img, f);
		else
			fputc(*p, f);
	fclose(f);
	snprintf(dir, len, "%s/merged", scratch);
	while (opts && *opts && n < 14)
		argv[n++] = *opts++;
	argv[n++] = path;
	cr_assert_eq(harness_run(res, argv, 240), 0);
}

/* A suite of two tests of one image, N = 2 and N = 5: DIR holds their
 * sum, and gcovr's pages and Cobertura XML say so too. */
Test(coverage, suite_sums_its_tests, .init = scratch_make,
     .fini = scratch_remove, .timeout = 240)
{
	char path[PATH_MAX + 64], dir[PATH_MAX], page[PATH_MAX + 64];
	harness_result res;

	snprintf(page, sizeof(page), "%s/report.html", scratch);
	const char *opts[] = { "-j2", "--html", page, NULL };
	cov_suite(&res, dir, sizeof(dir), "cov.ini",
		  "[test \"two\"]\nimage = @\nargs = 2\n\n"
		  "[test \"five\"]\nimage = @\nargs = 5 stubrun_exit\n", opts);
	cr_expect_eq(res.status, 0, "%s", res.err);
	cr_expect(strstr(res.err, "coverage: 2 files from 2 runs"), "%s", res.err);
	harness_result_free(&res);
	cr_expect_eq(counted_line("riscv64-unknown-elf-gcov", dir), 7);

	snprintf(path, sizeof(path), "%s/coverage.xml", dir);
	char *xml = harness_slurp(path);
	cr_assert(xml && xml[0], "no Cobertura XML (is gcovr installed?)");
	cr_expect(strstr(xml, "filename=\"coverage/cov.c\""), "%.400s", xml);
	cr_expect(strstr(xml, "hits=\"7\""), "%.2000s", xml);
	free(xml);
	snprintf(path, sizeof(path), "%s/html/index.html", dir);
	char *html = harness_slurp(path);
	cr_expect(html && strstr(html, "cov.c"), "no HTML report naming cov.c");
	free(html);
	/* The suite's own page: gcovr's line summary and a relative link. */
	html = harness_slurp(page);
	cr_expect(html && strstr(html, "<h2>Coverage</h2>") &&
		  strstr(html, "lines: ") &&
		  strstr(html, "href=\"merged/html/index.html\""),
		  "no coverage section in the HTML report:\n%.3000s",
		  html ? html : "");
	free(html);
}

/* A test retried twice that fails every time (status 1 after 2 turns):
 * its three attempts all count, as libgcov adds each run into its .gcda,
 * so the merged count is 6, not the last attempt's 2. */
Test(coverage, suite_counts_every_attempt, .init = scratch_make,
     .fini = scratch_remove, .timeout = 240)
{
	char dir[PATH_MAX];
	harness_result res;

	cov_suite(&res, dir, sizeof(dir), "retry.ini", "[test \"fails\"]\n"
		  "image = @\nargs = 2 return 1\nretry-failed = 2\n", NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	cr_expect(strstr(res.err, "coverage: 2 files from 3 runs"), "%s", res.err);
	harness_result_free(&res);
	cr_expect_eq(counted_line("riscv64-unknown-elf-gcov", dir), 6);
}

/* libgcov's own file output through semihosting: the absolute .gcda path
 * lands under DIR (with --coverage-strip 1), any other absolute path is
 * still refused, and without --coverage the .gcda path is refused too. */
Test(coverage, semihosting_gcda_paths_map_into_dir, .init = scratch_make,
     .fini = scratch_remove, .timeout = 60)
{
	char img[512], dir[PATH_MAX], gcda[PATH_MAX + 64], evil[PATH_MAX + 64];
	harness_result res;

	harness_example(img, sizeof(img), "arm-sh-gcda.elf");
	snprintf(dir, sizeof(dir), "%s/dir", scratch);
	snprintf(evil, sizeof(evil), "%s/evil.txt", scratch);
	const char *argv[] = { harness_stubrun(), "run", "--coverage", dir,
			       "--coverage-strip", "1", img, "--",
			       "/abs/obj/unit.gcda", evil, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_expect_eq(res.status, 0, "%s%s", res.out, res.err);
	harness_result_free(&res);
	snprintf(gcda, sizeof(gcda), "%s/obj/unit.gcda", dir);
	char *data = harness_slurp(gcda);
	cr_expect_str_eq(data ? data : "(none)", "gcda-bytes");
	free(data);
	cr_expect_neq(access(evil, F_OK), 0, "%s was written", evil);

	const char *plain[] = { harness_stubrun(), "run", "--postmortem", "none",
				img, "--", "/abs/obj/unit.gcda", evil, NULL };
	cr_assert_eq(harness_run(&res, plain, 60), 0);
	cr_expect_eq(res.status, 3, "%s%s", res.out, res.err);
	harness_result_free(&res);
}

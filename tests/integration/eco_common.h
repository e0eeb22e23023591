/*
 * Helpers shared by the integration tests of the build-system examples
 * (user_ecosystem.c, bare_ecosystem.c: examples/cmake-cross, meson-cross
 * and cargo-cross): a scratch directory per test, configure/build/test
 * steps run with a cap, and their logs checked.
 */
#ifndef ECO_COMMON_H
#define ECO_COMMON_H

#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Why 120 s: a configure, a build or a test run takes a few seconds;
 * the cap only stops a hung one on a loaded machine. */
#define STEP_LIMIT_S 120
/* A path built from the source directory's and a suffix. */
#define LONG_PATH (2 * PATH_MAX)

/* The test's scratch directory: the build trees live there, and a QEMU
 * whose command line names it outlived its stubrun. */
static char scratch[] = "/tmp/stubrun-eco-XXXXXX";

static inline void scratch_make(void)
{
	cr_assert_eq(harness_scratch_make(scratch), 0, "mkdtemp");
}

static inline void scratch_remove(void)
{
	harness_scratch_remove(scratch);
}

/* Whether `name` is a command the shell finds in PATH. */
static inline int have_program(const char *name)
{
	const char *argv[] = { "sh", "-c", "command -v \"$0\" >/dev/null", name,
			       NULL };
	harness_result res;
	int found;

	found = harness_run(&res, argv, 30) == 0 && res.status == 0;
	harness_result_free(&res);
	return found;
}

static inline const char *srcdir(void)
{
	const char *src = getenv("STUBRUN_SRCDIR");

	cr_assert_not_null(src, "STUBRUN_SRCDIR is not set (run through make)");
	return src;
}

/* The absolute path of stubrun. */
static inline const char *stubrun_path(char *buf)
{
	cr_assert_not_null(realpath(harness_stubrun(), buf),
			   "no stubrun at %s", harness_stubrun());
	return buf;
}

/* Runs one step of a build; fails the test unless it ends with `want`
 * (-1: any status but 0). The result is the caller's to free. */
static inline void step(harness_result *res, const char *const argv[], int want)
{
	cr_assert_eq(harness_run(res, argv, STEP_LIMIT_S), 0, "cannot run %s",
		     argv[0]);
	cr_assert_eq(res->timed_out, 0, "%s outlived %d s", argv[0],
		     STEP_LIMIT_S);
	if (want < 0)
		cr_assert_neq(res->status, 0, "%s %s passed:\n%s%s", argv[0],
			      argv[1], res->out, res->err);
	else
		cr_assert_eq(res->status, want, "%s %s: status %d\n%s%s",
			     argv[0], argv[1], res->status, res->out, res->err);
}

static inline void step_quiet(const char *const argv[])
{
	harness_result res;

	step(&res, argv, 0);
	harness_result_free(&res);
}

static inline void expect_in(const char *hay, const char *needle)
{
	cr_expect(strstr(hay, needle) != NULL, "the log lacks '%s':\n%s",
		  needle, hay);
}

/* Puts the directory of $STUBRUN first in PATH: the cross files name
 * plain `stubrun`, as an installed one is called. */
static inline void path_to_stubrun(void)
{
	char stubrun[PATH_MAX], path[LONG_PATH];

	stubrun_path(stubrun);
	*strrchr(stubrun, '/') = '\0';
	snprintf(path, sizeof(path), "%s:%s", stubrun, getenv("PATH"));
	cr_assert_eq(setenv("PATH", path, 1), 0);
}

/* Runs one test step (step()) and expects each of `needles`
 * (NULL-terminated) in its stdout. */
static inline void step_expect(const char *const argv[], int want,
			       const char *const needles[])
{
	harness_result res;

	step(&res, argv, want);
	for (size_t i = 0; needles[i]; i++)
		expect_in(res.out, needles[i]);
	harness_result_free(&res);
}

/* At most this many project options (-DNAME=ON, -Dname=true) a build. */
#define ECO_MAX_OPTIONS 4

/* Runs `head` (NULL-terminated, up to 8 words) and then the project
 * options (NULL-terminated), as one configure step. */
static inline void eco_configure(const char *const head[],
				 const char *const options[])
{
	const char *argv[8 + ECO_MAX_OPTIONS + 1];
	size_t n = 0;

	for (size_t i = 0; head[i] && n < 8; i++)
		argv[n++] = head[i];
	for (size_t i = 0; options[i] && i < ECO_MAX_OPTIONS; i++)
		argv[n++] = options[i];
	argv[n] = NULL;
	step_quiet(argv);
}

/* Configures examples/cmake-cross with toolchains/TOOLCHAIN.cmake,
 * stubrun as -DSTUBRUN and the options, and builds it in the scratch
 * directory, whose build tree goes to build[PATH_MAX]; skips the test
 * without cmake. */
static inline void eco_cmake_build(char *build, const char *toolchain,
				   const char *const options[])
{
	char src[PATH_MAX], tc[LONG_PATH], bin[LONG_PATH], stubrun[PATH_MAX];

	if (!have_program("cmake") || !have_program("ctest"))
		cr_skip_test("cmake is not installed");
	snprintf(src, sizeof(src), "%s/examples/cmake-cross", srcdir());
	snprintf(build, PATH_MAX, "%s/build", scratch);
	snprintf(tc, sizeof(tc), "-DCMAKE_TOOLCHAIN_FILE=%s/toolchains/%s.cmake",
		 src, toolchain);
	snprintf(bin, sizeof(bin), "-DSTUBRUN=%s", stubrun_path(stubrun));

	const char *configure[] = { "cmake", "-S", src, "-B", build, tc, bin,
				    NULL };
	eco_configure(configure, options);
	const char *make[] = { "cmake", "--build", build, NULL };
	step_quiet(make);
}

/* The same for meson: examples/meson-cross set up with cross/CROSS.ini
 * and the options, and built; stubrun is put first in PATH, as the cross
 * files name plain `stubrun` and meson runs its compiler check through
 * the wrapper. Skips the test without meson or ninja. */
static inline void eco_meson_build(char *build, const char *cross,
				   const char *const options[])
{
	char src[PATH_MAX], file[LONG_PATH];

	if (!have_program("meson") || !have_program("ninja"))
		cr_skip_test("meson or ninja is not installed");
	path_to_stubrun();
	snprintf(src, sizeof(src), "%s/examples/meson-cross", srcdir());
	snprintf(build, PATH_MAX, "%s/build", scratch);
	snprintf(file, sizeof(file), "%s/cross/%s.ini", src, cross);

	const char *setup[] = { "meson", "setup", build, src, "--cross-file",
				file, NULL };
	eco_configure(setup, options);
	const char *make[] = { "meson", "compile", "-C", build, NULL };
	step_quiet(make);
}

/* The test SUITE::TOOL_TARGET: CALL in a scratch directory of its own. */
#define ECO_TEST(suite, tool, target, call)                                 \
	Test(suite, tool##_##target, .init = scratch_make,                  \
	     .fini = scratch_remove, .timeout = 4 * STEP_LIMIT_S)           \
	{                                                                   \
		call;                                                       \
	}

static inline void expect_no_qemu(void)
{
	cr_expect_eq(harness_count_processes(scratch), 0,
		     "a QEMU outlived stubrun");
}

#endif

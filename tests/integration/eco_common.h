/*
 * Helpers shared by the integration tests of the build-system examples
 * (user_ecosystem.c, bare_ecosystem.c): a scratch directory per test,
 * configure/build/test steps run with a cap, and their logs checked.
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
	cr_assert_not_null(mkdtemp(scratch), "mkdtemp");
}

static inline void scratch_remove(void)
{
	const char *argv[] = { "rm", "-rf", scratch, NULL };
	harness_result res;

	if (strstr(scratch, "XXXXXX"))
		return;
	harness_run(&res, argv, 30);
	harness_result_free(&res);
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

/* The example project examples/NAME, and the build tree in the scratch
 * directory. */
static inline void eco_dirs(char *src, char *build, const char *name)
{
	snprintf(src, PATH_MAX, "%s/examples/%s", srcdir(), name);
	snprintf(build, PATH_MAX, "%s/build", scratch);
}

static inline void expect_no_qemu(void)
{
	cr_expect_eq(harness_count_processes(scratch), 0,
		     "a QEMU outlived stubrun");
}

#endif

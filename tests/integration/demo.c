/*
 * `make demo` (scripts/demo.sh): every step ends with the status it
 * announces, so what a new user sees first keeps working.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(demo, every_step_behaves_as_announced, .timeout = 300)
{
	const char *src = getenv("STUBRUN_SRCDIR");
	char script[512], examples[512];
	harness_result res;

	cr_assert_not_null(src, "STUBRUN_SRCDIR is not set (run through make)");
	snprintf(script, sizeof(script), "%s/scripts/demo.sh", src);
	harness_example(examples, sizeof(examples), "");
	const char *argv[] = { "sh", script, harness_stubrun(), examples, NULL };
	harness_run(&res, argv, 240);
	cr_assert_eq(res.status, 0, "demo failed:\n%s\n%s", res.out, res.err);
	cr_assert_not_null(strstr(res.out, "demo: every run behaved as expected"),
			   "%s", res.out);
	/* The parts a new user is promised: a post-mortem (on stderr),
	 * semihosting output and per-test results with a test not run. */
	cr_expect_not_null(strstr(res.err, "=== stubrun post-mortem"), "%s", res.err);
	cr_expect_not_null(strstr(res.err, "backtrace:"), "%s", res.err);
	cr_expect_not_null(strstr(res.out, "hello from semihosting on aarch64"),
			   "%s", res.out);
	cr_expect_not_null(strstr(res.out, "SKIP    multi/aarch64-multi.elf/hangs: not run"),
			   "%s", res.out);
	harness_result_free(&res);
}

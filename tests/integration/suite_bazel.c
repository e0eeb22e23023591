/* `stubrun test` under Bazel's test protocol (src/suite/suite_bazel.c),
 * with the stand-in for `stubrun run` of suite_cli.c: XML_OUTPUT_FILE,
 * and TEST_PREMATURE_EXIT_FILE, there while the tests run, removed at an
 * end of stubrun test's own (pass or fail) and kept when a signal cut
 * the run short; TESTBRIDGE_TEST_ONLY as the --filter. Sharding is tested
 * with the other shards in suite_cli.c. */
#include "suite_common.h"

TestSuite(suite_bazel, .init = setup, .fini = teardown);

/* Sets TEST_PREMATURE_EXIT_FILE to NAME in the test's TMPDIR (buf). */
static const char *premature_file(char *buf, size_t len, const char *name)
{
	cr_assert_eq(setenv("TEST_PREMATURE_EXIT_FILE", tmp(buf, len, name), 1), 0);
	return buf;
}

Test(suite_bazel, xml_output_file_receives_the_junit_report)
{
	char suite[512], xml[256];
	harness_result r;

	setenv("XML_OUTPUT_FILE", tmp(xml, sizeof(xml), "out.xml"), 1);
	RUN(&r, data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	char *x = slurp(xml);
	cr_assert(strstr(x, "tests=\"3\" failures=\"0\" errors=\"0\" skipped=\"0\""), "%.1500s", x);
	free(x);
	harness_result_free(&r);
}

/* The tests see the file; a failing suite is an end of stubrun test's
 * own, so the file goes (status 1 says the failure). */
Test(suite_bazel, premature_exit_file_exists_while_tests_run)
{
	char suite[512], file[256], json[256];
	harness_result r;

	premature_file(file, sizeof(file), "out.premature");
	RUN(&r, data(suite, sizeof(suite), "bazel.ini"), "--json",
	    tmp(json, sizeof(json), "out.jsonl"));
	cr_assert_eq(r.status, 1, "%.1500s", r.err);
	char *j = slurp(json);
	cr_assert(strstr(j, "\"name\":\"sees-file\",\"status\":\"pass\""), "%.1500s", j);
	cr_assert(strstr(j, "\"name\":\"fail\",\"status\":\"fail\""), "%.1500s", j);
	free(j);
	cr_assert_neq(access(file, F_OK), 0, "the premature exit file stayed");
	harness_result_free(&r);

	RUN(&r, "--filter", "sees-file", data(suite, sizeof(suite), "bazel.ini"));
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert_neq(access(file, F_OK), 0, "the premature exit file stayed");
	harness_result_free(&r);
}

/* SIGTERM in the middle (the test signals its own stubrun test): 143,
 * and the file stays, so that Bazel fails the shard whatever it reads. */
Test(suite_bazel, premature_exit_file_stays_after_a_signal)
{
	char suite[512], file[256];
	harness_result r;

	premature_file(file, sizeof(file), "out.premature");
	RUN(&r, data(suite, sizeof(suite), "interrupted.ini"));
	cr_assert_eq(r.status, 143, "%.1500s", r.err);
	cr_assert_eq(access(file, F_OK), 0, "no premature exit file");
	harness_result_free(&r);
}

/* A file that cannot be created: one line naming the variable, 125,
 * before any test runs. */
Test(suite_bazel, uncreatable_premature_exit_file_is_a_suite_error)
{
	char suite[512], file[256], want[512];
	harness_result r;

	premature_file(file, sizeof(file), "out.missing/premature");
	RUN(&r, data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 125, "%.1500s", r.err);
	snprintf(want, sizeof(want), "stubrun test: TEST_PREMATURE_EXIT_FILE "
		 "%s: No such file or directory\n", file);
	cr_assert_str_eq(r.err, want);
	harness_result_free(&r);
}

/* `bazel test --test_filter=GLOB` sets TESTBRIDGE_TEST_ONLY: it selects
 * as --filter GLOB would, a --filter given wins over it, and a glob that
 * matches nothing names the variable. */
Test(suite_bazel, test_only_is_the_filter)
{
	char suite[512];
	harness_result r;

	cr_assert_eq(setenv("TESTBRIDGE_TEST_ONLY", "[bc]", 1), 0);
	RUN(&r, "--list", data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert_str_eq(r.out, "b\nc\n");
	harness_result_free(&r);

	RUN(&r, "--list", "--filter", "a", data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 0, "%.1500s", r.err);
	cr_assert_str_eq(r.out, "a\n");
	harness_result_free(&r);

	cr_assert_eq(setenv("TESTBRIDGE_TEST_ONLY", "nothing*", 1), 0);
	RUN(&r, data(suite, sizeof(suite), "pass.ini"));
	cr_assert_eq(r.status, 125);
	cr_assert(strstr(r.err, "no test matches TESTBRIDGE_TEST_ONLY=nothing* "
			 "(bazel test --test_filter)"), "%.1500s", r.err);
	harness_result_free(&r);
}

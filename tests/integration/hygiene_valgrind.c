/*
 * Integration: scripts/valgrind-check.sh, which runs `stubrun run` under
 * valgrind on every target and on the failure paths, finds no memory error
 * and no definite or indirect leak.
 */
#include "faults_common.h"

/* 1 when the binary is built with AddressSanitizer (make SANITIZE=1),
 * which valgrind cannot run. */
static int is_asan_build(const char *path)
{
	static const char mark[] = "__asan_init";
	FILE *f = fopen(path, "rb");
	char buf[65536 + sizeof(mark)];
	size_t keep = 0, n;
	int found = 0;

	if (!f)
		return 0;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		n += keep;
		found = memmem(buf, n, mark, sizeof(mark) - 1) != NULL;
		keep = n < sizeof(mark) ? n : sizeof(mark) - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

/* Why 300 s: the script takes ~20 s alone (75 s before the rsp_wait fix); in a
 * parallel test run valgrind's slowdown shares two cores with QEMUs. */
Test(hygiene_valgrind, every_target_and_failure_path_is_clean)
{
	const char *src = getenv("STUBRUN_SRCDIR");
	const char *ex = getenv("STUBRUN_EXAMPLES");
	char script[512], probe[512];
	harness_result res;

	snprintf(script, sizeof(script), "%s/scripts/valgrind-check.sh",
		 src ? src : ".");
	if (is_asan_build(harness_stubrun()))
		cr_skip_test("%s is an ASan build: valgrind cannot run it",
			     harness_stubrun());
	example_or_skip(probe, sizeof(probe), "riscv64-pass.elf");
	const char *fs = getenv("STUBRUN_FAULTSTUB");
	const char *argv[] = { "sh", script, harness_stubrun(),
			       ex ? ex : "build/examples",
			       fs ? fs : "build/tests/faultstub", NULL };
	cr_assert_eq(harness_run(&res, argv, 300), 0);
	if (res.status == 77)
		cr_skip_test("valgrind is not installed (make deps)");
	cr_expect_eq(res.timed_out, 0, "valgrind-check.sh hung");
	cr_expect_eq(res.status, 0, "valgrind-check.sh failed:\n%s\n%s", res.out,
		     res.err);
	cr_expect(strstr(res.out, "runs clean"), "%s", res.out);
	harness_result_free(&res);
}

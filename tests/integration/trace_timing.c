/*
 * --trace-timing: one line after the verdict naming each phase the run
 * went through, in order, and the total; the phases not reached (no QEMU
 * when the image is bad) are left out.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "harness.h"

/* The positions of `names` in `line`, each after the one before. */
static int in_order(const char *line, const char *const *names)
{
	const char *at = line;

	for (size_t i = 0; names[i]; i++) {
		const char *p = strstr(at, names[i]);
		if (!p)
			return 0;
		at = p + strlen(names[i]);
	}
	return 1;
}

Test(trace_timing, every_phase_in_order, .timeout = 60)
{
	char img[512];
	harness_result res;
	const char *const phases[] = { " image ", ", spawn ", ", plan ",
				       ", connect ", ", first answer ",
				       ", handshake ", ", breakpoints ", ", run ",
				       ", report ", ", teardown ", ", total ",
				       " ms\n", NULL };

	harness_example(img, sizeof(img), "riscv64-pass.elf");
	const char *argv[] = { harness_stubrun(), "run", "--trace-timing", img,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_expect_eq(res.status, 0, "%s", res.err);
	const char *line = strstr(res.err, "stubrun: timing:");
	cr_assert(line, "no timing line:\n%s", res.err);
	cr_expect(in_order(line, phases), "phases out of order: %s", line);
	cr_expect(strstr(res.err, "stubrun: PASS") < line, "not after the verdict");
	harness_result_free(&res);
}

Test(trace_timing, phases_not_reached_are_left_out, .timeout = 30)
{
	harness_result res;
	const char *argv[] = { harness_stubrun(), "run", "--trace-timing",
			       "/dev/null", NULL };

	cr_assert_eq(harness_run(&res, argv, 30), 0);
	cr_expect_eq(res.status, 125, "%s", res.err);
	const char *line = strstr(res.err, "stubrun: timing:");
	cr_assert(line, "no timing line:\n%s", res.err);
	cr_expect(!strstr(line, "spawn") && !strstr(line, "handshake"), "%s", line);
	cr_expect(strstr(line, "total"), "%s", line);
	harness_result_free(&res);
}

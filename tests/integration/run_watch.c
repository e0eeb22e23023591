/*
 * --watch end to end under QEMU: a watched write, read or access fails
 * the run where it happened, naming the address and the watch; memory the
 * guest leaves alone leaves its verdict alone; bad watches are one line.
 */
#include "run_common.h"

static const char *const arches[] = { "i386", "x86_64", "aarch64", "arm",
				       "riscv64", "riscv32" };

#define NARCHES (sizeof(arches) / sizeof(arches[0]))

static void image(char *buf, size_t len, const char *arch, const char *variant)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%s.elf", arch, variant);
	example(buf, len, name);
}

/* spin_count is written by the hang variant's loop (and by the start-up
 * code clearing .bss, which is where a "never written" watch fires). */
Test(run_watch, a_watched_write_fails_the_run_where_it_happens)
{
	for (size_t i = 0; i < NARCHES; i++) {
		char img[512];
		harness_result res;

		image(img, sizeof(img), arches[i], "hang");
		stubrun(&res, "--watch", "spin_count", "--timeout", "30", img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", arches[i],
			     res.status, res.err);
		expect_in(res.err, "FAIL: the guest wrote 0x", arches[i]);
		expect_in(res.err, "(--watch spin_count) at 0x", arches[i]);
		expect_postmortem(&res);
		harness_result_free(&res);
	}
}

/* The fail variant reads `observed` in run_checks and never writes it. */
Test(run_watch, reads_are_watched_with_r_and_untouched_memory_is_no_verdict)
{
	char img[512];
	harness_result res;

	image(img, sizeof(img), "aarch64", "fail");
	stubrun(&res, "--watch", "observed=r", img, NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the guest read 0x", "the read");
	expect_in(res.err, "in run_checks", "where it read");
	harness_result_free(&res);

	stubrun(&res, "--watch", "observed", img, NULL);
	cr_expect_eq(res.status, 3, "never written: the guest's own verdict "
		     "stands (status %d)\n%s", res.status, res.err);
	harness_result_free(&res);

	stubrun(&res, "--watch", "observed:4=a", img, NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the guest accessed 0x", "the access");
	harness_result_free(&res);
}

Test(run_watch, bad_watches_are_one_line_and_125)
{
	static const char *const bad[][2] = {
		{ "spin_count:0", "expected LOC[:LEN][=r|w|a]" },
		{ "spin_count=x", "expected LOC[:LEN][=r|w|a]" },
		{ "spin_count:99999999", "expected LOC[:LEN][=r|w|a]" },
		{ ":4", "expected LOC[:LEN][=r|w|a]" },
		{ "no_such_symbol", "no symbol no_such_symbol" },
	};
	char img[512];

	image(img, sizeof(img), "riscv64", "pass");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		harness_result res;

		stubrun(&res, "--watch", bad[i][0], img, NULL);
		cr_expect_eq(res.status, 125, "%s: status %d", bad[i][0], res.status);
		expect_in(res.err, bad[i][1], bad[i][0]);
		const char *nl = strchr(res.err, '\n');
		cr_expect(nl && nl[1] == '\0', "%s: not one line:\n%s", bad[i][0],
			  res.err);
		harness_result_free(&res);
	}
}

/*
 * --record and --watch-back end to end, under QEMU's record/replay: the
 * corrupt example overwrites expected_magic in bump() and panics later;
 * the history ends at the failing call, and the watch finds the store.
 */
#include "run_common.h"

#include <dirent.h>
#include <stdlib.h>

/* Not x86: QEMU 7.2 replaying a pc machine leaves reverse steps
 * unanswered on a loaded host (stubrun cuts the history after 10 s and
 * says so); the virt and mps2 boards answer every time. */
static const char *const arches[] = { "aarch64", "arm", "riscv64", "riscv32" };

static void image(char *buf, size_t len, const char *arch, const char *variant)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%s.elf", arch, variant);
	example(buf, len, name);
}

/* The runs get a TMPDIR of their own: the recording's files must be gone
 * when stubrun is. */
static void private_tmpdir(char *dir)
{
	cr_assert_not_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
}

static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

Test(run_record, finds_the_last_write_and_the_path_into_the_failure)
{
	char tmp[] = "/tmp/stubrun-it-rr-XXXXXX";

	private_tmpdir(tmp);
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		char img[512];
		harness_result res;
		const char *hist, *write, *failure;

		image(img, sizeof(img), arches[i], "corrupt");
		stubrun(&res, "--record=8", "--watch-back", "expected_magic", img, NULL);
		cr_expect_eq(res.status, 1, "%s: status %d\n%s", arches[i],
			     res.status, res.err);
		expect_in(res.err, "FAIL: the guest reached fail symbol stubrun_panic("
			  "\"expected_magic was corrupted\")", arches[i]);
		hist = strstr(res.err, "=== stubrun history: the last 8 instructions "
			      "before the failure ===");
		failure = hist ? strstr(hist, "(the failure)") : NULL;
		write = strstr(res.err, "=== stubrun post-mortem: the last write to "
			       "expected_magic (0x");
		cr_expect(hist && failure && write && hist < write, "%s:\n%s",
			  arches[i], res.err);
		if (!hist || !failure || !write) {
			harness_result_free(&res);
			continue;
		}
		/* the instruction just before the failure is main's call */
		const char *last = failure;
		while (last > hist && last[-1] != '\n')
			last--;
		const char *prev = last - 1;
		while (prev > hist && prev[-1] != '\n')
			prev--;
		cr_expect(strstr(prev, "main+") && strstr(prev, "main+") < last,
			  "%s: the call in main last:\n%.*s", arches[i],
			  (int)(failure - hist), hist);
		/* the store itself, in bump, called from update_stats */
		expect_in(write, ">   17 | \t*counter = *counter + 1;", arches[i]);
		expect_in(write, "#0 0x", arches[i]);
		expect_in(write, " bump+0x", arches[i]);
		expect_in(write, "update_stats", arches[i]);
		harness_result_free(&res);
	}
	cr_expect(dir_is_empty(tmp), "files left in %s", tmp);
	rmdir(tmp);
}

Test(run_record, a_passing_run_is_untouched_and_leaves_nothing)
{
	char tmp[] = "/tmp/stubrun-it-rr-XXXXXX", img[512];
	harness_result res;

	private_tmpdir(tmp);
	image(img, sizeof(img), "riscv64", "pass");
	stubrun(&res, "--record", img, NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	cr_expect_null(strstr(res.err, "history"), "%s", res.err);
	harness_result_free(&res);
	cr_expect(dir_is_empty(tmp), "files left in %s", tmp);
	rmdir(tmp);
}

Test(run_record, nothing_written_since_the_start_says_so)
{
	char img[512];
	harness_result res;

	/* the fail variant only reads `observed` */
	image(img, sizeof(img), "riscv64", "fail");
	stubrun(&res, "--record=2", "--watch-back", "observed", img, NULL);
	cr_expect_eq(res.status, 3, "%s", res.err);
	expect_in(res.err, "stubrun: --watch-back observed: nothing wrote 0x",
		  "no write");
	harness_result_free(&res);
}

Test(run_record, bad_combinations_are_one_line_and_125)
{
	static const char *const cases[][4] = {
		{ "--record", "--connect", "unix:/nonexistent", "nothing to record with --connect" },
		{ "--watch-back", "expected_magic", NULL, "--watch-back expected_magic: needs --record" },
		{ "--record=0", NULL, NULL, "--record" },
		{ "--record=x", NULL, NULL, "--record" },
	};
	char img[512];

	image(img, sizeof(img), "riscv64", "corrupt");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		harness_result res;

		stubrun(&res, cases[i][0], cases[i][1] ? cases[i][1] : img,
			cases[i][1] && cases[i][2] ? cases[i][2] : img,
			cases[i][1] && cases[i][2] ? img : NULL, NULL);
		cr_expect_eq(res.status, 125, "%s: status %d\n%s", cases[i][0],
			     res.status, res.err);
		expect_in(res.err, cases[i][3], cases[i][0]);
		const char *nl = strchr(res.err, '\n');
		cr_expect(nl && nl[1] == '\0', "%s: not one line:\n%s", cases[i][0],
			  res.err);
		harness_result_free(&res);
	}

	harness_result res;
	image(img, sizeof(img), "arm", "corrupt");
	stubrun(&res, "--record", "--semihosting=stubrun", img, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "a replay cannot repeat", "stubrun's semihosting");
	harness_result_free(&res);
}

/*
 * The post-mortem's forms end to end: brief by default (source, backtrace
 * with arguments, general registers, code), full on request or into a
 * file, none, and the copy in the --events file.
 */
#include "run_common.h"

/* The post-mortem part of stderr: from its header to its end line. */
static size_t postmortem_lines(const char *err)
{
	const char *p = strstr(err, "=== stubrun post-mortem:");
	const char *end = p ? strstr(p, "=== end of post-mortem ===") : NULL;
	size_t n = 0;

	for (; p && end && p < end; p++)
		n += *p == '\n';
	return n;
}

Test(postmortem, brief_by_default_with_the_arguments_of_each_frame)
{
	static const char *const arches[] = { "aarch64", "arm", "i386" };

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		char img[64];
		harness_result res;

		snprintf(img, sizeof(img), "%s-fail.elf", arches[i]);
		stubrun(&res, EXAMPLE(img), NULL);
		cr_expect_eq(res.status, 3, "%s: status %d", arches[i], res.status);
		expect_in(res.err, "args: what = 0x", arches[i]);
		expect_in(res.err, "\"answer\", got = 41, want = 42", arches[i]);
		expect_in(res.err, "locals: bad = 0", arches[i]);
		cr_expect_null(strstr(res.err, "QEMU info registers"), "%s", res.err);
		cr_expect_null(strstr(res.err, "stack (sp"), "%s", res.err);
		cr_expect_null(strstr(res.err, "other registers"), "%s", res.err);
		/* the failing line first: source before backtrace before
		 * registers */
		cr_expect(strstr(res.err, "source (") < strstr(res.err, "backtrace:") &&
			  strstr(res.err, "backtrace:") < strstr(res.err, "registers:"),
			  "%s: order:\n%s", arches[i], res.err);
		cr_expect_lt(postmortem_lines(res.err), 60, "%s: %zu lines:\n%s",
			     arches[i], postmortem_lines(res.err), res.err);
		harness_result_free(&res);
	}
}

Test(postmortem, full_adds_the_system_registers_stack_and_qemus_view)
{
	harness_result res;

	stubrun(&res, "--postmortem", "full", EXAMPLE("aarch64-fail.elf"), NULL);
	cr_expect_eq(res.status, 3);
	expect_in(res.err, "other registers (nonzero):", "full");
	expect_in(res.err, "VBAR", "full: a system register");
	expect_in(res.err, "stack (sp = ", "full");
	expect_in(res.err, "QEMU info registers:", "full");
	expect_in(res.err, "args: status = 3", "full keeps the arguments");
	harness_result_free(&res);
}

Test(postmortem, none_prints_only_the_verdict)
{
	harness_result res;

	stubrun(&res, "--postmortem", "none", EXAMPLE("riscv64-fail.elf"), NULL);
	cr_expect_eq(res.status, 3);
	cr_expect_null(strstr(res.err, "post-mortem"), "%s", res.err);
	expect_in(res.err, "FAIL: the guest called stubrun_exit(3)", "verdict");
	harness_result_free(&res);
}

Test(postmortem, a_file_gets_the_full_one_and_stderr_the_brief_one)
{
	char path[] = "/tmp/stubrun-pm-XXXXXX";
	int fd = mkstemp(path);
	harness_result res;
	char *text;

	cr_assert_geq(fd, 0);
	close(fd);
	stubrun(&res, "--postmortem-file", path, EXAMPLE("x86_64-fail.elf"), NULL);
	cr_expect_eq(res.status, 3);
	cr_expect_null(strstr(res.err, "QEMU info registers"), "stderr brief");
	text = harness_slurp(path);
	unlink(path);
	cr_assert_not_null(text);
	expect_in(text, "=== stubrun post-mortem: the guest called stubrun_exit(3)", "file");
	expect_in(text, "QEMU info registers:", "file (full)");
	expect_in(text, "args: status = 3", "file");
	free(text);
	harness_result_free(&res);

	/* a file that cannot be written is one line; the verdict stands */
	stubrun(&res, "--postmortem-file", "/nonexistent-dir/pm.txt",
		EXAMPLE("x86_64-fail.elf"), NULL);
	cr_expect_eq(res.status, 3);
	expect_in(res.err, "stubrun: --postmortem-file /nonexistent-dir/pm.txt: "
		  "No such file or directory", "the problem");
	harness_result_free(&res);
}

Test(postmortem, the_events_file_carries_it_as_json)
{
	char path[] = "/tmp/stubrun-pm-ev-XXXXXX";
	int fd = mkstemp(path);
	harness_result res;
	char *text;

	cr_assert_geq(fd, 0);
	close(fd);
	stubrun(&res, "--events", path, EXAMPLE("arm-fail.elf"), NULL);
	cr_expect_eq(res.status, 3);
	text = harness_slurp(path);
	unlink(path);
	cr_assert_not_null(text);
	expect_in(text, "{\"event\":\"postmortem\",\"text\":\"=== stubrun post-mortem: "
		  "the guest called stubrun_exit(3) ===\\n", "events");
	expect_in(text, "args: status = 3\\n", "events (escaped newlines)");
	cr_expect(strstr(text, "\"event\":\"postmortem\"") <
		  strstr(text, "\"event\":\"verdict\""), "before the verdict:\n%s", text);
	free(text);
	harness_result_free(&res);
}

Test(postmortem, a_bad_mode_is_one_line)
{
	harness_result res;

	stubrun(&res, "--postmortem", "long", EXAMPLE("arm-fail.elf"), NULL);
	cr_expect_eq(res.status, 125);
	expect_in(res.err, "expected brief, full or none", "the problem");
	harness_result_free(&res);
}

/* Integration: bad console options are one line and status 125, before
 * QEMU starts; a console whose reader went away ends the run. */
#include "run_common.h"

static void one_line_125(const char *opt, const char *value,
			 const char *needle)
{
	harness_result res;

	stubrun(&res, opt, value, EXAMPLE("riscv64-pass.elf"), NULL);
	cr_expect_eq(res.status, 125, "%s %s: status %d\n%s", opt, value,
		     res.status, res.err);
	const char *nl = strchr(res.err, '\n');
	cr_expect(nl && nl[1] == '\0', "not one line:\n%s", res.err);
	expect_in(res.err, needle, "stderr");
	harness_result_free(&res);
}

Test(console_errors, regex_that_does_not_compile_names_its_offset)
{
	one_line_125("--console-fail", "panic(", "--console-fail 'panic(': "
		     "missing closing parenthesis at offset 6");
}

Test(console_errors, expect_regex_is_checked_too)
{
	one_line_125("--console-expect", "[a-", "--console-expect '[a-': ");
}

Test(console_errors, send_without_an_expect_before_it)
{
	one_line_125("--console-send", "hello\\n", "--console-send");
}

Test(console_errors, unknown_preset_lists_the_known_ones)
{
	one_line_125("--console-preset", "plan9", "linux");
}

Test(console_errors, bad_results_mode)
{
	one_line_125("--results", "junit", "--results");
}

/* A console test's script it cannot run is found before QEMU starts,
 * not after the boot, and names the test. */
Test(console_errors, snapshot_test_script_is_checked_before_the_boot)
{
	harness_result res;

	stubrun(&res, "--snapshot-at", "console:# ", "--snapshot-test", "t=ls\\n",
		"--console-send", "q", "--timeout", "60",
		EXAMPLE("riscv64-hang.elf"), NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	cr_expect_str_eq(res.err, "stubrun: --snapshot-test t: --console-send "
			 "\"q\": no --console-expect before it\n");
	cr_expect_str_eq(res.out, "", "nothing booted");
	harness_result_free(&res);
}

/* A pass pattern on an example's console line ends the run at once. */
Test(console_errors, pass_pattern_on_an_example)
{
	harness_result res;

	stubrun(&res, "--console-pass", "^hang variant on \\w+: spinning$", "--timeout", "60",
		EXAMPLE("riscv64-hang.elf"), NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "PASS: the console matched '^hang variant on", "stderr");
	harness_result_free(&res);
}

/* `stubrun run ... | head -c 1`: once the reader is gone the run ends as a
 * SIGPIPE would end it (141), not at its 60 s timeout. */
Test(console_errors, closed_stdout_reader_ends_the_run)
{
	harness_result res;
	char img[512];

	example(img, sizeof(img), "riscv64-flood-forever.elf");
	const char *argv[] = { "bash", "-c", "\"$0\" run --timeout 60 \"$1\" | "
			       "head -c 1 >/dev/null; exit ${PIPESTATUS[0]}",
			       harness_stubrun(), img, NULL };
	cr_assert_eq(harness_run(&res, argv, 40), 0);
	cr_expect_not(res.timed_out, "the run went on to its timeout");
	cr_expect_eq(res.status, 141, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "the reader of the console (stdout) went away", "stderr");
	harness_result_free(&res);
}

/* A fail pattern halts the guest where it printed the line: the
 * post-mortem of an ELF with symbols names where it was (the hang example
 * prints, then spins in spin_forever). */
Test(console_errors, fail_pattern_postmortem_has_symbols)
{
	harness_result res;

	stubrun(&res, "--console-fail", ": spinning$", "--timeout", "60",
		EXAMPLE("aarch64-hang.elf"), NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the console matched ': spinning$': "
		  "\"hang variant on aarch64: spinning\"", "stderr");
	expect_postmortem(&res);
	/* Halted a few instructions after the line, if at all later: in
	 * spin_forever, or still on the way out of console_puts. */
	cr_expect(strstr(res.err, "spin_forever") || strstr(res.err, "console_puts"),
		  "no symbols in the post-mortem:\n%s", res.err);
	cr_expect_null(strstr(res.err, "TIMEOUT"), "%s", res.err);
	harness_result_free(&res);
}

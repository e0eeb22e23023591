/* Tests for src/console/console.c, console_pattern.c, console_script.c:
 * spec errors, pass/fail patterns, streaming in any chunking, the line
 * cap, kernel prefixes, the prefilter, and the expect/send script. */
#include <criterion/criterion.h>

#include <malloc.h>
#include <string.h>

#include "console.h"
#include "console_rec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- spec errors --------------------------------------------------------- */

static void expect_error(const console_spec *spec, const char *msg)
{
	console *c = (console *)1;
	char err[512] = "";

	cr_assert_eq(console_new(&c, spec, err, sizeof(err)), CONSOLE_EINVAL);
	cr_assert_null(c);
	cr_assert_str_eq(err, msg);
}

Test(console, bad_fail_pattern_names_option_value_and_offset)
{
	const char *fail[] = { "ok", "foo(" };
	console_spec spec = { .fail = fail, .n_fail = 2 };
	expect_error(&spec, "--console-fail \"foo(\": missing closing "
		     "parenthesis at offset 4");
}

Test(console, bad_pass_and_expect_patterns_name_their_option)
{
	const char *pass[] = { "a[" };
	console_spec spec = { .pass = pass, .n_pass = 1 };
	expect_error(&spec, "--console-pass \"a[\": missing terminating ] for "
		     "character class at offset 2");
	console_step steps[] = { { 0, "x)" } };
	console_spec spec2 = { .steps = steps, .n_steps = 1 };
	expect_error(&spec2, "--console-expect \"x)\": unmatched closing "
		     "parenthesis at offset 1");
}

Test(console, send_before_any_expect_is_refused)
{
	console_step steps[] = { { 1, "x" }, { 0, "y" } };
	console_spec spec = { .steps = steps, .n_steps = 2 };
	expect_error(&spec, "--console-send \"x\": no --console-expect before it");
}

Test(console, bad_send_escape_is_refused)
{
	console_step steps[] = { { 0, "p" }, { 1, "a\\q" } };
	console_spec spec = { .steps = steps, .n_steps = 2 };
	expect_error(&spec, "--console-send \"a\\q\": bad escape at offset 1 "
		     "(known: \\n \\r \\t \\\\ \\xNN)");
	console_step steps2[] = { { 0, "p" }, { 1, "\\x4" } };
	console_spec spec2 = { .steps = steps2, .n_steps = 2 };
	console *c;
	char err[256];
	cr_assert_eq(console_new(&c, &spec2, err, sizeof(err)), CONSOLE_EINVAL);
}

/* The decoder --snapshot-test shares with --console-send: bytes may be
 * NULs; a bad escape names its offset and leaves nothing to free. */
Test(console, unescape_decodes_every_escape_and_names_a_bad_one)
{
	char *out = (char *)1, why[128] = "";
	size_t len = 9;

	cr_assert_eq(console_unescape(&out, &len, "a\\x00\\t\\\\\\r\\n", why,
				      sizeof(why)), 0);
	cr_assert_eq(len, 6);
	cr_expect_eq(memcmp(out, "a\0\t\\\r\n", 6), 0);
	cr_expect_eq(out[6], '\0');
	free(out);
	cr_assert_eq(console_unescape(&out, &len, "ab\\", why, sizeof(why)),
		     CONSOLE_EINVAL);
	cr_expect_null(out);
	cr_expect_eq(len, 0);
	cr_expect_str_eq(why, "bad escape at offset 2 (known: \\n \\r \\t \\\\ "
			 "\\xNN)");
}

Test(console, unknown_preset_lists_the_known)
{
	console_spec spec = { .preset = "foo" };
	expect_error(&spec, "--console-preset \"foo\": unknown preset (known: "
		     "linux, u-boot, zephyr)");
}

/* --- patterns -------------------------------------------------------------- */

Test(console, fail_and_pass_patterns_report_line_and_pattern)
{
	const char *fail[] = { "FAILED: \\d+" }, *pass[] = { "^ALL OK$" };
	console_spec spec = { .fail = fail, .n_fail = 1, .pass = pass,
			      .n_pass = 1, .results = CONSOLE_RESULTS_NONE };
	char *out = rec_str(&spec, "boot\ntest FAILED: 3 of 9\nALL OK\nALL OK!\n");
	cr_assert_str_eq(out, "FAIL FAILED: \\d+|test FAILED: 3 of 9\n"
			 "PASS ^ALL OK$|ALL OK\n");
	free(out);
}

Test(console, fail_comes_before_pass_on_one_line)
{
	const char *fail[] = { "bad" }, *pass[] = { "done" };
	console_spec spec = { .fail = fail, .n_fail = 1, .pass = pass, .n_pass = 1 };
	char *out = rec_str(&spec, "done but bad\n");
	cr_assert_str_eq(out, "FAIL bad|done but bad\nPASS done|done but bad\n");
	free(out);
}

Test(console, carriage_return_is_stripped)
{
	const char *fail[] = { "syncing$" };
	console_spec spec = { .fail = fail, .n_fail = 1 };
	char *out = rec_str(&spec, "Kernel panic - not syncing\r\n");
	cr_assert_str_eq(out, "FAIL syncing$|Kernel panic - not syncing\n");
	free(out);
}

Test(console, a_match_split_across_reads_is_found)
{
	const char *fail[] = { "Kernel panic - not syncing" };
	console_spec spec = { .fail = fail, .n_fail = 1 };
	console *c = rec_console(&spec);
	rec r = { 0 };
	cr_assert_eq(console_feed(c, "x Kernel pa", 11, rec_sink, &r), 0);
	cr_assert_eq(r.events, 0);
	cr_assert_eq(console_feed(c, "nic - not syncing: y\n", 21, rec_sink, &r), 0);
	cr_assert_eq(r.events, 1);
	cr_assert_str_eq(r.buf, "FAIL Kernel panic - not syncing|x Kernel panic - "
			 "not syncing: y\n");
	console_free(c);
	free(r.buf);
}

Test(console, fail_patterns_wait_for_the_line_end_or_flush)
{
	const char *fail[] = { "oops" };
	console_spec spec = { .fail = fail, .n_fail = 1 };
	console *c = rec_console(&spec);
	rec r = { 0 };
	cr_assert_eq(console_feed(c, "an oops", 7, rec_sink, &r), 0);
	cr_assert_eq(r.events, 0, "partial lines are not matched by fail patterns");
	cr_assert_eq(console_flush(c, rec_sink, &r), 0);
	cr_assert_str_eq(r.buf, "FAIL oops|an oops\n");
	console_free(c);
	free(r.buf);
}

Test(console, kernel_prefix_is_stripped_for_matching_but_quoted)
{
	const char *fail[] = { "^Oops" };
	console_spec spec = { .fail = fail, .n_fail = 1 };
	char *out = rec_str(&spec, "[    1.234567] Oops: 0002 [#1]\n"
			    "<4>[   12.5][    T1] Oops again\n"
			    "[  0.1][C3] Oops three\n"
			    "[no stamp] Oops not\n"
			    "[    1.2]Oops glued\n");
	cr_assert_str_eq(out, "FAIL ^Oops|[    1.234567] Oops: 0002 [#1]\n"
			 "FAIL ^Oops|<4>[   12.5][    T1] Oops again\n"
			 "FAIL ^Oops|[  0.1][C3] Oops three\n"
			 "FAIL ^Oops|[    1.2]Oops glued\n");
	free(out);
}

Test(console, a_sink_error_stops_the_feed_and_is_returned)
{
	const char *fail[] = { "x" };
	console_spec spec = { .fail = fail, .n_fail = 1 };
	console *c = rec_console(&spec);
	rec r = { .stop_after = 1 };
	cr_assert_eq(console_feed(c, "x\nx\nx\n", 6, rec_sink, &r), -7);
	cr_assert_eq(r.events, 1);
	r.stop_after = 0;
	cr_assert_eq(console_feed(c, "x\n", 2, rec_sink, &r), 0);
	cr_assert_eq(r.events, 2, "the console stays usable");
	console_free(c);
	free(r.buf);
}

/* Patterns that cannot join the prefilter alternation (backreference,
 * extended mode, verbs, \Q) still match; the result is the same as with
 * one console per pattern. */
Test(console, prefilter_gives_the_same_events_as_each_pattern_alone)
{
	const char *fail[] = {
		"panic", "(?i)warning", "(\\w)\\1{2}", "(?x) a b c # comment",
		"(*COMMIT)zz|yy", "\\Q(?\\E", "^\\d+$", "end$", "(?<n>q)r",
		"here$", "b{3}", "[xy]{2}",  /* enough safe ones for the prefilter */
	};
	const char *in = "a panic\nWARNING: x\nabbbd\nabc\nyy\n(?\n123\n"
			 "the end\nqr\nnothing here\nzz\n";
	console_spec all = { .fail = fail, .n_fail = N(fail) };
	char *got = rec_str(&all, in);
	rec want = { 0 };
	rec_add(&want, "");
	/* The same lines in order, one pattern at a time. */
	const char *p = in;
	while (*p) {
		const char *nl = strchr(p, '\n');
		char line[64];
		snprintf(line, sizeof(line), "%.*s\n", (int)(nl - p), p);
		for (size_t i = 0; i < N(fail); i++) {
			console_spec one = { .fail = &fail[i], .n_fail = 1 };
			char *o = rec_str(&one, line);
			rec_add(&want, "%s", o);
			free(o);
		}
		p = nl + 1;
	}
	cr_assert_str_eq(got, want.buf);
	cr_assert(strstr(got, "FAIL (?x) a b c # comment|abc\n"));
	cr_assert(strstr(got, "FAIL (\\w)\\1{2}|abbbd\n"));
	free(got);
	free(want.buf);
}

/* --- streaming ------------------------------------------------------------- */

static const char *const mixed_fail[] = { "BUG: \\w+", "FATAL" };
static const char *const mixed_pass[] = { "^all done" };
static const console_step mixed_steps[] = {
	{ 0, "login: " }, { 1, "root\\n" }, { 0, "# " }, { 1, "run\\r" },
};

static const char mixed_input[] =
	"[    0.000000] Booting\r\n"
	"[    0.100000] BUG: spinlock\n"
	"login: root\n"
	"# run\n"
	"KTAP version 1\n"
	"1..2\n"
	"    KTAP version 1\n"
	"    # Subtest: suite\n"
	"    1..2\n"
	"    # case_a: some output\n"
	"    ok 1 case_a\n"
	"    not ok 2 case_b # SKIP no hw\n"
	"ok 1 suite\n"
	"FATAL thing\n"
	"not ok 2 other\n"
	"all done\n"
	"partial tail";

static console_spec mixed_spec(void)
{
	console_spec s = { .fail = mixed_fail, .n_fail = N(mixed_fail),
			   .pass = mixed_pass, .n_pass = N(mixed_pass),
			   .steps = mixed_steps, .n_steps = N(mixed_steps),
			   .preset = "linux" };
	return s;
}

Test(console, byte_by_byte_gives_the_same_events_as_all_at_once)
{
	console_spec spec = mixed_spec();
	size_t len = sizeof(mixed_input) - 1;
	char *whole = rec_run(&spec, mixed_input, len, 0);
	char *bytes = rec_run(&spec, mixed_input, len, 1);
	cr_assert_str_eq(bytes, whole);
	cr_assert_str_eq(whole,
		"FAIL BUG: \\w+|[    0.100000] BUG: spinlock\n"
		"FAIL linux:bug|[    0.100000] BUG: spinlock\n"
		"SEND root\\n\n"
		"SEND run\\x0d\n"
		"PASS # |# \n"
		"PLAN 2\n"
		"BEGIN suite\n"
		"BEGIN suite.case_a\n"
		"END suite.case_a PASS [    # case_a: some output\\n]\n"
		"BEGIN suite.case_b\n"
		"END suite.case_b SKIP\n"
		"END suite PASS suite\n"
		"FAIL FATAL|FATAL thing\n"
		"BEGIN other\n"
		"END other FAIL [FATAL thing\\n]\n"
		"DONE 1\n"
		"PASS ^all done|all done\n");
	free(whole);
	free(bytes);
}

Test(console, random_splits_give_the_same_events)
{
	console_spec spec = mixed_spec();
	size_t len = sizeof(mixed_input) - 1;
	char *whole = rec_run(&spec, mixed_input, len, 0);
	unsigned seed = 12345;

	for (int round = 0; round < 200; round++) {
		console *c = rec_console(&spec);
		rec r = { 0 };
		rec_add(&r, "");
		for (size_t i = 0; i < len;) {
			seed = seed * 1103515245u + 12345u;
			size_t n = 1 + (seed >> 16) % 40;
			if (n > len - i)
				n = len - i;
			cr_assert_eq(console_feed(c, mixed_input + i, n, rec_sink, &r), 0);
			i += n;
		}
		cr_assert_eq(console_flush(c, rec_sink, &r), 0);
		cr_assert_str_eq(r.buf, whole, "round %d", round);
		console_free(c);
		free(r.buf);
	}
	free(whole);
}

/* --- the line cap ---------------------------------------------------------- */

Test(console, a_long_line_is_cut_for_matching_and_the_stream_goes_on)
{
	const char *fail[] = { "^x+$", "TAIL", "panic" };
	console_spec spec = { .fail = fail, .n_fail = N(fail) };
	size_t big = 10000;
	char *in = malloc(big + 32);
	memset(in, 'x', big);
	strcpy(in + big, "TAIL\npanic\n");
	console *c = rec_console(&spec);
	rec r = { 0 };
	cr_assert_eq(console_feed(c, in, strlen(in), rec_sink, &r), 0);
	/* The kept 4096 bytes are all x: TAIL, past the cap, is not seen. */
	cr_assert_eq(r.events, 2);
	cr_assert(strncmp(r.buf, "FAIL ^x+$|xxx", 13) == 0);
	cr_assert_eq(strchr(r.buf, '\n') - r.buf, (long)(strlen("FAIL ^x+$|") +
						      CONSOLE_LINE_MAX));
	cr_assert(strstr(r.buf, "FAIL panic|panic\n"));
	console_free(c);
	free(in);
	free(r.buf);
}

Test(console, a_mebibyte_without_newline_does_not_grow_memory)
{
	console_step steps[] = { { 0, "never" } };
	console_spec spec = { .steps = steps, .n_steps = 1, .preset = "linux" };
	console *c = rec_console(&spec);
	char chunk[4096];
	rec r = { 0 };

	memset(chunk, 'a', sizeof(chunk));
	struct mallinfo2 before = mallinfo2();
	for (int i = 0; i < 256; i++)
		cr_assert_eq(console_feed(c, chunk, sizeof(chunk), rec_sink, &r), 0);
	struct mallinfo2 after = mallinfo2();
	cr_assert_leq(console_line_capacity(c), CONSOLE_LINE_MAX + 1);
	/* mallinfo2 is zero under ASan; elsewhere this measures the heap. */
	cr_assert_lt(after.uordblks, before.uordblks + 65536,
		     "heap grew by %zu bytes", after.uordblks - before.uordblks);
	cr_assert_eq(console_feed(c, "\nKernel panic - not syncing\n", 28,
				  rec_sink, &r), 0);
	cr_assert_eq(r.events, 1);
	console_free(c);
	free(r.buf);
}

/* --- the script ------------------------------------------------------------ */

Test(console, expect_matches_a_prompt_without_newline)
{
	console_step steps[] = { { 0, "=> $" }, { 1, "version\\n" },
				 { 0, "U-Boot \\d+" } };
	console_spec spec = { .steps = steps, .n_steps = N(steps) };
	console *c = rec_console(&spec);
	rec r = { 0 };
	cr_assert(console_wants_input(c));
	cr_assert_eq(console_feed(c, "Hit any key\n=", 13, rec_sink, &r), 0);
	cr_assert_eq(r.events, 0);
	cr_assert_eq(console_feed(c, "> ", 2, rec_sink, &r), 0);
	cr_assert_str_eq(r.buf, "SEND version\\n\n");
	cr_assert_eq(console_feed(c, "version\nU-Boot 2023.01\n", 23, rec_sink, &r), 0);
	cr_assert_str_eq(r.buf, "SEND version\\n\nPASS U-Boot \\d+|U-Boot 2023\n",
			 "PASS quotes the line through the match");
	console_free(c);
	free(r.buf);
}

/* After an expect matched, the rest of the line is what the next one sees:
 * the echo of a command after the prompt is not the next prompt. */
Test(console, the_next_expect_starts_after_the_previous_match)
{
	console_step steps[] = { { 0, "=> " }, { 1, "ls\\n" }, { 0, "=> " },
				 { 1, "exit\\n" } };
	console_spec spec = { .steps = steps, .n_steps = N(steps) };
	char *out = rec_str(&spec, "=> ls\nfile\n=> ");
	cr_assert_str_eq(out, "SEND ls\\n\nSEND exit\\n\nPASS => |=> \n");
	free(out);
	char *one = rec_str(&spec, "=> x => y\n");
	cr_assert_str_eq(one, "SEND ls\\n\nSEND exit\\n\nPASS => |=> x => \n",
			 "two expects on one line");
	free(one);
	char *not = rec_str(&spec, "=> only one\n");
	cr_assert_str_eq(not, "SEND ls\\n\n");
	free(not);
}

Test(console, sends_decode_escapes)
{
	console_step steps[] = { { 0, "go" }, { 1, "a\\n\\x41\\x7e\\t\\\\\\r" } };
	console_spec spec = { .steps = steps, .n_steps = N(steps) };
	char *out = rec_str(&spec, "go\n");
	cr_assert_str_eq(out, "SEND a\\nA~\\x09\\\\x0d\nPASS go|go\n");
	free(out);
}

Test(console, a_script_of_expects_only_wants_no_input)
{
	console_step steps[] = { { 0, "a" }, { 0, "b" } };
	console_spec spec = { .steps = steps, .n_steps = N(steps) };
	console *c = rec_console(&spec);
	cr_assert_not(console_wants_input(c));
	console_free(c);
	console_spec none = { 0 };
	c = rec_console(&none);
	cr_assert_not(console_wants_input(c));
	console_free(c);
	char *out = rec_str(&spec, "b\na\nb\nb\n");
	cr_assert_str_eq(out, "PASS b|b\n", "steps are in order; the pass is once");
	free(out);
}

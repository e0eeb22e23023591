/* Tests for src/console/console_presets.c: the table, and each rule
 * against real console lines and near misses. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "console_rec.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(console_presets, names_and_descriptions_agree)
{
	const console_rule *rules;
	size_t n, count = 0;

	for (const char *const *p = console_preset_names(); *p; p++, count++) {
		cr_assert_eq(console_describe_preset(&rules, &n, *p), 0, "%s", *p);
		cr_assert_gt(n, 0);
		for (size_t i = 0; i < n; i++)
			cr_assert(rules[i].name && rules[i].regex && rules[i].why);
	}
	cr_assert_eq(count, 3);
	cr_assert_eq(console_describe_preset(&rules, &n, "windows"), CONSOLE_EINVAL);
	cr_assert_null(rules);
}

typedef struct line_case {
	const char *preset, *line;
	const char *want;  /* "FAIL linux:panic", or NULL: no event */
} line_case;

static const line_case lines[] = {
	{ "linux", "[    2.1] Kernel panic - not syncing: VFS: Unable to mount root fs", "FAIL linux:panic" },
	{ "linux", "[    3.0] kernel BUG at mm/slub.c:3142!", "FAIL linux:bug" },
	{ "linux", "BUG: KASAN: slab-out-of-bounds in foo+0x1c/0x40", "FAIL linux:bug" },
	{ "linux", "BUG: kernel NULL pointer dereference, address: 0000000000000000", "FAIL linux:bug" },
	{ "linux", "DEBUG: value 3", NULL },
	{ "linux", "Oops: 0002 [#1] PREEMPT SMP NOPTI", "FAIL linux:oops" },
	{ "linux", "Internal error: Oops: 0000000096000005 [#1] SMP", "FAIL linux:oops" },
	{ "linux", "Oops, typo in the banner", NULL },
	{ "linux", "Unable to handle kernel NULL pointer dereference at virtual address 0", "FAIL linux:unable-to-handle" },
	{ "linux", "[    1.0] WARNING: CPU: 0 PID: 1 at kernel/foo.c:12 foo_init+0x10/0x20", "FAIL linux:warning" },
	{ "linux", "CPU: 0 PID: 1 Comm: swapper/0 Tainted: G        W          6.1.0 #1", NULL },
	{ "linux", "WARNING: possible circular locking dependency detected", NULL },
	{ "u-boot", "data abort", "FAIL u-boot:arm-abort" },
	{ "u-boot", "undefined instruction", "FAIL u-boot:arm-abort" },
	{ "u-boot", "\"Synchronous Abort\" handler, esr 0x96000004", "FAIL u-boot:arm64-abort" },
	{ "u-boot", "resetting ...", "FAIL u-boot:resetting" },
	{ "u-boot", "Resetting CPU ...", "FAIL u-boot:resetting" },
	{ "u-boot", "### ERROR ### Please RESET the board ###", "FAIL u-boot:hang" },
	{ "u-boot", "Hit any key to stop autoboot:  0", NULL },
	{ "zephyr", ">>> ZEPHYR FATAL ERROR 0: CPU exception on CPU 0", "FAIL zephyr:fatal" },
	{ "zephyr", "ASSERTION FAIL [x == 1] @ main.c:10", "FAIL zephyr:assert" },
	{ "zephyr", "    Assertion failed at main.c:20: test_x: (a == b)", "FAIL zephyr:ztest-assert" },
	{ "zephyr", "PROJECT EXECUTION FAILED", "FAIL zephyr:ztest-failed" },
	{ "zephyr", "PROJECT EXECUTION SUCCESSFUL", "PASS zephyr:ztest-ok" },
	{ "zephyr", "*** Booting Zephyr OS build v3.5.0 ***", NULL },
};

Test(console_presets, rules_match_real_lines_and_not_near_misses)
{
	for (size_t i = 0; i < N(lines); i++) {
		console_spec spec = { .preset = lines[i].preset,
				      .results = CONSOLE_RESULTS_NONE };
		char in[256], want[512];
		snprintf(in, sizeof(in), "%s\n", lines[i].line);
		char *out = rec_str(&spec, in);
		if (lines[i].want)
			snprintf(want, sizeof(want), "%s|%s\n", lines[i].want,
				 lines[i].line);
		else
			want[0] = '\0';
		cr_expect_str_eq(out, want, "%s", lines[i].line);
		free(out);
	}
}

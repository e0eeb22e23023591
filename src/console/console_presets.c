/* The preset table of --console-preset: per guest kind, the lines that
 * mean a verdict, as data (docs/CONSOLE.md lists them from here). Rules
 * match the console line after its kernel timestamp is stripped. */
#include "console.h"

#include <string.h>

#define N_RULES(a) (sizeof(a) / sizeof((a)[0]))

/* Linux: the headers the kernel prints when it dies or splats. Each is the
 * first line of its report, so the verdict quotes the line that says why.
 * The linux preset has no pass rule: a Linux run passes through its KTAP
 * results or an explicit --console-pass. */
static const console_rule linux_rules[] = {
	{ "panic", "Kernel panic - not syncing", CONSOLE_RULE_FAIL,
	  "panic(): the kernel stops" },
	{ "bug", "\\bBUG: |kernel BUG at ", CONSOLE_RULE_FAIL,
	  "BUG()/BUG_ON() (\"kernel BUG at f.c:N!\") and the BUG: reports of "
	  "KASAN, KFENCE, lockups, sleeping in atomic context, bad page state" },
	{ "oops", "\\bOops\\b.*\\[#\\d+\\]", CONSOLE_RULE_FAIL,
	  "an oops header, which always carries the die counter \"[#N]\" "
	  "(x86 \"Oops: 0002 [#1]\", arm/arm64 \"Internal error: Oops: ... [#1]\")" },
	{ "unable-to-handle", "Unable to handle kernel ", CONSOLE_RULE_FAIL,
	  "arm/arm64/riscv faults in the kernel (NULL pointer, paging request)" },
	{ "warning", "^\\s*WARNING: CPU: \\d+ PID: \\d+ at ", CONSOLE_RULE_FAIL,
	  "the header of a WARN()/WARN_ON() splat: the event that taints the "
	  "kernel with W; the \"Tainted:\" line after it is not matched again, "
	  "and other WARNING: lines (lockdep, RCU) are not matched" },
};

/* U-Boot: exception handlers and the paths that reset or hang the board.
 * Not included: "## Error", which U-Boot prints for environment and boot
 * script problems a test may provoke on purpose. */
static const console_rule uboot_rules[] = {
	{ "arm-abort", "^(?:data abort|prefetch abort|undefined instruction)\\b",
	  CONSOLE_RULE_FAIL, "32-bit ARM exception handlers" },
	{ "arm64-abort", "\"Synchronous Abort\" handler", CONSOLE_RULE_FAIL,
	  "the AArch64 synchronous exception handler" },
	{ "resetting", "^(?:resetting \\.\\.\\.|Resetting CPU \\.\\.\\.)",
	  CONSOLE_RULE_FAIL, "panic() and the exception handlers reset the "
	  "board (so does the reset command: a test that resets on purpose "
	  "should not use this preset)" },
	{ "hang", "### ERROR ### Please RESET the board ###", CONSOLE_RULE_FAIL,
	  "hang(): U-Boot stops" },
};

/* Zephyr: the fatal error handler, assertions, and ztest's final line,
 * which Twister reads for its own verdict. */
static const console_rule zephyr_rules[] = {
	{ "fatal", ">>> ZEPHYR FATAL ERROR ", CONSOLE_RULE_FAIL,
	  "z_fatal_error(): a CPU exception, stack overflow, k_panic/k_oops" },
	{ "assert", "ASSERTION FAIL \\[", CONSOLE_RULE_FAIL,
	  "__ASSERT() with CONFIG_ASSERT" },
	{ "ztest-assert", "\\bAssertion failed at ", CONSOLE_RULE_FAIL,
	  "a failed zassert in a ztest case" },
	{ "ztest-failed", "PROJECT EXECUTION FAILED", CONSOLE_RULE_FAIL,
	  "ztest's final line when a test failed" },
	{ "ztest-ok", "PROJECT EXECUTION SUCCESSFUL", CONSOLE_RULE_PASS,
	  "ztest's final line when every test passed" },
};

static const struct {
	const char *name;
	const console_rule *rules;
	size_t n;
} presets[] = {
	{ "linux", linux_rules, N_RULES(linux_rules) },
	{ "u-boot", uboot_rules, N_RULES(uboot_rules) },
	{ "zephyr", zephyr_rules, N_RULES(zephyr_rules) },
};

static const char *const preset_names[] = { "linux", "u-boot", "zephyr", NULL };

_Static_assert(N_RULES(preset_names) == N_RULES(presets) + 1,
	       "preset_names lists every preset");

const char *const *console_preset_names(void)
{
	return preset_names;
}

int console_describe_preset(const console_rule **rules, size_t *n,
			    const char *name)
{
	for (size_t i = 0; i < N_RULES(presets); i++) {
		if (strcmp(presets[i].name, name) != 0)
			continue;
		*rules = presets[i].rules;
		*n = presets[i].n;
		return 0;
	}
	*rules = NULL;
	*n = 0;
	return CONSOLE_EINVAL;
}

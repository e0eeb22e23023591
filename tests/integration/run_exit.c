/* Integration: `stubrun run` on every example guest of every architecture
 * (pass, fail, crash, hang): exit status, console output, verdict line,
 * post-mortem, and no QEMU left behind. Real QEMU. */
#include "run_common.h"

static void check_pass(const char *arch)
{
	char img[64], hello[64];
	harness_result res;

	snprintf(img, sizeof(img), "%s-pass.elf", arch);
	snprintf(hello, sizeof(hello), "hello from %s", arch);
	stubrun(&res, EXAMPLE(img), NULL);
	cr_expect_eq(res.status, 0, "%s: status %d\n%s", arch, res.status, res.err);
	expect_in(res.out, hello, "stdout");
	expect_in(res.err, "PASS: the guest called stubrun_exit(0)", "stderr");
	cr_expect(!strstr(res.err, "post-mortem"), "a passing run has a post-mortem");
	harness_result_free(&res);
}

static void check_fail(const char *arch)
{
	char img[64];
	harness_result res;

	snprintf(img, sizeof(img), "%s-fail.elf", arch);
	stubrun(&res, EXAMPLE(img), NULL);
	cr_expect_eq(res.status, 3, "%s: status %d\n%s", arch, res.status, res.err);
	expect_in(res.out, "check failed: answer = 41, expected 42", "stdout");
	expect_in(res.err, "FAIL: the guest called stubrun_exit(3) (status 3)", "stderr");
	expect_postmortem(&res);
	expect_in(res.err, "pc: 0x", "stderr");
	expect_in(res.err, "in stubrun_exit", "stderr (PC as a symbol)");
	/* DWARF: the arguments of the frames, the failing source line */
	expect_in(res.err, "args: status = 3", "stderr (stubrun_exit's argument)");
	expect_in(res.err, " \"answer\"", "stderr (check_value's what)");
	expect_in(res.err, ">   27 | \tstubrun_exit(FAIL_STATUS);", "stderr (the source line)");
	/* an exit-symbol stop: the backtrace goes on from the caller */
	expect_in(res.err, "#1 0x", "stderr");
	expect_in(res.err, "check_value", "stderr (the caller of stubrun_exit)");
	expect_in(res.err, "fail.c:", "stderr (file:line)");
	harness_result_free(&res);
}

static void check_crash(const char *arch)
{
	char img[64];
	harness_result res;
	int x86 = !strcmp(arch, "i386") || !strcmp(arch, "x86_64");

	snprintf(img, sizeof(img), "%s-crash.elf", arch);
	stubrun(&res, "--postmortem", "full", EXAMPLE(img), NULL);
	cr_expect_eq(res.status, 1, "%s: status %d\n%s", arch, res.status, res.err);
	expect_in(res.out, "crash variant on", "stdout");
	expect_in(res.err, "stack (sp = ", "stderr (full)");
	expect_postmortem(&res);
	/* x86 triple-faults; the others are caught at their fault handler
	 * (tests/integration/fault_catch.c has the details) */
	if (x86)
		expect_in(res.err, "triple fault", "stderr");
	else
		expect_in(res.err, "in plat_crash+0x", "stderr");
	expect_in(res.err, "QEMU info registers:", "stderr");
	harness_result_free(&res);
}

static void check_hang(const char *arch)
{
	char img[64];
	harness_result res;

	snprintf(img, sizeof(img), "%s-hang.elf", arch);
	stubrun(&res, "--timeout", "1", EXAMPLE(img), NULL);
	cr_expect_eq(res.status, 124, "%s: status %d\n%s", arch, res.status, res.err);
	expect_in(res.err, "TIMEOUT: timeout after 1 s", "stderr");
	expect_postmortem(&res);
	expect_in(res.err, "spin_forever", "stderr (where it hangs)");
	harness_result_free(&res);
}

#define ARCH_TESTS(a)                                              \
	Test(run_exit, a##_pass) { check_pass(#a); }               \
	Test(run_exit, a##_fail) { check_fail(#a); }               \
	Test(run_exit, a##_crash) { check_crash(#a); }             \
	Test(run_exit, a##_hang) { check_hang(#a); }

ARCH_TESTS(i386)
ARCH_TESTS(x86_64)
ARCH_TESTS(aarch64)
ARCH_TESTS(arm)
ARCH_TESTS(riscv64)
ARCH_TESTS(riscv32)

/* `stubrun IMAGE` is `stubrun run IMAGE`. */
Test(run_exit, image_without_run_word)
{
	harness_result res;
	const char *argv[] = { harness_stubrun(), EXAMPLE("riscv64-pass.elf"), NULL };

	cr_assert_eq(harness_run(&res, argv, RUN_LIMIT_S), 0);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.out, "hello from riscv64", "stdout");
	harness_result_free(&res);
}

/* Semihosting guests: stubrun services the traps itself; the status of
 * SYS_EXIT is the run's. */
Test(run_exit, semihosting_exit_statuses)
{
	static const char *const arches[] = { "aarch64", "arm", "riscv64", "riscv32" };
	static const int codes[] = { 0, 1, 3, 255 };

	for (size_t a = 0; a < 4; a++) {
		for (size_t c = 0; c < 4; c++) {
			char img[64];
			harness_result res;
			snprintf(img, sizeof(img), "%s-sh-exit-%d.elf", arches[a], codes[c]);
			stubrun(&res, EXAMPLE(img), NULL);
			cr_expect_eq(res.status, codes[c], "%s: %d\n%s", img, res.status,
				     res.err);
			expect_in(res.err, "semihosting", "stderr");
			harness_result_free(&res);
		}
	}
}

Test(run_exit, semihosting_console_and_guest_args)
{
	harness_result res;

	stubrun(&res, EXAMPLE("aarch64-sh-hello.elf"), "--", "alpha", "beta", NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.out, "hello from semihosting on aarch64", "stdout");
	expect_in(res.out, "=alpha\n", "stdout");
	expect_in(res.out, "=beta\n", "stdout");
	harness_result_free(&res);
}

/* --system before IMAGE: what follows the image is the guest's command
 * line, options included, as ctest and meson append a test's arguments. */
Test(run_exit, system_exec_wrapper_passes_the_rest_to_the_guest)
{
	harness_result res;

	stubrun(&res, "--system", EXAMPLE("arm-sh-hello.elf"), "--demo", "-q",
		NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.out, "=--demo\n", "stdout");
	expect_in(res.out, "=-q\n", "stdout");
	expect_in(res.err, "PASS: the guest exited through semihosting", "stderr");
	harness_result_free(&res);
}

/* The board comes from the image's build attributes: a Cortex-M4F image
 * boots on mps2-an386, newlib's stock A-profile image (aprofile-ve.specs:
 * Armv4T code at 0x80010000) on vexpress-a15, the A-profile board whose
 * RAM holds its entry (malloc and fopen work: HEAPINFO answered from that
 * board's RAM). On the default mps2-an385, a Cortex-M3 without an FPU,
 * which --machine still picks (it wins), the first faults in picolibc's
 * start-up code, the second locks up at once. */
Test(run_exit, the_board_comes_from_the_build_attributes)
{
	static const struct { const char *image, *out, *on_m3; } cases[] = {
		{ "arm-m4f-sh-hello.elf", "hello from semihosting on arm-m4f",
		  "FAIL: UsageFault: NOCP at 0x" },
		{ "arm-sh-rdimon-a15.elf", "rdimon stock: malloc and fopen ok",
		  "locked up" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char root[] = "/tmp/stubrun-board-XXXXXX", img[512];
		harness_result res;

		example(img, sizeof(img), cases[i].image);
		cr_assert_eq(harness_scratch_make(root), 0, "mkdtemp");
		stubrun(&res, "--semihosting-root", root, img, NULL);
		harness_scratch_remove(root); /* and the file rdimon wrote */
		cr_expect_eq(res.status, 0, "%s: %s", cases[i].image, res.err);
		expect_in(res.out, cases[i].out, cases[i].image);
		harness_result_free(&res);
		stubrun(&res, "--machine", "mps2-an385", img, NULL);
		cr_expect_eq(res.status, 1, "%s: %s", cases[i].image, res.err);
		expect_in(res.err, cases[i].on_m3, cases[i].image);
		harness_result_free(&res);
	}
}

/* With the exit symbol moved elsewhere (plat_crash is never called by
 * these variants), stubrun_exit's body ends the run through the machine's
 * exit device, which stubrun decodes: isa-debug-exit on x86, sifive_test
 * on RISC-V virt, semihosting SYS_EXIT on Arm. */
Test(run_exit, exit_devices_are_decoded)
{
	static const struct {
		const char *img;
		int status;
		const char *why;
	} cases[] = {
		{ "x86_64-fail.elf", 3, "isa-debug-exit code 3" },
		{ "i386-pass.elf", 0, "isa-debug-exit code 0" },
		{ "riscv64-pass.elf", 0, "sifive_test pass" },
		{ "riscv32-fail.elf", 3, "sifive_test fail, code 3" },
		{ "aarch64-fail.elf", 3, "through semihosting with status 3" },
		{ "arm-pass.elf", 0, "through semihosting with status 0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		harness_result res;
		stubrun(&res, "--exit-symbol", "plat_crash", EXAMPLE(cases[i].img), NULL);
		cr_expect_eq(res.status, cases[i].status, "%s: %d\n%s", cases[i].img,
			     res.status, res.err);
		expect_in(res.err, cases[i].why, "stderr");
		harness_result_free(&res);
	}
}

/* A guest that hits a breakpoint on every turn of its loop is halted
 * whenever stubrun looks at the clock: a timeout taken there needs no
 * interrupt (a halted guest answers none) and keeps the post-mortem. */
Test(run_exit, timeout_at_a_breakpoint_keeps_the_postmortem)
{
	harness_result res;

	stubrun(&res, "--timeout", "1", "--break", "spin_forever+4",
		EXAMPLE("aarch64-hang.elf"), NULL);
	cr_expect_eq(res.status, 124, "status %d:\n%s", res.status, res.err);
	expect_postmortem(&res);
	expect_in(res.err, "stubrun: TIMEOUT: timeout after 1 s (status 124)",
		  "stderr");
	cr_expect_null(strstr(res.err, "did not stop"), "%s", res.err);
	harness_result_free(&res);
}

/* Integration: stubrun as the emulator of bare-metal cross builds. The
 * example projects examples/cmake-cross (ctest,
 * CMAKE_CROSSCOMPILING_EMULATOR) and examples/meson-cross (meson test,
 * exe_wrapper) are configured with their bare-metal toolchain and cross
 * files, built and tested in a scratch directory for each board:
 * Cortex-M3 on mps2-an385, RV64 and Cortex-A57 on virt, picolibc images
 * talking through semihosting, and (ctest only) Cortex-M4F images whose
 * board (mps2-an386) stubrun reads from their build attributes. Each tool
 * must see what each test did: the passing tests pass and the skip is a
 * skip (together a passing run), the failing check and the hang are
 * failures, and their logs hold stubrun's post-mortems and verdicts. */
#include "eco_common.h"

/* What the logs of the two failing demos say whatever the tool: the
 * failed check, abort()'s status through semihosting with the test
 * function in the backtrace; the hang's timeout, its post-mortem at the
 * spinning function. */
static void expect_demo_failures(const char *log)
{
	expect_in(log, "test_crc32.c:13: checksum_crc32(\"123456789\", 9) = "
		  "0xcbf43926, expected 0xcbf43927");
	expect_in(log, "=== stubrun post-mortem: the guest exited through "
		  "semihosting with status 134 ===");
	expect_in(log, "check_wrong_on_purpose+");
	expect_in(log, "stubrun: FAIL: the guest exited through semihosting "
		  "with status 134 (status 134)");
	expect_in(log, "demo_hang: waiting for a device that never answers");
	expect_in(log, "=== stubrun post-mortem: timeout after 1 s ===");
	expect_in(log, " wait_for_ready+");
	expect_in(log, "stubrun: TIMEOUT: timeout after 1 s (status 124)");
	expect_no_qemu();
}

/* ctest: configure with the board's toolchain file, build, run the
 * passing tests and the skip (ctest passes), then the two failures. */
static void cmake_bare(const char *toolchain_name)
{
	char build[PATH_MAX];
	harness_result res;

	eco_cmake_build(build, toolchain_name, (const char *[]){
		"-DDEMO_FAILURE=ON", "-DDEMO_STATUSES=ON", NULL });

	const char *pass[] = { "ctest", "--test-dir", build, "-E",
			       "demo_failure|hang_demo", NULL };
	/* The numbers in ctest's lists depend on the selection. */
	step_expect(pass, 0, (const char *[]){
		"100% tests passed, 0 tests failed out of 3",
		"The following tests did not run:\n", " - skip_demo (Skipped)\n",
		NULL });

	const char *fail[] = { "ctest", "--test-dir", build, "-R",
			       "demo_failure|hang_demo", "--output-on-failure",
			       NULL };
	step(&res, fail, -1);
	expect_in(res.out, "0% tests passed, 2 tests failed out of 2");
	expect_in(res.out, "The following tests FAILED:\n");
	expect_in(res.out, " - crc32_demo_failure (Failed)\n");
	expect_in(res.out, " - hang_demo (Failed)\n");
	expect_demo_failures(res.out);
	harness_result_free(&res);
}

/* meson: set up with the board's cross file (its compiler check runs
 * through the exe_wrapper), build, run the passing tests and the skip,
 * then the two failures. */
static void meson_bare(const char *cross_name)
{
	char build[PATH_MAX];
	harness_result res;

	eco_meson_build(build, cross_name, (const char *[]){
		"-Ddemo_failure=true", "-Ddemo_statuses=true", NULL });

	const char *pass[] = { "meson", "test", "-C", build, "crc32", "adler32",
			       "skip_demo", NULL };
	step_expect(pass, 0, (const char *[]){ "Ok:                 2",
		"Skipped:            1", "Fail:               0", NULL });

	const char *fail[] = { "meson", "test", "-C", build, "--print-errorlogs",
			       "crc32_demo_failure", "hang_demo", NULL };
	step(&res, fail, -1);
	expect_in(res.out, "Ok:                 0");
	expect_in(res.out, "Fail:               2");
	expect_in(res.out, "exit status 124");
	expect_demo_failures(res.out);
	harness_result_free(&res);
}

ECO_TEST(bare_ecosystem, cmake, arm, cmake_bare("arm-none-eabi"))
ECO_TEST(bare_ecosystem, cmake, riscv64, cmake_bare("riscv64-unknown-elf"))
ECO_TEST(bare_ecosystem, cmake, aarch64, cmake_bare("aarch64-none-elf"))
/* No board in the toolchain file: stubrun picks it from the images. */
ECO_TEST(bare_ecosystem, cmake, arm_m4f, cmake_bare("arm-none-eabi-m4f"))
ECO_TEST(bare_ecosystem, meson, arm, meson_bare("arm-none-eabi"))
ECO_TEST(bare_ecosystem, meson, riscv64, meson_bare("riscv64-unknown-elf"))
ECO_TEST(bare_ecosystem, meson, aarch64, meson_bare("aarch64-none-elf"))

/* Integration: stubrun as the emulator of cross builds. The example
 * projects examples/cmake-cross (ctest, CMAKE_CROSSCOMPILING_EMULATOR) and
 * examples/meson-cross (meson test, exe_wrapper) are configured, built and
 * tested for aarch64, arm and riscv64 in a scratch directory, once per
 * architecture and tool: the passing tests pass, the demo failure fails,
 * and its log holds stubrun's post-mortem and verdict. examples/cargo-cross
 * is tested on the host target only (x86_64 under qemu-x86_64, the same
 * runner line): no Rust standard library of another target is installed. */
#include "eco_common.h"

/* What the demo failure's log says whatever the tool: the program's own
 * message, stubrun's post-mortem and verdict, and on aarch64 (the one
 * C library whose unwind tables take the backtrace from raise() up to
 * main) the test function in the backtrace. */
static void expect_demo_failure(const char *log, const char *arch)
{
	expect_in(log, "test_crc32.c:13: checksum_crc32(\"123456789\", 9) = "
		  "0xcbf43926, expected 0xcbf43927");
	expect_in(log, "=== stubrun post-mortem: the program got SIGABRT");
	expect_in(log, "backtrace:\n  #0 0x");
	if (!strcmp(arch, "aarch64"))
		expect_in(log, "check_wrong_on_purpose+");
	expect_in(log, "stubrun: FAIL: the program got SIGABRT at 0x");
	expect_no_qemu();
}

/* ctest: configure with the architecture's toolchain file, build, run
 * the passing tests, then the demo failure alone. */
static void cmake_cross(const char *arch, const char *triple)
{
	char build[PATH_MAX];
	harness_result res;

	eco_cmake_build(build, triple, (const char *[]){ "-DDEMO_FAILURE=ON", NULL });

	const char *pass[] = { "ctest", "--test-dir", build, "-E", "demo_failure",
			       NULL };
	step_expect(pass, 0, (const char *[]){
		"100% tests passed, 0 tests failed out of 2", NULL });

	const char *fail[] = { "ctest", "--test-dir", build, "-R", "demo_failure",
			       "--output-on-failure", NULL };
	step(&res, fail, -1);
	expect_in(res.out, "The following tests FAILED:\n"
		  "\t  3 - crc32_demo_failure (Failed)");
	expect_demo_failure(res.out, arch);
	harness_result_free(&res);
}

/* meson: set up with the architecture's cross file, build, run the
 * passing tests by name, then the demo failure alone. */
static void meson_cross(const char *arch, const char *triple)
{
	char build[PATH_MAX];
	harness_result res;

	eco_meson_build(build, triple, (const char *[]){ "-Ddemo_failure=true", NULL });

	const char *pass[] = { "meson", "test", "-C", build, "crc32", "adler32",
			       NULL };
	step_expect(pass, 0, (const char *[]){ "Ok:                 2", NULL });

	const char *fail[] = { "meson", "test", "-C", build, "--print-errorlogs",
			       "crc32_demo_failure", NULL };
	step(&res, fail, -1);
	expect_in(res.out, "Fail:               1");
	expect_demo_failure(res.out, arch);
	harness_result_free(&res);
}

/* cargo: the crate copied to the scratch directory (cargo writes
 * Cargo.lock beside Cargo.toml), the host's runner set to stubrun through
 * cargo's environment form of .cargo/config.toml's `runner`. */
static void cargo_host(void)
{
	char src[PATH_MAX], stubrun[PATH_MAX], runner[LONG_PATH];
	char crate[PATH_MAX], target[PATH_MAX], manifest[PATH_MAX];
	harness_result res;

	if (!have_program("cargo"))
		cr_skip_test("cargo is not installed");
	snprintf(src, sizeof(src), "%s/examples/cargo-cross", srcdir());
	snprintf(crate, sizeof(crate), "%s/crate", scratch);
	snprintf(manifest, sizeof(manifest), "%s/crate/Cargo.toml", scratch);
	snprintf(target, sizeof(target), "%s/target", scratch);
	snprintf(runner, sizeof(runner), "%s run -q --user",
		 stubrun_path(stubrun));
	cr_assert_eq(setenv("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER",
			    runner, 1), 0);
	cr_assert_eq(setenv("CARGO_TARGET_DIR", target, 1), 0);
	const char *copy[] = { "cp", "-r", src, crate, NULL };
	step_quiet(copy);

	const char *pass[] = { "cargo", "test", "--offline", "--manifest-path",
			       manifest, NULL };
	step(&res, pass, 0);
	expect_in(res.out, "test tests::check_values ... ok");
	harness_result_free(&res);

	const char *fail[] = { "cargo", "test", "--offline", "--manifest-path",
			       manifest, "--features", "demo-failure", NULL };
	step(&res, fail, 101);
	expect_in(res.out, "test tests::wrong_on_purpose ... FAILED");
	expect_in(res.err, "stubrun: FAIL: the program exited with status 101");
	harness_result_free(&res);
}

ECO_TEST(user_ecosystem, cargo, x86_64, cargo_host())
ECO_TEST(user_ecosystem, cmake, aarch64, cmake_cross("aarch64", "aarch64-linux-gnu"))
ECO_TEST(user_ecosystem, cmake, arm, cmake_cross("arm", "arm-linux-gnueabihf"))
ECO_TEST(user_ecosystem, cmake, riscv64, cmake_cross("riscv64", "riscv64-linux-gnu"))
ECO_TEST(user_ecosystem, meson, aarch64, meson_cross("aarch64", "aarch64-linux-gnu"))
ECO_TEST(user_ecosystem, meson, arm, meson_cross("arm", "arm-linux-gnueabihf"))
ECO_TEST(user_ecosystem, meson, riscv64, meson_cross("riscv64", "riscv64-linux-gnu"))

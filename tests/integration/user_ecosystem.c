/* Integration: stubrun as the emulator of cross builds. The example
 * projects examples/cmake-cross (ctest, CMAKE_CROSSCOMPILING_EMULATOR) and
 * examples/meson-cross (meson test, exe_wrapper) are configured, built and
 * tested for aarch64, arm and riscv64 in a scratch directory, once per
 * architecture and tool: the passing tests pass, the demo failure fails,
 * and its log holds stubrun's post-mortem and verdict. examples/cargo-cross
 * is tested on the host target only (x86_64 under qemu-x86_64, the same
 * runner line): no Rust standard library of another target is installed. */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Why 120 s: a configure, a build or a test run takes a few seconds;
 * the cap only stops a hung one on a loaded machine. */
#define STEP_LIMIT_S 120
/* A path built from the source directory's and a suffix. */
#define LONG_PATH (2 * PATH_MAX)

static char scratch[] = "/tmp/stubrun-eco-XXXXXX";

static void scratch_make(void)
{
	cr_assert_not_null(mkdtemp(scratch), "mkdtemp");
}

static void scratch_remove(void)
{
	const char *argv[] = { "rm", "-rf", scratch, NULL };
	harness_result res;

	if (strstr(scratch, "XXXXXX"))
		return;
	harness_run(&res, argv, 30);
	harness_result_free(&res);
}

/* Whether `name` is a command the shell finds in PATH. */
static int have_program(const char *name)
{
	const char *argv[] = { "sh", "-c", "command -v \"$0\" >/dev/null", name,
			       NULL };
	harness_result res;
	int found;

	found = harness_run(&res, argv, 30) == 0 && res.status == 0;
	harness_result_free(&res);
	return found;
}

static const char *srcdir(void)
{
	const char *src = getenv("STUBRUN_SRCDIR");

	cr_assert_not_null(src, "STUBRUN_SRCDIR is not set (run through make)");
	return src;
}

/* The absolute path of stubrun. */
static const char *stubrun_path(char *buf)
{
	cr_assert_not_null(realpath(harness_stubrun(), buf),
			   "no stubrun at %s", harness_stubrun());
	return buf;
}

/* Runs one step of a build; fails the test unless it ends with `want`
 * (-1: any status but 0). The result is the caller's to free. */
static void step(harness_result *res, const char *const argv[], int want)
{
	cr_assert_eq(harness_run(res, argv, STEP_LIMIT_S), 0, "cannot run %s",
		     argv[0]);
	cr_assert_eq(res->timed_out, 0, "%s outlived %d s", argv[0],
		     STEP_LIMIT_S);
	if (want < 0)
		cr_assert_neq(res->status, 0, "%s %s passed:\n%s%s", argv[0],
			      argv[1], res->out, res->err);
	else
		cr_assert_eq(res->status, want, "%s %s: status %d\n%s%s",
			     argv[0], argv[1], res->status, res->out, res->err);
}

static void step_quiet(const char *const argv[])
{
	harness_result res;

	step(&res, argv, 0);
	harness_result_free(&res);
}

static void expect_in(const char *hay, const char *needle)
{
	cr_expect(strstr(hay, needle) != NULL, "the log lacks '%s':\n%s",
		  needle, hay);
}

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
	cr_expect_eq(harness_count_processes(scratch), 0,
		     "a qemu-user outlived stubrun");
}

/* ctest: configure with the architecture's toolchain file, build, run
 * the passing tests, then the demo failure alone. */
static void cmake_cross(const char *arch, const char *triple)
{
	char src[PATH_MAX], toolchain[LONG_PATH], bin[LONG_PATH];
	char stubrun[PATH_MAX], build[PATH_MAX];
	harness_result res;

	if (!have_program("cmake") || !have_program("ctest"))
		cr_skip_test("cmake is not installed");
	snprintf(src, sizeof(src), "%s/examples/cmake-cross", srcdir());
	snprintf(toolchain, sizeof(toolchain),
		 "-DCMAKE_TOOLCHAIN_FILE=%s/toolchains/%s.cmake", src, triple);
	snprintf(bin, sizeof(bin), "-DSTUBRUN=%s", stubrun_path(stubrun));
	snprintf(build, sizeof(build), "%s/build", scratch);

	const char *configure[] = { "cmake", "-S", src, "-B", build, toolchain,
				    bin, "-DDEMO_FAILURE=ON", NULL };
	step_quiet(configure);
	const char *make[] = { "cmake", "--build", build, NULL };
	step_quiet(make);

	const char *pass[] = { "ctest", "--test-dir", build, "-E", "demo_failure",
			       NULL };
	step(&res, pass, 0);
	expect_in(res.out, "100% tests passed, 0 tests failed out of 2");
	harness_result_free(&res);

	const char *fail[] = { "ctest", "--test-dir", build, "-R", "demo_failure",
			       "--output-on-failure", NULL };
	step(&res, fail, -1);
	expect_in(res.out, "The following tests FAILED:\n"
		  "\t  3 - crc32_demo_failure (Failed)");
	expect_demo_failure(res.out, arch);
	harness_result_free(&res);
}

/* Puts the directory of $STUBRUN first in PATH: the cross files name
 * plain `stubrun`, as an installed one is called. */
static void path_to_stubrun(void)
{
	char stubrun[PATH_MAX], path[LONG_PATH];

	stubrun_path(stubrun);
	*strrchr(stubrun, '/') = '\0';
	snprintf(path, sizeof(path), "%s:%s", stubrun, getenv("PATH"));
	cr_assert_eq(setenv("PATH", path, 1), 0);
}

/* meson: set up with the architecture's cross file, build, run the
 * passing tests by name, then the demo failure alone. */
static void meson_cross(const char *arch, const char *triple)
{
	char src[PATH_MAX], cross[LONG_PATH], build[PATH_MAX];
	harness_result res;

	if (!have_program("meson") || !have_program("ninja"))
		cr_skip_test("meson or ninja is not installed");
	path_to_stubrun();
	snprintf(src, sizeof(src), "%s/examples/meson-cross", srcdir());
	snprintf(cross, sizeof(cross), "%s/cross/%s.ini", src, triple);
	snprintf(build, sizeof(build), "%s/build", scratch);

	const char *setup[] = { "meson", "setup", build, src, "--cross-file",
				cross, "-Ddemo_failure=true", NULL };
	step_quiet(setup);
	const char *make[] = { "meson", "compile", "-C", build, NULL };
	step_quiet(make);

	const char *pass[] = { "meson", "test", "-C", build, "crc32", "adler32",
			       NULL };
	step(&res, pass, 0);
	expect_in(res.out, "Ok:                 2");
	harness_result_free(&res);

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

Test(user_ecosystem, cargo_x86_64, .init = scratch_make,
     .fini = scratch_remove, .timeout = 4 * STEP_LIMIT_S)
{
	cargo_host();
}

#define ECO_TEST(tool, arch, triple)                                        \
	Test(user_ecosystem, tool##_##arch, .init = scratch_make,           \
	     .fini = scratch_remove, .timeout = 4 * STEP_LIMIT_S)           \
	{                                                                   \
		tool##_cross(#arch, triple);                                \
	}

ECO_TEST(cmake, aarch64, "aarch64-linux-gnu")
ECO_TEST(cmake, arm, "arm-linux-gnueabihf")
ECO_TEST(cmake, riscv64, "riscv64-linux-gnu")
ECO_TEST(meson, aarch64, "aarch64-linux-gnu")
ECO_TEST(meson, arm, "arm-linux-gnueabihf")
ECO_TEST(meson, riscv64, "riscv64-linux-gnu")

/* Integration: a GRUB rescue ISO (examples/Makefile: grub-mkrescue around
 * the i386 multiboot kernels) booted with --cdrom, its symbols from
 * --symbols: the exit-symbol breakpoint gives the verdict, through GRUB. */
#include "boot_common.h"

/* The ISO of `variant`, or the test is skipped (grub-pc-bin, xorriso or
 * mtools missing when the examples were built). */
static const char *iso(char *buf, size_t len, const char *variant)
{
	char name[64];
	struct stat st;

	snprintf(name, sizeof(name), "i386-%s.iso", variant);
	harness_example(buf, len, name);
	if (stat(buf, &st) != 0)
		cr_skip_test("%s not built (needs grub-pc-bin, xorriso, mtools; "
			     "make deps examples)", buf);
	return buf;
}

#define ISO(v) iso((char[512]){ 0 }, 512, (v))

Test(boot_grub, iso_with_symbols_passes_through_the_exit_symbol)
{
	boot_dir d;
	harness_result res;

	boot_dir_make(&d);
	boot_stubrun(&res, "--cdrom", ISO("pass"), "--symbols",
		     EXAMPLE("i386-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "hello from i386", "stdout");
	expect_in(res.err, "PASS: the guest called stubrun_exit(0)", "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

Test(boot_grub, iso_failure_has_a_postmortem_with_file_and_line)
{
	boot_dir d;
	harness_result res;

	boot_dir_make(&d);
	boot_stubrun(&res, "--cdrom", ISO("fail"), "--symbols",
		     EXAMPLE("i386-fail.elf"), NULL);
	cr_expect_eq(res.status, 3, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "check failed: answer = 41, expected 42", "stdout");
	expect_in(res.err, "FAIL: the guest called stubrun_exit(3) (status 3)",
		  "stderr");
	expect_postmortem(&res);
	expect_in(res.err, "in stubrun_exit", "stderr (PC as a symbol)");
	expect_in(res.err, "check_value", "stderr (the caller)");
	expect_in(res.err, "fail.c:", "stderr (file:line)");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* The same kernel with its symbols from a System.map (`nm -n`): the exit
 * breakpoint still works; names without file:line. A System.map does not
 * say the architecture: --arch does. */
Test(boot_grub, iso_with_a_system_map_finds_the_exit_symbol)
{
	boot_dir d;
	char map[256];
	harness_result res;
	const char *elf = EXAMPLE("i386-fail.elf");
	const char *nm[] = { "nm", "-n", elf, NULL };

	boot_dir_make(&d);
	cr_assert_eq(harness_run(&res, nm, 30), 0);
	cr_assert_eq(res.status, 0, "nm: %s", res.err);
	boot_write(boot_path(map, sizeof(map), &d, "System.map"), res.out);
	harness_result_free(&res);
	boot_stubrun(&res, "--cdrom", ISO("fail"), "--symbols", map, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, "--cdrom", "cannot tell the architecture",
			"--arch (a System.map does not say)", NULL);
	harness_result_free(&res);
	boot_stubrun(&res, "--arch", "i386", "--cdrom", ISO("fail"), "--symbols",
		     map, NULL);
	cr_expect_eq(res.status, 3, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the guest called stubrun_exit(3)", "stderr");
	expect_in(res.err, "in stubrun_exit", "stderr (PC as a symbol)");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

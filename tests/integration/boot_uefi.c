/* Integration: a freestanding UEFI application (examples/uefi/app.c)
 * under OVMF, booted from a FAT directory (--drive fat:DIR) with --uefi:
 * it prints through ConOut and ends through isa-debug-exit. No symbols:
 * the exit device alone gives the verdict. */
#include "boot_common.h"

#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"

/* An ESP in the test's directory holding `app` as EFI/BOOT/BOOTX64.EFI;
 * returns "fat:ESP" for --drive. */
static const char *esp(char *buf, size_t len, const boot_dir *d,
		       const char *app)
{
	char path[512], cmd[1200];
	struct stat st;

	harness_example(path, sizeof(path), app);
	if (stat(path, &st) != 0)
		cr_skip_test("%s not built (needs clang and lld; make deps "
			     "examples)", path);
	need_file(OVMF_CODE, "ovmf");
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/esp/EFI/BOOT' && cp '%s' "
		 "'%s/esp/EFI/BOOT/BOOTX64.EFI'", d->path, path, d->path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(buf, len, "fat:%s/esp", d->path);
	return buf;
}

static void check_app(const char *app, int status, const char *line)
{
	boot_dir d;
	char drive[256];
	harness_result res;

	boot_dir_make(&d);
	esp(drive, sizeof(drive), &d, app);
	boot_stubrun(&res, "--uefi", "--arch", "x86_64", "--drive", drive,
		     "--timeout", "120", NULL);
	cr_expect_eq(res.status, status, "status %d\n%s", res.status, res.err);
	expect_in(res.out, line, "stdout (ConOut on the serial port)");
	expect_in(res.err, status ? "FAIL: isa-debug-exit code 3 (status 3)" :
		  "PASS: isa-debug-exit code 0", "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);   /* the variable store copy is gone too */
}

Test(boot_uefi, app_passes_through_isa_debug_exit)
{
	check_app("uefi-pass.efi", 0, "stubrun-uefi: pass");
}

Test(boot_uefi, app_fails_with_its_status)
{
	check_app("uefi-fail.efi", 3, "stubrun-uefi: fail");
}

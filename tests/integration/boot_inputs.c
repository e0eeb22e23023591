/* Integration: bad boot inputs (--kernel, --initrd, --cdrom, --drive,
 * --symbols, --uefi) are one line naming the file and the problem, status
 * 125, before QEMU runs anything. */
#include "boot_common.h"

Test(boot_inputs, missing_files_are_one_line_each)
{
	static const char *const opts[] = { "--kernel", "--initrd", "--cdrom",
					    "--drive", "--dtb", "--bios" };
	char kernel[256];
	harness_result res;

	debian_kernel(kernel, sizeof(kernel));
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *missing = "/nonexistent/stubrun-boot-file";
		if (i == 0)
			stubrun(&res, opts[i], missing, NULL);
		else
			stubrun(&res, "--kernel", kernel, opts[i], missing,
				NULL);
		cr_expect_eq(res.status, 125, "%s: status %d\n%s", opts[i],
			     res.status, res.err);
		expect_one_line(&res, opts[i], missing, "No such file or directory",
				NULL);
		harness_result_free(&res);
	}
}

Test(boot_inputs, a_cdrom_that_is_not_an_iso_is_refused)
{
	boot_dir d;
	char fake[256];
	harness_result res;

	boot_dir_make(&d);
	boot_path(fake, sizeof(fake), &d, "fake.iso");
	boot_write(fake, "not an ISO 9660 image at all\n");
	stubrun(&res, "--cdrom", fake, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, fake, "not an ISO 9660 image (no CD001 at byte 32769)",
			NULL);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

Test(boot_inputs, symbols_of_another_architecture_are_refused)
{
	char kernel[256];
	harness_result res;
	const char *sym = EXAMPLE("aarch64-pass.elf");

	debian_kernel(kernel, sizeof(kernel));
	stubrun(&res, "--kernel", kernel, "--symbols", sym, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, sym, "an ELF for aarch64, not for x86_64", NULL);
	harness_result_free(&res);
}

Test(boot_inputs, symbols_neither_elf_nor_system_map_are_refused)
{
	boot_dir d;
	char bad[256], kernel[256];
	harness_result res;

	debian_kernel(kernel, sizeof(kernel));
	boot_dir_make(&d);
	boot_path(bad, sizeof(bad), &d, "System.map");
	boot_write(bad, "ffffffff81000000 T _stext\nthis is no symbol line\n");
	stubrun(&res, "--kernel", kernel, "--symbols", bad, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, bad, "nor a System.map", "line 2", NULL);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

Test(boot_inputs, a_kernel_of_unknown_format_needs_arch)
{
	boot_dir d;
	char blob[256];
	harness_result res;

	boot_dir_make(&d);
	boot_path(blob, sizeof(blob), &d, "kernel.bin");
	boot_write(blob, "\x01\x02 no header stubrun knows\n");
	stubrun(&res, "--kernel", blob, NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, blob, "cannot tell the architecture", "--arch", NULL);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

Test(boot_inputs, missing_uefi_firmware_names_the_package)
{
	boot_dir d;
	char empty[256];
	harness_result res;

	boot_dir_make(&d);
	boot_path(empty, sizeof(empty), &d, "firmware");
	cr_assert_eq(mkdir(empty, 0700), 0);
	setenv("STUBRUN_FIRMWARE_DIR", empty, 1);
	stubrun(&res, "--uefi", "--arch", "x86_64", NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, "--uefi", empty, "OVMF_CODE_4M.fd", "ovmf", NULL);
	harness_result_free(&res);
	stubrun(&res, "--uefi", "--arch", "aarch64", NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, "AAVMF_CODE.fd", "qemu-efi-aarch64", NULL);
	harness_result_free(&res);
	unsetenv("STUBRUN_FIRMWARE_DIR");
	boot_dir_remove(&d);
}

Test(boot_inputs, image_and_kernel_together_are_refused)
{
	char kernel[256];
	harness_result res;

	debian_kernel(kernel, sizeof(kernel));
	stubrun(&res, "--kernel", kernel, EXAMPLE("x86_64-pass.elf"), NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_one_line(&res, "--kernel", "IMAGE", NULL);
	harness_result_free(&res);
}

/* Integration: Debian's Linux kernel (/boot/vmlinuz-*-amd64) with an
 * initramfs built at test time by tests/boot/mkinitramfs.sh around
 * busybox-static. No symbols (Debian's /boot/System.map is a placeholder):
 * the run ends by power-off or timeout; the post-mortem has raw addresses.
 * Measured here: the kernel reaches /init in about 2.4 s of guest time;
 * under TCG the bzImage takes 7.5 s of wall time, 4.5 of them
 * decompressing itself, and its vmlinux 3 s. */
#include "boot_common.h"

/* Why 512M: Debian's kernel with an initramfs wants well over QEMU's
 * default 128 MiB. quiet: the serial console carries only what matters. */
#define LINUX_MEMORY "512M"
#define LINUX_APPEND "console=ttyS0 panic=-1 quiet"

/* A power-off with nothing said is a failure, never a pass; the
 * architecture comes from the bzImage header (no --arch). */
Test(boot_linux, bzimage_boots_without_arch_and_poweroff_is_a_failure)
{
	boot_dir d;
	char kernel[256], initrd[256];
	harness_result res;

	debian_kernel(kernel, sizeof(kernel));
	boot_dir_make(&d);
	boot_path(initrd, sizeof(initrd), &d, "initrd.cpio.gz");
	build_initramfs(&d, initrd, "echo \"stubrun-init: up $(uname -m)\"\n"
			"poweroff -f\n");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     LINUX_MEMORY, "--append", LINUX_APPEND, "--timeout", "120",
		     NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "stubrun-init: up x86_64", "stdout (the init ran)");
	expect_in(res.err, "FAIL: the guest reset or shut down without an exit "
		  "status", "stderr");
	expect_in(res.err, "=== stubrun post-mortem:", "stderr");
	expect_in(res.err, "pc: 0x", "stderr");
	cr_expect(!strstr(res.err, "pc: 0x0 "), "no PC:\n%s", res.err);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* An init that never ends: 124 after --timeout, with a post-mortem of
 * where the kernel idles (raw addresses: no symbols). Booted from the
 * vmlinux: what it tests is not the bzImage path. */
Test(boot_linux, hanging_init_times_out_with_a_postmortem)
{
	boot_dir d;
	char kernel[256], initrd[256];
	harness_result res;

	debian_vmlinux(kernel, sizeof(kernel));
	boot_dir_make(&d);
	boot_path(initrd, sizeof(initrd), &d, "initrd.cpio.gz");
	build_initramfs(&d, initrd, "echo stubrun-init: hanging\n"
			"while :; do sleep 1; done\n");
	/* Why 40 s: the init is reached in under 10 s here; the margin is
	 * for a loaded machine and the sanitized build. */
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     LINUX_MEMORY, "--append", LINUX_APPEND, "--timeout", "40",
		     NULL);
	cr_expect_eq(res.status, 124, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "stubrun-init: hanging", "stdout (the init ran)");
	expect_in(res.err, "TIMEOUT: timeout after 40 s", "stderr");
	expect_postmortem(&res);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* Integration: Debian's U-Boot for QEMU's arm64 virt board (package
 * u-boot-qemu) driven through its console by an expect/send script, and
 * judged by the u-boot preset. */
#include "boot_common.h"

#define UBOOT "/usr/lib/u-boot/qemu_arm64/uboot.elf"

/* Stop the autoboot, type `version` at the prompt, check the reply: the
 * run passes as soon as the last expect matches. */
Test(console_uboot, expect_send_script_reaches_the_prompt_and_passes)
{
	boot_dir d;
	harness_result res;

	need_file(UBOOT, "u-boot-qemu");
	boot_dir_make(&d);
	boot_stubrun(&res, "--arch", "aarch64", "--timeout", "120",
		     "--console-preset", "u-boot",
		     "--console-expect", "Hit any key to stop autoboot",
		     "--console-send", "\\n", "--console-expect", "=> ",
		     "--console-send", "version\\n", "--console-expect",
		     "U-Boot 20\\d\\d", UBOOT, NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "=> version", "stdout (the command was typed)");
	expect_in(res.err, "PASS: the console matched 'U-Boot 20\\d\\d'", "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* A command that faults: the preset's abort rule fails the run at once,
 * with the post-mortem of the machine halted in the exception handler. */
Test(console_uboot, synchronous_abort_fails_with_a_postmortem)
{
	boot_dir d;
	harness_result res;

	need_file(UBOOT, "u-boot-qemu");
	boot_dir_make(&d);
	boot_stubrun(&res, "--arch", "aarch64", "--timeout", "120",
		     "--console-preset", "u-boot",
		     "--console-expect", "Hit any key to stop autoboot",
		     "--console-send", "\\n", "--console-expect", "=> ",
		     "--console-send", "md.l 0xffffffffff 1\\n",
		     "--console-expect", "never printed", UBOOT, NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the console matched 'u-boot:arm64-abort': ",
		  "stderr");
	expect_postmortem(&res);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* The flat binary as the board's firmware (-bios, as QEMU's docs boot it),
 * its symbols from the ELF beside it: the same script passes. */
Test(console_uboot, bios_binary_with_symbols_from_the_elf)
{
	boot_dir d;
	harness_result res;

	need_file(UBOOT, "u-boot-qemu");
	need_file("/usr/lib/u-boot/qemu_arm64/u-boot.bin", "u-boot-qemu");
	boot_dir_make(&d);
	boot_stubrun(&res, "--arch", "aarch64", "--timeout", "120",
		     "--bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin",
		     "--symbols", UBOOT,
		     "--console-expect", "Hit any key to stop autoboot",
		     "--console-send", "\\n", "--console-expect", "=> ",
		     "--console-send", "version\\n", "--console-expect",
		     "U-Boot 20\\d\\d", NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "PASS: the console matched 'U-Boot 20\\d\\d'", "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* U-Boot prints TAP results and powers the board off through PSCI
 * SYSTEM_OFF: after passing results the power-off is a pass, after a
 * failing one a failure naming it. (The script's last expect never
 * matches: the verdict is the power-off's.) */
static void psci_poweroff_after(const char *results, int status,
				const char *verdict)
{
	boot_dir d;
	harness_result res;
	char send[256];

	need_file(UBOOT, "u-boot-qemu");
	boot_dir_make(&d);
	snprintf(send, sizeof(send), "echo TAP version 13; %s; poweroff\\n",
		 results);
	boot_stubrun(&res, "--arch", "aarch64", "--timeout", "120",
		     "--console-expect", "Hit any key to stop autoboot",
		     "--console-send", "\\n", "--console-expect", "=> ",
		     "--console-send", send, "--console-expect", "never printed",
		     UBOOT, NULL);
	cr_expect_eq(res.status, status, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "poweroff", "stdout (U-Boot powered off)");
	expect_in(res.err, verdict, "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

Test(console_uboot, psci_poweroff_after_passing_results_is_a_pass)
{
	psci_poweroff_after("echo ok 1 first; echo ok 2 second", 0,
			    "PASS: the guest powered off after its console test "
			    "results: 2 passed");
}

Test(console_uboot, psci_poweroff_after_a_failing_result_is_a_failure)
{
	psci_poweroff_after("echo ok 1 first; echo not ok 2 second", 1,
			    "FAIL: the guest powered off after its console test "
			    "results: 1 of 2 failed, the first second");
}

/* Integration: checkpoints (--break, --pass-at) and --expect on real
 * guests: boot sectors in real mode, registers, x86 sub-registers,
 * memory through symbols, and the failure report of a check. */
#include "run_common.h"

/* The brief's own example: DL is the boot drive, 0xaa55 the signature. */
Test(run_checks, boot_sector_entry_checks_pass)
{
	harness_result res;

	stubrun(&res, "--arch", "i8086", "--pass-at", "0x7c00", "--expect",
		"dl == 0x80", "--expect", "mem16[0x7dfe] == 0xaa55",
		EXAMPLE("boot.img"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "PASS: reached --pass-at 0x7c00", "stderr");
	harness_result_free(&res);
}

/* boot.img stores 0x1234 at 0x7e00 and the drive at 0x7e02 by 0x7d00;
 * boot-bad.img stores 0x4321. */
Test(run_checks, boot_sector_memory_check_passes_on_good_image)
{
	harness_result res;

	stubrun(&res, "--arch", "i8086", "--pass-at", "0x7d00", "--expect",
		"mem16[0x7e00] == 0x1234", "--expect", "mem8[0x7e02] == 0x80",
		EXAMPLE("boot.img"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.out, "boot ok", "stdout");
	harness_result_free(&res);
}

Test(run_checks, boot_sector_memory_check_fails_on_bad_image)
{
	harness_result res;

	stubrun(&res, "--arch", "i8086", "--pass-at", "0x7d00", "--expect",
		"mem16[0x7e00] == 0x1234", EXAMPLE("boot-bad.img"), NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	/* expected vs actual */
	expect_in(res.err, "--expect 'mem16[0x7e00] == 0x1234' failed", "stderr");
	expect_in(res.err, "left = 0x4321", "stderr");
	expect_in(res.err, "right = 0x1234", "stderr");
	expect_postmortem(&res);
	/* 16-bit disassembly: real-mode registers in the operands */
	cr_expect(strstr(res.err, "=>") != NULL);
	harness_result_free(&res);
}

Test(run_checks, boot_sector_without_checks_exits_through_debug_exit)
{
	harness_result res;

	stubrun(&res, "--arch", "i8086", EXAMPLE("boot.img"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "isa-debug-exit code 0", "stderr");
	harness_result_free(&res);
}

Test(run_checks, boot_sector_disassembles_in_16_bit_mode)
{
	harness_result res;

	stubrun(&res, "--arch", "i8086", "--pass-at", "0x7c00", "--expect",
		"dl == 0x81", EXAMPLE("boot.img"), NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	/* boot.asm starts with cli; xor ax, ax: 16-bit operands */
	expect_in(res.err, "=> 7c00:", "stderr");
	expect_in(res.err, "cli", "stderr");
	expect_in(res.err, "xor ax, ax", "stderr");
	harness_result_free(&res);
}

/* A --break that holds lets the run go on; the exit decides. */
Test(run_checks, break_with_holding_expect_continues)
{
	harness_result res;

	stubrun(&res, "--break", "stubrun_exit", "--expect", "a0 == 0",
		EXAMPLE("riscv64-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "stubrun_exit(0)", "stderr");
	harness_result_free(&res);
}

Test(run_checks, break_with_failing_expect_stops_with_1)
{
	harness_result res;

	stubrun(&res, "--break", "stubrun_exit", "--expect", "x0 == 7",
		EXAMPLE("aarch64-pass.elf"), NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	expect_in(res.err, "at stubrun_exit: --expect 'x0 == 7' failed", "stderr");
	expect_in(res.err, "left = 0x0", "stderr");
	expect_postmortem(&res);
	harness_result_free(&res);
}

/* main is reached once; a symbol compared to the PC, and memory read
 * through a symbol's address. */
Test(run_checks, pass_at_symbol_with_register_and_symbol_operands)
{
	harness_result res;

	stubrun(&res, "--pass-at", "main", "--expect", "pc == main", "--expect",
		"sp != 0", "--expect", "mem32[main] != 0", EXAMPLE("arm-pass.elf"),
		NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "reached --pass-at main", "stderr");
	harness_result_free(&res);
}

/* On x86 the exit argument is in rdi (x86_64) / on the stack (i386);
 * sub-registers and a signed comparison. */
Test(run_checks, x86_sub_registers_and_signed_compare)
{
	harness_result res;

	stubrun(&res, "--break", "stubrun_exit", "--expect", "edi == 3",
		"--expect", "dil_or_not_a_reg == 1", EXAMPLE("x86_64-fail.elf"), NULL);
	cr_expect_eq(res.status, 125, "an unknown name must be refused: %s", res.err);
	expect_in(res.err, "'dil_or_not_a_reg' is neither a register nor a symbol",
		  "stderr");
	harness_result_free(&res);

	stubrun(&res, "--pass-at", "stubrun_exit", "--expect", "edi == 3",
		"--expect", "di == 3", "--expect", "rdi > -1", "--expect", "rdi < 4",
		EXAMPLE("x86_64-fail.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	harness_result_free(&res);

	stubrun(&res, "--pass-at", "stubrun_exit", "--expect", "mem32[esp+4] == 3",
		EXAMPLE("i386-fail.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	harness_result_free(&res);
}

/* symbol+offset as a LOC and an address as a LOC reach the same place. */
Test(run_checks, loc_forms)
{
	harness_result res;

	stubrun(&res, "--pass-at", "main+0", EXAMPLE("riscv32-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "reached --pass-at main+0", "stderr");
	harness_result_free(&res);
}

/* An explicit fail symbol: reaching it is a failure with a post-mortem. */
Test(run_checks, explicit_fail_symbol)
{
	harness_result res;

	stubrun(&res, "--fail-symbol", "main", EXAMPLE("riscv64-pass.elf"), NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	expect_in(res.err, "fail symbol main", "stderr");
	expect_postmortem(&res);
	harness_result_free(&res);
}

/* An explicit exit symbol replaces the defaults: here main's first
 * argument register is whatever it holds, so only check that the run
 * stops at main. */
Test(run_checks, explicit_exit_symbol)
{
	harness_result res;

	stubrun(&res, "--exit-symbol", "console_puts", EXAMPLE("aarch64-pass.elf"),
		NULL);
	expect_in(res.err, "the guest called console_puts(", "stderr");
	cr_expect_eq(res.out_len, 0, "the guest printed before console_puts: %s",
		     res.out);
	harness_result_free(&res);
}

/* The M-profile core starts at the reset handler: a checkpoint on the
 * very first instruction is reached, not skipped. */
Test(run_checks, pass_at_the_first_instruction)
{
	harness_result res;

	stubrun(&res, "--pass-at", "reset", "--expect", "pc == reset",
		EXAMPLE("arm-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "reached --pass-at reset", "stderr");
	cr_expect_eq(res.out_len, 0, "the guest ran before its first instruction");
	harness_result_free(&res);
}

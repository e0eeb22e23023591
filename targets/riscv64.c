/* Target description: RV64 under qemu-system-riscv64 (virt, no firmware). */
#include "target.h"

#include <elf.h>

/* -bios none: no OpenSBI, so the ELF runs from reset in M-mode. */
static const char *const riscv64_args[] = { "-bios", "none", NULL };

/*
 * QEMU's target.xml names x8 "fp" (not "s0"). Breakpoint kind 4: QEMU's
 * stub inserts breakpoints in its translator, not by patching memory, so
 * the kind is not used; 4 is the length of a full instruction, which GDB
 * would also send for uncompressed code. Capstone 4 has no RISC-V decoder
 * (TARGET_CS_NONE): src/disasm_riscv.c stands in.
 * Frame-pointer walking (-fno-omit-frame-pointer): fp is the caller's sp,
 * ra is saved at fp - XLEN/8 and the caller's fp below it.
 */
const target_desc target_riscv64 = {
	.name = "riscv64",
	.qemu = "qemu-system-riscv64",
	.machine = "virt",
	.cpu = NULL,
	.memory = NULL,
	.extra_args = riscv64_args,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_RISCV,
	.elf_class = ELFCLASS64,
	.ptr_size = 8,
	.pc_reg = "pc",
	.sp_reg = "sp",
	.fp_reg = "fp",
	.lr_reg = "ra",
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "a0",
	.ret_reg = "a0",
	.bp_kind = 4,
	.cs_arch = TARGET_CS_NONE,
	.cs_mode = 0,
	.semihosting = TARGET_SEMIHOSTING_RISCV,
	.dwarf_sp = 2,             /* DWARF numbers are the x register numbers */
	.dwarf_fp = 8,
	.dwarf_lr = 1,
	.fp_walk = 1,
	.fp_prev_offset = -16,
	.fp_ret_offset = -8,
};

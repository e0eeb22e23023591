/*
 * What RV32 and RV64 share under QEMU's virt machine: everything but the
 * register width. riscv32.c and riscv64.c each add their name, binary, ELF
 * class and XLEN (in bytes) to TARGET_RISCV_VIRT(xlen).
 */
#ifndef TARGETS_RISCV_H
#define TARGETS_RISCV_H

#include <elf.h>

#include "target.h"

/* riscv.c: the fault catch both share. */
extern const target_faults target_riscv_faults;

/* riscv_prologue.c: the prologue decoders (target_prologue_fn,
 * target_writes_fn). */
int target_riscv32_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			    const uint8_t *code, size_t len, int thumb);
int target_riscv64_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			    const uint8_t *code, size_t len, int thumb);
uint64_t target_riscv32_writes(const uint8_t *code, size_t len, int thumb);
uint64_t target_riscv64_writes(const uint8_t *code, size_t len, int thumb);

/* The psABI's callee-saved registers: s0-s1 (x8-x9), s2-s11 (x18-x27);
 * gp and tp (x3, x4) are never changed by a call either. */
#define RISCV_CALLEE_SAVED \
	(1ull << 3 | 1ull << 4 | 1ull << 8 | 1ull << 9 | 0x3ffull << 18)

/* DWARF numbers are the x numbers; QEMU's target.xml has the ABI names
 * (and "fp" for x8). */
static const char *const riscv_dwarf_regs[] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6",
	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6", NULL,
};

/* -bios none: no OpenSBI, so the ELF runs from reset in M-mode. A
 * --kernel (Linux, U-Boot) keeps QEMU's default OpenSBI. */
static const char *const riscv_virt_bare[] = { "-bios", "none", NULL };

/* The RISC-V Linux Image header: magic2 "RSC\x05" at 56. */
static const target_magic riscv_kernel = { 56, "RSC\x05", 4,
					   "a RISC-V Linux Image" };

/* hw/riscv/virt.c: DRAM at 0x80000000, 128 MiB by default. */
static const target_ram riscv_virt_ram[] = {
	{ "virt", 0x80000000, 128u << 20 },
	{ NULL, 0, 0 },
};

/* QEMU's CSRs: the fault catch's mtvec and the post-mortem's full
 * register list need them, a passing run does not. */
static const char *const riscv_lazy[] = { "riscv-csr.xml", NULL };

/*
 * QEMU's target.xml names x8 "fp" (not "s0"). Breakpoint kind 4: QEMU's
 * stub inserts breakpoints in its translator, not by patching memory, so
 * the kind is not used; 4 is the length of a full instruction, which GDB
 * would also send for uncompressed code. Capstone 4 has no RISC-V decoder
 * (TARGET_CS_NONE): src/guest/disasm_riscv.c stands in.
 * Frame-pointer walking (-fno-omit-frame-pointer): fp is the caller's sp,
 * ra is saved at fp - XLEN/8 and the caller's fp below it.
 */
#define TARGET_RISCV_VIRT(xlen)                                              \
	.machine = "virt",                                                   \
	.cpu = NULL,                                                         \
	.memory = NULL,                                                      \
	.extra_args = NULL,                                                  \
	.bare_args = riscv_virt_bare,                                        \
	.ram = riscv_virt_ram,                                               \
	.load = TARGET_LOAD_KERNEL,                                          \
	.elf_machine = EM_RISCV,                                             \
	.ptr_size = (xlen),                                                  \
	.pc_reg = "pc",                                                      \
	.lazy_annexes = riscv_lazy,                                          \
	.sp_reg = "sp",                                                      \
	.fp_reg = "fp",                                                      \
	.lr_reg = "ra",                                                      \
	.arg_kind = TARGET_ARG_REGISTER,                                     \
	.arg_reg = "a0",                                                     \
	.ret_reg = "a0",                                                     \
	.bp_kind = 4,                                                        \
	.cs_arch = TARGET_CS_NONE,                                           \
	.cs_mode = 0,                                                        \
	.semihosting = TARGET_SEMIHOSTING_RISCV,                             \
	.sh_op_reg = "a0",                                                   \
	.sh_arg_reg = "a1",                                                  \
	.exit_machine = "virt",    /* hw/riscv/virt.c's sifive_test */       \
	.exit_device = "sifive_test",                                        \
	.dwarf_sp = 2,             /* DWARF numbers are the x numbers */     \
	.dwarf_fp = 8,                                                       \
	.dwarf_lr = 1,                                                       \
	.dwarf_regs = riscv_dwarf_regs,                                      \
	.callee_saved = RISCV_CALLEE_SAVED,                                  \
	.fp_walk = 1,                                                        \
	.fp_prev_offset = -2 * (xlen),                                       \
	.fp_ret_offset = -(xlen),                                            \
	.drive_if = "virtio",                                                \
	.cdrom_drive = "if=virtio,readonly=on",                              \
	.faults = &target_riscv_faults

#endif /* TARGETS_RISCV_H */

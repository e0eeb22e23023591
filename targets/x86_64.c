/* Target description: x86-64 under qemu-system-x86_64 (PC machine, -kernel). */
#include "x86.h"

#include <capstone/capstone.h>
#include <elf.h>

static const char *const x86_64_args[] = { TARGET_X86_EXIT_DEVICE, NULL };

/* A 32-bit multiboot kernel on qemu-system-x86_64 is common. */
static const char *const x86_64_also_runs[] = { "i386", NULL };

/* Debian's ovmf: the 4 MiB flash layout (the 2 MiB one is legacy). */
static const target_firmware x86_64_uefi = {
	"/usr/share/OVMF", "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd", "ovmf",
};

/* The Linux x86 boot protocol: "HdrS" at 0x202 of a bzImage
 * (Documentation/arch/x86/boot.rst). */
static const target_magic x86_64_kernel = { 0x202, "HdrS", 4, "a Linux bzImage" };

/* System V AMD64 psABI, figure 3.36. */
static const char *const x86_64_dwarf_regs[] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rip", NULL,
};

const target_desc target_x86_64 = {
	.name = "x86_64",
	.qemu = "qemu-system-x86_64",
	.qemu_user = "qemu-x86_64",
	.machine = "pc",
	.cpu = NULL,
	.memory = NULL,
	.extra_args = x86_64_args,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_X86_64,
	.elf_class = ELFCLASS64,
	.ptr_size = 8,
	.pc_reg = "rip",
	.sp_reg = "rsp",
	.fp_reg = "rbp",
	.lr_reg = NULL,
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "rdi",          /* System V AMD64 ABI */
	.ret_reg = "rax",
	.bp_kind = 1,              /* int3 is one byte */
	.cs_arch = CS_ARCH_X86,
	.cs_mode = CS_MODE_64,
	.semihosting = TARGET_SEMIHOSTING_NONE,
	.dwarf_regs = x86_64_dwarf_regs,
	.dwarf_sp = 7,             /* System V psABI DWARF numbering */
	.dwarf_fp = 6,
	.dwarf_lr = -1,
	.fp_walk = 1,              /* push rbp; mov rbp, rsp */
	.fp_prev_offset = 0,
	.fp_ret_offset = 8,
	.drive_if = "ide",          /* pc's PIIX IDE */
	.cdrom_drive = "media=cdrom,if=ide",
	.uefi = &x86_64_uefi,
	.kernel_magic = &x86_64_kernel,
	.aliases = target_x86_aliases64,
	.faults = &target_x86_faults,
	.clock_outlives_loadvm = 1,     /* the TSC */
	.also_runs = x86_64_also_runs,
};

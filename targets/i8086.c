/* Target description: 16-bit real mode (a boot sector) under qemu-system-i386. */
#include "x86.h"

#include <capstone/capstone.h>
#include <elf.h>

static const char *const i8086_args[] = { TARGET_X86_EXIT_DEVICE, NULL };

/*
 * The BIOS loads the 512-byte sector at 0x7c00 and jumps there in real mode.
 * QEMU's stub still reports the 32-bit register file: "eip" is the offset in
 * the code segment, so the linear PC is cs * 16 + eip (likewise ss * 16 + esp
 * for the stack); callers must add the segment base before comparing with
 * image addresses. No ELF: elf_machine 0 never matches target_from_elf().
 * Frame-pointer walking is off because bp is an offset in ss, which
 * unwind.c's flat address model does not know.
 */
const target_desc target_i8086 = {
	.name = "i8086",
	.qemu = "qemu-system-i386",
	.machine = "pc",
	.cpu = NULL,
	.memory = NULL,
	.extra_args = i8086_args,
	.load = TARGET_LOAD_BOOTSECTOR,
	.elf_machine = 0,
	.elf_class = 0,
	.ptr_size = 2,
	.pc_reg = "eip",
	.sp_reg = "esp",
	.fp_reg = "ebp",
	.lr_reg = NULL,
	/* near call: [sp] is the 2-byte return offset, the argument above. */
	.arg_kind = TARGET_ARG_STACK,
	.arg_reg = NULL,
	.arg_stack_offset = 2,
	.ret_reg = "eax",
	.bp_kind = 1,
	.cs_arch = CS_ARCH_X86,
	.cs_mode = CS_MODE_16,
	.semihosting = TARGET_SEMIHOSTING_NONE,
	.dwarf_sp = -1,
	.dwarf_fp = -1,
	.dwarf_lr = -1,
	.fp_walk = 0,
	.fp_prev_offset = 0,
	.fp_ret_offset = 2,
	.drive_if = "ide",          /* pc's PIIX IDE */
	.cdrom_drive = "media=cdrom,if=ide",
	.aliases = target_x86_aliases32,
	.pc_seg_reg = "cs",        /* linear PC = cs * 16 + ip */
	.sp_seg_reg = "ss",
	.clock_outlives_loadvm = 1,     /* the TSC */
};

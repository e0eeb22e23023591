/* Target description: 32-bit x86 under qemu-system-i386 (PC, multiboot -kernel). */
#include "x86.h"

#include <capstone/capstone.h>
#include <elf.h>

static const char *const i386_args[] = { TARGET_X86_EXIT_DEVICE, NULL };

/* i386 psABI, table 2.14. */
static const char *const i386_dwarf_regs[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", NULL,
};

const target_desc target_i386 = {
	.name = "i386",
	.qemu = "qemu-system-i386",
	.qemu_user = "qemu-i386",
	.user_sysroot = "/usr/i686-linux-gnu",
	.user_libc_package = "libc6-i386-cross",
	.machine = "pc",
	.cpu = NULL,
	.memory = NULL,
	.extra_args = i386_args,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_386,
	.elf_class = ELFCLASS32,
	.ptr_size = 4,
	.pc_reg = "eip",
	.sp_reg = "esp",
	.fp_reg = "ebp",
	.lr_reg = NULL,
	/* cdecl: on entry [esp] is the return address, the first argument
	 * is just above it. */
	.arg_kind = TARGET_ARG_STACK,
	.arg_reg = NULL,
	.arg_stack_offset = 4,
	.ret_reg = "eax",
	.bp_kind = 1,
	.cs_arch = CS_ARCH_X86,
	.cs_mode = CS_MODE_32,
	.semihosting = TARGET_SEMIHOSTING_NONE,
	.dwarf_regs = i386_dwarf_regs,
	.dwarf_sp = 4,             /* i386 psABI: esp 4, ebp 5, eip 8 */
	.dwarf_fp = 5,
	.dwarf_lr = -1,
	.fp_walk = 1,
	.fp_prev_offset = 0,
	.fp_ret_offset = 4,
	.drive_if = "ide",          /* pc's PIIX IDE */
	.cdrom_drive = "media=cdrom,if=ide",
	.aliases = target_x86_aliases32,
	.faults = &target_x86_faults,
	.clock_outlives_loadvm = 1,     /* the TSC */
};

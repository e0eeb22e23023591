/* Target description: Arm Cortex-M (Thumb) under qemu-system-arm (mps2-an385). */
#include "target.h"

#include <capstone/capstone.h>
#include <elf.h>

/*
 * M-profile executes Thumb only, and Thumb code keeps its frame pointer in
 * r7 (r11 is the A32 one): GCC and clang both use r7 with -mthumb. The walk
 * expects the AAPCS frame record {r7, lr} at r7 (clang's and GCC's layout
 * for functions without locals); GCC places r7 below its locals otherwise,
 * so unwind.c prefers the .debug_frame CFI that -g emits and validates
 * every return address it reads. A-profile boards are reached by the user
 * overriding machine and cpu.
 */
static const char *const arm_extra_args[] = { "-nic", "user,restrict=on",
					      TARGET_ARM_AUDIO_OFF, NULL };

/* A-profile boards reached with --machine (hw/arm/virt.c, vexpress.c; 128
 * MiB by default). mps2 is absent: its images name their heap, and its
 * several SRAMs make QEMU's "largest region" rule no help. */
static const target_ram arm_ram[] = {
	{ "virt", 0x40000000, 128u << 20 },
	{ "vexpress-a9", 0x60000000, 128u << 20 },
	{ "vexpress-a15", 0x80000000, 128u << 20 },
	{ "vexpress-a7", 0x80000000, 128u << 20 },
	{ NULL, 0, 0 },
};

const target_desc target_arm = {
	.name = "arm",
	.qemu = "qemu-system-arm",
	.machine = "mps2-an385",
	.cpu = NULL,               /* the board's Cortex-M3 */
	.memory = NULL,
	/* The board's LAN9118 would have no backend and QEMU warns "nic
	 * lan9118.0 has no peer" on every run; "-nic none" does not reach an
	 * on-board NIC, a restricted user-mode backend does (no host network).
	 * No cost measured: a QEMU start-to-exit is 21 ms at best and 40-50 ms
	 * median with or without it (20 runs each, interleaved). */
	.extra_args = arm_extra_args,
	.ram = arm_ram,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_ARM,
	.elf_class = ELFCLASS32,
	.ptr_size = 4,
	.pc_reg = "pc",
	.sp_reg = "sp",
	.fp_reg = "r7",
	.lr_reg = "lr",
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "r0",           /* AAPCS */
	.ret_reg = "r0",
	.bp_kind = 2,              /* 16-bit Thumb BKPT */
	.cs_arch = CS_ARCH_ARM,
	.cs_mode = CS_MODE_THUMB | CS_MODE_MCLASS,
	.semihosting = TARGET_SEMIHOSTING_ARM,
	.dwarf_sp = 13,            /* DWARF for the Arm architecture: r0-r15 */
	.dwarf_fp = 7,
	.dwarf_lr = 14,
	.fp_walk = 1,
	.fp_prev_offset = 0,
	.fp_ret_offset = 4,
	.sh_op_reg = "r0",         /* Arm semihosting: r0 operation, r1 block */
	.sh_arg_reg = "r1",
	.thumb = 1,                /* Thumb symbols and addresses carry bit 0 */
	.thumb_only_reg = "xpsr",  /* M-profile: always Thumb */
	.thumb_state_reg = "cpsr", /* A-profile: cpsr.T */
	.thumb_state_mask = 0x20,
};

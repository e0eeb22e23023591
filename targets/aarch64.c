/* Target description: AArch64 under qemu-system-aarch64 (virt, Cortex-A57). */
#include "target.h"

#include <capstone/capstone.h>
#include <elf.h>

static const char *const aarch64_extra_args[] = { TARGET_ARM_AUDIO_OFF, NULL };

/* QEMU's hw/arm/virt.c and vexpress.c memory maps, 128 MiB by default. */
static const target_ram aarch64_ram[] = {
	{ "virt", 0x40000000, 128u << 20 },
	{ "vexpress-a15", 0x80000000, 128u << 20 },
	{ "vexpress-a7", 0x80000000, 128u << 20 },
	{ NULL, 0, 0 },
};

/* Debian's qemu-efi-aarch64 (both files padded to virt's 64 MiB flash). */
static const target_firmware aarch64_uefi = {
	"/usr/share/AAVMF", "AAVMF_CODE.fd", "AAVMF_VARS.fd", "qemu-efi-aarch64",
};

/* The arm64 Linux Image header: magic "ARM\x64" at 56
 * (Documentation/arch/arm64/booting.rst). */
static const target_magic aarch64_kernel = { 56, "ARM\x64", 4,
					     "an arm64 Linux Image" };

const target_desc target_aarch64 = {
	.name = "aarch64",
	.qemu = "qemu-system-aarch64",
	.machine = "virt",
	.cpu = "cortex-a57",       /* virt has no default A-profile 64-bit CPU */
	.memory = NULL,
	.extra_args = aarch64_extra_args,
	.ram = aarch64_ram,
	.load = TARGET_LOAD_KERNEL,
	.elf_machine = EM_AARCH64,
	.elf_class = ELFCLASS64,
	.ptr_size = 8,
	.pc_reg = "pc",
	.sp_reg = "sp",
	.fp_reg = "x29",
	.lr_reg = "x30",
	.arg_kind = TARGET_ARG_REGISTER,
	.arg_reg = "x0",           /* AAPCS64 */
	.ret_reg = "x0",
	.bp_kind = 4,              /* fixed 4-byte A64 instructions */
	.cs_arch = CS_ARCH_ARM64,
	.cs_mode = CS_MODE_ARM,
	.semihosting = TARGET_SEMIHOSTING_ARM,
	.dwarf_sp = 31,            /* DWARF for AArch64: x0-x30 = 0-30, sp 31 */
	.dwarf_fp = 29,
	.dwarf_lr = 30,
	.fp_walk = 1,              /* frame record {x29, x30} at x29 */
	.fp_prev_offset = 0,
	.fp_ret_offset = 8,
	.drive_if = "virtio",       /* virt has no IDE */
	.cdrom_drive = "if=virtio,readonly=on",
	.uefi = &aarch64_uefi,
	.kernel_magic = &aarch64_kernel,
	.sh_op_reg = "x0",         /* A64 semihosting: w0 operation, x1 block */
	.sh_arg_reg = "x1",
};

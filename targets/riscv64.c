/* Target description: RV64 under qemu-system-riscv64 (virt, no firmware). */
#include "riscv.h"

const target_desc target_riscv64 = {
	.name = "riscv64",
	.qemu = "qemu-system-riscv64",
	.qemu_user = "qemu-riscv64",
	.user_sysroot = "/usr/riscv64-linux-gnu",
	.user_libc_package = "libc6-riscv64-cross",
	.elf_class = ELFCLASS64,
	.prologue = target_riscv64_prologue,
	.writes = target_riscv64_writes,
	TARGET_RISCV_VIRT(8),
};

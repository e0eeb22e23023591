/* Target description: RV32 under qemu-system-riscv32 (virt, no firmware). */
#include "riscv.h"

const target_desc target_riscv32 = {
	.name = "riscv32",
	.qemu = "qemu-system-riscv32",
	.qemu_user = "qemu-riscv32",
	.elf_class = ELFCLASS32,
	.prologue = target_riscv32_prologue,
	.writes = target_riscv32_writes,
	TARGET_RISCV_VIRT(4),
};

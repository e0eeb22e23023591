/* Tests for targets/table.c and every description it lists. */
#include <criterion/criterion.h>

#include <capstone/capstone.h>
#include <elf.h>
#include <string.h>

#include "target.h"

static size_t table_len(void)
{
	size_t n = 0;
	while (target_table[n])
		n++;
	return n;
}

Test(targets_table, lists_the_seven_architectures)
{
	static const char *const names[] = { "x86_64", "i386", "i8086", "aarch64",
					     "arm", "riscv64", "riscv32" };
	cr_assert_eq(table_len(), sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const target_desc *t = target_by_name(names[i]);
		cr_assert_not_null(t, "%s", names[i]);
		cr_assert_str_eq(t->name, names[i]);
	}
}

Test(targets_table, by_name_rejects_unknown_names)
{
	cr_assert_null(target_by_name("mips"));
	cr_assert_null(target_by_name(""));
	cr_assert_null(target_by_name(NULL));
	cr_assert_null(target_by_name("X86_64"), "names are case-sensitive");
	cr_assert_null(target_by_name("x86_64 "));
}

Test(targets_table, names_are_unique)
{
	for (size_t i = 0; target_table[i]; i++)
		for (size_t j = i + 1; target_table[j]; j++)
			cr_assert_str_neq(target_table[i]->name, target_table[j]->name);
}

struct elf_case {
	int machine, elf_class;
	const char *want;      /* NULL: no target */
};

Test(targets_table, from_elf_maps_machine_and_class)
{
	static const struct elf_case cases[] = {
		{ EM_X86_64, ELFCLASS64, "x86_64" },
		{ EM_386, ELFCLASS32, "i386" },
		{ EM_AARCH64, ELFCLASS64, "aarch64" },
		{ EM_ARM, ELFCLASS32, "arm" },
		{ EM_RISCV, ELFCLASS64, "riscv64" },
		{ EM_RISCV, ELFCLASS32, "riscv32" },
		{ EM_X86_64, ELFCLASS32, NULL },   /* x32 */
		{ EM_386, ELFCLASS64, NULL },
		{ EM_AARCH64, ELFCLASS32, NULL },  /* ILP32 */
		{ EM_ARM, ELFCLASS64, NULL },
		{ EM_MIPS, ELFCLASS32, NULL },
		{ EM_PPC64, ELFCLASS64, NULL },
		{ 0, ELFCLASS32, NULL },           /* never i8086 */
		{ EM_RISCV, ELFCLASSNONE, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const target_desc *t = target_from_elf(cases[i].machine,
						       cases[i].elf_class, 0);
		if (!cases[i].want)
			cr_assert_null(t, "case %zu gave %s", i, t ? t->name : "");
		else {
			cr_assert_not_null(t, "case %zu", i);
			cr_assert_str_eq(t->name, cases[i].want);
		}
	}
}

Test(targets_table, from_elf_ignores_abi_flags)
{
	/* EF_ARM_EABI_VER5 | hard float; RISC-V RVC | double-float ABI. */
	cr_assert_str_eq(target_from_elf(EM_ARM, ELFCLASS32, 0x05000400)->name, "arm");
	cr_assert_str_eq(target_from_elf(EM_RISCV, ELFCLASS64, 0x5)->name, "riscv64");
}

static int is_qemu_reg(const char *name)
{
	return name && name[0] && strlen(name) < 8 && !strchr(name, ' ');
}

/* Every description is complete and consistent with itself. */
Test(targets_table, every_target_has_the_required_fields)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		const char *n = t->name;

		cr_assert_not_null(n);
		cr_assert(t->qemu && strncmp(t->qemu, "qemu-system-", 12) == 0, "%s", n);
		cr_assert(t->machine && t->machine[0], "%s", n);
		cr_assert(t->ptr_size == 2 || t->ptr_size == 4 || t->ptr_size == 8, "%s", n);
		cr_assert(is_qemu_reg(t->pc_reg) && is_qemu_reg(t->sp_reg) &&
			  is_qemu_reg(t->fp_reg) && is_qemu_reg(t->ret_reg), "%s", n);
		cr_assert(t->lr_reg == NULL || is_qemu_reg(t->lr_reg), "%s", n);
		if (t->arg_kind == TARGET_ARG_REGISTER)
			cr_assert(is_qemu_reg(t->arg_reg), "%s", n);
		else
			/* on entry the return address sits at [sp] */
			cr_assert_eq(t->arg_stack_offset, (int)t->ptr_size, "%s", n);
		cr_assert(t->bp_kind == 1 || t->bp_kind == 2 || t->bp_kind == 4, "%s", n);
		if (t->extra_args) {
			size_t k = 0;
			while (k < 16 && t->extra_args[k])
				k++;
			cr_assert_lt(k, 16, "%s: extra_args not NULL-terminated", n);
			cr_assert_eq(k % 2, 0, "%s: options come in pairs", n);
		}
		if (t->load == TARGET_LOAD_KERNEL) {
			cr_assert_eq(target_from_elf(t->elf_machine, t->elf_class, 0), t,
				     "%s: its ELF identification maps back to it", n);
		} else {
			cr_assert_eq(t->elf_machine, 0, "%s", n);
		}
		if (t->fp_walk) {
			cr_assert_neq(t->fp_prev_offset, t->fp_ret_offset, "%s", n);
			cr_assert_lt(abs(t->fp_prev_offset), 64, "%s", n);
			cr_assert_lt(abs(t->fp_ret_offset), 64, "%s", n);
			cr_assert_geq(t->dwarf_sp, 0, "%s", n);
		}
		cr_assert_eq(t->lr_reg == NULL, t->dwarf_lr < 0, "%s", n);
	}
}

Test(targets_table, capstone_opens_every_target_it_supports)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		csh h;
		if (t->cs_arch == TARGET_CS_NONE) {
			/* Only RISC-V lacks a decoder in capstone 4. */
			cr_assert_eq(t->elf_machine, EM_RISCV, "%s", t->name);
			continue;
		}
		cr_assert_eq(cs_open((cs_arch)t->cs_arch, (cs_mode)t->cs_mode, &h),
			     CS_ERR_OK, "%s", t->name);
		cs_close(&h);
	}
}

/* The x86 family exits through QEMU's isa-debug-exit device at 0xf4. */
Test(targets_table, x86_targets_add_the_exit_device)
{
	static const char *const names[] = { "x86_64", "i386", "i8086" };
	for (size_t i = 0; i < 3; i++) {
		const target_desc *t = target_by_name(names[i]);
		cr_assert_not_null(t->extra_args);
		cr_assert_str_eq(t->extra_args[0], "-device");
		cr_assert_str_eq(t->extra_args[1], "isa-debug-exit,iobase=0xf4,iosize=0x04");
		cr_assert_null(t->extra_args[2]);
	}
}

Test(targets_table, semihosting_follows_the_architecture)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		target_semihosting want = TARGET_SEMIHOSTING_NONE;
		if (t->elf_machine == EM_ARM || t->elf_machine == EM_AARCH64)
			want = TARGET_SEMIHOSTING_ARM;
		else if (t->elf_machine == EM_RISCV)
			want = TARGET_SEMIHOSTING_RISCV;
		cr_assert_eq(t->semihosting, want, "%s", t->name);
	}
}

Test(targets_table, riscv_runs_without_firmware)
{
	const char *names[] = { "riscv64", "riscv32" };
	for (size_t i = 0; i < 2; i++) {
		const target_desc *t = target_by_name(names[i]);
		cr_assert_str_eq(t->bare_args[0], "-bios");
		cr_assert_str_eq(t->bare_args[1], "none");
		/* QEMU's target.xml calls x8 "fp", not "s0". */
		cr_assert_str_eq(t->fp_reg, "fp");
	}
}

Test(targets_table, names_lists_the_table_in_order)
{
	char buf[128], small[10];

	target_names(buf, sizeof(buf), ", ");
	cr_assert_str_eq(buf, "x86_64, i386, i8086, aarch64, arm, riscv64, riscv32");
	target_names(small, sizeof(small), " | ");
	cr_assert_str_eq(small, "x86_64 | ", "truncated, NUL-terminated");
}

/* Semihosting registers: Arm r0/r1, A64 x0/x1, RISC-V a0/a1; none on x86. */
Test(targets_table, semihosting_registers_follow_the_architecture)
{
	static const struct { const char *name, *op, *arg; } cases[] = {
		{ "x86_64", NULL, NULL }, { "i386", NULL, NULL },
		{ "i8086", NULL, NULL }, { "aarch64", "x0", "x1" },
		{ "arm", "r0", "r1" }, { "riscv64", "a0", "a1" },
		{ "riscv32", "a0", "a1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const target_desc *t = target_by_name(cases[i].name);
		if (!cases[i].op) {
			cr_assert_null(t->sh_op_reg, "%s", t->name);
			cr_assert_null(t->sh_arg_reg, "%s", t->name);
			cr_assert_eq(t->semihosting, TARGET_SEMIHOSTING_NONE);
			continue;
		}
		cr_assert_str_eq(t->sh_op_reg, cases[i].op, "%s", t->name);
		cr_assert_str_eq(t->sh_arg_reg, cases[i].arg, "%s", t->name);
	}
}

/* Only Arm code addresses carry the Thumb bit. */
Test(targets_table, thumb_bit_only_on_arm)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		int arm = !strcmp(t->name, "arm");
		cr_assert_eq(!!t->thumb, arm, "%s", t->name);
		cr_assert_eq(target_code_addr(t, 0x1001), arm ? 0x1000 : 0x1001,
			     "%s", t->name);
		cr_assert_eq(target_code_addr(t, 0x1000), 0x1000, "%s", t->name);
		if (arm) {
			cr_assert_str_eq(t->thumb_only_reg, "xpsr");
			cr_assert_str_eq(t->thumb_state_reg, "cpsr");
			cr_assert_eq(t->thumb_state_mask, 0x20);
		} else {
			cr_assert_null(t->thumb_only_reg, "%s", t->name);
			cr_assert_null(t->thumb_state_reg, "%s", t->name);
		}
	}
}

/* Real mode only on i8086: PC from cs, SP from ss. */
Test(targets_table, real_mode_segments_only_on_i8086)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		if (!strcmp(t->name, "i8086")) {
			cr_assert_str_eq(t->pc_seg_reg, "cs");
			cr_assert_str_eq(t->sp_seg_reg, "ss");
		} else {
			cr_assert_null(t->pc_seg_reg, "%s", t->name);
			cr_assert_null(t->sp_seg_reg, "%s", t->name);
		}
	}
}

Test(targets_table, x86_aliases_by_width)
{
	const target_desc *x64 = target_by_name("x86_64");
	const target_desc *x32 = target_by_name("i386");
	const target_desc *x16 = target_by_name("i8086");
	const target_alias *a;

	cr_assert_eq(x32->aliases, x16->aliases);
	a = target_alias_find(x64, "AH");
	cr_assert_not_null(a);
	cr_assert_str_eq(a->base, "rax");
	cr_assert_eq(a->shift, 8);
	cr_assert_eq(a->bits, 8);
	a = target_alias_find(x64, "eip");
	cr_assert_str_eq(a->base, "rip");
	cr_assert_eq(a->bits, 32);
	a = target_alias_find(x32, "ip");
	cr_assert_str_eq(a->base, "eip");
	cr_assert_eq(a->bits, 16);
	cr_assert_null(target_alias_find(x32, "eax"), "eax is i386's own register");
	for (size_t i = 0; target_table[i]; i++)
		if (target_table[i]->cs_arch != CS_ARCH_X86)
			cr_assert_null(target_table[i]->aliases, "%s",
				       target_table[i]->name);
}

Test(targets_table, x86_64_also_runs_i386_images_only)
{
	for (size_t i = 0; target_table[i]; i++)
		for (size_t j = 0; target_table[j]; j++) {
			const target_desc *t = target_table[i], *e = target_table[j];
			int want = t == e || (!strcmp(t->name, "x86_64") &&
					      !strcmp(e->name, "i386"));
			cr_assert_eq(target_runs_elf(t, e), want, "%s runs %s",
				     t->name, e->name);
		}
}

Test(targets_table, board_exit_device_only_on_riscv_virt)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		int riscv = t->elf_machine == EM_RISCV;
		cr_assert_eq(target_has_board_exit(t, "virt"), riscv, "%s", t->name);
		cr_assert_eq(target_has_board_exit(t, "virt-8.2"), riscv, "%s", t->name);
		cr_assert_eq(target_has_board_exit(t, "spike"), 0, "%s", t->name);
		cr_assert_eq(target_has_board_exit(t, NULL), 0, "%s", t->name);
		if (riscv)
			cr_assert_str_eq(t->exit_device, "sifive_test");
		else
			cr_assert_null(t->exit_device, "%s", t->name);
	}
}

/* The table of every target description, and lookups by name and ELF header. */
#include "target.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const target_desc target_x86_64, target_i386, target_i8086,
	target_aarch64, target_arm, target_riscv64, target_riscv32;

const target_desc *const target_table[] = {
	&target_x86_64,
	&target_i386,
	&target_i8086,
	&target_aarch64,
	&target_arm,
	&target_riscv64,
	&target_riscv32,
	NULL,
};

const target_desc *target_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; target_table[i]; i++)
		if (strcmp(target_table[i]->name, name) == 0)
			return target_table[i];
	return NULL;
}

/* e_flags does not select a target today (Arm's EABI version and RISC-V's
 * float ABI do not change how QEMU is run); it is in the signature so that
 * a future target can (e.g. MIPS ISA levels). elf_machine 0 (raw images)
 * never matches. */
const target_desc *target_from_elf(int e_machine, int elf_class,
				   uint32_t e_flags)
{
	(void)e_flags;
	if (e_machine == 0)
		return NULL;
	for (size_t i = 0; target_table[i]; i++)
		if (target_table[i]->elf_machine == e_machine &&
		    target_table[i]->elf_class == elf_class)
			return target_table[i];
	return NULL;
}

const target_ram *target_ram_of(const target_desc *t, const char *machine)
{
	for (const target_ram *r = t->ram; r && r->machine; r++) {
		size_t n = strlen(r->machine);
		if (!strncmp(machine, r->machine, n) &&
		    (machine[n] == '\0' || machine[n] == '-' || machine[n] == ','))
			return r;
	}
	return NULL;
}

const target_desc *target_from_kernel_header(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_magic *m = target_table[i]->kernel_magic;
		if (m && m->offset <= len && m->len <= len - m->offset &&
		    memcmp(buf + m->offset, m->bytes, m->len) == 0)
			return target_table[i];
	}
	return NULL;
}

void target_names(char *buf, size_t cap, const char *sep)
{
	size_t len = 0;

	if (cap == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; target_table[i] && len < cap; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s", i ? sep : "",
				 target_table[i]->name);
		if (n < 0)
			return;
		len += (size_t)n;
	}
}

int target_runs_elf(const target_desc *t, const target_desc *elf)
{
	if (t == elf)
		return 1;
	for (const char *const *n = t->also_runs; n && *n; n++)
		if (!strcmp(*n, elf->name))
			return 1;
	return 0;
}

uint64_t target_code_addr(const target_desc *t, uint64_t addr)
{
	return t->thumb ? addr & ~(uint64_t)1 : addr;
}

const target_alias *target_alias_find(const target_desc *t, const char *name)
{
	for (const target_alias *a = t->aliases; a && a->name; a++)
		if (!strcasecmp(a->name, name))
			return a;
	return NULL;
}

int target_has_board_exit(const target_desc *t, const char *machine)
{
	return t->exit_machine && machine &&
	       !strncmp(machine, t->exit_machine, strlen(t->exit_machine));
}

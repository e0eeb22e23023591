/* Register access by name: target.xml names, x86 sub-register and generic
 * aliases, and real-mode linear PC/SP. */
#include "regs.h"

#include <string.h>
#include <strings.h>

typedef struct alias {
	const char *name;
	const char *base32;  /* the register on i386/i8086 */
	const char *base64;  /* the register on x86_64 */
	int shift, bits;
} alias;

/* x86 names that QEMU's target.xml does not carry. */
static const alias x86_aliases[] = {
	{ "al", "eax", "rax", 0, 8 }, { "ah", "eax", "rax", 8, 8 },
	{ "ax", "eax", "rax", 0, 16 }, { "bl", "ebx", "rbx", 0, 8 },
	{ "bh", "ebx", "rbx", 8, 8 }, { "bx", "ebx", "rbx", 0, 16 },
	{ "cl", "ecx", "rcx", 0, 8 }, { "ch", "ecx", "rcx", 8, 8 },
	{ "cx", "ecx", "rcx", 0, 16 }, { "dl", "edx", "rdx", 0, 8 },
	{ "dh", "edx", "rdx", 8, 8 }, { "dx", "edx", "rdx", 0, 16 },
	{ "si", "esi", "rsi", 0, 16 }, { "di", "edi", "rdi", 0, 16 },
	{ "bp", "ebp", "rbp", 0, 16 }, { "ip", "eip", "rip", 0, 16 },
	{ "eax", NULL, "rax", 0, 32 }, { "ebx", NULL, "rbx", 0, 32 },
	{ "ecx", NULL, "rcx", 0, 32 }, { "edx", NULL, "rdx", 0, 32 },
	{ "esi", NULL, "rsi", 0, 32 }, { "edi", NULL, "rdi", 0, 32 },
	{ "ebp", NULL, "rbp", 0, 32 }, { "esp", NULL, "rsp", 0, 32 },
	{ "eip", NULL, "rip", 0, 32 },
};

static int is_x86(const target_desc *t)
{
	return !strcmp(t->name, "i386") || !strcmp(t->name, "i8086") ||
	       !strcmp(t->name, "x86_64");
}

static int is_real_mode(const target_desc *t)
{
	return !strcmp(t->name, "i8086");
}

/* Reads a target.xml register of up to 64 bits. */
static int read_reg(uint64_t *value, int *bits, rsp_conn *c,
		    const rsp_reg *r)
{
	uint8_t buf[RSP_STOP_REG_BYTES];
	size_t len = 0;
	uint64_t v = 0;
	int err;

	if (r->bitsize <= 0 || r->bitsize > 64)
		return RSP_ENOTFOUND;
	if ((err = rsp_reg_read(buf, sizeof(buf), &len, c, r)) < 0)
		return err;
	if (len > 8)
		len = 8;
	for (size_t i = len; i-- > 0;)
		v = (v << 8) | buf[i];
	*value = v;
	*bits = r->bitsize;
	return 0;
}

/* The alias of `name` on this target: the base register, shift, width. */
static int find_alias(const char **base, int *shift, int *bits,
		      const target_desc *t, const char *name)
{
	if (is_x86(t)) {
		int wide = !strcmp(t->name, "x86_64");
		for (size_t i = 0; i < sizeof(x86_aliases) / sizeof(*x86_aliases); i++) {
			const alias *a = &x86_aliases[i];
			const char *b = wide ? a->base64 : a->base32;
			if (b && !strcasecmp(a->name, name)) {
				*base = b;
				*shift = a->shift;
				*bits = a->bits;
				return 0;
			}
		}
	}
	*shift = 0;
	*bits = 0; /* the base register's own width */
	if (!strcasecmp(name, "pc"))
		*base = t->pc_reg;
	else if (!strcasecmp(name, "sp"))
		*base = t->sp_reg;
	else if (!strcasecmp(name, "fp"))
		*base = t->fp_reg;
	else if (!strcasecmp(name, "lr"))
		*base = t->lr_reg;
	else
		*base = NULL;
	return *base ? 0 : RSP_ENOTFOUND;
}

int regs_known(rsp_conn *c, const target_desc *t, const char *name)
{
	const char *base;
	int shift, bits;

	if (rsp_reg_find(c, name))
		return 1;
	return find_alias(&base, &shift, &bits, t, name) == 0 &&
	       rsp_reg_find(c, base) != NULL;
}

int regs_get(uint64_t *value, int *bits, rsp_conn *c, const target_desc *t,
	     const char *name)
{
	const rsp_reg *r = rsp_reg_find(c, name);
	const char *base;
	int shift, abits, err;
	uint64_t v;

	if (r)
		return read_reg(value, bits, c, r);
	if (find_alias(&base, &shift, &abits, t, name) < 0 ||
	    !(r = rsp_reg_find(c, base)))
		return RSP_ENOTFOUND;
	if ((err = read_reg(&v, bits, c, r)) < 0)
		return err;
	if (abits) {
		v = (v >> shift) & (((uint64_t)1 << abits) - 1);
		*bits = abits;
	}
	*value = v;
	return 0;
}

/* offset + segment * 16 in real mode, else offset. */
static int linear(uint64_t *out, rsp_conn *c, const target_desc *t,
		  const char *reg, const char *seg)
{
	uint64_t off, base = 0;
	int bits, err;

	if ((err = regs_get(&off, &bits, c, t, reg)) < 0)
		return err;
	if (is_real_mode(t)) {
		if ((err = regs_get(&base, &bits, c, t, seg)) < 0)
			return err;
		off = (off & 0xffff) + ((base & 0xffff) << 4);
	}
	*out = off;
	return 0;
}

int regs_pc(uint64_t *pc, rsp_conn *c, const target_desc *t)
{
	return linear(pc, c, t, t->pc_reg, "cs");
}

int regs_sp(uint64_t *sp, rsp_conn *c, const target_desc *t)
{
	return linear(sp, c, t, t->sp_reg, "ss");
}

int regs_mem_uint(uint64_t *value, rsp_conn *c, uint64_t addr, int bytes)
{
	uint8_t buf[8];
	uint64_t v = 0;
	int err;

	if (bytes < 1 || bytes > 8)
		return RSP_EPROTO;
	if ((err = rsp_mem_read(buf, c, addr, (size_t)bytes)) < 0)
		return err;
	for (int i = bytes; i-- > 0;)
		v = (v << 8) | buf[i];
	*value = v;
	return 0;
}

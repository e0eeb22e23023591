/* Register access by name: target.xml names, the target's and generic
 * aliases, real-mode linear PC/SP; reads go through rsp_regcache. */
#include "regs.h"

#include <string.h>
#include <strings.h>

/* Reads a target.xml register of up to 64 bits. */
static int read_reg(uint64_t *value, int *bits, rsp_regcache *rc, rsp_conn *c,
		    const rsp_reg *r)
{
	int err = rsp_regcache_read(value, rc, c, r);

	if (err == 0)
		*bits = r->bitsize;
	return err;
}

/* The alias of `name` on this target: the base register, shift, width. */
static int find_alias(const char **base, int *shift, int *bits,
		      const target_desc *t, const char *name)
{
	const target_alias *a = target_alias_find(t, name);

	if (a) {
		*base = a->base;
		*shift = a->shift;
		*bits = a->bits;
		return 0;
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
	return regs_get_cached(value, bits, NULL, c, t, name);
}

int regs_get_cached(uint64_t *value, int *bits, rsp_regcache *rc, rsp_conn *c,
		    const target_desc *t, const char *name)
{
	const rsp_reg *r = rsp_reg_find(c, name);
	const char *base;
	int shift, abits, err;
	uint64_t v;

	if (r)
		return read_reg(value, bits, rc, c, r);
	if (find_alias(&base, &shift, &abits, t, name) < 0 ||
	    !(r = rsp_reg_find(c, base)))
		return RSP_ENOTFOUND;
	if ((err = read_reg(&v, bits, rc, c, r)) < 0)
		return err;
	if (abits) {
		v = (v >> shift) & (((uint64_t)1 << abits) - 1);
		*bits = abits;
	}
	*value = v;
	return 0;
}

/* offset + segment * 16 in real mode (`seg` not NULL), else offset. */
static int linear(uint64_t *out, rsp_regcache *rc, rsp_conn *c,
		  const target_desc *t, const char *reg, const char *seg)
{
	uint64_t off, base = 0;
	int bits, err;

	if ((err = regs_get_cached(&off, &bits, rc, c, t, reg)) < 0)
		return err;
	if (seg) {
		if ((err = regs_get_cached(&base, &bits, rc, c, t, seg)) < 0)
			return err;
		off = (off & 0xffff) + ((base & 0xffff) << 4);
	}
	*out = off;
	return 0;
}

int regs_pc(uint64_t *pc, rsp_conn *c, const target_desc *t)
{
	return linear(pc, NULL, c, t, t->pc_reg, t->pc_seg_reg);
}

int regs_sp(uint64_t *sp, rsp_conn *c, const target_desc *t)
{
	return linear(sp, NULL, c, t, t->sp_reg, t->sp_seg_reg);
}

int regs_pc_cached(uint64_t *pc, rsp_regcache *rc, rsp_conn *c,
		   const target_desc *t)
{
	return linear(pc, rc, c, t, t->pc_reg, t->pc_seg_reg);
}

int regs_sp_cached(uint64_t *sp, rsp_regcache *rc, rsp_conn *c,
		   const target_desc *t)
{
	return linear(sp, rc, c, t, t->sp_reg, t->sp_seg_reg);
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

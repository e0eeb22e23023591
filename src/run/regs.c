/* Register access by name: target.xml names, the target's and generic
 * aliases, real-mode linear PC/SP, and the per-stop 'g' cache. */
#include "regs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- the per-stop cache ------------------------------------------------ */

void regs_cache_reset(regs_cache *rc)
{
	if (!rc)
		return;
	rc->valid = 0;
	rc->len = 0;
	rc->ndirty = 0;
}

static uint64_t le_value(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* 1 when `r` lies wholly inside the 'g' bytes held (filling them first);
 * 0 when it must go through 'p'/'P'; <0 on a stub error. */
static int cache_holds(regs_cache *rc, rsp_conn *c, const rsp_reg *r)
{
	size_t n = (size_t)(r->bitsize + 7) / 8;
	int err;

	if (!rc || rc->unusable || r->g_offset < 0 || n == 0 || n > 8)
		return 0;
	if (!rc->valid) {
		err = rsp_regs_read_all(rc->g, sizeof(rc->g), &rc->len, c);
		rc->reads++;
		if (err == RSP_EPROTO) {
			/* Too big for the cache, or a 'g' we cannot use:
			 * register by register from now on. */
			rc->unusable = 1;
			return 0;
		}
		if (err < 0)
			return err;
		rc->valid = 1;
	}
	return (size_t)r->g_offset <= rc->len && n <= rc->len - (size_t)r->g_offset;
}

int regs_cache_read(uint64_t *value, regs_cache *rc, rsp_conn *c,
		    const rsp_reg *r)
{
	uint8_t buf[RSP_STOP_REG_BYTES];
	size_t len = 0;
	int err;

	if (r->bitsize <= 0 || r->bitsize > 64)
		return RSP_ENOTFOUND;
	err = cache_holds(rc, c, r);
	if (err < 0)
		return err;
	if (err == 1) {
		*value = le_value(rc->g + r->g_offset, (size_t)(r->bitsize + 7) / 8);
		return 0;
	}
	if ((err = rsp_reg_read(buf, sizeof(buf), &len, c, r)) < 0)
		return err;
	if (rc)
		rc->reads++;
	*value = le_value(buf, len > 8 ? 8 : len);
	return 0;
}

int regs_cache_write(regs_cache *rc, rsp_conn *c, const rsp_reg *r,
		     uint64_t value)
{
	size_t n = (size_t)(r->bitsize + 7) / 8;
	int err = cache_holds(rc, c, r);
	uint8_t buf[8];

	if (r->bitsize <= 0 || r->bitsize > 64)
		return RSP_ENOTFOUND;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	if (err < 0)
		return err;
	if (err == 0) {
		if (rc)
			rc->writes++;
		return rsp_reg_write(c, r, buf, n);
	}
	if (rc->ndirty == REGS_CACHE_DIRTY && (err = regs_cache_flush(rc, c)) < 0)
		return err;
	memcpy(rc->g + r->g_offset, buf, n);
	for (size_t i = 0; i < rc->ndirty; i++)
		if (rc->dirty[i] == r)
			return 0;
	rc->dirty[rc->ndirty++] = r;
	return 0;
}

int regs_cache_flush(regs_cache *rc, rsp_conn *c)
{
	static const char hexdig[] = "0123456789abcdef";
	char *pkt, reply[64];
	size_t rlen;
	int err;

	if (!rc || rc->ndirty == 0)
		return 0;
	if (rc->ndirty == 1) {
		const rsp_reg *r = rc->dirty[0];
		rc->ndirty = 0;
		rc->writes++;
		return rsp_reg_write(c, r, rc->g + r->g_offset,
				     (size_t)(r->bitsize + 7) / 8);
	}
	if (!(pkt = malloc(2 * rc->len + 2)))
		return RSP_ESYS;
	pkt[0] = 'G';
	for (size_t i = 0; i < rc->len; i++) {
		pkt[1 + 2 * i] = hexdig[rc->g[i] >> 4];
		pkt[2 + 2 * i] = hexdig[rc->g[i] & 15];
	}
	pkt[1 + 2 * rc->len] = '\0';
	rc->ndirty = 0;
	rc->writes++;
	err = rsp_request(reply, sizeof(reply), &rlen, c, pkt);
	free(pkt);
	if (err < 0)
		return err;
	return strcmp(reply, "OK") == 0 ? 0 : RSP_EREMOTE;
}

/* Reads a target.xml register of up to 64 bits. */
static int read_reg(uint64_t *value, int *bits, regs_cache *rc, rsp_conn *c,
		    const rsp_reg *r)
{
	int err = regs_cache_read(value, rc, c, r);

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

int regs_get_cached(uint64_t *value, int *bits, regs_cache *rc, rsp_conn *c,
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
static int linear(uint64_t *out, regs_cache *rc, rsp_conn *c,
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

int regs_pc_cached(uint64_t *pc, regs_cache *rc, rsp_conn *c,
		   const target_desc *t)
{
	return linear(pc, rc, c, t, t->pc_reg, t->pc_seg_reg);
}

int regs_sp_cached(uint64_t *sp, regs_cache *rc, rsp_conn *c,
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

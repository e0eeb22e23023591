/*
 * Registers of libgdb-remote: the table from the target description, the
 * g/G and p/P packets (GDB manual, "Packets"), by table entry or name, and
 * the per-stop register cache (rsp_regcache).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* Largest register we read through p (a 512-bit vector register has 64
 * bytes; SVE Z registers of 2048 bits 256). */
#define MAX_REG_BYTES 256

/* The table as a whole: a partial one is completed first. When that
 * fails the part read stands (the message says why). */
static const tdesc *whole(rsp_conn *c)
{
	rsp_features_complete(c);
	return c->tdesc;
}

size_t rsp_reg_count(rsp_conn *c)
{
	return tdesc_count(whole(c));
}

const rsp_reg *rsp_reg_at(rsp_conn *c, size_t index)
{
	return tdesc_at(whole(c), index);
}

const rsp_reg *rsp_reg_find(rsp_conn *c, const char *name)
{
	const rsp_reg *reg = tdesc_find(c->tdesc, name);

	return reg || !tdesc_partial(c->tdesc) ? reg : tdesc_find(whole(c), name);
}

static size_t reg_bytes(const rsp_reg *reg)
{
	return ((size_t)reg->bitsize + 7) / 8;
}

/* Hex register bytes; 'x' digits (unavailable) read as 0. */
static int decode_regs(uint8_t *buf, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex[i] == 'x' ? 0 : rsp_hex_digit((unsigned char)hex[i]);
		int lo = hex[i + 1] == 'x' ? 0 : rsp_hex_digit((unsigned char)hex[i + 1]);
		if (hi < 0 || lo < 0)
			return RSP_EPROTO;
		buf[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int read_g(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	err = rsp_exchangef(c, &r, &rlen, "g");
	if (!err)
		err = rsp_check_reply(c, r, rlen, "g");
	if (err)
		return err;
	if (rlen % 2 || decode_regs(buf, r, rlen > 2 * cap ? 0 : rlen))
		return rsp_seterr(c, RSP_EPROTO, "malformed 'g' reply");
	if (rlen / 2 > cap)
		return rsp_seterr(c, RSP_EPROTO, "'g' reply of %zu bytes exceeds %zu",
				  rlen / 2, cap);
	*len = rlen / 2;
	return 0;
}

int rsp_regs_read_all(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c)
{
	rsp_begin(c);
	return read_g(buf, cap, len, c);
}

/* Reads the whole 'g' block into a malloc'd buffer of RSP_MAX_PACKET/2. */
static int read_g_alloc(uint8_t **out, size_t *len, rsp_conn *c)
{
	uint8_t *buf = malloc(RSP_MAX_PACKET / 2);
	int err;

	*out = NULL;
	if (!buf)
		return rsp_seterr(c, RSP_ESYS, "out of memory");
	err = read_g(buf, RSP_MAX_PACKET / 2, len, c);
	if (err)
		free(buf);
	else
		*out = buf;
	return err;
}

/* Where `reg` sits in a 'g' block of glen bytes. */
static int g_slot(rsp_conn *c, const rsp_reg *reg, size_t glen)
{
	size_t off, n;

	if (rsp_reg_slot(&off, &n, reg, glen) < 0)
		return rsp_seterr(c, RSP_ENOTFOUND,
				  "register %s is not in the 'g' packet", reg->name);
	return 0;
}

static int read_via_g(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c,
		      const rsp_reg *reg)
{
	uint8_t *g = NULL;
	size_t glen, n = reg_bytes(reg);
	int err;

	if (n > cap)
		return rsp_seterr(c, RSP_EPROTO, "register %s needs %zu bytes",
				  reg->name, n);
	err = read_g_alloc(&g, &glen, c);
	if (!err)
		err = g_slot(c, reg, glen);
	if (err)
		goto out;
	memcpy(buf, g + reg->g_offset, n);
	*len = n;
out:
	free(g);
	return err;
}

/* 'p': 1 when the stub does not support it (fall back to 'g'). */
static int read_via_p(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c,
		      const rsp_reg *reg)
{
	const char *r;
	size_t rlen;
	int err;

	err = rsp_exchangef(c, &r, &rlen, "p%x", (unsigned)reg->regnum);
	if (err)
		return err;
	if (rlen == 0) {
		c->p_probe = RSP_PROBE_NO;
		return 1;
	}
	c->p_probe = RSP_PROBE_YES;
	err = rsp_check_reply(c, r, rlen, "p");
	if (err)
		return err;
	if (r[0] == 'x')
		return rsp_seterr(c, RSP_ENOTFOUND, "register %s is unavailable",
				  reg->name);
	if (rlen / 2 > cap)
		return rsp_seterr(c, RSP_EPROTO, "register %s: %zu bytes exceed %zu",
				  reg->name, rlen / 2, cap);
	if (rsp_hex_decode(buf, r, rlen))
		return rsp_seterr(c, RSP_EPROTO, "malformed 'p' reply");
	*len = rlen / 2;
	return 0;
}

int rsp_reg_read(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c,
		 const rsp_reg *reg)
{
	int err;

	rsp_begin(c);
	if (c->p_probe != RSP_PROBE_NO) {
		err = read_via_p(buf, cap, len, c, reg);
		if (err <= 0)
			return err;
	}
	return read_via_g(buf, cap, len, c, reg);
}

/* Writes a whole 'g' block back with 'G'. */
static int write_g(rsp_conn *c, const uint8_t *g, size_t glen)
{
	char *pkt = malloc(2 * glen + 2);
	const char *r;
	size_t rlen;
	int err;

	if (!pkt)
		return rsp_seterr(c, RSP_ESYS, "out of memory");
	pkt[0] = 'G';
	rsp_hex_encode(pkt + 1, g, glen);
	err = rsp_exchange(c, &r, &rlen, pkt, 2 * glen + 1);
	if (!err)
		err = rsp_expect_ok(c, r, rlen, "G");
	free(pkt);
	return err;
}

int rsp_regs_write_all(rsp_conn *c, const uint8_t *buf, size_t len)
{
	rsp_begin(c);
	if (len == 0 || len > RSP_MAX_PACKET / 2 - 1)
		return rsp_seterr(c, RSP_EPROTO, "G: %zu bytes of registers", len);
	return write_g(c, buf, len);
}

static int write_via_g(rsp_conn *c, const rsp_reg *reg, const uint8_t *value)
{
	uint8_t *g = NULL;
	size_t glen;
	int err;

	err = read_g_alloc(&g, &glen, c);
	if (!err)
		err = g_slot(c, reg, glen);
	if (err)
		goto out;
	memcpy(g + reg->g_offset, value, reg_bytes(reg));
	err = write_g(c, g, glen);
out:
	free(g);
	return err;
}

int rsp_reg_write(rsp_conn *c, const rsp_reg *reg, const uint8_t *value,
		  size_t len)
{
	char pkt[32 + 2 * MAX_REG_BYTES];
	const char *r;
	size_t rlen;
	int err, n;

	rsp_begin(c);
	if (len != reg_bytes(reg) || len > MAX_REG_BYTES)
		return rsp_seterr(c, RSP_EPROTO, "register %s takes %zu bytes, not %zu",
				  reg->name, reg_bytes(reg), len);
	if (c->P_probe != RSP_PROBE_NO) {
		n = snprintf(pkt, sizeof(pkt), "P%x=", (unsigned)reg->regnum);
		rsp_hex_encode(pkt + n, value, len);
		err = rsp_exchange(c, &r, &rlen, pkt, (size_t)n + 2 * len);
		if (err)
			return err;
		if (rlen > 0) {
			c->P_probe = RSP_PROBE_YES;
			return rsp_expect_ok(c, r, rlen, "P");
		}
		c->P_probe = RSP_PROBE_NO;
	}
	return write_via_g(c, reg, value);
}

static int find_reg(const rsp_reg **out, rsp_conn *c, const char *name)
{
	*out = rsp_reg_find(c, name);
	if (!*out)
		return rsp_seterr(c, RSP_ENOTFOUND, "no register named '%s'", name);
	if (reg_bytes(*out) > 8)
		return rsp_seterr(c, RSP_EPROTO, "register %s is wider than 64 bits",
				  name);
	return 0;
}

int rsp_reg_get_u64(uint64_t *value, rsp_conn *c, const char *name)
{
	const rsp_reg *reg;
	uint8_t buf[MAX_REG_BYTES];
	size_t len = 0;
	int err;

	rsp_begin(c);
	err = find_reg(&reg, c, name);
	if (!err)
		err = rsp_reg_read(buf, sizeof(buf), &len, c, reg);
	if (err)
		return err;
	if (len > 8)
		return rsp_seterr(c, RSP_EPROTO, "register %s: %zu bytes read", name, len);
	uint64_t v = 0;
	for (size_t i = len; i-- > 0;)
		v = v << 8 | buf[i];
	*value = v;
	return 0;
}

int rsp_reg_set_u64(rsp_conn *c, const char *name, uint64_t value)
{
	const rsp_reg *reg;
	uint8_t buf[8];
	int err;

	rsp_begin(c);
	err = find_reg(&reg, c, name);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	return rsp_reg_write(c, reg, buf, reg_bytes(reg));
}

/* ---- the per-stop register cache ---------------------------------------- */

/* Why 4 KiB: QEMU's 'g' is its core registers only (68 bytes on Cortex-M,
 * 268 on AArch64, 264 on RV64, ~600 on x86_64 with the x87 and SSE
 * state); a stub sending more is read register by register instead. */
#define REGCACHE_BYTES 4096
/* Why 4: a semihosting call changes two (result and PC). */
#define REGCACHE_DIRTY 4

struct rsp_regcache {
	uint8_t g[REGCACHE_BYTES];
	size_t len;              /* bytes of the last 'g' */
	int valid;               /* g[] holds the registers of this stop */
	int unusable;            /* 'g' failed or did not fit: use 'p'/'P' */
	const rsp_reg *dirty[REGCACHE_DIRTY];
	size_t ndirty;
};

int rsp_reg_slot(size_t *offset, size_t *len, const rsp_reg *reg, size_t glen)
{
	size_t n = reg_bytes(reg);

	if (reg->g_offset < 0 || (size_t)reg->g_offset > glen || n > glen - (size_t)reg->g_offset)
		return RSP_ENOTFOUND;
	*offset = (size_t)reg->g_offset;
	*len = n;
	return 0;
}

int rsp_regcache_new(rsp_regcache **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : RSP_ESYS;
}

void rsp_regcache_free(rsp_regcache *rc)
{
	free(rc);
}

void rsp_regcache_reset(rsp_regcache *rc)
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

/* 1 when `reg` lies wholly inside the 'g' bytes held (filling them
 * first); 0 when it must go through 'p'/'P'; <0 on a stub error. */
static int cache_holds(rsp_regcache *rc, rsp_conn *c, const rsp_reg *reg)
{
	size_t off, n = reg_bytes(reg);
	int err;

	if (!rc || rc->unusable || reg->g_offset < 0 || n == 0 || n > 8)
		return 0;
	if (!rc->valid) {
		err = read_g(rc->g, sizeof(rc->g), &rc->len, c);
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
	return rsp_reg_slot(&off, &n, reg, rc->len) == 0;
}

int rsp_regcache_read(uint64_t *value, rsp_regcache *rc, rsp_conn *c,
		      const rsp_reg *reg)
{
	uint8_t buf[RSP_STOP_REG_BYTES];
	size_t len = 0;
	int err;

	rsp_begin(c);
	if (reg->bitsize <= 0 || reg->bitsize > 64)
		return RSP_ENOTFOUND;
	err = cache_holds(rc, c, reg);
	if (err < 0)
		return err;
	if (err == 1) {
		*value = le_value(rc->g + reg->g_offset, reg_bytes(reg));
		return 0;
	}
	if ((err = rsp_reg_read(buf, sizeof(buf), &len, c, reg)) < 0)
		return err;
	*value = le_value(buf, len > 8 ? 8 : len);
	return 0;
}

int rsp_regcache_write(rsp_regcache *rc, rsp_conn *c, const rsp_reg *reg,
		       uint64_t value)
{
	size_t n = reg_bytes(reg);
	uint8_t buf[8];
	int err;

	rsp_begin(c);
	if (reg->bitsize <= 0 || reg->bitsize > 64)
		return RSP_ENOTFOUND;
	if ((err = cache_holds(rc, c, reg)) < 0)
		return err;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	if (err == 0)
		return rsp_reg_write(c, reg, buf, n);
	if (rc->ndirty == REGCACHE_DIRTY && (err = rsp_regcache_flush(rc, c)) < 0)
		return err;
	memcpy(rc->g + reg->g_offset, buf, n);
	for (size_t i = 0; i < rc->ndirty; i++)
		if (rc->dirty[i] == reg)
			return 0;
	rc->dirty[rc->ndirty++] = reg;
	return 0;
}

int rsp_regcache_flush(rsp_regcache *rc, rsp_conn *c)
{
	rsp_begin(c);
	if (!rc || rc->ndirty == 0)
		return 0;
	if (rc->ndirty == 1) {
		const rsp_reg *reg = rc->dirty[0];
		rc->ndirty = 0;
		return rsp_reg_write(c, reg, rc->g + reg->g_offset, reg_bytes(reg));
	}
	rc->ndirty = 0;
	return write_g(c, rc->g, rc->len);
}

/*
 * Register access by name for checks and the run loop: QEMU's target.xml
 * names first, then aliases the user expects but the stub does not send
 * (the target's, e.g. x86 sub-registers al, ah, ax; pc, sp, fp, lr on every
 * target), and the linear PC/SP of real mode (segment * 16 + offset).
 */
#ifndef REGS_H
#define REGS_H

#include <stddef.h>
#include <stdint.h>

#include "rsp.h"
#include "target.h"

/* The functions below read through the cache `rc` (include/rsp.h) when it
 * is not NULL. */

/* 1 when `name` is a register or an alias on this connection and target. */
int regs_known(rsp_conn *c, const target_desc *t, const char *name);

/* The value (zero-extended) and width in bits of register/alias `name`.
 * RSP_ENOTFOUND when unknown; other rsp errors when the read failed. */
int regs_get(uint64_t *value, int *bits, rsp_conn *c, const target_desc *t,
	     const char *name);
int regs_get_cached(uint64_t *value, int *bits, rsp_regcache *rc, rsp_conn *c,
		    const target_desc *t, const char *name);

/* The PC and SP as guest addresses (linear in real mode). */
int regs_pc(uint64_t *pc, rsp_conn *c, const target_desc *t);
int regs_sp(uint64_t *sp, rsp_conn *c, const target_desc *t);
int regs_pc_cached(uint64_t *pc, rsp_regcache *rc, rsp_conn *c,
		   const target_desc *t);
int regs_sp_cached(uint64_t *sp, rsp_regcache *rc, rsp_conn *c,
		   const target_desc *t);

/* Little-endian value of `bytes` (1..8) bytes of guest memory. */
int regs_mem_uint(uint64_t *value, rsp_conn *c, uint64_t addr, int bytes);

#endif /* REGS_H */

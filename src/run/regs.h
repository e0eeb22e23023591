/*
 * Register access by name for checks and the run loop: QEMU's target.xml
 * names first, then aliases the user expects but the stub does not send
 * (x86 sub-registers al, ah, ax, ... eax on x86_64; pc, sp, fp, lr on every
 * target), and the linear PC/SP of real mode (segment * 16 + offset).
 */
#ifndef REGS_H
#define REGS_H

#include <stddef.h>
#include <stdint.h>

#include "rsp.h"
#include "target.h"

/*
 * A register cache for one stop: the whole register file read with ONE 'g'
 * and picked by table (rsp_reg.g_offset), instead of one 'p' per register,
 * and writes held back until regs_cache_flush() sends them as one 'P' (one
 * register changed) or one 'G' (several). Why: a stop/continue through
 * QEMU's stub costs ~350 us and each exchange ~15 us, so a semihosting call
 * or a breakpoint hit is dominated by how many exchanges it needs.
 *
 * Valid only while the guest is halted at the stop it was filled at: the
 * caller must regs_cache_reset() before resuming or stepping, or 'G' would
 * write back stale values of registers the guest changed since. The 'G'
 * carries exactly the bytes the 'g' returned, with the dirty registers
 * patched, so every other register gets the value it has now.
 * Registers outside the 'g' packet (g_offset -1, or beyond what the stub
 * sent) are read with 'p' and written with 'P' at once.
 */
/* Why 4 KiB: QEMU's 'g' is its core registers only (68 bytes on Cortex-M,
 * 268 on AArch64, 264 on RV64, ~600 on x86_64 with the x87 and SSE
 * state); a stub sending more is read register by register instead. */
#define REGS_CACHE_BYTES 4096
/* Why 4: a semihosting call changes two (result and PC). */
#define REGS_CACHE_DIRTY 4

typedef struct regs_cache {
	uint8_t g[REGS_CACHE_BYTES];
	size_t len;              /* bytes of the last 'g' */
	int valid;               /* g[] holds the registers of this stop */
	int unusable;            /* 'g' failed or did not fit: use 'p'/'P' */
	const rsp_reg *dirty[REGS_CACHE_DIRTY];
	size_t ndirty;
	unsigned reads, writes;  /* packets sent through the cache (tests) */
} regs_cache;

/* Forgets the values (the guest is about to run); dirty writes must have
 * been flushed. */
void regs_cache_reset(regs_cache *rc);

/* A register of up to 64 bits, zero-extended: from the cache (filling it
 * with one 'g' on first use) when the register is in the 'g' packet, else
 * with 'p'. `rc` NULL: always 'p'. */
int regs_cache_read(uint64_t *value, regs_cache *rc, rsp_conn *c,
		    const rsp_reg *r);
/* Sets a register: patched into the cache and sent by regs_cache_flush(),
 * or sent with 'P' now when the cache cannot hold it. */
int regs_cache_write(regs_cache *rc, rsp_conn *c, const rsp_reg *r,
		     uint64_t value);
/* Sends the held writes: nothing, one 'P', or one 'G' for two or more
 * (measured: one 'G' costs 1.2-1.5 'P', so 'G' wins from two on). */
int regs_cache_flush(regs_cache *rc, rsp_conn *c);

/* The functions below read through `rc` when it is not NULL. */

/* 1 when `name` is a register or an alias on this connection and target. */
int regs_known(rsp_conn *c, const target_desc *t, const char *name);

/* The value (zero-extended) and width in bits of register/alias `name`.
 * RSP_ENOTFOUND when unknown; other rsp errors when the read failed. */
int regs_get(uint64_t *value, int *bits, rsp_conn *c, const target_desc *t,
	     const char *name);
int regs_get_cached(uint64_t *value, int *bits, regs_cache *rc, rsp_conn *c,
		    const target_desc *t, const char *name);

/* The PC and SP as guest addresses (linear in real mode). */
int regs_pc(uint64_t *pc, rsp_conn *c, const target_desc *t);
int regs_sp(uint64_t *sp, rsp_conn *c, const target_desc *t);
int regs_pc_cached(uint64_t *pc, regs_cache *rc, rsp_conn *c,
		   const target_desc *t);
int regs_sp_cached(uint64_t *sp, regs_cache *rc, rsp_conn *c,
		   const target_desc *t);

/* Little-endian value of `bytes` (1..8) bytes of guest memory. */
int regs_mem_uint(uint64_t *value, rsp_conn *c, uint64_t addr, int bytes);

#endif /* REGS_H */

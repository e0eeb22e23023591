/*
 * Prologue analysis: the caller of a frame in code that has neither DWARF
 * CFI nor an EHABI entry (Debian's glibc has none for abort() on armhf
 * and riscv64), found as GDB finds it there: the function's first
 * instructions, decoded by the target (target_prologue_fn), say how much
 * of the stack it took and where it saved its return address and
 * callee-saved registers. Part of the unwinder (src/guest/unwind.c).
 */
#ifndef UNWIND_PROLOGUE_H
#define UNWIND_PROLOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "target.h"
#include "unwind.h"

/* Why 512 bytes: GCC's and clang's prologues with every callee-saved
 * register saved and a stack protector take well under 100 bytes; the
 * scan also stops at the first branch. */
#define PROLOGUE_MAX_BYTES 512u
/* Why 4 KiB: a C library function; the registers a larger one writes
 * are taken as all (unknown in the caller). */
#define PROLOGUE_MAX_BODY 4096u

/* The frame a prologue built. Slots are relative to the CFA, the stack
 * pointer at the function's entry (negative: below it). */
typedef struct prologue_frame {
	uint64_t size;              /* bytes the prologue took off sp */
	uint64_t saved;             /* registers saved, a bit each (DWARF
				     * numbers below UNWIND_REGS) */
	int64_t slot[UNWIND_REGS];  /* register n is at CFA + slot[n] */
	uint64_t lost;              /* written before being saved: the
				     * caller's value is gone */
} prologue_frame;

/*
 * Analyzes code[0..len), the bytes of a function from its first
 * instruction up to where it stopped (untrusted; `thumb`: Arm Thumb
 * code), with t's decoder. 0 with *out filled (a function that set up
 * nothing has size 0 and nothing saved); -1 when t has no decoder, the
 * decoder fails, or the frame is larger than UNWIND_MAX_FRAME.
 */
int prologue_analyze(prologue_frame *out, const target_desc *t,
		     const uint8_t *code, size_t len, int thumb);

/*
 * One step from the frame stopped at `pc` (a caller's return address
 * minus 1) in a function of `img` that has a symbol: `regs` (by DWARF
 * number; sp known, the link register too when `innermost` and it still
 * holds the return address) becomes the caller's: sp the CFA, the
 * callee-saved registers the prologue saved or the function never
 * writes, the others unknown (a function that never returns need not
 * keep them); the return address in *caller_pc. 1 on success; 0 when there
 * is no symbol, no decoder, or the prologue has not saved the return
 * address (and the frame is not the innermost); -1 when guest memory
 * could not be read.
 */
int prologue_step(uint64_t *caller_pc, unwind_regfile *regs, const image *img,
		  const target_desc *t, uint64_t pc, int innermost,
		  unwind_read_fn read, void *arg);

#endif /* UNWIND_PROLOGUE_H */

/*
 * Arm EHABI unwinding (.ARM.exidx and .ARM.extab): the caller of a frame
 * in code that has no DWARF CFI, as GCC's -funwind-tables builds it for
 * 32-bit Arm (glibc, newlib, the kernel's unwinder tables). Part of the
 * unwinder (src/guest/unwind.c); every value read is treated as hostile.
 */
#ifndef UNWIND_EXIDX_H
#define UNWIND_EXIDX_H

#include <stdint.h>

#include "image.h"
#include "unwind.h"

/*
 * One step with the index entry covering `pc` (bit 0 clear): `regs`
 * (r0-r15 by DWARF number; r13 known) becomes the caller's: the registers
 * the frame's unwind instructions pop, r13 the caller's SP, r15 its PC
 * (the popped r15, else r14). 1 on success; 0 when the image has no entry
 * for pc, or the entry says the frame cannot be unwound or needs a
 * personality routine; -1 when guest memory could not be read or the
 * instructions are malformed (the walk should stop).
 */
int exidx_step(unwind_regfile *regs, const image *img, uint64_t pc,
	       unwind_read_fn read, void *arg);

#endif /* UNWIND_EXIDX_H */

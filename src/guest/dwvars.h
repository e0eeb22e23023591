/*
 * The parameters and local variables of one stopped frame, from DWARF
 * (libdw): the scopes at the frame's PC, each variable's location there
 * (location lists, registers, the frame base, memory), and its value read
 * through a callback and formatted by its type. The image and guest memory
 * are hostile: expressions run on a bounded stack, a value is at most 8
 * bytes, a string at most DWVARS_STRING_MAX.
 */
#ifndef DWVARS_H
#define DWVARS_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "target.h"
#include "unwind.h"

/* Why 12: what a backtrace line can show of a frame; more are counted. */
#define DWVARS_MAX 12
/* Why 32: enough of a char * to recognise the string. */
#define DWVARS_STRING_MAX 32

typedef struct dwvars_var {
	char name[48];
	char value[96];      /* "41", "0x40081888 \"answer\"", "<optimized out>" */
	int param;           /* a formal parameter, else a local variable */
} dwvars_var;

/* One frame as the unwinder found it (unwind.h). */
typedef struct dwvars_frame {
	uint64_t pc;         /* where to look the scopes up: a caller's
			      * return address - 1 (inside its call) */
	const unwind_regfile *regs;
	uint64_t cfa;        /* when has_cfa */
	int has_cfa;
} dwvars_frame;

/*
 * Fills vars[0..*n) with the parameters of the function at f->pc, then
 * the locals in scope there, at most `cap` (*more says how many did not
 * fit). 0, or IMAGE_ENOTFOUND when the image has no DWARF for the PC.
 * Values that cannot be had say why in `value`; reading guest memory
 * goes through read_mem (unwind.h).
 */
int dwvars_frame_vars(dwvars_var *vars, size_t cap, size_t *n, size_t *more,
		      const image *img, const target_desc *t,
		      const dwvars_frame *f, unwind_read_fn read_mem, void *arg);

#endif /* DWVARS_H */

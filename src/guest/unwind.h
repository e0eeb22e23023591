/*
 * Backtraces of a stopped guest: DWARF CFI (.eh_frame, .debug_frame via
 * libdw) where the image has it for a PC, frame-pointer walking otherwise.
 * Guest memory comes through a callback, because the orchestrator reads it
 * through the GDB stub; every value read is treated as hostile.
 */
#ifndef UNWIND_H
#define UNWIND_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "target.h"

/* Reads `len` bytes of guest memory at `addr` into buf; 0 or a negative
 * error (any: the walk stops there). Values are little-endian. */
typedef int (*unwind_read_fn)(void *buf, uint64_t addr, size_t len, void *arg);

/* The little-endian word of `size` bytes (1..8) at addr through `read`
 * into *out (0 on failure); 0 or -1. */
static inline int unwind_read_word(uint64_t *out, uint64_t addr, unsigned size,
				   unwind_read_fn read, void *arg)
{
	uint8_t b[8];

	*out = 0;
	if (size == 0 || size > sizeof(b) || read(b, addr, size, arg) != 0)
		return -1;
	for (unsigned i = size; i-- > 0;)
		*out = (*out << 8) | b[i];
	return 0;
}

/* Why 40: above the DWARF number of every general register the targets
 * name (x86_64's rip is 16, AArch64's sp 31, RISC-V's x31 31); a set of
 * them fits a 64-bit mask. */
#define UNWIND_REGS 40

/* A caller's stack pointer never lies this far above its callee's in
 * test and kernel code; a larger jump means a corrupt frame. */
#define UNWIND_MAX_FRAME (16u * 1024 * 1024)

/* Registers by DWARF number, with a bit per known one. */
typedef struct unwind_regfile {
	uint64_t v[UNWIND_REGS];
	uint64_t known;      /* bit n: v[n] holds register n's value */
} unwind_regfile;

/* The registers of the innermost frame, as read from the stub. On x86 `lr`
 * is unused. For i8086 pass linear addresses (segment base added). `all`
 * may add any other registers (for the callers' callee-saved ones). */
typedef struct unwind_regs {
	uint64_t pc;
	uint64_t sp;
	uint64_t fp;
	uint64_t lr;
	int has_lr;          /* lr holds this frame's link register value */
	unwind_regfile all;
} unwind_regs;

/* How a frame was found. */
typedef enum unwind_how {
	UNWIND_HOW_START = 0, /* frame 0: the registers given */
	UNWIND_HOW_CFI,       /* from DWARF call frame information */
	UNWIND_HOW_FP,        /* from the frame-pointer chain */
	UNWIND_HOW_LR,        /* frame 0 had not saved its return address:
			       * it came from the link register / stack top */
	UNWIND_HOW_PROLOGUE,  /* from the callee's prologue, decoded (code
			       * without unwind information) */
} unwind_how;

typedef struct unwind_frame {
	uint64_t pc;         /* frame 0: the PC; callers: the return address
			      * (Thumb bit cleared) */
	uint64_t sp;         /* this frame's stack pointer (for frames found
			      * by FP walking: a lower bound) */
	const image_symbol *sym; /* function, found at pc (pc - 1 for
			      * callers, whose call may end the function);
			      * NULL when unknown. Borrowed from the image. */
	uint64_t offset;     /* pc - sym->addr */
	unwind_how how;
	/* What is known of this frame's registers: all of frame 0's given;
	 * a caller's as DWARF CFI restores them (callee-saved ones), else
	 * only its sp and fp. */
	unwind_regfile regs;
	uint64_t cfa;        /* canonical frame address, when has_cfa (CFI) */
	int has_cfa;
} unwind_frame;

/* Why the walk ended. */
typedef enum unwind_stop {
	UNWIND_STOP_END = 0,  /* outermost frame: return address 0, CFI says
			       * undefined, or a null frame pointer */
	UNWIND_STOP_CAP,      /* `cap` frames were filled */
	UNWIND_STOP_READ,     /* guest memory could not be read */
	UNWIND_STOP_BAD,      /* a frame failed the sanity checks: the stack
			       * did not move up, or a return address is not
			       * code of the image */
	UNWIND_STOP_NOINFO,   /* no CFI for the PC and no frame-pointer walk */
} unwind_stop;

/* Short static name of a stop reason, e.g. "end of stack". */
const char *unwind_stop_name(unwind_stop stop);

/*
 * Fills frames[0..*count) from `start`, innermost first; frames[0] is
 * always the start PC (cap must be >= 1). `img` may be a raw image or
 * NULL (then only frame-pointer walking, without symbols or the
 * code-address check). Nothing
 * is allocated from what guest memory says. Returns 0, with *stop saying
 * why the walk ended; -1 only when cap is 0.
 */
int unwind_backtrace(unwind_frame *frames, size_t *count, unwind_stop *stop,
		     size_t cap, const image *img, const target_desc *t,
		     const unwind_regs *start, unwind_read_fn read_mem,
		     void *arg);

#endif /* UNWIND_H */

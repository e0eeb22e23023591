/*
 * Finding semihosting traps in a guest image, by matching their encodings
 * at the instruction boundaries of its executable sections: where stubrun
 * must put breakpoints so that it, not QEMU, services the guest's
 * semihosting calls.
 *
 *   A64            HLT #0xF000                         (4 bytes)
 *   A32            SVC #0x123456, HLT #0xF000          (4 bytes)
 *   T32            SVC #0xAB, HLT #0x3C                (2 bytes)
 *   M-profile T32  BKPT #0xAB                          (2 bytes)
 *   RISC-V         slli x0,x0,0x1f; ebreak; srai x0,x0,7 (3 x 4 bytes,
 *                  uncompressed): the breakpoint is on the ebreak and the
 *                  PC resumes after the srai.
 * Arm vs Thumb follows the ELF mapping symbols ($a, $t, $d; $x, $d for
 * A64); $d ranges (literal pools) are skipped. Without mapping symbols, the
 * entry point's bit 0 (or an M-profile target) decides.
 */
#ifndef SEMIHOST_SCAN_H
#define SEMIHOST_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "target.h"

/* Error codes of the semihosting modules (semihost.h, semihost_scan.h,
 * fileio.h). */
enum {
	SEMIHOST_EINVAL = -1,   /* bad configuration: root not a directory,
				 * target without semihosting, bad heap spec */
	SEMIHOST_EIO = -2,      /* an `io` callback failed to reach the stub */
	SEMIHOST_ENOTTRAP = -3, /* semihost_handle() at a PC that is not a trap */
	SEMIHOST_ENOMEM = -4,
	SEMIHOST_EIMAGE = -5,   /* the image could not be scanned */
};

typedef enum semihost_isa {
	SEMIHOST_ISA_A64 = 0,
	SEMIHOST_ISA_A32,
	SEMIHOST_ISA_T32,
	SEMIHOST_ISA_RV32,
	SEMIHOST_ISA_RV64,
} semihost_isa;

typedef struct semihost_trap {
	uint64_t addr;      /* breakpoint address (the ebreak on RISC-V) */
	int bp_kind;        /* Z0 kind: 2 (Thumb) or 4 */
	unsigned skip;      /* bytes from addr to the next instruction */
	semihost_isa isa;
} semihost_trap;

/* Cap on traps per image: a real libc has a handful (one per libgloss
 * syscall stub, usually one); 4096 leaves room for inlined traps while
 * bounding the breakpoint count a hostile image can cause. */
#define SEMIHOST_MAX_TRAPS 4096

/*
 * Scans `len` bytes of code at guest address `addr`, all in one ISA.
 * Appends up to `cap - *count` traps to `traps` (advancing *count); more
 * than fit is SEMIHOST_ENOMEM. Pure; for tests and for semihost_scan().
 */
int semihost_scan_bytes(semihost_trap *traps, size_t cap, size_t *count,
			const uint8_t *code, size_t len, uint64_t addr,
			semihost_isa isa);

/*
 * Scans every executable section of `img` for `target`'s traps. *out is a
 * malloc'd array (free() it; NULL when none), *count its length, sorted by
 * address. SEMIHOST_EINVAL for a target without semihosting,
 * SEMIHOST_EIMAGE / SEMIHOST_ENOMEM with a message in errbuf.
 */
int semihost_scan(semihost_trap **out, size_t *count, const image *img,
		  const target_desc *target, char *errbuf, size_t errlen);

#endif /* SEMIHOST_SCAN_H */

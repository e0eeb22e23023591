/*
 * The post-mortem of a failed run, printed to a caller-owned stream: PC as
 * symbol+offset and file:line, the source lines there (when the file is on
 * this host), a backtrace with each frame's arguments and locals (DWARF),
 * the general registers by their target.xml names and the disassembly
 * around PC; in full, also the other (system) registers, the stack words
 * above SP and QEMU's `info registers` through the monitor. Every read goes through the stub and may
 * fail; a part that cannot be read says so and the rest still prints.
 */
#ifndef POSTMORTEM_H
#define POSTMORTEM_H

#include <stdio.h>

#include "image.h"
#include "rsp.h"
#include "target.h"
#include "unwind.h"

typedef struct postmortem_in {
	rsp_conn *conn;          /* stopped target */
	const target_desc *tgt;
	const image *img;        /* may be a raw image */
	const char *title;       /* one line saying why, e.g. "timeout after 2 s" */
	int at_entry;            /* stopped at a function's first instruction
				  * (exit or fail symbol): the backtrace then
				  * starts from the caller's frame */
	int monitor;             /* ask QEMU for `info registers` */
	int full;                /* also the system registers, the stack
				  * and QEMU's `info registers` */
	const unwind_regs *from; /* a fault caught at its handler: the
				  * faulting code's registers, where the
				  * code, stack and backtrace start; or NULL */
} postmortem_in;

/* Prints the post-mortem to `out`. Returns 0, or a negative rsp error when
 * not even the registers could be read (what could be printed was). */
int postmortem_print(FILE *out, const postmortem_in *in);

/* "sym+0x12 (file.c:34)" for a code address, or "" when the image says
 * nothing of it. */
void postmortem_where(char *buf, size_t len, const image *img, uint64_t addr);

#endif /* POSTMORTEM_H */

/* What RV32 and RV64 share beyond their descriptions (riscv.h): the fault
 * catch, from mtvec / stvec and mcause, mtval, mepc (RISC-V privileged
 * ISA, 3.1.7 and 3.1.15). */
#include "riscv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Entry ids: which trap vector, machine or supervisor. */
enum { RV_M = 0, RV_S = 1 };

static const char *const rv_tvec[] = { "mtvec", "stvec", NULL };
static const char *const rv_cause[] = { "mcause", "scause" };
static const char *const rv_tval[] = { "mtval", "stval" };
static const char *const rv_epc[] = { "mepc", "sepc" };

/* Both vectors: a bare guest runs in M-mode, one that delegates its
 * exceptions (medeleg) takes them at stvec. Vectored mode (mode 1) sends
 * exceptions to BASE too; only interrupts are vectored. */
static int rv_vectors(target_vector *v, size_t *n, const target_io *io)
{
	uint64_t tvec;
	int bits;

	*n = 0;
	for (int i = RV_M; i <= RV_S; i++) {
		if (io->reg(&tvec, &bits, rv_tvec[i], io->arg) < 0)
			continue;
		tvec &= ~(uint64_t)3;
		/* 0: not set yet (the reset value, where code may start);
		 * stvec equal to mtvec: one handler */
		if (tvec == 0 || (*n && v[0].addr == tvec))
			continue;
		v[(*n)++] = (target_vector){ tvec, i };
	}
	return 0;
}

/* Exception codes (privileged ISA table 3.6): NULL is not a fault (the
 * environment calls), `tval` says mtval holds the faulting address. */
static const struct rv_exc {
	const char *name;
	int tval;
} rv_excs[16] = {
	[0] = { "instruction address misaligned", 1 },
	[1] = { "instruction access fault", 1 },
	[2] = { "illegal instruction", 0 },
	[3] = { "breakpoint (ebreak)", 0 },
	[4] = { "load address misaligned", 1 },
	[5] = { "load access fault", 1 },
	[6] = { "store/AMO address misaligned", 1 },
	[7] = { "store/AMO access fault", 1 },
	[12] = { "instruction page fault", 1 },
	[13] = { "load page fault", 1 },
	[15] = { "store/AMO page fault", 1 },
};

static int rv_decode(target_fault *f, int id, const target_io *io)
{
	uint64_t cause, tval, epc;
	int bits, tbits;
	const struct rv_exc *e;

	memset(f, 0, sizeof(*f));
	if (id < RV_M || id > RV_S ||
	    io->reg(&cause, &bits, rv_cause[id], io->arg) < 0 ||
	    io->reg(&tval, &tbits, rv_tval[id], io->arg) < 0 ||
	    io->reg(&epc, &tbits, rv_epc[id], io->arg) < 0 ||
	    io->reg(&f->sp, &tbits, "sp", io->arg) < 0 ||
	    io->reg(&f->fp, &tbits, "fp", io->arg) < 0 ||
	    io->reg(&f->lr, &tbits, "ra", io->arg) < 0)
		return -1;
	if (bits < 1 || bits > 64 || cause >> (bits - 1) & 1)
		return 0; /* an interrupt */
	if (cause >= sizeof(rv_excs) / sizeof(rv_excs[0]) || !rv_excs[cause].name)
		return 0; /* an environment call, or a custom cause */
	e = &rv_excs[cause];
	if (cause == 2 && tval)
		snprintf(f->what, sizeof(f->what), "%s 0x%08" PRIx64, e->name, tval);
	else
		snprintf(f->what, sizeof(f->what), "%s", e->name);
	f->pc = epc;
	f->has_lr = 1;
	f->addr = tval;
	f->has_addr = e->tval;
	return 1;
}

/* Any CSR instruction (SYSTEM opcode) on mtvec (0x305) or stvec (0x105);
 * CSR instructions have no compressed form, and sit at 2-byte steps. */
static unsigned rv_tvec_write(const uint8_t *p, size_t avail)
{
	uint32_t w;

	if (avail < 4)
		return 0;
	w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	return (w & 0x7f) == 0x73 && ((w >> 20) == 0x305 || (w >> 20) == 0x105) ? 4 : 0;
}

/* The CSR instruction of rv_tvec_write(), before it runs (Zicsr): the
 * write takes rs1 or the 5-bit immediate (csrrw, csrrwi), or sets or
 * clears those bits of the old value (csrrs, csrrc and their immediate
 * forms, which write nothing with a zero source). A mode of 2 or 3 is
 * reserved: what a WARL field keeps then is the hart's choice. */
static int rv_tvec_predict(size_t *base, uint64_t *value, const uint8_t *insn,
			   unsigned len, const target_io *io)
{
	uint32_t w;
	unsigned funct3, src;
	uint64_t s = 0, old = 0;
	int bits;

	if (len < 4)
		return 0;
	w = (uint32_t)insn[0] | (uint32_t)insn[1] << 8 | (uint32_t)insn[2] << 16 |
	    (uint32_t)insn[3] << 24;
	funct3 = w >> 12 & 7;
	src = w >> 15 & 31;
	*base = (w >> 20) == 0x305 ? RV_M : RV_S;
	if (funct3 & 4)
		s = src;
	else if (src && io->reg(&s, &bits, riscv_dwarf_regs[src], io->arg) < 0)
		return 0;
	if ((funct3 & 3) != 1 &&
	    io->reg(&old, &bits, rv_tvec[*base], io->arg) < 0)
		return 0;
	switch (funct3 & 3) {
	case 1: *value = s; break;
	case 2: *value = old | s; break;
	case 3: *value = old & ~s; break;
	default: return 0;
	}
	return (*value & 3) < 2;
}

const target_faults target_riscv_faults = { rv_vectors, rv_decode,
					    rv_tvec_write, 2, 0,
					    rv_tvec_predict, rv_tvec };

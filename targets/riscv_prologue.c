/*
 * RISC-V prologue decoding for the unwinder's prologue analysis
 * (target_prologue_fn in target.h): the stack adjustments (addi sp, sp,
 * c.addi sp, c.addi16sp) and register saves (sd/sw, c.sdsp/c.swsp) GCC
 * and clang emit, after "The RISC-V Instruction Set Manual, Volume I"
 * (RV32I/RV64I base formats, chapter "C" for the compressed ones).
 * Written by hand: Debian's capstone 4 has no RISC-V decoder.
 */
#include "riscv.h"

#define RV_SP 2

/* What one instruction does: OP_NEXT (decoded into *op), or OP_END. */
enum { OP_NEXT = 0, OP_END = 1 };

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void set_delta(target_prologue_op *op, int64_t delta)
{
	op->sp_delta = delta;
}

static int clobber(target_prologue_op *op, unsigned reg)
{
	if (reg != 0 && reg != RV_SP)
		op->clobbered |= 1ull << reg;
	return OP_NEXT;
}

static void set_save(target_prologue_op *op, unsigned reg, int64_t at)
{
	if (reg == 0)
		return; /* x0 stores a zero, not a saved register */
	op->saved = 1ull << reg;
	op->save_at = at;
}

/* An sp decrement continues the prologue; an increment is an epilogue. */
static int sp_add(target_prologue_op *op, int64_t imm)
{
	if (imm > 0)
		return OP_END;
	set_delta(op, imm);
	return OP_NEXT;
}

/* Major opcodes whose rd field is not an integer register written:
 * stores (the field holds immediate bits), FP loads and fused FP ops
 * (an f register), fences. */
static int rd_is_int(unsigned opcode)
{
	switch (opcode) {
	case 0x23: case 0x27: case 0x07: case 0x0f:
	case 0x43: case 0x47: case 0x4b: case 0x4f:
		return 0;
	}
	return 1;
}

static int decode32(target_prologue_op *op, uint32_t w, unsigned xlen)
{
	unsigned opcode = w & 0x7f, rd = (w >> 7) & 31, f3 = (w >> 12) & 7;
	unsigned rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;

	/* Branches, jal, jalr, and the system ones (ecall, ebreak, CSRs). */
	if (opcode == 0x6f || opcode == 0x67 || opcode == 0x73)
		clobber(op, rd);
	if (opcode == 0x63 || opcode == 0x6f || opcode == 0x67 || opcode == 0x73)
		return OP_END;
	if (opcode == 0x13 && f3 == 0 && rd == RV_SP && rs1 == RV_SP)
		return sp_add(op, sext(w >> 20, 12));
	if (opcode == 0x23 && rs1 == RV_SP && f3 == (xlen == 8 ? 3u : 2u)) {
		set_save(op, rs2, sext(((w >> 25) << 5) | ((w >> 7) & 31), 12));
		return OP_NEXT;
	}
	if (!rd_is_int(opcode))
		return OP_NEXT;
	return rd == RV_SP ? OP_END : clobber(op, rd);
}

/* Quadrant 1: c.addi, c.addi16sp, c.li, c.jal (RV32), jumps, branches. */
static int decode_q1(target_prologue_op *op, uint16_t h, unsigned xlen)
{
	unsigned f3 = h >> 13, rd = (h >> 7) & 31;

	switch (f3) {
	case 0: /* c.addi */
		if (rd != RV_SP)
			return clobber(op, rd);
		return sp_add(op, sext(((h >> 12) & 1) << 5 | ((h >> 2) & 31), 6));
	case 1: /* RV32 c.jal; RV64 c.addiw */
		return xlen == 4 || rd == RV_SP ? OP_END : clobber(op, rd);
	case 2: /* c.li */
		return rd == RV_SP ? OP_END : clobber(op, rd);
	case 3: /* c.addi16sp (rd sp), else c.lui */
		if (rd != RV_SP)
			return clobber(op, rd);
		return sp_add(op, sext((uint64_t)((h >> 12) & 1) << 9 |
				       ((h >> 3) & 3) << 7 | ((h >> 5) & 1) << 6 |
				       ((h >> 2) & 1) << 5 | ((h >> 6) & 1) << 4, 10));
	case 4: /* arithmetic on x8-x15 */
		return clobber(op, 8 + ((h >> 7) & 7));
	}
	return OP_END; /* c.j, c.beqz, c.bnez */
}

/* Quadrant 2: c.slli, loads and stores at sp, c.mv/c.add/c.jr/c.jalr. */
static int decode_q2(target_prologue_op *op, uint16_t h, unsigned xlen)
{
	unsigned f3 = h >> 13, rd = (h >> 7) & 31, rs2 = (h >> 2) & 31;

	switch (f3) {
	case 0: case 2: /* c.slli, c.lwsp */
		return rd == RV_SP ? OP_END : clobber(op, rd);
	case 3: /* RV64 c.ldsp; RV32 c.flwsp */
		if (xlen == 4)
			return OP_NEXT;
		return rd == RV_SP ? OP_END : clobber(op, rd);
	case 4:
		if (rs2 == 0)
			return OP_END; /* c.jr, c.jalr, c.ebreak */
		return rd == RV_SP ? OP_END : clobber(op, rd); /* c.mv, c.add */
	case 6: /* c.swsp: a save on RV32 only */
		if (xlen == 4)
			set_save(op, rs2, ((h >> 9) & 15) << 2 | ((h >> 7) & 3) << 6);
		return OP_NEXT;
	case 7: /* RV64 c.sdsp; RV32 c.fswsp */
		if (xlen == 8)
			set_save(op, rs2, ((h >> 10) & 7) << 3 | ((h >> 7) & 7) << 6);
		return OP_NEXT;
	}
	return OP_NEXT; /* c.fldsp, c.fsdsp */
}

/* One instruction at p (avail bytes): its length in *len (0 when it has
 * none: cut by the end, or longer than 32 bits), OP_NEXT or OP_END. */
static int decode(target_prologue_op *op, size_t *len, const uint8_t *p,
		  size_t avail, unsigned xlen)
{
	uint16_t h;

	*op = (target_prologue_op){ 0, 0, 0, 0 };
	*len = 0;
	if (avail < 2)
		return OP_END;
	h = (uint16_t)(p[0] | p[1] << 8);
	if ((h & 3) != 3) {
		*len = 2;
		if (h == 0)
			return OP_END; /* defined illegal */
		/* Quadrant 0 uses x8-x15 only: c.addi4spn and the loads write
		 * rd' (bits 4:2), the stores none. */
		if ((h & 3) == 0)
			return h >> 13 >= 4 ? OP_NEXT : clobber(op, 8 + ((h >> 2) & 7));
		return (h & 3) == 1 ? decode_q1(op, h, xlen) : decode_q2(op, h, xlen);
	}
	/* 48-bit and longer encodings end the prologue. */
	if ((h & 0x1c) == 0x1c || avail < 4)
		return OP_END;
	*len = 4;
	return decode32(op, (uint32_t)h | (uint32_t)p[2] << 16 |
			(uint32_t)p[3] << 24, xlen);
}

static int rv_prologue(target_prologue_op *ops, size_t *n, size_t cap,
		       const uint8_t *code, size_t len, unsigned xlen)
{
	size_t at = 0, step = 0;

	*n = 0;
	while (*n < cap && at < len &&
	       decode(&ops[*n], &step, code + at, len - at, xlen) == OP_NEXT) {
		at += step;
		(*n)++;
	}
	return 0;
}

static uint64_t rv_writes(const uint8_t *code, size_t len, unsigned xlen)
{
	target_prologue_op op;
	uint64_t mask = 0;
	size_t step;

	for (size_t at = 0; at < len; at += step) {
		decode(&op, &step, code + at, len - at, xlen);
		if (step == 0)
			return at + 2 > len ? mask : ~0ull;
		mask |= op.clobbered;
	}
	return mask;
}

uint64_t target_riscv32_writes(const uint8_t *code, size_t len, int thumb)
{
	(void)thumb;
	return rv_writes(code, len, 4);
}

uint64_t target_riscv64_writes(const uint8_t *code, size_t len, int thumb)
{
	(void)thumb;
	return rv_writes(code, len, 8);
}

int target_riscv32_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			    const uint8_t *code, size_t len, int thumb)
{
	(void)thumb;
	return rv_prologue(ops, n, cap, code, len, 4);
}

int target_riscv64_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			    const uint8_t *code, size_t len, int thumb)
{
	(void)thumb;
	return rv_prologue(ops, n, cap, code, len, 8);
}

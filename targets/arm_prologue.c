/*
 * Arm prologue decoding for the unwinder's prologue analysis
 * (target_prologue_fn in target.h): push / stmdb sp! / str Rt, [sp, #-4]!,
 * vpush, sub sp, and stores at sp, in A32 and Thumb-2, decoded by
 * capstone; anything conditional, any branch or other write to sp or pc
 * ends the prologue.
 */
#include "arm.h"

#include <capstone/capstone.h>

#define R_SP 13
#define R_LR 14
#define R_PC 15

enum { OP_NEXT = 0, OP_END = 1 };

/* The DWARF number of a core register (r0-r15), or -1. */
static int dwarf_of(unsigned reg)
{
	if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12)
		return (int)(reg - ARM_REG_R0);
	if (reg == ARM_REG_SP)
		return R_SP;
	if (reg == ARM_REG_LR)
		return R_LR;
	if (reg == ARM_REG_PC)
		return R_PC;
	return -1;
}

/* The core registers `in` writes, a bit each by DWARF number; every one
 * when capstone cannot say. */
static uint64_t written(csh h, const cs_insn *in)
{
	cs_regs r, w;
	uint8_t nr = 0, nw = 0;
	uint64_t mask = 0;

	if (cs_regs_access(h, in, r, &nr, w, &nw) != CS_ERR_OK)
		return 0xffff;
	for (uint8_t i = 0; i < nw; i++) {
		int d = dwarf_of(w[i]);
		if (d >= 0)
			mask |= 1ull << d;
	}
	return mask;
}

/* push {list} and stmdb sp!, {list}: the list at sp - 4n, rising. */
static int push(target_prologue_op *op, const cs_arm *a, int first)
{
	uint64_t mask = 0;
	int count = 0;

	for (int i = first; i < a->op_count; i++) {
		int r = a->operands[i].type == ARM_OP_REG ?
			dwarf_of(a->operands[i].reg) : -1;
		if (r < 0 || r == R_SP || r == R_PC || (mask >> r & 1))
			return OP_END;
		mask |= 1ull << r;
		count++;
	}
	op->saved = mask;
	op->save_at = -4 * (int64_t)count;
	op->sp_delta = -4 * (int64_t)count;
	return OP_NEXT;
}

/* vpush: d registers take 8 bytes, s registers 4; none is a core one. */
static int vpush(target_prologue_op *op, const cs_arm *a)
{
	int64_t size = 0;

	for (int i = 0; i < a->op_count; i++) {
		unsigned r = a->operands[i].reg;
		if (a->operands[i].type != ARM_OP_REG)
			return OP_END;
		if (r >= ARM_REG_D0 && r <= ARM_REG_D31)
			size += 8;
		else if (r >= ARM_REG_S0 && r <= ARM_REG_S31)
			size += 4;
		else
			return OP_END;
	}
	op->sp_delta = -size;
	return OP_NEXT;
}

/* str Rt, [sp, #imm] saves Rt; with writeback ([sp, #-4]!) it pushes. */
static int store(target_prologue_op *op, const cs_arm *a)
{
	const cs_arm_op *rt = &a->operands[0], *m = &a->operands[1];
	int r;

	if (a->op_count != 2 || rt->type != ARM_OP_REG || m->type != ARM_OP_MEM ||
	    m->mem.base != ARM_REG_SP)
		return OP_NEXT; /* not at sp: a plain store */
	if (m->mem.index != ARM_REG_INVALID || (r = dwarf_of(rt->reg)) < 0)
		return a->writeback ? OP_END : OP_NEXT;
	if (a->writeback) {
		if (m->mem.disp >= 0)
			return OP_END;
		op->sp_delta = m->mem.disp;
	}
	op->saved = 1ull << r;
	op->save_at = m->mem.disp;
	return OP_NEXT;
}

/* sub sp, #imm and sub sp, sp, #imm; a register operand is an alloca. */
static int sub_sp(target_prologue_op *op, const cs_arm *a)
{
	const cs_arm_op *imm = &a->operands[a->op_count - 1];

	if (a->op_count == 3 && (a->operands[1].type != ARM_OP_REG ||
				 a->operands[1].reg != ARM_REG_SP))
		return OP_END;
	if (imm->type != ARM_OP_IMM || imm->imm < 0)
		return OP_END;
	op->sp_delta = -(int64_t)imm->imm;
	return OP_NEXT;
}

static int decode(target_prologue_op *op, csh h, const cs_insn *in)
{
	const cs_arm *a = &in->detail->arm;
	uint64_t w = written(h, in);

	*op = (target_prologue_op){ 0, 0, 0, 0 };
	if (cs_insn_group(h, in, CS_GRP_JUMP) || cs_insn_group(h, in, CS_GRP_CALL) ||
	    cs_insn_group(h, in, CS_GRP_RET) || cs_insn_group(h, in, CS_GRP_INT) ||
	    in->id == ARM_INS_IT || (a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID) ||
	    (w >> R_PC & 1))
		return OP_END;
	switch (in->id) {
	case ARM_INS_PUSH:
		return push(op, a, 0);
	case ARM_INS_STMDB:
		if (a->op_count < 2 || !a->writeback ||
		    a->operands[0].type != ARM_OP_REG ||
		    a->operands[0].reg != ARM_REG_SP)
			break;
		return push(op, a, 1);
	case ARM_INS_VPUSH:
		return vpush(op, a);
	case ARM_INS_STR:
		op->clobbered = w & ~(1ull << R_SP); /* a writeback base */
		return store(op, a);
	case ARM_INS_SUB:
	case ARM_INS_SUBW:
		if (a->op_count >= 2 && a->operands[0].type == ARM_OP_REG &&
		    a->operands[0].reg == ARM_REG_SP)
			return sub_sp(op, a);
		break;
	}
	/* (capstone 4 counts a push's registers as written and leaves
	 * vpush's sp out: both are decoded above.) */
	if (w >> R_SP & 1)
		return OP_END;
	op->clobbered = w;
	return OP_NEXT;
}

uint64_t target_arm_writes(const uint8_t *code, size_t len, int thumb)
{
	csh h = 0;
	cs_insn *in = NULL;
	const uint8_t *p = code;
	size_t left = len;
	uint64_t addr = 0, mask = ~0ull;

	if (cs_open(CS_ARCH_ARM, thumb ? CS_MODE_THUMB : CS_MODE_ARM, &h) != CS_ERR_OK)
		return mask;
	/* Literal pools between functions' code decode as data. */
	if (cs_option(h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK ||
	    cs_option(h, CS_OPT_SKIPDATA, CS_OPT_ON) != CS_ERR_OK ||
	    !(in = cs_malloc(h)))
		goto out;
	mask = 0;
	while (cs_disasm_iter(h, &p, &left, &addr, in))
		if (in->id != 0)
			mask |= written(h, in);
out:
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	return mask;
}

int target_arm_prologue(target_prologue_op *ops, size_t *n, size_t cap,
			const uint8_t *code, size_t len, int thumb)
{
	csh h = 0;
	cs_insn *in = NULL;
	const uint8_t *p = code;
	size_t left = len;
	uint64_t addr = 0;
	int rc = -1;

	*n = 0;
	if (cs_open(CS_ARCH_ARM, thumb ? CS_MODE_THUMB : CS_MODE_ARM, &h) != CS_ERR_OK)
		return -1;
	if (cs_option(h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK ||
	    !(in = cs_malloc(h)))
		goto out;
	while (*n < cap && cs_disasm_iter(h, &p, &left, &addr, in) &&
	       decode(&ops[*n], h, in) == OP_NEXT)
		(*n)++;
	rc = 0;
out:
	if (in)
		cs_free(in, 1);
	cs_close(&h);
	return rc;
}

/*
 * RISC-V instruction decoder (src/guest/disasm_riscv.h), after "The RISC-V
 * Instruction Set Manual, Volume I" chapters 2 (RV32I), 5 (RV64I), 7 (M),
 * 8 (A), 9 (Zicsr), 16 (C) and Volume II's mret/sret/wfi.
 */
#include "disasm_riscv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static const char *const reg[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

typedef struct out {
	char *buf;
	size_t len;
	uint64_t pc;
	unsigned xlen;
} out;

static int emit(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int emit(out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(o->buf, o->len, fmt, ap);
	va_end(ap);
	return n < 0 ? -1 : 0;
}

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static uint64_t target(const out *o, int64_t off)
{
	uint64_t t = o->pc + (uint64_t)off;
	return o->xlen == 32 ? (uint32_t)t : t;
}

static uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* ---- 32-bit encodings ------------------------------------------------- */

static int op_imm(out *o, uint32_t w, int word)
{
	unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), f3 = bits(w, 14, 12);
	int64_t imm = sext(bits(w, 31, 20), 12);
	unsigned sh = bits(w, 25, 20) & (word || o->xlen == 32 ? 31 : 63);
	static const char *const names[8] = { "addi", "slli", "slti", "sltiu",
					      "xori", "srli", "sltu", "andi" };

	if (f3 == 1 || f3 == 5) {
		const char *n = f3 == 1 ? "slli" : bits(w, 30, 30) ? "srai" : "srli";
		return emit(o, "%s%s %s, %s, %u", n, word ? "w" : "", reg[rd], reg[rs1], sh);
	}
	if (word)
		return f3 == 0 ? emit(o, "addiw %s, %s, %" PRId64, reg[rd], reg[rs1], imm) : -1;
	if (f3 == 0 && rd == 0 && rs1 == 0 && imm == 0)
		return emit(o, "nop");
	if (f3 == 0 && rs1 == 0)
		return emit(o, "li %s, %" PRId64, reg[rd], imm);
	if (f3 == 0 && imm == 0)
		return emit(o, "mv %s, %s", reg[rd], reg[rs1]);
	return emit(o, "%s %s, %s, %" PRId64, f3 == 6 ? "ori" : names[f3], reg[rd],
		    reg[rs1], imm);
}

static int op_reg(out *o, uint32_t w, int word)
{
	unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
	unsigned f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
	static const char *const base[8] = { "add", "sll", "slt", "sltu",
					     "xor", "srl", "or", "and" };
	static const char *const mul[8] = { "mul", "mulh", "mulhsu", "mulhu",
					    "div", "divu", "rem", "remu" };
	const char *n;

	if (f7 == 1)
		n = mul[f3];
	else if (f7 == 0x20 && (f3 == 0 || f3 == 5))
		n = f3 == 0 ? "sub" : "sra";
	else if (f7 == 0)
		n = base[f3];
	else
		return -1;
	/* RV64's OP-32: addw sllw srlw subw sraw, mulw and the divisions. */
	if (word && (f7 == 1 ? f3 != 0 && f3 < 4 : f3 != 0 && f3 != 1 && f3 != 5))
		return -1;
	return emit(o, "%s%s %s, %s, %s", n, word ? "w" : "", reg[rd], reg[rs1], reg[rs2]);
}

static int op_system(out *o, uint32_t w)
{
	unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), f3 = bits(w, 14, 12);
	unsigned csr = bits(w, 31, 20);
	static const char *const names[8] = { NULL, "csrrw", "csrrs", "csrrc",
					      NULL, "csrrwi", "csrrsi", "csrrci" };

	if (f3 == 0 && rd == 0 && rs1 == 0) {
		switch (w >> 20) {
		case 0x000: return emit(o, "ecall");
		case 0x001: return emit(o, "ebreak");
		case 0x102: return emit(o, "sret");
		case 0x302: return emit(o, "mret");
		case 0x105: return emit(o, "wfi");
		}
		return -1;
	}
	if (!names[f3])
		return -1;
	if (f3 >= 5)
		return emit(o, "%s %s, 0x%x, %u", names[f3], reg[rd], csr, rs1);
	return emit(o, "%s %s, 0x%x, %s", names[f3], reg[rd], csr, reg[rs1]);
}

static int op_amo(out *o, uint32_t w)
{
	unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
	unsigned f3 = bits(w, 14, 12), f5 = bits(w, 31, 27);
	const char *sz = f3 == 2 ? "w" : f3 == 3 && o->xlen == 64 ? "d" : NULL;
	const char *n;

	switch (f5) {
	case 0x02: n = "lr"; break;
	case 0x03: n = "sc"; break;
	case 0x01: n = "amoswap"; break;
	case 0x00: n = "amoadd"; break;
	case 0x04: n = "amoxor"; break;
	case 0x0c: n = "amoand"; break;
	case 0x08: n = "amoor"; break;
	case 0x10: n = "amomin"; break;
	case 0x14: n = "amomax"; break;
	case 0x18: n = "amominu"; break;
	case 0x1c: n = "amomaxu"; break;
	default: return -1;
	}
	if (!sz)
		return -1;
	if (f5 == 0x02)
		return emit(o, "lr.%s %s, (%s)", sz, reg[rd], reg[rs1]);
	return emit(o, "%s.%s %s, %s, (%s)", n, sz, reg[rd], reg[rs2], reg[rs1]);
}

/* jal, and j when it links nothing. */
static int op_jal(out *o, uint32_t w, unsigned rd)
{
	int64_t off = sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 |
			   bits(w, 20, 20) << 11 | bits(w, 30, 21) << 1, 21);

	if (rd == 0)
		return emit(o, "j 0x%" PRIx64, target(o, off));
	return emit(o, "jal %s, 0x%" PRIx64, reg[rd], target(o, off));
}

static int decode32(out *o, uint32_t w)
{
	unsigned rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
	unsigned f3 = bits(w, 14, 12);
	int64_t imm_i = sext(bits(w, 31, 20), 12);
	int64_t imm_s = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
	static const char *const loads[8] = { "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", NULL };
	static const char *const stores[8] = { "sb", "sh", "sw", "sd", NULL, NULL, NULL, NULL };
	static const char *const branches[8] = { "beq", "bne", NULL, NULL,
						 "blt", "bge", "bltu", "bgeu" };

	switch (w & 0x7f) {
	case 0x37:
		return emit(o, "lui %s, 0x%x", reg[rd], w >> 12);
	case 0x17:
		return emit(o, "auipc %s, 0x%x", reg[rd], w >> 12);
	case 0x6f:
		return op_jal(o, w, rd);
	case 0x67:
		if (f3)
			return -1;
		if (rd == 0 && rs1 == 1 && imm_i == 0)
			return emit(o, "ret");
		return emit(o, "jalr %s, %" PRId64 "(%s)", reg[rd], imm_i, reg[rs1]);
	case 0x63: {
		int64_t off = sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 |
				   bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1, 13);
		if (!branches[f3])
			return -1;
		return emit(o, "%s %s, %s, 0x%" PRIx64, branches[f3], reg[rs1], reg[rs2],
			    target(o, off));
	}
	case 0x03:
		if (!loads[f3] || (o->xlen == 32 && (f3 == 3 || f3 == 6)))
			return -1;
		return emit(o, "%s %s, %" PRId64 "(%s)", loads[f3], reg[rd], imm_i, reg[rs1]);
	case 0x23:
		if (!stores[f3] || (o->xlen == 32 && f3 == 3))
			return -1;
		return emit(o, "%s %s, %" PRId64 "(%s)", stores[f3], reg[rs2], imm_s, reg[rs1]);
	case 0x13:
		return op_imm(o, w, 0);
	case 0x1b:
		return o->xlen == 64 ? op_imm(o, w, 1) : -1;
	case 0x33:
		return op_reg(o, w, 0);
	case 0x3b:
		return o->xlen == 64 ? op_reg(o, w, 1) : -1;
	case 0x0f:
		return f3 == 1 ? emit(o, "fence.i") : f3 == 0 ? emit(o, "fence") : -1;
	case 0x73:
		return op_system(o, w);
	case 0x2f:
		return op_amo(o, w);
	}
	return -1;
}

/* ---- 16-bit encodings (C extension) ----------------------------------- */

/* rd'/rs' fields name x8..x15. */
#define CREG(v) reg[8 + (v)]

static int quadrant0(out *o, uint16_t h)
{
	unsigned f3 = bits(h, 15, 13), rd = bits(h, 4, 2), rs1 = bits(h, 9, 7);
	unsigned uimm_w = bits(h, 12, 10) << 3 | bits(h, 6, 6) << 2 | bits(h, 5, 5) << 6;
	unsigned uimm_d = bits(h, 12, 10) << 3 | bits(h, 6, 5) << 6;

	switch (f3) {
	case 0: {
		unsigned n = bits(h, 12, 11) << 4 | bits(h, 10, 7) << 6 |
			     bits(h, 6, 6) << 2 | bits(h, 5, 5) << 3;
		return n ? emit(o, "addi %s, sp, %u", CREG(rd), n) : -1;
	}
	case 2:
		return emit(o, "lw %s, %u(%s)", CREG(rd), uimm_w, CREG(rs1));
	case 3:
		return o->xlen == 64 ? emit(o, "ld %s, %u(%s)", CREG(rd), uimm_d, CREG(rs1)) : -1;
	case 6:
		return emit(o, "sw %s, %u(%s)", CREG(rd), uimm_w, CREG(rs1));
	case 7:
		return o->xlen == 64 ? emit(o, "sd %s, %u(%s)", CREG(rd), uimm_d, CREG(rs1)) : -1;
	}
	return -1;
}

static int c_alu(out *o, uint16_t h)
{
	unsigned rd = bits(h, 9, 7), rs2 = bits(h, 4, 2);
	unsigned sh = bits(h, 12, 12) << 5 | bits(h, 6, 2);
	int64_t imm = sext(bits(h, 12, 12) << 5 | bits(h, 6, 2), 6);
	static const char *const ops[8] = { "sub", "xor", "or", "and",
					    "subw", "addw", NULL, NULL };

	switch (bits(h, 11, 10)) {
	case 0: return emit(o, "srli %s, %s, %u", CREG(rd), CREG(rd), sh);
	case 1: return emit(o, "srai %s, %s, %u", CREG(rd), CREG(rd), sh);
	case 2: return emit(o, "andi %s, %s, %" PRId64, CREG(rd), CREG(rd), imm);
	}
	unsigned k = bits(h, 12, 12) << 2 | bits(h, 6, 5);
	if (!ops[k] || (k >= 4 && o->xlen == 32))
		return -1;
	return emit(o, "%s %s, %s, %s", ops[k], CREG(rd), CREG(rd), CREG(rs2));
}

static int64_t cj_offset(uint16_t h)
{
	return sext(bits(h, 12, 12) << 11 | bits(h, 11, 11) << 4 | bits(h, 10, 9) << 8 |
		    bits(h, 8, 8) << 10 | bits(h, 7, 7) << 6 | bits(h, 6, 6) << 7 |
		    bits(h, 5, 3) << 1 | bits(h, 2, 2) << 5, 12);
}

static int quadrant1(out *o, uint16_t h)
{
	unsigned f3 = bits(h, 15, 13), rd = bits(h, 11, 7);
	int64_t imm = sext(bits(h, 12, 12) << 5 | bits(h, 6, 2), 6);

	switch (f3) {
	case 0:
		if (rd == 0)
			return emit(o, "nop");
		return emit(o, "addi %s, %s, %" PRId64, reg[rd], reg[rd], imm);
	case 1:
		if (o->xlen == 32)
			return emit(o, "jal 0x%" PRIx64, target(o, cj_offset(h)));
		return rd ? emit(o, "addiw %s, %s, %" PRId64, reg[rd], reg[rd], imm) : -1;
	case 2:
		return emit(o, "li %s, %" PRId64, reg[rd], imm);
	case 3:
		if (rd == 2) {
			int64_t n = sext(bits(h, 12, 12) << 9 | bits(h, 6, 6) << 4 |
					 bits(h, 5, 5) << 6 | bits(h, 4, 3) << 7 |
					 bits(h, 2, 2) << 5, 10);
			return n ? emit(o, "addi sp, sp, %" PRId64, n) : -1;
		}
		return imm ? emit(o, "lui %s, 0x%" PRIx64, reg[rd], (uint64_t)imm & 0xfffff) : -1;
	case 4:
		return c_alu(o, h);
	case 5:
		return emit(o, "j 0x%" PRIx64, target(o, cj_offset(h)));
	case 6:
	case 7: {
		int64_t off = sext(bits(h, 12, 12) << 8 | bits(h, 11, 10) << 3 |
				   bits(h, 6, 5) << 6 | bits(h, 4, 3) << 1 |
				   bits(h, 2, 2) << 5, 9);
		return emit(o, "%s %s, 0x%" PRIx64, f3 == 6 ? "beqz" : "bnez",
			    CREG(bits(h, 9, 7)), target(o, off));
	}
	}
	return -1;
}

static int quadrant2(out *o, uint16_t h)
{
	unsigned f3 = bits(h, 15, 13), rd = bits(h, 11, 7), rs2 = bits(h, 6, 2);
	unsigned sh = bits(h, 12, 12) << 5 | bits(h, 6, 2);

	switch (f3) {
	case 0:
		return rd ? emit(o, "slli %s, %s, %u", reg[rd], reg[rd], sh) : -1;
	case 2: {
		unsigned off = bits(h, 12, 12) << 5 | bits(h, 6, 4) << 2 | bits(h, 3, 2) << 6;
		return rd ? emit(o, "lw %s, %u(sp)", reg[rd], off) : -1;
	}
	case 3: {
		unsigned off = bits(h, 12, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6;
		if (o->xlen == 32 || !rd)
			return -1;
		return emit(o, "ld %s, %u(sp)", reg[rd], off);
	}
	case 4:
		if (!bits(h, 12, 12)) {
			if (rs2)
				return rd ? emit(o, "mv %s, %s", reg[rd], reg[rs2]) : -1;
			if (!rd)
				return -1;
			return rd == 1 ? emit(o, "ret") : emit(o, "jr %s", reg[rd]);
		}
		if (!rd && !rs2)
			return emit(o, "ebreak");
		if (!rs2)
			return emit(o, "jalr %s", reg[rd]);
		return rd ? emit(o, "add %s, %s, %s", reg[rd], reg[rd], reg[rs2]) : -1;
	case 6: {
		unsigned off = bits(h, 12, 9) << 2 | bits(h, 8, 7) << 6;
		return emit(o, "sw %s, %u(sp)", reg[rs2], off);
	}
	case 7: {
		unsigned off = bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6;
		return o->xlen == 64 ? emit(o, "sd %s, %u(sp)", reg[rs2], off) : -1;
	}
	}
	return -1;
}

int disasm_riscv(size_t *size, char *text, size_t textlen, const uint8_t *code,
		 size_t len, uint64_t addr, unsigned xlen)
{
	out o = { text, textlen, addr, xlen };
	int rc;

	*size = 0;
	if (textlen)
		text[0] = '\0';
	if (len < 2)
		return -2;
	uint16_t h = (uint16_t)(code[0] | code[1] << 8);
	*size = (h & 3) == 3 ? 4 : 2;
	if (len < *size)
		return -2;
	if ((h & 0x1f) == 0x1f)
		return -1;                  /* 48-bit and longer forms */
	if (h == 0)
		return -1;                  /* defined illegal instruction */
	switch (h & 3) {
	case 0: rc = quadrant0(&o, h); break;
	case 1: rc = quadrant1(&o, h); break;
	case 2: rc = quadrant2(&o, h); break;
	default:
		rc = decode32(&o, (uint32_t)h | (uint32_t)code[2] << 16 |
				  (uint32_t)code[3] << 24);
	}
	if (rc < 0 && textlen)
		text[0] = '\0';
	return rc;
}

/* Tests for src/guest/disasm_riscv.c: encodings produced by GNU as from the
 * mnemonics in the comments, and the instructions GCC generated for the
 * test ELF files. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm_riscv.h"
#include "image.h"

struct rv_case {
	uint32_t insn;       /* little-endian; 16-bit forms in the low half */
	unsigned xlen;
	uint64_t addr;
	const char *want;    /* NULL: not decoded (-1) */
};

static const struct rv_case cases[] = {
	{ 0xff010113, 64, 0x80000000, "addi sp, sp, -16" },
	{ 0x00113423, 64, 0x80000004, "sd ra, 8(sp)" },
	{ 0x00013403, 64, 0x80000008, "ld s0, 0(sp)" },
	{ 0xffc42503, 64, 0x8000000c, "lw a0, -4(s0)" },
	{ 0x00b62623, 64, 0x80000010, "sw a1, 12(a2)" },
	{ 0x123457b7, 64, 0x80000014, "lui a5, 0x12345" },
	{ 0x00001297, 64, 0x80000018, "auipc t0, 0x1" },
	{ 0x040000ef, 64, 0x8000001c, "jal ra, 0x8000005c" },
	{ 0xff9ff06f, 64, 0x80000020, "j 0x80000018" },
	{ 0x00450367, 64, 0x80000024, "jalr t1, 4(a0)" },
	{ 0x00008067, 64, 0x80000028, "ret" },
	{ 0x00b50863, 64, 0x8000002c, "beq a0, a1, 0x8000003c" },
	{ 0xfe62fee3, 64, 0x80000030, "bgeu t0, t1, 0x8000002c" },
	{ 0x0015051b, 64, 0x80000034, "addiw a0, a0, 1" },
	{ 0x0035959b, 64, 0x80000038, "slliw a1, a1, 3" },
	{ 0x4056561b, 64, 0x8000003c, "sraiw a2, a2, 5" },
	{ 0x4286d693, 64, 0x80000040, "srai a3, a3, 40" },
	{ 0x00c5853b, 64, 0x80000044, "addw a0, a1, a2" },
	{ 0x40c5853b, 64, 0x80000048, "subw a0, a1, a2" },
	{ 0x02c58533, 64, 0x8000004c, "mul a0, a1, a2" },
	{ 0x02f756bb, 64, 0x80000050, "divuw a3, a4, a5" },
	{ 0x02c5f533, 64, 0x80000054, "remu a0, a1, a2" },
	{ 0x30529073, 64, 0x80000058, "csrrw zero, 0x305, t0" },
	{ 0x30046573, 64, 0x8000005c, "csrrsi a0, 0x300, 8" },
	{ 0x00000073, 64, 0, "ecall" },
	{ 0x00100073, 64, 0, "ebreak" },
	{ 0x30200073, 64, 0, "mret" },
	{ 0x10500073, 64, 0, "wfi" },
	{ 0x0ff0000f, 64, 0, "fence" },
	{ 0x0000100f, 64, 0, "fence.i" },
	{ 0x1005a52f, 64, 0, "lr.w a0, (a1)" },
	{ 0x18d7362f, 64, 0, "sc.d a2, a3, (a4)" },
	{ 0x00b6252f, 64, 0, "amoadd.w a0, a1, (a2)" },
	{ 0x00000013, 64, 0, "nop" },
	{ 0x02a00513, 64, 0, "li a0, 42" },
	{ 0x00060593, 64, 0, "mv a1, a2" },
	{ 0xfff54513, 64, 0, "xori a0, a0, -1" },
	/* RV64-only forms are not RV32 instructions. */
	{ 0x00013403, 32, 0, NULL },   /* ld */
	{ 0x0015051b, 32, 0, NULL },   /* addiw */
	{ 0x00c5853b, 32, 0, NULL },   /* addw */
	{ 0x4286d693, 32, 0, "srai a3, a3, 8" },  /* shamt[5] ignored */
	/* C extension (RV64). */
	{ 0x1141, 64, 0, "addi sp, sp, -16" },      /* c.addi */
	{ 0xe406, 64, 0, "sd ra, 8(sp)" },          /* c.sdsp */
	{ 0x6402, 64, 0, "ld s0, 0(sp)" },          /* c.ldsp */
	{ 0x0800, 64, 0, "addi s0, sp, 16" },       /* c.addi4spn */
	{ 0x41c8, 64, 0, "lw a0, 4(a1)" },          /* c.lw */
	{ 0xe690, 64, 0, "sd a2, 8(a3)" },          /* c.sd */
	{ 0x5575, 64, 0, "li a0, -3" },             /* c.li */
	{ 0x6785, 64, 0, "lui a5, 0x1" },           /* c.lui */
	{ 0x7139, 64, 0, "addi sp, sp, -64" },      /* c.addi16sp */
	{ 0x8109, 64, 0, "srli a0, a0, 2" },        /* c.srli */
	{ 0x99fd, 64, 0, "andi a1, a1, -1" },       /* c.andi */
	{ 0x8d0d, 64, 0, "sub a0, a0, a1" },        /* c.sub */
	{ 0x9e35, 64, 0, "addw a2, a2, a3" },       /* c.addw */
	{ 0xa029, 64, 0x800000ae, "j 0x800000b8" }, /* c.j */
	{ 0xdd6d, 64, 0x800000b0, "beqz a0, 0x800000aa" },
	{ 0x0512, 64, 0, "slli a0, a0, 4" },        /* c.slli */
	{ 0x852e, 64, 0, "mv a0, a1" },             /* c.mv */
	{ 0x952e, 64, 0, "add a0, a0, a1" },        /* c.add */
	{ 0x8782, 64, 0, "jr a5" },                 /* c.jr */
	{ 0x9782, 64, 0, "jalr a5" },               /* c.jalr */
	{ 0x8082, 64, 0, "ret" },                   /* c.jr ra */
	{ 0x9002, 64, 0, "ebreak" },                /* c.ebreak */
	{ 0x2505, 64, 0, "addiw a0, a0, 1" },       /* c.addiw */
	{ 0x0001, 64, 0, "nop" },                   /* c.nop */
	/* RV32: the same encoding is c.jal; targets wrap at 32 bits. */
	{ 0x2005, 32, 0x0, "jal 0x20" },
	{ 0x3ff5, 32, 0x2, "jal 0xfffffffe" },
	{ 0x4522, 32, 0, "lw a0, 8(sp)" },          /* c.lwsp */
	{ 0xc62e, 32, 0, "sw a1, 12(sp)" },         /* c.swsp */
	{ 0xe406, 32, 0, NULL },                    /* c.sdsp: RV64 only */
	/* Reserved and unknown. */
	{ 0x0000, 64, 0, NULL },                    /* defined illegal */
	{ 0x00000053, 64, 0, NULL },                /* fadd.s: F not decoded */
};

Test(disasm_riscv, known_encodings)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rv_case *c = &cases[i];
		uint8_t b[4] = { (uint8_t)c->insn, (uint8_t)(c->insn >> 8),
				 (uint8_t)(c->insn >> 16), (uint8_t)(c->insn >> 24) };
		char text[96];
		size_t size;
		int rc = disasm_riscv(&size, text, sizeof(text), b, 4, c->addr, c->xlen);
		cr_assert_eq(size, (b[0] & 3) == 3 ? 4u : 2u, "case %zu", i);
		if (!c->want) {
			cr_assert_eq(rc, -1, "case %zu (0x%x) gave '%s'", i, c->insn, text);
			cr_assert_str_empty(text);
			continue;
		}
		cr_assert_eq(rc, 0, "case %zu (0x%x)", i, c->insn);
		cr_assert_str_eq(text, c->want, "case %zu (0x%x)", i, c->insn);
	}
}

Test(disasm_riscv, short_input)
{
	static const uint8_t b[4] = { 0x13, 0x01, 0x01, 0xff };
	char text[32];
	size_t size;
	cr_assert_eq(disasm_riscv(&size, text, sizeof(text), b, 1, 0, 64), -2);
	cr_assert_eq(disasm_riscv(&size, text, sizeof(text), b, 3, 0, 64), -2);
	cr_assert_eq(size, 4);
	/* Output is truncated, never overrun. */
	cr_assert_eq(disasm_riscv(&size, text, 5, b, 4, 0, 64), 0);
	cr_assert_str_eq(text, "addi");
}

/* Everything GCC emitted for the test programs decodes, and decoding
 * .text linearly lands on every function start. */
static void whole_text(const char *file, unsigned xlen)
{
	char path[512], err[256], text[96];
	const char *dir = getenv("STUBRUN_TESTDATA");
	image *img;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "build/tests/data/elf", file);
	cr_assert_eq(image_open(&img, path, 0, 0, err, sizeof(err)), 0, "%s", err);
	const image_section *t = NULL;
	for (size_t i = 0; i < image_section_count(img); i++)
		if (strcmp(image_section_at(img, i)->name, ".text") == 0)
			t = image_section_at(img, i);
	cr_assert_not_null(t);
	size_t starts = 0, hit = 0;
	for (size_t i = 0; i < image_symbol_count(img); i++) {
		const image_symbol *s = image_symbol_at_index(img, i);
		if (s->is_func && s->addr >= t->addr && s->addr < t->addr + t->size)
			starts++;
	}
	uint64_t off = 0;
	while (off < t->size) {
		const image_symbol *s;
		uint64_t so;
		size_t size;
		if (image_symbol_lookup(&s, &so, img, t->addr + off) == 0 && so == 0 && s->is_func)
			hit++;
		int rc = disasm_riscv(&size, text, sizeof(text), t->data + off,
				      (size_t)(t->size - off), t->addr + off, xlen);
		cr_assert_eq(rc, 0, "%s: 0x%llx", file, (unsigned long long)(t->addr + off));
		off += size;
	}
	cr_assert_eq(off, t->size);
	cr_assert_eq(hit, starts, "%s: %zu of %zu function starts", file, hit, starts);
	cr_assert_geq(starts, 4);
	image_free(img);
}

Test(disasm_riscv, gcc_output_rv64) { whole_text("riscv64.elf", 64); }
Test(disasm_riscv, gcc_output_rv32_compressed) { whole_text("riscv32.elf", 32); }

/*
 * Tests for src/guest/unwind_prologue.c and the targets' prologue decoders
 * (targets/riscv_prologue.c, targets/arm_prologue.c), on real instruction
 * bytes: abort() of Debian 12's riscv64 and armhf glibc as linked into
 * examples/user/prog.c (the functions that have no unwind information),
 * and short sequences assembled by Debian's binutils; then hostile input
 * (cut instructions, no prologue, garbage, a frame too large).
 */
#include <criterion/criterion.h>

#include <string.h>

#include "target.h"
#include "unwind_prologue.h"

/* riscv64 abort(), its first 0x48 bytes: c.addi16sp sp,-192; c.sdsp
 * s0,176(sp); addi s0,gp,472; c.ld a5,8(s0); auipc; ld a4; c.sdsp s1,
 * s2, ra; ld a3,0(a4); c.sdsp a3,152(sp); c.li; addi s2,tp; c.mv s1,s0;
 * beq ... */
static const uint8_t rv64_abort[] = {
	0x31, 0x71, 0x22, 0xf9, 0x13, 0x84, 0x81, 0x1d, 0x1c, 0x64, 0x17, 0x77,
	0x06, 0x00, 0x03, 0x37, 0x67, 0xbb, 0x26, 0xf5, 0x4a, 0xf1, 0x06, 0xfd,
	0x14, 0x63, 0x36, 0xed, 0x81, 0x46, 0x13, 0x09, 0x02, 0x8a, 0xa2, 0x84,
	0x63, 0x80, 0x27, 0x03, 0x05, 0x47, 0xaf, 0x27, 0x04, 0x10, 0x81, 0xe7,
	0xaf, 0x26, 0xe4, 0x1c, 0xfd, 0xfa, 0x81, 0x27, 0x81, 0xc7, 0x22, 0x85,
	0xef, 0xf0, 0xe0, 0x21, 0x23, 0x34, 0x24, 0x01, 0x5c, 0x40, 0x18, 0x48,
};

/* armhf abort() (Thumb-2) up to its first branch: ldr r2; mrc ... r4;
 * ldr r3; sub.w r4; add r2, pc; ldr r0; push {r7, lr}; add r0, pc;
 * ldr r3; sub sp, #0x90; ldr r3; str r3, [sp, #0x8c]; mov.w r3, #0;
 * ldr r3; cmp r3, r4; beq */
static const uint8_t arm_abort[] = {
	0x4e, 0x4a, 0x1d, 0xee, 0x70, 0x4f, 0x4e, 0x4b, 0xa4, 0xf5, 0xa0, 0x64,
	0x7a, 0x44, 0x4d, 0x48, 0x80, 0xb5, 0x78, 0x44, 0xd3, 0x58, 0xa4, 0xb0,
	0x1b, 0x68, 0x23, 0x93, 0x4f, 0xf0, 0x00, 0x03, 0x83, 0x68, 0xa3, 0x42,
	0x10, 0xd0,
};

/* RV64, 32-bit forms then compressed: addi sp,sp,-48; sd ra,40(sp);
 * sd s0,32(sp); sd zero,24(sp); addi s0,sp,48; mv s1,a0; c.addi sp,-16;
 * c.sdsp s1,8(sp) (s1 is no longer the caller's); c.addi16sp sp,32 (an
 * epilogue's increment ends the prologue). */
static const uint8_t rv64_mixed[] = {
	0x13, 0x01, 0x01, 0xfd, 0x23, 0x34, 0x11, 0x02, 0x23, 0x30, 0x81, 0x02,
	0x23, 0x3c, 0x01, 0x00, 0x13, 0x04, 0x01, 0x03, 0x93, 0x04, 0x05, 0x00,
	0x41, 0x11, 0x26, 0xe4, 0x05, 0x61,
};

/* RV32C: c.addi sp,-16; c.swsp ra,12(sp); c.swsp s0,8(sp);
 * c.addi4spn s0,sp,16; jal ra, 0 */
static const uint8_t rv32_compressed[] = {
	0x41, 0x11, 0x06, 0xc6, 0x22, 0xc4, 0x00, 0x08, 0xef, 0x00, 0x00, 0x00,
};

/* A32: push {r4, r5, r11, lr}; add r11, sp, #8; vpush {d8-d9};
 * sub sp, sp, #16; str r0, [sp, #4]; bl */
static const uint8_t a32_prologue[] = {
	0x30, 0x48, 0x2d, 0xe9, 0x08, 0xb0, 0x8d, 0xe2, 0x04, 0x8b, 0x2d, 0xed,
	0x10, 0xd0, 0x4d, 0xe2, 0x04, 0x00, 0x8d, 0xe5, 0xfe, 0xff, 0xff, 0xeb,
};

static const target_desc *target(const char *name)
{
	const target_desc *t = target_by_name(name);

	cr_assert_not_null(t, "no target %s", name);
	return t;
}

static void analyze(prologue_frame *f, const char *arch, const uint8_t *code,
		    size_t len, int thumb)
{
	cr_assert_eq(prologue_analyze(f, target(arch), code, len, thumb), 0,
		     "%s: analysis failed", arch);
}

/* One analysis and what it must find: the frame's size, each save (a
 * register and its slot from the CFA; reg -1 ends the list), registers
 * that are not saves, registers written before being saved. */
typedef struct frame_case {
	const char *what, *arch;
	const uint8_t *code;
	size_t len;
	int thumb;
	uint64_t size;
	struct { int reg; int64_t slot; } saves[5];
	uint64_t not_saved, lost;
} frame_case;

#define END_SAVES { -1, 0 }

static const frame_case frame_cases[] = {
	{ "riscv64 abort()", "riscv64", rv64_abort, sizeof(rv64_abort), 0, 192,
	  /* ra, s0, s1, s2; a3 was loaded before its store (the stack
	   * guard, not a save) */
	  { { 1, -8 }, { 8, -16 }, { 9, -24 }, { 18, -32 }, END_SAVES },
	  1ull << 13, 1ull << 13 },
	{ "riscv64 abort() stopped before c.sdsp ra", "riscv64", rv64_abort,
	  0x16, 0, 192, { { 18, -32 }, END_SAVES }, 1ull << 1, 0 },
	{ "riscv64 abort() at its entry", "riscv64", rv64_abort, 0, 0, 0,
	  { END_SAVES }, ~0ull, 0 },
	{ "RV64 32-bit and compressed forms, an epilogue's increment",
	  "riscv64", rv64_mixed, sizeof(rv64_mixed), 0, 64,
	  { { 1, -8 }, { 8, -16 }, END_SAVES },
	  1ull << 0 | 1ull << 9 /* x0; s1 after mv s1, a0 */, 1ull << 9 },
	{ "RV32C", "riscv32", rv32_compressed, sizeof(rv32_compressed), 0, 16,
	  { { 1, -4 }, { 8, -8 }, END_SAVES }, 0, 0 },
	{ "RV32C bytes on RV64: c.swsp stores 32 bits, no save", "riscv64",
	  rv32_compressed, sizeof(rv32_compressed), 0, 16, { END_SAVES },
	  ~0ull, 0 },
	{ "armhf abort() (Thumb-2)", "arm", arm_abort, sizeof(arm_abort), 1, 152,
	  { { 7, -8 }, { 14, -4 }, END_SAVES },
	  1ull << 3 /* stored after a load */, 1ull << 4 /* mrc */ },
	{ "A32 push, vpush, sub", "arm", a32_prologue, sizeof(a32_prologue), 0, 48,
	  { { 4, -16 }, { 5, -12 }, { 11, -8 }, { 14, -4 }, END_SAVES }, 0, 0 },
};

Test(unwind_prologue, frames_and_saves)
{
	for (size_t i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		const frame_case *c = &frame_cases[i];
		uint64_t want = 0;
		prologue_frame f;

		analyze(&f, c->arch, c->code, c->len, c->thumb);
		cr_expect_eq(f.size, c->size, "%s: size %llu, want %llu", c->what,
			     (unsigned long long)f.size, (unsigned long long)c->size);
		for (size_t k = 0; k < 5 && c->saves[k].reg >= 0; k++) {
			int r = c->saves[k].reg;
			want |= 1ull << r;
			cr_expect(f.saved >> r & 1, "%s: r%d not saved", c->what, r);
			cr_expect_eq(f.slot[r], c->saves[k].slot,
				     "%s: r%d at CFA%+lld, want %+lld", c->what, r,
				     (long long)f.slot[r], (long long)c->saves[k].slot);
		}
		cr_expect(!(f.saved & c->not_saved & ~want), "%s: saved 0x%llx",
			  c->what, (unsigned long long)f.saved);
		cr_expect((f.lost & c->lost) == c->lost, "%s: lost 0x%llx", c->what,
			  (unsigned long long)f.lost);
	}
}

/* Hostile input: what the analysis is given is the image's bytes. */
Test(unwind_prologue, cut_instructions_end_the_prologue)
{
	prologue_frame f;

	/* c.addi16sp, c.sdsp s0, then half of addi s0, gp, 472. */
	analyze(&f, "riscv64", rv64_abort, 5, 0);
	cr_expect_eq(f.size, 192);
	cr_expect_eq(f.saved, 1ull << 8);
	analyze(&f, "riscv64", rv64_abort, 1, 0);
	cr_expect_eq(f.size, 0);
	/* The push {r7, lr} cut in half: nothing of it. */
	analyze(&f, "arm", arm_abort, 17, 1);
	cr_expect_eq(f.size, 0);
	cr_expect_eq(f.saved, 0);
}

Test(unwind_prologue, no_prologue)
{
	static const uint8_t rv_ret[] = { 0x82, 0x80 };      /* ret */
	static const uint8_t t_bx[] = { 0x70, 0x47 };        /* bx lr */
	static const uint8_t t_it[] = { 0x08, 0xbf, 0x10, 0xb5 }; /* it eq; pusheq {r4, lr} */
	prologue_frame f;

	analyze(&f, "riscv64", rv_ret, sizeof(rv_ret), 0);
	cr_expect(f.size == 0 && f.saved == 0);
	analyze(&f, "arm", t_bx, sizeof(t_bx), 1);
	cr_expect(f.size == 0 && f.saved == 0);
	/* A conditional push may not have happened. */
	analyze(&f, "arm", t_it, sizeof(t_it), 1);
	cr_expect(f.size == 0 && f.saved == 0);
}

Test(unwind_prologue, garbage_and_limits)
{
	/* str lr, [sp, #-4]!; sub.w sp, sp, #0x40000000: past UNWIND_MAX_FRAME. */
	static const uint8_t t_huge[] = { 0x4d, 0xf8, 0x04, 0xed,
					  0xad, 0xf1, 0x80, 0x4d };
	uint8_t junk[PROLOGUE_MAX_BYTES];
	prologue_frame f;

	cr_expect_eq(prologue_analyze(&f, target("arm"), t_huge, sizeof(t_huge), 1), -1);
	/* mv sp, s0 is no constant adjustment. */
	static const uint8_t rv_mv_sp[] = { 0x41, 0x11, 0x22, 0x81 };
	analyze(&f, "riscv64", rv_mv_sp, sizeof(rv_mv_sp), 0);
	cr_expect_eq(f.size, 16);
	for (int fill = 0; fill < 256; fill += 0x55) {
		memset(junk, fill, sizeof(junk));
		for (int thumb = 0; thumb < 2; thumb++) {
			int rc = prologue_analyze(&f, target("arm"), junk, sizeof(junk), thumb);
			cr_expect(rc == -1 || f.size <= UNWIND_MAX_FRAME);
		}
		int rc = prologue_analyze(&f, target("riscv64"), junk, sizeof(junk), 0);
		cr_expect(rc == -1 || f.size <= UNWIND_MAX_FRAME);
	}
	/* No decoder: no analysis. */
	cr_expect_eq(prologue_analyze(&f, target("x86_64"), rv_mv_sp, 2, 0), -1);
}

/* What a whole function writes: a caller's callee-saved registers that
 * the callee wrote without saving are unknown. */
Test(unwind_prologue, whole_function_writes)
{
	/* push {r4, r5, lr}; ldr r4, =0x12345678; movs r5, #1;
	 * pop {r4, r5, pc}; the literal pool (data, skipped). */
	static const uint8_t t_pool[] = { 0x30, 0xb5, 0x01, 0x4c, 0x01, 0x25,
					  0x30, 0xbd, 0x78, 0x56, 0x34, 0x12 };
	uint64_t w = target("arm")->writes(t_pool, sizeof(t_pool), 1);

	cr_expect((w & 0x30) == 0x30, "r4, r5 written: 0x%llx", (unsigned long long)w);
	cr_expect(!(w & 0x0fc0), "r6-r11 untouched: 0x%llx", (unsigned long long)w);
	/* riscv64 abort(): s0, s1, s2 written, s3-s11 not. */
	w = target("riscv64")->writes(rv64_abort, sizeof(rv64_abort), 0);
	cr_expect((w >> 8 & 3) == 3 && (w >> 18 & 1), "0x%llx", (unsigned long long)w);
	cr_expect(!(w >> 19 & 0x1ff), "0x%llx", (unsigned long long)w);
	/* A 48-bit encoding cannot be stepped over: everything. */
	static const uint8_t rv_long[] = { 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00 };
	cr_expect_eq(target("riscv64")->writes(rv_long, sizeof(rv_long), 0), ~0ull);
}

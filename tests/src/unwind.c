/*
 * Tests for src/guest/unwind.c. The stack is not invented: for each test ELF the
 * test "executes" the real prologues of _start, top, middle and leaf (only
 * the few instruction forms GCC emits there, decoded from the image), with
 * calls found by decoding the call instructions. The unwinder must then
 * recover exactly those return addresses, by CFI and by frame pointers.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "target.h"
#include "unwind.h"

#define STACK_BASE 0x20000000ull
#define STACK_SIZE 4096

typedef struct fake {
	uint8_t mem[STACK_SIZE];
	uint64_t fail_below;     /* reads below this address fail (0: none) */
	unsigned ptr;
} fake;

static int fake_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	fake *f = arg;
	if (addr < STACK_BASE || addr - STACK_BASE > STACK_SIZE - len)
		return -1;
	if (f->fail_below && addr < f->fail_below)
		return -1;
	memcpy(buf, f->mem + (addr - STACK_BASE), len);
	return 0;
}

static void put(fake *f, uint64_t addr, uint64_t v)
{
	cr_assert(addr >= STACK_BASE && addr - STACK_BASE <= STACK_SIZE - f->ptr,
		  "store at 0x%llx", (unsigned long long)addr);
	memcpy(f->mem + (addr - STACK_BASE), &v, f->ptr);   /* little-endian host */
}

/* The simulated CPU: what the prologues touch. */
typedef struct cpu {
	uint64_t pc, sp, fp, lr;
} cpu;

typedef struct sim {
	const char *file;
	image *img;
	const target_desc *t;
	fake mem;
	cpu c;
	uint64_t want[4];        /* leaf body, ret in middle, in top, in _start */
	const char *names[4];
} sim;

static uint32_t word_at(const image *img, uint64_t addr)
{
	uint32_t w = 0;
	cr_assert_eq(image_read(&w, img, addr, 4), 0, "read 0x%llx", (unsigned long long)addr);
	return w;
}

static uint16_t half_at(const image *img, uint64_t addr)
{
	uint16_t h = 0;
	cr_assert_eq(image_read(&h, img, addr, 2), 0);
	return h;
}

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Address of the call from `from` to `to` and its length. */
static uint64_t find_call(size_t *len, const sim *s, const image_symbol *from,
			  const image_symbol *to)
{
	int m = s->t->elf_machine;
	int x86 = m == 62 || m == 3;
	for (uint64_t a = from->addr; a < from->addr + from->size; a += (x86 ? 1 : 2)) {
		if (m == 183 && (a & 3) == 0) {          /* AArch64 BL */
			uint32_t w = word_at(s->img, a);
			if ((w & 0xfc000000) == 0x94000000 &&
			    a + sext(w & 0x3ffffff, 26) * 4 == to->addr) {
				*len = 4;
				return a;
			}
		} else if (m == 243 && (a & 3) == 0) {   /* RISC-V JAL ra */
			uint32_t w = word_at(s->img, a);
			uint64_t imm = ((w >> 31) & 1) << 20 | ((w >> 12) & 0xff) << 12 |
				       ((w >> 20) & 1) << 11 | ((w >> 21) & 0x3ff) << 1;
			if ((w & 0xfff) == 0x0ef && a + sext(imm, 21) == to->addr) {
				*len = 4;
				return a;
			}
		} else if (x86) {                        /* x86 CALL rel32 */
			uint8_t b[5];
			int32_t rel;
			if (image_read(b, s->img, a, 5) != 0 || b[0] != 0xe8)
				continue;
			memcpy(&rel, b + 1, 4);
			if (a + 5 + (int64_t)rel == to->addr) {
				*len = 5;
				return a;
			}
		} else if (m == 40) {                    /* Thumb-2 BL */
			uint16_t h1 = half_at(s->img, a), h2;
			if ((h1 & 0xf800) != 0xf000 || a + 4 > from->addr + from->size)
				continue;
			h2 = half_at(s->img, a + 2);
			if ((h2 & 0xd000) != 0xd000)
				continue;
			uint64_t S = (h1 >> 10) & 1, j1 = (h2 >> 13) & 1, j2 = (h2 >> 11) & 1;
			uint64_t imm = S << 24 | (!(j1 ^ S)) << 23 | (!(j2 ^ S)) << 22 |
				       (uint64_t)(h1 & 0x3ff) << 12 | (uint64_t)(h2 & 0x7ff) << 1;
			if (a + 4 + sext(imm, 25) == to->addr) {
				*len = 4;
				return a;
			}
		}
	}
	cr_assert_fail("%s: no call from %s to %s", s->file, from->name, to->name);
	return 0;
}

/* Runs the prologue of `fn` on s->c from its first instruction; returns
 * the address of the first instruction that is not part of it. */
static uint64_t run_prologue(sim *s, const image_symbol *fn)
{
	uint64_t a = fn->addr;
	int m = s->t->elf_machine;

	for (;;) {
		if (m == 183) {
			uint32_t w = word_at(s->img, a);
			if ((w & 0xffc07fff) == 0xa9807bfd) {   /* stp x29,x30,[sp,#i]! */
				s->c.sp += sext((w >> 15) & 0x7f, 7) * 8;
				put(&s->mem, s->c.sp, s->c.fp);
				put(&s->mem, s->c.sp + 8, s->c.lr);
			} else if (w == 0x910003fd) {           /* mov x29, sp */
				s->c.fp = s->c.sp;
			} else {
				return a;
			}
			a += 4;
		} else if (m == 243) {
			uint32_t w = word_at(s->img, a);
			int64_t i = sext(w >> 20, 12);
			int64_t si = sext(((w >> 25) << 5) | ((w >> 7) & 0x1f), 12);
			if ((w & 0xfffff) == 0x10113) {         /* addi sp, sp, i */
				s->c.sp += i;
			} else if ((w & 0xfffff) == 0x10413) {  /* addi s0, sp, i */
				s->c.fp = s->c.sp + i;
			} else if ((w & 0xf807f) == 0x10023 &&  /* sd/sw rs2, si(sp) */
				   ((w >> 12) & 7) == (s->t->ptr_size == 8 ? 3 : 2)) {
				unsigned rs2 = (w >> 20) & 31;
				cr_assert(rs2 == 1 || rs2 == 8, "store of x%u", rs2);
				put(&s->mem, s->c.sp + si, rs2 == 1 ? s->c.lr : s->c.fp);
			} else {
				return a;
			}
			a += 4;
		} else if (m == 62 || m == 3) {
			uint8_t b[3];
			cr_assert_eq(image_read(b, s->img, a, 3), 0);
			if (b[0] == 0x55) {                     /* push rbp / ebp */
				s->c.sp -= s->t->ptr_size;
				put(&s->mem, s->c.sp, s->c.fp);
				a += 1;
			} else if (m == 62 && b[0] == 0x48 && b[1] == 0x89 && b[2] == 0xe5) {
				s->c.fp = s->c.sp;              /* mov rbp, rsp */
				a += 3;
			} else if (m == 3 && b[0] == 0x89 && b[1] == 0xe5) {
				s->c.fp = s->c.sp;              /* mov ebp, esp */
				a += 2;
			} else {
				return a;
			}
		} else {
			uint16_t h = half_at(s->img, a);
			if (h == 0xb580) {                      /* push {r7, lr} */
				s->c.sp -= 8;
				put(&s->mem, s->c.sp, s->c.fp);
				put(&s->mem, s->c.sp + 4, s->c.lr | 1);
			} else if (h == 0xb480) {               /* push {r7} */
				s->c.sp -= 4;
				put(&s->mem, s->c.sp, s->c.fp);
			} else if ((h & 0xff80) == 0xb080) {    /* sub sp, #i */
				s->c.sp -= (h & 0x7f) * 4u;
			} else if ((h & 0xff00) == 0xaf00) {    /* add r7, sp, #i */
				s->c.fp = s->c.sp + (h & 0xff) * 4u;
			} else {
				return a;
			}
			a += 2;
		}
	}
}

/* The call instruction: a return address in lr, or pushed on x86. */
static void do_call(sim *s, uint64_t ret)
{
	if (s->t->lr_reg == NULL) {
		s->c.sp -= s->t->ptr_size;
		put(&s->mem, s->c.sp, ret);
	} else {
		s->c.lr = ret;
	}
}

static void sim_build(sim *s, const char *file, const target_desc *t)
{
	char path[512], err[256];
	const char *dir = getenv("STUBRUN_TESTDATA");
	const image_symbol *fn[4];
	static const char *const chain[4] = { "_start", "top", "middle", "leaf" };

	memset(s, 0, sizeof(*s));
	s->file = file;
	s->t = t;
	s->mem.ptr = s->t->ptr_size;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "build/tests/data/elf", file);
	cr_assert_eq(image_open(&s->img, path, 0, 0, err, sizeof(err)), 0, "%s", err);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(image_symbol_find(&fn[i], s->img, chain[i]), 0);

	/* Reset state: fp 0 and a return address 0 end every walk. */
	s->c.sp = STACK_BASE + STACK_SIZE / 2;
	do_call(s, 0);
	for (int i = 0; i < 4; i++) {
		uint64_t body = run_prologue(s, fn[i]);
		if (i == 3) {
			s->c.pc = body;
			break;
		}
		size_t len;
		uint64_t call = find_call(&len, s, fn[i], fn[i + 1]);
		cr_assert_geq(call, body, "%s: call inside the prologue", chain[i]);
		do_call(s, call + len);
		s->want[3 - i] = call + len;
		s->names[3 - i] = chain[i];
	}
	s->want[0] = s->c.pc;
	s->names[0] = "leaf";
}

static void sim_free(sim *s)
{
	image_free(s->img);
}

static void walk(unwind_frame *frames, size_t *count, unwind_stop *stop, size_t cap,
		 sim *s)
{
	unwind_regs r = { s->c.pc, s->c.sp, s->c.fp, s->c.lr, s->t->lr_reg != NULL,
			  { { 0 }, 0 } };
	cr_assert_eq(unwind_backtrace(frames, count, stop, cap, s->img, s->t, &r,
				      fake_read, &s->mem), 0);
}

static void expect_chain_as(const char *file, const target_desc *t,
			    unwind_how how)
{
	sim s;
	unwind_frame f[16];
	size_t n;
	unwind_stop stop;

	sim_build(&s, file, t);
	walk(f, &n, &stop, 16, &s);
	cr_assert_eq(n, 4, "%s: %zu frames, stopped: %s", file, n, unwind_stop_name(stop));
	cr_assert_eq(stop, UNWIND_STOP_END, "%s: %s", file, unwind_stop_name(stop));
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(f[i].pc, s.want[i], "%s frame %d: 0x%llx, want 0x%llx", file, i,
			     (unsigned long long)f[i].pc, (unsigned long long)s.want[i]);
		cr_assert_not_null(f[i].sym, "%s frame %d", file, i);
		cr_assert_str_eq(f[i].sym->name, s.names[i], "%s frame %d", file, i);
		cr_assert_eq(f[i].offset, f[i].pc - f[i].sym->addr);
	}
	cr_assert_eq(f[0].how, UNWIND_HOW_START);
	for (int i = 2; i < 4; i++)
		cr_assert_eq(f[i].how, how, "%s frame %d by %d", file, i, f[i].how);
	for (int i = 1; i < 4; i++)
		cr_assert_geq(f[i].sp, f[i - 1].sp, "%s: frame %d moved down", file, i);
	sim_free(&s);
}

static void expect_chain(const char *file, const char *target, unwind_how how)
{
	expect_chain_as(file, target_by_name(target), how);
}

Test(unwind, cfi_aarch64) { expect_chain("aarch64.elf", "aarch64", UNWIND_HOW_CFI); }
Test(unwind, cfi_x86_64) { expect_chain("x86_64.elf", "x86_64", UNWIND_HOW_CFI); }
Test(unwind, cfi_riscv64_debug_frame) { expect_chain("riscv64.elf", "riscv64", UNWIND_HOW_CFI); }
Test(unwind, cfi_i386) { expect_chain("i386.elf", "i386", UNWIND_HOW_CFI); }
Test(unwind, cfi_arm_debug_frame) { expect_chain("arm.elf", "arm", UNWIND_HOW_CFI); }
/* Arm's EHABI index (unwind_exidx.c) is unwind information as CFI is. */
Test(unwind, exidx_arm) { expect_chain("arm-exidx.elf", "arm", UNWIND_HOW_CFI); }
Test(unwind, fp_aarch64) { expect_chain("aarch64-nocfi.elf", "aarch64", UNWIND_HOW_FP); }
Test(unwind, fp_x86_64) { expect_chain("x86_64-nocfi.elf", "x86_64", UNWIND_HOW_FP); }
/* Without CFI RISC-V's prologues are decoded first; the frame-pointer
 * walk is what is left without a decoder (or a symbol). */
Test(unwind, prologue_riscv64)
{
	expect_chain("riscv64-nocfi.elf", "riscv64", UNWIND_HOW_PROLOGUE);
}

Test(unwind, prologue_arm)
{
	expect_chain("arm-nocfi.elf", "arm", UNWIND_HOW_PROLOGUE);
}

Test(unwind, fp_riscv64)
{
	target_desc t = *target_by_name("riscv64");

	t.prologue = NULL;
	expect_chain_as("riscv64-nocfi.elf", &t, UNWIND_HOW_FP);
}

Test(unwind, frameless_leaf_uses_the_link_register)
{
	sim s;
	unwind_frame f[8];
	size_t n;
	unwind_stop stop;

	sim_build(&s, "aarch64-nocfi.elf", target_by_name("aarch64"));
	walk(f, &n, &stop, 8, &s);
	cr_assert_geq(n, 2);
	cr_assert_eq(f[1].how, UNWIND_HOW_LR);
	cr_assert_eq(f[1].pc, s.c.lr);
	sim_free(&s);
}

Test(unwind, without_an_image_frame_pointers_still_work)
{
	sim s;
	unwind_frame f[8];
	size_t n;
	unwind_stop stop;

	sim_build(&s, "aarch64-nocfi.elf", target_by_name("aarch64"));
	unwind_regs r = { s.c.pc, s.c.sp, s.c.fp, s.c.lr, 1, { { 0 }, 0 } };
	cr_assert_eq(unwind_backtrace(f, &n, &stop, 8, NULL, s.t, &r, fake_read, &s.mem), 0);
	cr_assert_eq(n, 4, "%s", unwind_stop_name(stop));
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(f[i].pc, s.want[i]);
		cr_assert_null(f[i].sym);
	}
	sim_free(&s);
}

/* At the final `ret` of a function with a frame, bp is the caller's again. */
Test(unwind, x86_at_ret_uses_the_stack_top)
{
	sim s;
	unwind_frame f[8];
	size_t n;
	unwind_stop stop;
	const image_symbol *mid;
	uint8_t b = 0;

	sim_build(&s, "x86_64-nocfi.elf", target_by_name("x86_64"));
	cr_assert_eq(image_symbol_find(&mid, s.img, "middle"), 0);
	uint64_t ret_at = mid->addr + mid->size - 1;
	cr_assert_eq(image_read(&b, s.img, ret_at, 1), 0);
	cr_assert_eq(b, 0xc3, "middle ends in ret");
	/* Return from leaf, then run middle's epilogue: pop rbp. */
	s.c.sp += 8;
	s.c.fp = 0;
	cr_assert_eq(fake_read(&s.c.fp, s.c.sp, 8, &s.mem), 0);
	s.c.sp += 8;
	s.c.pc = ret_at;
	walk(f, &n, &stop, 8, &s);
	cr_assert_eq(n, 3, "middle, top, _start: %s", unwind_stop_name(stop));
	cr_assert_eq(f[1].pc, s.want[2]);
	cr_assert_eq(f[2].pc, s.want[3]);
	sim_free(&s);
}

Test(unwind, cap_limits_the_frames)
{
	sim s;
	unwind_frame f[2];
	size_t n;
	unwind_stop stop;

	sim_build(&s, "aarch64.elf", target_by_name("aarch64"));
	walk(f, &n, &stop, 2, &s);
	cr_assert_eq(n, 2);
	cr_assert_eq(stop, UNWIND_STOP_CAP);
	cr_assert_eq(f[1].pc, s.want[1]);
	cr_assert_eq(unwind_backtrace(f, &n, &stop, 0, s.img, s.t,
				      &(unwind_regs){ 0 }, fake_read, &s.mem), -1);
	sim_free(&s);
}

Test(unwind, unreadable_memory_stops_the_walk)
{
	static const char *const files[][2] = {
		{ "aarch64.elf", "aarch64" }, { "aarch64-nocfi.elf", "aarch64" },
		{ "x86_64.elf", "x86_64" }, { "riscv64-nocfi.elf", "riscv64" },
	};
	for (size_t i = 0; i < 4; i++) {
		sim s;
		unwind_frame f[8];
		size_t n;
		unwind_stop stop;
		sim_build(&s, files[i][0], target_by_name(files[i][1]));
		s.mem.fail_below = STACK_BASE + STACK_SIZE;   /* nothing readable */
		walk(f, &n, &stop, 8, &s);
		cr_assert_eq(stop, UNWIND_STOP_READ, "%s: %s", files[i][0],
			     unwind_stop_name(stop));
		cr_assert_geq(n, 1);
		cr_assert_leq(n, 2, "%s: only frame 0 and a link register frame", files[i][0]);
		cr_assert_eq(f[0].pc, s.want[0]);
		sim_free(&s);
	}
}

Test(unwind, frame_pointer_loop_is_caught)
{
	sim s;
	unwind_frame f[16];
	size_t n;
	unwind_stop stop;

	sim_build(&s, "aarch64-nocfi.elf", target_by_name("aarch64"));
	/* middle's frame record at fp: make its saved fp point to itself. */
	put(&s.mem, s.c.fp, s.c.fp);
	walk(f, &n, &stop, 16, &s);
	cr_assert_eq(stop, UNWIND_STOP_BAD, "%s", unwind_stop_name(stop));
	cr_assert_eq(n, 3, "leaf, middle (lr), top, then the loop");
	cr_assert_eq(f[2].pc, s.want[2]);
	sim_free(&s);
}

Test(unwind, return_address_outside_code_is_rejected)
{
	sim s;
	unwind_frame f[16];
	size_t n;
	unwind_stop stop;

	sim_build(&s, "x86_64-nocfi.elf", target_by_name("x86_64"));
	/* The frameless leaf returns through [sp]: point it at the stack. */
	put(&s.mem, s.c.sp, STACK_BASE + 8);
	walk(f, &n, &stop, 16, &s);
	cr_assert_eq(n, 1);
	cr_assert_eq(stop, UNWIND_STOP_BAD, "%s", unwind_stop_name(stop));
	sim_free(&s);
}

Test(unwind, raw_image_without_frame_walk_has_no_info)
{
	char path[512], err[256];
	const char *dir = getenv("STUBRUN_TESTDATA");
	image *img;
	fake mem = { .ptr = 2 };
	unwind_frame f[4];
	size_t n;
	unwind_stop stop;
	unwind_regs r = { 0x7c0a, STACK_BASE + 64, 0, 0, 0, { { 0 }, 0 } };

	snprintf(path, sizeof(path), "%s/boot.bin", dir ? dir : "build/tests/data/elf");
	cr_assert_eq(image_open(&img, path, 1, 0x7c00, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(unwind_backtrace(f, &n, &stop, 4, img, target_by_name("i8086"), &r,
				      fake_read, &mem), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(f[0].pc, 0x7c0a);
	cr_assert_null(f[0].sym);
	cr_assert_eq(stop, UNWIND_STOP_NOINFO);
	image_free(img);
}

Test(unwind, stop_names)
{
	cr_assert_str_eq(unwind_stop_name(UNWIND_STOP_END), "end of stack");
	cr_assert_str_eq(unwind_stop_name(UNWIND_STOP_READ), "unreadable stack memory");
	cr_assert_str_eq(unwind_stop_name((unwind_stop)99), "unknown");
}

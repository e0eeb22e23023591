/* Tests for src/guest/disasm.c on known byte sequences of every architecture. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "image.h"
#include "target.h"

static disasm *open_for(const char *name, int thumb)
{
	disasm *d = NULL;
	const target_desc *t = target_by_name(name);
	cr_assert_not_null(t, "%s", name);
	cr_assert_eq(disasm_open(&d, t, thumb), 0, "%s", name);
	return d;
}

/* Decodes one instruction; checks its size and that the line ends with
 * `text` (the mnemonic and operands). */
static void one(const char *arch, int thumb, const uint8_t *code, size_t len,
		uint64_t addr, size_t want_size, const char *text)
{
	disasm *d = open_for(arch, thumb);
	char line[256];
	size_t size;
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, code, len, addr), 0,
		     "%s: %s", arch, line);
	cr_assert_eq(size, want_size, "%s: %s", arch, line);
	size_t l = strlen(line), t = strlen(text);
	cr_assert(l > t && strcmp(line + l - t, text) == 0 && line[l - t - 1] == ' ',
		  "%s: got '%s', want '...%s'", arch, line, text);
	disasm_free(d);
}

Test(disasm, x86_64_exact_line_format)
{
	static const uint8_t code[] = { 0x48, 0x89, 0xe5 };
	disasm *d = open_for("x86_64", 0);
	char line[128];
	size_t size;
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, code, 3, 0x100016), 0);
	/* 16 address digits, then the bytes padded to 7 columns. */
	cr_assert_str_eq(line, "0000000000100016:  48 89 e5              mov rbp, rsp");
	disasm_free(d);
}

Test(disasm, each_architecture)
{
	static const uint8_t push_rbp[] = { 0x55 };
	static const uint8_t mov_ebp[] = { 0x89, 0xe5 };
	static const uint8_t out16[] = { 0xe7, 0xf4 };
	static const uint8_t mov16[] = { 0xb8, 0x31, 0x00 };
	static const uint8_t stp[] = { 0xfd, 0x7b, 0xbf, 0xa9 };
	static const uint8_t ret64[] = { 0xc0, 0x03, 0x5f, 0xd6 };
	static const uint8_t push_t[] = { 0x80, 0xb5 };
	static const uint8_t bl_t[] = { 0xff, 0xf7, 0xeb, 0xff };
	static const uint8_t bx_a32[] = { 0x1e, 0xff, 0x2f, 0xe1 };

	one("x86_64", 0, push_rbp, 1, 0x1000, 1, "push rbp");
	one("i386", 0, mov_ebp, 2, 0x1000, 2, "mov ebp, esp");
	one("i8086", 0, out16, 2, 0x7c08, 2, "out 0xf4, ax");
	one("i8086", 0, mov16, 3, 0x7c05, 3, "mov ax, 0x31");
	one("aarch64", 0, stp, 4, 0x40080000, 4, "stp x29, x30, [sp, #-0x10]!");
	one("aarch64", 0, ret64, 4, 0x40080004, 4, "ret");
	one("arm", 1, push_t, 2, 0x20, 2, "push {r7, lr}");
	one("arm", 1, bl_t, 4, 0x26, 4, "bl #0");
	one("arm", 0, bx_a32, 4, 0x1000, 4, "bx lr");
}

Test(disasm, riscv_uses_its_own_decoder)
{
	static const uint8_t addi[] = { 0x13, 0x01, 0x01, 0xff };
	static const uint8_t c_ret[] = { 0x82, 0x80, 0x13, 0x01 };
	static const uint8_t fadd[] = { 0x53, 0x00, 0x00, 0x00 };
	one("riscv64", 0, addi, 4, 0x80000000, 4, "addi sp, sp, -16");
	one("riscv32", 0, c_ret, 4, 0x80000000, 2, "ret");
	/* Valid, but not in the decoder: the word, with its length. */
	one("riscv64", 0, fadd, 4, 0x80000000, 4, ".insn 0x00000053");

	disasm *d = open_for("riscv64", 0);
	char line[128];
	size_t size;
	/* A 32-bit instruction cut after its first parcel. */
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, addi, 2, 0x80000000),
		     DISASM_EDECODE);
	cr_assert_eq(size, 2);
	cr_assert(strstr(line, ".2byte 0x0113"), "%s", line);
	disasm_free(d);
}

Test(disasm, invalid_bytes_become_a_byte_line)
{
	static const uint8_t bad64[] = { 0x06, 0x90 };   /* push es: not in 64-bit */
	static const uint8_t truncated[] = { 0x48, 0x89 };
	static const uint8_t bad_a64[] = { 0xff, 0xff, 0xff, 0xff };
	disasm *d = open_for("x86_64", 0);
	char line[128];
	size_t size;

	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, bad64, 2, 0x10), DISASM_EDECODE);
	cr_assert_eq(size, 1);
	cr_assert(strstr(line, ".byte 0x06") && strncmp(line, "0000000000000010:", 17) == 0,
		  "%s", line);
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, truncated, 2, 0x10),
		     DISASM_EDECODE);
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, truncated, 0, 0x10),
		     DISASM_EDECODE);
	cr_assert_eq(size, 0);
	disasm_free(d);

	d = open_for("aarch64", 0);
	cr_assert_eq(disasm_one(&size, line, sizeof(line), d, bad_a64, 4, 0x10), DISASM_EDECODE);
	cr_assert_eq(size, 4);
	cr_assert(strstr(line, ".byte 0xff, 0xff, 0xff, 0xff"), "%s", line);
	disasm_free(d);
}

Test(disasm, lines_continue_after_bad_bytes)
{
	static const uint8_t code[] = { 0x55, 0x06, 0x48, 0x89, 0xe5, 0xc3 };
	disasm *d = open_for("x86_64", 0);
	char buf[1024];
	size_t count;

	cr_assert_eq(disasm_lines(&count, buf, sizeof(buf), d, code, sizeof(code), 0x2000, 10), 0);
	cr_assert_eq(count, 4, "%s", buf);
	cr_assert(strstr(buf, "push rbp\n") && strstr(buf, ".byte 0x06\n") &&
		  strstr(buf, "mov rbp, rsp\n") && strstr(buf, "0000000000002005:"),
		  "%s", buf);
	/* At most `max` lines. */
	cr_assert_eq(disasm_lines(&count, buf, sizeof(buf), d, code, sizeof(code), 0x2000, 2), 0);
	cr_assert_eq(count, 2);
	/* A buffer too small keeps only whole lines. */
	cr_assert_eq(disasm_lines(&count, buf, 60, d, code, sizeof(code), 0x2000, 10),
		     DISASM_ENOSPACE);
	cr_assert_eq(count, 1);
	cr_assert_eq(buf[strlen(buf) - 1], '\n');
	char one_line[8];
	size_t size;
	cr_assert_eq(disasm_one(&size, one_line, sizeof(one_line), d, code, 1, 0), DISASM_ENOSPACE);
	disasm_free(d);
}

Test(disasm, prev_on_fixed_length)
{
	static const uint8_t code[8] = { 0 };
	disasm *d = open_for("aarch64", 0);
	uint64_t prev;
	cr_assert_eq(disasm_prev(&prev, d, code, 8, 0x1000, 0x1008), 0);
	cr_assert_eq(prev, 0x1004);
	cr_assert_eq(disasm_prev(&prev, d, code, 8, 0x1000, 0x1000), DISASM_EDECODE);
	cr_assert_eq(disasm_prev(&prev, d, code, 8, 0x1000, 0x1009), DISASM_EDECODE);
	disasm_free(d);
}

Test(disasm, prev_on_thumb_and_compressed_riscv)
{
	/* push {r7,lr}; add r7,sp,#0; adds r0,#1; bl; adds r0,#1 */
	static const uint8_t thumb[] = { 0x80, 0xb5, 0x00, 0xaf, 0x01, 0x30,
					 0xff, 0xf7, 0xeb, 0xff, 0x01, 0x30 };
	/* c.addi sp,-16; addi sp,sp,-16; c.jr ra */
	static const uint8_t rv[] = { 0x41, 0x11, 0x13, 0x01, 0x01, 0xff, 0x82, 0x80 };
	uint64_t prev;
	disasm *d = open_for("arm", 1);
	cr_assert_eq(disasm_prev(&prev, d, thumb, sizeof(thumb), 0x20, 0x2a), 0);
	cr_assert_eq(prev, 0x26, "the 32-bit bl");
	disasm_free(d);

	d = open_for("riscv64", 0);
	cr_assert_eq(disasm_prev(&prev, d, rv, sizeof(rv), 0x100, 0x106), 0);
	cr_assert_eq(prev, 0x102);
	cr_assert_eq(disasm_prev(&prev, d, rv, sizeof(rv), 0x100, 0x108), 0);
	cr_assert_eq(prev, 0x106);
	disasm_free(d);
}

/* On x86 the instruction before a return address is the call: checked on
 * the real code of middle() from a window that starts mid-instruction. */
Test(disasm, prev_finds_the_call_on_x86)
{
	char path[512], err[256], line[256];
	const char *dir = getenv("STUBRUN_TESTDATA");
	image *img;
	const image_symbol *mid, *leaf;
	uint8_t code[64];
	size_t size;

	snprintf(path, sizeof(path), "%s/x86_64.elf", dir ? dir : "build/tests/data/elf");
	cr_assert_eq(image_open(&img, path, 0, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(image_symbol_find(&mid, img, "middle"), 0);
	cr_assert_eq(image_symbol_find(&leaf, img, "leaf"), 0);
	cr_assert_leq(mid->size, sizeof(code));
	cr_assert_eq(image_read(code, img, mid->addr, mid->size), 0);
	disasm *d = open_for("x86_64", 0);

	/* Find the call by decoding from the function start. */
	uint64_t call = 0, ret = 0;
	char target[32];
	snprintf(target, sizeof(target), "call 0x%llx", (unsigned long long)leaf->addr);
	for (size_t off = 0; off < mid->size; off += size) {
		disasm_one(&size, line, sizeof(line), d, code + off, mid->size - off,
			   mid->addr + off);
		cr_assert_gt(size, 0);
		if (strstr(line, target)) {
			call = mid->addr + off;
			ret = call + size;
		}
	}
	cr_assert_neq(call, 0, "no '%s' in middle", target);
	uint64_t prev;
	for (uint64_t base = mid->addr; base < mid->addr + 3; base++) {
		cr_assert_eq(disasm_prev(&prev, d, code + (base - mid->addr),
					 mid->size - (base - mid->addr), base, ret), 0);
		cr_assert_eq(prev, call, "window from +%llu",
			     (unsigned long long)(base - mid->addr));
	}
	disasm_free(d);
	image_free(img);
}

/* Tests for src/semihost/semihost_scan.c: trap finding on byte sequences per ISA,
 * and on a real ELF built with the cross toolchain when it is present. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "semihost_scan.h"

#define BASE 0x8000u

static size_t scan(semihost_trap *t, size_t cap, const void *code, size_t len,
		   semihost_isa isa)
{
	size_t n = 0;
	cr_assert_eq(semihost_scan_bytes(t, cap, &n, code, len, BASE, isa), 0);
	return n;
}

Test(semihost_scan, a64_hlt_f000)
{
	/* nop; hlt #0xf000; hlt #0xf001 (not a trap); ret */
	static const uint8_t code[] = { 0x1f, 0x20, 0x03, 0xd5,
		0x00, 0x00, 0x5e, 0xd4, 0x20, 0x00, 0x5e, 0xd4,
		0xc0, 0x03, 0x5f, 0xd6 };
	semihost_trap t[4];
	cr_assert_eq(scan(t, 4, code, sizeof(code), SEMIHOST_ISA_A64), 1);
	cr_assert_eq(t[0].addr, BASE + 4);
	cr_assert_eq(t[0].bp_kind, 4);
	cr_assert_eq(t[0].skip, 4);
}

Test(semihost_scan, a32_svc_123456_and_hlt_f000)
{
	/* svc #0x123456; svceq #0x123456; hlt #0xf000; svc #0x123457 */
	static const uint8_t code[] = { 0x56, 0x34, 0x12, 0xef,
		0x56, 0x34, 0x12, 0x0f, 0x70, 0x00, 0x0f, 0xe1,
		0x57, 0x34, 0x12, 0xef };
	semihost_trap t[4];
	cr_assert_eq(scan(t, 4, code, sizeof(code), SEMIHOST_ISA_A32), 3);
	cr_assert_eq(t[0].addr, BASE);
	cr_assert_eq(t[1].addr, BASE + 4);
	cr_assert_eq(t[2].addr, BASE + 8);
	cr_assert_eq(t[2].bp_kind, 4);
}

Test(semihost_scan, t32_svc_hlt_bkpt)
{
	/* svc #0xab; hlt #0x3c; bkpt #0xab; bkpt #0xac; svc #0xaa */
	static const uint8_t code[] = { 0xab, 0xdf, 0xbc, 0xba, 0xab, 0xbe,
		0xac, 0xbe, 0xaa, 0xdf };
	semihost_trap t[8];
	cr_assert_eq(scan(t, 8, code, sizeof(code), SEMIHOST_ISA_T32), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(t[i].addr, BASE + 2 * (unsigned)i);
		cr_assert_eq(t[i].bp_kind, 2);
		cr_assert_eq(t[i].skip, 2);
		cr_assert_eq(t[i].isa, SEMIHOST_ISA_T32);
	}
}

Test(semihost_scan, t32_second_half_of_a_wide_instruction_is_not_a_trap)
{
	/* b.w whose second halfword is 0xbeab (bkpt #0xab's encoding),
	 * then a real bkpt #0xab. */
	static const uint8_t code[] = { 0x00, 0xf0, 0xab, 0xbe, 0xab, 0xbe };
	semihost_trap t[4];
	cr_assert_eq(scan(t, 4, code, sizeof(code), SEMIHOST_ISA_T32), 1);
	cr_assert_eq(t[0].addr, BASE + 4);
}

Test(semihost_scan, a32_bytes_are_not_thumb_traps)
{
	/* 0xdfab0000 is an A32 word whose high half reads as T32 svc #0xab. */
	static const uint8_t code[] = { 0x00, 0x00, 0xab, 0xdf };
	semihost_trap t[4];
	cr_assert_eq(scan(t, 4, code, sizeof(code), SEMIHOST_ISA_A32), 0);
}

Test(semihost_scan, riscv_sequence_at_4_and_2_byte_alignment)
{
	/* slli x0,x0,0x1f; ebreak; srai x0,x0,7 -- then c.nop, the same
	 * sequence at a 2-byte offset, then one without the srai. */
	static const uint8_t code[] = {
		0x13, 0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00,
		0x13, 0x50, 0x70, 0x40,
		0x01, 0x00,
		0x13, 0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00,
		0x13, 0x50, 0x70, 0x40,
		0x13, 0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00,
		0x13, 0x00, 0x00, 0x00,
	};
	semihost_trap t[4];
	for (int isa = SEMIHOST_ISA_RV32; isa <= SEMIHOST_ISA_RV64; isa++) {
		cr_assert_eq(scan(t, 4, code, sizeof(code), (semihost_isa)isa), 2);
		cr_assert_eq(t[0].addr, BASE + 4, "on the ebreak");
		cr_assert_eq(t[0].skip, 8, "resume after the srai");
		cr_assert_eq(t[0].bp_kind, 4);
		cr_assert_eq(t[1].addr, BASE + 14 + 4);
	}
}

Test(semihost_scan, riscv_ebreak_alone_is_not_a_trap)
{
	static const uint8_t code[] = { 0x73, 0x00, 0x10, 0x00, 0x73, 0x00,
		0x10, 0x00, 0x73, 0x00, 0x10, 0x00 };
	semihost_trap t[4];
	cr_assert_eq(scan(t, 4, code, sizeof(code), SEMIHOST_ISA_RV64), 0);
}

Test(semihost_scan, more_traps_than_room_is_enomem)
{
	static const uint8_t code[] = { 0xab, 0xbe, 0xab, 0xbe, 0xab, 0xbe };
	semihost_trap t[2];
	size_t n = 0;
	cr_assert_eq(semihost_scan_bytes(t, 2, &n, code, sizeof(code), BASE,
					 SEMIHOST_ISA_T32), SEMIHOST_ENOMEM);
	cr_assert_eq(n, 2);
}

Test(semihost_scan, truncated_and_empty_input)
{
	static const uint8_t code[] = { 0x00, 0x00, 0x5e };
	semihost_trap t[2];
	cr_assert_eq(scan(t, 2, code, sizeof(code), SEMIHOST_ISA_A64), 0);
	cr_assert_eq(scan(t, 2, code, 0, SEMIHOST_ISA_A32), 0);
	cr_assert_eq(scan(t, 2, code, 0, SEMIHOST_ISA_RV32), 0);
}

/* --- a real image: mixed Arm/Thumb with a literal pool ----------------- */

static const char mixed_asm[] =
	"\t.syntax unified\n"
	"\t.arch armv7-a\n"
	"\t.text\n"
	"\t.arm\n"
	"\t.global _start\n"
	"_start:\n"
	"\tsvc #0x123456\n"
	"\tldr r0, =0xbeabdfab\n"         /* the pool holds Thumb trap bytes */
	"\tb 1f\n"
	"\t.ltorg\n"
	"1:\n"
	"\t.thumb\n"
	"\t.thumb_func\n"
	"thumb:\n"
	"\tsvc #0xab\n"
	"\tbkpt #0xab\n"
	"\tnop\n";

/* Data first ($d), then code: gas names that code "$x<isa string>". */
static const char riscv_asm[] =
	"\t.option norvc\n"
	"\t.text\n"
	"\t.globl _start\n"
	"_start:\n"
	"\t.word 0x01f01013, 0x00100073, 0x40705013\n"
	"\tslli x0, x0, 0x1f\n"
	"\tebreak\n"
	"\tsrai x0, x0, 7\n";

static int have_tool(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* Assembles `source` with `cc FLAGS` at 0x10000 (or `base`), scans it for
 * `arch`'s traps; *t is malloc'd. Cleans up its files. */
static void scan_asm(semihost_trap **t, size_t *n, const char *cc,
		     const char *flags, const char *source, const char *arch)
{
	char dir[] = "/tmp/stubrun-scan-XXXXXX";
	char src[64], elf[64], cmd[512], err[256] = "";
	image *img = NULL;
	int rc = -1;

	if (!have_tool(cc))
		cr_skip_test("%s not installed", cc);
	cr_assert(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/m.s", dir);
	snprintf(elf, sizeof(elf), "%s/m.elf", dir);
	FILE *f = fopen(src, "w");
	cr_assert(f);
	fputs(source, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s -nostdlib -o %s %s", cc, flags, elf,
		 src);
	if (system(cmd) == 0 &&
	    image_open(&img, elf, 0, 0, err, sizeof(err)) == 0) {
		const target_desc *tgt = target_by_name(arch);
		cr_assert(tgt);
		rc = semihost_scan(t, n, img, tgt, err, sizeof(err));
	}
	image_free(img);
	unlink(elf);
	unlink(src);
	rmdir(dir);
	cr_assert_eq(rc, 0, "%s", err);
}

Test(semihost_scan, elf_mapping_symbols_pick_arm_thumb_and_skip_data)
{
	semihost_trap *t = NULL;
	size_t n = 0;

	scan_asm(&t, &n, "arm-none-eabi-gcc", "-Ttext=0x10000", mixed_asm,
		 "arm");
	cr_assert_eq(n, 3, "svc (A32), svc + bkpt (T32), none in the pool");
	cr_assert_eq(t[0].addr, 0x10000);
	cr_assert_eq(t[0].isa, SEMIHOST_ISA_A32);
	cr_assert_eq(t[0].bp_kind, 4);
	cr_assert_eq(t[1].isa, SEMIHOST_ISA_T32);
	cr_assert_eq(t[1].bp_kind, 2);
	cr_assert_eq(t[2].addr, t[1].addr + 2);
	free(t);
}

Test(semihost_scan, elf_riscv_data_is_skipped_and_isa_named_x_resumes)
{
	semihost_trap *t = NULL;
	size_t n = 0;

	scan_asm(&t, &n, "riscv64-unknown-elf-gcc",
		 "-march=rv64imac -mabi=lp64 -Ttext=0x80000000", riscv_asm,
		 "riscv64");
	cr_assert_eq(n, 1, "the .word copy is data");
	cr_assert_eq(t[0].addr, 0x80000010, "the ebreak of the real one");
	cr_assert_eq(t[0].skip, 8);
	cr_assert_eq(t[0].isa, SEMIHOST_ISA_RV64);
	free(t);
}

/* Tests for the board of targets/arm.c's build attributes: the bytes of
 * .ARM.attributes as arm-none-eabi-gcc 12 writes them for a Cortex-M3, a
 * Cortex-M4F and a Cortex-M7 (FPv5) image and for two A-profile ones, and
 * malformed ones, every one giving the default (NULL) without reading
 * outside the bytes. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "target.h"

extern const target_desc target_arm;

/* -mcpu=cortex-m3 -mfloat-abi=soft: Tag_CPU_arch v7 (10), profile 'M'. */
static const uint8_t m3[] = {
	0x41, 0x2e, 0x00, 0x00, 0x00, 'a', 'e', 'a', 'b', 'i', 0x00,
	0x01, 0x24, 0x00, 0x00, 0x00, 0x05, '7', '-', 'M', 0x00, 0x06, 0x0a,
	0x07, 0x4d, 0x09, 0x02, 0x12, 0x04, 0x13, 0x01, 0x14, 0x01, 0x15,
	0x01, 0x16, 0x01, 0x17, 0x03, 0x18, 0x01, 0x1a, 0x01, 0x1e, 0x04,
	0x22, 0x01,
};

/* -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard: v7E-M (13),
 * Tag_FP_arch VFPv4-D16 (6). */
static const uint8_t m4[] = {
	0x41, 0x35, 0x00, 0x00, 0x00, 'a', 'e', 'a', 'b', 'i', 0x00,
	0x01, 0x2b, 0x00, 0x00, 0x00, 0x05, '7', 'E', '-', 'M', 0x00, 0x06,
	0x0d, 0x07, 0x4d, 0x09, 0x02, 0x0a, 0x06, 0x12, 0x04, 0x13, 0x01,
	0x14, 0x01, 0x15, 0x01, 0x16, 0x01, 0x17, 0x03, 0x18, 0x01, 0x1a,
	0x01, 0x1b, 0x01, 0x1c, 0x01, 0x1e, 0x04, 0x22, 0x01,
};

/* -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard: v7E-M, FPv5-D16 (8). */
static const uint8_t m7[] = {
	0x41, 0x33, 0x00, 0x00, 0x00, 'a', 'e', 'a', 'b', 'i', 0x00,
	0x01, 0x29, 0x00, 0x00, 0x00, 0x05, '7', 'E', '-', 'M', 0x00, 0x06,
	0x0d, 0x07, 0x4d, 0x09, 0x02, 0x0a, 0x08, 0x12, 0x04, 0x13, 0x01,
	0x14, 0x01, 0x15, 0x01, 0x16, 0x01, 0x17, 0x03, 0x18, 0x01, 0x1a,
	0x01, 0x1c, 0x01, 0x1e, 0x04, 0x22, 0x01,
};

/* newlib's stock --specs=aprofile-ve.specs: Tag_CPU_arch v4T (2), no
 * profile; and -mthumb -march=armv7-a: v7, profile 'A'. */
static const uint8_t a_v4t[] = {
	0x41, 0x25, 0x00, 0x00, 0x00, 'a', 'e', 'a', 'b', 'i', 0x00,
	0x01, 0x1b, 0x00, 0x00, 0x00, 0x05, '4', 'T', 0x00, 0x06, 0x02,
	0x08, 0x01, 0x09, 0x01, 0x12, 0x04, 0x14, 0x01, 0x15, 0x01, 0x17,
	0x03, 0x18, 0x01, 0x1a, 0x01,
};
static const uint8_t a_v7a[] = {
	0x41, 0x2a, 0x00, 0x00, 0x00, 'a', 'e', 'a', 'b', 'i', 0x00,
	0x01, 0x20, 0x00, 0x00, 0x00, 0x05, '7', '-', 'A', 0x00, 0x06, 0x0a,
	0x07, 0x41, 0x08, 0x01, 0x09, 0x02, 0x12, 0x04, 0x14, 0x01, 0x15,
	0x01, 0x17, 0x03, 0x18, 0x01, 0x1a, 0x01, 0x22, 0x01,
};

/* The bytes in a buffer of exactly their size, so that ASan sees a read
 * past them. */
static const char *board_at(const uint8_t *bytes, size_t len, uint64_t entry)
{
	uint8_t *copy = malloc(len ? len : 1);
	const char *m;

	cr_assert_not_null(copy);
	memcpy(copy, bytes, len);
	m = target_arm.machine_for_attrs(copy, len, entry);
	free(copy);
	return m;
}

/* An M-profile image's entry, in mps2's flash. */
static const char *board(const uint8_t *bytes, size_t len)
{
	return board_at(bytes, len, 0x1c1);
}

Test(arm_attrs, the_cpu_architecture_picks_the_board)
{
	cr_assert_str_eq(target_arm.attrs_section, ".ARM.attributes");
	cr_expect_null(board(m3, sizeof(m3)), "a Cortex-M3 image: the default");
	cr_expect_str_eq(board(m4, sizeof(m4)), "mps2-an386");
	cr_expect_str_eq(board(m7, sizeof(m7)), "mps2-an500");
}

/* An image for no M-profile CPU starts on the A-profile board whose RAM
 * holds its entry point; outside all of them, the default stays (and
 * --machine says where it runs). An M-profile image stays on mps2
 * wherever it is linked. */
Test(arm_attrs, an_a_profile_image_picks_the_board_of_its_entry)
{
	cr_expect_str_eq(board_at(a_v4t, sizeof(a_v4t), 0x80010258),
			 "vexpress-a15", "newlib's aprofile-ve.specs");
	cr_expect_str_eq(board_at(a_v7a, sizeof(a_v7a), 0x40000000), "virt");
	cr_expect_str_eq(board_at(a_v7a, sizeof(a_v7a), 0x60008000),
			 "vexpress-a9");
	cr_expect_null(board_at(a_v7a, sizeof(a_v7a), 0x10000),
		       "no A-profile board has RAM there");
	cr_expect_null(board_at(m3, sizeof(m3), 0x80010258),
		       "a Cortex-M3 image is never moved");
	cr_expect_str_eq(board_at(m4, sizeof(m4), 0x80010258), "mps2-an386");
}

/* Every truncation breaks a length: the default. */
Test(arm_attrs, truncated_bytes_give_the_default)
{
	for (size_t len = 0; len < sizeof(m4); len++)
		cr_expect_null(board(m4, len), "%zu of %zu bytes", len, sizeof(m4));
}

Test(arm_attrs, malformed_bytes_give_the_default)
{
	static const struct { const char *what; uint8_t b[32]; size_t len; } cases[] = {
		{ "another format version", { 0x42, 0x0e, 0, 0, 0, 'a', 'e',
		  'a', 'b', 'i', 0, 1, 0x03, 0, 0, 0 }, 16 },
		{ "a subsection shorter than its length field", { 0x41, 0x03,
		  0, 0, 0 }, 5 },
		{ "a vendor name without its NUL", { 0x41, 0x09, 0, 0, 0, 'a',
		  'e', 'a', 'b', 'i' }, 10 },
		{ "a scope shorter than its tag and length", { 0x41, 0x0f, 0, 0,
		  0, 'a', 'e', 'a', 'b', 'i', 0, 1, 0x04, 0, 0, 0 }, 16 },
		{ "a ULEB128 longer than 64 bits", { 0x41, 0x1b, 0, 0, 0, 'a',
		  'e', 'a', 'b', 'i', 0, 1, 0x11, 0, 0, 0, 0x80, 0x80, 0x80,
		  0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 28 },
		{ "Tag_CPU_name without its NUL", { 0x41, 0x11, 0, 0, 0, 'a',
		  'e', 'a', 'b', 'i', 0, 1, 0x07, 0, 0, 0, 0x05, '7' }, 18 },
		{ "a subsection longer than the bytes", { 0x41, 0x12, 0, 0, 0,
		  'a', 'e', 'a', 'b', 'i', 0, 1, 0x07, 0, 0, 0, 0x06, 0x0d }, 18 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_null(board(cases[i].b, cases[i].len), "%s", cases[i].what);
}

/* v7E-M in the "aeabi" file scope is enough; named by another vendor or
 * in a section's scope, it says nothing of the file's code. */
Test(arm_attrs, only_the_aeabi_file_scope_counts)
{
	static const uint8_t file_scope[] = { 0x41, 0x11, 0, 0, 0, 'a', 'e',
		'a', 'b', 'i', 0, 1, 0x07, 0, 0, 0, 0x06, 0x0d };
	static const uint8_t other_vendor[] = { 0x41, 0x0f, 0, 0, 0, 'g', 'n',
		'u', 0, 1, 0x07, 0, 0, 0, 0x06, 0x0d };
	static const uint8_t section_scope[] = { 0x41, 0x13, 0, 0, 0, 'a', 'e',
		'a', 'b', 'i', 0, 2, 0x09, 0, 0, 0, 0x01, 0x00, 0x06, 0x0d };

	cr_expect_str_eq(board(file_scope, sizeof(file_scope)), "mps2-an386");
	cr_expect_null(board(other_vendor, sizeof(other_vendor)));
	cr_expect_null(board(section_scope, sizeof(section_scope)));
}

/* Tests for src/guest/sysmap.c: System.map lines, good and malformed, and
 * the image they make with image_open_symbols() and --symbols-offset. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "sysmap.h"

Test(sysmap, reads_addresses_types_and_names)
{
	static const char good[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000010 t local_fn\r\n"
		"                 U undefined_one\n"
		"0000000000000040 A abs_sym\n"
		"ffffffff82000000 D some_data\tmodule\n"
		"\n"
		"ffffffff81000020 W last_no_newline";
	image_symbol *syms;
	char *pool, why[128];
	size_t n;

	cr_assert_eq(sysmap_parse(&syms, &n, &pool, good, sizeof(good) - 1, why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(n, 5, "nm's undefined lines (no address) are skipped");
	cr_expect_str_eq(syms[0].name, "_stext");
	cr_expect_eq(syms[0].addr, 0xffffffff81000000ull);
	cr_expect(syms[0].is_func);
	cr_expect_str_eq(syms[1].name, "local_fn");
	cr_expect(syms[1].is_func);
	cr_expect_str_eq(syms[2].name, "abs_sym");
	cr_expect(syms[2].is_abs);
	cr_expect_str_eq(syms[3].name, "some_data");
	cr_expect(!syms[3].is_func);
	cr_expect_str_eq(syms[4].name, "last_no_newline");
	free(syms);
	free(pool);
}

typedef struct bad_map {
	const char *text;
	const char *why;
} bad_map;

static const bad_map bad[] = {
	{ "", "no symbols" },
	{ "\n\n", "no symbols" },
	{ "0 U only_undefined\n", "no symbols" },
	{ "hello world\n", "line 1: expected ADDR TYPE NAME" },
	{ "ffff T\n", "line 1: expected ADDR TYPE NAME" },
	{ "ffff T \n", "line 1: expected ADDR TYPE NAME" },
	{ "ffff  T name\n", "line 1: expected ADDR TYPE NAME" },
	{ "ffffTname\n", "line 1: expected ADDR TYPE NAME" },
	{ "10000000000000000 T wide\n", "line 1: address wider than 64 bits" },
	{ "1000 T ok\nzz T bad\n", "line 2: expected" },
	{ "1000 T\n", "line 1" },
	{ "   X name\n", "line 1: expected ADDR TYPE NAME" },
	{ "   U\n", "line 1: expected ADDR TYPE NAME" },
};

Test(sysmap, rejects_malformed_lines_naming_the_line)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		image_symbol *syms = (image_symbol *)1;
		char *pool = (char *)1, why[128] = "";
		size_t n = 7;
		cr_expect_eq(sysmap_parse(&syms, &n, &pool, bad[i].text,
					  strlen(bad[i].text), why, sizeof(why)),
			     -1, "case %zu accepted", i);
		cr_expect(strstr(why, bad[i].why), "case %zu: '%s' lacks '%s'", i,
			  why, bad[i].why);
		cr_expect_null(syms);
		cr_expect_null(pool);
		cr_expect_eq(n, 0);
	}
}

Test(sysmap, a_nul_byte_or_a_huge_name_is_refused)
{
	static const char nul[] = "1000 T a\0b\n";
	size_t len = 32 + SYSMAP_NAME_MAX;
	char *big = malloc(len + 1), why[128];
	image_symbol *syms;
	char *pool;
	size_t n;

	cr_expect_eq(sysmap_parse(&syms, &n, &pool, nul, sizeof(nul) - 1, why,
				  sizeof(why)), -1);
	cr_expect(strstr(why, "NUL"), "%s", why);
	cr_assert_not_null(big);
	memset(big, 'x', len);
	memcpy(big, "1000 T ", 7);
	big[len] = '\0';
	cr_expect_eq(sysmap_parse(&syms, &n, &pool, big, len, why, sizeof(why)), -1);
	cr_expect(strstr(why, "too long"), "%s", why);
	free(big);
}

Test(sysmap, image_from_a_map_looks_up_names_and_takes_an_offset)
{
	char path[] = "/tmp/stubrun-sysmap-XXXXXX", err[256];
	const image_symbol *s;
	uint64_t off;
	image *img;
	int fd = mkstemp(path);
	static const char text[] = "1000 T start\n1100 t helper\n2000 D table\n";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	cr_assert_eq(image_open_symbols(&img, path, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_expect_eq(image_symbol_count(img), 3);
	cr_assert_eq(image_symbol_find(&s, img, "helper"), 0);
	cr_expect_eq(s->addr, 0x1100);
	cr_assert_eq(image_symbol_lookup(&s, &off, img, 0x1104), 0);
	cr_expect_str_eq(s->name, "helper");
	cr_expect_eq(off, 4);
	image_set_bias(img, 0x10000000);
	cr_expect_eq(image_bias(img), 0x10000000);
	cr_assert_eq(image_symbol_lookup(&s, &off, img, 0x10001008), 0);
	cr_expect_str_eq(s->name, "start");
	cr_expect_eq(off, 8);
	cr_expect_neq(image_symbol_lookup(&s, &off, img, 0x1104), 0);
	image_free(img);
}

Test(sysmap, neither_elf_nor_map_is_named_by_the_image)
{
	char path[] = "/tmp/stubrun-sysmap-XXXXXX", err[256];
	image *img;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "just text\n", 10), 10);
	close(fd);
	cr_expect_eq(image_open_symbols(&img, path, err, sizeof(err)),
		     IMAGE_EFORMAT);
	unlink(path);
	cr_expect_null(img);
	cr_expect(strstr(err, path) && strstr(err, "nor a System.map"), "%s", err);
}

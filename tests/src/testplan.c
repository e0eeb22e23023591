/* Tests of src/plan.c: the plan of in-image tests read from the
 * ".stubrun.tests" section of real example kernels, and of copies of one
 * with that section patched into every malformed shape. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "image.h"
#include "testplan.h"

static testplan read_plan(const char *path, int want_err, char *err, size_t errlen)
{
	image *img = NULL;
	testplan p;

	cr_assert_eq(image_open(&img, path, 0, 0, err, errlen), 0, "%s", err);
	cr_assert_eq(testplan_read(&p, img, err, errlen), want_err, "%s", err);
	image_free(img);
	return p;
}

Test(testplan, declared_tests_are_read_in_order_on_every_architecture)
{
	const char *arches[] = { "aarch64", "arm", "riscv64", "riscv32", "i386",
				 "x86_64" };
	const char *want[] = { "arith", "strings", "fails", "crashes", "hangs" };
	char path[512], err[512];

	for (size_t a = 0; a < sizeof(arches) / sizeof(*arches); a++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-multi.elf", arches[a]);
		testplan p = read_plan(harness_example(path, sizeof(path), name), 0,
				   err, sizeof(err));
		cr_assert_eq(p.count, 5, "%s: %zu names", name, p.count);
		for (size_t i = 0; i < 5; i++)
			cr_expect_str_eq(p.names[i], want[i], "%s", name);
		testplan_clear(&p);
	}
}

Test(testplan, an_image_without_the_section_has_an_empty_plan)
{
	char path[512], err[512];
	testplan p = read_plan(harness_example(path, sizeof(path), "aarch64-pass.elf"),
			   0, err, sizeof(err));
	cr_assert_eq(p.count, 0);
	cr_assert_null(p.names);
	testplan_clear(&p);
}

/* Copies riscv64-multi.elf to a temp file with the section's contents
 * replaced by `bytes` (same size: the section is 34 bytes, the names
 * "arith\0strings\0fails\0crashes\0hangs\0"). */
static void patched_copy(char *tmp, const char *bytes, size_t len)
{
	char src[512];
	int in = open(harness_example(src, sizeof(src), "riscv64-multi.elf"),
		      O_RDONLY);
	cr_assert_geq(in, 0);
	int out = mkstemp(tmp);
	cr_assert_geq(out, 0);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);

	elf_version(EV_CURRENT);
	Elf *e = elf_begin(in, ELF_C_READ, NULL);
	size_t shstrndx;
	cr_assert_eq(elf_getshdrstrndx(e, &shstrndx), 0);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int found = 0;
	while ((scn = elf_nextscn(e, scn))) {
		gelf_getshdr(scn, &sh);
		const char *nm = elf_strptr(e, shstrndx, sh.sh_name);
		if (nm && !strcmp(nm, ".stubrun.tests")) {
			found = 1;
			break;
		}
	}
	cr_assert(found);
	cr_assert_eq(sh.sh_size, len, "section is %zu bytes", (size_t)sh.sh_size);
	cr_assert_eq(pwrite(out, bytes, len, (off_t)sh.sh_offset), (ssize_t)len);
	elf_end(e);
	close(in);
	close(out);
}

struct bad_case {
	const char *what;
	const char bytes[34];
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "unterminated", "arith\0strings\0fails\0crashes\0hangsX",
	  "unterminated name" },
	{ "empty name", "arith\0\0trings\0fails\0crashes\0hangs",
	  "name 2 is empty" },
	{ "control byte", "arith\0str\x01ngs\0fails\0crashes\0hangs",
	  "name 2 is empty, longer than 256 bytes or not printable" },
};

Test(testplan, malformed_sections_are_refused_naming_file_and_problem)
{
	char err[512];

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		char tmp[] = "/tmp/stubrun-plan-XXXXXX";
		image *img = NULL;
		testplan p;
		patched_copy(tmp, bad_cases[i].bytes, 34);
		/* Read, then remove the copy before any assertion can stop us. */
		int open_rc = image_open(&img, tmp, 0, 0, err, sizeof(err));
		int rc = open_rc ? open_rc : testplan_read(&p, img, err, sizeof(err));
		image_free(img);
		unlink(tmp);
		cr_assert_eq(open_rc, 0, "%s", err);
		cr_expect_eq(rc, IMAGE_EFORMAT, "%s", bad_cases[i].what);
		cr_expect_eq(p.count, 0, "%s", bad_cases[i].what);
		cr_expect_not_null(strstr(err, tmp), "%s: %s", bad_cases[i].what, err);
		cr_expect_not_null(strstr(err, ".stubrun.tests: "), "%s", err);
		cr_expect_not_null(strstr(err, bad_cases[i].message), "%s: %s",
				   bad_cases[i].what, err);
	}
}

Test(testplan, a_repeated_name_is_kept_once)
{
	char tmp[] = "/tmp/stubrun-plan-XXXXXX", err[512];
	image *img = NULL;
	testplan p = { NULL, 0 };
	patched_copy(tmp, "arith\0arith\0fails\0crashes\0fails\0a", 34);
	int open_rc = image_open(&img, tmp, 0, 0, err, sizeof(err));
	int rc = open_rc ? open_rc : testplan_read(&p, img, err, sizeof(err));
	image_free(img);
	unlink(tmp);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_eq(p.count, 4);
	cr_expect_str_eq(p.names[0], "arith");
	cr_expect_str_eq(p.names[1], "fails");
	cr_expect_str_eq(p.names[2], "crashes");
	cr_expect_str_eq(p.names[3], "a");
	testplan_clear(&p);
}

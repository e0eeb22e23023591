/* Tests for src/coverage/covout.c and gcno.c: where a guest's .gcda name
 * lands under --coverage DIR (GCOV_PREFIX / GCOV_PREFIX_STRIP), hostile
 * names refused, and the compile directory of a .gcno. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "covout.h"
#include "gcno.h"

typedef struct map_case {
	const char *dir;
	unsigned strip;
	const char *name;
	const char *want;      /* NULL: refused */
} map_case;

static const map_case maps[] = {
	{ "/out", 0, "/b/obj/x.gcda", "/out/b/obj/x.gcda" },
	{ "/out/", 0, "/b/obj/x.gcda", "/out/b/obj/x.gcda" },
	{ "/out", 2, "/b/obj/x.gcda", "/out/x.gcda" },
	/* The strip never takes the file's own name. */
	{ "/out", 9, "/b/obj/x.gcda", "/out/x.gcda" },
	{ "/out", 0, "obj//./x.gcda", "/out/obj/x.gcda" },
	{ "out", 1, "/b/x.gcda", "out/x.gcda" },
	{ "/out", 0, "/b/../../etc/x.gcda", NULL },
	{ "/out", 0, "..", NULL },
	{ "/out", 0, "/b/x.gcno", NULL },
	{ "/out", 0, "", NULL },
};

Test(covout, maps_names_under_dir)
{
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		const map_case *c = &maps[i];
		covout_map m = { c->dir, c->strip };
		char out[COVOUT_PATH_MAX], why[200] = "";
		int rc = covout_path(out, sizeof(out), &m, c->name, ".gcda", why,
				     sizeof(why));
		if (!c->want) {
			cr_expect_eq(rc, -1, "'%s' accepted as %s", c->name, out);
			cr_expect(why[0], "no reason for '%s'", c->name);
		} else {
			cr_expect_eq(rc, 0, "'%s': %s", c->name, why);
			cr_expect_str_eq(out, c->want, "'%s' strip %u", c->name,
					 c->strip);
		}
	}
}

Test(covout, too_long_is_refused_not_cut)
{
	char name[COVOUT_PATH_MAX + 16], out[64], why[200];
	covout_map m = { "/out", 0 };

	memset(name, 'a', sizeof(name));
	memcpy(name + sizeof(name) - 6, ".gcda", 6);
	name[0] = '/';
	cr_expect_eq(covout_path(out, sizeof(out), &m, name, ".gcda", why,
				 sizeof(why)), -1);
	cr_expect(strstr(why, "too long"), "%s", why);
}

static size_t gcno_header(unsigned char *buf, const char *cwd, uint32_t len)
{
	static const unsigned char head[16] = { 'o', 'n', 'c', 'g', '*', '2', '2',
						'B', 1, 2, 3, 4, 0, 0, 0, 0 };
	memcpy(buf, head, 16);
	buf[16] = (unsigned char)len;
	buf[17] = (unsigned char)(len >> 8);
	buf[18] = buf[19] = 0;
	memcpy(buf + 20, cwd, strlen(cwd) + 1);
	return 20 + strlen(cwd) + 1;
}

Test(gcno, compile_directory)
{
	unsigned char buf[128];
	char out[64];
	size_t n = gcno_header(buf, "/src/proj", 10);

	cr_assert_eq(gcno_cwd(out, sizeof(out), buf, n), 0);
	cr_expect_str_eq(out, "/src/proj");
	/* Truncated before the string's end, a length past the buffer or
	 * the NUL, a string with a NUL inside, a wrong magic. */
	cr_expect_eq(gcno_cwd(out, sizeof(out), buf, n - 1), -1);
	gcno_header(buf, "/src/proj", 200);
	cr_expect_eq(gcno_cwd(out, sizeof(out), buf, n), -1);
	gcno_header(buf, "/src/proj", 5);
	cr_expect_eq(gcno_cwd(out, sizeof(out), buf, n), -1);
	n = gcno_header(buf, "/src/proj", 10);
	cr_expect_eq(gcno_cwd(out, 4, buf, n), -1);
	buf[0] = 'x';
	cr_expect_eq(gcno_cwd(out, sizeof(out), buf, n), -1);
}

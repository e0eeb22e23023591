/* Tests of src/suite/suite_parse.c and src/suite/suite_args.c: tables of good and bad
 * suite files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "suite.h"

static const char *srcdir(void)
{
	const char *d = getenv("STUBRUN_SRCDIR");
	return d ? d : ".";
}

/* A nominal suite path inside tests/integration/suite_data, where the
 * stand-in images live (for globs). */
static char *data_suite(void)
{
	char *p = NULL;
	cr_assert(asprintf(&p, "%s/tests/integration/suite_data/t.ini",
			   srcdir()) > 0);
	return p;
}

struct bad_case {
	const char *text;
	const char *message;   /* expected after "t.ini:" */
};

static const struct bad_case bad[] = {
	{ "[test \"a\"]\nimage = x\nbogus = 1\n", "3: unknown key 'bogus'" },
	{ "[test \"a\"]\nimage = x\n[test \"a\"]\nimage = y\n",
	  "3: duplicate test name \"a\" (first on line 1)" },
	{ "[test \"a\"]\nimage = nothing-here-*.elf\n",
	  "2: image glob 'nothing-here-*.elf' matches no file" },
	{ "[test \"a\"]\nimage = x\njunk\n", "3: malformed line" },
	{ "[test \"a\"]\nimage = x\n[test \"b\"\n", "3: malformed section header" },
	{ "[test \"a\"]\narch = x86_64\n", "1: test \"a\" has no image" },
	{ "[tests]\nimage = x\n", "1: unknown section 'tests'" },
	{ "[test a]\nimage = x\n", "1: test name must be in double quotes" },
	{ "[test \"\"]\nimage = x\n", "1: empty test name" },
	{ "image = x\n[test \"a\"]\n", "1: 'image' outside a section" },
	{ "[test \"a\"]\nimage = x\narch = arm\narch = riscv64\n",
	  "4: duplicate key 'arch' (first on line 3)" },
	{ "[defaults]\narch = arm\n[defaults]\narch = riscv64\n[test \"t\"]\nimage = x\n",
	  "4: duplicate key 'arch' (first on line 2)" },
	{ "[test \"a\"]\nimage = x\nexpect-exit = 256\n",
	  "3: expect-exit: expected a status 0..255, not '256'" },
	{ "[test \"a\"]\nimage = x\nexpect-exit = three\n", "3: expect-exit" },
	{ "[test \"a\"]\nimage = x\ntimeout = -1\n", "3: timeout: expected seconds" },
	{ "[test \"a\"]\nimage = x\ntimeout = 5s\n", "3: timeout: expected seconds" },
	{ "[test \"a\"]\nimage = x\ntrace-rsp = maybe\n",
	  "3: trace-rsp: expected true or false, not 'maybe'" },
	{ "[test \"a\"]\nimage = x\nargs = 'one\n", "3: args: unterminated ' quote" },
	{ "[test \"a\"]\nimage = x\nargs = one\\\n", "3: args: trailing backslash" },
	{ "[test \"a\"]\nimage = x\n  arch = y\n", "3: indented line" },
	{ "[test \"a\"]\nimage = x\nretry-failed = 101\n",
	  "3: retry-failed: expected 0..100 more attempts, not '101'" },
	{ "[test \"a\"]\nimage = x\nretry-failed = -1\n", "3: retry-failed" },
	{ "[test \"a\"]\nimage = x\nquarantine =\n", "3: quarantine: empty value" },
	{ "[test \"a\"]\nimage = x\nquarantine = a\nquarantine = b\n",
	  "4: duplicate key 'quarantine'" },
	{ "[defaults]\narch = arm\n", "2: no [test \"NAME\"] section" },
	{ "[test \"a\"]\nimage = x\narch =\n", "3: arch: empty value" },
	{ "[test \"a\"]\nimage = x\nevents = /tmp/e\n", "3: unknown key 'events'" },
	/* run options are checked by the run option table's own parsers */
	{ "[test \"a\"]\nimage = x\ntimeout = 1e9\n",
	  "3: timeout: expected seconds (0 < S <= 86400), not '1e9'" },
	{ "[test \"a\"]\nimage = x\ngdb = udp\n",
	  "3: gdb: expected unix, tcp or tcp:PORT, not 'udp'" },
	{ "[test \"a\"]\nimage = x\nsemihosting = on\n",
	  "3: semihosting: expected stubrun, qemu, gdb or off, not 'on'" },
	{ "[test \"a\"]\nimage = x\nheap = 2:1\n", "3: heap: expected BASE:LIMIT" },
	{ "[test \"a\"]\nimage = x\nbreak = mem8[3]\n",
	  "3: break: expected a symbol, symbol+offset or address" },
	{ "[test \"a\"]\nimage = x\nexpect = eax =\n", "3: expect: " },
	{ "[test \"a\"]\nimage = x\ndrive = d.img,format=vmdk\n",
	  "3: drive: expected FILE[,format=raw|qcow2]" },
	{ "[test \"a\"]\nimage = x\nsymbols-offset = far\n",
	  "3: symbols-offset: expected an address" },
	{ "[test \"a\"]\nuefi = maybe\n", "2: uefi: expected true or false" },
	{ "[test \"a\"]\ninitrd = i.cpio\n", "1: test \"a\" has no image" },
	{ "[test \"a\tb\"]\nimage = x\n", "1: test name contains a quote or control" },
	{ "[test \"g\"]\nimage = pass.sh\n[test \"h\"]\nimage = *.sh\n"
	  "[test \"h/pass.sh\"]\nimage = pass.sh\n",
	  "5: duplicate test name \"h/pass.sh\" (first on line 3)" },
};

Test(suite_parse, bad_suites_name_file_line_and_problem)
{
	char *path = data_suite();
	size_t plen = strlen(path);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[512] = "";
		suite *s = (suite *)1;
		int rc = suite_parse_string(&s, bad[i].text, path, err, sizeof(err));
		cr_expect_eq(rc, SUITE_ESYNTAX, "case %zu: rc %d (%s)", i, rc, err);
		cr_expect_null(s, "case %zu", i);
		cr_expect(strncmp(err, path, plen) == 0 && err[plen] == ':' &&
			  strstr(err + plen + 1, bad[i].message) == err + plen + 1,
			  "case %zu: got \"%s\", want \"...:%s\"", i, err,
			  bad[i].message);
	}
	free(path);
}

Test(suite_parse, line_longer_than_libinih_buffer_is_rejected)
{
	char text[600], err[256];
	suite *s;

	snprintf(text, sizeof(text), "[test \"a\"]\nimage = x\nexpect = %0400d\n", 0);
	cr_assert_eq(suite_parse_string(&s, text, "t.ini", err, sizeof(err)),
		     SUITE_ESYNTAX);
	cr_assert(strstr(err, "t.ini:3: line longer than"), "%s", err);
}

Test(suite_parse, missing_file_is_enoent_with_reason)
{
	char err[256];
	suite *s;

	cr_assert_eq(suite_parse_file(&s, "/nonexistent/x.ini", err, sizeof(err)),
		     SUITE_ENOENT);
	cr_assert_null(s);
	cr_assert_str_eq(err, "/nonexistent/x.ini: No such file or directory");
}

/* A FIFO with no writer and a directory are refused at once: opening the
 * FIFO for reading must not block (the test would hang without the fix;
 * Criterion's timeout turns that into a failure). */
Test(suite_parse, fifo_and_directory_are_refused_without_blocking,
     .timeout = 20)
{
	char dir[] = "/tmp/stubrun-suite-parse-XXXXXX", fifo[64], err[256];
	suite *s = (suite *)1;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/f.ini", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	int rc_fifo = suite_parse_file(&s, fifo, err, sizeof(err));
	char err_fifo[256];
	snprintf(err_fifo, sizeof(err_fifo), "%s", err);
	int rc_dir = suite_parse_file(&s, dir, err, sizeof(err));
	unlink(fifo);
	rmdir(dir);

	cr_assert_eq(rc_fifo, SUITE_ENOENT);
	cr_assert(strstr(err_fifo, "f.ini: not a regular file"), "%s", err_fifo);
	cr_assert_eq(rc_dir, SUITE_ENOENT);
	cr_assert_null(s);
	cr_assert(strstr(err, ": not a regular file"), "%s", err);
}

static void assert_strv(char **got, size_t n, const char *const *want)
{
	size_t k = 0;
	for (; want[k]; k++) {
		cr_assert_lt(k, n, "missing \"%s\"", want[k]);
		cr_assert_str_eq(got[k], want[k], "item %zu", k);
	}
	cr_assert_eq(n, k, "%zu items, want %zu", n, k);
	cr_assert_null(got[n]);
}

Test(suite_parse, defaults_merge_singles_replaced_repeatables_added_in_order)
{
	const char *text =
		"; a comment\n"
		"[defaults]\n"
		"arch = riscv64\n"
		"qemu-arg = -smp\n"
		"qemu-arg = 2\n"
		"timeout = 10\n"
		"expect-exit = 7\n"
		"\n"
		"[test \"a\"]\n"
		"image = /abs/a.elf ; inline comment\n"
		"arch = aarch64\n"
		"qemu-arg = -s\n"
		"break = foo\n"
		"expect = x0 == 1\n"
		"pass-at = bar\n"
		"trace-rsp = yes\n"
		"quiet = no\n"
		"semihosting = stubrun\n"
		"args = 1 \"2 3\" '$x'\n"
		"expect-exit = 3\n"
		"expect-output = hello world\n"
		"guest-tests = t1 t2\n";
	static const char *const opts[] = {
		"--qemu-arg", "-smp", "--qemu-arg", "2", "--timeout", "10",
		"--arch", "aarch64", "--qemu-arg", "-s", "--break", "foo",
		"--expect", "x0 == 1", "--pass-at", "bar", "--trace-rsp",
		"--semihosting=stubrun", NULL };
	static const char *const args[] = { "1", "2 3", "$x", NULL };
	static const char *const guests[] = { "t1", "t2", NULL };
	char err[256] = "";
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, "t.ini", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s->ntests, 1);
	suite_test *t = &s->tests[0];
	cr_assert_str_eq(t->name, "a");
	cr_assert_eq(t->line, 9);
	cr_assert_str_eq(t->image, "/abs/a.elf");
	assert_strv(t->opts, t->nopts, opts);
	assert_strv(t->args, t->nargs, args);
	assert_strv(t->guest_tests, t->nguest_tests, guests);
	cr_assert_eq(t->expect_exit, 3);
	cr_assert_str_eq(t->expect_output, "hello world");
	cr_assert_float_eq(t->timeout_s, 10.0, 1e-9);
	suite_free(s);
}

Test(suite_parse, defaults_apply_to_every_test_and_relative_image_uses_suite_dir)
{
	const char *text = "[test \"one\"]\nimage = pass.sh\n"
			   "[defaults]\nexpect-exit = 4\nfail-symbol = oops\n"
			   "[test \"two\"]\nimage = sub/../fail.sh\n";
	char *path = data_suite(), err[256] = "", *want = NULL;
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, path, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s->ntests, 2);
	cr_assert_str_eq(s->tests[0].name, "one");
	cr_assert_str_eq(s->tests[1].name, "two");
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(s->tests[i].expect_exit, 4);
		cr_assert_eq(s->tests[i].nopts, 2);
		cr_assert_str_eq(s->tests[i].opts[1], "oops");
		cr_assert_null(s->tests[i].expect_output);
		cr_assert_eq(s->tests[i].nargs, 0);
	}
	cr_assert(asprintf(&want, "%s/pass.sh", s->dir) > 0);
	cr_assert_str_eq(s->tests[0].image, want);
	cr_assert_eq(s->dir[0], '/', "dir %s made absolute", s->dir);
	cr_assert(strstr(s->dir, "tests/integration/suite_data"));
	free(want);
	free(path);
	suite_free(s);
}

Test(suite_parse, image_glob_gives_one_test_per_file_sorted)
{
	const char *text = "[test \"g\"]\nimage = *.sh\nexpect-exit = 1\n";
	char *path = data_suite(), err[256] = "";
	suite *s;
	int found = 0;

	cr_assert_eq(suite_parse_string(&s, text, path, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_gt(s->ntests, 1);
	for (size_t i = 0; i < s->ntests; i++) {
		const suite_test *t = &s->tests[i];
		const char *base = strrchr(t->image, '/') + 1;
		cr_assert(strncmp(t->name, "g/", 2) == 0, "%s", t->name);
		cr_assert_str_eq(t->name + 2, base);
		cr_assert_eq(t->expect_exit, 1);
		if (i > 0)
			cr_assert_lt(strcmp(s->tests[i - 1].name, t->name), 0);
		found += strcmp(t->name, "g/pass.sh") == 0;
	}
	cr_assert_eq(found, 1);
	free(path);
	suite_free(s);
}

Test(suite_parse, flag_false_is_omitted_and_long_names_are_kept)
{
	const char *text =
		"[test \"a very long test name that libinih would truncate to fifty bytes\"]\n"
		"image = x\ntrace-rsp = off\n";
	char err[256] = "";
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, "t.ini", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(s->tests[0].name,
		"a very long test name that libinih would truncate to fifty bytes");
	cr_assert_eq(s->tests[0].nopts, 0);
	suite_free(s);
}

Test(suite_parse, boot_keys_need_no_image_and_become_run_options)
{
	const char *text =
		"[defaults]\nmemory = 512M\n"
		"[test \"linux\"]\nkernel = vmlinuz\ninitrd = i.cpio.gz\n"
		"append = console=ttyS0\nuefi = false\ndrive = d.img,format=qcow2\n"
		"drive = e.img\n";
	static const char *const want[] = {
		"--memory", "512M", "--kernel", "vmlinuz", "--initrd", "i.cpio.gz",
		"--append", "console=ttyS0", "--drive", "d.img,format=qcow2",
		"--drive", "e.img",
	};
	char err[256] = "";
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, "t.ini", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s->ntests, 1);
	cr_expect_null(s->tests[0].image);
	cr_assert_eq(s->tests[0].nopts, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s->tests[0].nopts; i++)
		cr_expect_str_eq(s->tests[0].opts[i], want[i]);
	suite_free(s);
}

struct split_case {
	const char *text;
	const char *words[5];
	int bad;
};

static const struct split_case splits[] = {
	{ "", { NULL }, 0 },
	{ "   ", { NULL }, 0 },
	{ "a b\tc", { "a", "b", "c", NULL }, 0 },
	{ "'a b' \"c d\"", { "a b", "c d", NULL }, 0 },
	{ "x\\ y", { "x y", NULL }, 0 },
	{ "\"q\\\"u\\\\o\\n\"", { "q\"u\\o\\n", NULL }, 0 },
	{ "''", { "", NULL }, 0 },
	{ "a'b'\"c\"", { "abc", NULL }, 0 },
	{ "'$HOME' *", { "$HOME", "*", NULL }, 0 },
	{ "\"open", { NULL }, 1 },
	{ "end\\", { NULL }, 1 },
};

Test(suite_parse, split_args_table)
{
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		char **w = NULL, err[64];
		size_t n = 0, k;
		int rc = suite_split_args(&w, &n, splits[i].text, err, sizeof(err));
		if (splits[i].bad) {
			cr_expect_lt(rc, 0, "case %zu", i);
			cr_expect_null(w);
			continue;
		}
		cr_assert_eq(rc, 0, "case %zu: %s", i, err);
		for (k = 0; splits[i].words[k]; k++) {
			cr_assert_lt(k, n, "case %zu", i);
			cr_expect_str_eq(w[k], splits[i].words[k], "case %zu", i);
		}
		cr_expect_eq(n, k, "case %zu: %zu words", i, n);
		cr_expect_null(w[n]);
		for (k = 0; k < n; k++)
			free(w[k]);
		free(w);
	}
}

Test(suite_parse, crlf_line_endings_and_byte_order_mark)
{
	const char *text = "\xef\xbb\xbf[test \"a\"] ; comment\r\nimage = x\r\n"
			   "expect-exit = 2\r\n";
	char err[256] = "";
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, "t.ini", err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s->ntests, 1);
	cr_assert_str_eq(s->tests[0].name, "a");
	cr_assert_eq(s->tests[0].expect_exit, 2);
	suite_free(s);
}

/* Values every run would refuse are the suite's errors, at their line,
 * before anything runs: an architecture, a console pattern, a preset. */
Test(suite_parse, run_values_are_checked_when_the_suite_is_read)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[test \"t\"]\nimage = x\narch = bogus\n",
		  "t.ini:3: arch: unknown architecture (x86_64, i386" },
		{ "[test \"t\"]\nimage = x\nconsole-fail = foo(\n",
		  "t.ini:3: console-fail: missing closing parenthesis at offset 4" },
		{ "[defaults]\nconsole-expect = [a-\n[test \"t\"]\nimage = x\n",
		  "t.ini:2: console-expect: " },
		{ "[test \"t\"]\nimage = x\nconsole-preset = plan9\n",
		  "t.ini:3: console-preset: unknown preset (known: linux, u-boot, zephyr)" },
		{ "[test \"t\"]\nimage = x\nresults = junit\n",
		  "t.ini:3: results: expected ktap, tap, none or auto" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		suite *s = NULL;
		cr_expect_neq(suite_parse_string(&s, cases[i].text, "/d/t.ini", err,
						 sizeof(err)), 0, "case %zu", i);
		cr_expect_null(s);
		cr_expect(strstr(err, cases[i].want), "case %zu: %s", i, err);
		suite_free(s);
	}
}

/* Read from disk, a literal image must be a readable regular file. */
Test(suite_parse, literal_image_is_checked_when_read_from_a_file)
{
	char dir[] = "/tmp/stubrun-suite-img-XXXXXX", path[128], err[512];
	static const struct { const char *image, *want; } cases[] = {
		{ "missing.elf", ":2: image: missing.elf: No such file or directory" },
		{ "sub", ":2: image: sub: is a directory" },
		{ "fifo", ":2: image: fifo: is not a regular file" },
	};
	suite *s = NULL;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/s.ini", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fprintf(f, "[test \"t\"]\nimage = %s\n", cases[i].image);
		fclose(f);
		cr_expect_neq(suite_parse_file(&s, path, err, sizeof(err)), 0);
		cr_expect(strstr(err, cases[i].want), "case %zu: %s", i, err);
		suite_free(s);
		s = NULL;
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

/* retry-failed and quarantine: per test, from [defaults], the test's own
 * value first; unset retry-failed is -1 (the command line decides). */
Test(suite_parse, retry_failed_and_quarantine_keys)
{
	const char *text = "[defaults]\nretry-failed = 2\nquarantine = bug #1\n"
			   "[test \"one\"]\nimage = pass.sh\n"
			   "[test \"two\"]\nimage = pass.sh\nretry-failed = 0\n"
			   "quarantine = bug #2: it races\n";
	const char *plain = "[test \"three\"]\nimage = pass.sh\n";
	char *path = data_suite(), err[256] = "";
	suite *s;

	cr_assert_eq(suite_parse_string(&s, text, path, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s->tests[0].retry_failed, 2);
	cr_assert_str_eq(s->tests[0].quarantine, "bug #1");
	cr_assert_eq(s->tests[1].retry_failed, 0);
	cr_assert_str_eq(s->tests[1].quarantine, "bug #2: it races");
	/* Neither is a run option. */
	cr_assert_eq(s->tests[0].nopts, 0);
	suite_free(s);
	cr_assert_eq(suite_parse_string(&s, plain, path, err, sizeof(err)), 0);
	cr_assert_eq(s->tests[0].retry_failed, -1);
	cr_assert_null(s->tests[0].quarantine);
	suite_free(s);
	free(path);
}

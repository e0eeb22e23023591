/* The report models of tests/src/report_fixture.h. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "report_fixture.h"

void report_fixture_golden(const char *name, const char *got)
{
	const char *dir = getenv("STUBRUN_SRCDIR");
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", dir ? dir : ".", name);
	if (getenv("STUBRUN_UPDATE_GOLDEN")) {
		cr_assert_not_null(f = fopen(path, "w"), "%s", path);
		fputs(got, f);
		fclose(f);
		return;
	}
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	char *want = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&want, &cap, '\0', f);
	fclose(f);
	cr_assert_gt(n, 0);
	cr_expect_str_eq(got, want, "%s differs from the golden file", name);
	free(want);
}

char *report_fixture_render(int (*fn)(FILE *, const report *), const report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(fn(f, r), 0);
	fclose(f);
	return buf;
}


static const report_case kernel_cases[] = {
	{ "boot", REPORT_PASS, 0, 1234, NULL, "hello from x86_64\n", "", NULL, 0, NULL,
	  1100, 0, 0 },
	{ "fail", REPORT_FAIL, 3, 87,
	  "exit status 3, expected 0 (stubrun_exit(3))", "checking\n",
	  "post-mortem:\n  pc 0x1000 <check_value+4>\n", NULL, 0, NULL, 51, 0, 0 },
	{ "hang", REPORT_TIMEOUT, 124, 2001, "timed out: no exit after 2s",
	  "spin", NULL, NULL, 0, NULL, 2000, 0, 0 },
	{ "missing <&>", REPORT_ERROR, 125,
	  5, "stubrun run status 125: x.elf: No such file",
	  "\x1b[31mred\x1b[0m\x01 bad \xff utf8 <&>\"' \r\n",
	  "tab\there\n", NULL, 0, NULL, -1, 0, 0 },
	{ "later", REPORT_NOTRUN, -1, 0, "interrupted by SIGINT", NULL, NULL, NULL, 0,
	  NULL, -1, 0, 0 },
};

static const report_case guest_cases[] = {
	{ "kernel/alloc", REPORT_PASS, 0, 20, NULL, "alloc ok\n\n", NULL, NULL, 0, NULL,
	  18, 0, 0 },
	{ "kernel/sched", REPORT_FAIL, 2, 19, "guest test status 2",
	  "  indented first line\nsecond", NULL, NULL, 0, NULL, 19, 0, 0 },
	{ "kernel/#hash\\back", REPORT_NOTRUN, -1, 0,
	  "not run: the run ended before it began", NULL, NULL, NULL, 0, NULL, -1,
	  0, 0 },
	{ "kernel/\xc3\xbcn\xc3\xaf" "code \xe2\x9c\x93", REPORT_FAIL, 1, 3,
	  "line\xe2\x80\xa8separator", "emoji \xf0\x9f\x98\x80 ok\n", NULL, NULL, 0, NULL,
	  -1, 0, 0 },
};

static const report_suite suites[] = {
	{ "suites/kernel.ini", kernel_cases, 5, 3327 },
	{ "suites/guest tests.ini", guest_cases, 4, 42 },
};

const report report_fixture_plain = { suites, 2, 2500, "2026-01-02T03:04:05",
	{ "lines: 81.2% (1234 of 1520) <all images>", "coverage/index.html" } };


/* A test that failed then passed (flaky), one that failed three times
 * (its first failure stays <failure>), one that timed out then errored,
 * a quarantined failure, a quarantined pass, a flaky quarantined one and
 * a retried test interrupted before its last attempt. */
static const report_attempt flaky_tries[] = {
	{ REPORT_FAIL, 1, 40, "exit status 1, expected 0", "attempt 1: counter=1\n",
	  "post-mortem: pc 0x10\n", 31 },
};
static const report_attempt stuck_tries[] = {
	{ REPORT_FAIL, 3, 10, "exit status 3, expected 0", "try <1>\n", "pm 1\n", 8 },
	{ REPORT_FAIL, 3, 11, "exit status 3, expected 0", "try <2>\n", "", -1 },
};
static const report_attempt mixed_tries[] = {
	{ REPORT_TIMEOUT, 124, 2000, "timed out: no exit after 2s", "spin", NULL,
	  2000 },
};
static const report_attempt q_tries[] = {
	{ REPORT_FAIL, 1, 5, "exit status 1, expected 0", NULL, NULL, -1 },
};

static const report_case retry_cases[] = {
	{ "flaky", REPORT_PASS, 0, 42, NULL, "attempt 2: counter=2\n", "",
	  flaky_tries, 1, NULL, 33, 2, 3 },
	{ "stuck", REPORT_FAIL, 3, 12, "exit status 3, expected 0", "try <3>\n",
	  "pm 3\n", stuck_tries, 2, NULL, 9, 1, 3 },
	{ "mixed", REPORT_ERROR, 125, 7, "stubrun run status 125: QEMU died",
	  NULL, "qemu: oops\n", mixed_tries, 1, NULL, -1, 3, 3 },
	{ "quarantined/fails", REPORT_FAIL, 2, 9, "exit status 2, expected 0",
	  "bad\n", NULL, q_tries, 1, "bug #12: \"races\" & <more>", 4, 1, 3 },
	{ "quarantined/passes", REPORT_PASS, 0, 3, NULL, "fine\n", NULL, NULL, 0,
	  "bug #13", 2, 2, 3 },
	{ "quarantined/flaky", REPORT_PASS, 0, 4, NULL, NULL, NULL, q_tries, 1,
	  "bug #14", 3, 3, 3 },
	{ "cut", REPORT_NOTRUN, -1, 0, "interrupted by SIGINT", NULL, NULL,
	  q_tries, 1, NULL, -1, 1, 3 },
};

static const report_suite retry_suites[] = {
	{ "suites/retry.ini", retry_cases, 7, 2200 },
};

const report report_fixture_retry = { retry_suites, 1, 2300, "2026-01-02T03:04:05",
	{ NULL, NULL } };

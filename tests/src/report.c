/* Tests of src/report/report*.c: the three formats against golden files
 * (tests/golden/report.*) from a fixed set of results, well-formedness of the
 * XML (parsed with expat), and the escaping rules one by one.
 * STUBRUN_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <criterion/criterion.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const report_case kernel_cases[] = {
	{ "boot", REPORT_PASS, 0, 1234, NULL, "hello from x86_64\n", "" },
	{ "fail", REPORT_FAIL, 3, 87,
	  "exit status 3, expected 0 (stubrun_exit(3))", "checking\n",
	  "post-mortem:\n  pc 0x1000 <check_value+4>\n" },
	{ "hang", REPORT_TIMEOUT, 124, 2001, "timed out: no exit after 2s",
	  "spin", NULL },
	{ "missing <&>", REPORT_ERROR, 125,
	  5, "stubrun run status 125: x.elf: No such file",
	  "\x1b[31mred\x1b[0m\x01 bad \xff utf8 <&>\"' \r\n",
	  "tab\there\n" },
	{ "later", REPORT_NOTRUN, -1, 0, "interrupted by SIGINT", NULL, NULL },
};

static const report_case guest_cases[] = {
	{ "kernel/alloc", REPORT_PASS, 0, 20, NULL, "alloc ok\n\n", NULL },
	{ "kernel/sched", REPORT_FAIL, 2, 19, "guest test status 2",
	  "  indented first line\nsecond", NULL },
	{ "kernel/#hash\\back", REPORT_NOTRUN, -1, 0,
	  "not run: the run ended before it began", NULL, NULL },
	{ "kernel/\xc3\xbcn\xc3\xaf" "code \xe2\x9c\x93", REPORT_FAIL, 1, 3,
	  "line\xe2\x80\xa8separator", "emoji \xf0\x9f\x98\x80 ok\n", NULL },
};

static const report_suite suites[] = {
	{ "suites/kernel.ini", kernel_cases, 5, 3327 },
	{ "suites/guest tests.ini", guest_cases, 4, 42 },
};

static const report fixed = { suites, 2, 2500, "2026-01-02T03:04:05" };

static char *render(int (*fn)(FILE *, const report *), const report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(fn(f, r), 0);
	fclose(f);
	return buf;
}

static void check_golden(const char *name, const char *got)
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

Test(report, junit_matches_golden_and_is_well_formed_xml)
{
	char *xml = render(report_junit_write, &fixed);
	XML_Parser p = XML_ParserCreate(NULL);

	cr_assert_eq(XML_Parse(p, xml, (int)strlen(xml), 1), XML_STATUS_OK,
		     "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(p),
		     XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	check_golden("report.xml", xml);
	free(xml);
}

Test(report, tap_matches_golden)
{
	char *tap = render(report_tap_write, &fixed);
	check_golden("report.tap", tap);
	cr_assert(strncmp(tap, "TAP version 14\n1..9\n", 20) == 0);
	free(tap);
}

Test(report, json_matches_golden_one_object_per_line)
{
	char *json = render(report_json_write, &fixed);
	size_t lines = 0;

	check_golden("report.jsonl", json);
	for (char *p = json; *p; p++) {
		if (p == json || p[-1] == '\n')
			cr_assert_eq(*p, '{');
		lines += *p == '\n';
	}
	/* A suite line per suite, a line per case, the summary. */
	cr_assert_eq(lines, 2 + 9 + 1);
	free(json);
}

Test(report, empty_report_is_valid_in_every_format)
{
	const report empty = { NULL, 0, 0, NULL };
	char *xml = render(report_junit_write, &empty);
	char *tap = render(report_tap_write, &empty);
	char *json = render(report_json_write, &empty);
	XML_Parser p = XML_ParserCreate(NULL);

	cr_assert_eq(XML_Parse(p, xml, (int)strlen(xml), 1), XML_STATUS_OK);
	XML_ParserFree(p);
	cr_assert_str_eq(tap, "TAP version 14\n1..0\n");
	cr_assert(strstr(json, "\"total\":0"));
	free(xml);
	free(tap);
	free(json);
}

static char *esc(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, s);
	fclose(f);
	return buf;
}

static void put_xml_text(FILE *f, const char *s) { report_put_xml(f, s, 0); }
static void put_xml_attr(FILE *f, const char *s) { report_put_xml(f, s, 1); }

struct esc_case {
	const char *in, *xml_text, *xml_attr, *json;
};

static const struct esc_case escapes[] = {
	{ "a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;", "a&lt;b&gt;&amp;&quot;&apos;",
	  "a<b>&\\\"'" },
	{ "\x1b[0m", "^[[0m", "^[[0m", "\\u001b[0m" },
	{ "\x01\x1f", "^A^_", "^A^_", "\\u0001\\u001f" },
	{ "l1\nl2\tx\r", "l1\nl2\tx&#13;", "l1&#10;l2&#9;x&#13;", "l1\\nl2\\tx\\r" },
	{ "bad\xff", "bad\xef\xbf\xbd", "bad\xef\xbf\xbd", "bad\\ufffd" },
	{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd",
	  "\\ufffd\\ufffd" },                       /* overlong '/' */
	{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	  "\\ufffd\\ufffd\\ufffd" },                /* a surrogate */
	{ "\xef\xbf\xbe", "\xef\xbf\xbd", "\xef\xbf\xbd", "\xef\xbf\xbe" },
	{ "\xe2\x80\xa8", "\xe2\x80\xa8", "\xe2\x80\xa8", "\\u2028" },
	{ "\x7f\\", "\x7f\\", "\x7f\\", "\\u007f\\\\" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80",
	  "\xf0\x9f\x98\x80" },
};

Test(report, escaping_table)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		char *x = esc(put_xml_text, escapes[i].in);
		char *a = esc(put_xml_attr, escapes[i].in);
		char *j = esc(report_put_json, escapes[i].in);
		cr_expect_str_eq(x, escapes[i].xml_text, "case %zu text", i);
		cr_expect_str_eq(a, escapes[i].xml_attr, "case %zu attr", i);
		cr_expect_str_eq(j, escapes[i].json, "case %zu json", i);
		free(x);
		free(a);
		free(j);
	}
}

Test(report, counts_split_by_outcome)
{
	report_counts c;

	report_count(&c, &fixed, NULL);
	cr_assert_eq(c.total, 9);
	cr_assert_eq(c.passed, 2);
	cr_assert_eq(c.failed, 3);
	cr_assert_eq(c.timed_out, 1);
	cr_assert_eq(c.errors, 1);
	cr_assert_eq(c.not_run, 2);
	report_count(&c, &fixed, &suites[1]);
	cr_assert_eq(c.total, 4);
}

/* Tests of src/report/report*.c: JUnit, TAP and JSON against golden files
 * (tests/golden/report.*) from a fixed set of results, well-formedness of the
 * XML (parsed with expat), and the escaping rules of every format (HTML's
 * page is tests/src/report_html.c's) one by one.
 * STUBRUN_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <criterion/criterion.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_fixture.h"

#define fixed report_fixture_plain


#define render report_fixture_render

#define check_golden report_fixture_golden

static void assert_well_formed(const char *xml)
{
	XML_Parser p = XML_ParserCreate(NULL);

	cr_assert_eq(XML_Parse(p, xml, (int)strlen(xml), 1), XML_STATUS_OK,
		     "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(p),
		     XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
}

Test(report, junit_matches_golden_and_is_well_formed_xml)
{
	char *xml = render(report_junit_write, &fixed);

	assert_well_formed(xml);
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
	const report empty = { NULL, 0, 0, NULL, { NULL, NULL } };
	char *xml = render(report_junit_write, &empty);
	char *tap = render(report_tap_write, &empty);
	char *json = render(report_json_write, &empty);
	char *html = render(report_html_write, &empty);
	XML_Parser p = XML_ParserCreate(NULL);

	cr_assert_eq(XML_Parse(p, xml, (int)strlen(xml), 1), XML_STATUS_OK);
	XML_ParserFree(p);
	cr_assert_str_eq(tap, "TAP version 14\n1..0\n");
	cr_assert(strstr(json, "\"total\":0"));
	cr_assert(strstr(html, "<b>0</b> failed"));
	cr_assert(strstr(html, "</html>\n"));
	free(html);
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
	const char *in, *xml_text, *xml_attr, *json, *html;
};

#define FFFD "\xef\xbf\xbd"

static const struct esc_case escapes[] = {
	{ "a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;", "a&lt;b&gt;&amp;&quot;&apos;",
	  "a<b>&\\\"'", "a&lt;b&gt;&amp;&quot;&#39;" },
	{ "\x1b[0m", "^[[0m", "^[[0m", "\\u001b[0m", "&#x241B;[0m" },
	{ "\x01\x1f", "^A^_", "^A^_", "\\u0001\\u001f", "&#x2401;&#x241F;" },
	{ "l1\nl2\tx\r", "l1\nl2\tx&#13;", "l1&#10;l2&#9;x&#13;", "l1\\nl2\\tx\\r",
	  "l1\nl2\tx\r" },
	{ "bad\xff", "bad" FFFD, "bad" FFFD, "bad\\ufffd", "bad" FFFD },
	{ "\xc0\xaf", FFFD FFFD, FFFD FFFD, "\\ufffd\\ufffd",
	  FFFD FFFD },                                  /* overlong '/' */
	{ "\xed\xa0\x80", FFFD FFFD FFFD, FFFD FFFD FFFD,
	  "\\ufffd\\ufffd\\ufffd", FFFD FFFD FFFD },    /* a surrogate */
	{ "\xef\xbf\xbe", FFFD, FFFD, "\xef\xbf\xbe", FFFD },
	{ "\xe2\x80\xa8", "\xe2\x80\xa8", "\xe2\x80\xa8", "\\u2028", "\xe2\x80\xa8" },
	{ "\x7f\\", "\x7f\\", "\x7f\\", "\\u007f\\\\", "&#x2421;\\" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80",
	  "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	/* C1 controls and noncharacters: parse errors in HTML. */
	{ "\xc2\x85\xef\xb7\x90\xf0\x9f\xbf\xbf", NULL, NULL, NULL,
	  FFFD FFFD FFFD },
	{ "</script><!--", NULL, NULL, NULL, "&lt;/script&gt;&lt;!--" },
};

Test(report, escaping_table)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		const struct esc_case *e = &escapes[i];
		char *x = esc(put_xml_text, e->in);
		char *a = esc(put_xml_attr, e->in);
		char *j = esc(report_put_json, e->in);
		char *h = esc(report_put_html, e->in);
		if (e->xml_text) {
			cr_expect_str_eq(x, e->xml_text, "case %zu text", i);
			cr_expect_str_eq(a, e->xml_attr, "case %zu attr", i);
			cr_expect_str_eq(j, e->json, "case %zu json", i);
		}
		cr_expect_str_eq(h, e->html, "case %zu html", i);
		free(x);
		free(a);
		free(j);
		free(h);
	}
}

static void expect_counts(const report *r, const report_suite *su,
			  report_counts want)
{
	report_counts c;

	report_count(&c, r, su);
	cr_expect_eq(memcmp(&c, &want, sizeof(c)), 0,
		     "total %zu passed %zu failed %zu timeout %zu errors %zu "
		     "not run %zu flaky %zu quarantined %zu", c.total, c.passed,
		     c.failed, c.timed_out, c.errors, c.not_run, c.flaky,
		     c.quarantined);
}

Test(report, counts_split_by_outcome)
{
	expect_counts(&fixed, NULL, (report_counts){ .total = 9, .passed = 2,
		      .failed = 3, .timed_out = 1, .errors = 1, .not_run = 2 });
	expect_counts(&fixed, &report_fixture_plain.suites[1], (report_counts){
		      .total = 4, .passed = 1, .failed = 2, .not_run = 1 });
}

/* Retried, flaky and quarantined results in each format. */
Test(report, retries_and_quarantine_match_golden)
{
	char *xml = render(report_junit_write, &report_fixture_retry);
	char *tap = render(report_tap_write, &report_fixture_retry);
	char *json = render(report_json_write, &report_fixture_retry);

	assert_well_formed(xml);
	check_golden("report-retry.xml", xml);
	check_golden("report-retry.tap", tap);
	check_golden("report-retry.jsonl", json);
	/* Surefire's shapes: flaky attempts, and the first of three failures
	 * kept as <failure> with two reruns after it. */
	cr_assert(strstr(xml, "<flakyFailure message=\"exit status 1, expected 0\""));
	cr_assert(strstr(xml, "<failure message=\"exit status 3, expected 0\" "
			 "type=\"fail\">exit status 3, expected 0\n--- console ---\ntry &lt;1&gt;"));
	cr_assert(strstr(xml, "<rerunFailure message=\"exit status 3"));
	cr_assert(strstr(xml, "<property name=\"quarantined\" value=\"bug #12: "
			 "&quot;races&quot; &amp; &lt;more&gt;\"/>"));
	cr_assert(strstr(xml, "<skipped message=\"quarantined: bug #12"));
	cr_assert(strstr(tap, "not ok 4 - quarantined/fails # TODO quarantined: bug \\#12"));
	cr_assert(strstr(tap, "ok 1 - flaky\n  ---\n"));
	cr_assert(strstr(json, "\"flaky\":true"));
	free(xml);
	free(tap);
	free(json);
}

/* flaky and quarantined/flaky are flaky; quarantined/fails is
 * quarantined; quarantined/passes passed. */
Test(report, counts_of_flaky_and_quarantined)
{
	const report_case *c = report_fixture_retry.suites[0].cases;

	expect_counts(&report_fixture_retry, NULL, (report_counts){
		      .total = 7, .passed = 1, .failed = 1, .errors = 1,
		      .not_run = 1, .flaky = 2, .quarantined = 1 });
	cr_assert(report_case_flaky(&c[0]));
	cr_assert_not(report_case_failed(&c[3]));
	cr_assert(report_case_failed(&c[1]));
}

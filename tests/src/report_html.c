/* Tests of src/report/report_html.c: the page of both fixtures against
 * golden files (tests/golden/report*.html), its order (summary, failures
 * by group, the table), hostile text kept inert, and the tails of long
 * consoles. What a browser makes of the page is
 * tests/integration/suite_html.c's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_fixture.h"
#include "text.h"

#define render report_fixture_render

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static const char *at(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	cr_assert_not_null(p, "the page lacks '%s'", needle);
	return p;
}

Test(report_html, both_fixtures_match_golden)
{
	char *plain = render(report_html_write, &report_fixture_plain);
	char *retry = render(report_html_write, &report_fixture_retry);

	report_fixture_golden("report.html", plain);
	report_fixture_golden("report-retry.html", retry);
	free(plain);
	free(retry);
}

/* The summary, the coverage line, the failures, then the table; the
 * failures failed first, then quarantined, then flaky. */
Test(report_html, summary_then_failures_by_group_then_the_table)
{
	char *p = render(report_html_write, &report_fixture_plain);
	char *r = render(report_html_write, &report_fixture_retry);

	cr_expect(at(p, "id=\"summary\"") < at(p, "id=\"coverage\""));
	cr_expect(at(p, "id=\"coverage\"") < at(p, "id=\"failures\""));
	cr_expect(at(p, "id=\"failures\"") < at(p, "id=\"tests\""));
	at(p, "<li class=\"fail\"><b>3</b> failed</li>");
	at(p, "<li class=\"notrun\"><b>2</b> skipped</li>");
	at(p, "<p class=\"verdict\">exit status 3, expected 0 (stubrun_exit(3))</p>");
	at(p, "post-mortem:\n  pc 0x1000 &lt;check_value+4&gt;");
	/* The guest times summed over the results that have one. */
	at(p, "guest 3.188 s");
	at(p, "lines: 81.2% (1234 of 1520) &lt;all images&gt; \xc2\xb7 "
	      "<a href=\"coverage/index.html\">");
	cr_expect(at(r, "Failed</h3>") < at(r, "Quarantined, not passed</h3>"));
	cr_expect(at(r, "Quarantined, not passed</h3>") < at(r, "Flaky: failed"));
	/* A flaky result shows the attempt that failed. */
	at(r, "flaky</span> flaky</h3>\n<p class=\"verdict\">exit status 1, "
	      "expected 0</p>");
	at(r, "attempt 1: counter=1");
	at(r, "attempt 3 of 3: fail, fail, fail");
	at(r, "shard 2/3 \xc2\xb7 attempt 1 of 2: fail, pass");
	cr_expect_eq(count(r, "data-key=\"shard\""), 1);
	cr_expect_eq(count(p, "data-key=\"shard\""), 0);
	cr_expect_eq(count(r, "id=\"coverage\""), 0);
	free(p);
	free(r);
}

/* Every byte but NUL in a name, a message and the console, and markup
 * that would close the script: the page keeps one script, no C0
 * control but tab, newline and carriage return, and valid UTF-8. */
Test(report_html, hostile_text_stays_text)
{
	char bytes[256], *page;
	const unsigned char *u;
	size_t n;

	for (int i = 1; i < 256; i++)
		bytes[i - 1] = (char)i;
	bytes[255] = '\0';
	report_case c = { "</script><script>alert(1)</script>\xff\x1b[31m",
			  REPORT_FAIL, 1, 5, bytes, bytes, "\xc0</pre>", NULL, 0,
			  "\"><img src=x>", -1, 0, 0 };
	report_suite s = { "<b>suite</b>.ini", &c, 1, 5 };
	report r = { &s, 1, 5, "<now>", { "<i>cov</i>", "\"><x" } };

	page = render(report_html_write, &r);
	cr_expect_eq(count(page, "<script>"), 1);
	cr_expect_eq(count(page, "</script>"), 1);
	cr_expect_eq(count(page, "<img"), 0);
	cr_expect_eq(count(page, "<i>"), 0);
	cr_expect_eq(count(page, "\"><x"), 0);
	cr_expect_eq(count(page, "</pre>"), count(page, "<pre>"));
	at(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
		 "\xef\xbf\xbd&#x241B;[31m");
	u = (const unsigned char *)page;
	n = strlen(page);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, u + i, n - i);
		cr_assert_gt(len, 0, "invalid UTF-8 at byte %zu", i);
		cr_assert(cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r',
			  "control U+%04X at byte %zu", cp, i);
		cr_assert(cp < 0x7f || cp >= 0xa0, "U+%04X at byte %zu", cp, i);
		i += len;
	}
	free(page);
}

/* A console of 200 lines shows its last 60 and says how many it left
 * out; one line of 100 KiB is cut on a character, to at most 16 KiB. */
Test(report_html, long_consoles_show_their_tail)
{
	char *lines = NULL, *page;
	size_t len = 0;
	FILE *m = open_memstream(&lines, &len);
	static char wide[100 * 1024 + 1];

	for (int i = 0; i < 200; i++)
		fprintf(m, "line %d\n", i);
	fclose(m);
	for (size_t i = 0; i + 3 <= sizeof(wide) - 1; i += 3)
		memcpy(wide + i, "\xe2\x9c\x93", 3);  /* U+2713 */
	report_case c[2] = {
		{ "many", REPORT_FAIL, 1, 5, "m", lines, NULL, NULL, 0, NULL, -1, 0, 0 },
		{ "wide", REPORT_FAIL, 1, 5, "m", wide, NULL, NULL, 0, NULL, -1, 0, 0 },
	};
	report_suite s = { "s.ini", c, 2, 5 };
	report r = { &s, 1, 5, NULL, { NULL, NULL } };

	page = render(report_html_write, &r);
	at(page, "console (the last lines; 140 before them are in the JUnit "
		 "and JSON reports)</summary><pre>line 140\n");
	at(page, "line 199\n</pre>");
	cr_expect_null(strstr(page, "line 139\n"));
	const char *w = at(page, "console (the last lines; 1 before them");
	const char *pre = at(w, "<pre>") + 5, *end = at(pre, "</pre>");
	cr_expect_leq((size_t)(end - pre), 16u << 10);
	cr_expect_eq((size_t)(end - pre) % 3, 0, "cut inside a character");
	cr_expect_eq(memcmp(pre, "\xe2\x9c\x93", 3), 0);
	free(page);
	free(lines);
}

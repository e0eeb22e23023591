/* The HTML report of `stubrun test --html` as a reader sees it: Debian's
 * headless chromium opens the page (its script runs) and the test reads
 * the DOM it dumps. With the stand-in runner (suite_data/html.ini):
 * hostile text stays text and the table sorts; with real QEMU: the
 * failing test's name, verdict, post-mortem and console, the counts, and
 * guest times in every report. Also `report merge` into a page. Each test
 * has a private directory (TMPDIR, HOME and chromium's profile) that it
 * removes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/stubrun-html-it-XXXXXX");
	cr_assert_eq(harness_scratch_make(dir), 0);
	setenv("TMPDIR", dir, 1);
	/* chromium keeps state under HOME and the XDG directories: ours. */
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_CACHE_HOME", dir, 1);
	unsetenv("STUBRUN_SUITE_RUNNER");
	unsetenv("TEST_TOTAL_SHARDS");
	unsetenv("TEST_SHARD_INDEX");
	unsetenv("XML_OUTPUT_FILE");
}

static void teardown(void)
{
	harness_scratch_remove(dir);
}

TestSuite(suite_html, .init = setup, .fini = teardown, .timeout = 120);

static const char *path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

#define IN_DIR(name) path_in((char[256]){ 0 }, 256, (name))

static const char *srcdir(void)
{
	const char *d = getenv("STUBRUN_SRCDIR");
	return d ? d : ".";
}

/* A missing browser fails the test: `make deps` installs it. */
static void need_chromium(void)
{
	const char *path = getenv("PATH");
	char *dirs = strdup(path ? path : "/usr/bin:/bin"), *save = NULL;
	int found = 0;

	cr_assert_not_null(dirs);
	for (char *d = strtok_r(dirs, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		char exe[512];
		snprintf(exe, sizeof(exe), "%s/chromium", d);
		found = access(exe, X_OK) == 0;
	}
	free(dirs);
	cr_assert(found, "chromium is not installed: `make deps` installs "
		  "Debian's chromium, which this test opens the report in");
}

/* The DOM chromium makes of the page at `file` (opened with "#FRAGMENT"
 * when given), after its script ran. Free it. */
static char *browse(const char *file, const char *fragment)
{
	char profile[256], url[512], profile_arg[300];
	const char *argv[10];
	harness_result r;
	int n = 0;
	char *dom;

	need_chromium();
	snprintf(profile, sizeof(profile), "%s/chromium-XXXXXX", dir);
	cr_assert_not_null(mkdtemp(profile));
	snprintf(profile_arg, sizeof(profile_arg), "--user-data-dir=%s", profile);
	snprintf(url, sizeof(url), "file://%s%s%s", file, fragment ? "#" : "",
		 fragment ? fragment : "");
	argv[n++] = "chromium";
	argv[n++] = "--headless";
	if (geteuid() == 0)
		argv[n++] = "--no-sandbox";  /* chromium refuses root otherwise */
	argv[n++] = "--disable-gpu";
	argv[n++] = profile_arg;
	argv[n++] = "--dump-dom";
	argv[n++] = url;
	argv[n] = NULL;
	cr_assert_eq(harness_run(&r, argv, 60), 0);
	cr_assert_not(r.timed_out, "chromium outlived 60 s");
	cr_assert_eq(r.status, 0, "chromium: status %d\n%.2000s", r.status, r.err);
	cr_expect_eq(harness_count_processes(profile), 0, "a chromium outlived it");
	dom = strdup(r.out);
	harness_result_free(&r);
	cr_assert_not_null(dom);
	return dom;
}

/* What a reader sees of a DOM: its text, entities decoded, each run of
 * blanks one space. Free it. */
static char *visible(const char *dom)
{
	static const struct { const char *ent, *ch; } ents[] = {
		{ "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
		{ "&quot;", "\"" }, { "&nbsp;", " " },
	};
	char *out = malloc(strlen(dom) + 1), *o = out;
	int in_tag = 0;

	cr_assert_not_null(out);
	for (const char *p = dom; *p; p++) {
		size_t k;
		if (in_tag || *p == '<') {
			in_tag = *p != '>';
			if (!in_tag && o > out && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (!strncmp(p, ents[k].ent, strlen(ents[k].ent)))
				break;
		char c = k < sizeof(ents) / sizeof(ents[0]) ? *ents[k].ch : *p;
		if (k < sizeof(ents) / sizeof(ents[0]))
			p += strlen(ents[k].ent) - 1;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = c;
		}
	}
	*o = '\0';
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void expect_in(const char *hay, const char *needle, const char *what)
{
	cr_expect(strstr(hay, needle) != NULL, "%s lacks '%s':\n%.3000s", what,
		  needle, hay);
}

/* The name in the first row of the results table. */
static void expect_first_row(const char *dom, const char *name)
{
	const char *body = strstr(dom, "<tbody>"), *row;
	char want[256];

	cr_assert_not_null(body, "no table:\n%.2000s", dom);
	row = strstr(body, "<tr");
	cr_assert_not_null(row);
	snprintf(want, sizeof(want), ">%s</", name);
	cr_expect(strstr(row, want) && strstr(row, want) < strstr(row, "</tr>"),
		  "the first row is not %s: %.400s", name, row);
}

/* The stand-in suite of this test, run by suite_runner.sh: its path. */
static const char *stand_in_suite(char *buf, size_t len)
{
	char runner[512];

	snprintf(runner, sizeof(runner), "%s/tests/integration/suite_runner.sh",
		 srcdir());
	setenv("STUBRUN_SUITE_RUNNER", runner, 1);
	snprintf(buf, len, "%s/tests/integration/suite_data/html.ini", srcdir());
	return buf;
}

#define RUN(res, ...) do { \
	const char *argv_[] = { harness_stubrun(), __VA_ARGS__, NULL }; \
	cr_assert_eq(harness_run(res, argv_, 90), 0); \
	cr_assert_not((res)->timed_out); \
} while (0)

Test(suite_html, stand_in_page_keeps_hostile_text_inert_and_sorts)
{
	char suite[512], *html, *dom, *text, *json, *xml;
	harness_result r;

	stand_in_suite(suite, sizeof(suite));
	RUN(&r, "test", "-j", "2", "--html", IN_DIR("out.html"), "--json",
	    IN_DIR("out.jsonl"), "--junit", IN_DIR("out.xml"), suite);
	cr_assert_eq(r.status, 1, "%.2000s", r.err);
	harness_result_free(&r);

	json = harness_slurp(IN_DIR("out.jsonl"));
	xml = harness_slurp(IN_DIR("out.xml"));
	expect_in(json, "\"name\":\"guest/alloc\",\"status\":\"pass\",\"exit\":0,"
		  "\"duration_ms\":20,\"guest_ms\":15,", "the JSON report");
	expect_in(json, "\"name\":\"hostile\",\"status\":\"fail\",\"exit\":1,", "the JSON report");
	expect_in(json, "\"guest_ms\":7,", "the JSON report");
	expect_in(xml, "<property name=\"stubrun.guest_s\" value=\"0.022\"/>",
		  "the JUnit report");

	html = harness_slurp(IN_DIR("out.html"));
	cr_expect_eq(count(html, "<script"), 1, "the page's own script only");
	dom = browse(IN_DIR("out.html"), "sort=-guest");
	cr_expect_eq(count(dom, "<script"), 1, "a script in the DOM from a test");
	cr_expect_eq(count(dom, "<img"), 0, "an element from a test's name");
	cr_expect_eq(count(dom, "<b>bold"), 0, "an element from a post-mortem");
	text = visible(dom);
	expect_in(text, "3 passed 3 failed 0 timed out 0 errors 0 flaky 0 "
		  "skipped 0 quarantined", "the summary");
	expect_in(text, "hostile/<img src=x onerror=alert(1)>", "the table");
	expect_in(text, "exit status 1, expected 0 (</p><script>alert(2)</script>)",
		  "the verdict");
	expect_in(text, "boot \xe2\x90\x9b[31mred\xe2\x90\x9b[0m \xef\xbf\xbd\xef\xbf\xbd "
		  "</pre><script>alert(3)</script>", "the console");
	expect_in(text, "post-mortem: pc=0xbad <b>bold</b>\xe2\x90\x81", "the post-mortem");
	/* The script sorted by guest time, longest first, as the address said. */
	expect_first_row(dom, "guest/sched");
	free(text);
	free(dom);
	free(html);
	free(json);
	free(xml);
}

static void copy_example(const char *name)
{
	int rc = harness_copy_example(name, dir);
	if (rc == -1)
		cr_skip_test("%s not built (make examples)", name);
	cr_assert_eq(rc, 0, "cannot copy %s into %s", name, dir);
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(IN_DIR(name), "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Every result's guest_ms in the JSON report, and each of its attempts',
 * is a number no larger than its wall time; returns how many there were. */
static size_t check_guest_times(const char *json)
{
	size_t n = 0;

	for (const char *line = json; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		const char *end = strchr(line, '\n'), *p = line;
		if (strncmp(line, "{\"event\":\"test\"", 15))
			continue;
		while ((p = strstr(p, "\"duration_ms\":")) && (!end || p < end)) {
			long wall = -1, guest = -1;
			const char *g = strstr(p, "\"guest_ms\":");
			cr_assert(g && (!end || g < end), "no guest_ms: %.300s", line);
			cr_assert_eq(sscanf(p, "\"duration_ms\":%ld", &wall), 1);
			cr_assert_eq(sscanf(g, "\"guest_ms\":%ld", &guest), 1,
				     "guest_ms is not a number: %.80s", g);
			cr_expect(guest >= 0 && guest <= wall, "guest %ld, wall %ld",
				  guest, wall);
			p = g;
			n++;
		}
	}
	return n;
}

/* Real guests: a pass and a failure retried once. */
Test(suite_html, real_guests_page_shows_the_failure_with_its_post_mortem)
{
	char *json, *xml, *dom, *text;
	harness_result r;

	copy_example("aarch64-pass.elf");
	copy_example("aarch64-fail.elf");
	write_file("real.ini", "[defaults]\ntimeout = 30\n"
		   "[test \"pass\"]\nimage = aarch64-pass.elf\n"
		   "[test \"fail\"]\nimage = aarch64-fail.elf\n");
	RUN(&r, "test", "-j", "2", "--retry-failed", "1", "--html",
	    IN_DIR("out.html"), "--json", IN_DIR("out.jsonl"), "--junit",
	    IN_DIR("out.xml"), IN_DIR("real.ini"));
	cr_assert_eq(r.status, 1, "%.2000s", r.err);
	harness_result_free(&r);

	json = harness_slurp(IN_DIR("out.jsonl"));
	xml = harness_slurp(IN_DIR("out.xml"));
	/* pass, fail, and fail's two attempts (the last is fail itself). */
	cr_expect_eq(check_guest_times(json), 4, "%s", json);
	cr_expect_eq(count(xml, "<property name=\"stubrun.guest_s\""), 2, "%s", xml);

	dom = browse(IN_DIR("out.html"), NULL);
	text = visible(dom);
	expect_in(text, "1 passed 1 failed", "the summary");
	expect_in(text, "Failed fail fail exit status 3, expected 0 (the guest "
		  "called stubrun_exit(3))", "the failure");
	expect_in(text, "attempt 2 of 2: fail, fail", "the failure");
	expect_in(text, "stubrun post-mortem: the guest called stubrun_exit(3)",
		  "the post-mortem");
	expect_in(text, "fail variant on aarch64", "the console");
	free(text);
	free(dom);
	free(json);
	free(xml);
}

/* Shards merged into one page, their shard in its column; a page is no
 * input (exit status 4, naming it). */
Test(suite_html, report_merge_writes_a_page_and_refuses_one_as_input)
{
	char suite[512], *html;
	harness_result r;

	stand_in_suite(suite, sizeof(suite));
	RUN(&r, "test", "--shard", "1/2", "--json", IN_DIR("s1.jsonl"), suite);
	harness_result_free(&r);
	RUN(&r, "test", "--shard", "2/2", "--junit", IN_DIR("s2.xml"), suite);
	harness_result_free(&r);
	RUN(&r, "report", "merge", IN_DIR("all.html"), IN_DIR("s1.jsonl"),
	    IN_DIR("s2.xml"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	harness_result_free(&r);
	html = harness_slurp(IN_DIR("all.html"));
	expect_in(html, "<!DOCTYPE html>", "the merged page");
	expect_in(html, "data-key=\"shard\"", "the merged page");
	expect_in(html, ">1/2</td>", "the merged page");
	expect_in(html, ">2/2</td>", "the merged page");
	expect_in(html, "<b>3</b> failed", "the merged page");

	RUN(&r, "report", "merge", IN_DIR("again.jsonl"), IN_DIR("all.html"));
	cr_expect_eq(r.status, 4, "%s", r.err);
	expect_in(r.err, "all.html: a report in html: only JUnit, TAP and JSON "
		  "lines reports are read back", "stderr");
	cr_expect_neq(access(IN_DIR("again.jsonl"), F_OK), 0, "OUT was written");
	harness_result_free(&r);
	free(html);
}

/* Tests of the report readers and the merge (src/report/report_doc.c,
 * report_{json,junit,tap}_read.c): each format read back and written again
 * is the same text, JSON read back writes the same JUnit and TAP, shards
 * merge into the whole, and malformed input is refused naming its line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_fixture.h"

#define render report_fixture_render

static report_doc *read_ok(report_format_id fmt, const char *text)
{
	report_doc *d = NULL;
	char err[256] = "";
	int rc = report_read(&d, fmt, text, strlen(text), "in", err, sizeof(err));

	cr_assert_eq(rc, 0, "%s\n%s", err, text);
	return d;
}

/* Read back and written again, a report is the same text. Invalid UTF-8
 * in the model is written as U+FFFD, which reads back as that character
 * and is then written as itself: with `normalise`, the first writing is
 * read once more so that the comparison starts from valid text. */
static void round_trip(const report *r, int normalise)
{
	for (int f = 0; f < REPORT_NFORMATS; f++) {
		if (!report_formats[f].readable)
			continue;
		char *once = render(report_formats[f].write, r);
		if (normalise) {
			report_doc *n = read_ok((report_format_id)f, once);
			free(once);
			once = render(report_formats[f].write, report_doc_report(n));
			report_doc_free(n);
		}
		report_format_id got;
		cr_assert_eq(report_sniff(&got, once, strlen(once)), 0);
		cr_assert_eq((int)got, f);
		report_doc *d = read_ok((report_format_id)f, once);
		char *twice = render(report_formats[f].write, report_doc_report(d));
		cr_expect_str_eq(twice, once, "%s changed in a round trip",
				 report_formats[f].name);
		report_doc_free(d);
		free(once);
		free(twice);
	}
}

Test(report_read, every_format_round_trips)
{
	round_trip(&report_fixture_plain, 1);
	round_trip(&report_fixture_retry, 0);
}

/* JSON keeps everything: read back, it writes the same JUnit and TAP
 * (the retry fixture: its text is valid UTF-8, see round_trip). */
Test(report_read, json_read_back_writes_the_same_junit_and_tap)
{
	const report *fixtures[] = { &report_fixture_retry };

	for (size_t i = 0; i < 1; i++) {
		char *json = render(report_json_write, fixtures[i]);
		report_doc *d = read_ok(REPORT_JSON, json);
		for (int f = REPORT_JUNIT; f <= REPORT_TAP; f++) {
			char *want = render(report_formats[f].write, fixtures[i]);
			char *got = render(report_formats[f].write, report_doc_report(d));
			cr_expect_str_eq(got, want, "fixture %zu, %s", i,
					 report_formats[f].name);
			free(want);
			free(got);
		}
		report_doc_free(d);
		free(json);
	}
}

/* Splits the retry fixture's cases over two shards (alternately, by
 * position) and merges the shard reports of each format. */
static void merge_shards(report_format_id fmt)
{
	const report *whole = &report_fixture_retry;
	report_suite sa[8], sb[8];
	report_case ca[64], cb[64];
	size_t na = 0, nb = 0;
	report ra = *whole, rb = *whole;

	cr_assert_leq(whole->nsuites, 8);
	for (size_t s = 0; s < whole->nsuites; s++) {
		const report_suite *src = &whole->suites[s];
		sa[s] = sb[s] = *src;
		sa[s].cases = ca + na;
		sb[s].cases = cb + nb;
		sa[s].ncases = sb[s].ncases = 0;
		for (size_t k = 0; k < src->ncases; k++) {
			if (k % 2) {
				cb[nb++] = src->cases[k];
				sb[s].ncases++;
			} else {
				ca[na++] = src->cases[k];
				sa[s].ncases++;
			}
		}
		sa[s].duration_ms = src->duration_ms / 2;
		sb[s].duration_ms = src->duration_ms - sa[s].duration_ms;
	}
	ra.suites = sa;
	rb.suites = sb;
	char *ta = render(report_formats[fmt].write, &ra);
	char *tb = render(report_formats[fmt].write, &rb);
	report_doc *in[2] = { read_ok(fmt, tb), read_ok(fmt, ta) };
	const char *names[2] = { "b", "a" };
	report_doc *m = NULL;
	char err[256] = "";
	cr_assert_eq(report_merge(&m, in, names, 2, err, sizeof(err)), 0, "%s", err);

	/* The merge sorts each suite's results by name: so does the want. */
	char *whole_text = render(report_formats[fmt].write, whole);
	report_doc *sorted_in[1] = { read_ok(fmt, whole_text) };
	report_doc *want_doc = NULL;
	cr_assert_eq(report_merge(&want_doc, sorted_in, names, 1, err, sizeof(err)), 0);
	char *want = render(report_formats[fmt].write, report_doc_report(want_doc));
	char *got = render(report_formats[fmt].write, report_doc_report(m));
	cr_expect_str_eq(got, want, "%s merge", report_formats[fmt].name);
	report_counts c, cw;
	report_count(&c, report_doc_report(m), NULL);
	report_count(&cw, whole, NULL);
	cr_expect_eq(c.total, cw.total);
	cr_expect_eq(c.flaky, cw.flaky);
	cr_expect_eq(c.quarantined, cw.quarantined);
	report_doc_free(m);
	report_doc_free(want_doc);
	report_doc_free(sorted_in[0]);
	report_doc_free(in[0]);
	report_doc_free(in[1]);
	free(ta);
	free(tb);
	free(whole_text);
	free(want);
	free(got);
}

Test(report_read, json_shards_merge_into_the_whole) { merge_shards(REPORT_JSON); }
Test(report_read, junit_shards_merge_into_the_whole) { merge_shards(REPORT_JUNIT); }
Test(report_read, tap_shards_merge_into_the_whole) { merge_shards(REPORT_TAP); }

Test(report_read, a_result_in_two_shards_is_an_error_naming_both)
{
	char *json = render(report_json_write, &report_fixture_plain);
	report_doc *in[2] = { read_ok(REPORT_JSON, json), read_ok(REPORT_JSON, json) };
	const char *names[2] = { "one.jsonl", "two.jsonl" };
	report_doc *m = NULL;
	char err[256] = "";

	cr_assert_eq(report_merge(&m, in, names, 2, err, sizeof(err)), REPORT_EFORMAT);
	cr_assert_null(m);
	cr_assert(strstr(err, "one.jsonl") && strstr(err, "two.jsonl"), "%s", err);
	report_doc_free(in[0]);
	report_doc_free(in[1]);
	free(json);
}

struct bad_input {
	report_format_id fmt;
	const char *text;
	const char *want;   /* in the message */
};

static const struct bad_input bad_inputs[] = {
	{ REPORT_JSON, "{\"event\":\"test\"", "in:1: unterminated" },
	{ REPORT_JSON, "\n{\"event\":\"nope\"}\n", "in:2: unknown event" },
	{ REPORT_JSON, "{\"event\":\"test\",\"suite\":\"s\",\"name\":\"t\","
		       "\"status\":\"maybe\"}", "in:1: \"status\"" },
	{ REPORT_JSON, "{\"event\":\"test\",\"suite\":\"s\",\"status\":\"pass\"}",
	  "\"name\": expected a string" },
	{ REPORT_JSON, "{\"a\":[[[[[[1]]]]]]}", "nested too deep" },
	{ REPORT_JSON, "{\"event\":\"summary\",\"duration_ms\":1.5}", "not an integer" },
	{ REPORT_JSON, "{\"event\":\"summary\",\"duration_ms\":99999999999999999}",
	  "number too long" },
	{ REPORT_JSON, "{\"x\":\"\\u0000\"}", "\\u0000" },
	{ REPORT_JSON, "{\"x\":\"\xff\"}", "in: not valid UTF-8" },
	{ REPORT_JSON, "{} {}", "text after the object" },
	{ REPORT_JUNIT, "<testsuites><testsuite name=\"s\"><testcase/>",
	  "testcase without a name" },
	{ REPORT_JUNIT, "<!DOCTYPE x [<!ENTITY a \"b\">]><testsuites/>",
	  "DOCTYPE" },
	{ REPORT_JUNIT, "<testsuites><testsuite name=\"s\">", "in:1:" },
	{ REPORT_JUNIT, "<testsuites/>", "no <testsuite>" },
	{ REPORT_JUNIT, "<testsuite name=\"s\" time=\"x\"/>", "bad time" },
	{ REPORT_TAP, "TAP version 13\n", "in:1: expected \"TAP version 14\"" },
	{ REPORT_TAP, "TAP version 14\n1..1\nok 1 - a\n", "before a \"# suite:\"" },
	{ REPORT_TAP, "TAP version 14\n1..2\n# suite: s\nok 1 - a\n", "plan 1..2" },
	{ REPORT_TAP, "TAP version 14\n1..1\n# suite: s\nok 2 - a\n", "in:4: test points out of order" },
	{ REPORT_TAP, "TAP version 14\n1..1\n# suite: s\nnot ok 1 - a\n  ---\n  severity: fail\n",
	  "unterminated diagnostic block" },
	{ REPORT_TAP, "TAP version 14\n1..1\n# suite: s\nnot ok 1 - a\n  ---\n"
		      "  message: \"x\\q\"\n  ...\n", "in:6: bad escape" },
	{ REPORT_TAP, "TAP version 14\n1..1\n# suite: s\nok 1 - a # TODO later\n",
	  "unknown directive" },
	{ REPORT_JSON, "{\"event\":\"test\",\"suite\":\"s\",\"name\":\"t\","
		       "\"status\":\"pass\",\"shard\":\"3/2\"}", "\"shard\": expected \"K/N\"" },
	{ REPORT_JSON, "{\"event\":\"test\",\"suite\":\"s\",\"name\":\"t\","
		       "\"status\":\"pass\",\"shard\":\"0/2\"}", "\"shard\"" },
	{ REPORT_JSON, "{\"event\":\"test\",\"suite\":\"s\",\"name\":\"t\","
		       "\"status\":\"pass\",\"guest_ms\":-5}", "\"guest_ms\"" },
	{ REPORT_JUNIT, "<testsuite name=\"s\"><testcase name=\"t\"><properties>"
			"<property name=\"stubrun.guest_s\" value=\"1.x\"/>",
	  "bad stubrun.guest_s \"1.x\"" },
	{ REPORT_JUNIT, "<testsuite name=\"s\"><testcase name=\"t\"><properties>"
			"<property name=\"stubrun.shard\" value=\"1/100001\"/>",
	  "bad stubrun.shard" },
	{ REPORT_HTML, "<!DOCTYPE html>", "only JUnit, TAP and JSON lines" },
};

Test(report_read, malformed_input_is_refused_naming_the_line)
{
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad_input *b = &bad_inputs[i];
		report_doc *d = (report_doc *)1;
		char err[256] = "";
		int rc = report_read(&d, b->fmt, b->text, strlen(b->text), "in",
				     err, sizeof(err));
		cr_expect_eq(rc, REPORT_EFORMAT, "case %zu accepted", i);
		cr_expect_null(d, "case %zu", i);
		cr_expect(strstr(err, b->want), "case %zu: '%s' lacks '%s'", i,
			  err, b->want);
	}
}

Test(report_read, sniffing_by_first_bytes)
{
	report_format_id f;

	cr_assert_eq(report_sniff(&f, "\n<?xml", 6), 0);
	cr_assert_eq(f, REPORT_JUNIT);
	cr_assert_eq(report_sniff(&f, "TAP version 14\n", 15), 0);
	cr_assert_eq(f, REPORT_TAP);
	cr_assert_eq(report_sniff(&f, "{\"event\"", 8), 0);
	cr_assert_eq(f, REPORT_JSON);
	cr_assert_eq(report_sniff(&f, "\n<!doctype HTML>\n<html>", 22), 0);
	cr_assert_eq(f, REPORT_HTML);
	cr_assert_eq(report_sniff(&f, "hello", 5), -1);
	cr_assert_eq(report_sniff(&f, "", 0), -1);
}

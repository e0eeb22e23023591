/* Tests of src/events/suite_events.c: run's events lines, good and hostile. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite_events.h"

static suite_events parse(const char *text)
{
	suite_events ev;
	cr_assert_eq(suite_events_parse(&ev, text, strlen(text)), 0);
	return ev;
}

Test(suite_events, begin_end_verdict)
{
	suite_events ev = parse(
		"{\"event\":\"begin\",\"name\":\"a\",\"time_ms\":10}\n"
		"{\"event\":\"end\",\"name\":\"a\",\"status\":0,\"time_ms\":25,"
		"\"output\":\"line\\n\\u00e9\\ud83d\\ude00\"}\n"
		"{ \"time_ms\" : 30 , \"name\" : \"b\", \"event\" : \"begin\" }\n"
		"{\"event\":\"verdict\",\"status\":1,\"reason\":\"panic\",\"time_ms\":40}\n");

	cr_assert_eq(ev.nguests, 2);
	cr_assert_str_eq(ev.guests[0].name, "a");
	cr_assert(ev.guests[0].ended);
	cr_assert_eq(ev.guests[0].status, 0);
	cr_assert_eq(ev.guests[0].begin_ms, 10);
	cr_assert_eq(ev.guests[0].end_ms, 25);
	cr_assert_str_eq(ev.guests[0].output, "line\n\xc3\xa9\xf0\x9f\x98\x80");
	cr_assert_str_eq(ev.guests[1].name, "b");
	cr_assert_not(ev.guests[1].ended);
	cr_assert(ev.have_verdict);
	cr_assert_eq(ev.verdict_status, 1);
	cr_assert_str_eq(ev.verdict_reason, "panic");
	cr_assert_eq(ev.bad_lines, 0);
	suite_events_clear(&ev);
}

Test(suite_events, plan_and_unknown_fields_are_handled)
{
	suite_events ev = parse(
		"{\"event\":\"plan\",\"tests\":[\"x\",\"y\"],\"extra\":{\"a\":[1,2,{\"b\":null}]}}\n"
		"{\"event\":\"begin\",\"name\":\"x\",\"time_ms\":1,\"cpu\":true}\n");

	cr_assert_eq(ev.nplan, 2);
	cr_assert_str_eq(ev.plan[1], "y");
	cr_assert_eq(ev.nguests, 1);
	cr_assert_eq(ev.bad_lines, 0);
	suite_events_clear(&ev);
}

Test(suite_events, malformed_lines_are_skipped_and_counted)
{
	static const char *const bad[] = {
		"not json",
		"{\"event\":\"begin\"}",                    /* no name */
		"{\"event\":\"begin\",\"name\":\"a\"",      /* unterminated */
		"{\"event\":\"begin\",\"name\":\"a\"} trailing",
		"{\"event\":\"begin\",\"name\":\"a\\q\"}",  /* bad escape */
		"{\"event\":\"begin\",\"name\":\"a\\u12\"}",
		"{\"event\":\"begin\",\"name\":\"raw\ttab\"}",
		"{\"event\":\"nope\"}",
		"{\"event\":\"end\"}",                      /* nothing open */
		"[1,2]",
		"{\"event\":\"begin\",\"name\":\"a\",\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
		"{\"event\":\"begin\",\"name\":\"a\",\"time_ms\":1e999}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		suite_events ev = parse(bad[i]);
		cr_expect_eq(ev.bad_lines, 1, "case %zu: %s", i, bad[i]);
		cr_expect_eq(ev.nguests, 0, "case %zu", i);
		suite_events_clear(&ev);
	}
}

Test(suite_events, end_closes_latest_open_test_of_that_name)
{
	suite_events ev = parse(
		"{\"event\":\"begin\",\"name\":\"a\",\"time_ms\":1}\n"
		"{\"event\":\"begin\",\"name\":\"b\",\"time_ms\":2}\n"
		"{\"event\":\"end\",\"name\":\"a\",\"status\":3,\"time_ms\":3}\n"
		"{\"event\":\"end\",\"name\":\"c\",\"status\":0,\"time_ms\":4}\n"
		"{\"event\":\"end\",\"name\":\"b\",\"time_ms\":5}\n");

	cr_assert_eq(ev.nguests, 3);
	cr_assert_eq(ev.guests[0].status, 3);
	cr_assert(ev.guests[1].ended);
	cr_assert_eq(ev.guests[1].status, -1, "no status is not a pass");
	cr_assert_str_eq(ev.guests[2].name, "c");
	cr_assert(ev.guests[2].ended);
	suite_events_clear(&ev);
}

Test(suite_events, nul_escape_and_lone_surrogate_become_replacement)
{
	suite_events ev = parse(
		"{\"event\":\"begin\",\"name\":\"a\\u0000b\\ud800c\"}\n");

	cr_assert_eq(ev.nguests, 1);
	cr_assert_str_eq(ev.guests[0].name, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	suite_events_clear(&ev);
}

Test(suite_events, missing_file_is_no_events)
{
	suite_events ev;

	cr_assert_eq(suite_events_read(&ev, "/nonexistent/events.jsonl"), 0);
	cr_assert_eq(ev.nguests, 0);
	cr_assert_not(ev.have_verdict);
	suite_events_clear(&ev);
}

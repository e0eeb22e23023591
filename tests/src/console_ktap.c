/* Tests for src/console/ktap.c and ktap_line.c through the console API:
 * KUnit's KTAP and older TAP 14 output, TAP 13, directives, NOTRUN, bail
 * out, detection modes, and hostile input (plans, nesting, names). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "console_rec.h"
#include "ktap.h"

static char *run_mode(console_results mode, const char *in)
{
	console_spec spec = { .results = mode };
	return rec_str(&spec, in);
}

static void check(const char *in, const char *want)
{
	char *out = run_mode(CONSOLE_RESULTS_AUTO, in);
	cr_assert_str_eq(out, want);
	free(out);
}

/* The shape of KUnit output since KTAP (Linux 5.18+), with the kernel
 * timestamps of a console. */
Test(console_ktap, kunit_ktap_with_nested_suites)
{
	check("[    0.5] Run /init\n"
	      "[    1.0] KTAP version 1\n"
	      "[    1.0] 1..2\n"
	      "[    1.1]     KTAP version 1\n"
	      "[    1.1]     # Subtest: example\n"
	      "[    1.1]     # module: example_test\n"
	      "[    1.1]     1..3\n"
	      "[    1.2]     # example_simple_test: initializing\n"
	      "[    1.2]     ok 1 example_simple_test\n"
	      "[    1.3]     # example_fail: EXPECTATION FAILED at x.c:9\n"
	      "[    1.3]     not ok 2 example_fail\n"
	      "[    1.3]     ok 3 example_skip # SKIP no hardware\n"
	      "[    1.4] # example: pass:1 fail:1 skip:1 total:3\n"
	      "[    1.4] not ok 1 example\n"
	      "[    1.5]     KTAP version 1\n"
	      "[    1.5]     # Subtest: other\n"
	      "[    1.5]     1..1\n"
	      "[    1.5]     ok 1 t\n"
	      "[    1.6] ok 2 other\n"
	      "[    1.7] after\n",
	      "PLAN 2\n"
	      "BEGIN example\n"
	      "BEGIN example.example_simple_test\n"
	      "END example.example_simple_test PASS [    # module: example_test\\n"
	      "    # example_simple_test: initializing\\n]\n"
	      "BEGIN example.example_fail\n"
	      "END example.example_fail FAIL [    # example_fail: EXPECTATION "
	      "FAILED at x.c:9\\n]\n"
	      "BEGIN example.example_skip\n"
	      "END example.example_skip SKIP\n"
	      "END example FAIL suite [# example: pass:1 fail:1 skip:1 total:3\\n]\n"
	      "BEGIN other\n"
	      "BEGIN other.t\n"
	      "END other.t PASS\n"
	      "END other PASS suite\n"
	      "DONE 1\n");
}

/* KUnit before KTAP: "TAP version 14", "# Subtest:" opens the suite. */
Test(console_ktap, old_kunit_tap14_subtests)
{
	check("TAP version 14\n"
	      "1..1\n"
	      "    # Subtest: list\n"
	      "    1..2\n"
	      "    ok 1 - list_add\n"
	      "    ok 2 - list_del\n"
	      "ok 1 - list\n",
	      "PLAN 1\nBEGIN list\nBEGIN list.list_add\nEND list.list_add PASS\n"
	      "BEGIN list.list_del\nEND list.list_del PASS\nEND list PASS suite\n"
	      "DONE 0\n");
}

/* A parent that says ok while a subtest failed is failed. */
Test(console_ktap, a_parent_with_a_failed_subtest_fails)
{
	check("KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  not ok 1 c\n"
	      "ok 1 s\n",
	      "PLAN 1\nBEGIN 1.c\nEND 1.c FAIL\nBEGIN s\nEND s FAIL suite\nDONE 1\n");
}

Test(console_ktap, tap13_directives_and_names)
{
	check("TAP version 13\n1..6\nok 1 - first\nnot ok 2 - second # TODO later\n"
	      "ok 3 # skip whole\nnot ok 4 fourth #SKIPPED reason\n"
	      "ok 5 - has # comment\nnot ok\n",
	      "PLAN 6\nBEGIN first\nEND first PASS\nBEGIN second\nEND second TODO\n"
	      "BEGIN 3\nEND 3 SKIP\nBEGIN fourth\nEND fourth SKIP\n"
	      "BEGIN has\nEND has PASS\nBEGIN 6\nEND 6 FAIL\nDONE 1\n");
}

Test(console_ktap, auto_waits_for_a_version_line_forced_modes_do_not)
{
	const char *in = "ok 1 early\n1..1\nok 1 late\n";
	char *a = run_mode(CONSOLE_RESULTS_AUTO, in);
	cr_assert_str_eq(a, "");
	free(a);
	char *k = run_mode(CONSOLE_RESULTS_KTAP, in);
	cr_assert_str_eq(k, "BEGIN early\nEND early PASS\nDONE 0\n",
			 "a trailing plan completes the results");
	free(k);
	char *t = run_mode(CONSOLE_RESULTS_TAP, "1..1\nok 1 x\n");
	cr_assert_str_eq(t, "PLAN 1\nBEGIN x\nEND x PASS\nDONE 0\n");
	free(t);
	char *n = run_mode(CONSOLE_RESULTS_NONE, "KTAP version 1\n1..1\nok 1 x\n");
	cr_assert_str_eq(n, "");
	free(n);
}

Test(console_ktap, planned_tests_that_never_came_are_notrun_on_flush)
{
	check("KTAP version 1\n1..3\nok 1 a\npanic output\n",
	      "PLAN 3\nBEGIN a\nEND a PASS\nBEGIN 2\nEND 2 NOTRUN [panic output\\n]\n"
	      "BEGIN 3\nEND 3 NOTRUN\nDONE 2\n");
	/* Without a plan, no RESULTS_DONE. */
	check("KTAP version 1\nok 1 a\n", "BEGIN a\nEND a PASS\n");
}

Test(console_ktap, missing_subtests_are_notrun_when_the_parent_ends)
{
	check("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n"
	      "    1..3\n    ok 1 a\nok 1 s\n",
	      "PLAN 1\nBEGIN s\nBEGIN s.a\nEND s.a PASS\nBEGIN s.2\nEND s.2 NOTRUN\n"
	      "BEGIN s.3\nEND s.3 NOTRUN\nEND s FAIL suite\nDONE 1\n");
}

Test(console_ktap, bail_out_ends_everything_open)
{
	check("KTAP version 1\n1..2\n    # Subtest: s\n    1..2\n    ok 1 a\n"
	      "    Bail out! no disk\nok 1 later\n",
	      "PLAN 2\nBEGIN s\nBEGIN s.a\nEND s.a PASS\nBAIL     Bail out! no disk\n"
	      "BEGIN s.2\nEND s.2 NOTRUN\nEND s NOTRUN suite\nBEGIN 2\nEND 2 NOTRUN\n"
	      "DONE 2\n");
}

Test(console_ktap, more_results_than_a_trailing_plan_count_as_failed)
{
	check("TAP version 13\nok 1 a\nok 2 b\nok 3 c\n1..2\n",
	      "BEGIN a\nEND a PASS\nBEGIN b\nEND b PASS\nBEGIN c\nEND c PASS\nDONE 1\n");
}

Test(console_ktap, an_empty_plan_is_done_at_once)
{
	check("KTAP version 1\n1..0 # SKIP nothing here\n", "PLAN 0\nDONE 0\n");
}

/* A second version line at the top starts new results once the first are
 * done (a second boot, a second test binary). */
Test(console_ktap, a_new_document_after_the_first_is_done)
{
	check("KTAP version 1\n1..1\nok 1 a\nKTAP version 1\n1..1\nnot ok 1 b\n",
	      "PLAN 1\nBEGIN a\nEND a PASS\nDONE 0\nPLAN 1\nBEGIN b\nEND b FAIL\n"
	      "DONE 1\n");
}

Test(console_ktap, an_absurd_plan_costs_a_bounded_number_of_events)
{
	console_spec spec = { .results = CONSOLE_RESULTS_AUTO };
	console *c = rec_console(&spec);
	rec r = { 0 };
	const char *in = "KTAP version 1\n1..999999999999\nok 1 a\n";
	cr_assert_eq(console_feed(c, in, strlen(in), rec_sink, &r), 0);
	cr_assert_eq(console_flush(c, rec_sink, &r), 0);
	/* PLAN, BEGIN+END of a, 64 NOTRUN pairs, one range pair, DONE. */
	cr_assert_eq(r.events, 1 + 2 + 2 * KTAP_NOTRUN_EACH + 2 + 1);
	cr_assert(strstr(r.buf, "PLAN 999999999999\n"));
	cr_assert(strstr(r.buf, "END 66-999999999999 NOTRUN x999999999934\n"),
		  "%s", r.buf + r.len - 200);
	cr_assert(strstr(r.buf, "DONE 2147483647\n"));
	console_free(c);
	free(r.buf);
	/* A plan past UINT64_MAX saturates. */
	char *o = run_mode(CONSOLE_RESULTS_AUTO,
			   "KTAP version 1\n1..99999999999999999999999\n");
	cr_assert(strstr(o, "PLAN 18446744073709551615\n"));
	free(o);
}

Test(console_ktap, nesting_is_capped)
{
	char in[8192] = "KTAP version 1\n1..1\n";
	size_t n = strlen(in);
	for (int d = 1; d <= 20; d++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%*s# Subtest: s%d\n",
				      2 * d, "", d);
	n += (size_t)snprintf(in + n, sizeof(in) - n, "%*sok 1 leaf\n", 40, "");
	snprintf(in + n, sizeof(in) - n, "ok 1 top\n");
	char *out = run_mode(CONSOLE_RESULTS_AUTO, in);
	/* Levels 1..7 open (8 with the top); deeper lines are output, the
	 * leaf among them. The top's result closes the levels between
	 * (NOTRUN: they never got a result line), and ends s1. */
	cr_assert(strstr(out, "BEGIN s1.s2.s3.s4.s5.s6.s7\n"), "%s", out);
	cr_assert_null(strstr(out, "BEGIN s1.s2.s3.s4.s5.s6.s7."), "%s", out);
	cr_assert_null(strstr(out, "leaf PASS"), "%s", out);
	cr_assert(strstr(out, "# Subtest: s8\\n"), "%s", out);
	cr_assert(strstr(out, "END s1.s2.s3.s4.s5.s6.s7 NOTRUN suite [") ,"%s", out);
	cr_assert(strstr(out, "END s1.s2 NOTRUN suite\nEND s1 FAIL suite\nDONE 1\n"),
		  "%s", out);
	free(out);
}

Test(console_ktap, names_are_cut_and_made_printable)
{
	char in[2048];
	char longname[600];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	snprintf(in, sizeof(in), "KTAP version 1\nok 1 a\x01\x7f" "b\nok 2 %s\n",
		 longname);
	char *out = run_mode(CONSOLE_RESULTS_AUTO, in);
	char want[1024];
	snprintf(want, sizeof(want), "BEGIN a??b\nEND a??b PASS\nBEGIN %.*s\n"
		 "END %.*s PASS\n", KTAP_NAME_MAX, longname, KTAP_NAME_MAX,
		 longname);
	cr_assert_str_eq(out, want);
	free(out);
}

Test(console_ktap, attached_output_is_capped)
{
	console_spec spec = { .results = CONSOLE_RESULTS_AUTO };
	console *c = rec_console(&spec);
	char line[1001];
	size_t got = 0;
	memset(line, 'o', 999);
	line[999] = '\n';
	cr_assert_eq(console_feed(c, "KTAP version 1\n", 15, rec_sink, &(rec){ 0 }), 0);
	for (int i = 0; i < 200; i++)  /* 200 KB of output */
		cr_assert_eq(console_feed(c, line, 1000, rec_sink, &(rec){ 0 }), 0);
	int sink_len(void *arg, const console_event *ev);
	cr_assert_eq(console_feed(c, "ok 1 t\n", 7, sink_len, &got), 0);
	cr_assert_leq(got, CONSOLE_OUTPUT_MAX);
	cr_assert_geq(got, CONSOLE_OUTPUT_MAX - 1000);
	console_free(c);
}

int sink_len(void *arg, const console_event *ev);
int sink_len(void *arg, const console_event *ev)
{
	if (ev->kind == CONSOLE_EV_TEST_END)
		*(size_t *)arg = ev->len;
	return 0;
}

/* A TAP 14 subtest without "# Subtest:": its cases are named by the
 * parent's number, the suite by its result line. */
Test(console_ktap, an_unnamed_subtest_uses_the_parent_number)
{
	check("TAP version 14\n1..2\nok 1 a\n    1..1\n    ok 1 - c\nok 2 - s\n",
	      "PLAN 2\nBEGIN a\nEND a PASS\nBEGIN 2.c\nEND 2.c PASS\nBEGIN s\n"
	      "END s PASS suite\nDONE 0\n");
}

Test(console_ktap, lines_that_only_look_like_results_are_output)
{
	check("KTAP version 1\n1..1\nokay then\nok: fine\n1..x\nok 1 t\n",
	      "PLAN 1\nBEGIN t\nEND t PASS [okay then\\nok: fine\\n1..x\\n]\nDONE 0\n");
}

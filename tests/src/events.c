/* Tests for src/events/events.c: the JSON lines of --events (their escaping
 * is tests/src/text.c's). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "suite_events.h"

/* An event's times: wall, and guest (-1: the guest has not run). */
#define AT(wall, guest) ((events_time){ (wall), (guest) })

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[4096];
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(events, writes_begin_end_verdict_lines_and_appends)
{
	char path[] = "/tmp/stubrun-events-XXXXXX", err[256];
	int fd = mkstemp(path);
	events *ev;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(events_open(&ev, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(events_begin(ev, "t\"1", AT(5, 2)), 0);
	cr_assert_eq(events_end(ev, "t\"1", 3, AT(9, 4), "out\n", 4), 0);
	cr_assert_eq(events_verdict(ev, 3, "the guest called x(3)", AT(12, 0)), 0);
	events_close(ev);
	cr_assert_eq(events_open(&ev, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(events_verdict(ev, 0, "again", AT(1, -1)), 0);
	events_close(ev);

	const char *text = slurp(path);
	unlink(path);
	cr_assert_str_eq(text,
		"{\"event\":\"begin\",\"name\":\"t\\\"1\",\"time_ms\":5,\"guest_ms\":2}\n"
		"{\"event\":\"end\",\"name\":\"t\\\"1\",\"status\":3,\"time_ms\":9,"
		"\"guest_ms\":4,\"output\":\"out\\n\"}\n"
		"{\"event\":\"verdict\",\"status\":3,\"reason\":\"the guest called "
		"x(3)\",\"time_ms\":12,\"guest_ms\":0}\n"
		"{\"event\":\"verdict\",\"status\":0,\"reason\":\"again\",\"time_ms\":1}\n");
}

/* A writer on a new file `path` (a mkstemp template). */
static events *open_temp(char *path)
{
	char err[256];
	int fd = mkstemp(path);
	events *ev;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(events_open(&ev, path, err, sizeof(err)), 0, "%s", err);
	return ev;
}

/* The guest's clock, written by the run, read back by the suite: each
 * test's begin and end and the verdict; absent is -1. */
Test(events, guest_times_round_trip_through_the_suite_reader)
{
	char path[] = "/tmp/stubrun-events-XXXXXX";
	events *ev = open_temp(path);
	suite_events se;

	cr_assert_eq(events_begin(ev, "a", AT(4000, 0)), 0);
	cr_assert_eq(events_end(ev, "a", 0, AT(4100, 90), NULL, 0), 0);
	cr_assert_eq(events_begin(ev, "b", AT(4200, -1)), 0);
	cr_assert_eq(events_verdict(ev, 1, "x", AT(9000, 1500)), 0);
	events_close(ev);
	cr_assert_eq(suite_events_read(&se, path), 0);
	unlink(path);
	cr_assert_eq(se.nguests, 2);
	cr_expect_eq(se.guests[0].begin_guest_ms, 0);
	cr_expect_eq(se.guests[0].end_guest_ms, 90);
	cr_expect_eq(se.guests[1].begin_guest_ms, -1);
	cr_expect_eq(se.verdict_guest_ms, 1500);
	suite_events_clear(&se);
}

/* An end the run made carries its reason, which the suite reader keeps
 * for that test alone; the guest's own end has none. */
Test(events, an_end_by_the_run_carries_its_reason)
{
	char path[] = "/tmp/stubrun-events-XXXXXX";
	events *ev = open_temp(path);
	suite_events se;

	cr_assert_eq(events_begin(ev, "own", AT(1, -1)), 0);
	cr_assert_eq(events_end(ev, "own", 2, AT(2, -1), NULL, 0), 0);
	cr_assert_eq(events_begin(ev, "hung", AT(3, -1)), 0);
	cr_assert_eq(events_end_by_run(ev, "hung", 124, "timeout after \"1\" s",
				       AT(4, -1), "x", 1), 0);
	events_close(ev);
	const char *text = slurp(path);
	cr_expect(strstr(text, "{\"event\":\"end\",\"name\":\"hung\",\"status\":124,"
			 "\"reason\":\"timeout after \\\"1\\\" s\",\"time_ms\":4,"
			 "\"output\":\"x\"}\n"), "%s", text);
	cr_assert_eq(suite_events_read(&se, path), 0);
	unlink(path);
	cr_assert_eq(se.nguests, 2);
	cr_expect_null(se.guests[0].reason);
	cr_expect_eq(se.guests[0].status, 2);
	cr_assert_not_null(se.guests[1].reason);
	cr_expect_str_eq(se.guests[1].reason, "timeout after \"1\" s");
	cr_expect_eq(se.guests[1].status, 124);
	suite_events_clear(&se);
}

Test(events, plan_line_lists_every_name_escaped)
{
	char path[] = "/tmp/stubrun-events-XXXXXX", err[256];
	char *names[] = { "arith", "say \"hi\"", "x" };
	int fd = mkstemp(path);
	events *ev;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(events_open(&ev, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(events_plan(ev, names, 3, 2), 0);
	cr_assert_eq(events_plan(ev, names, 0, 3), 0);   /* no plan: no line */
	events_close(ev);

	const char *text = slurp(path);
	unlink(path);
	cr_assert_str_eq(text,
		"{\"event\":\"plan\",\"tests\":[\"arith\",\"say \\\"hi\\\"\","
		"\"x\"],\"time_ms\":2}\n");
}

Test(events, open_failure_names_the_file)
{
	events *ev = (events *)1;
	char err[256];

	cr_assert_lt(events_open(&ev, "/nonexistent/dir/ev.jsonl", err, sizeof(err)), 0);
	cr_assert_null(ev);
	cr_assert(strstr(err, "/nonexistent/dir/ev.jsonl"), "%s", err);
}

Test(events, null_writer_is_a_no_op)
{
	cr_assert_eq(events_begin(NULL, "x", AT(0, 0)), 0);
	cr_assert_eq(events_end(NULL, "x", 0, AT(0, 0), NULL, 0), 0);
	cr_assert_eq(events_verdict(NULL, 0, "x", AT(0, 0)), 0);
	cr_assert_eq(events_plan(NULL, NULL, 0, 0), 0);
	events_close(NULL);
}

/* Anything but a regular file is refused at once: a FIFO without a reader
 * used to block open(2) forever (with stubrun's signals blocked), and one
 * with a stalled reader would block every event. */
Test(events, fifo_and_directory_are_refused_without_blocking)
{
	char dir[] = "/tmp/stubrun-events-XXXXXX", fifo[64], err[256];
	events *ev = (events *)1;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/ev.fifo", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(events_open(&ev, fifo, err, sizeof(err)), -1);
	cr_assert_null(ev);
	cr_assert(strstr(err, "not a regular file"), "%s", err);
	cr_assert(strstr(err, fifo), "%s", err);
	cr_assert_eq(events_open(&ev, dir, err, sizeof(err)), -1);
	cr_assert_null(ev);
	cr_assert(strstr(err, dir), "%s", err);
	unlink(fifo);
	rmdir(dir);
}

/* A skipped test is an end line with a "skip" reason that the suite side
 * reads back as skipped, not as a pass. */
Test(events, skip_line_round_trips_through_the_suite_reader)
{
	char path[] = "/tmp/stubrun-events-XXXXXX";
	events *ev = open_temp(path);
	suite_events se;

	cr_assert_eq(events_skip(ev, "s.c", "SKIP no \"device\"", AT(7, -1), "# diag\n", 7), 0);
	cr_assert_eq(events_end(ev, "s.d", 0, AT(8, -1), NULL, 0), 0);
	events_close(ev);
	const char *text = slurp(path);
	cr_assert_str_eq(text,
		"{\"event\":\"end\",\"name\":\"s.c\",\"status\":0,\"skip\":"
		"\"SKIP no \\\"device\\\"\",\"time_ms\":7,\"output\":\"# diag\\n\"}\n"
		"{\"event\":\"end\",\"name\":\"s.d\",\"status\":0,\"time_ms\":8,"
		"\"output\":\"\"}\n");
	cr_assert_eq(suite_events_read(&se, path), 0);
	unlink(path);
	cr_assert_eq(se.nguests, 2);
	cr_assert_str_eq(se.guests[0].skip, "SKIP no \"device\"");
	cr_assert_str_eq(se.guests[0].output, "# diag\n");
	cr_assert_null(se.guests[1].skip);
	suite_events_clear(&se);
}

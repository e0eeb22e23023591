/*
 * JUnit XML report: the de facto schema read by Jenkins, GitLab and GitHub
 * (<testsuites>/<testsuite>/<testcase> with <failure>, <error>, <skipped>,
 * <system-out>, <system-err>). One <testsuite> per suite file. Results run
 * again (--retry-failed) carry Maven Surefire's elements: <flakyFailure>
 * for each failed attempt of a result that finally passed; for one that
 * failed every time, the first failure stays <failure> and each later
 * attempt is a <rerunFailure>. A quarantined result has the property
 * "quarantined" (the reason), and one that did not pass is <skipped> with
 * its true outcome and message in properties, so that CI does not fail.
 * Every testcase has the properties stubrun.wall_s (its time attribute)
 * and, when known, stubrun.guest_s (the guest's running time, which
 * --timeout counts), both in seconds, and stubrun.shard ("K/N") when
 * sharded.
 */
#include "report.h"

#include <errno.h>

/* classname: the suite file without directory and ".ini", so CI tools
 * group a suite's tests together. */
static void put_classname(FILE *f, const char *suite)
{
	const char *base = suite, *p;
	size_t n;
	char buf[256];

	for (p = suite; *p; p++)
		if (*p == '/')
			base = p + 1;
	n = (size_t)(p - base);
	if (n > 4 && p[-4] == '.' && p[-3] == 'i' && p[-2] == 'n' && p[-1] == 'i')
		n -= 4;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = base[i];
	buf[n] = '\0';
	report_put_xml(f, buf, 1);
}

static void put_counts(FILE *f, const report_counts *c)
{
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"",
		c->total, c->failed + c->timed_out, c->errors,
		c->not_run + c->quarantined);
}

static void put_element(FILE *f, const char *indent, const char *tag,
			const char *text)
{
	if (!text || !*text)
		return;
	fprintf(f, "%s<%s>", indent, tag);
	report_put_xml(f, text, 0);
	fprintf(f, "</%s>\n", tag);
}

/* The failure body: the verdict, then the console and the post-mortem,
 * so the CI page of a failure shows everything without another click. */
static void put_problem(FILE *f, const report_attempt *c)
{
	const char *tag = c->outcome == REPORT_ERROR ? "error" : "failure";

	fprintf(f, "      <%s message=\"", tag);
	report_put_xml(f, c->message ? c->message : report_outcome_name(c->outcome), 1);
	fprintf(f, "\" type=\"%s\">", report_outcome_name(c->outcome));
	report_put_xml(f, c->message, 0);
	if (c->output && *c->output) {
		fputs("\n--- console ---\n", f);
		report_put_xml(f, c->output, 0);
	}
	if (c->log && *c->log) {
		fputs("\n--- stubrun ---\n", f);
		report_put_xml(f, c->log, 0);
	}
	fprintf(f, "</%s>\n", tag);
}

/* One later attempt: <flakyFailure>/<flakyError> (flaky) or
 * <rerunFailure>/<rerunError>, its own output inside, as Surefire does. */
static void put_rerun(FILE *f, const report_attempt *a, int flaky)
{
	const char *tag = flaky ? (a->outcome == REPORT_ERROR ? "flakyError"
						     : "flakyFailure")
			  : (a->outcome == REPORT_ERROR ? "rerunError"
							: "rerunFailure");
	const char *msg = a->message ? a->message : report_outcome_name(a->outcome);

	fprintf(f, "      <%s message=\"", tag);
	report_put_xml(f, msg, 1);
	fprintf(f, "\" type=\"%s\">\n", report_outcome_name(a->outcome));
	put_element(f, "        ", "stackTrace", msg);
	put_element(f, "        ", "system-out", a->output);
	put_element(f, "        ", "system-err", a->log);
	fprintf(f, "      </%s>\n", tag);
}

static void put_property(FILE *f, const char *name, const char *value)
{
	fprintf(f, "        <property name=\"%s\" value=\"", name);
	report_put_xml(f, value, 1);
	fputs("\"/>\n", f);
}

static void put_seconds_property(FILE *f, const char *name, long ms)
{
	fprintf(f, "        <property name=\"%s\" value=\"", name);
	report_put_seconds(f, ms);
	fputs("\"/>\n", f);
}

/* The result's times (stubrun.wall_s, stubrun.guest_s when known), its
 * shard, and a quarantine's reason with the true outcome of a result it
 * excuses. */
static void put_properties(FILE *f, const report_case *c)
{
	char shard[32];

	fputs("      <properties>\n", f);
	put_seconds_property(f, "stubrun.wall_s", c->duration_ms);
	if (c->guest_ms >= 0)
		put_seconds_property(f, "stubrun.guest_s", c->guest_ms);
	if (c->nshards) {
		snprintf(shard, sizeof(shard), "%d/%d", c->shard, c->nshards);
		put_property(f, "stubrun.shard", shard);
	}
	if (c->quarantine)
		put_property(f, "quarantined", c->quarantine);
	if (report_case_excused(c)) {
		put_property(f, "outcome", report_outcome_name(c->outcome));
		if (c->message)
			put_property(f, "message", c->message);
	}
	fputs("      </properties>\n", f);
}

/* The verdict elements: <skipped>, <failure>/<error>, and the attempts. */
static void put_verdict(FILE *f, const report_case *c)
{
	report_attempt last;

	report_case_attempt(&last, c);
	if (report_case_excused(c)) {
		fputs("      <skipped message=\"quarantined: ", f);
		report_put_xml(f, c->quarantine, 1);
		fputs("\"/>\n", f);
	}
	if (report_case_flaky(c)) {
		for (size_t i = 0; i < c->nattempts; i++)
			put_rerun(f, &c->attempts[i], 1);
		return;
	}
	if (c->outcome == REPORT_NOTRUN || (c->quarantine &&
					     c->outcome != REPORT_PASS)) {
		if (!c->quarantine) {
			fputs("      <skipped message=\"", f);
			report_put_xml(f, c->message ? c->message : "not run", 1);
			fputs("\"/>\n", f);
		}
		/* Skipped (or excused): every attempt is a rerun. */
		for (size_t i = 0; i < c->nattempts; i++)
			put_rerun(f, &c->attempts[i], 0);
		return;
	}
	if (c->outcome == REPORT_PASS)
		return;
	put_problem(f, c->nattempts ? &c->attempts[0] : &last);
	for (size_t i = 1; i < c->nattempts; i++)
		put_rerun(f, &c->attempts[i], 0);
	if (c->nattempts)
		put_rerun(f, &last, 0);
}

static void put_case(FILE *f, const report_suite *s, const report_case *c)
{
	fputs("    <testcase name=\"", f);
	report_put_xml(f, c->name, 1);
	fputs("\" classname=\"", f);
	put_classname(f, s->name);
	fputs("\" time=\"", f);
	report_put_seconds(f, c->duration_ms);
	fputs("\">\n", f);
	put_properties(f, c);
	put_verdict(f, c);
	put_element(f, "      ", "system-out", c->output);
	put_element(f, "      ", "system-err", c->log);
	fputs("    </testcase>\n", f);
}

int report_junit_write(FILE *f, const report *r)
{
	report_counts c;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	report_count(&c, r, NULL);
	fputs("<testsuites name=\"stubrun\"", f);
	put_counts(f, &c);
	fputs(" time=\"", f);
	report_put_seconds(f, r->duration_ms);
	fputs("\">\n", f);
	for (size_t i = 0; i < r->nsuites; i++) {
		const report_suite *s = &r->suites[i];
		report_count(&c, r, s);
		fprintf(f, "  <testsuite name=\"");
		report_put_xml(f, s->name, 1);
		fputs("\"", f);
		put_counts(f, &c);
		fputs(" time=\"", f);
		report_put_seconds(f, s->duration_ms);
		fputs("\"", f);
		if (r->timestamp) {
			fputs(" timestamp=\"", f);
			report_put_xml(f, r->timestamp, 1);
			fputs("\"", f);
		}
		fputs(">\n", f);
		for (size_t k = 0; k < s->ncases; k++)
			put_case(f, s, &s->cases[k]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}

/*
 * JSON lines report: one object per line (RFC 8259 text, escaped by
 * report_put_json), for scripts: a "suite" line per suite file, a "test"
 * line per result, and a closing "summary" line. A result's times:
 * "duration_ms" (wall) and "guest_ms" (the guest's running time, null when
 * unknown); "shard" is "K/N", or null.
 */
#include "report.h"

#include <errno.h>

static void put_counts(FILE *f, const report_counts *c)
{
	fprintf(f, "\"total\":%zu,\"passed\":%zu,\"failed\":%zu,"
		"\"timed_out\":%zu,\"errors\":%zu,\"not_run\":%zu,"
		"\"flaky\":%zu,\"quarantined\":%zu",
		c->total, c->passed, c->failed, c->timed_out, c->errors,
		c->not_run, c->flaky, c->quarantined);
}

/* The fields one attempt has: the result's own, and each of "attempts". */
static void put_attempt(FILE *f, const report_attempt *a)
{
	fprintf(f, "\"status\":\"%s\"", report_outcome_name(a->outcome));
	if (a->exit_status >= 0)
		fprintf(f, ",\"exit\":%d", a->exit_status);
	else
		fputs(",\"exit\":null", f);
	fprintf(f, ",\"duration_ms\":%ld", a->duration_ms);
	if (a->guest_ms >= 0)
		fprintf(f, ",\"guest_ms\":%ld", a->guest_ms);
	else
		fputs(",\"guest_ms\":null", f);
	fputs(",\"message\":", f);
	report_put_json_string(f, a->message);
	fputs(",\"output\":", f);
	report_put_json_string(f, a->output ? a->output : "");
	fputs(",\"log\":", f);
	report_put_json_string(f, a->log ? a->log : "");
}

/* "attempts": every attempt of a result that ran more than once, oldest
 * first; the last is the result itself. */
static void put_case(FILE *f, const report_suite *s, const report_case *c)
{
	report_attempt last;

	report_case_attempt(&last, c);
	fputs("{\"event\":\"test\",\"suite\":", f);
	report_put_json_string(f, s->name);
	fputs(",\"name\":", f);
	report_put_json_string(f, c->name);
	fputc(',', f);
	put_attempt(f, &last);
	fprintf(f, ",\"flaky\":%s,\"quarantine\":",
		report_case_flaky(c) ? "true" : "false");
	report_put_json_string(f, c->quarantine);
	if (c->nshards)
		fprintf(f, ",\"shard\":\"%d/%d\"", c->shard, c->nshards);
	else
		fputs(",\"shard\":null", f);
	if (c->nattempts) {
		fputs(",\"attempts\":[", f);
		for (size_t i = 0; i <= c->nattempts; i++) {
			fputs(i ? ",{" : "{", f);
			put_attempt(f, i < c->nattempts ? &c->attempts[i] : &last);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}

int report_json_write(FILE *f, const report *r)
{
	report_counts c;

	for (size_t i = 0; i < r->nsuites; i++) {
		const report_suite *s = &r->suites[i];
		report_count(&c, r, s);
		fputs("{\"event\":\"suite\",\"suite\":", f);
		report_put_json_string(f, s->name);
		fputc(',', f);
		put_counts(f, &c);
		fprintf(f, ",\"duration_ms\":%ld}\n", s->duration_ms);
		for (size_t k = 0; k < s->ncases; k++)
			put_case(f, s, &s->cases[k]);
	}
	report_count(&c, r, NULL);
	fputs("{\"event\":\"summary\",", f);
	put_counts(f, &c);
	fprintf(f, ",\"duration_ms\":%ld", r->duration_ms);
	if (r->timestamp) {
		fputs(",\"timestamp\":", f);
		report_put_json_string(f, r->timestamp);
	}
	fputs("}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}

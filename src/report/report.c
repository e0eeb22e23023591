/*
 * What the report writers share: counting results, naming outcomes, and
 * escaping untrusted bytes for XML 1.0 (W3C XML 1.0 section 2.2 "Characters"),
 * JSON (RFC 8259 section 7 "Strings") and HTML (WHATWG HTML, "13.1.4
 * Character references" and the parse errors of "13.2.3.5 Preprocessing
 * the input stream").
 */
#include "report.h"
#include "text.h"

#include <string.h>

static const char *const outcome_names[] = {
	[REPORT_PASS] = "pass",       [REPORT_FAIL] = "fail",
	[REPORT_TIMEOUT] = "timeout", [REPORT_ERROR] = "error",
	[REPORT_NOTRUN] = "notrun",
};

const char *report_outcome_name(report_outcome o)
{
	if ((unsigned)o >= sizeof(outcome_names) / sizeof(outcome_names[0]))
		return "error";
	return outcome_names[o];
}

void report_case_attempt(report_attempt *out, const report_case *c)
{
	out->outcome = c->outcome;
	out->exit_status = c->exit_status;
	out->duration_ms = c->duration_ms;
	out->message = c->message;
	out->output = c->output;
	out->log = c->log;
	out->guest_ms = c->guest_ms;
}

int report_case_flaky(const report_case *c)
{
	return c->outcome == REPORT_PASS && c->nattempts > 0;
}

/* Fail, timeout or error: ran and did not pass. */
static int did_not_pass(const report_case *c)
{
	return c->outcome != REPORT_PASS && c->outcome != REPORT_NOTRUN;
}

int report_case_failed(const report_case *c)
{
	return did_not_pass(c) && !c->quarantine;
}

int report_case_excused(const report_case *c)
{
	return did_not_pass(c) && c->quarantine;
}

static void count_suite(report_counts *c, const report_suite *s)
{
	for (size_t i = 0; i < s->ncases; i++) {
		const report_case *rc = &s->cases[i];
		c->total++;
		if (report_case_flaky(rc)) {
			c->flaky++;
			continue;
		}
		if (report_case_excused(rc)) {
			c->quarantined++;
			continue;
		}
		switch (rc->outcome) {
		case REPORT_PASS: c->passed++; break;
		case REPORT_FAIL: c->failed++; break;
		case REPORT_TIMEOUT: c->timed_out++; break;
		case REPORT_ERROR: c->errors++; break;
		case REPORT_NOTRUN: c->not_run++; break;
		}
	}
}

void report_count(report_counts *out, const report *r, const report_suite *s)
{
	memset(out, 0, sizeof(*out));
	if (s) {
		count_suite(out, s);
		return;
	}
	for (size_t i = 0; i < r->nsuites; i++)
		count_suite(out, &r->suites[i]);
}

static const char replacement[] = "\xef\xbf\xbd";  /* U+FFFD */

void report_put_xml(FILE *f, const char *str, int attr)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = str ? strlen(str) : 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, s + i, n - i);
		if (len == 0 || cp == 0xfffe || cp == 0xffff) {
			fputs(replacement, f);
			i += len ? len : 1;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t':
		case '\n':
			if (attr)
				fprintf(f, "&#%u;", cp);
			else
				fputc((int)cp, f);
			break;
		default:
			if (cp < 0x20)
				fprintf(f, "^%c", (char)(cp + '@'));
			else
				fwrite(s + i, 1, len, f);
		}
		i += len;
	}
}

/* What HTML's input stream calls a parse error (controls other than
 * whitespace, noncharacters) and would show as nothing, or as garbage. */
static int html_unfit(unsigned cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	       (cp & 0xfffe) == 0xfffe;
}

void report_put_html(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = str ? strlen(str) : 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, s + i, n - i);
		if (len == 0 || html_unfit(cp)) {
			fputs(replacement, f);
			i += len ? len : 1;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\t':
		case '\n':
		case '\r':
			fputc((int)cp, f);
			break;
		default:
			/* Other controls as their Control Pictures (U+2400 +
			 * cp, U+2421 for DEL): an ESC of a colour sequence
			 * is seen, not swallowed. */
			if (cp < 0x20 || cp == 0x7f)
				fprintf(f, "&#x%X;", cp == 0x7f ? 0x2421 : 0x2400 + cp);
			else
				fwrite(s + i, 1, len, f);
		}
		i += len;
	}
}

void report_put_seconds(FILE *f, long ms)
{
	if (ms < 0)
		ms = 0;
	fprintf(f, "%ld.%03ld", ms / 1000, ms % 1000);
}

void report_put_json(FILE *f, const char *str)
{
	if (str)
		text_json_put(f, str, strlen(str), TEXT_INVALID_REPLACE);
}

void report_put_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	report_put_json(f, s);
	fputc('"', f);
}

const report_format report_formats[REPORT_NFORMATS] = {
	[REPORT_JUNIT] = { "junit", 0, "JUnit XML report (default: "
			   "$XML_OUTPUT_FILE if set)", report_junit_write, 1,
			   ".xml", NULL },
	[REPORT_TAP] = { "tap", 1, "TAP version 14 report, to stdout without "
			 "FILE", report_tap_write, 1, ".tap", NULL },
	[REPORT_JSON] = { "json", 1, "JSON lines report, to stdout without FILE",
			  report_json_write, 1, ".json", ".jsonl" },
	[REPORT_HTML] = { "html", 0, "one self-contained HTML page: summary, "
			  "failures, results", report_html_write, 0, ".html",
			  ".htm" },
};

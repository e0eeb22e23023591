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

/* How one markup language writes what a guest wrote: & < > " always as
 * references, the rest as these rules say. */
typedef struct markup {
	const char *apos;           /* the reference for ' */
	int cr_ref;                 /* \r as a reference, else as it is */
	int ws_refs;                /* \t and \n as references, else as they are */
	int (*unfit)(unsigned cp);  /* written as U+FFFD */
	/* Writes the control cp its own way: 1; 0 leaves it as it is. */
	int (*control)(FILE *f, unsigned cp);
} markup;

/* XML 1.0's Char production leaves out U+FFFE and U+FFFF. */
static int xml_unfit(unsigned cp)
{
	return cp == 0xfffe || cp == 0xffff;
}

/* C0 controls, which XML 1.0 forbids even as references: caret notation. */
static int xml_control(FILE *f, unsigned cp)
{
	if (cp >= 0x20)
		return 0;
	fprintf(f, "^%c", (char)(cp + '@'));
	return 1;
}

/* What HTML's input stream calls a parse error (controls other than
 * whitespace, noncharacters) and would show as nothing, or as garbage. */
static int html_unfit(unsigned cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	       (cp & 0xfffe) == 0xfffe;
}

/* C0 controls and DEL as their Control Pictures (U+2400 + cp, U+2421 for
 * DEL): the ESC of a colour sequence is seen, not swallowed. */
static int html_control(FILE *f, unsigned cp)
{
	if (cp >= 0x20 && cp != 0x7f)
		return 0;
	fprintf(f, "&#x%X;", cp == 0x7f ? 0x2421 : 0x2400 + cp);
	return 1;
}

static const markup xml_text = { "&apos;", 1, 0, xml_unfit, xml_control };
static const markup xml_attr = { "&apos;", 1, 1, xml_unfit, xml_control };
static const markup html_text = { "&#39;", 0, 0, html_unfit, html_control };

static void put_markup(FILE *f, const char *str, const markup *m)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = str ? strlen(str) : 0;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, s + i, n - i);
		if (len == 0 || m->unfit(cp)) {
			fputs(replacement, f);
			i += len ? len : 1;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs(m->apos, f); break;
		case '\t':
		case '\n':
		case '\r':
			if (cp == '\r' ? m->cr_ref : m->ws_refs)
				fprintf(f, "&#%u;", cp);
			else
				fputc((int)cp, f);
			break;
		default:
			if (!m->control(f, cp))
				fwrite(s + i, 1, len, f);
		}
		i += len;
	}
}

void report_put_xml(FILE *f, const char *str, int attr)
{
	put_markup(f, str, attr ? &xml_attr : &xml_text);
}

void report_put_html(FILE *f, const char *str)
{
	put_markup(f, str, &html_text);
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

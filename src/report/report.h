/*
 * Test reports of `stubrun test`: the result model and its writers (JUnit
 * XML, TAP version 14, JSON lines), plus the escaping they share. The
 * writers are pure functions of the model: durations are part of it, so the
 * output is deterministic (tests/golden/ holds the expected files).
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef enum report_outcome {
	REPORT_PASS = 0,
	REPORT_FAIL,     /* wrong status or output, a failed guest test */
	REPORT_TIMEOUT,  /* run's own timeout (124) or killed by the parent */
	REPORT_ERROR,    /* stubrun's own error (125..127), killed by a signal */
	REPORT_NOTRUN,   /* never started: interrupted, --fail-fast, a crash
			  * before a known guest test began */
} report_outcome;

/* One earlier attempt of a result that was run again (--retry-failed):
 * what that attempt gave. Strings borrowed, any may be NULL. */
typedef struct report_attempt {
	report_outcome outcome;  /* FAIL, TIMEOUT or ERROR */
	int exit_status;
	long duration_ms;
	const char *message;
	const char *output;
	const char *log;
	long guest_ms;           /* as report_case's */
} report_attempt;

/* One result. Strings are borrowed; any may be NULL except name. */
typedef struct report_case {
	const char *name;      /* "test", or "test/guest-test" */
	report_outcome outcome;
	int exit_status;       /* status of `stubrun run`, or -1 */
	long duration_ms;      /* wall time: the child run's, or the guest
				* test's from its begin to its end */
	const char *message;   /* one line: why it did not pass */
	const char *output;    /* console output (run's stdout) */
	const char *log;       /* run's stderr: the post-mortem, messages */
	/* The earlier attempts that did not pass, oldest first; the fields
	 * above are the last attempt. A PASS with attempts is "flaky". */
	const report_attempt *attempts;
	size_t nattempts;
	const char *quarantine; /* quarantined: the reason; else NULL */
	/* Guest time: how long the guest ran (from its first instruction,
	 * or the guest test's begin, to the verdict or its end, less the
	 * time a debugger held it: what --timeout counts); -1 unknown. */
	long guest_ms;
	/* The shard that ran it (--shard K/N: shard K, 1-based, of
	 * nshards); 0 when the run was not sharded. */
	int shard, nshards;
} report_case;

/* One suite file. */
typedef struct report_suite {
	const char *name;      /* the suite file as given */
	const report_case *cases;
	size_t ncases;
	long duration_ms;
} report_suite;

/* A coverage summary for the HTML report (`--coverage DIR`): its one
 * line ("lines: 81.2% (1234 of 1520)") and a link to the detailed pages
 * (gcovr's index.html, relative to the report), each NULL when absent. */
typedef struct report_coverage {
	const char *summary;
	const char *link;
} report_coverage;

typedef struct report {
	const report_suite *suites;
	size_t nsuites;
	long duration_ms;
	const char *timestamp; /* ISO 8601 start time, or NULL to omit */
	report_coverage coverage; /* only the HTML report shows it */
} report;

/*
 * Every result is in exactly one count: flaky (passed after failing),
 * quarantined (did not pass but is quarantined: fails nothing), else by
 * outcome. A quarantined result that passed counts as passed or flaky.
 */
typedef struct report_counts {
	size_t total, passed, failed, timed_out, errors, not_run;
	size_t flaky, quarantined;
} report_counts;

/* The last attempt of c: its own fields as an attempt. */
void report_case_attempt(report_attempt *out, const report_case *c);
/* 1 when c passed after earlier attempts failed. */
int report_case_flaky(const report_case *c);
/* 1 when c did not pass and is not excused: fail, timeout or error, not
 * quarantined. Flaky results are not failures here (--flaky-fails is the
 * caller's policy). */
int report_case_failed(const report_case *c);
/* 1 when c did not pass, should have (fail, timeout or error), and is
 * quarantined: the failure is reported and fails nothing. */
int report_case_excused(const report_case *c);

/* Counts over one suite (s != NULL) or the whole report. */
void report_count(report_counts *out, const report *r, const report_suite *s);

/* "pass", "fail", "timeout", "error", "notrun". */
const char *report_outcome_name(report_outcome o);

/*
 * The writers. Each returns 0, or -EIO when the stream reports an error
 * (checked once at the end: ferror after fflush).
 */
int report_junit_write(FILE *f, const report *r);
int report_tap_write(FILE *f, const report *r);
int report_json_write(FILE *f, const report *r);
/* One self-contained HTML page for people (src/report/report_html.c);
 * it is not read back. */
int report_html_write(FILE *f, const report *r);

/*
 * The formats, one row each: `stubrun test --NAME [FILE]` writes the report
 * with `write`. Adding a format is its writer's file and a row here.
 */
typedef enum report_format_id {
	REPORT_JUNIT = 0, REPORT_TAP, REPORT_JSON, REPORT_HTML, REPORT_NFORMATS,
} report_format_id;

typedef struct report_format {
	const char *name;       /* "junit": the option --junit */
	int file_optional;      /* --NAME without FILE writes to stdout */
	const char *help;       /* one line of `stubrun test --help` */
	int (*write)(FILE *f, const report *r);
	int readable;           /* report_read() takes it (report merge's
				 * inputs, --durations) */
	const char *ext;        /* report merge: OUT's format from this
				 * extension (and `alt_ext`) */
	const char *alt_ext;
} report_format;

/* Indexed by report_format_id. */
extern const report_format report_formats[REPORT_NFORMATS];

/*
 * Escaping shared by the writers. Text is raw bytes from a guest: invalid
 * UTF-8 becomes U+FFFD in all formats.
 *
 * report_put_xml: & < > " ' as entities; tab, newline and carriage return
 * as character references when `attr` (attribute values would otherwise be
 * normalised to spaces), carriage return always; other C0 characters, which
 * XML 1.0 forbids even as references, in caret notation ("^[" for ESC);
 * U+FFFE/U+FFFF likewise as U+FFFD.
 * report_put_json: a JSON string body per RFC 8259 (no quotes added;
 * text_json_put() of src/base/text.h).
 * report_put_html: text for an HTML element or a quoted attribute value:
 * & < > " ' as references; tab, newline and carriage return as they are;
 * other C0 controls and DEL as their Control Pictures (U+2400 + code,
 * U+2421: "&#x241B;" for ESC), C1 controls and noncharacters as U+FFFD.
 * A NUL ends a C string: it cannot reach the page.
 */
void report_put_xml(FILE *f, const char *s, int attr);
void report_put_json(FILE *f, const char *s);
void report_put_html(FILE *f, const char *s);
/* Milliseconds as seconds, "S.mmm" (negative as 0). */
void report_put_seconds(FILE *f, long ms);
/* A JSON string with its quotes, or null for NULL. */
void report_put_json_string(FILE *f, const char *s);

/*
 * Reading reports back (`stubrun report merge`, `stubrun test --durations`).
 * The readers take what stubrun's own writers write; their input is
 * hostile (a file from another machine): every length is bounded, nothing
 * is trusted, and the first problem is the error. A report_doc owns the
 * model it holds and every string in it.
 */
typedef struct report_doc report_doc;

/* Errors of the readers and of report_merge. */
enum {
	REPORT_EFORMAT = -2,  /* malformed or not a stubrun report */
	REPORT_ENOMEM = -3,
};

/* Inputs larger than this are refused: the JUnit report of a
 * hundred-thousand-test run with full console logs stays far below. */
#define REPORT_READ_MAX (256u << 20)

/* Which format `text` is in, from its first bytes: "<!DOCTYPE html" HTML
 * (which report_read refuses), another "<" JUnit, "TAP version" TAP, "{"
 * JSON lines. -1 when none. */
int report_sniff(report_format_id *out, const char *text, size_t len);

/*
 * Parses `len` bytes of a report in format `fmt` (no NUL needed).
 * On success *out holds it (free with report_doc_free). Otherwise *out is
 * NULL, and errbuf holds "NAME:LINE: problem" (NAME names the input in
 * messages); returns REPORT_EFORMAT or REPORT_ENOMEM.
 */
int report_read(report_doc **out, report_format_id fmt, const char *text,
		size_t len, const char *name, char *errbuf, size_t errlen);

/* The model; valid until report_doc_free(d). */
const report *report_doc_report(const report_doc *d);
void report_doc_free(report_doc *d);

/*
 * Merges the reports of shards: suites with the same name become one
 * (cases sorted by name, so the result does not depend on the order of
 * the inputs; suite durations added), the report's duration is the
 * longest shard's (they ran side by side) and its timestamp the earliest.
 * A result present in two inputs is an error (REPORT_EFORMAT naming both
 * inputs: shards never overlap). `names[i]` names in[i] in messages. The
 * result borrows the inputs' strings: free it before them.
 */
int report_merge(report_doc **out, report_doc *const *in,
		 const char *const *names, size_t n, char *errbuf,
		 size_t errlen);

#endif /* REPORT_H */

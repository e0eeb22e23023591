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

/* One result. Strings are borrowed; any may be NULL except name. */
typedef struct report_case {
	const char *name;      /* "test", or "test/guest-test" */
	report_outcome outcome;
	int exit_status;       /* status of `stubrun run`, or -1 */
	long duration_ms;
	const char *message;   /* one line: why it did not pass */
	const char *output;    /* console output (run's stdout) */
	const char *log;       /* run's stderr: the post-mortem, messages */
} report_case;

/* One suite file. */
typedef struct report_suite {
	const char *name;      /* the suite file as given */
	const report_case *cases;
	size_t ncases;
	long duration_ms;
} report_suite;

typedef struct report {
	const report_suite *suites;
	size_t nsuites;
	long duration_ms;
	const char *timestamp; /* ISO 8601 start time, or NULL to omit */
} report;

typedef struct report_counts {
	size_t total, passed, failed, timed_out, errors, not_run;
} report_counts;

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

/*
 * The formats, one row each: `stubrun test --NAME [FILE]` writes the report
 * with `write`. Adding a format is its writer's file and a row here.
 */
typedef enum report_format_id {
	REPORT_JUNIT = 0, REPORT_TAP, REPORT_JSON, REPORT_NFORMATS,
} report_format_id;

typedef struct report_format {
	const char *name;       /* "junit": the option --junit */
	int file_optional;      /* --NAME without FILE writes to stdout */
	const char *help;       /* one line of `stubrun test --help` */
	int (*write)(FILE *f, const report *r);
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
 */
void report_put_xml(FILE *f, const char *s, int attr);
void report_put_json(FILE *f, const char *s);
/* A JSON string with its quotes, or null for NULL. */
void report_put_json_string(FILE *f, const char *s);

#endif /* REPORT_H */

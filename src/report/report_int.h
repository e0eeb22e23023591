/*
 * Private to src/report: the report_doc that readers fill (report_doc.c)
 * and the three readers it dispatches to.
 */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include "report.h"

#include <stdarg.h>

/* A suite being built: cases grow until report_doc_finish(). */
typedef struct rdoc_suite {
	const char *name;
	report_case *cases;     /* each case's attempts array is owned */
	size_t ncases, cap;
	long duration_ms;
} rdoc_suite;

struct report_doc {
	report r;               /* built by rdoc_finish from suites */
	report_suite *view;
	rdoc_suite *suites;
	size_t nsuites;
	char **strs;            /* every string the model points to */
	size_t nstrs;
	/* Readers' limits and error: "NAME:LINE: problem". */
	const char *name;
	char *errbuf;
	size_t errlen;
	int err;
};

/* Bounds of what a reader accepts (hostile input): more suites or
 * results than a real run has is an attack or a corruption. */
#define RDOC_MAX_SUITES 10000
#define RDOC_MAX_CASES 1000000
#define RDOC_MAX_ATTEMPTS 1000

int rdoc_new(report_doc **out, const char *name, char *errbuf,
	     size_t errlen);
/* The first error wins; returns err. */
int rdoc_fail(report_doc *d, int err, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A copy of s[0..n) owned by d (NUL-terminated), or NULL (error set). */
const char *rdoc_str(report_doc *d, const char *s, size_t n);
/* The suite named `name` (found or added): its index, or negative. */
long rdoc_suite_at(report_doc *d, const char *name);
/* A new zeroed case (exit_status -1) of suite `si`, or NULL. The pointer
 * is valid until the next rdoc_case() on the same suite. */
report_case *rdoc_case(report_doc *d, size_t si);
/* A new zeroed attempt appended to c, or NULL. */
report_attempt *rdoc_attempt(report_doc *d, report_case *c);
/* Builds d->r from the suites. */
int rdoc_finish(report_doc *d);

int report_json_read(report_doc *d, const char *text, size_t len);
int report_junit_read(report_doc *d, const char *text, size_t len);
int report_tap_read(report_doc *d, const char *text, size_t len);

/* 1 when s[0..n) is UTF-8 without NUL bytes (what the writers write). */
int rdoc_utf8_valid(const char *s, size_t n);

/* Writes code point cp (<= U+10FFFF) as UTF-8 at o (4 bytes room):
 * the length. */
size_t rdoc_put_utf8(char *o, unsigned cp);

/* "K/N" (1 <= K <= N <= RDOC_MAX_SHARDS, as --shard takes) into *k, *n;
 * -1 for anything else. */
#define RDOC_MAX_SHARDS 100000
int rdoc_shard(int *k, int *n, const char *s);

/* "pass".. back to the outcome; -1 for another word. */
int rdoc_outcome(report_outcome *out, const char *name, size_t len);

#endif /* REPORT_INT_H */

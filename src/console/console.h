/*
 * The serial console as a source of verdicts (issue #12, docs/CONSOLE.md):
 * the run feeds the guest's console bytes in; the console reports, through a
 * sink called synchronously, pattern matches (pass/fail, presets), the sends
 * of an expect/send script, and the results of KTAP/TAP output.
 *
 * Conventions:
 *  - Functions return 0 or a negative console_error; results go through
 *    out-params (first), then the console, then inputs, then sink + arg.
 *  - The module does no I/O, never prints or exits, keeps no global state.
 *  - A console_event sets the fields its kind lists; the others are NULL
 *    or 0. Every string of a console_event is borrowed: valid only during the
 *    sink call that receives it. Strings are NUL-terminated and may also
 *    contain NULs when the guest printed them (use .len for .data).
 *  - Memory is bounded whatever the guest prints: a line keeps at most
 *    CONSOLE_LINE_MAX bytes, a test's attached output CONSOLE_OUTPUT_MAX.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

/* Why 4096: longer than any line a kernel or firmware prints (printk
 * formats a record into at most 1024 bytes, 2048 in newer kernels), so
 * nothing a pattern is written for is lost, and small enough that one
 * fixed buffer per console serves whatever the guest sends. */
#define CONSOLE_LINE_MAX 4096
/* Why 64 KiB: the diagnostics of one failed KUnit case (expectation
 * messages, a stack trace) fit many times over; a test that prints
 * megabytes gets its first 64 KiB attached, the rest dropped. */
#define CONSOLE_OUTPUT_MAX 65536

typedef enum console_error {
	CONSOLE_OK = 0,
	CONSOLE_EINVAL = -1,  /* bad spec: message in the caller's err buffer */
	CONSOLE_ENOMEM = -2,  /* an allocation failed */
} console_error;

typedef enum console_results {
	CONSOLE_RESULTS_AUTO = 0, /* parse after a KTAP/TAP version line */
	CONSOLE_RESULTS_KTAP,     /* parse from the first plan or result line */
	CONSOLE_RESULTS_TAP,      /* the same (one parser serves both) */
	CONSOLE_RESULTS_NONE,     /* no results parsing */
} console_results;

/* One step of an expect/send script: expect `text` (a PCRE2 pattern), or,
 * with send = 1, send `text` with the escapes \n \r \t \\ \xNN decoded. */
typedef struct console_step {
	int send;
	const char *text;
} console_step;

/* What to look for. The console copies what it needs: the spec and its
 * strings may be freed once console_new() returns. */
typedef struct console_spec {
	const char *const *pass; size_t n_pass;    /* a match = pass */
	const char *const *fail; size_t n_fail;    /* a match = fail */
	const console_step *steps; size_t n_steps; /* pass when the last expect matches */
	const char *preset;                        /* NULL or a console_preset_names() name */
	console_results results;
} console_spec;

typedef enum console_event_kind {
	CONSOLE_EV_PASS,        /* a pass pattern or preset pass rule matched, or the
				 * last expect step: .line, .what = the pattern or rule */
	CONSOLE_EV_FAIL,        /* a fail pattern or preset fail rule matched:
				 * .line, .what = the pattern or "PRESET:RULE" (linux:oops) */
	CONSOLE_EV_SEND,        /* write .data/.len to the guest's console input */
	CONSOLE_EV_PLAN,        /* the top-level plan: .count planned tests */
	CONSOLE_EV_TEST_BEGIN,  /* .name ("suite.case" when nested): at the
				 * "# Subtest:" line of a suite, else just before
				 * the test's END (a case's name comes with its result) */
	CONSOLE_EV_TEST_END,    /* .name, .result, .data/.len = the lines attached to
				 * the test, .line = its result line ("" when NOTRUN),
				 * .suite = 1 when it had subtests, .count = how many
				 * tests it stands for (> 1 only for a NOTRUN range) */
	CONSOLE_EV_BAIL,        /* "Bail out!": .line */
	CONSOLE_EV_RESULTS_DONE,/* the top-level results are complete: .failed */
} console_event_kind;

typedef enum console_test_result {
	CONSOLE_TEST_PASS = 0,
	CONSOLE_TEST_FAIL,
	CONSOLE_TEST_SKIP,     /* "# SKIP" directive */
	CONSOLE_TEST_TODO,     /* "# TODO" directive: does not count as failed */
	CONSOLE_TEST_NOTRUN,   /* planned but never reported (counts as failed) */
} console_test_result;

typedef struct console_event {
	console_event_kind kind;
	const char *line;  /* the console line as received (trailing \r removed,
			    * kernel timestamp kept, at most CONSOLE_LINE_MAX) */
	const char *what;  /* PASS/FAIL: the pattern, or "PRESET:RULE" */
	const char *name;  /* TEST_BEGIN/END */
	const char *data;  /* SEND: bytes to send; TEST_END: attached output */
	size_t len;        /* bytes of .data */
	size_t count;      /* PLAN: planned tests; TEST_END: tests it stands for */
	int result;        /* TEST_END: a console_test_result */
	int failed;        /* RESULTS_DONE: top-level tests failed or not run */
	int suite;         /* TEST_END: 1 when the test had subtests */
} console_event;

/* Receives each event in order. A non-zero return stops console_feed() /
 * console_flush(), which return that value; the rest of the chunk is
 * dropped and the console stays usable. */
typedef int (*console_sink)(void *arg, const console_event *ev);

typedef struct console console;

/* Compiles every pattern of `spec` (PCRE2, JIT when available). On
 * CONSOLE_EINVAL, err holds one line naming the option and the value, e.g.
 * `--console-fail "foo(": missing closing parenthesis at offset 4`. *out
 * is NULL on error; free with console_free(). */
int console_new(console **out, const console_spec *spec, char *err,
		size_t errlen);
void console_free(console *c);  /* NULL is a no-op */

/* Feeds bytes as they come, in chunks of any size. Pass/fail patterns and
 * results parsing see complete lines (ended by \n, a trailing \r removed);
 * the current expect step also sees the partial line, so a prompt without
 * a newline matches. */
int console_feed(console *c, const char *data, size_t len, console_sink sink,
		 void *arg);

/* At the end of the run: a pending partial line counts as a line; tests
 * planned but never reported end NOTRUN; RESULTS_DONE follows if a plan
 * was seen and the results were not complete. */
int console_flush(console *c, console_sink sink, void *arg);

/* 1 if the script has send steps (the run must give QEMU a stdin pipe). */
int console_wants_input(const console *c);

/* 0 when `re` compiles as a PCRE2 pattern; else CONSOLE_EINVAL with
 * PCRE2's message and the offset in why ("missing closing parenthesis at
 * offset 4"), so option parsers can check a pattern before any run. */
int console_check_regex(const char *re, char *why, size_t whylen);

/* Decodes the escapes of a send text (\n \r \t \\ \xNN, as in a
 * --console-send step) into *out, NUL-terminated, *len bytes (the text may
 * hold NULs); the caller frees *out. CONSOLE_EINVAL with the problem and
 * its offset in why ("bad escape at offset 3 (known: ...)"), or
 * CONSOLE_ENOMEM; *out is NULL then. */
int console_unescape(char **out, size_t *len, const char *text, char *why,
		     size_t whylen);

/* Bytes the console holds for the current line: never more than
 * CONSOLE_LINE_MAX + 1, whatever was fed (for tests of the bound). */
size_t console_line_capacity(const console *c);

/* --- presets (console_presets.c) ---------------------------------------- */

typedef enum console_rule_kind {
	CONSOLE_RULE_FAIL = 0,
	CONSOLE_RULE_PASS,
} console_rule_kind;

typedef struct console_rule {
	const char *name;     /* short, stable: "panic", "oops", ... */
	const char *regex;    /* PCRE2 */
	console_rule_kind kind;
	const char *why;      /* one line for docs and --help */
} console_rule;

/* The preset names, NULL-terminated, in table order (static storage). */
const char *const *console_preset_names(void);

/* The rules of preset `name`: *rules and *n point into static storage.
 * -1 (CONSOLE_EINVAL) when there is no such preset. */
int console_describe_preset(const console_rule **rules, size_t *n,
			    const char *name);

#endif /* CONSOLE_H */

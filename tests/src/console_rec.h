/* Test helper for tests/src/console*.c: a sink that writes each console
 * event as one text line, so a test compares what came out with a string,
 * and one call that runs a whole input through a console. */
#ifndef TESTS_CONSOLE_REC_H
#define TESTS_CONSOLE_REC_H

#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

typedef struct rec {
	char *buf;
	size_t len, cap;
	size_t events;
	size_t stop_after;  /* non-zero: the sink returns -7 at that event */
} rec;

static inline void rec_add(rec *r, const char *fmt, ...)
{
	va_list ap;
	char tmp[16384];

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (r->len + (size_t)n + 1 > r->cap) {
		r->cap = (r->len + (size_t)n + 1) * 2;
		r->buf = realloc(r->buf, r->cap);
		cr_assert(r->buf);
	}
	memcpy(r->buf + r->len, tmp, (size_t)n + 1);
	r->len += (size_t)n;
}

/* Bytes with \n shown as "\n" and other control bytes as \xNN. */
static inline void rec_bytes(rec *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len && i < 2000; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			rec_add(r, "\\n");
		else if (ch < 0x20 || ch == 0x7f)
			rec_add(r, "\\x%02x", ch);
		else
			rec_add(r, "%c", ch);
	}
}

static inline int rec_sink(void *arg, const console_event *ev)
{
	static const char *const rec_results[] = { "PASS", "FAIL", "SKIP",
						   "TODO", "NOTRUN" };
	rec *r = arg;

	r->events++;
	switch (ev->kind) {
	case CONSOLE_EV_PASS: rec_add(r, "PASS %s|%s\n", ev->what, ev->line); break;
	case CONSOLE_EV_FAIL: rec_add(r, "FAIL %s|%s\n", ev->what, ev->line); break;
	case CONSOLE_EV_SEND:
		rec_add(r, "SEND ");
		rec_bytes(r, ev->data, ev->len);
		rec_add(r, "\n");
		break;
	case CONSOLE_EV_PLAN: rec_add(r, "PLAN %zu\n", ev->count); break;
	case CONSOLE_EV_TEST_BEGIN: rec_add(r, "BEGIN %s\n", ev->name); break;
	case CONSOLE_EV_TEST_END:
		rec_add(r, "END %s %s%s", ev->name, rec_results[ev->result],
			ev->suite ? " suite" : "");
		if (ev->count != 1)
			rec_add(r, " x%zu", ev->count);
		if (ev->len) {
			rec_add(r, " [");
			rec_bytes(r, ev->data, ev->len);
			rec_add(r, "]");
		}
		rec_add(r, "\n");
		break;
	case CONSOLE_EV_BAIL: rec_add(r, "BAIL %s\n", ev->line); break;
	case CONSOLE_EV_RESULTS_DONE: rec_add(r, "DONE %d\n", ev->failed); break;
	}
	if (r->stop_after && r->events == r->stop_after)
		return -7;
	return 0;
}

static inline console *rec_console(const console_spec *spec)
{
	console *c;
	char err[512] = "";
	cr_assert_eq(console_new(&c, spec, err, sizeof(err)), 0, "%s", err);
	return c;
}

/* Feeds `in` in pieces of `step` bytes (0: all at once), flushes, and
 * returns the events as text (caller frees). */
static inline char *rec_run(const console_spec *spec, const char *in,
			    size_t len, size_t step)
{
	console *c = rec_console(spec);
	rec r = { 0 };

	rec_add(&r, "");
	for (size_t i = 0; i < len;) {
		size_t n = step && len - i > step ? step : len - i;
		cr_assert_eq(console_feed(c, in + i, n, rec_sink, &r), 0);
		i += n;
	}
	cr_assert_eq(console_flush(c, rec_sink, &r), 0);
	console_free(c);
	return r.buf;
}

static inline char *rec_str(const console_spec *spec, const char *in)
{
	return rec_run(spec, in, strlen(in), 0);
}

#endif /* TESTS_CONSOLE_REC_H */

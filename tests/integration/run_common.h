/*
 * Helpers shared by the integration tests of `stubrun run` (run_*.c):
 * running build/stubrun on the example guests and checking its output.
 */
#ifndef RUN_COMMON_H
#define RUN_COMMON_H

#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* Why 60 s: a run is well under a second; the cap only stops a hung test. */
#define RUN_LIMIT_S 60
#define RUN_MAX_ARGS 40

/* Runs stubrun with the NULL-terminated arguments, naming its QEMU
 * uniquely (-name) so that the test can check that no QEMU survived;
 * the test fails when stubrun outlives limit_s. */
static inline void stubrun_limit_v(harness_result *res, int limit_s,
				   const char *first, va_list ap)
{
	const char *argv[RUN_MAX_ARGS];
	char name[64];
	int n = 0;

	snprintf(name, sizeof(name), "stubrun-it-%d-%p", (int)getpid(), (void *)res);
	argv[n++] = harness_stubrun();
	argv[n++] = "--qemu-arg";
	argv[n++] = "-name";
	argv[n++] = "--qemu-arg";
	argv[n++] = name;
	for (const char *a = first; a && n < RUN_MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[n++] = a;
	argv[n] = NULL;
	cr_assert_eq(harness_run(res, argv, limit_s), 0, "cannot run %s", argv[0]);
	cr_assert_eq(res->timed_out, 0, "stubrun outlived %d s", limit_s);
	cr_expect_eq(harness_count_processes(name), 0, "a QEMU outlived stubrun");
}

static inline void stubrun_v(harness_result *res, const char *first, va_list ap)
{
	stubrun_limit_v(res, RUN_LIMIT_S, first, ap);
}

static inline void stubrun(harness_result *res, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	stubrun_v(res, first, ap);
	va_end(ap);
}

/* stubrun() with an outer limit of limit_s. */
static inline void stubrun_limit(harness_result *res, int limit_s,
				 const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	stubrun_limit_v(res, limit_s, first, ap);
	va_end(ap);
}

/* The path of an example guest; skips the test when examples are not built. */
static inline const char *example(char *buf, size_t len, const char *name)
{
	struct stat st;

	harness_example(buf, len, name);
	if (stat(buf, &st) != 0)
		cr_skip_test("example %s not built (make examples)", buf);
	return buf;
}

#define EXAMPLE(name) example((char[512]){ 0 }, 512, (name))

static inline void expect_in(const char *hay, const char *needle, const char *what)
{
	cr_expect(strstr(hay, needle) != NULL, "%s lacks '%s':\n%s", what, needle, hay);
}

/* The parts every (brief) post-mortem has, whatever the architecture. */
static inline void expect_postmortem(const harness_result *res)
{
	expect_in(res->err, "=== stubrun post-mortem:", "stderr");
	expect_in(res->err, "registers:", "stderr");
	expect_in(res->err, "code:", "stderr");
	expect_in(res->err, "=>", "stderr (the current instruction mark)");
	expect_in(res->err, "backtrace:", "stderr");
	expect_in(res->err, "#0 0x", "stderr");
	expect_in(res->err, "=== end of post-mortem ===", "stderr");
}

#endif /* RUN_COMMON_H */

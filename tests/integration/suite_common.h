/*
 * Helpers shared by the integration tests of `stubrun test` with a
 * stand-in for `stubrun run` (suite_cli.c, suite_bazel.c): each test's
 * private TMPDIR, checked for leftovers at the end, the suites of
 * tests/integration/suite_data, and running stubrun test on them.
 */
#ifndef SUITE_COMMON_H
#define SUITE_COMMON_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char tmpdir[64];

static inline const char *srcdir(void)
{
	const char *d = getenv("STUBRUN_SRCDIR");
	return d ? d : ".";
}

static inline const char *data(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/tests/integration/suite_data/%s", srcdir(), name);
	return buf;
}

static inline const char *tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

static inline void setup(void)
{
	char runner[1024];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/stubrun-suite-it-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	setenv("TMPDIR", tmpdir, 1);
	snprintf(runner, sizeof(runner), "%s/tests/integration/suite_runner.sh",
		 srcdir());
	setenv("STUBRUN_SUITE_RUNNER", runner, 1);
	unsetenv("TEST_TOTAL_SHARDS");
	unsetenv("TEST_SHARD_INDEX");
	unsetenv("TEST_SHARD_STATUS_FILE");
	unsetenv("XML_OUTPUT_FILE");
	unsetenv("TEST_PREMATURE_EXIT_FILE");
	unsetenv("TESTBRIDGE_TEST_ONLY");
}

/* Removes the files a test asked for; anything else (an events file, a
 * stubrun-test-* directory) is a leak. */
static inline void teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int leaked = 0;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		leaked |= strncmp(e->d_name, "out.", 4) != 0;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
	cr_expect_not(leaked, "stubrun test left a file in TMPDIR");
}

static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t cap = 0;

	cr_assert_not_null(f, "%s missing", path);
	if (getdelim(&s, &cap, '\0', f) < 0) {
		free(s);
		s = strdup("");
	}
	fclose(f);
	return s;
}

#define RUN(res, ...) RUN_AS(res, "test", __VA_ARGS__)
/* `stubrun CMD ARGS...`: CMD is "test", or "report" for report merge. */
#define RUN_AS(res, cmd, ...) do { \
	const char *argv_[] = { harness_stubrun(), cmd, __VA_ARGS__, NULL }; \
	cr_assert_eq(harness_run(res, argv_, 60), 0); \
	cr_assert_not((res)->timed_out); \
} while (0)

#endif

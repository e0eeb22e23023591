/*
 * Bazel's test protocol for `stubrun test`: the variables of the test
 * encyclopedia that a test runner honours (sharding, the XML report, the
 * premature exit file, the test filter). The only module of the suite that reads them.
 */
#include "suite_bazel.h"
#include "shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The variable's value, NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Creates (or truncates) the file a variable names: 0, or -1 with the
 * variable, the path and the reason in err. */
static int create(const char *var, const char *path, char *err,
		  size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		snprintf(err, errlen, "%s %s: %s", var, path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int suite_bazel_begin(suite_bazel *b, int sharded, char *err, size_t errlen)
{
	const char *status = env("TEST_SHARD_STATUS_FILE");
	const char *premature = env("TEST_PREMATURE_EXIT_FILE");
	int rc;

	memset(b, 0, sizeof(*b));
	b->xml_output = env("XML_OUTPUT_FILE");
	b->test_only = env("TESTBRIDGE_TEST_ONLY");
	if (!sharded) {
		rc = shard_from_env(&b->shard_index, &b->shard_total,
				    getenv("TEST_TOTAL_SHARDS"),
				    getenv("TEST_SHARD_INDEX"), err, errlen);
		if (rc < 0)
			return -1;
		if (status && create("TEST_SHARD_STATUS_FILE", status, err,
				     errlen) < 0)
			return -1;
	}
	if (premature) {
		if (create("TEST_PREMATURE_EXIT_FILE", premature, err,
			   errlen) < 0)
			return -1;
		b->premature_exit = premature;
	}
	return 0;
}

void suite_bazel_end(suite_bazel *b, int interrupted)
{
	if (b->premature_exit && !interrupted)
		unlink(b->premature_exit);
	b->premature_exit = NULL;
}

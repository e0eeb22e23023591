/*
 * Bazel's test protocol for `stubrun test` (the test encyclopedia's
 * environment): its sharding (TEST_TOTAL_SHARDS, TEST_SHARD_INDEX,
 * TEST_SHARD_STATUS_FILE), the JUnit report's default path
 * (XML_OUTPUT_FILE), TEST_PREMATURE_EXIT_FILE, and the name filter of
 * `bazel test --test_filter=X` (TESTBRIDGE_TEST_ONLY).
 */
#ifndef SUITE_BAZEL_H
#define SUITE_BAZEL_H

#include <stddef.h>

typedef struct suite_bazel {
	const char *xml_output;      /* XML_OUTPUT_FILE; NULL when unset or
				      * empty (borrowed from environ) */
	int shard_index;             /* counting from 0 */
	int shard_total;             /* 0: Bazel asks for no shard */
	const char *premature_exit;  /* the TEST_PREMATURE_EXIT_FILE this run
				      * created, or NULL */
	const char *test_only;       /* TESTBRIDGE_TEST_ONLY, a --filter
				      * GLOB; NULL when unset or empty
				      * (borrowed from environ) */
} suite_bazel;

/*
 * Reads Bazel's variables into *b. Unless `sharded` (--shard was given,
 * and wins), the shard comes from TEST_TOTAL_SHARDS / TEST_SHARD_INDEX and
 * TEST_SHARD_STATUS_FILE is touched, telling Bazel the shard is honoured.
 * TEST_PREMATURE_EXIT_FILE is created: it stays while the tests run, so
 * that an end Bazel was not meant to see (stubrun killed, crashed or
 * interrupted) fails the test even with status 0. Returns 0, or -1 with
 * one line in err naming the variable (a malformed value, a file that
 * cannot be created).
 */
int suite_bazel_begin(suite_bazel *b, int sharded, char *err, size_t errlen);

/*
 * The end of `stubrun test`: removes the TEST_PREMATURE_EXIT_FILE that
 * suite_bazel_begin() created, unless the run was `interrupted` by a
 * signal (its reports are partial: the file tells Bazel so). A no-op for
 * a *b that was zeroed and never begun.
 */
void suite_bazel_end(suite_bazel *b, int interrupted);

#endif /* SUITE_BAZEL_H */

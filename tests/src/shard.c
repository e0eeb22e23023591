/* Tests of src/suite/shard.c: parsing --shard and Bazel's variables, and that
 * the shards partition the test list. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"

Test(shard, parse_good_and_bad_specs)
{
	static const char *const bad[] = {
		"", "1", "0/3", "4/3", "1/0", "-1/3", "1/-3", "a/3", "1/b",
		"1/3/5", " 1/3", "1/ 3", "+1/3", "1/100001", "99999999999/3",
	};
	char err[128];
	int k = -1, n = -1;

	cr_assert_eq(shard_parse(&k, &n, "1/3", err, sizeof(err)), 0);
	cr_assert_eq(k, 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(shard_parse(&k, &n, "3/3", err, sizeof(err)), 0);
	cr_assert_eq(k, 2);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(shard_parse(&k, &n, bad[i], err, sizeof(err)), -1,
			     "'%s' accepted", bad[i]);
		cr_expect(strstr(err, "--shard"), "'%s': %s", bad[i], err);
	}
}

Test(shard, bazel_environment)
{
	char err[128];
	int k = -1, n = -1;

	cr_assert_eq(shard_from_env(&k, &n, NULL, NULL, err, sizeof(err)), 0);
	cr_assert_eq(shard_from_env(&k, &n, "", "0", err, sizeof(err)), 0);
	cr_assert_eq(shard_from_env(&k, &n, "4", "0", err, sizeof(err)), 1);
	cr_assert_eq(k, 0);
	cr_assert_eq(n, 4);
	cr_assert_eq(shard_from_env(&k, &n, "4", "3", err, sizeof(err)), 1);
	cr_assert_eq(k, 3);
	cr_assert_eq(shard_from_env(&k, &n, "4", "4", err, sizeof(err)), -1);
	cr_assert(strstr(err, "TEST_SHARD_INDEX"), "%s", err);
	cr_assert_eq(shard_from_env(&k, &n, "4", NULL, err, sizeof(err)), -1);
	cr_assert_eq(shard_from_env(&k, &n, "0", "0", err, sizeof(err)), -1);
	cr_assert(strstr(err, "TEST_TOTAL_SHARDS"), "%s", err);
}

/* For several list sizes and shard counts, every key lands in exactly one
 * shard, shard sizes differ by at most one, and the choice depends only on
 * the set of keys, not on their order. */
Test(shard, union_of_all_shards_is_every_test_exactly_once)
{
	enum { MAXN = 37 };
	char names[MAXN][16];
	const char *keys[MAXN], *rev[MAXN];
	unsigned char keep[MAXN], keep_rev[MAXN];

	for (int i = 0; i < MAXN; i++) {
		/* Not in sorted order: the hash-like scatter of names. */
		snprintf(names[i], sizeof(names[i]), "t%03d", (i * 17) % MAXN);
	}
	for (size_t n = 0; n <= MAXN; n += 6) {
		for (int total = 1; total <= 8; total++) {
			int hits[MAXN] = { 0 };
			size_t min = n, max = 0;
			for (size_t i = 0; i < n; i++) {
				keys[i] = names[i];
				rev[n - 1 - i] = names[i];
			}
			for (int k = 0; k < total; k++) {
				size_t size = 0;
				cr_assert_eq(shard_select(keep, keys, n, k, total), 0);
				cr_assert_eq(shard_select(keep_rev, rev, n, k, total), 0);
				for (size_t i = 0; i < n; i++) {
					hits[i] += keep[i];
					size += keep[i];
					cr_assert_eq(keep[i], keep_rev[n - 1 - i],
						     "order-dependent");
				}
				min = size < min ? size : min;
				max = size > max ? size : max;
			}
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(hits[i], 1, "n=%zu total=%d key %s",
					     n, total, keys[i]);
			if (n)
				cr_assert_leq(max - min, 1);
		}
	}
}

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

/* --durations: for many N, costs with ties, unknowns and zeros, every key
 * lands in exactly one shard, whatever the order of the input. */
Test(shard, balanced_union_is_every_test_exactly_once_for_many_n)
{
	enum { MAXN = 53 };
	char names[MAXN][16];
	const char *keys[MAXN], *rev[MAXN];
	long cost[MAXN], rcost[MAXN];
	unsigned char keep[MAXN], keep_rev[MAXN];

	for (int i = 0; i < MAXN; i++) {
		snprintf(names[i], sizeof(names[i]), "t%03d", (i * 17) % MAXN);
		/* Ties (i % 7), unknowns (every fifth), zeros. */
		cost[i] = i % 5 == 0 ? -1 : (i % 7) * 100;
	}
	for (size_t n = 0; n <= MAXN; n += 5) {
		for (int total = 1; total <= 60; total += total < 10 ? 1 : 7) {
			int hits[MAXN] = { 0 };
			for (size_t i = 0; i < n; i++) {
				keys[i] = names[i];
				rev[n - 1 - i] = names[i];
				rcost[n - 1 - i] = cost[i];
			}
			for (int k = 0; k < total; k++) {
				cr_assert_eq(shard_select_balanced(keep, keys, cost, n, k, total), 0);
				cr_assert_eq(shard_select_balanced(keep_rev, rev, rcost, n, k, total), 0);
				for (size_t i = 0; i < n; i++) {
					hits[i] += keep[i];
					cr_assert_eq(keep[i], keep_rev[n - 1 - i],
						     "order-dependent");
				}
			}
			for (size_t i = 0; i < n; i++)
				cr_assert_eq(hits[i], 1, "n=%zu total=%d key %s",
					     n, total, keys[i]);
		}
	}
}

static long shard_load(const long *cost, const unsigned char *keep, size_t n)
{
	long sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += keep[i] ? cost[i] : 0;
	return sum;
}

/* Longest first onto the lightest: 8 5 4 3 2 over 2 shards gives
 * {8, 3} and {5, 4, 2}; round-robin would give {8, 4, 2} and {5, 3}. */
Test(shard, balanced_is_longest_first_onto_the_least_loaded)
{
	const char *keys[] = { "a", "b", "c", "d", "e" };
	const long cost[] = { 3, 8, 2, 5, 4 };
	unsigned char k0[5], k1[5];

	cr_assert_eq(shard_select_balanced(k0, keys, cost, 5, 0, 2), 0);
	cr_assert_eq(shard_select_balanced(k1, keys, cost, 5, 1, 2), 0);
	cr_assert(k0[1] && k0[0], "8 and 3 together");
	cr_assert(k1[3] && k1[4] && k1[2], "5, 4 and 2 together");
	cr_assert_eq(shard_load(cost, k0, 5), 11);
	cr_assert_eq(shard_load(cost, k1, 5), 11);
}

/* An unknown duration counts as the median of the known ones (here 10):
 * with 10 10 10 known and one unknown over 2 shards, each gets 2. */
Test(shard, unknown_duration_counts_as_the_median)
{
	const char *keys[] = { "a", "b", "c", "new" };
	const long cost[] = { 10, 10, 10, -1 };
	const long none[] = { -1, -1, -1, -1 };
	unsigned char k0[4];
	size_t in0 = 0;

	cr_assert_eq(shard_select_balanced(k0, keys, cost, 4, 0, 2), 0);
	for (size_t i = 0; i < 4; i++)
		in0 += k0[i];
	cr_assert_eq(in0, 2);
	/* Nothing known: round-robin over the sorted keys. */
	cr_assert_eq(shard_select_balanced(k0, keys, none, 4, 0, 2), 0);
	cr_assert(k0[0] && !k0[1] && k0[2] && !k0[3]);
}

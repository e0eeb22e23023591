/*
 * Test sharding for `stubrun test`: `--shard K/N` and Bazel's test sharding
 * protocol (TEST_TOTAL_SHARDS, TEST_SHARD_INDEX). A shard is a fixed
 * function of the sorted test list, so N runs with K = 1..N together run
 * every test exactly once.
 */
#ifndef SHARD_H
#define SHARD_H

#include <stddef.h>

/*
 * Parses "K/N" with 1 <= K <= N <= 100000 (K counts from 1, as humans and
 * CI matrices do). *index gets K-1. -1 with a message on bad input.
 */
int shard_parse(int *index, int *total, const char *spec, char *errbuf,
		size_t errlen);

/*
 * Bazel's variables, given as strings (NULL when unset): TEST_SHARD_INDEX
 * counts from 0. Returns 1 when sharding is asked for, 0 when not (total
 * unset), -1 with a message when the values are malformed.
 */
int shard_from_env(int *index, int *total, const char *total_s,
		   const char *index_s, char *errbuf, size_t errlen);

/*
 * keep[i] = 1 when keys[i] is in shard `index` of `total`: the keys are
 * sorted (strcmp) and the one of rank r goes to shard r % total. Keys must
 * be distinct. Returns 0, or -1 when out of memory.
 */
int shard_select(unsigned char *keep, const char *const *keys, size_t n,
		 int index, int total);

/*
 * The same choice balanced by cost (--durations): tests are taken longest
 * first (equal costs in key order) and each goes to the shard with the
 * least total so far (equal totals: the lowest index), greedy LPT. A cost
 * below 0 is unknown and counts as the median of the known ones (1 when
 * none is known: then shards are round-robin over the sorted keys). The
 * result depends only on the set of (key, cost) pairs, so the N runs
 * still run every test exactly once. Returns 0, or -1 when out of memory.
 */
int shard_select_balanced(unsigned char *keep, const char *const *keys,
			  const long *cost_ms, size_t n, int index, int total);

#endif /* SHARD_H */

/*
 * Shard selection: index modulo over the sorted test list (round-robin, so
 * shards differ in size by at most one test whatever the names are).
 */
#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More shards than this is a typo, not a build farm. */
#define SHARD_MAX 100000

static int parse_int(int *out, const char *s, int lo, int hi)
{
	char *end;

	if (!s || !*s || *s == '+' || *s == '-' || *s == ' ')
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int shard_parse(int *index, int *total, const char *spec, char *errbuf,
		size_t errlen)
{
	char k[16];
	const char *slash = strchr(spec, '/');
	int kv, nv;

	if (!slash || (size_t)(slash - spec) >= sizeof(k))
		goto bad;
	memcpy(k, spec, (size_t)(slash - spec));
	k[slash - spec] = '\0';
	if (parse_int(&nv, slash + 1, 1, SHARD_MAX) < 0 ||
	    parse_int(&kv, k, 1, nv) < 0)
		goto bad;
	*index = kv - 1;
	*total = nv;
	return 0;
bad:
	snprintf(errbuf, errlen,
		 "--shard '%s': expected K/N with 1 <= K <= N <= %d", spec,
		 SHARD_MAX);
	return -1;
}

int shard_from_env(int *index, int *total, const char *total_s,
		   const char *index_s, char *errbuf, size_t errlen)
{
	int t, i;

	if (!total_s || !*total_s)
		return 0;
	if (parse_int(&t, total_s, 1, SHARD_MAX) < 0) {
		snprintf(errbuf, errlen, "TEST_TOTAL_SHARDS='%s': expected 1..%d",
			 total_s, SHARD_MAX);
		return -1;
	}
	if (parse_int(&i, index_s, 0, t - 1) < 0) {
		snprintf(errbuf, errlen,
			 "TEST_SHARD_INDEX='%s': expected 0..%d (TEST_TOTAL_SHARDS=%d)",
			 index_s ? index_s : "", t - 1, t);
		return -1;
	}
	*index = i;
	*total = t;
	return 1;
}

static int cmp_key(const void *a, const void *b, void *arg)
{
	const char *const *keys = arg;
	return strcmp(keys[*(const size_t *)a], keys[*(const size_t *)b]);
}

int shard_select(unsigned char *keep, const char *const *keys, size_t n,
		 int index, int total)
{
	size_t *order = NULL;

	if (n == 0)
		return 0;
	if (!(order = malloc(n * sizeof(*order))))
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_key, (void *)keys);
	for (size_t r = 0; r < n; r++)
		keep[order[r]] = (r % (size_t)total) == (size_t)index;
	free(order);
	return 0;
}

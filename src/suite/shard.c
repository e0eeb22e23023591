/*
 * Shard selection: index modulo over the sorted test list (round-robin, so
 * shards differ in size by at most one test whatever the names are), or
 * balanced by recorded durations (longest processing time first, with a
 * min-heap of shard loads).
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

/* ---- balanced by cost ---- */

typedef struct lpt {
	const char *const *keys;
	const long *cost;
} lpt;

/* Longest first; equal costs by key, so that the order is total. */
static int cmp_cost(const void *a, const void *b, void *arg)
{
	const lpt *l = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (l->cost[x] != l->cost[y])
		return l->cost[x] > l->cost[y] ? -1 : 1;
	return strcmp(l->keys[x], l->keys[y]);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* The median of the known costs (>= 0), or 1 when there is none. */
static int median_cost(long *out, const long *cost, size_t n)
{
	long *known = malloc((n ? n : 1) * sizeof(*known));
	size_t k = 0;

	if (!known)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (cost[i] >= 0)
			known[k++] = cost[i];
	qsort(known, k, sizeof(*known), cmp_long);
	*out = k == 0 ? 1 : k % 2 ? known[k / 2]
	     : known[k / 2 - 1] + (known[k / 2] - known[k / 2 - 1]) / 2;
	free(known);
	return 0;
}

/* Shard loads as a binary min-heap on (load, shard index). */
typedef struct shard_load {
	long long load;
	int shard;
} shard_load;

static int load_less(const shard_load *a, const shard_load *b)
{
	return a->load != b->load ? a->load < b->load : a->shard < b->shard;
}

static void heap_down(shard_load *h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		shard_load t;
		if (l < n && load_less(&h[l], &h[m]))
			m = l;
		if (r < n && load_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

int shard_select_balanced(unsigned char *keep, const char *const *keys,
			  const long *cost_ms, size_t n, int index, int total)
{
	size_t *order = NULL;
	long *cost = NULL, median;
	shard_load *heap = NULL;
	lpt l;
	int rc = -1;

	if (n == 0)
		return 0;
	order = malloc(n * sizeof(*order));
	cost = malloc(n * sizeof(*cost));
	heap = malloc((size_t)total * sizeof(*heap));
	if (!order || !cost || !heap || median_cost(&median, cost_ms, n) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		cost[i] = cost_ms[i] >= 0 ? cost_ms[i] : median;
	}
	/* Index order is already a heap: all loads 0, shards ascending. */
	for (int s = 0; s < total; s++)
		heap[s] = (shard_load){ 0, s };
	l.keys = keys;
	l.cost = cost;
	qsort_r(order, n, sizeof(*order), cmp_cost, &l);
	for (size_t r = 0; r < n; r++) {
		size_t i = order[r];
		keep[i] = heap[0].shard == index;
		heap[0].load += cost[i];
		heap_down(heap, (size_t)total, 0);
	}
	rc = 0;
out:
	free(order);
	free(cost);
	free(heap);
	return rc;
}

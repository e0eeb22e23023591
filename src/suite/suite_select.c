/*
 * Which tests of the loaded suites run, and how often: --filter, then the
 * shard (plain, or balanced by an earlier report's --durations), then
 * --repeat, each kept test becoming one instance per repetition.
 */
#include "suite_select.h"
#include "shard.h"
#include "suite_durations.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pick {
	size_t suite, test;
	char *key;
} pick;

static int filtered(const suite_opts *o, const char *name)
{
	if (o->nfilters == 0)
		return 1;
	for (size_t i = 0; i < o->nfilters; i++)
		if (fnmatch(o->filters[i], name, 0) == 0)
			return 1;
	return 0;
}

/* --durations: each pick's cost from the earlier report, then LPT.
 * -1 (message in err) for out of memory, SUITE_EXIT_BADREPORT's -4 when
 * the report cannot be read. */
static int select_balanced(const suite_opts *o, suite *const *suites,
			   unsigned char *keep, const pick *picks,
			   const char **keys, size_t n, char *err, size_t errlen)
{
	suite_durations *d = NULL;
	long *cost = calloc(n + 1, sizeof(*cost));
	int rc = -1;

	if (!cost)
		goto nomem;
	rc = suite_durations_read(&d, o->durations, err, errlen);
	if (rc == SUITE_DURATIONS_ENOMEM)
		goto nomem;
	if (rc < 0) {
		rc = -SUITE_EXIT_BADREPORT;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		cost[i] = suite_durations_of(d, suites[picks[i].suite]->path,
					     suites[picks[i].suite]->tests[picks[i].test].name);
	if (shard_select_balanced(keep, keys, cost, n, o->shard_index,
				  o->shard_total) < 0)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
	rc = -1;
out:
	suite_durations_free(d);
	free(cost);
	return rc;
}

static int add_insts(const suite_opts *o, suite *const *suites, const pick *p,
		     suite_inst *insts, size_t *ninsts)
{
	const suite *s = suites[p->suite];
	const suite_test *t = &s->tests[p->test];

	for (int k = 1; k <= o->repeat; k++) {
		suite_inst *in = &insts[*ninsts];
		memset(in, 0, sizeof(*in));
		in->suite = s;
		in->suite_index = p->suite;
		in->test = t;
		in->retries = t->retry_failed >= 0 ? t->retry_failed
			    : o->retry_failed;
		if (o->repeat > 1 ? asprintf(&in->name, "%s#%d", t->name, k) < 0
				  : !(in->name = strdup(t->name)))
			return -1;
		(*ninsts)++;
	}
	return 0;
}

/* The filtered tests in suite order, each with its shard key. */
static int collect_picks(const suite_opts *o, suite *const *suites,
			 size_t nsuites, pick *picks, const char **keys,
			 unsigned char *keep, size_t *n)
{
	for (size_t s = 0; s < nsuites; s++)
		for (size_t t = 0; t < suites[s]->ntests; t++) {
			if (!filtered(o, suites[s]->tests[t].name))
				continue;
			picks[*n].suite = s;
			picks[*n].test = t;
			/* Distinct keys even when two suites share names. */
			if (asprintf(&picks[*n].key, "%s%c%s", suites[s]->path,
				     0x1f, suites[s]->tests[t].name) < 0)
				return -1;
			keys[*n] = picks[*n].key;
			keep[(*n)++] = 1;
		}
	return 0;
}

int suite_select(const suite_opts *o, suite *const *suites, size_t nsuites,
		 suite_inst **insts, size_t *ninsts, char *err, size_t errlen)
{
	pick *picks = NULL;
	const char **keys = NULL;
	unsigned char *keep = NULL;
	size_t n = 0, total = 0, kept = 0;
	int rc = -1;

	*insts = NULL;
	*ninsts = 0;
	for (size_t s = 0; s < nsuites; s++)
		total += suites[s]->ntests;
	picks = calloc(total + 1, sizeof(*picks));
	keys = calloc(total + 1, sizeof(*keys));
	keep = calloc(total + 1, 1);
	if (!picks || !keys || !keep ||
	    collect_picks(o, suites, nsuites, picks, keys, keep, &n) < 0)
		goto nomem;
	if (o->nfilters && n == 0) {
		if (o->filter_var)
			snprintf(err, errlen, "no test matches %s=%s (bazel test "
				 "--test_filter)", o->filter_var, o->filters[0]);
		else
			snprintf(err, errlen, "no test matches --filter");
		goto out;
	}
	if (o->shard_total && o->durations) {
		int drc = select_balanced(o, suites, keep, picks, keys, n, err,
					  errlen);
		if (drc < 0) {
			rc = drc;
			goto out;
		}
	} else if (o->shard_total &&
		   shard_select(keep, keys, n, o->shard_index,
				o->shard_total) < 0) {
		goto nomem;
	}
	for (size_t i = 0; i < n; i++)
		kept += keep[i];
	if (!(*insts = calloc(kept * (size_t)o->repeat + 1, sizeof(**insts))))
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (keep[i] && add_insts(o, suites, &picks[i], *insts, ninsts) < 0)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	for (size_t i = 0; i < n; i++)
		free(picks[i].key);
	free(picks);
	free(keys);
	free(keep);
	return rc;
}

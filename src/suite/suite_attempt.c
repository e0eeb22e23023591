/*
 * Retries of `stubrun test` (--retry-failed, the retry-failed key): an
 * instance's earlier attempts kept for the report, and its final verdict
 * with the quarantine and flaky policies (src/suite/suite_run.h).
 */
#include "suite_run.h"
#include "suite_coverage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Moves a string into the instance's owned list (NULL stays NULL). */
static int keep_string(suite_inst *in, char *s)
{
	char **nv;

	if (!s)
		return 0;
	if (!(nv = realloc(in->owned, (in->nowned + 1) * sizeof(*nv)))) {
		free(s);
		return -ENOMEM;
	}
	in->owned = nv;
	nv[in->nowned++] = s;
	return 0;
}

int suite_inst_retry(suite_inst *in)
{
	report_case *np;
	sched_job *j = in->job;
	int rc;

	in->attempt++;
	if (!in->failed || in->attempt > in->retries || j->state != SCHED_DONE)
		return 0;
	/* Every attempt's coverage counts, as in libgcov's own .gcda files. */
	if ((rc = suite_cov_keep_attempt(in)) < 0)
		return rc;
	/* The cases point at the job's output: the instance keeps it. */
	rc = keep_string(in, j->out);
	j->out = NULL;
	if (keep_string(in, j->err) < 0)
		rc = -ENOMEM;
	j->err = NULL;
	if (rc < 0)
		return rc;
	if (in->ncases) {
		np = realloc(in->prev, (in->nprev + in->ncases) * sizeof(*np));
		if (!np)
			return -ENOMEM;
		in->prev = np;
		memcpy(np + in->nprev, in->cases, in->ncases * sizeof(*np));
		in->nprev += in->ncases;
	}
	free(in->cases);
	in->cases = NULL;
	in->ncases = 0;
	in->failed = 0;
	if (j->end_ms > j->start_ms)
		in->prev_ms += j->end_ms - j->start_ms;
	sched_job_reset(j);
	/* A fresh events file: the next run appends to it. */
	unlink(in->events_path);
	return 1;
}

static int failed_outcome(report_outcome o)
{
	return o == REPORT_FAIL || o == REPORT_TIMEOUT || o == REPORT_ERROR;
}

/* The earlier failed attempts of the case named c->name. */
static int attach(suite_inst *in, report_case *c)
{
	report_attempt *a = NULL, **na;
	size_t n = 0;

	for (size_t i = 0; i < in->nprev; i++)
		n += failed_outcome(in->prev[i].outcome) &&
		     !strcmp(in->prev[i].name, c->name);
	if (n == 0)
		return 0;
	if (!(a = calloc(n, sizeof(*a))) ||
	    !(na = realloc(in->att, (in->natt + 1) * sizeof(*na)))) {
		free(a);
		return -ENOMEM;
	}
	in->att = na;
	na[in->natt++] = a;
	n = 0;
	for (size_t i = 0; i < in->nprev; i++)
		if (failed_outcome(in->prev[i].outcome) &&
		    !strcmp(in->prev[i].name, c->name))
			report_case_attempt(&a[n++], &in->prev[i]);
	c->attempts = a;
	c->nattempts = n;
	return 0;
}

int suite_inst_finish(suite_inst *in, const suite_verdict *v)
{
	in->failed = 0;
	for (size_t i = 0; i < in->ncases; i++) {
		report_case *c = &in->cases[i];
		const suite_test *t;
		const char *names[3] = { c->name };
		suite_group_member(&names[1], &t, in, c->name);
		names[2] = t->name;
		if (attach(in, c) < 0)
			return -ENOMEM;
		c->quarantine = t->quarantine ? t->quarantine
			      : quarantine_match(v->quarantine, names, 3);
		if (report_case_failed(c) ||
		    (v->flaky_fails && report_case_flaky(c) && !c->quarantine))
			in->failed = 1;
	}
	return 0;
}

/*
 * From a suite test to a child command line, and from the child's exit
 * status, output and events file back to report cases (src/suite/suite_run.h).
 */
#include "suite_run.h"
#include "suite_events.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `stubrun run`'s status for its own timeout (RUN_EXIT_TIMEOUT in
 * src/run/run.h, which a suite does not include): the run's, or a guest
 * test's that the run ended. */
#define RUN_STATUS_TIMEOUT 124

static int argv_push(suite_inst *in, const char *s)
{
	char **nv = realloc(in->argv, (in->argc + 2) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	in->argv = nv;
	if (!(nv[in->argc] = strdup(s)))
		return -ENOMEM;
	nv[++in->argc] = NULL;
	return 0;
}

int suite_inst_argv(suite_inst *in, const char *runner, double timeout_s)
{
	const suite_test *t = in->test;
	char buf[32];
	int rc = 0;

	rc = argv_push(in, runner);
	if (!rc)
		rc = argv_push(in, "run");
	if (!rc && in->debug)
		rc = argv_push(in, "--debug-on-failure");
	for (size_t i = 0; !rc && i < suite_group_boot_len(t); i++)
		rc = argv_push(in, t->opts[i]);
	if (!rc)
		rc = suite_group_argv(in, argv_push);
	if (!rc && t->timeout_s <= 0 && timeout_s > 0) {
		snprintf(buf, sizeof(buf), "%g", timeout_s);
		if (!(rc = argv_push(in, "--timeout")))
			rc = argv_push(in, buf);
	}
	if (!rc && !(rc = argv_push(in, "--events")))
		rc = argv_push(in, in->events_path);
	if (!rc && in->cov_path && !(rc = argv_push(in, "--coverage")) &&
	    !(rc = argv_push(in, in->cov_path)) &&
	    !(rc = argv_push(in, "--coverage-strip"))) {
		snprintf(buf, sizeof(buf), "%d", in->cov_strip);
		rc = argv_push(in, buf);
	}
	if (!rc && t->image)
		rc = argv_push(in, t->image);
	if (!rc && t->nargs)
		rc = argv_push(in, "--");
	for (size_t i = 0; !rc && i < t->nargs; i++)
		rc = argv_push(in, t->args[i]);
	return rc;
}

/* ---- results ---- */

static const char *own(suite_inst *in, char *s)
{
	char **nv;

	if (!s)
		return NULL;
	nv = realloc(in->owned, (in->nowned + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return NULL;
	}
	in->owned = nv;
	nv[in->nowned++] = s;
	return s;
}

static const char *ownf(suite_inst *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *ownf(suite_inst *in, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return own(in, s);
}

static report_case *add_case(suite_inst *in)
{
	report_case *nc = realloc(in->cases, (in->ncases + 1) * sizeof(*nc));
	if (!nc)
		return NULL;
	in->cases = nc;
	nc = &nc[in->ncases++];
	memset(nc, 0, sizeof(*nc));
	nc->exit_status = -1;
	nc->guest_ms = -1;
	return nc;
}

/* The last non-empty line of run's stderr: its one-line error message. */
static const char *last_line(suite_inst *in, const char *s)
{
	const char *end, *start;

	if (!s)
		return NULL;
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	if (start == end)
		return NULL;
	/* Bounded: a message, not a dump. */
	return ownf(in, "%.*s", (int)(end - start > 300 ? 300 : end - start),
		    start);
}

/* Outcome and message of the run as a whole. */
static report_outcome run_outcome(const char **msg, suite_inst *in,
				  const suite_events *ev)
{
	const sched_job *j = in->job;
	const suite_test *t = in->test;
	const char *why = ev->verdict_reason;
	const char *out = j->out ? j->out : "";

	*msg = NULL;
	if (j->spawn_errno) {
		*msg = ownf(in, "cannot start stubrun run: %s",
			    strerror(j->spawn_errno));
		return REPORT_ERROR;
	}
	if (j->timed_out) {
		*msg = ownf(in, "no verdict after %.3gs: killed by stubrun test",
			    (double)j->timeout_ms / 1000.0);
		return REPORT_TIMEOUT;
	}
	if (j->term_signal) {
		*msg = ownf(in, "stubrun run killed by signal %d (%s)",
			    j->term_signal, strsignal(j->term_signal));
		return REPORT_ERROR;
	}
	if (j->exit_status == t->expect_exit) {
		if (!t->expect_output || strstr(out, t->expect_output))
			return REPORT_PASS;
		*msg = ownf(in, "console output lacks \"%s\"", t->expect_output);
		return REPORT_FAIL;
	}
	if (j->exit_status == RUN_STATUS_TIMEOUT) {
		*msg = ownf(in, "timed out%s%s", why ? ": " : "", why ? why : "");
		return REPORT_TIMEOUT;
	}
	if (j->exit_status >= 125 && j->exit_status <= 127) {
		const char *line = last_line(in, j->err);
		*msg = ownf(in, "stubrun run status %d%s%s", j->exit_status,
			    line ? ": " : "", line ? line : "");
		return REPORT_ERROR;
	}
	*msg = ownf(in, "exit status %d, expected %d%s%s%s", j->exit_status,
		    t->expect_exit, why ? " (" : "", why ? why : "",
		    why ? ")" : "");
	return REPORT_FAIL;
}

static int cancelled(suite_inst *in, const char *why)
{
	report_case *c = add_case(in);

	if (!c)
		return -ENOMEM;
	c->name = in->name;
	c->outcome = REPORT_NOTRUN;
	c->message = ownf(in, "%s", why ? why : "not run");
	if (in->job->pid) {
		c->duration_ms = in->job->end_ms - in->job->start_ms;
		c->output = in->job->out;
		c->log = in->job->err;
	}
	return 0;
}

/* A guest test's case: NAME/GUEST; a group's guests carry their NAME/
 * already (suite_group.c). */
static const char *guest_case_name(suite_inst *in, const char *guest)
{
	return in->nmore ? ownf(in, "%s", guest) :
	       ownf(in, "%s/%s", in->name, guest);
}

static int known(const suite_events *ev, const char *name)
{
	for (size_t i = 0; i < ev->nguests; i++)
		if (strcmp(ev->guests[i].name, name) == 0)
			return 1;
	return 0;
}

/* Guest tests named by the suite or by a plan event that never began. */
static int not_run(suite_inst *in, const suite_events *ev, char *const *names,
		   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *full;
		int dup = 0;

		if (known(ev, names[i]))
			continue;
		if (!(full = guest_case_name(in, names[i])))
			return -ENOMEM;
		for (size_t k = 0; k < in->ncases; k++)
			dup |= strcmp(in->cases[k].name, full) == 0;
		if (dup)
			continue;  /* named by both the plan and the suite */
		report_case *c = add_case(in);
		if (!c)
			return -ENOMEM;
		c->name = full;
		c->outcome = REPORT_NOTRUN;
		c->message = "not run: the run ended before it began";
	}
	return 0;
}

/* Guest time between two readings of the guest's clock: -1 unless both
 * are known (an older `stubrun run`, a stand-in, a run killed first). */
static long guest_between(long from, long to)
{
	return from >= 0 && to >= from ? to - from : -1;
}

static long verdict_guest(const suite_events *ev)
{
	return ev->have_verdict ? ev->verdict_guest_ms : -1;
}

static int guest_cases(suite_inst *in, const suite_events *ev,
		       report_outcome run, const char *run_msg)
{
	int any_bad = 0;

	for (size_t i = 0; i < ev->nguests; i++) {
		const suite_guest *g = &ev->guests[i];
		report_case *c = add_case(in);
		if (!c)
			return -ENOMEM;
		c->name = guest_case_name(in, g->name);
		c->duration_ms = g->end_ms - g->begin_ms;
		if (c->duration_ms < 0)
			c->duration_ms = 0;
		c->guest_ms = guest_between(g->begin_guest_ms, g->end_guest_ms);
		if (g->ended && g->skip) {
			c->outcome = REPORT_NOTRUN;
			c->output = own(in, g->output ? strdup(g->output) : NULL);
			c->message = ownf(in, "skipped%s%s", *g->skip ? ": " : "",
					  g->skip);
		} else if (g->ended) {
			c->outcome = g->status == 0 ? REPORT_PASS :
				     g->reason && g->status == RUN_STATUS_TIMEOUT ?
				     REPORT_TIMEOUT : REPORT_FAIL;
			c->exit_status = g->status;
			c->output = own(in, g->output ? strdup(g->output) : NULL);
			if (g->status != 0 && g->reason)
				c->message = ownf(in, "%s", g->reason);
			else if (g->status != 0)
				c->message = ownf(in, "guest test status %d",
						  g->status);
		} else {
			/* Began, never ended: the run crashed or hung in it;
			 * the post-mortem belongs here. */
			c->outcome = run == REPORT_TIMEOUT ? REPORT_TIMEOUT
				   : REPORT_FAIL;
			c->message = ownf(in, "began but did not end%s%s",
					  run_msg ? ": " : "",
					  run_msg ? run_msg : "");
			c->output = in->job->out;
			c->log = in->job->err;
			c->exit_status = in->job->exit_status;
			if (ev->have_verdict && ev->verdict_ms > g->begin_ms)
				c->duration_ms = ev->verdict_ms - g->begin_ms;
			c->guest_ms = guest_between(g->begin_guest_ms,
						    verdict_guest(ev));
		}
		any_bad |= c->outcome != REPORT_PASS &&
			   c->outcome != REPORT_NOTRUN;
	}
	/* A run that failed in its last guest test (a crash the run turned
	 * into that test's end): the post-mortem belongs to that test, and
	 * the run's message too unless that end already gave its reason. */
	if (ev->nguests && run != REPORT_PASS) {
		report_case *c = &in->cases[in->ncases - 1];
		if (c->outcome != REPORT_PASS && !c->log) {
			c->log = in->job->err;
			if (run_msg && !ev->guests[ev->nguests - 1].reason)
				c->message = ownf(in, "%s; the run: %s",
						  c->message, run_msg);
		}
	}
	return any_bad;
}

/* The run's own case, under `name`. */
static int run_case(suite_inst *in, const suite_events *ev, report_outcome run,
		    const char *msg, const char *name)
{
	report_case *c = add_case(in);

	if (!c)
		return -ENOMEM;
	c->name = name;
	c->outcome = run;
	c->message = msg;
	c->exit_status = in->job->spawn_errno ? -1 : in->job->exit_status;
	c->duration_ms = in->job->end_ms - in->job->start_ms;
	c->guest_ms = verdict_guest(ev);
	c->output = in->job->out;
	c->log = in->job->err;
	return 0;
}

int suite_inst_results(suite_inst *in, const char *why_cancelled)
{
	suite_events ev;
	report_outcome run;
	const char *msg;
	int rc, bad;

	if (in->job->state != SCHED_DONE)
		return cancelled(in, why_cancelled);
	if (suite_events_read(&ev, in->events_path) < 0) {
		suite_events_clear(&ev);
		memset(&ev, 0, sizeof(ev));
	}
	run = run_outcome(&msg, in, &ev);
	rc = bad = guest_cases(in, &ev, run, msg);
	if (rc >= 0)
		rc = not_run(in, &ev, ev.plan, ev.nplan);
	if (rc >= 0)
		rc = not_run(in, &ev, in->test->guest_tests,
			     in->test->nguest_tests);
	/* The run itself is a result when nothing else explains its
	 * verdict: no guest tests, or all of them passed. A group's run is
	 * every member's, as if each had booted alone: a boot that never
	 * reached the snapshot fails them all. */
	if (ev.nguests == 0 || (run != REPORT_PASS && !bad))
		for (size_t m = 0; rc >= 0 && m <= in->nmore; m++)
			rc = run_case(in, &ev, run, msg,
				      m ? in->more_names[m - 1] : in->name);
	for (size_t i = 0; i < in->ncases; i++)
		if (in->cases[i].outcome != REPORT_PASS &&
		    in->cases[i].outcome != REPORT_NOTRUN)
			in->failed = 1;
	suite_events_clear(&ev);
	return rc < 0 ? rc : 0;
}

void suite_inst_clear(suite_inst *in)
{
	for (size_t i = 0; in->argv && i < in->argc; i++)
		free(in->argv[i]);
	free(in->argv);
	free(in->name);
	free(in->events_path);
	free(in->cov_path);
	if (in->job)
		sched_job_clear(in->job);
	free(in->cases);
	free(in->prev);
	for (size_t i = 0; i < in->natt; i++)
		free(in->att[i]);
	free(in->att);
	for (size_t i = 0; i < in->nowned; i++)
		free(in->owned[i]);
	free(in->owned);
	for (size_t i = 0; i < in->nmore; i++)
		free(in->more_names[i]);
	free(in->more_names);
	free(in->more);
	memset(in, 0, sizeof(*in));
}

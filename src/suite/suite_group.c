/*
 * Tests from one boot (docs/SUITES.md): the selected tests of a suite
 * that boot alike to the same snapshot point and add only console tests
 * from it run as one instance, whose child boots once, saves the machine
 * and runs every member's tests from that snapshot. Each member's
 * --snapshot-test names are prefixed with its instance name, so the cases
 * are named as if the member had run alone (NAME/TEST).
 */
#include "suite_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runopt.h"
#include "suite_events.h"

/* The option whose name opens t->opts[i] ("--semihosting=x" is one
 * token), or NULL. */
static const runopt_def *opt_at(const suite_test *t, size_t i)
{
	const char *s = t->opts[i], *eq = strchr(s, '=');

	return runopt_find(s, eq ? (size_t)(eq - s) : strlen(s));
}

/* The index of the option after the one at i: a value option given as
 * "--NAME", "VALUE" is two tokens (src/suite/suite_parse.c). */
static size_t next_opt(const suite_test *t, size_t i)
{
	const runopt_def *d = opt_at(t, i);

	return i + (d && d->arg == RUNOPT_VALUE && !strchr(t->opts[i], '=') ?
		    2 : 1);
}

size_t suite_group_boot_len(const suite_test *t)
{
	for (size_t i = 0; i < t->nopts; i = next_opt(t, i)) {
		const runopt_def *d = opt_at(t, i);
		if (d && d->id == RUNOPT_SNAPSHOT_TEST)
			return i;
	}
	return t->nopts;
}

/* Console tests from the snapshot and nothing else after the first. */
static int only_console_tests(const suite_test *t, size_t from)
{
	for (size_t i = from; i < t->nopts; i = next_opt(t, i)) {
		const runopt_def *d = opt_at(t, i);
		if (!d || !runopt_of_snapshot_test(d->id) || i + 1 >= t->nopts)
			return 0;
	}
	return from < t->nopts;
}

/* A member's verdict must be its console tests' alone: nothing about the
 * run's status, output or plan, and no reason of its own to excuse it. */
static int groupable(const suite_inst *in)
{
	const suite_test *t = in->test;

	return t->expect_exit == 0 && !t->expect_output &&
	       t->nguest_tests == 0 && !t->quarantine &&
	       only_console_tests(t, suite_group_boot_len(t));
}

static int same_strv(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

/* The same suite, image, boot, guest arguments, retries and --repeat
 * round ("#k" after the test's name). */
static int same_boot(const suite_inst *a, const suite_inst *b)
{
	const suite_test *s = a->test, *t = b->test;

	return a->suite == b->suite && a->retries == b->retries &&
	       (s->image && t->image ? !strcmp(s->image, t->image) :
		s->image == t->image) &&
	       same_strv(s->opts, suite_group_boot_len(s), t->opts,
			 suite_group_boot_len(t)) &&
	       same_strv(s->args, s->nargs, t->args, t->nargs) &&
	       !strcmp(a->name + strlen(s->name), b->name + strlen(t->name));
}

/* b joins a's group; its name moves over and b is left empty. */
static int join(suite_inst *a, suite_inst *b)
{
	const suite_test **nt = realloc(a->more, (a->nmore + 1) * sizeof(*nt));
	char **nn;

	if (!nt)
		return -ENOMEM;
	a->more = nt;
	if (!(nn = realloc(a->more_names, (a->nmore + 1) * sizeof(*nn))))
		return -ENOMEM;
	a->more_names = nn;
	nt[a->nmore] = b->test;
	nn[a->nmore++] = b->name;
	memset(b, 0, sizeof(*b));
	return 0;
}

int suite_group(suite_inst *insts, size_t *n, int enabled)
{
	size_t kept = 0;

	for (size_t i = 0; enabled && i < *n; i++) {
		if (!insts[i].test || !groupable(&insts[i]))
			continue;
		for (size_t j = i + 1; j < *n; j++)
			if (insts[j].test && groupable(&insts[j]) &&
			    same_boot(&insts[i], &insts[j]) &&
			    join(&insts[i], &insts[j]) < 0)
				return -ENOMEM;
	}
	for (size_t i = 0; i < *n; i++)
		if (insts[i].test)
			insts[kept++] = insts[i];
	for (size_t i = kept; i < *n; i++)
		memset(&insts[i], 0, sizeof(insts[i]));
	*n = kept;
	return 0;
}

/* Member m of the instance (0: its own test). */
static const suite_test *member(const char **name, const suite_inst *in,
				size_t m)
{
	*name = m ? in->more_names[m - 1] : in->name;
	return m ? in->more[m - 1] : in->test;
}

/* A group member's options after its boot, in NAME, VALUE pairs (as
 * only_console_tests() found them), each --snapshot-test NAME prefixed. */
static int push_member(suite_inst *in, const suite_test *t, const char *name,
		       int (*push)(suite_inst *, const char *))
{
	char *prefixed;
	int rc = 0;

	for (size_t i = suite_group_boot_len(t); !rc && i + 1 < t->nopts; i += 2) {
		if ((rc = push(in, t->opts[i])) < 0)
			break;
		if (opt_at(t, i)->id != RUNOPT_SNAPSHOT_TEST) {
			rc = push(in, t->opts[i + 1]);
			continue;
		}
		if (asprintf(&prefixed, "%s/%s", name, t->opts[i + 1]) < 0)
			return -ENOMEM;
		rc = push(in, prefixed);
		free(prefixed);
	}
	return rc;
}

int suite_group_argv(suite_inst *in, int (*push)(suite_inst *, const char *))
{
	const char *name;
	int rc = 0;

	if (!in->nmore) {
		for (size_t i = suite_group_boot_len(in->test);
		     !rc && i < in->test->nopts; i++)
			rc = push(in, in->test->opts[i]);
		return rc;
	}
	for (size_t m = 0; !rc && m <= in->nmore; m++) {
		const suite_test *t = member(&name, in, m);
		rc = push_member(in, t, name, push);
	}
	return rc;
}

size_t suite_group_runs(const suite_inst *in)
{
	const char *name;
	size_t runs = 1;

	for (size_t m = 0; m <= in->nmore; m++) {
		const suite_test *t = member(&name, in, m);
		for (size_t i = 0; i < t->nopts; i = next_opt(t, i)) {
			const runopt_def *d = opt_at(t, i);
			runs += d && d->id == RUNOPT_SNAPSHOT_TEST;
		}
	}
	return runs;
}

int suite_group_plans_later(const suite_inst *in)
{
	const suite_test *t = in->test;
	int at = 0;

	if (suite_group_runs(in) != 1)
		return 0;
	for (size_t i = 0; i < t->nopts; i = next_opt(t, i)) {
		const runopt_def *d = opt_at(t, i);
		at |= d && d->id == RUNOPT_SNAPSHOT_AT;
	}
	return at;
}

void suite_group_watch_plan(suite_inst *in)
{
	suite_events ev;

	if (!in->plan_test_ms || in->plan_read || !in->job ||
	    in->job->state != SCHED_RUNNING)
		return;
	/* A line still being written is skipped as bad: read next tick. */
	if (suite_events_read(&ev, in->events_path) == 0 && ev.nplan) {
		in->job->timeout_ms += (long)ev.nplan * in->plan_test_ms;
		in->plan_read = 1;
	}
	suite_events_clear(&ev);
}

void suite_group_member(const char **inst_name, const suite_test **test,
			const suite_inst *in, const char *case_name)
{
	*inst_name = in->name;
	*test = in->test;
	for (size_t m = 1; m <= in->nmore; m++) {
		const char *name;
		const suite_test *t = member(&name, in, m);
		size_t len = strlen(name);
		if (!strncmp(case_name, name, len) && case_name[len] == '/') {
			*inst_name = name;
			*test = t;
		}
	}
}

/* The KTAP/TAP results state machine (ktap.rst "Nested tests", TAP 14
 * subtests): a stack of open levels by indentation, the output attached
 * to the next result, NOTRUN for planned tests that never came, and the
 * events of console.h. Lines are classified in ktap_line.c. */
#include "ktap_int.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One open level: the top-level document, or the subtests of a test of
 * the level above it (a suite). */
typedef struct ktap_level {
	size_t indent;
	char name[KTAP_NAME_MAX + 1]; /* the suite's; its number until named */
	int named;                    /* from "# Subtest: name" */
	int begun;                    /* the suite's TEST_BEGIN went out */
	int has_plan;
	uint64_t planned, seen;
	int failed_child;             /* a subtest failed or did not run */
} ktap_level;

struct ktap {
	console_results mode;
	int active, done;
	size_t depth;                 /* open levels; lv[depth - 1] is innermost */
	ktap_level lv[KTAP_DEPTH_MAX];
	uint64_t top_failed;
	char *out;                    /* output attached to the next result */
	size_t out_len, out_cap;
	console_sink sink;            /* of the current call */
	void *arg;
	const char *orig;             /* the current line as received */
	char name[(KTAP_DEPTH_MAX + 1) * (KTAP_NAME_MAX + 1) + 48];
	ktap_parsed p;
};

int ktap_new(ktap **out, console_results mode)
{
	ktap *k = calloc(1, sizeof(*k));

	*out = k;
	if (!k)
		return CONSOLE_ENOMEM;
	k->mode = mode;
	return 0;
}

void ktap_free(ktap *k)
{
	if (!k)
		return;
	free(k->out);
	free(k);
}

static int emit(ktap *k, console_event *ev)
{
	return k->sink(k->arg, ev);
}

static void start_top(ktap *k, size_t indent)
{
	memset(k->lv, 0, sizeof(k->lv));
	k->lv[0].indent = indent;
	k->depth = 1;
	k->active = 1;
	k->done = 0;
	k->top_failed = 0;
	k->out_len = 0;
}

/* Opens the subtests of the next test of the innermost level; 0 when the
 * depth cap is reached (the lines are then plain output). */
static int push(ktap *k, size_t indent)
{
	if (k->depth == KTAP_DEPTH_MAX)
		return 0;
	ktap_level *parent = &k->lv[k->depth - 1];
	ktap_level *l = &k->lv[k->depth++];
	memset(l, 0, sizeof(*l));
	l->indent = indent;
	snprintf(l->name, sizeof(l->name), "%" PRIu64, parent->seen + 1);
	return 1;
}

/* "suite.sub.leaf": the names of levels 1..d, then `leaf`. */
static const char *full_name(ktap *k, size_t d, const char *leaf)
{
	size_t n = 0;

	/* The buffer holds every level's name and a leaf; the clamp only
	 * keeps that true should the sizes change. */
	for (size_t i = 1; i <= d && n < sizeof(k->name); i++)
		n += (size_t)snprintf(k->name + n, sizeof(k->name) - n, "%s.",
				      k->lv[i].name);
	if (n < sizeof(k->name))
		snprintf(k->name + n, sizeof(k->name) - n, "%s", leaf);
	return k->name;
}

static int add_output(ktap *k, const char *s, size_t len)
{
	if (!k->active || k->done)
		return 0;
	if (len + 1 > CONSOLE_OUTPUT_MAX - k->out_len)
		return 0;  /* over the cap: dropped */
	if (k->out_len + len + 1 > k->out_cap) {
		size_t cap = k->out_cap ? k->out_cap : 1024;
		while (cap < k->out_len + len + 1)
			cap *= 2;
		if (cap > CONSOLE_OUTPUT_MAX)
			cap = CONSOLE_OUTPUT_MAX;
		char *p = realloc(k->out, cap);
		if (!p)
			return CONSOLE_ENOMEM;
		k->out = p;
		k->out_cap = cap;
	}
	memcpy(k->out + k->out_len, s, len);
	k->out[k->out_len + len] = '\n';
	k->out_len += len + 1;
	return 0;
}

/* A test of level d ends: BEGIN (unless a suite's went out already), END
 * with the attached output, then the level's counts. */
static int test_end(ktap *k, size_t d, const char *leaf, int result,
		    int suite, int begun, const char *line, uint64_t count)
{
	const char *name = full_name(k, d, leaf);
	console_event ev = { .kind = CONSOLE_EV_TEST_BEGIN, .name = name };
	int err = 0;

	if (!begun && (err = emit(k, &ev)) != 0)
		return err;
	ev.kind = CONSOLE_EV_TEST_END;
	ev.line = line;
	ev.data = k->out ? k->out : "";
	ev.len = k->out_len;
	ev.result = result;
	ev.suite = suite;
	ev.count = (size_t)count;
	err = emit(k, &ev);
	k->out_len = 0;
	k->lv[d].seen += count;
	if (result == CONSOLE_TEST_FAIL || result == CONSOLE_TEST_NOTRUN) {
		if (d == 0)
			k->top_failed += count;
		else
			k->lv[d].failed_child = 1;
	}
	return err;
}

/* The planned tests of level d that never came: NOTRUN, one event each for
 * the first KTAP_NOTRUN_EACH, then one for the rest ("N-M"). */
static int notrun(ktap *k, size_t d)
{
	ktap_level *l = &k->lv[d];
	char leaf[48];
	int err = 0;

	for (int i = 0; !err && l->has_plan && l->seen < l->planned; i++) {
		uint64_t first = l->seen + 1, left = l->planned - l->seen;
		if (i < KTAP_NOTRUN_EACH || left == 1) {
			snprintf(leaf, sizeof(leaf), "%" PRIu64, first);
			left = 1;
		} else {
			snprintf(leaf, sizeof(leaf), "%" PRIu64 "-%" PRIu64,
				 first, l->planned);
		}
		err = test_end(k, d, leaf, CONSOLE_TEST_NOTRUN, 0, 0, "", left);
	}
	return err;
}

static int result_of(const ktap_parsed *p, int failed_child)
{
	if (p->directive == KTAP_DIR_SKIP)
		return CONSOLE_TEST_SKIP;
	if (p->directive == KTAP_DIR_TODO)
		return CONSOLE_TEST_TODO;
	return (p->ok && !failed_child) ? CONSOLE_TEST_PASS : CONSOLE_TEST_FAIL;
}

/* Closes the innermost level and ends its suite: with the result line `p`,
 * or NOTRUN when none came (bail out, end of input, a skipped level). */
static int close_level(ktap *k, const ktap_parsed *p)
{
	size_t c = k->depth - 1;
	int err = notrun(k, c);
	if (err)
		return err;
	ktap_level *child = &k->lv[c];
	k->depth--;
	const char *name = child->name;
	if (!child->named && p && p->name[0])
		name = p->name;
	/* full_name() writes k->name from the levels above: copy first. */
	char leaf[KTAP_NAME_MAX + 1];
	snprintf(leaf, sizeof(leaf), "%s", name);
	return test_end(k, k->depth - 1, leaf,
			p ? result_of(p, child->failed_child) : CONSOLE_TEST_NOTRUN,
			1, child->begun, p ? k->orig : "", 1);
}

/* The top-level results are complete: close what is open, NOTRUN the
 * missing, RESULTS_DONE when there was a plan. */
static int finish_top(ktap *k)
{
	ktap_level *top = &k->lv[0];
	int err = 0;

	while (!err && k->depth > 1)
		err = close_level(k, NULL);
	if (!err)
		err = notrun(k, 0);
	k->done = 1;
	if (err || !top->has_plan)
		return err;
	uint64_t failed = k->top_failed;
	if (top->seen > top->planned)
		failed += top->seen - top->planned; /* more results than planned */
	console_event ev = { .kind = CONSOLE_EV_RESULTS_DONE,
			     .failed = failed > INT_MAX ? INT_MAX : (int)failed };
	return emit(k, &ev);
}

static int check_complete(ktap *k)
{
	ktap_level *top = &k->lv[0];
	if (k->depth == 1 && top->has_plan && top->seen >= top->planned)
		return finish_top(k);
	return 0;
}

/* A plan or result line outside the results: in KTAP/TAP mode it starts
 * them; under AUTO only a version line does. */
static int may_start(ktap *k, size_t indent)
{
	if (!k->active && k->mode != CONSOLE_RESULTS_AUTO)
		start_top(k, indent);
	return k->active && !k->done;
}

static int on_version(ktap *k, const char *s, size_t len)
{
	size_t indent = k->p.indent;

	if (!k->active || (k->done && indent <= k->lv[0].indent)) {
		start_top(k, indent);
		return 0;
	}
	if (!k->done && indent > k->lv[k->depth - 1].indent && push(k, indent))
		return 0;
	return add_output(k, s, len);
}

static int on_plan(ktap *k, const char *s, size_t len)
{
	size_t indent = k->p.indent;

	if (!may_start(k, indent))
		return 0;
	ktap_level *l = &k->lv[k->depth - 1];
	if (indent < l->indent || (indent > l->indent && !push(k, indent)))
		return add_output(k, s, len);
	l = &k->lv[k->depth - 1];
	if (l->has_plan)
		return add_output(k, s, len);
	l->has_plan = 1;
	l->planned = k->p.number;
	if (k->depth > 1)
		return 0;
	if (l->seen == 0) {  /* a leading plan */
		console_event ev = { .kind = CONSOLE_EV_PLAN,
				     .count = (size_t)l->planned };
		int err = emit(k, &ev);
		return err ? err : check_complete(k);
	}
	return finish_top(k);  /* a trailing plan */
}

/* A result left of the innermost level closes levels: the one whose
 * indentation it shares ends with it, any deeper one without a result. */
static int close_by_result(ktap *k)
{
	size_t indent = k->p.indent;
	int err = 0;

	while (!err && k->depth > 1 && k->lv[k->depth - 1].indent > indent) {
		if (k->lv[k->depth - 2].indent > indent) {
			err = close_level(k, NULL);
			continue;
		}
		err = close_level(k, &k->p);
		return err ? err : check_complete(k);
	}
	return err ? err : 1;  /* 1: not consumed, a result of this level */
}

static int on_result(ktap *k, const char *s, size_t len)
{
	size_t indent = k->p.indent;
	char num[24];
	int err;

	if (!may_start(k, indent))
		return 0;
	if (indent > k->lv[k->depth - 1].indent && !push(k, indent))
		return add_output(k, s, len);
	if (indent < k->lv[k->depth - 1].indent && (err = close_by_result(k)) != 1)
		return err;
	ktap_level *l = &k->lv[k->depth - 1];
	const char *leaf = k->p.name;
	if (!leaf[0]) {
		snprintf(num, sizeof(num), "%" PRIu64,
			 k->p.has_number ? k->p.number : l->seen + 1);
		leaf = num;
	}
	err = test_end(k, k->depth - 1, leaf, result_of(&k->p, 0), 0, 0,
		       k->orig, 1);
	return err ? err : check_complete(k);
}

/* "# Subtest: name" names the level just opened by an indented version
 * line (KTAP), or opens one (TAP 14, KUnit before KTAP). */
static int on_subtest(ktap *k, const char *s, size_t len)
{
	size_t indent = k->p.indent;

	if (!k->active || k->done)
		return 0;
	ktap_level *l = &k->lv[k->depth - 1];
	int fresh = k->depth > 1 && indent == l->indent && !l->named &&
		    l->seen == 0;
	if (!fresh && !(indent > l->indent && push(k, indent)))
		return add_output(k, s, len);
	l = &k->lv[k->depth - 1];
	snprintf(l->name, sizeof(l->name), "%s", k->p.name);
	l->named = 1;
	l->begun = 1;
	char leaf[KTAP_NAME_MAX + 1];
	snprintf(leaf, sizeof(leaf), "%s", l->name);
	console_event ev = { .kind = CONSOLE_EV_TEST_BEGIN,
			     .name = full_name(k, k->depth - 2, leaf) };
	return emit(k, &ev);
}

static int on_bail(ktap *k)
{
	if (!k->active || k->done)
		return 0;
	console_event ev = { .kind = CONSOLE_EV_BAIL, .line = k->orig };
	int err = emit(k, &ev);
	return err ? err : finish_top(k);
}

int ktap_line(ktap *k, const char *text, size_t len, const char *orig,
	      console_sink sink, void *arg)
{
	k->sink = sink;
	k->arg = arg;
	k->orig = orig;
	ktap_classify(&k->p, text, len);
	switch (k->p.kind) {
	case KTAP_L_VERSION: return on_version(k, text, len);
	case KTAP_L_PLAN: return on_plan(k, text, len);
	case KTAP_L_RESULT: return on_result(k, text, len);
	case KTAP_L_SUBTEST: return on_subtest(k, text, len);
	case KTAP_L_BAIL: return on_bail(k);
	default: return add_output(k, text, len);
	}
}

int ktap_flush(ktap *k, console_sink sink, void *arg)
{
	k->sink = sink;
	k->arg = arg;
	if (!k->active || k->done)
		return 0;
	return finish_top(k);
}

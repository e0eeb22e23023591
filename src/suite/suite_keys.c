/*
 * The keys of suite files as libinih hands them over (suite_ini.h): each
 * one found among the suite's own or the run options that are suite keys,
 * refused when it repeats where it may not, and its value checked by the
 * same parser the option uses, so that a bad value is "SUITE:LINE: key:
 * problem" before anything runs.
 */
#include "suite.h"
#include "suite_ini.h"
#include "util.h"
#include "strv.h"

#include <stdlib.h>
#include <string.h>

/* The suite's own keys; every other key is a run option. */
static const key_def suite_keys[] = {
	{ "image", KEY_IMAGE, NULL },         { "args", KEY_ARGS, NULL },
	{ "expect-exit", KEY_EXPECT_EXIT, NULL },
	{ "expect-output", KEY_EXPECT_OUTPUT, NULL },
	{ "guest-tests", KEY_GUEST_TESTS, NULL },
	{ "retry-failed", KEY_RETRY_FAILED, NULL },
	{ "quarantine", KEY_QUARANTINE, NULL },
};

#define fail_at suite_fail_at

static int key_find(key_def *out, const char *name)
{
	const runopt_def *d;

	for (size_t i = 0; i < sizeof(suite_keys) / sizeof(suite_keys[0]); i++)
		if (strcmp(suite_keys[i].name, name) == 0) {
			*out = suite_keys[i];
			return 0;
		}
	if (!(d = runopt_find_key(name)))
		return -1;
	*out = (key_def){ d->name + 2, KEY_RUN, d };
	return 0;
}

/* Repeatable keys add to the defaults and may appear more than once. */
int suite_key_repeats(const key_def *d)
{
	return d->kind == KEY_RUN && d->opt->repeat;
}

static void check_run_value(parser *p, const key_def *d, const char *v)
{
	runopt_value val;
	char why[300];
	int b;

	if (d->opt->arg == RUNOPT_FLAG) {
		if (runopt_parse_bool(&b, v) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"%s: expected true or false, not '%s'", d->name, v);
	} else if (runopt_parse(&val, d->opt, v, why, sizeof(why)) < 0) {
		if (*v)
			fail_at(p, p->line, SUITE_ESYNTAX, "%s: %s, not '%s'",
				d->name, why, v);
		else
			fail_at(p, p->line, SUITE_ESYNTAX, "%s: %s", d->name, why);
	}
}

static void check_value(parser *p, const key_def *d, const char *v)
{
	char msg[160], **words = NULL;
	size_t nwords = 0;
	long l;

	switch (d->kind) {
	case KEY_RUN:
		check_run_value(p, d, v);
		return;
	case KEY_EXPECT_EXIT:
		if (util_parse_count(&l, v, 0, 255) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"expect-exit: expected a status 0..255, not '%s'", v);
		return;
	case KEY_RETRY_FAILED:
		if (util_parse_count(&l, v, 0, SUITE_MAX_RETRIES) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"retry-failed: expected 0..%d more attempts, not '%s'",
				SUITE_MAX_RETRIES, v);
		return;
	case KEY_ARGS:
	case KEY_GUEST_TESTS: {
		int rc = suite_split_args(&words, &nwords, v, msg, sizeof(msg));
		if (rc == SUITE_ENOMEM)
			fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
		else if (rc < 0)
			fail_at(p, p->line, SUITE_ESYNTAX, "%s: %s", d->name, msg);
		strv_free(words, nwords);
		return;
	}
	case KEY_IMAGE:
	case KEY_EXPECT_OUTPUT:
	case KEY_QUARANTINE:
		if (!*v)
			fail_at(p, p->line, SUITE_ESYNTAX, "%s: empty value",
				d->name);
		return;
	}
}

int suite_key_handler(void *user, const char *sec, const char *name,
		      const char *value)
{
	parser *p = user;
	key_def d;
	section *s;

	(void)sec;  /* ours comes from the reader: libinih truncates names */
	if (p->err)
		return 1;
	if (p->nsecs == 0) {
		fail_at(p, p->line, SUITE_ESYNTAX,
			"'%s' outside a section", name);
		return 0;
	}
	s = &p->secs[p->nsecs - 1];
	if (key_find(&d, name) < 0) {
		fail_at(p, p->line, SUITE_ESYNTAX, "unknown key '%s'", name);
		return 0;
	}
	for (size_t i = 0; !suite_key_repeats(&d) && i < s->nkvs; i++)
		if (s->kvs[i].def.name == d.name) {
			fail_at(p, p->line, SUITE_ESYNTAX,
				"duplicate key '%s' (first on line %d)", name,
				s->kvs[i].line);
			return 0;
		}
	check_value(p, &d, value);
	if (p->err)
		return 0;
	if (s->nkvs == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		kv *nk = realloc(s->kvs, ncap * sizeof(*nk));
		if (!nk)
			goto nomem;
		s->kvs = nk;
		s->cap = ncap;
	}
	s->kvs[s->nkvs].def = d;
	s->kvs[s->nkvs].line = p->line;
	s->kvs[s->nkvs].value = strdup(value);
	if (!s->kvs[s->nkvs].value)
		goto nomem;
	s->nkvs++;
	return 1;
nomem:
	fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
	return 0;
}

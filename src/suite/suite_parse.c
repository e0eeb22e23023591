/*
 * Suite files (src/suite/suite.h): the keys of a section, checked as they
 * are read, and the tests built from [defaults] and [test "NAME"]
 * sections. A key is one of the suite's own (image, args, expect-exit,
 * expect-output, guest-tests, retry-failed, quarantine) or an option of `stubrun run` whose row in
 * runopt.h's table says it is a suite key; its value goes through that
 * row's parser, so a bad value is "SUITE:LINE: key: problem" at parse time
 * (suite_keys.c). The text itself is read by suite_ini.c.
 */
#include "suite.h"
#include "suite_ini.h"
#include "util.h"
#include "strv.h"

#include <errno.h>
#include <glob.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Glob expansion cap: one test per file; more is a mistaken pattern. */
#define SUITE_MAX_GLOB 10000

#define fail_at suite_fail_at

/* strv_append() with the suite's error code. */
static int strv_push(char ***v, size_t *n, const char *s)
{
	return strv_append(v, n, s) < 0 ? SUITE_ENOMEM : 0;
}

/* ---- from sections to tests ---- */

static const kv *section_find(const section *s, const key_def *d)
{
	const kv *found = NULL;
	for (size_t i = 0; i < s->nkvs; i++)
		if (s->kvs[i].def.name == d->name)
			found = &s->kvs[i];
	return found;
}

static void test_clear(suite_test *t)
{
	free(t->name);
	free(t->image);
	strv_free(t->opts, t->nopts);
	strv_free(t->args, t->nargs);
	free(t->expect_output);
	strv_free(t->guest_tests, t->nguest_tests);
	free(t->quarantine);
	memset(t, 0, sizeof(*t));
}

static int strv_copy(char ***out, size_t *n, char *const *v, size_t count)
{
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < count; i++)
		if (strv_push(out, n, v[i]))
			return SUITE_ENOMEM;
	return 0;
}

static int test_copy(suite_test *dst, const suite_test *src, const char *name,
		     const char *image)
{
	memset(dst, 0, sizeof(*dst));
	dst->line = src->line;
	dst->expect_exit = src->expect_exit;
	dst->timeout_s = src->timeout_s;
	dst->retry_failed = src->retry_failed;
	dst->name = strdup(name);
	dst->image = image ? strdup(image) : NULL;
	if (!dst->name || (image && !dst->image) ||
	    (src->expect_output &&
	     !(dst->expect_output = strdup(src->expect_output))) ||
	    (src->quarantine && !(dst->quarantine = strdup(src->quarantine))) ||
	    strv_copy(&dst->opts, &dst->nopts, src->opts, src->nopts) ||
	    strv_copy(&dst->args, &dst->nargs, src->args, src->nargs) ||
	    strv_copy(&dst->guest_tests, &dst->nguest_tests, src->guest_tests,
		      src->nguest_tests))
		return SUITE_ENOMEM;
	return 0;
}

/* A run option as the child's arguments: "--NAME VALUE", "--NAME=VALUE"
 * (optional values) or "--NAME" (a true flag). */
static int push_run_option(suite_test *t, const kv *k)
{
	const runopt_def *d = k->def.opt;
	char *o = NULL;
	int b, rc = 0;

	if (d->arg == RUNOPT_FLAG)
		return runopt_parse_bool(&b, k->value) == 0 && b ?
		       strv_push(&t->opts, &t->nopts, d->name) : 0;
	if (d->arg == RUNOPT_OPTIONAL) {
		if (asprintf(&o, "%s=%s", d->name, k->value) < 0)
			return SUITE_ENOMEM;
		rc = strv_push(&t->opts, &t->nopts, o);
		free(o);
		return rc;
	}
	/* The timeout is also the parent's deadline for the child. */
	if (d->id == RUNOPT_TIMEOUT)
		runopt_parse_seconds(&t->timeout_s, k->value);
	if ((rc = strv_push(&t->opts, &t->nopts, d->name)) == 0)
		rc = strv_push(&t->opts, &t->nopts, k->value);
	return rc;
}

/* Applies one key to a test being built. Values were checked when read. */
static int apply_kv(suite_test *t, const kv **image, const kv *k)
{
	char msg[8];
	long l;
	int rc = 0;

	switch (k->def.kind) {
	case KEY_RUN:
		rc = push_run_option(t, k);
		break;
	case KEY_IMAGE:
		*image = k;
		break;
	case KEY_ARGS:
		strv_free(t->args, t->nargs);
		rc = suite_split_args(&t->args, &t->nargs, k->value, msg,
				      sizeof(msg));
		break;
	case KEY_EXPECT_EXIT:
		if (util_parse_count(&l, k->value, 0, 255) == 0)
			t->expect_exit = (int)l;
		break;
	case KEY_EXPECT_OUTPUT:
		free(t->expect_output);
		if (!(t->expect_output = strdup(k->value)))
			rc = SUITE_ENOMEM;
		break;
	case KEY_RETRY_FAILED:
		if (util_parse_count(&l, k->value, 0, SUITE_MAX_RETRIES) == 0)
			t->retry_failed = (int)l;
		break;
	case KEY_QUARANTINE:
		free(t->quarantine);
		if (!(t->quarantine = strdup(k->value)))
			rc = SUITE_ENOMEM;
		break;
	case KEY_GUEST_TESTS:
		strv_free(t->guest_tests, t->nguest_tests);
		rc = suite_split_args(&t->guest_tests, &t->nguest_tests,
				      k->value, msg, sizeof(msg));
		break;
	}
	return rc ? SUITE_ENOMEM : 0;
}

static int suite_push(suite *s, const suite_test *t, const char *name,
		      const char *image)
{
	suite_test *nt = realloc(s->tests, (s->ntests + 1) * sizeof(*nt));
	if (!nt)
		return SUITE_ENOMEM;
	s->tests = nt;
	if (test_copy(&nt[s->ntests], t, name, image)) {
		test_clear(&nt[s->ntests]);
		return SUITE_ENOMEM;
	}
	s->ntests++;
	return 0;
}

/* A literal image that cannot be run is the suite's error, at its line,
 * before any test runs: not an ERROR of one test after others ran. */
static int check_image(parser *p, const kv *image, const char *path)
{
	struct stat st;
	const char *why = NULL;

	if (stat(path, &st) < 0)
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		why = "is a directory";
	else if (!S_ISREG(st.st_mode))
		why = "is not a regular file";
	else if (access(path, R_OK) < 0)
		why = strerror(errno);
	if (!why)
		return 0;
	fail_at(p, image->line, SUITE_ESYNTAX, "image: %s: %s", image->value, why);
	return SUITE_ESYNTAX;
}

/* Adds the test(s) of one image value: one, or one per file of a glob. */
static int expand_image(parser *p, suite *s, const suite_test *t,
			const kv *image)
{
	char *path = NULL, *name = NULL;
	glob_t g;
	int rc = 0, grc;

	if (asprintf(&path, "%s%s%s", image->value[0] == '/' ? "" : s->dir,
		     image->value[0] == '/' ? "" : "/", image->value) < 0)
		return SUITE_ENOMEM;
	if (!strpbrk(image->value, "*?[")) {
		rc = p->check_files ? check_image(p, image, path) : 0;
		if (rc == 0)
			rc = suite_push(s, t, t->name, path);
		free(path);
		return rc;
	}
	grc = glob(path, GLOB_ERR, NULL, &g);
	if (grc == GLOB_NOMATCH || (grc == 0 && g.gl_pathc == 0)) {
		fail_at(p, image->line, SUITE_ESYNTAX,
			"image glob '%s' matches no file", image->value);
		rc = SUITE_ESYNTAX;
	} else if (grc != 0) {
		fail_at(p, image->line, SUITE_ESYNTAX,
			"image glob '%s' cannot be read", image->value);
		rc = SUITE_ESYNTAX;
	} else if (g.gl_pathc > SUITE_MAX_GLOB) {
		fail_at(p, image->line, SUITE_ESYNTAX,
			"image glob '%s' matches more than %d files",
			image->value, SUITE_MAX_GLOB);
		rc = SUITE_ESYNTAX;
	}
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/');
		base = base ? base + 1 : g.gl_pathv[i];
		if (asprintf(&name, "%s/%s", t->name, base) < 0) {
			rc = SUITE_ENOMEM;
			break;
		}
		rc = suite_push(s, t, name, g.gl_pathv[i]);
		free(name);
	}
	if (grc == 0 || grc == GLOB_NOMATCH)
		globfree(&g);
	free(path);
	return rc;
}

/* A key that boots something without an image (--kernel, --cdrom...). */
static int section_boots(const section *sec)
{
	for (size_t i = 0; i < sec->nkvs; i++)
		if (sec->kvs[i].def.kind == KEY_RUN &&
		    runopt_boots(sec->kvs[i].def.opt->id))
			return 1;
	return 0;
}

static int build_test(parser *p, suite *s, const section *defs,
		      const section *ts)
{
	suite_test t;
	const kv *image = NULL;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.line = ts->line;
	t.retry_failed = -1;
	if (!(t.name = strdup(ts->name)))
		return SUITE_ENOMEM;
	for (size_t i = 0; rc == 0 && i < defs->nkvs; i++) {
		const kv *k = &defs->kvs[i];
		/* A test's own value replaces a default of a single key;
		 * repeatable keys add to the defaults. */
		if (!suite_key_repeats(&k->def) && section_find(ts, &k->def))
			continue;
		rc = apply_kv(&t, &image, k);
	}
	for (size_t i = 0; rc == 0 && i < ts->nkvs; i++)
		rc = apply_kv(&t, &image, &ts->kvs[i]);
	if (rc == 0 && !image && !section_boots(defs) && !section_boots(ts)) {
		fail_at(p, ts->line, SUITE_ESYNTAX, "test \"%s\" has no image "
			"(nor kernel, cdrom, drive or uefi)", ts->name);
		rc = SUITE_ESYNTAX;
	}
	if (rc == 0)
		rc = image ? expand_image(p, s, &t, image) :
		     suite_push(s, &t, t.name, NULL);
	if (rc == SUITE_ENOMEM)
		fail_at(p, ts->line, SUITE_ENOMEM, "out of memory");
	test_clear(&t);
	return rc;
}

/* All [defaults] sections as one; a single key set twice is an error. */
static int merge_defaults(parser *p, section *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->nsecs; i++) {
		const section *d = &p->secs[i];
		if (!d->is_defaults)
			continue;
		for (size_t k = 0; k < d->nkvs; k++) {
			const kv *prev = section_find(out, &d->kvs[k].def);
			if (prev && !suite_key_repeats(&d->kvs[k].def)) {
				fail_at(p, d->kvs[k].line, SUITE_ESYNTAX,
					"duplicate key '%s' (first on line %d)",
					d->kvs[k].def.name, prev->line);
				return SUITE_ESYNTAX;
			}
			kv *nk = realloc(out->kvs, (out->nkvs + 1) * sizeof(*nk));
			if (!nk)
				return SUITE_ENOMEM;
			out->kvs = nk;
			out->kvs[out->nkvs++] = d->kvs[k];  /* borrowed values */
		}
	}
	return 0;
}

static int cmp_test_name(const void *a, const void *b)
{
	const suite_test *x = *(const suite_test *const *)a;
	const suite_test *y = *(const suite_test *const *)b;
	return strcmp(x->name, y->name);
}

static int check_unique(parser *p, const suite *s)
{
	const suite_test **v;
	int rc = 0;

	if (s->ntests < 2)
		return 0;
	if (!(v = malloc(s->ntests * sizeof(*v))))
		return SUITE_ENOMEM;
	for (size_t i = 0; i < s->ntests; i++)
		v[i] = &s->tests[i];
	qsort(v, s->ntests, sizeof(*v), cmp_test_name);
	for (size_t i = 1; rc == 0 && i < s->ntests; i++) {
		if (strcmp(v[i - 1]->name, v[i]->name) != 0)
			continue;
		int a = v[i - 1]->line, b = v[i]->line;
		fail_at(p, a > b ? a : b, SUITE_ESYNTAX,
			"duplicate test name \"%s\" (first on line %d)",
			v[i]->name, a > b ? b : a);
		rc = SUITE_ESYNTAX;
	}
	free(v);
	return rc;
}

static char *dir_of(const char *path)
{
	char *copy = strdup(path), *real = NULL;
	if (!copy)
		return NULL;
	char *d = dirname(copy);
	real = realpath(d, NULL);
	if (!real)
		real = strdup(d);
	free(copy);
	return real;
}

static void parser_free(parser *p)
{
	for (size_t i = 0; i < p->nsecs; i++) {
		for (size_t k = 0; k < p->secs[i].nkvs; k++)
			free(p->secs[i].kvs[k].value);
		free(p->secs[i].kvs);
		free(p->secs[i].name);
	}
	free(p->secs);
}

int suite_parse_text(suite **out, const char *text, size_t len,
		     const char *path, int check_files, char *errbuf,
		     size_t errlen)
{
	parser p;
	section defs;
	suite *s = NULL;
	int rc;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	memset(&defs, 0, sizeof(defs));
	p.path = path;
	p.text = text;
	p.len = len;
	p.errbuf = errbuf;
	p.errlen = errlen;
	p.check_files = check_files;
	if (memchr(text, '\0', len)) {
		snprintf(errbuf, errlen, "%s: contains a NUL byte", path);
		return SUITE_ESYNTAX;
	}
	rc = ini_parse_stream(suite_ini_reader, &p, suite_key_handler, &p);
	if (rc == -2)
		fail_at(&p, p.line, SUITE_ENOMEM, "out of memory");
	else if (rc > 0 && (!p.err || rc < p.err_line)) {
		p.err = 0;  /* libinih found an earlier line it cannot read */
		fail_at(&p, rc, SUITE_ESYNTAX,
			"malformed line (expected KEY = VALUE, [defaults] or "
			"[test \"NAME\"])");
	}
	if (p.err)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)) || !(s->dir = dir_of(path))) {
		fail_at(&p, 0, SUITE_ENOMEM, "out of memory");
		goto out;
	}
	if (merge_defaults(&p, &defs) == SUITE_ENOMEM)
		fail_at(&p, 0, SUITE_ENOMEM, "out of memory");
	for (size_t i = 0; !p.err && i < p.nsecs; i++)
		if (!p.secs[i].is_defaults)
			build_test(&p, s, &defs, &p.secs[i]);
	if (!p.err && check_unique(&p, s) == SUITE_ENOMEM)
		fail_at(&p, 0, SUITE_ENOMEM, "out of memory");
	if (!p.err && s->ntests == 0)
		fail_at(&p, p.line, SUITE_ESYNTAX, "no [test \"NAME\"] section");
out:
	free(defs.kvs);
	parser_free(&p);
	if (p.err) {
		suite_free(s);
		return p.err;
	}
	*out = s;
	return 0;
}

int suite_parse_string(suite **out, const char *text, const char *path,
		       char *errbuf, size_t errlen)
{
	return suite_parse_text(out, text, strlen(text), path, 0, errbuf, errlen);
}

void suite_free(suite *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntests; i++)
		test_clear(&s->tests[i]);
	free(s->tests);
	free(s->path);
	free(s->dir);
	free(s);
}

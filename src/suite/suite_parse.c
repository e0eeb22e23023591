/*
 * Suite files: INI text read with libinih into `suite` (src/suite/suite.h).
 * libinih does the key = value lines; a line reader of our own counts lines
 * (for "SUITE:LINE: problem" messages), parses the section headers itself
 * (libinih truncates section names to 50 bytes) and rejects what libinih
 * would silently misread: over-long lines and indented continuation lines.
 */
#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A suite is a hand-written text file; 4 MiB is far beyond any real one and
 * bounds what a stray `stubrun test /dev/zero` can make us read. */
#define SUITE_MAX_BYTES (4u << 20)
/* Glob expansion cap: one test per file; more is a mistaken pattern. */
#define SUITE_MAX_GLOB 10000

typedef enum key_kind {
	KEY_VALUE,       /* --key VALUE, once */
	KEY_REPEAT,      /* --key VALUE, repeatable, in file order */
	KEY_FLAG,        /* --key when the value is true */
	KEY_OPTARG,      /* --key=VALUE (run's optional-argument options) */
	KEY_TIMEOUT,     /* --timeout VALUE, also the parent's deadline */
	KEY_IMAGE,
	KEY_ARGS,
	KEY_EXPECT_EXIT,
	KEY_EXPECT_OUTPUT,
	KEY_GUEST_TESTS,
} key_kind;

typedef struct key_def {
	const char *name;
	key_kind kind;
} key_def;

/* Every long option of `stubrun run` that makes sense in a suite, plus the
 * suite's own keys. --events is the suite's business, so it is not a key. */
static const key_def key_table[] = {
	{ "arch", KEY_VALUE },          { "machine", KEY_VALUE },
	{ "cpu", KEY_VALUE },           { "memory", KEY_VALUE },
	{ "qemu", KEY_VALUE },          { "qemu-arg", KEY_REPEAT },
	{ "exit-symbol", KEY_REPEAT },  { "fail-symbol", KEY_REPEAT },
	{ "break", KEY_REPEAT },        { "expect", KEY_REPEAT },
	{ "pass-at", KEY_REPEAT },      { "timeout", KEY_TIMEOUT },
	{ "gdb", KEY_VALUE },           { "connect", KEY_VALUE },
	{ "trace-rsp", KEY_FLAG },      { "quiet", KEY_FLAG },
	{ "semihosting", KEY_OPTARG },
	{ "semihosting-root", KEY_VALUE },
	{ "semihosting-allow-system", KEY_FLAG },
	{ "heap", KEY_VALUE },
	{ "test-begin-symbol", KEY_VALUE }, { "test-end-symbol", KEY_VALUE },
	{ "image", KEY_IMAGE },         { "args", KEY_ARGS },
	{ "expect-exit", KEY_EXPECT_EXIT },
	{ "expect-output", KEY_EXPECT_OUTPUT },
	{ "guest-tests", KEY_GUEST_TESTS },
};

typedef struct kv {
	const key_def *def;
	char *value;
	int line;
} kv;

typedef struct section {
	int is_defaults;
	char *name;
	int line;
	kv *kvs;
	size_t nkvs, cap;
} section;

typedef struct parser {
	const char *path;
	const char *text;
	size_t len, pos;
	int line;               /* number of the line last handed to libinih */
	section *secs;
	size_t nsecs, cap;
	int err;                /* first error: code, line and message */
	int err_line;
	char *errbuf;
	size_t errlen;
} parser;

static void fail_at(parser *p, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail_at(parser *p, int line, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err)
		return;
	p->err = code;
	p->err_line = line;
	n = snprintf(p->errbuf, p->errlen, "%s:%d: ", p->path, line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->errbuf + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));
	if (!nv)
		return SUITE_ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return SUITE_ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the line reader: headers, limits, line numbers ---- */

static int is_blank_or_comment(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i == n || s[i] == ';' || s[i] == '#';
}

static void add_section(parser *p, int is_defaults, const char *name,
			size_t nlen)
{
	if (p->nsecs == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		section *ns = realloc(p->secs, ncap * sizeof(*ns));
		if (!ns) {
			fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
			return;
		}
		p->secs = ns;
		p->cap = ncap;
	}
	section *s = &p->secs[p->nsecs];
	memset(s, 0, sizeof(*s));
	s->is_defaults = is_defaults;
	s->line = p->line;
	s->name = strndup(name, nlen);
	if (!s->name) {
		fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
		return;
	}
	p->nsecs++;
}

/* `[defaults]` or `[test "NAME"]`, blanks allowed around the parts. */
static void parse_header(parser *p, const char *s, size_t n)
{
	size_t i = 1, end;
	const char *name;

	const char *close = memrchr(s, ']', n);

	/* The last ']' closes the header (a name may contain one); only
	 * blanks or a comment may follow it. */
	if (!close || is_blank_or_comment(close + 1, n - (size_t)(close - s) - 1) == 0) {
		fail_at(p, p->line, SUITE_ESYNTAX,
			"malformed section header (expected [defaults] or [test \"NAME\"])");
		return;
	}
	end = (size_t)(close - s);
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (end - i == 8 && memcmp(s + i, "defaults", 8) == 0) {
		add_section(p, 1, "defaults", 8);
		return;
	}
	if (end - i < 4 || memcmp(s + i, "test", 4) != 0 ||
	    (s[i + 4] != ' ' && s[i + 4] != '\t')) {
		fail_at(p, p->line, SUITE_ESYNTAX,
			"unknown section '%.*s' (expected [defaults] or [test \"NAME\"])",
			(int)(end - i), s + i);
		return;
	}
	i += 4;
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (end - i < 2 || s[i] != '"' || s[end - 1] != '"') {
		fail_at(p, p->line, SUITE_ESYNTAX,
			"test name must be in double quotes: [test \"NAME\"]");
		return;
	}
	name = s + i + 1;
	n = end - i - 2;
	if (n == 0) {
		fail_at(p, p->line, SUITE_ESYNTAX, "empty test name");
		return;
	}
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)name[k];
		if (c < 0x20 || c == 0x7f || c == '"') {
			fail_at(p, p->line, SUITE_ESYNTAX,
				"test name contains a quote or control character");
			return;
		}
	}
	add_section(p, 0, name, n);
}

static char *reader(char *str, int num, void *stream)
{
	parser *p = stream;
	const char *s = p->text + p->pos, *nl;
	size_t n, skip = 0;

	if (p->err || p->pos >= p->len)
		return NULL;
	nl = memchr(s, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - s) + 1 : p->len - p->pos;
	p->line++;
	/* libinih's line buffer is fixed at build time (num bytes with the
	 * NUL); a longer line would be split and misread. */
	if (num < 4 || n + 1 > (size_t)num) {
		fail_at(p, p->line, SUITE_ESYNTAX,
			"line longer than %d characters", num - 3);
		return NULL;
	}
	/* A UTF-8 byte order mark, which libinih skips too. */
	if (p->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if (!is_blank_or_comment(s + skip, n - skip - (nl ? 1 : 0))) {
		if (s[skip] == ' ' || s[skip] == '\t') {
			fail_at(p, p->line, SUITE_ESYNTAX,
				"indented line (libinih would read it as the "
				"continuation of the previous value)");
			return NULL;
		}
		if (s[skip] == '[')
			parse_header(p, s + skip, n - skip - (nl ? 1 : 0));
	}
	memcpy(str, s, n);
	str[n] = '\0';
	p->pos += n;
	return p->err ? NULL : str;
}

/* ---- the key handler ---- */

static const key_def *key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(key_table) / sizeof(key_table[0]); i++)
		if (strcmp(key_table[i].name, name) == 0)
			return &key_table[i];
	return NULL;
}

static int parse_bool(int *out, const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int parse_long(long *out, const char *v, long lo, long hi)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 0);
	if (errno || end == v || *end || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

static int parse_seconds(double *out, const char *v)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	/* A day bounds the deadline arithmetic far from overflow. */
	if (errno || end == v || *end || !isfinite(x) || x <= 0 || x > 86400)
		return -1;
	*out = x;
	return 0;
}

static void check_value(parser *p, const key_def *d, const char *v)
{
	char msg[160], **words = NULL;
	size_t nwords = 0;
	double secs;
	long l;
	int b;

	switch (d->kind) {
	case KEY_FLAG:
		if (parse_bool(&b, v) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"%s: expected true or false, not '%s'", d->name, v);
		return;
	case KEY_EXPECT_EXIT:
		if (parse_long(&l, v, 0, 255) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"expect-exit: expected a status 0..255, not '%s'", v);
		return;
	case KEY_TIMEOUT:
		if (parse_seconds(&secs, v) < 0)
			fail_at(p, p->line, SUITE_ESYNTAX,
				"timeout: expected seconds (0 < S <= 86400), not '%s'", v);
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
	default:
		if (!*v)
			fail_at(p, p->line, SUITE_ESYNTAX, "%s: empty value",
				d->name);
		return;
	}
}

static int handler(void *user, const char *sec, const char *name,
		   const char *value)
{
	parser *p = user;
	const key_def *d;
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
	d = key_find(name);
	if (!d) {
		fail_at(p, p->line, SUITE_ESYNTAX, "unknown key '%s'", name);
		return 0;
	}
	for (size_t i = 0; d->kind != KEY_REPEAT && i < s->nkvs; i++)
		if (s->kvs[i].def == d) {
			fail_at(p, p->line, SUITE_ESYNTAX,
				"duplicate key '%s' (first on line %d)", name,
				s->kvs[i].line);
			return 0;
		}
	check_value(p, d, value);
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

/* ---- from sections to tests ---- */

static const kv *section_find(const section *s, const key_def *d)
{
	const kv *found = NULL;
	for (size_t i = 0; i < s->nkvs; i++)
		if (s->kvs[i].def == d)
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
	dst->name = strdup(name);
	dst->image = strdup(image);
	if (!dst->name || !dst->image ||
	    (src->expect_output &&
	     !(dst->expect_output = strdup(src->expect_output))) ||
	    strv_copy(&dst->opts, &dst->nopts, src->opts, src->nopts) ||
	    strv_copy(&dst->args, &dst->nargs, src->args, src->nargs) ||
	    strv_copy(&dst->guest_tests, &dst->nguest_tests, src->guest_tests,
		      src->nguest_tests))
		return SUITE_ENOMEM;
	return 0;
}

/* Applies one key to a test being built. Values were checked when read. */
static int apply_kv(suite_test *t, const kv **image, const kv *k)
{
	const char *name = k->def->name;
	char opt[64], msg[8];
	double secs;
	long l;
	int b, rc = 0;

	snprintf(opt, sizeof(opt), "--%s", name);
	switch (k->def->kind) {
	case KEY_VALUE:
	case KEY_REPEAT:
		if ((rc = strv_push(&t->opts, &t->nopts, opt)) == 0)
			rc = strv_push(&t->opts, &t->nopts, k->value);
		break;
	case KEY_FLAG:
		if (parse_bool(&b, k->value) == 0 && b)
			rc = strv_push(&t->opts, &t->nopts, opt);
		break;
	case KEY_OPTARG: {
		char *o = NULL;
		if (asprintf(&o, "--%s=%s", name, k->value) < 0)
			return SUITE_ENOMEM;
		rc = strv_push(&t->opts, &t->nopts, o);
		free(o);
		break;
	}
	case KEY_TIMEOUT:
		if (parse_seconds(&secs, k->value) == 0)
			t->timeout_s = secs;
		if ((rc = strv_push(&t->opts, &t->nopts, opt)) == 0)
			rc = strv_push(&t->opts, &t->nopts, k->value);
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
		if (parse_long(&l, k->value, 0, 255) == 0)
			t->expect_exit = (int)l;
		break;
	case KEY_EXPECT_OUTPUT:
		free(t->expect_output);
		if (!(t->expect_output = strdup(k->value)))
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

static int build_test(parser *p, suite *s, const section *defs,
		      const section *ts)
{
	suite_test t;
	const kv *image = NULL;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.line = ts->line;
	if (!(t.name = strdup(ts->name)))
		return SUITE_ENOMEM;
	for (size_t i = 0; rc == 0 && i < defs->nkvs; i++) {
		const kv *k = &defs->kvs[i];
		/* A test's own value replaces a default of a single key;
		 * repeatable keys add to the defaults. */
		if (k->def->kind != KEY_REPEAT && section_find(ts, k->def))
			continue;
		rc = apply_kv(&t, &image, k);
	}
	for (size_t i = 0; rc == 0 && i < ts->nkvs; i++)
		rc = apply_kv(&t, &image, &ts->kvs[i]);
	if (rc == 0 && !image) {
		fail_at(p, ts->line, SUITE_ESYNTAX, "test \"%s\" has no image",
			ts->name);
		rc = SUITE_ESYNTAX;
	}
	if (rc == 0)
		rc = expand_image(p, s, &t, image);
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
			const kv *prev = section_find(out, d->kvs[k].def);
			if (prev && d->kvs[k].def->kind != KEY_REPEAT) {
				fail_at(p, d->kvs[k].line, SUITE_ESYNTAX,
					"duplicate key '%s' (first on line %d)",
					d->kvs[k].def->name, prev->line);
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

static int parse_text(suite **out, const char *text, size_t len,
		      const char *path, char *errbuf, size_t errlen)
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
	if (memchr(text, '\0', len)) {
		snprintf(errbuf, errlen, "%s: contains a NUL byte", path);
		return SUITE_ESYNTAX;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
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
	for (size_t i = 0; i < p.nsecs; i++) {
		for (size_t k = 0; k < p.secs[i].nkvs; k++)
			free(p.secs[i].kvs[k].value);
		free(p.secs[i].kvs);
		free(p.secs[i].name);
	}
	free(p.secs);
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
	return parse_text(out, text, strlen(text), path, errbuf, errlen);
}

int suite_parse_file(suite **out, const char *path, char *errbuf,
		     size_t errlen)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc = SUITE_ENOENT;

	*out = NULL;
	/* O_NONBLOCK: a FIFO with no writer must not hang the suite here. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		close(fd);
		goto out;
	}
	if (!(f = fdopen(fd, "rb"))) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	if (!(buf = malloc(SUITE_MAX_BYTES + 1))) {
		rc = SUITE_ENOMEM;
		snprintf(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	len = fread(buf, 1, SUITE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (len > SUITE_MAX_BYTES) {
		rc = SUITE_ESYNTAX;
		snprintf(errbuf, errlen, "%s: larger than %u bytes", path,
			 SUITE_MAX_BYTES);
		goto out;
	}
	rc = parse_text(out, buf, len, path, errbuf, errlen);
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
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

/*
 * Reads back the JSON lines report of report_json.c (RFC 8259 values, one
 * object a line). Hand-written rather than a library: stubrun writes a
 * small subset (objects, arrays of objects, strings, integers, null,
 * booleans), the input is hostile, and a parser of exactly that subset,
 * bounded in depth, length and count, is short enough to read whole and
 * to fuzz (tests/fuzz/fuzz_report.c). Numbers with a fraction or an
 * exponent are refused: stubrun writes none.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

/* A line is an object holding "attempts", an array of objects: three
 * levels; a little slack, no recursion bomb. */
#define JSON_MAX_DEPTH 4
/* Integers stubrun writes fit in a long (milliseconds, statuses). */
#define JSON_MAX_DIGITS 15
#define JSON_MAX_MEMBERS 64
#define JSON_MAX_ITEMS RDOC_MAX_ATTEMPTS

typedef enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
	jtype t;
	long num;                /* J_NUM, J_BOOL */
	char *str;               /* J_STR, decoded UTF-8 without NUL */
	size_t len;
	struct jval *items;      /* J_ARR, J_OBJ (values) */
	char **keys;             /* J_OBJ */
	size_t n;
} jval;

typedef struct jparse {
	const char *p, *end;
	const char *why;         /* the first problem */
} jparse;

static void jval_clear(jval *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		jval_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	memset(v, 0, sizeof(*v));
}

static int bad(jparse *jp, const char *why)
{
	if (!jp->why)
		jp->why = why;
	return -1;
}

static void skip_ws(jparse *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
				   *jp->p == '\r'))
		jp->p++;
}

static int hex4(unsigned *out, jparse *jp)
{
	unsigned v = 0;

	if (jp->end - jp->p < 4)
		return bad(jp, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *jp->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return bad(jp, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/* \uXXXX, with a surrogate pair made one code point; a lone surrogate is
 * U+FFFD, as the writers make of invalid text. */
static int unicode_escape(unsigned *cp, jparse *jp)
{
	unsigned lo;

	if (hex4(cp, jp) < 0)
		return -1;
	if (*cp >= 0xdc00 && *cp <= 0xdfff) {
		*cp = 0xfffd;
	} else if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (jp->end - jp->p >= 6 && jp->p[0] == '\\' && jp->p[1] == 'u') {
			const char *save = jp->p;
			jp->p += 2;
			if (hex4(&lo, jp) < 0)
				return -1;
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
				return 0;
			}
			jp->p = save;
		}
		*cp = 0xfffd;
	}
	if (*cp == 0)
		return bad(jp, "\\u0000 in a string");
	return 0;
}

static int escape(char *o, size_t *at, jparse *jp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned cp;

	if (jp->p >= jp->end)
		return bad(jp, "unterminated string");
	if (*jp->p == 'u') {
		jp->p++;
		if (unicode_escape(&cp, jp) < 0)
			return -1;
		*at += rdoc_put_utf8(o + *at, cp);
		return 0;
	}
	if (!(k = memchr(from, *jp->p, sizeof(from) - 1)))
		return bad(jp, "bad escape in a string");
	o[(*at)++] = to[k - from];
	jp->p++;
	return 0;
}

static int parse_string(jval *v, jparse *jp)
{
	/* The decoded text is never longer than the escaped text. */
	const char *q = jp->p + 1;
	char *o;
	size_t at = 0;

	while (q < jp->end && *q != '"')
		q += *q == '\\' && q + 1 < jp->end ? 2 : 1;
	if (q >= jp->end)
		return bad(jp, "unterminated string");
	if (!(o = malloc((size_t)(q - jp->p) + 1)))
		return bad(jp, "out of memory");
	jp->p++;
	while (*jp->p != '"') {
		unsigned char c = (unsigned char)*jp->p;
		if (c < 0x20) {
			free(o);
			return bad(jp, "control character in a string");
		}
		if (c == '\\') {
			jp->p++;
			if (escape(o, &at, jp) < 0) {
				free(o);
				return -1;
			}
		} else {
			o[at++] = (char)c;
			jp->p++;
		}
	}
	jp->p++;
	o[at] = '\0';
	v->t = J_STR;
	v->str = o;
	v->len = at;
	return 0;
}

static int parse_number(jval *v, jparse *jp)
{
	const char *s = jp->p;
	int neg = 0, digits = 0;
	long n = 0;

	if (jp->p < jp->end && *jp->p == '-') {
		neg = 1;
		jp->p++;
	}
	while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
		if (++digits > JSON_MAX_DIGITS)
			return bad(jp, "number too long");
		n = n * 10 + (*jp->p++ - '0');
	}
	if (!digits || (digits > 1 && s[neg] == '0'))
		return bad(jp, "bad number");
	if (jp->p < jp->end && (*jp->p == '.' || *jp->p == 'e' || *jp->p == 'E'))
		return bad(jp, "not an integer");
	v->t = J_NUM;
	v->num = neg ? -n : n;
	return 0;
}

static int parse_value(jval *v, jparse *jp, int depth);

static int literal(jval *v, jparse *jp, const char *word, jtype t, long num)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n))
		return bad(jp, "unexpected character");
	jp->p += n;
	v->t = t;
	v->num = num;
	return 0;
}

static int grow(jval *v, int obj)
{
	jval *ni = realloc(v->items, (v->n + 1) * sizeof(*ni));
	if (!ni)
		return -1;
	v->items = ni;
	memset(&ni[v->n], 0, sizeof(*ni));
	if (obj) {
		char **nk = realloc(v->keys, (v->n + 1) * sizeof(*nk));
		if (!nk)
			return -1;
		v->keys = nk;
		nk[v->n] = NULL;
	}
	v->n++;
	return 0;
}

/* One member (obj) or item of a container: "key": value, or value. */
static int member(jval *v, jparse *jp, int obj, int depth)
{
	jval key;

	memset(&key, 0, sizeof(key));
	if (v->n >= (obj ? JSON_MAX_MEMBERS : JSON_MAX_ITEMS))
		return bad(jp, obj ? "too many members" : "too many items");
	if (grow(v, obj) < 0)
		return bad(jp, "out of memory");
	skip_ws(jp);
	if (obj) {
		if (jp->p >= jp->end || *jp->p != '"')
			return bad(jp, "expected a member name");
		if (parse_string(&key, jp) < 0)
			return -1;
		v->keys[v->n - 1] = key.str;
		skip_ws(jp);
		if (jp->p >= jp->end || *jp->p != ':')
			return bad(jp, "expected ':'");
		jp->p++;
	}
	return parse_value(&v->items[v->n - 1], jp, depth + 1);
}

static int parse_container(jval *v, jparse *jp, int depth)
{
	int obj = *jp->p == '{';
	char close = obj ? '}' : ']';

	if (depth >= JSON_MAX_DEPTH)
		return bad(jp, "nested too deep");
	v->t = obj ? J_OBJ : J_ARR;
	jp->p++;
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		if (member(v, jp, obj, depth) < 0)
			return -1;
		skip_ws(jp);
		if (jp->p >= jp->end)
			return bad(jp, "unterminated object or array");
		if (*jp->p == close) {
			jp->p++;
			return 0;
		}
		if (*jp->p != ',')
			return bad(jp, "expected ',' or the end");
		jp->p++;
	}
}

static int parse_value(jval *v, jparse *jp, int depth)
{
	skip_ws(jp);
	if (jp->p >= jp->end)
		return bad(jp, "expected a value");
	switch (*jp->p) {
	case '{':
	case '[': return parse_container(v, jp, depth);
	case '"': return parse_string(v, jp);
	case 'n': return literal(v, jp, "null", J_NULL, 0);
	case 't': return literal(v, jp, "true", J_BOOL, 1);
	case 'f': return literal(v, jp, "false", J_BOOL, 0);
	default: return parse_number(v, jp);
	}
}

/* ---- from objects to the model ---- */

static const jval *get(const jval *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->items[i];
	return NULL;
}

typedef struct line_ctx {
	report_doc *d;
	long line;
} line_ctx;

static int want(line_ctx *lc, const char *key, const char *what)
{
	return rdoc_fail(lc->d, REPORT_EFORMAT, lc->line, "\"%s\": expected %s",
			 key, what);
}

/* A string member into the doc: *out stays NULL for null or absent. */
static int str_field(const char **out, line_ctx *lc, const jval *o,
		     const char *key, int required)
{
	const jval *v = get(o, key);

	*out = NULL;
	if (!v || v->t == J_NULL)
		return required ? want(lc, key, "a string") : 0;
	if (v->t != J_STR)
		return want(lc, key, "a string");
	*out = rdoc_str(lc->d, v->str, v->len);
	return *out ? 0 : lc->d->err;
}

static int num_field(long *out, line_ctx *lc, const jval *o, const char *key,
		     long lo, long hi)
{
	const jval *v = get(o, key);

	if (!v || v->t == J_NULL)
		return 0;
	if (v->t != J_NUM || v->num < lo || v->num > hi)
		return want(lc, key, "an integer in range");
	*out = v->num;
	return 0;
}

/* What a result and each of its attempts share. */
static int attempt_fields(report_attempt *a, line_ctx *lc, const jval *o)
{
	const char *status;
	long exit_status = -1;
	int rc;

	if ((rc = str_field(&status, lc, o, "status", 1)) < 0)
		return rc;
	if (rdoc_outcome(&a->outcome, status, strlen(status)) < 0)
		return want(lc, "status", "pass, fail, timeout, error or notrun");
	if ((rc = num_field(&exit_status, lc, o, "exit", 0, 255)) < 0 ||
	    (rc = num_field(&a->duration_ms, lc, o, "duration_ms", 0,
			    86400000L * 365)) < 0 ||
	    (rc = num_field(&a->guest_ms, lc, o, "guest_ms", 0,
			    86400000L * 365)) < 0 ||
	    (rc = str_field(&a->message, lc, o, "message", 0)) < 0 ||
	    (rc = str_field(&a->output, lc, o, "output", 0)) < 0 ||
	    (rc = str_field(&a->log, lc, o, "log", 0)) < 0)
		return rc;
	a->exit_status = (int)exit_status;
	return 0;
}

static int suite_of(long *si, line_ctx *lc, const jval *o)
{
	const char *name;
	int rc = str_field(&name, lc, o, "suite", 1);

	if (rc < 0)
		return rc;
	*si = rdoc_suite_at(lc->d, name);
	return *si < 0 ? (int)*si : 0;
}

/* "attempts": every attempt, the last being the result itself. */
static int attempts(report_case *c, line_ctx *lc, const jval *o)
{
	const jval *v = get(o, "attempts");

	if (!v)
		return 0;
	if (v->t != J_ARR || v->n < 2)
		return want(lc, "attempts", "an array of two attempts or more");
	for (size_t i = 0; i + 1 < v->n; i++) {
		report_attempt *a;
		int rc;
		if (v->items[i].t != J_OBJ)
			return want(lc, "attempts", "objects");
		if (!(a = rdoc_attempt(lc->d, c)))
			return lc->d->err;
		if ((rc = attempt_fields(a, lc, &v->items[i])) < 0)
			return rc;
	}
	return 0;
}

/* "shard": "K/N", or null. */
static int shard_field(report_case *c, line_ctx *lc, const jval *o)
{
	const jval *v = get(o, "shard");

	if (!v || v->t == J_NULL)
		return 0;
	if (v->t != J_STR || rdoc_shard(&c->shard, &c->nshards, v->str) < 0)
		return want(lc, "shard", "\"K/N\"");
	return 0;
}

static int test_line(line_ctx *lc, const jval *o)
{
	report_attempt last;
	report_case *c;
	long si;
	int rc;

	memset(&last, 0, sizeof(last));
	last.guest_ms = -1;
	if ((rc = suite_of(&si, lc, o)) < 0)
		return rc;
	if (!(c = rdoc_case(lc->d, (size_t)si)))
		return lc->d->err;
	if ((rc = str_field(&c->name, lc, o, "name", 1)) < 0 ||
	    (rc = attempt_fields(&last, lc, o)) < 0 ||
	    (rc = str_field(&c->quarantine, lc, o, "quarantine", 0)) < 0 ||
	    (rc = shard_field(c, lc, o)) < 0 ||
	    (rc = attempts(c, lc, o)) < 0)
		return rc;
	c->outcome = last.outcome;
	c->exit_status = last.exit_status;
	c->duration_ms = last.duration_ms;
	c->message = last.message;
	c->output = last.output;
	c->log = last.log;
	c->guest_ms = last.guest_ms;
	return 0;
}

static int object_line(line_ctx *lc, const jval *o)
{
	const char *ev;
	long si;
	int rc = str_field(&ev, lc, o, "event", 1);

	if (rc < 0)
		return rc;
	if (strcmp(ev, "test") == 0)
		return test_line(lc, o);
	if (strcmp(ev, "suite") == 0) {
		if ((rc = suite_of(&si, lc, o)) < 0)
			return rc;
		return num_field(&lc->d->suites[si].duration_ms, lc, o,
				 "duration_ms", 0, 86400000L * 365);
	}
	if (strcmp(ev, "summary") == 0) {
		if ((rc = num_field(&lc->d->r.duration_ms, lc, o, "duration_ms",
				    0, 86400000L * 365)) < 0)
			return rc;
		return str_field(&lc->d->r.timestamp, lc, o, "timestamp", 0);
	}
	return rdoc_fail(lc->d, REPORT_EFORMAT, lc->line,
			 "unknown event \"%.40s\"", ev);
}

static int one_line(line_ctx *lc, const char *s, size_t n)
{
	jparse jp = { s, s + n, NULL };
	jval v;
	int rc;

	memset(&v, 0, sizeof(v));
	skip_ws(&jp);
	if (jp.p == jp.end)
		return 0;  /* a blank line */
	if (*jp.p != '{')
		return rdoc_fail(lc->d, REPORT_EFORMAT, lc->line,
				 "expected an object");
	rc = parse_value(&v, &jp, 0);
	skip_ws(&jp);
	if (rc == 0 && jp.p != jp.end)
		rc = bad(&jp, "text after the object");
	if (rc < 0)
		rc = rdoc_fail(lc->d, REPORT_EFORMAT, lc->line, "%s", jp.why);
	else
		rc = object_line(lc, &v);
	jval_clear(&v);
	return rc;
}

int report_json_read(report_doc *d, const char *text, size_t len)
{
	line_ctx lc = { d, 0 };
	size_t at = 0;
	int rc = 0;

	if (!rdoc_utf8_valid(text, len))
		return rdoc_fail(d, REPORT_EFORMAT, 0, "not valid UTF-8");
	while (rc == 0 && at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		lc.line++;
		rc = one_line(&lc, text + at, n);
		at += n + 1;
	}
	return rc;
}

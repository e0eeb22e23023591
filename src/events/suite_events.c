/*
 * Reading run's events file: a small JSON reader (RFC 8259) for flat
 * objects of strings, numbers and arrays of strings, and the begin / end /
 * verdict / plan semantics on top of it.
 */
#include "suite_events.h"
#include "strv.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Nesting we are willing to skip over in fields we do not know. */
#define JSON_MAX_DEPTH 16

typedef struct jcur {
	const char *p, *end;
} jcur;

typedef struct jbuf {
	char *s;
	size_t len, cap;
} jbuf;

/* The fields of one event line we care about. */
typedef struct event {
	char *kind, *name, *output, *reason, *skip;
	int has_status, has_time, has_guest;
	long status, time_ms, guest_ms;
	char **tests;
	size_t ntests;
	int has_tests;
} event;

static void ws(jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int jbuf_put(jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int put_cp(jbuf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;  /* NUL would cut the C string; lone surrogates */
	if (cp < 0x80) {
		u[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f)); n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	return jbuf_put(b, u, n);
}

static int hex4(unsigned *out, jcur *c)
{
	unsigned v = 0;
	if (c->end - c->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = util_hex_digit((unsigned char)*c->p++);
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static int escape(jbuf *b, jcur *c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned cp, lo;

	if (c->p >= c->end)
		return -1;
	if (*c->p != 'u') {
		if (!(k = strchr(from, *c->p)) || !*c->p)
			return -1;
		c->p++;
		return jbuf_put(b, &to[k - from], 1) ? -2 : 0;
	}
	c->p++;
	if (hex4(&cp, c) < 0)
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff && c->end - c->p >= 6 &&
	    c->p[0] == '\\' && c->p[1] == 'u') {
		jcur save = *c;
		c->p += 2;
		if (hex4(&lo, c) == 0 && lo >= 0xdc00 && lo <= 0xdfff)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			*c = save;
	}
	return put_cp(b, cp) ? -2 : 0;
}

/* A string into *out (NULL to skip). -1 malformed, -2 out of memory. */
static int jstring(char **out, jcur *c)
{
	jbuf b = { 0 };
	int rc = -1;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	if (jbuf_put(&b, "", 0))
		return -2;
	while (c->p < c->end) {
		const char *run = c->p;
		while (c->p < c->end && *c->p != '"' && *c->p != '\\' &&
		       (unsigned char)*c->p >= 0x20)
			c->p++;
		if (jbuf_put(&b, run, (size_t)(c->p - run))) {
			rc = -2;
			break;
		}
		if (c->p >= c->end || (unsigned char)*c->p < 0x20)
			break;
		if (*c->p++ == '"') {
			rc = 0;
			break;
		}
		if ((rc = escape(&b, c)) < 0)
			break;
		rc = -1;
	}
	if (rc == 0 && out)
		*out = b.s;
	else
		free(b.s);
	return rc;
}

static int jnumber(long *out, jcur *c)
{
	char buf[64], *e;
	size_t n = 0;

	while (c->p < c->end && n < sizeof(buf) - 1 &&
	       strchr("+-0123456789.eE", *c->p) && *c->p)
		buf[n++] = *c->p++;
	buf[n] = '\0';
	if (n == 0)
		return -1;
	errno = 0;
	double v = strtod(buf, &e);
	if (*e || !isfinite(v))
		return -1;
	/* Clamp: statuses and times are small; anything else is junk. */
	if (v > 1e15) v = 1e15;
	if (v < -1e15) v = -1e15;
	*out = (long)v;
	return 0;
}

static int jskip(jcur *c, int depth);

static int jskip_seq(jcur *c, int depth, char close, int is_object)
{
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		int rc;
		if (is_object) {
			if ((rc = jstring(NULL, c)) < 0)
				return rc;
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if ((rc = jskip(c, depth + 1)) < 0)
			return rc;
		ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
		ws(c);
	}
}

static int jskip(jcur *c, int depth)
{
	long dummy;

	ws(c);
	if (c->p >= c->end || depth > JSON_MAX_DEPTH)
		return -1;
	switch (*c->p) {
	case '"': return jstring(NULL, c);
	case '{': return jskip_seq(c, depth, '}', 1);
	case '[': return jskip_seq(c, depth, ']', 0);
	}
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++) {
		size_t n = strlen(*w);
		if ((size_t)(c->end - c->p) >= n && memcmp(c->p, *w, n) == 0) {
			c->p += n;
			return 0;
		}
	}
	return jnumber(&dummy, c);
}

/* ["a", "b", ...] into a string vector. */
static int jstrings(char ***out, size_t *n, jcur *c)
{
	int rc;

	if (c->p >= c->end || *c->p != '[')
		return -1;
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		char *s = NULL;
		if ((rc = jstring(&s, c)) < 0)
			return rc;
		char **nv = *n < SUITE_EVENTS_MAX_GUESTS
			? realloc(*out, (*n + 1) * sizeof(**out)) : NULL;
		if (!nv) {
			free(s);
			return *n < SUITE_EVENTS_MAX_GUESTS ? -2 : -1;
		}
		*out = nv;
		nv[(*n)++] = s;
		ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == ']') {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
		ws(c);
	}
}

static int field(event *e, const char *key, jcur *c)
{
	char **dst = NULL;

	if (strcmp(key, "event") == 0) dst = &e->kind;
	else if (strcmp(key, "name") == 0) dst = &e->name;
	else if (strcmp(key, "output") == 0) dst = &e->output;
	else if (strcmp(key, "reason") == 0) dst = &e->reason;
	else if (strcmp(key, "skip") == 0) dst = &e->skip;
	if (dst && c->p < c->end && *c->p == '"') {
		free(*dst);
		*dst = NULL;
		return jstring(dst, c);
	}
	if (strcmp(key, "status") == 0 && c->p < c->end && *c->p != '"') {
		e->has_status = 1;
		return jnumber(&e->status, c);
	}
	if (strcmp(key, "time_ms") == 0 && c->p < c->end && *c->p != '"') {
		e->has_time = 1;
		return jnumber(&e->time_ms, c);
	}
	if (strcmp(key, "guest_ms") == 0 && c->p < c->end && *c->p != '"') {
		e->has_guest = 1;
		return jnumber(&e->guest_ms, c);
	}
	if (strcmp(key, "tests") == 0 && c->p < c->end && *c->p == '[' &&
	    !e->has_tests) {
		e->has_tests = 1;
		return jstrings(&e->tests, &e->ntests, c);
	}
	return jskip(c, 1);
}

static void event_clear(event *e)
{
	free(e->kind);
	free(e->name);
	free(e->output);
	free(e->reason);
	free(e->skip);
	strv_free(e->tests, e->ntests);
	memset(e, 0, sizeof(*e));
}

/* One line: 0 parsed, -1 malformed, -2 out of memory. */
static int parse_object(event *e, jcur *c)
{
	int rc;

	ws(c);
	if (c->p >= c->end || *c->p++ != '{')
		return -1;
	ws(c);
	if (c->p < c->end && *c->p == '}')
		return c->p++, 0;
	for (;;) {
		char *key = NULL;
		if ((rc = jstring(&key, c)) < 0)
			return rc;
		ws(c);
		if (c->p >= c->end || *c->p++ != ':') {
			free(key);
			return -1;
		}
		ws(c);
		rc = field(e, key, c);
		free(key);
		if (rc < 0)
			return rc;
		ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == '}') {
			c->p++;
			ws(c);
			return c->p == c->end ? 0 : -1;
		}
		if (*c->p++ != ',')
			return -1;
		ws(c);
	}
}

/* The guest test an end event closes: the latest open one of that name
 * (or the latest open one at all when the end names none). */
static suite_guest *find_open(suite_events *ev, const char *name)
{
	for (size_t i = ev->nguests; i-- > 0;) {
		suite_guest *g = &ev->guests[i];
		if (!g->ended && (!name || strcmp(g->name, name) == 0))
			return g;
	}
	return NULL;
}

/* The guest time of e: -1 when absent or negative (junk). */
static long guest_time(const event *e)
{
	return e->has_guest && e->guest_ms >= 0 ? e->guest_ms : -1;
}

static suite_guest *push_guest(suite_events *ev, char **name, const event *e)
{
	suite_guest *ng;

	if (ev->nguests >= SUITE_EVENTS_MAX_GUESTS)
		return NULL;
	ng = realloc(ev->guests, (ev->nguests + 1) * sizeof(*ng));
	if (!ng)
		return NULL;
	ev->guests = ng;
	ng = &ev->guests[ev->nguests++];
	memset(ng, 0, sizeof(*ng));
	ng->name = *name;
	*name = NULL;
	ng->begin_ms = ng->end_ms = e->time_ms;
	ng->begin_guest_ms = ng->end_guest_ms = guest_time(e);
	return ng;
}

static int apply(suite_events *ev, event *e)
{
	suite_guest *g;

	if (!e->kind)
		return -1;
	if (strcmp(e->kind, "begin") == 0) {
		if (!e->name)
			return -1;
		return push_guest(ev, &e->name, e) ? 0 : -2;
	}
	if (strcmp(e->kind, "end") == 0) {
		if (!(g = find_open(ev, e->name))) {
			if (!e->name)
				return -1;
			if (!(g = push_guest(ev, &e->name, e)))
				return -2;
		}
		g->ended = 1;
		/* An end without a status cannot be called a pass. */
		g->status = e->has_status ? (int)e->status : -1;
		g->end_ms = e->time_ms;
		g->end_guest_ms = guest_time(e);
		free(g->output);
		g->output = e->output;
		e->output = NULL;
		free(g->skip);
		g->skip = e->skip;
		e->skip = NULL;
		free(g->reason);
		g->reason = e->reason;
		e->reason = NULL;
		return 0;
	}
	if (strcmp(e->kind, "verdict") == 0) {
		ev->have_verdict = 1;
		ev->verdict_status = e->has_status ? (int)e->status : -1;
		ev->verdict_ms = e->time_ms;
		ev->verdict_guest_ms = guest_time(e);
		free(ev->verdict_reason);
		ev->verdict_reason = e->reason;
		e->reason = NULL;
		return 0;
	}
	if (strcmp(e->kind, "plan") == 0 && e->has_tests) {
		strv_free(ev->plan, ev->nplan);
		ev->plan = e->tests;
		ev->nplan = e->ntests;
		e->tests = NULL;
		e->ntests = 0;
		return 0;
	}
	return -1;
}

int suite_events_parse(suite_events *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	out->verdict_guest_ms = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		jcur c = { p, nl ? nl : end };
		event e;
		int rc;

		memset(&e, 0, sizeof(e));
		ws(&c);
		if (c.p < c.end) {
			rc = parse_object(&e, &c);
			if (rc == 0)
				rc = apply(out, &e);
			if (rc == -2 && out->nguests < SUITE_EVENTS_MAX_GUESTS) {
				event_clear(&e);
				return -1;
			}
			if (rc < 0)
				out->bad_lines++;
		}
		event_clear(&e);
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int suite_events_read(suite_events *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len, size;
	struct stat st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!f)
		return 0;
	/* Read at most the cap: a longer file is cut at a line boundary by
	 * the parser (the partial last line counts as bad). */
	if (fstat(fileno(f), &st) < 0 || st.st_size < 0)
		goto out;
	size = (size_t)st.st_size < SUITE_EVENTS_MAX_BYTES
		? (size_t)st.st_size : SUITE_EVENTS_MAX_BYTES;
	if (!(buf = malloc(size + 1))) {
		rc = -1;
		goto out;
	}
	len = fread(buf, 1, size, f);
	rc = suite_events_parse(out, buf, len);
out:
	free(buf);
	fclose(f);
	return rc;
}

void suite_events_clear(suite_events *ev)
{
	for (size_t i = 0; i < ev->nguests; i++) {
		free(ev->guests[i].name);
		free(ev->guests[i].output);
		free(ev->guests[i].skip);
		free(ev->guests[i].reason);
	}
	free(ev->guests);
	free(ev->verdict_reason);
	strv_free(ev->plan, ev->nplan);
	memset(ev, 0, sizeof(*ev));
}

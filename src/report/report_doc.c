/*
 * Reports read back into the model (src/report/report_int.h): the owning
 * container the readers fill, the format sniffing and dispatch, and the
 * merge of shard reports.
 */
#include "report_int.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int rdoc_new(report_doc **out, const char *name, char *errbuf,
	     size_t errlen)
{
	report_doc *d = calloc(1, sizeof(*d));

	*out = d;
	if (!d)
		return REPORT_ENOMEM;
	d->name = name;
	d->errbuf = errbuf;
	d->errlen = errlen;
	return 0;
}

int rdoc_fail(report_doc *d, int err, long line, const char *fmt, ...)
{
	va_list ap;
	int at;

	if (d->err)
		return d->err;
	d->err = err;
	if (!d->errbuf || !d->errlen)
		return err;
	/* The merge has no one input to name: its messages name files. */
	at = !d->name ? 0
	   : line > 0 ? snprintf(d->errbuf, d->errlen, "%s:%ld: ", d->name, line)
	   : snprintf(d->errbuf, d->errlen, "%s: ", d->name);
	if (at < 0 || (size_t)at >= d->errlen)
		return err;
	va_start(ap, fmt);
	vsnprintf(d->errbuf + at, d->errlen - (size_t)at, fmt, ap);
	va_end(ap);
	return err;
}

static int own(report_doc *d, char *s)
{
	char **nv;

	if (!s)
		return -1;
	if (!(nv = realloc(d->strs, (d->nstrs + 1) * sizeof(*nv)))) {
		free(s);
		return -1;
	}
	d->strs = nv;
	nv[d->nstrs++] = s;
	return 0;
}

const char *rdoc_str(report_doc *d, const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (c) {
		memcpy(c, s, n);
		c[n] = '\0';
	}
	if (own(d, c) < 0) {
		rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
		return NULL;
	}
	return c;
}

long rdoc_suite_at(report_doc *d, const char *name)
{
	rdoc_suite *ns;

	for (size_t i = 0; i < d->nsuites; i++)
		if (strcmp(d->suites[i].name, name) == 0)
			return (long)i;
	if (d->nsuites >= RDOC_MAX_SUITES)
		return rdoc_fail(d, REPORT_EFORMAT, 0, "more than %d suites",
				 RDOC_MAX_SUITES);
	if (!(ns = realloc(d->suites, (d->nsuites + 1) * sizeof(*ns))))
		return rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
	d->suites = ns;
	memset(&ns[d->nsuites], 0, sizeof(*ns));
	ns[d->nsuites].name = name;
	return (long)d->nsuites++;
}

static size_t total_cases(const report_doc *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nsuites; i++)
		n += d->suites[i].ncases;
	return n;
}

report_case *rdoc_case(report_doc *d, size_t si)
{
	rdoc_suite *s = &d->suites[si];
	report_case *c;

	if (total_cases(d) >= RDOC_MAX_CASES) {
		rdoc_fail(d, REPORT_EFORMAT, 0, "more than %d results",
			  RDOC_MAX_CASES);
		return NULL;
	}
	if (s->ncases == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		report_case *nc = realloc(s->cases, ncap * sizeof(*nc));
		if (!nc) {
			rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
			return NULL;
		}
		s->cases = nc;
		s->cap = ncap;
	}
	c = &s->cases[s->ncases++];
	memset(c, 0, sizeof(*c));
	c->exit_status = -1;
	c->guest_ms = -1;
	return c;
}

report_attempt *rdoc_attempt(report_doc *d, report_case *c)
{
	report_attempt *na;

	if (c->nattempts >= RDOC_MAX_ATTEMPTS) {
		rdoc_fail(d, REPORT_EFORMAT, 0, "more than %d attempts",
			  RDOC_MAX_ATTEMPTS);
		return NULL;
	}
	/* The doc owns each case's attempts (freed in report_doc_free). */
	na = realloc((void *)c->attempts, (c->nattempts + 1) * sizeof(*na));
	if (!na) {
		rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
		return NULL;
	}
	c->attempts = na;
	na = &na[c->nattempts++];
	memset(na, 0, sizeof(*na));
	na->exit_status = -1;
	na->guest_ms = -1;
	return na;
}

int rdoc_finish(report_doc *d)
{
	free(d->view);
	if (!(d->view = calloc(d->nsuites + 1, sizeof(*d->view))))
		return rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < d->nsuites; i++) {
		d->view[i].name = d->suites[i].name;
		d->view[i].cases = d->suites[i].cases;
		d->view[i].ncases = d->suites[i].ncases;
		d->view[i].duration_ms = d->suites[i].duration_ms;
	}
	d->r.suites = d->view;
	d->r.nsuites = d->nsuites;
	return 0;
}

int rdoc_outcome(report_outcome *out, const char *name, size_t len)
{
	for (int o = REPORT_PASS; o <= REPORT_NOTRUN; o++) {
		const char *n = report_outcome_name((report_outcome)o);
		if (strlen(n) == len && memcmp(n, name, len) == 0) {
			*out = (report_outcome)o;
			return 0;
		}
	}
	return -1;
}

/* Digits into *out, at most RDOC_MAX_SHARDS; the end, or NULL. */
static const char *shard_number(int *out, const char *s)
{
	long v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > RDOC_MAX_SHARDS)
			return NULL;
	if (p == s || v < 1)
		return NULL;
	*out = (int)v;
	return p;
}

int rdoc_shard(int *k, int *n, const char *s)
{
	int a, b;

	if (!(s = shard_number(&a, s)) || *s != '/' ||
	    !(s = shard_number(&b, s + 1)) || *s || a > b)
		return -1;
	*k = a;
	*n = b;
	return 0;
}

int rdoc_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, u + i, n - i);
		if (len == 0 || cp == 0)
			return 0;
		i += len;
	}
	return 1;
}

size_t rdoc_put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

const report *report_doc_report(const report_doc *d)
{
	return &d->r;
}

void report_doc_free(report_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nsuites; i++) {
		for (size_t k = 0; k < d->suites[i].ncases; k++)
			free((void *)d->suites[i].cases[k].attempts);
		free(d->suites[i].cases);
	}
	free(d->suites);
	free(d->view);
	for (size_t i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	free(d);
}

/* ---- reading ---- */

int report_sniff(report_format_id *out, const char *text, size_t len)
{
	size_t i = 0;

	/* A UTF-8 byte order mark and leading blank lines are allowed. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			   text[i] == '\n' || text[i] == '\r'))
		i++;
	if (len - i >= 14 && strncasecmp(text + i, "<!DOCTYPE html", 14) == 0)
		*out = REPORT_HTML;
	else if (i < len && text[i] == '<')
		*out = REPORT_JUNIT;
	else if (i < len && text[i] == '{')
		*out = REPORT_JSON;
	else if (len - i >= 11 && memcmp(text + i, "TAP version", 11) == 0)
		*out = REPORT_TAP;
	else
		return -1;
	return 0;
}

int report_read(report_doc **out, report_format_id fmt, const char *text,
		size_t len, const char *name, char *errbuf, size_t errlen)
{
	report_doc *d = NULL;
	int rc;

	*out = NULL;
	if ((rc = rdoc_new(&d, name, errbuf, errlen)) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		return rc;
	}
	if (len > REPORT_READ_MAX)
		rc = rdoc_fail(d, REPORT_EFORMAT, 0, "larger than %u MiB",
			       REPORT_READ_MAX >> 20);
	else if ((unsigned)fmt >= REPORT_NFORMATS || !report_formats[fmt].readable)
		rc = rdoc_fail(d, REPORT_EFORMAT, 0, "a report in %s: only JUnit, "
			       "TAP and JSON lines reports are read back",
			       (unsigned)fmt < REPORT_NFORMATS ?
			       report_formats[fmt].name : "an unknown format");
	else if (fmt == REPORT_JSON)
		rc = report_json_read(d, text, len);
	else if (fmt == REPORT_JUNIT)
		rc = report_junit_read(d, text, len);
	else
		rc = report_tap_read(d, text, len);
	if (rc == 0 && d->err)
		rc = d->err;
	if (rc == 0)
		rc = rdoc_finish(d);
	if (rc < 0) {
		report_doc_free(d);
		return rc;
	}
	d->errbuf = NULL;  /* borrowed for the read only */
	*out = d;
	return 0;
}

/* ---- merging ---- */

static int cmp_case(const void *a, const void *b)
{
	return strcmp(((const report_case *)a)->name,
		      ((const report_case *)b)->name);
}

static int copy_case(report_doc *d, size_t si, const report_case *src)
{
	report_case *c = rdoc_case(d, si);

	if (!c)
		return d->err;
	*c = *src;
	c->attempts = NULL;
	c->nattempts = 0;
	for (size_t i = 0; i < src->nattempts; i++) {
		report_attempt *a = rdoc_attempt(d, c);
		if (!a)
			return d->err;
		*a = src->attempts[i];
	}
	return 0;
}

/* Which input holds the result c->name of suite s, among the first n. */
static long owner(report_doc *const *in, size_t n, const char *suite,
		  const char *name)
{
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < in[i]->nsuites; s++) {
			const rdoc_suite *rs = &in[i]->suites[s];
			if (strcmp(rs->name, suite))
				continue;
			for (size_t k = 0; k < rs->ncases; k++)
				if (!strcmp(rs->cases[k].name, name))
					return (long)i;
		}
	return -1;
}

static int check_overlap(report_doc *d, report_doc *const *in,
			 const char *const *names, size_t n)
{
	for (size_t s = 0; s < d->nsuites; s++) {
		rdoc_suite *rs = &d->suites[s];
		if (rs->ncases > 1)  /* qsort's base may not be NULL */
			qsort(rs->cases, rs->ncases, sizeof(*rs->cases), cmp_case);
		for (size_t k = 1; k < rs->ncases; k++) {
			const char *name = rs->cases[k].name;
			long a;
			if (strcmp(rs->cases[k - 1].name, name))
				continue;
			a = owner(in, n, rs->name, name);
			for (size_t b = (size_t)a + 1; b < n; b++)
				if (owner(in + b, 1, rs->name, name) == 0)
					return rdoc_fail(d, REPORT_EFORMAT, 0,
						"result \"%s\" of suite %s is in "
						"both %s and %s", name, rs->name,
						names[a], names[b]);
			return rdoc_fail(d, REPORT_EFORMAT, 0,
					 "result \"%s\" of suite %s twice in %s",
					 name, rs->name, names[a]);
		}
	}
	return 0;
}

static int merge_one(report_doc *d, const report_doc *in)
{
	for (size_t s = 0; s < in->nsuites; s++) {
		const rdoc_suite *src = &in->suites[s];
		long si = rdoc_suite_at(d, src->name);
		if (si < 0)
			return (int)si;
		d->suites[si].duration_ms += src->duration_ms;
		for (size_t k = 0; k < src->ncases; k++)
			if (copy_case(d, (size_t)si, &src->cases[k]) < 0)
				return d->err;
	}
	if (in->r.duration_ms > d->r.duration_ms)
		d->r.duration_ms = in->r.duration_ms;
	if (in->r.timestamp &&
	    (!d->r.timestamp || strcmp(in->r.timestamp, d->r.timestamp) < 0))
		d->r.timestamp = in->r.timestamp;
	return 0;
}

int report_merge(report_doc **out, report_doc *const *in,
		 const char *const *names, size_t n, char *errbuf,
		 size_t errlen)
{
	report_doc *d = NULL;
	int rc;

	*out = NULL;
	if ((rc = rdoc_new(&d, NULL, errbuf, errlen)) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = merge_one(d, in[i]);
	if (rc == 0)
		rc = check_overlap(d, in, names, n);
	if (rc == 0)
		rc = rdoc_finish(d);
	if (rc < 0) {
		report_doc_free(d);
		return rc;
	}
	d->errbuf = NULL;
	*out = d;
	return 0;
}

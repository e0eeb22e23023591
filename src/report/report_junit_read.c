/*
 * Reads back the JUnit XML of report_junit.c with expat: <testsuite>,
 * <testcase> and what it holds (<failure>, <error>, <skipped>, Surefire's
 * <flakyFailure>/<rerunFailure> family, <properties>, <system-out>,
 * <system-err>). Unknown elements are skipped; a DOCTYPE is refused (the
 * writer never writes one, and it is the door to entity expansion).
 * The exit status is not in JUnit: results read from it have none.
 */
#include "report_int.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

/* <testsuites><testsuite><testcase><flakyFailure><system-out>: five;
 * more is not ours. */
#define JUNIT_MAX_DEPTH 16

typedef enum jtext {
	TXT_NONE, TXT_CASE_OUT, TXT_CASE_ERR, TXT_ATT_OUT, TXT_ATT_ERR,
	TXT_BODY,
} jtext;

typedef struct jr {
	report_doc *d;
	XML_Parser p;
	int depth, skip_depth;   /* skip_depth: inside an unknown element */
	long suite;              /* current suite, or -1 */
	int in_case;
	int in_att;              /* inside a flaky or rerun element */
	report_case c;           /* the case being read */
	report_attempt first;    /* its <failure>/<error> */
	int has_first, skipped, flaky;
	const char *skip_msg, *q_outcome, *q_message;
	report_attempt *att;     /* its flaky or rerun elements */
	size_t natt;
	jtext collect;
	char *buf;               /* text of the element being collected */
	size_t len, cap;
} jr;

/* The problem is `what`, followed by `arg` (a value from the input,
 * cut short) when there is one. */
static int fail(jr *r, int err, const char *what, const char *arg)
{
	rdoc_fail(r->d, err, (long)XML_GetCurrentLineNumber(r->p), "%s%s%.40s%s",
		  what, arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
	XML_StopParser(r->p, XML_FALSE);
	return -1;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static const char *dup_attr(jr *r, const XML_Char **a, const char *name)
{
	const char *v = attr(a, name);
	return v ? rdoc_str(r->d, v, strlen(v)) : NULL;
}

/* time="S.mmm" to milliseconds; 0 when absent, -1 when malformed. */
static long seconds_ms(const char *s)
{
	long sec = 0, ms = 0, scale = 100;
	int digits = 0;

	if (!s)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++)
		if (++digits > 9)
			return -1;
		else
			sec = sec * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			ms += scale * (*s - '0');
	return *s || !digits ? -1 : sec * 1000 + ms;
}

static int time_attr(long *out, jr *r, const XML_Char **a)
{
	long ms = seconds_ms(attr(a, "time"));

	if (ms < 0)
		return fail(r, REPORT_EFORMAT, "bad time", attr(a, "time"));
	*out = ms;
	return 0;
}

static int outcome_attr(report_outcome *out, jr *r, const XML_Char **a,
			report_outcome dflt)
{
	const char *t = attr(a, "type");

	*out = dflt;
	if (t && rdoc_outcome(out, t, strlen(t)) < 0)
		return fail(r, REPORT_EFORMAT, "unknown type", t);
	return 0;
}

static int problem(jr *r, const XML_Char **a, int is_error)
{
	if (r->has_first)
		return fail(r, REPORT_EFORMAT, "two failures in one testcase", NULL);
	r->has_first = 1;
	r->first.exit_status = -1;
	r->first.guest_ms = -1;
	r->first.message = dup_attr(r, a, "message");
	r->collect = TXT_BODY;
	return outcome_attr(&r->first.outcome, r, a,
			    is_error ? REPORT_ERROR : REPORT_FAIL);
}

static int rerun(jr *r, const XML_Char **a, const char *name)
{
	report_attempt *na;
	int flaky = strncmp(name, "flaky", 5) == 0;

	if (r->natt && flaky != r->flaky)
		return fail(r, REPORT_EFORMAT, "flaky and rerun in one testcase", NULL);
	if (r->natt >= RDOC_MAX_ATTEMPTS)
		return fail(r, REPORT_EFORMAT, "too many attempts", NULL);
	if (!(na = realloc(r->att, (r->natt + 1) * sizeof(*na))))
		return fail(r, REPORT_ENOMEM, "out of memory", NULL);
	r->att = na;
	na = &na[r->natt++];
	memset(na, 0, sizeof(*na));
	na->exit_status = -1;
	na->guest_ms = -1;
	na->message = dup_attr(r, a, "message");
	r->flaky = flaky;
	r->in_att = 1;
	return outcome_attr(&na->outcome, r, a,
			    strstr(name, "Error") ? REPORT_ERROR : REPORT_FAIL);
}

static int property(jr *r, const XML_Char **a)
{
	const char *name = attr(a, "name"), *value = attr(a, "value");
	const char *v;

	if (!name || !value)
		return fail(r, REPORT_EFORMAT, "property without name or value", NULL);
	v = rdoc_str(r->d, value, strlen(value));
	if (strcmp(name, "stubrun.guest_s") == 0) {
		if ((r->c.guest_ms = seconds_ms(value)) < 0)
			return fail(r, REPORT_EFORMAT, "bad stubrun.guest_s", value);
	} else if (strcmp(name, "stubrun.shard") == 0) {
		if (rdoc_shard(&r->c.shard, &r->c.nshards, value) < 0)
			return fail(r, REPORT_EFORMAT, "bad stubrun.shard", value);
	} else if (strcmp(name, "quarantined") == 0)
		r->c.quarantine = v;
	else if (strcmp(name, "outcome") == 0)
		r->q_outcome = v;
	else if (strcmp(name, "message") == 0)
		r->q_message = v;
	return 0;
}

static int start_case(jr *r, const XML_Char **a)
{
	const char *name = attr(a, "name");

	if (r->suite < 0 || r->in_case)
		return fail(r, REPORT_EFORMAT, "testcase outside a testsuite", NULL);
	if (!name)
		return fail(r, REPORT_EFORMAT, "testcase without a name", NULL);
	memset(&r->c, 0, sizeof(r->c));
	memset(&r->first, 0, sizeof(r->first));
	r->c.exit_status = -1;
	r->c.guest_ms = -1;
	if (!(r->c.name = rdoc_str(r->d, name, strlen(name))))
		return fail(r, r->d->err, "bad testcase", NULL);
	r->has_first = r->skipped = r->flaky = 0;
	r->skip_msg = r->q_outcome = r->q_message = NULL;
	r->natt = 0;
	r->in_att = 0;
	r->in_case = 1;
	return time_attr(&r->c.duration_ms, r, a);
}

static int start_suite(jr *r, const XML_Char **a)
{
	const char *name = attr(a, "name"), *ts = attr(a, "timestamp");
	long ms;

	if (!name)
		return fail(r, REPORT_EFORMAT, "testsuite without a name", NULL);
	if (!(name = rdoc_str(r->d, name, strlen(name))) ||
	    (r->suite = rdoc_suite_at(r->d, name)) < 0)
		return fail(r, r->d->err, "bad testsuite", NULL);
	if (time_attr(&ms, r, a) < 0)
		return -1;
	r->d->suites[r->suite].duration_ms += ms;
	if (ts && !r->d->r.timestamp)
		r->d->r.timestamp = rdoc_str(r->d, ts, strlen(ts));
	return 0;
}

/* Elements inside a testcase; 1 when `name` is none of them. */
static int start_in_case(jr *r, const char *name, const XML_Char **a)
{
	int in_att = r->in_att;

	if (!strcmp(name, "failure") || !strcmp(name, "error"))
		return problem(r, a, name[0] == 'e');
	if (!strcmp(name, "flakyFailure") || !strcmp(name, "flakyError") ||
	    !strcmp(name, "rerunFailure") || !strcmp(name, "rerunError"))
		return rerun(r, a, name);
	if (!strcmp(name, "skipped")) {
		r->skipped = 1;
		r->skip_msg = dup_attr(r, a, "message");
	} else if (!strcmp(name, "property")) {
		return property(r, a);
	} else if (!strcmp(name, "system-out")) {
		r->collect = in_att ? TXT_ATT_OUT : TXT_CASE_OUT;
	} else if (!strcmp(name, "system-err")) {
		r->collect = in_att ? TXT_ATT_ERR : TXT_CASE_ERR;
	} else if (strcmp(name, "properties") && strcmp(name, "stackTrace")) {
		return 1;
	}
	return 0;
}

static void XMLCALL on_start(void *u, const XML_Char *name,
			     const XML_Char **a)
{
	jr *r = u;
	int rc = 1;

	if (++r->depth > JUNIT_MAX_DEPTH) {
		fail(r, REPORT_EFORMAT, "elements nested too deep", NULL);
		return;
	}
	if (r->skip_depth)
		return;
	r->len = 0;
	if (r->in_case)
		rc = start_in_case(r, name, a);
	else if (!strcmp(name, "testcase"))
		rc = start_case(r, a);
	else if (!strcmp(name, "testsuite"))
		rc = start_suite(r, a);
	else if (!strcmp(name, "testsuites"))
		rc = time_attr(&r->d->r.duration_ms, r, a);
	if (rc == 1)
		r->skip_depth = r->depth;  /* not ours: skip what it holds */
}

static const char *collected(jr *r)
{
	return rdoc_str(r->d, r->buf ? r->buf : "", r->len);
}

/* <failure> body: message, then "--- console ---" and "--- stubrun ---"
 * parts (report_junit.c's put_problem). Only the first failure of a rerun
 * result needs it: the others have their own elements. */
static void split_body(jr *r, report_attempt *a)
{
	static const char con[] = "\n--- console ---\n", log[] = "\n--- stubrun ---\n";
	char *b = r->buf, *l = NULL, *c;

	if (!b)
		return;  /* an empty body: nothing but the message */
	b[r->len] = '\0';
	for (char *p = strstr(b, log); p; p = strstr(p + 1, log))
		l = p;
	if (l) {
		a->log = rdoc_str(r->d, l + sizeof(log) - 1, strlen(l) - (sizeof(log) - 1));
		*l = '\0';
	}
	if ((c = strstr(b, con)))
		a->output = rdoc_str(r->d, c + sizeof(con) - 1, strlen(c) - (sizeof(con) - 1));
}

static void end_text(jr *r)
{
	report_attempt *a = r->natt ? &r->att[r->natt - 1] : NULL;

	switch (r->collect) {
	case TXT_CASE_OUT: r->c.output = collected(r); break;
	case TXT_CASE_ERR: r->c.log = collected(r); break;
	case TXT_ATT_OUT: if (a) a->output = collected(r); break;
	case TXT_ATT_ERR: if (a) a->log = collected(r); break;
	case TXT_BODY: split_body(r, &r->first); break;
	case TXT_NONE: break;
	}
	r->collect = TXT_NONE;
	r->len = 0;
}

/* The final verdict from what the testcase held (see report_junit.c). */
static int end_case(jr *r)
{
	report_attempt *final = NULL;
	report_case *c;
	size_t from = 0, to = r->natt;

	if (r->flaky) {
		r->c.outcome = REPORT_PASS;
	} else if (r->c.quarantine && r->q_outcome) {
		if (rdoc_outcome(&r->c.outcome, r->q_outcome, strlen(r->q_outcome)) < 0)
			return fail(r, REPORT_EFORMAT, "unknown outcome",
				    r->q_outcome);
		r->c.message = r->q_message;
	} else if (r->skipped) {
		r->c.outcome = REPORT_NOTRUN;
		r->c.message = r->skip_msg;
	} else if (r->has_first) {
		final = r->natt ? &r->att[--to] : &r->first;
	}
	if (final) {
		r->c.outcome = final->outcome;
		r->c.message = final->message;
	}
	if (!(c = rdoc_case(r->d, (size_t)r->suite)))
		return fail(r, r->d->err, "bad testcase", NULL);
	*c = r->c;
	if (r->has_first && r->natt && !r->flaky) {
		report_attempt *a = rdoc_attempt(r->d, c);
		if (!a)
			return fail(r, r->d->err, "bad testcase", NULL);
		*a = r->first;
	}
	for (size_t i = from; i < to; i++) {
		report_attempt *a = rdoc_attempt(r->d, c);
		if (!a)
			return fail(r, r->d->err, "bad testcase", NULL);
		*a = r->att[i];
	}
	r->in_case = 0;
	return 0;
}

static void XMLCALL on_end(void *u, const XML_Char *name)
{
	jr *r = u;

	if (r->skip_depth) {
		if (r->depth-- == r->skip_depth)
			r->skip_depth = 0;
		return;
	}
	r->depth--;
	if (r->collect != TXT_NONE && strcmp(name, "stackTrace") &&
	    strcmp(name, "property"))
		end_text(r);
	if (!strncmp(name, "flaky", 5) || !strncmp(name, "rerun", 5))
		r->in_att = 0;
	if (!strcmp(name, "testcase") && r->in_case && !r->d->err)
		end_case(r);
	else if (!strcmp(name, "testsuite"))
		r->suite = -1;
}

static void XMLCALL on_text(void *u, const XML_Char *s, int n)
{
	jr *r = u;

	if (r->skip_depth || r->collect == TXT_NONE || n <= 0)
		return;
	if (r->len + (size_t)n + 1 > r->cap) {
		size_t ncap = (r->len + (size_t)n + 1) * 2;
		char *nb = realloc(r->buf, ncap);
		if (!nb) {
			fail(r, REPORT_ENOMEM, "out of memory", NULL);
			return;
		}
		r->buf = nb;
		r->cap = ncap;
	}
	memcpy(r->buf + r->len, s, (size_t)n);
	r->len += (size_t)n;
}

static void XMLCALL on_doctype(void *u, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(u, REPORT_EFORMAT, "a DOCTYPE is not allowed", NULL);
}

int report_junit_read(report_doc *d, const char *text, size_t len)
{
	jr r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.d = d;
	r.suite = -1;
	if (!(r.p = XML_ParserCreate("UTF-8")))
		return rdoc_fail(d, REPORT_ENOMEM, 0, "out of memory");
	XML_SetUserData(r.p, &r);
	XML_SetElementHandler(r.p, on_start, on_end);
	XML_SetCharacterDataHandler(r.p, on_text);
	XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
	if (XML_Parse(r.p, text, (int)len, 1) != XML_STATUS_OK && !d->err)
		rdoc_fail(d, REPORT_EFORMAT, (long)XML_GetCurrentLineNumber(r.p),
			  "%s", XML_ErrorString(XML_GetErrorCode(r.p)));
	if (!d->err && d->nsuites == 0)
		rdoc_fail(d, REPORT_EFORMAT, 0, "no <testsuite>");
	rc = d->err;
	XML_ParserFree(r.p);
	free(r.att);
	free(r.buf);
	return rc;
}

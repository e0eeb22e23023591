/*
 * Reads back the TAP version 14 of report_tap.c: the plan, "# suite:"
 * comments, test points with their SKIP/TODO directives, and the YAML
 * diagnostic blocks in the exact shapes the writer makes (two-space keys,
 * double-quoted scalars or "|2" literal blocks, the "attempts" list).
 * Not a YAML parser: anything else in a block is an error.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct tr {
	report_doc *d;
	const char *text, *end, *line, *eol;  /* the current line */
	long lineno;
	long suite;
	size_t points, plan;
	int have_plan;
} tr;

static int bad(tr *t, const char *why)
{
	return rdoc_fail(t->d, REPORT_EFORMAT, t->lineno, "%s", why);
}

/* Moves to the next line: 0, or 1 at the end of the text. */
static int next_line(tr *t)
{
	const char *next;

	if (t->eol >= t->end)
		return 1;
	next = t->eol == t->text && t->lineno == 0 ? t->text : t->eol + 1;
	if (next >= t->end)
		return 1;  /* line and eol stay a valid pair */
	t->line = next;
	t->eol = memchr(t->line, '\n', (size_t)(t->end - t->line));
	if (!t->eol)
		t->eol = t->end;
	t->lineno++;
	return 0;
}

static size_t line_len(const tr *t)
{
	return (size_t)(t->eol - t->line);
}

static int starts(const tr *t, const char *prefix)
{
	size_t n = strlen(prefix);
	return line_len(t) >= n && memcmp(t->line, prefix, n) == 0;
}

/* Undoes put_description: "\#" and "\\" (controls were made '?'). */
static const char *unescape(tr *t, const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t k = 0;
	const char *r;

	if (!o) {
		rdoc_fail(t->d, REPORT_ENOMEM, 0, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '#' || s[i + 1] == '\\'))
			i++;
		o[k++] = s[i];
	}
	r = rdoc_str(t->d, o, k);
	free(o);
	return r;
}

/* The first " # " not escaped by a backslash, or NULL. */
static const char *directive(const char *s, const char *end)
{
	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (p[0] == ' ' && p[1] == '#' && p[2] == ' ')
			return p;
	}
	return NULL;
}

/* ---- YAML scalars as the writer writes them ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "..." with \" \\ \n \t \uXXXX (put_quoted). */
static const char *quoted(tr *t, const char *s, const char *end)
{
	char *o, *r = NULL;
	size_t k = 0;

	if (s >= end || *s != '"' || end - s < 2 || end[-1] != '"') {
		bad(t, "expected a double-quoted string");
		return NULL;
	}
	/* \uXXXX (6 bytes) becomes at most 3: never longer than the input. */
	if (!(o = malloc((size_t)(end - s)))) {
		rdoc_fail(t->d, REPORT_ENOMEM, 0, "out of memory");
		return NULL;
	}
	for (s++, end--; s < end; s++) {
		unsigned cp = 0;
		if (*s != '\\') {
			o[k++] = *s;
			continue;
		}
		if (++s >= end)
			goto bad_escape;
		if (*s == '"' || *s == '\\')
			o[k++] = *s;
		else if (*s == 'n')
			o[k++] = '\n';
		else if (*s == 't')
			o[k++] = '\t';
		else if (*s == 'u' && end - s > 4) {
			for (int i = 1; i <= 4; i++) {
				int h = hexval(s[i]);
				if (h < 0)
					goto bad_escape;
				cp = cp << 4 | (unsigned)h;
			}
			if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
				goto bad_escape;
			k += rdoc_put_utf8(o + k, cp);
			s += 4;
		} else {
			goto bad_escape;
		}
	}
	r = (char *)rdoc_str(t->d, o, k);
	free(o);
	return r;
bad_escape:
	free(o);
	bad(t, "bad escape in a quoted string");
	return NULL;
}

/* A "|2", "|2-" or "|2+" block: the lines after it indented by four. */
static const char *block(tr *t, char chomp)
{
	char *o = NULL, *r;
	size_t k = 0, cap = 0;
	int first = 1;

	while (t->eol < t->end) {
		const char *save_line = t->line, *save_eol = t->eol;
		long save_no = t->lineno;
		if (next_line(t))
			break;
		if (line_len(t) && !starts(t, "    ")) {
			t->line = save_line;  /* not ours: the next key */
			t->eol = save_eol;
			t->lineno = save_no;
			break;
		}
		size_t n = line_len(t) ? line_len(t) - 4 : 0;
		if (k + n + 2 > cap) {
			cap = (k + n + 2) * 2;
			char *no = realloc(o, cap);
			if (!no) {
				free(o);
				rdoc_fail(t->d, REPORT_ENOMEM, 0, "out of memory");
				return NULL;
			}
			o = no;
		}
		if (!first)
			o[k++] = '\n';
		first = 0;
		if (n)
			memcpy(o + k, t->line + 4, n);
		k += n;
	}
	if (first) {
		bad(t, "empty literal block");
		free(o);
		return NULL;
	}
	if (chomp != '-')
		o[k++] = '\n';
	r = (char *)rdoc_str(t->d, o, k);
	free(o);
	return r;
}

static const char *scalar(tr *t, const char *v, const char *end)
{
	if (end - v >= 2 && v[0] == '|' && v[1] == '2') {
		char chomp = end - v == 3 ? v[2] : 0;
		if ((end - v > 3) || (chomp && chomp != '-' && chomp != '+')) {
			bad(t, "bad block indicator");
			return NULL;
		}
		return block(t, chomp);
	}
	return quoted(t, v, end);
}

static int number(long *out, tr *t, const char *v, const char *end)
{
	long n = 0;

	if (v >= end || end - v > 12)
		return bad(t, "expected a number");
	for (; v < end; v++) {
		if (*v < '0' || *v > '9')
			return bad(t, "expected a number");
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return 0;
}

/* ---- the diagnostic block ---- */

/* One "KEY: VALUE" of an attempt or of the result. */
static int field(report_attempt *a, tr *t, const char *k, size_t kn,
		 const char *v, const char *end)
{
	long n;

#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
	if (KEY("severity")) {
		if (rdoc_outcome(&a->outcome, v, (size_t)(end - v)) < 0)
			return bad(t, "unknown severity");
	} else if (KEY("message")) {
		return (a->message = scalar(t, v, end)) ? 0 : t->d->err;
	} else if (KEY("output")) {
		return (a->output = scalar(t, v, end)) ? 0 : t->d->err;
	} else if (KEY("log")) {
		return (a->log = scalar(t, v, end)) ? 0 : t->d->err;
	} else if (KEY("exit")) {
		if (number(&n, t, v, end) < 0 || n > 255)
			return bad(t, "bad exit");
		a->exit_status = (int)n;
	} else if (KEY("duration_ms")) {
		return number(&a->duration_ms, t, v, end);
	} else if (KEY("guest_ms")) {
		return number(&a->guest_ms, t, v, end);
	} else if (!KEY("flaky")) {
		return bad(t, "unknown key in a diagnostic block");
	}
	return 0;
#undef KEY
}

/* The line's "KEY: VALUE" after `indent` spaces. */
static int key_value(report_attempt *a, tr *t, size_t indent)
{
	const char *k = t->line + indent, *colon;

	colon = memchr(k, ':', (size_t)(t->eol - k));
	if (!colon || colon + 2 > t->eol || colon[1] != ' ')
		return bad(t, "expected KEY: VALUE");
	return field(a, t, k, (size_t)(colon - k), colon + 2, t->eol);
}

static int diagnostics(report_case *c, tr *t, int *attempts_open)
{
	report_attempt *a = NULL, last;

	int closed = 0;

	report_case_attempt(&last, c);
	while (!closed && !next_line(t)) {
		int rc;
		if (starts(t, "  ...") && line_len(t) == 5) {
			closed = 1;
			continue;
		}
		if (starts(t, "  attempts:") && line_len(t) == 11) {
			*attempts_open = 1;
			continue;
		}
		if (*attempts_open && starts(t, "    - ")) {
			if (!(a = rdoc_attempt(t->d, c)))
				return t->d->err;
			rc = key_value(a, t, 6);
		} else if (*attempts_open && a && starts(t, "      ")) {
			rc = key_value(a, t, 6);
		} else if (starts(t, "  ") && !starts(t, "   ")) {
			rc = key_value(&last, t, 2);
		} else {
			return bad(t, "unexpected line in a diagnostic block");
		}
		if (rc < 0)
			return rc;
	}
	if (!closed)
		return bad(t, "unterminated diagnostic block");
	c->exit_status = last.exit_status;
	c->duration_ms = last.duration_ms;
	c->guest_ms = last.guest_ms;
	c->message = last.message;
	c->output = last.output;
	c->log = last.log;
	if (c->outcome != REPORT_PASS && c->outcome != REPORT_NOTRUN)
		c->outcome = last.outcome;
	return 0;
}

/* ---- test points ---- */

static int set_directive(report_case *c, tr *t, const char *d)
{
	d += 3;
	if ((size_t)(t->eol - d) >= 5 && memcmp(d, "SKIP ", 5) == 0) {
		c->outcome = REPORT_NOTRUN;
		c->message = unescape(t, d + 5, (size_t)(t->eol - d - 5));
		return c->message ? 0 : t->d->err;
	}
	if ((size_t)(t->eol - d) >= 18 && memcmp(d, "TODO quarantined: ", 18) == 0) {
		c->quarantine = unescape(t, d + 18, (size_t)(t->eol - d - 18));
		return c->quarantine ? 0 : t->d->err;
	}
	return bad(t, "unknown directive");
}

static int point(tr *t, int ok)
{
	const char *p = t->line + (ok ? 3 : 7), *dash, *dir;
	size_t num = 0;
	report_case *c;
	int open = 0;

	if (t->suite < 0)
		return bad(t, "test point before a \"# suite:\" line");
	while (p < t->eol && *p >= '0' && *p <= '9' && num < 100000000)
		num = num * 10 + (size_t)(*p++ - '0');
	if (num != ++t->points)
		return bad(t, "test points out of order");
	if (t->eol - p < 3 || memcmp(p, " - ", 3))
		return bad(t, "expected \"N - NAME\"");
	dash = p + 3;
	dir = directive(dash, t->eol);
	if (!(c = rdoc_case(t->d, (size_t)t->suite)))
		return t->d->err;
	c->outcome = ok ? REPORT_PASS : REPORT_FAIL;
	if (!(c->name = unescape(t, dash, (size_t)((dir ? dir : t->eol) - dash))))
		return t->d->err;
	if (dir && set_directive(c, t, dir) < 0)
		return t->d->err;
	/* A block follows a failure, and a pass that was retried. */
	if (t->eol < t->end && (size_t)(t->end - t->eol) >= 6 &&
	    memcmp(t->eol, "\n  ---", 6) == 0 &&
	    (t->eol + 6 == t->end || t->eol[6] == '\n')) {
		next_line(t);
		return diagnostics(c, t, &open);
	}
	return ok ? 0 : bad(t, "a failure without its diagnostic block");
}

static int one_line(tr *t)
{
	if (starts(t, "ok "))
		return point(t, 1);
	if (starts(t, "not ok "))
		return point(t, 0);
	if (starts(t, "# suite: ")) {
		const char *name = unescape(t, t->line + 9, line_len(t) - 9);
		if (!name)
			return t->d->err;
		t->suite = rdoc_suite_at(t->d, name);
		return t->suite < 0 ? (int)t->suite : 0;
	}
	if (starts(t, "1..") && !t->have_plan) {
		long n;
		t->have_plan = 1;
		if (number(&n, t, t->line + 3, t->eol) < 0)
			return t->d->err;
		t->plan = (size_t)n;
		return 0;
	}
	if (line_len(t) == 0)
		return 0;
	return bad(t, "unexpected line");
}

int report_tap_read(report_doc *d, const char *text, size_t len)
{
	tr t;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	t.d = d;
	t.text = t.line = t.eol = text;
	t.end = text + len;
	t.suite = -1;
	if (!rdoc_utf8_valid(text, len))
		return rdoc_fail(d, REPORT_EFORMAT, 0, "not valid UTF-8");
	if (next_line(&t) || !starts(&t, "TAP version 14"))
		return rdoc_fail(d, REPORT_EFORMAT, 1, "expected \"TAP version 14\"");
	while (rc == 0 && !next_line(&t))
		rc = one_line(&t);
	if (rc == 0 && !t.have_plan)
		rc = rdoc_fail(d, REPORT_EFORMAT, 0, "no plan");
	if (rc == 0 && t.plan != t.points)
		rc = rdoc_fail(d, REPORT_EFORMAT, 0, "plan 1..%zu but %zu test points",
			       t.plan, t.points);
	return rc;
}

/*
 * The quarantine list (src/suite/quarantine.h): its line format, checked
 * line by line, and matching names against it.
 */
#include "quarantine.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *errbuf, size_t errlen, int code, const char *path,
		int line, const char *why)
{
	if (line > 0)
		snprintf(errbuf, errlen, "%s:%d: %s", path, line, why);
	else
		snprintf(errbuf, errlen, "%s: %s", path, why);
	return code;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A bracket expression must close: fnmatch would take an unclosed '['
 * as a literal, which is never what a list of test names means. */
static const char *glob_problem(const char *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i] == '\\') {
			if (++i == n)
				return "the glob ends in a backslash";
		} else if (g[i] == '[') {
			size_t k = i + 1;
			if (k < n && (g[k] == '!' || g[k] == '^'))
				k++;
			if (k < n && g[k] == ']')
				k++;
			while (k < n && g[k] != ']')
				k++;
			if (k == n)
				return "unterminated '[' in the glob";
			i = k;
		}
	}
	return NULL;
}

/* Text of the line that the writers and terminals take as it is. */
static const char *text_problem(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, (const unsigned char *)s + i,
					      n - i);
		if (len == 0)
			return "not valid UTF-8";
		if ((cp < 0x20 && cp != '\t') || cp == 0x7f)
			return "a control character";
		i += len;
	}
	return NULL;
}

static int add(quarantine *q, const char *g, size_t gn, const char *r,
	       size_t rn, int line)
{
	quarantine_entry *ne, *e;

	ne = realloc(q->entries, (q->n + 1) * sizeof(*ne));
	if (!ne)
		return QUARANTINE_ENOMEM;
	q->entries = ne;
	e = &ne[q->n];
	e->glob = strndup(g, gn);
	e->reason = strndup(r, rn);
	e->line = line;
	q->n++;  /* counted before the check: freed on failure either way */
	return e->glob && e->reason ? 0 : QUARANTINE_ENOMEM;
}

/* One line, without its newline (and a CR before it). */
static int one_line(quarantine *q, const char *s, size_t n, const char *path,
		    int line, char *errbuf, size_t errlen)
{
	size_t i = 0, gs, ge;
	const char *why;

	if (n > QUARANTINE_MAX_LINE)
		return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, line,
			    "line too long");
	if ((why = text_problem(s, n)))
		return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, line, why);
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	gs = i;
	while (i < n && !is_blank(s[i]))
		i++;
	ge = i;
	while (i < n && is_blank(s[i]))
		i++;
	while (n > i && is_blank(s[n - 1]))
		n--;
	if (i == n)
		return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, line,
			    "expected GLOB and a reason after it");
	if ((why = glob_problem(s + gs, ge - gs)))
		return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, line, why);
	for (size_t k = 0; k < q->n; k++)
		if (strlen(q->entries[k].glob) == ge - gs &&
		    !memcmp(q->entries[k].glob, s + gs, ge - gs)) {
			char msg[64];
			snprintf(msg, sizeof(msg), "the same glob as line %d",
				 q->entries[k].line);
			return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path,
				    line, msg);
		}
	if (q->n >= QUARANTINE_MAX_ENTRIES)
		return fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, line,
			    "too many entries");
	if (add(q, s + gs, ge - gs, s + i, n - i, line) < 0)
		return fail(errbuf, errlen, QUARANTINE_ENOMEM, path, 0,
			    "out of memory");
	return 0;
}

int quarantine_parse(quarantine **out, const char *text, size_t len,
		     const char *path, char *errbuf, size_t errlen)
{
	quarantine *q = calloc(1, sizeof(*q));
	size_t at = 0;
	int line = 0, rc = 0;

	*out = NULL;
	if (!q)
		return fail(errbuf, errlen, QUARANTINE_ENOMEM, path, 0,
			    "out of memory");
	while (rc == 0 && at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		size_t body = n && text[at + n - 1] == '\r' ? n - 1 : n;
		line++;
		rc = one_line(q, text + at, body, path, line, errbuf, errlen);
		at += n + 1;
	}
	if (rc < 0) {
		quarantine_free(q);
		return rc;
	}
	*out = q;
	return 0;
}

/* A list is short: a file larger than this is not one. */
#define QUARANTINE_MAX_FILE (64u << 20)

int quarantine_read_file(quarantine **out, const char *path, char *errbuf,
			 size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc = util_read_file(&text, &len, path, QUARANTINE_MAX_FILE);

	*out = NULL;
	if (rc == -ENOMEM)
		rc = fail(errbuf, errlen, QUARANTINE_ENOMEM, path, 0, "out of memory");
	else if (rc == -EFBIG)
		rc = fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, 0, "too large");
	else if (rc < 0)
		rc = fail(errbuf, errlen, QUARANTINE_ENOENT, path, 0, strerror(-rc));
	else if (memchr(text, '\0', len))
		rc = fail(errbuf, errlen, QUARANTINE_ESYNTAX, path, 0,
			  "contains a NUL byte");
	else
		rc = quarantine_parse(out, text, len, path, errbuf, errlen);
	free(text);
	return rc;
}

const char *quarantine_match(const quarantine *q, const char *const *names,
			     size_t nnames)
{
	if (!q)
		return NULL;
	for (size_t i = 0; i < q->n; i++)
		for (size_t k = 0; k < nnames; k++)
			if (names[k] && fnmatch(q->entries[i].glob, names[k], 0) == 0)
				return q->entries[i].reason;
	return NULL;
}

void quarantine_free(quarantine *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		free(q->entries[i].glob);
		free(q->entries[i].reason);
	}
	free(q->entries);
	free(q);
}

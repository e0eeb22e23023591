/*
 * The text of a suite file: reading it (bounded, regular files only), and
 * the line reader under libinih: it counts lines (for "SUITE:LINE:
 * problem" messages), parses the section headers itself (libinih truncates
 * section names to 50 bytes) and rejects what libinih would silently
 * misread: over-long lines and indented continuation lines.
 */
#include "suite.h"
#include "suite_ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A suite is a hand-written text file; 4 MiB is far beyond any real one and
 * bounds what a stray `stubrun test /dev/zero` can make us read. */
#define SUITE_MAX_BYTES (4u << 20)

void suite_fail_at(parser *p, int line, int code, const char *fmt, ...)
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
			suite_fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
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
		suite_fail_at(p, p->line, SUITE_ENOMEM, "out of memory");
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
		suite_fail_at(p, p->line, SUITE_ESYNTAX,
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
		suite_fail_at(p, p->line, SUITE_ESYNTAX,
			"unknown section '%.*s' (expected [defaults] or [test \"NAME\"])",
			(int)(end - i), s + i);
		return;
	}
	i += 4;
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (end - i < 2 || s[i] != '"' || s[end - 1] != '"') {
		suite_fail_at(p, p->line, SUITE_ESYNTAX,
			"test name must be in double quotes: [test \"NAME\"]");
		return;
	}
	name = s + i + 1;
	n = end - i - 2;
	if (n == 0) {
		suite_fail_at(p, p->line, SUITE_ESYNTAX, "empty test name");
		return;
	}
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)name[k];
		if (c < 0x20 || c == 0x7f || c == '"') {
			suite_fail_at(p, p->line, SUITE_ESYNTAX,
				"test name contains a quote or control character");
			return;
		}
	}
	add_section(p, 0, name, n);
}

char *suite_ini_reader(char *str, int num, void *stream)
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
		suite_fail_at(p, p->line, SUITE_ESYNTAX,
			"line longer than %d characters", num - 3);
		return NULL;
	}
	/* A UTF-8 byte order mark, which libinih skips too. */
	if (p->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if (!is_blank_or_comment(s + skip, n - skip - (nl ? 1 : 0))) {
		if (s[skip] == ' ' || s[skip] == '\t') {
			suite_fail_at(p, p->line, SUITE_ESYNTAX,
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
	rc = suite_parse_text(out, buf, len, path, 1, errbuf, errlen);
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}


/*
 * TAP version 14 report (testanything.org/tap-version-14-specification):
 * the plan, one test point per result, "# SKIP" for results that never ran,
 * "# TODO quarantined: REASON" for quarantined ones (a TODO point does not
 * fail a TAP consumer), and a YAML diagnostic block (YAML 1.2) under each
 * failure and each flaky pass, with the earlier attempts under "attempts"
 * (their verdicts; their console output is in the JUnit and JSON reports).
 */
#include "report.h"
#include "text.h"

#include <errno.h>
#include <string.h>

/* Description text: '#' and '\' escaped as the specification asks, line
 * breaks and other controls (which would end or corrupt the line) as '?'. */
static void put_description(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	}
}

/* YAML's printable set (YAML 1.2 section 5.1), minus the BOM and the
 * characters YAML 1.1 readers take as line breaks. */
static int yaml_printable(unsigned cp)
{
	if (cp == '\t' || cp == '\n')
		return 1;
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return 0;
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
		return 0;
	return cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
}

static int block_safe(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, s + i, n - i);
		if (len == 0 || !yaml_printable(cp))
			return 0;
		i += len;
	}
	return n > 0;
}

static void put_quoted(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = text_utf8_decode(&cp, s + i, n - i);
		if (len == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (!yaml_printable(cp))
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(s + i, 1, len, f);
		i += len;
	}
	fputc('"', f);
}

/* A literal block keeps console output readable; its chomping indicator
 * keeps the exact number of trailing newlines, and the explicit
 * indentation indicator allows a first line that starts with blanks. */
static void put_block(FILE *f, const char *s)
{
	size_t n = strlen(s), nl = 0;

	while (nl < n && s[n - 1 - nl] == '\n')
		nl++;
	fprintf(f, "|2%s\n", nl == 0 ? "-" : nl == 1 ? "" : "+");
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			fputs("    ", f);
		fwrite(s, 1, len, f);
		fputc('\n', f);
		s += len + (e ? 1 : 0);
	}
}

static void put_field(FILE *f, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(f, "  %s: ", key);
	if (block_safe(value) && strchr(value, '\n')) {
		put_block(f, value);
	} else {
		put_quoted(f, value);
		fputc('\n', f);
	}
}

/* duration_ms (wall), and guest_ms when known. */
static void put_times(FILE *f, const char *indent, long wall_ms, long guest_ms)
{
	fprintf(f, "%sduration_ms: %ld\n", indent, wall_ms);
	if (guest_ms >= 0)
		fprintf(f, "%sguest_ms: %ld\n", indent, guest_ms);
}

static void put_attempts(FILE *f, const report_case *c)
{
	if (report_case_flaky(c))
		fputs("  flaky: true\n", f);
	if (!c->nattempts)
		return;
	fputs("  attempts:\n", f);
	for (size_t i = 0; i < c->nattempts; i++) {
		const report_attempt *a = &c->attempts[i];
		fprintf(f, "    - severity: %s\n", report_outcome_name(a->outcome));
		if (a->message) {
			fputs("      message: ", f);
			put_quoted(f, a->message);
			fputc('\n', f);
		}
		if (a->exit_status >= 0)
			fprintf(f, "      exit: %d\n", a->exit_status);
		put_times(f, "      ", a->duration_ms, a->guest_ms);
	}
}

static void put_diagnostics(FILE *f, const report_case *c)
{
	fputs("  ---\n", f);
	put_field(f, "message", c->message);
	fprintf(f, "  severity: %s\n", report_outcome_name(c->outcome));
	if (c->exit_status >= 0)
		fprintf(f, "  exit: %d\n", c->exit_status);
	put_times(f, "  ", c->duration_ms, c->guest_ms);
	put_field(f, "output", c->output);
	put_field(f, "log", c->log);
	put_attempts(f, c);
	fputs("  ...\n", f);
}

static void put_point(FILE *f, const report_case *rc, size_t n)
{
	int ok = rc->outcome == REPORT_PASS || rc->outcome == REPORT_NOTRUN;

	fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", n);
	put_description(f, rc->name);
	if (rc->outcome == REPORT_NOTRUN) {
		fputs(" # SKIP ", f);
		put_description(f, rc->message ? rc->message : "not run");
	} else if (rc->quarantine) {
		fputs(" # TODO quarantined: ", f);
		put_description(f, rc->quarantine);
	}
	fputc('\n', f);
	if (!ok || rc->nattempts)
		put_diagnostics(f, rc);
}

int report_tap_write(FILE *f, const report *r)
{
	report_counts c;
	size_t n = 0;

	report_count(&c, r, NULL);
	fprintf(f, "TAP version 14\n1..%zu\n", c.total);
	for (size_t i = 0; i < r->nsuites; i++) {
		const report_suite *s = &r->suites[i];
		fputs("# suite: ", f);
		put_description(f, s->name);
		fputc('\n', f);
		for (size_t k = 0; k < s->ncases; k++)
			put_point(f, &s->cases[k], ++n);
	}
	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}

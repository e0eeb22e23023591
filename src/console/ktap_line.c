/* KTAP/TAP line classification (ktap.rst "Version lines", "Plan lines",
 * "Test case result lines", "Diagnostic lines"; TAP 14 subtests and
 * directives): one line in, its kind and fields out. No state. */
#include "ktap_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* `s` starts with `word` (len known). */
static int starts(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	return len >= n && memcmp(s, word, n) == 0;
}

static size_t digits(const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* A decimal of n digits, saturating at UINT64_MAX: plans come from the
 * guest and an absurd count must not wrap. */
static uint64_t number(const char *s, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return UINT64_MAX;
		v = v * 10 + d;
	}
	return v;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The rest is only blanks, or blanks then a '#' comment. */
static int ends_clean(const char *s, size_t len, size_t i)
{
	i = skip_ws(s, len, i);
	return i == len || s[i] == '#';
}

static int is_version(const char *s, size_t len)
{
	size_t i;

	if (starts(s, len, "KTAP version "))
		i = strlen("KTAP version ");
	else if (starts(s, len, "TAP version "))
		i = strlen("TAP version ");
	else
		return 0;
	size_t n = digits(s + i, len - i);
	return n > 0 && skip_ws(s, len, i + n) == len;
}

static int parse_plan(ktap_parsed *p, const char *s, size_t len)
{
	if (!starts(s, len, "1.."))
		return 0;
	size_t n = digits(s + 3, len - 3);
	if (n == 0 || !ends_clean(s, len, 3 + n))
		return 0;
	p->number = number(s + 3, n);
	return 1;
}

/* Copies a name, cut at KTAP_NAME_MAX, control bytes made '?'. */
static void set_name(ktap_parsed *p, const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > KTAP_NAME_MAX)
		len = KTAP_NAME_MAX;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		p->name[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	p->name[len] = '\0';
}

/* "# SKIP reason", "# TODO" after the description (case-insensitive). */
static int directive(const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);
	if (len - i >= 4 && strncasecmp(s + i, "skip", 4) == 0)
		return KTAP_DIR_SKIP;
	if (len - i >= 4 && strncasecmp(s + i, "todo", 4) == 0)
		return KTAP_DIR_TODO;
	return KTAP_DIR_NONE;
}

/* ok|not ok [N] [- ]description [# directive] */
static int parse_result(ktap_parsed *p, const char *s, size_t len)
{
	size_t i;

	if (starts(s, len, "not ok"))
		p->ok = 0, i = 6;
	else if (starts(s, len, "ok"))
		p->ok = 1, i = 2;
	else
		return 0;
	if (i < len && s[i] != ' ' && s[i] != '\t')
		return 0;  /* "okay", "ok:" */
	i = skip_ws(s, len, i);
	size_t n = digits(s + i, len - i);
	p->has_number = n > 0;
	p->number = n ? number(s + i, n) : 0;
	i = skip_ws(s, len, i + n);
	if (len - i >= 2 && s[i] == '-' && s[i + 1] == ' ')
		i = skip_ws(s, len, i + 2);
	const char *hash = memchr(s + i, '#', len - i);
	size_t end = hash ? (size_t)(hash - s) : len;
	set_name(p, s + i, end - i);
	p->directive = hash ? directive(hash + 1, len - end - 1) : KTAP_DIR_NONE;
	return 1;
}

static int parse_subtest(ktap_parsed *p, const char *s, size_t len)
{
	if (!starts(s, len, "# Subtest:"))
		return 0;
	size_t i = skip_ws(s, len, strlen("# Subtest:"));
	set_name(p, s + i, len - i);
	return p->name[0] != '\0';
}

void ktap_classify(ktap_parsed *p, const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);

	memset(p, 0, sizeof(*p));
	p->indent = i;
	s += i;
	len -= i;
	if (is_version(s, len))
		p->kind = KTAP_L_VERSION;
	else if (parse_plan(p, s, len))
		p->kind = KTAP_L_PLAN;
	else if (parse_result(p, s, len))
		p->kind = KTAP_L_RESULT;
	else if (parse_subtest(p, s, len))
		p->kind = KTAP_L_SUBTEST;
	else if (starts(s, len, "Bail out!"))
		p->kind = KTAP_L_BAIL;
	else
		p->kind = KTAP_L_OTHER;
}

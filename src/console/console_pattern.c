/* PCRE2 for the console: compiling with a one-line error, matching with
 * bounded effort, and the prefilter, one alternation of many patterns
 * that rules out in one pass the lines none of them matches. */
#include "console_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Why 1,000,000: a pattern that backtracks badly on a hostile 4 KiB line
 * gives up after a few milliseconds (counted as no match) instead of
 * stalling the run; ordinary patterns need a few thousand at most. */
#define MATCH_LIMIT 1000000u
/* Why 4 MiB (the unit is KiB): the interpreter's backtracking frames for
 * a 4 KiB subject stay far below it; PCRE2's default is 20 MiB. */
#define HEAP_LIMIT_KIB 4096u
/* Why 6: one alternation tests every branch at each start position, while
 * a pattern alone skips to its first character (memchr-fast); measured on
 * 10 MiB of kernel log (bench/console_bench.c), the alternation of 5
 * literal-led patterns was slower than the 5 alone, of 6 to 20 faster
 * (20: 28 ms against 46 ms). */
#define PREFILTER_MIN 6

int console_matcher_init(console_matcher *m)
{
	/* One pair: only where the whole match ends is used. */
	m->md = pcre2_match_data_create(1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->md || !m->mctx)
		return CONSOLE_ENOMEM;
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_heap_limit(m->mctx, HEAP_LIMIT_KIB);
	return 0;
}

void console_matcher_fini(console_matcher *m)
{
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
}

int console_compile(pcre2_code **out, const char *opt, const char *re,
		    char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];

	*out = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code,
			     &off, NULL);
	if (!*out) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			strcpy((char *)msg, "bad pattern");
		util_errf(err, errlen, "%s \"%s\": %s at offset %zu", opt, re,
			  (char *)msg, (size_t)off);
		return code == PCRE2_ERROR_NOMEMORY ? CONSOLE_ENOMEM : CONSOLE_EINVAL;
	}
	/* Without JIT support (or memory for it) the interpreter serves. */
	(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return 0;
}

int console_check_regex(const char *re, char *why, size_t whylen)
{
	int code;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0,
				      &code, &off, NULL);

	if (c) {
		pcre2_code_free(c);
		return 0;
	}
	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		strcpy((char *)msg, "bad pattern");
	util_errf(why, whylen, "%s at offset %zu", (char *)msg, (size_t)off);
	return CONSOLE_EINVAL;
}

int console_match(size_t *end, console_matcher *m, const pcre2_code *re,
		  const char *s, size_t len, size_t start)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, m->md, m->mctx);
	if (rc < 0)
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
	*end = ov[1] < start ? start : ov[1];
	return 1;
}

/* Whether `re` means the same inside "(?:...)|(?:...)": no verbs ((*COMMIT)
 * would stop the other branches), no recursion or references to numbered
 * groups (numbers shift), no extended mode (a '#' comment would swallow
 * the next branch), no \Q (it would quote it). Conservative: a pattern
 * refused here is still matched, only on its own. */
static int prefilter_safe(const char *re)
{
	for (const char *p = re; *p; p++) {
		if (p[0] == '\\' && p[1]) {
			if (strchr("gQkK", p[1]) || (p[1] >= '1' && p[1] <= '9'))
				return 0;
			p++;
			continue;
		}
		if (p[0] != '(' || (p[1] != '*' && p[1] != '?'))
			continue;
		if (p[1] == '*' || (p[2] && strchr("R0123456789+&P(-x^", p[2])))
			return 0;
		for (const char *q = p + 2; *q && *q != ')' && *q != ':'; q++)
			if (*q == 'x')
				return 0;
	}
	return 1;
}

static int build(pcre2_code **out, console_pattern *pats, size_t n,
		 const char *const *res, size_t total)
{
	char *alt = malloc(total + 1);
	size_t len = 0;
	int code;
	PCRE2_SIZE off;

	if (!alt)
		return CONSOLE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!pats[i].in_prefilter)
			continue;
		len += (size_t)sprintf(alt + len, "%s(?:%s)", len ? "|" : "",
				       res[i]);
	}
	*out = pcre2_compile((PCRE2_SPTR)alt, len, 0, &code, &off, NULL);
	free(alt);
	if (*out)
		(void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return 0;
}

int console_prefilter(pcre2_code **out, console_pattern *pats, size_t n,
		      const char *const *res)
{
	size_t safe = 0, total = 0;
	int err;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t backrefs = 0;
		pcre2_pattern_info(pats[i].code, PCRE2_INFO_BACKREFMAX, &backrefs);
		pats[i].in_prefilter = backrefs == 0 && prefilter_safe(res[i]);
		if (pats[i].in_prefilter) {
			safe++;
			total += strlen(res[i]) + 5;  /* "|(?:" ")" */
		}
	}
	if (safe < PREFILTER_MIN)
		goto none;
	if ((err = build(out, pats, n, res, total)) < 0)
		return err;
	if (*out)
		return 0;
none:
	for (size_t i = 0; i < n; i++)
		pats[i].in_prefilter = 0;
	return 0;
}

int console_prefilter_rules_out(console_matcher *m, const pcre2_code *pf,
				const char *s, size_t len)
{
	/* Only "no match" is certain: a limit hit in the longer pattern may
	 * hide a match one of them finds alone. */
	return pcre2_match(pf, (PCRE2_SPTR)s, len, 0, 0, m->md, m->mctx) ==
	       PCRE2_ERROR_NOMATCH;
}

/* Private to src/console/: the console object, and the pattern and
 * script services console.c builds it from. */
#ifndef CONSOLE_INT_H
#define CONSOLE_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "console.h"
#include "ktap.h"

/* A pattern matched against complete lines. */
typedef struct console_pattern {
	pcre2_code *code;
	char *what;            /* .what of its events (owned) */
	int pass;              /* 1: PASS event, 0: FAIL */
	int in_prefilter;      /* part of the combined alternation */
} console_pattern;

/* A script step, compiled: a pattern, or decoded bytes to send. */
typedef struct console_cstep {
	pcre2_code *code;      /* expect; NULL for a send */
	char *text;            /* expect: the pattern; send: decoded bytes (owned) */
	size_t len;            /* send: bytes */
} console_cstep;

/* One match_data and one match context serve every pattern of a console. */
typedef struct console_matcher {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
} console_matcher;

struct console {
	console_matcher m;
	console_pattern *pats;   /* fail patterns, preset rules, pass patterns */
	size_t n_pats;
	pcre2_code *prefilter;   /* "(?:p1)|(?:p2)|..." of the safe ones, or NULL */
	console_cstep *steps;
	size_t n_steps, step;    /* step: the next one to run */
	size_t last_expect;      /* index of the last expect step */
	int wants_input;
	ktap *ktap;              /* NULL under CONSOLE_RESULTS_NONE */
	size_t consumed;         /* bytes of line[] an expect has used up */
	size_t line_len;         /* bytes kept of the current line */
	int line_fresh;          /* bytes were added since the last partial match */
	char line[CONSOLE_LINE_MAX + 1];
};

/* console_pattern.c */
int console_matcher_init(console_matcher *m);
void console_matcher_fini(console_matcher *m);
/* Compiles `re` (JIT when available); `opt` names the option in the
 * message, e.g. "--console-fail". */
int console_compile(pcre2_code **out, const char *opt, const char *re,
		    char *err, size_t errlen);
/* 1 and *end (offset after the match) when `re` matches s[start..len);
 * 0 on no match and on any match error (a limit hit). */
int console_match(size_t *end, console_matcher *m, const pcre2_code *re,
		  const char *s, size_t len, size_t start);
/* The combined alternation of the patterns that are safe in one; marks
 * them. *out is NULL when too few are safe to gain or it does not build. */
int console_prefilter(pcre2_code **out, console_pattern *pats, size_t n,
		      const char *const *res);
/* 1 when the prefilter says no pattern of it can match (a certain no). */
int console_prefilter_rules_out(console_matcher *m, const pcre2_code *pf,
				const char *s, size_t len);

/* console_script.c */
int console_script_build(console *c, const console_spec *spec, char *err,
			 size_t errlen);
void console_script_free(console *c);
/* Runs the script over line[0..line_len) (partial or complete); `pfx` is
 * the kernel prefix length (matching starts after it). */
int console_script_run(console *c, size_t pfx, console_sink sink, void *arg);

#endif /* CONSOLE_INT_H */

/* The console feeder: a fixed line buffer filled from chunks of any size,
 * the kernel timestamp stripped, and each line handed to the script, the
 * patterns and the KTAP/TAP parser, in that order. */
#include "console_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* --- building ---------------------------------------------------------- */

static int add_pattern(console *c, const char *opt, const char *re,
		       const char *what, int pass, char *err, size_t errlen)
{
	console_pattern *p = &c->pats[c->n_pats];
	int rc;

	if ((rc = console_compile(&p->code, opt, re, err, errlen)) < 0)
		return rc;
	c->n_pats++;
	p->pass = pass;
	if (!(p->what = strdup(what)))
		return CONSOLE_ENOMEM;
	return 0;
}

static int add_list(console *c, const char *opt, const char *const *res,
		    size_t n, int pass, char *err, size_t errlen)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_pattern(c, opt, res[i], res[i], pass, err, errlen);
	return rc;
}

static int unknown_preset(const char *name, char *err, size_t errlen)
{
	char known[256] = "";
	size_t n = 0;

	for (const char *const *p = console_preset_names(); *p; p++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s",
				      n ? ", " : "", *p);
	util_errf(err, errlen, "--console-preset \"%s\": unknown preset "
		  "(known: %s)", name, known);
	return CONSOLE_EINVAL;
}

static int add_preset(console *c, const console_rule *rules, size_t n,
		      const char *preset, char *err, size_t errlen)
{
	char what[128];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf(what, sizeof(what), "%s:%s", preset, rules[i].name);
		rc = add_pattern(c, "--console-preset", rules[i].regex, what,
				 rules[i].kind == CONSOLE_RULE_PASS, err, errlen);
	}
	return rc;
}

/* The regex text of each pattern, in c->pats order, for the prefilter. */
static int build_patterns(console *c, const console_spec *spec,
			  const console_rule *rules, size_t n_rules,
			  char *err, size_t errlen)
{
	size_t total = spec->n_fail + n_rules + spec->n_pass, k = 0;
	const char **res = NULL;
	int rc;

	c->pats = calloc(total ? total : 1, sizeof(*c->pats));
	res = calloc(total ? total : 1, sizeof(*res));
	if (!c->pats || !res) {
		rc = CONSOLE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < spec->n_fail; i++)
		res[k++] = spec->fail[i];
	for (size_t i = 0; i < n_rules; i++)
		res[k++] = rules[i].regex;
	for (size_t i = 0; i < spec->n_pass; i++)
		res[k++] = spec->pass[i];
	if ((rc = add_list(c, "--console-fail", spec->fail, spec->n_fail, 0,
			   err, errlen)) < 0 ||
	    (rc = add_preset(c, rules, n_rules, spec->preset, err, errlen)) < 0 ||
	    (rc = add_list(c, "--console-pass", spec->pass, spec->n_pass, 1,
			   err, errlen)) < 0)
		goto out;
	rc = console_prefilter(&c->prefilter, c->pats, c->n_pats, res);
out:
	free(res);
	return rc;
}

int console_new(console **out, const console_spec *spec, char *err,
		size_t errlen)
{
	const console_rule *rules = NULL;
	size_t n_rules = 0;
	console *c = calloc(1, sizeof(*c));
	int rc = CONSOLE_ENOMEM;

	*out = NULL;
	if (!c)
		goto out;
	if (spec->preset && console_describe_preset(&rules, &n_rules,
						    spec->preset) < 0) {
		rc = unknown_preset(spec->preset, err, errlen);
		goto out;
	}
	if ((rc = console_matcher_init(&c->m)) < 0 ||
	    (rc = build_patterns(c, spec, rules, n_rules, err, errlen)) < 0 ||
	    (rc = console_script_build(c, spec, err, errlen)) < 0)
		goto out;
	if (spec->results != CONSOLE_RESULTS_NONE &&
	    (rc = ktap_new(&c->ktap, spec->results)) < 0)
		goto out;
	*out = c;
	c = NULL;
out:
	if (rc == CONSOLE_ENOMEM)
		util_errf(err, errlen, "console: out of memory");
	console_free(c);
	return rc;
}

void console_free(console *c)
{
	if (!c)
		return;
	ktap_free(c->ktap);
	console_script_free(c);
	for (size_t i = 0; i < c->n_pats; i++) {
		pcre2_code_free(c->pats[i].code);
		free(c->pats[i].what);
	}
	free(c->pats);
	pcre2_code_free(c->prefilter);
	console_matcher_fini(&c->m);
	free(c);
}

int console_wants_input(const console *c)
{
	return c->wants_input;
}

size_t console_line_capacity(const console *c)
{
	return sizeof(c->line);
}

/* --- lines ------------------------------------------------------------- */

static size_t skip_digits(const char *s, size_t i, size_t n)
{
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* "[    1.234567] ", after an optional "<6>" level and before an optional
 * "[    T1] " / "[C0] " caller id (CONFIG_PRINTK_CALLER): the length of
 * the kernel's prefix, 0 when the line has none. */
static size_t kernel_prefix(const char *s, size_t n)
{
	size_t i = 0, j;

	if (n > 0 && s[0] == '<') {
		j = skip_digits(s, 1, n);
		if (j > 1 && j < n && s[j] == '>')
			i = j + 1;
	}
	if (i >= n || s[i] != '[')
		return 0;
	for (i++; i < n && s[i] == ' '; i++)
		;
	j = skip_digits(s, i, n);
	if (j == i || j >= n || s[j] != '.')
		return 0;
	i = skip_digits(s, j + 1, n);
	if (i == j + 1 || i >= n || s[i] != ']')
		return 0;
	i++;
	if (i < n && s[i] == '[') {
		for (j = i + 1; j < n && s[j] == ' '; j++)
			;
		if (j < n && (s[j] == 'T' || s[j] == 'C')) {
			size_t k = skip_digits(s, j + 1, n);
			if (k > j + 1 && k < n && s[k] == ']')
				i = k + 1;
		}
	}
	return (i < n && s[i] == ' ') ? i + 1 : i;
}

static int match_patterns(console *c, const char *s, size_t n,
			  console_sink sink, void *arg)
{
	int ruled_out = c->prefilter &&
			console_prefilter_rules_out(&c->m, c->prefilter, s, n);
	size_t end;
	int err = 0;

	for (size_t i = 0; i < c->n_pats && !err; i++) {
		console_pattern *p = &c->pats[i];
		if (ruled_out && p->in_prefilter)
			continue;
		if (!console_match(&end, &c->m, p->code, s, n, 0))
			continue;
		console_event ev = { .kind = p->pass ? CONSOLE_EV_PASS :
					     CONSOLE_EV_FAIL,
				     .line = c->line, .what = p->what };
		err = sink(arg, &ev);
	}
	return err;
}

/* The current line is complete: every consumer sees it, then it resets. */
static int end_line(console *c, console_sink sink, void *arg)
{
	int err;

	if (c->line_len > 0 && c->line[c->line_len - 1] == '\r')
		c->line[--c->line_len] = '\0';
	size_t pfx = kernel_prefix(c->line, c->line_len);
	const char *s = c->line + pfx;
	size_t n = c->line_len - pfx;
	/* The script first: it may have matched this line while partial, so
	 * its events come first however the bytes were split. */
	if ((err = console_script_run(c, pfx, sink, arg)) == 0 &&
	    (err = match_patterns(c, s, n, sink, arg)) == 0 && c->ktap)
		err = ktap_line(c->ktap, s, n, c->line, sink, arg);
	c->line_len = 0;
	c->line[0] = '\0';
	c->consumed = 0;
	c->line_fresh = 0;
	return err;
}

/* Keeps what fits of a line: beyond CONSOLE_LINE_MAX it is dropped until
 * the newline, so a guest that never sends one costs nothing more. */
static void append(console *c, const char *data, size_t len)
{
	size_t room = CONSOLE_LINE_MAX - c->line_len;

	if (len > room)
		len = room;
	if (len == 0)
		return;
	memcpy(c->line + c->line_len, data, len);
	c->line_len += len;
	c->line[c->line_len] = '\0';
	c->line_fresh = 1;
}

/* An expect step also matches the partial line: a prompt has no newline.
 * Pass/fail patterns wait for the complete line (matching them on every
 * read would cost a pass over the line per read and pattern; a verdict
 * line is followed by a newline, and console_flush() ends the last). */
static int partial(console *c, console_sink sink, void *arg)
{
	if (!c->line_fresh || c->step >= c->n_steps)
		return 0;
	c->line_fresh = 0;
	return console_script_run(c, kernel_prefix(c->line, c->line_len), sink,
				  arg);
}

int console_feed(console *c, const char *data, size_t len, console_sink sink,
		 void *arg)
{
	int err = 0;

	while (len > 0 && !err) {
		const char *nl = memchr(data, '\n', len);
		size_t chunk = nl ? (size_t)(nl - data) : len;
		append(c, data, chunk);
		if (!nl)
			return partial(c, sink, arg);
		err = end_line(c, sink, arg);
		data += chunk + 1;
		len -= chunk + 1;
	}
	return err;
}

int console_flush(console *c, console_sink sink, void *arg)
{
	int err = 0;

	if (c->line_len > 0)
		err = end_line(c, sink, arg);
	if (!err && c->ktap)
		err = ktap_flush(c->ktap, sink, arg);
	return err;
}

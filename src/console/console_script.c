/* The expect/send script: checking and compiling the steps, decoding the
 * escapes of a send, and running the steps over the current line, which
 * may be partial (a prompt has no newline). */
#include "console_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* One escape at s[i] == '\\': the byte into *out, *used its length. */
static int escape(char *out, size_t *used, const char *s, size_t i)
{
	static const char from[] = "nrt\\", to[] = "\n\r\t\\";
	const char *hit = s[i + 1] ? strchr(from, s[i + 1]) : NULL;

	if (hit) {
		*out = to[hit - from];
		*used = 2;
		return 0;
	}
	if (s[i + 1] == 'x' && util_hex_digit(s[i + 2]) >= 0 && util_hex_digit(s[i + 3]) >= 0) {
		*out = (char)(util_hex_digit(s[i + 2]) * 16 + util_hex_digit(s[i + 3]));
		*used = 4;
		return 0;
	}
	return CONSOLE_EINVAL;
}

int console_unescape(char **out, size_t *len, const char *s, char *why,
		     size_t whylen)
{
	size_t n = strlen(s), k = 0, used;
	char *buf = malloc(n + 1);

	*out = NULL;
	*len = 0;
	if (!buf)
		return CONSOLE_ENOMEM;
	for (size_t i = 0; i < n; i += used) {
		used = 1;
		if (s[i] != '\\') {
			buf[k++] = s[i];
		} else if (escape(&buf[k++], &used, s, i) < 0) {
			util_errf(why, whylen, "bad escape at offset %zu (known: "
				  "\\n \\r \\t \\\\ \\xNN)", i);
			free(buf);
			return CONSOLE_EINVAL;
		}
	}
	buf[k] = '\0';
	*out = buf;
	*len = k;
	return 0;
}

/* A --console-send text, decoded into the step (owned). */
static int decode(console_cstep *st, const char *s, char *err, size_t errlen)
{
	char why[128];
	int rc = console_unescape(&st->text, &st->len, s, why, sizeof(why));

	if (rc == CONSOLE_EINVAL)
		util_errf(err, errlen, "--console-send \"%s\": %s", s, why);
	return rc;
}

static int build_step(console_cstep *st, const console_step *in, char *err,
		      size_t errlen)
{
	if (in->send)
		return decode(st, in->text, err, errlen);
	if (!(st->text = strdup(in->text)))
		return CONSOLE_ENOMEM;
	return console_compile(&st->code, "--console-expect", in->text, err,
			       errlen);
}

int console_script_build(console *c, const console_spec *spec, char *err,
			 size_t errlen)
{
	int rc = 0;

	if (spec->n_steps == 0)
		return 0;
	if (spec->steps[0].send) {
		util_errf(err, errlen, "--console-send \"%s\": no --console-expect "
			  "before it", spec->steps[0].text);
		return CONSOLE_EINVAL;
	}
	c->steps = calloc(spec->n_steps, sizeof(*c->steps));
	if (!c->steps)
		return CONSOLE_ENOMEM;
	for (size_t i = 0; i < spec->n_steps && rc == 0; i++) {
		c->n_steps = i + 1;
		rc = build_step(&c->steps[i], &spec->steps[i], err, errlen);
		if (spec->steps[i].send)
			c->wants_input = 1;
		else
			c->last_expect = i;
	}
	return rc;
}

void console_script_free(console *c)
{
	for (size_t i = 0; i < c->n_steps; i++) {
		pcre2_code_free(c->steps[i].code);
		free(c->steps[i].text);
	}
	free(c->steps);
}

/* PASS quotes the line through the end of the last match: what a partial
 * line held when it matched, the same however the bytes were split. */
static int pass(console *c, console_sink sink, void *arg)
{
	char saved = c->line[c->consumed];
	console_event ev = { .kind = CONSOLE_EV_PASS, .line = c->line,
			     .what = c->steps[c->last_expect].text };

	c->line[c->consumed] = '\0';
	int err = sink(arg, &ev);
	c->line[c->consumed] = saved;
	return err;
}

/* Steps run in order while they can: a send always, an expect when it
 * matches the line after what earlier expects used up. After the last
 * expect, the sends that follow it go out, then PASS. */
int console_script_run(console *c, size_t pfx, console_sink sink, void *arg)
{
	const char *s = c->line + pfx;
	size_t n = c->line_len - pfx, end;
	int passed = 0, err = 0;

	while (!err && c->step < c->n_steps) {
		console_cstep *st = &c->steps[c->step];
		console_event ev = { .kind = CONSOLE_EV_SEND, .data = st->text,
				     .len = st->len };
		if (st->code) {
			size_t from = c->consumed > pfx ? c->consumed - pfx : 0;
			if (from > n || !console_match(&end, &c->m, st->code, s, n, from))
				break;
			c->consumed = pfx + end;
			passed = c->step == c->last_expect;
			c->step++;
			continue;
		}
		c->step++;
		err = sink(arg, &ev);
	}
	if (err || !passed)
		return err;
	return pass(c, sink, arg);
}

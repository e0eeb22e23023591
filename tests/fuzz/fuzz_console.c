/* libFuzzer harness for the console (src/console/): any bytes as console
 * output, through patterns, a script, a preset and the KTAP/TAP parser.
 * Byte 0 picks the split of one feed and the preset; the same input fed
 * in chunks of 1..8 bytes (byte 1 picks) must give the same events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "ktap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct digest {
	uint64_t h;
	size_t events;
} digest;

static void mix(digest *d, const void *p, size_t len)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < len; i++)
		d->h = (d->h ^ s[i]) * 0x100000001b3ull;
}

static void mix_str(digest *d, const char *s, size_t max)
{
	if (!s)
		abort();
	size_t n = strnlen(s, max + 1);
	if (n > max)
		abort();  /* a string over its documented bound */
	mix(d, s, n + 1);
}

static int sink(void *arg, const console_event *ev)
{
	digest *d = arg;
	size_t name_max = (KTAP_DEPTH_MAX + 1) * (KTAP_NAME_MAX + 1) + 48;

	d->events++;
	mix(d, &ev->kind, sizeof(ev->kind));
	switch (ev->kind) {
	case CONSOLE_EV_PASS:
	case CONSOLE_EV_FAIL:
		mix_str(d, ev->line, CONSOLE_LINE_MAX);
		mix_str(d, ev->what, 4096);
		break;
	case CONSOLE_EV_SEND:
		if (!ev->data || ev->len > 64)
			abort();
		mix(d, ev->data, ev->len);
		break;
	case CONSOLE_EV_PLAN:
		mix(d, &ev->count, sizeof(ev->count));
		break;
	case CONSOLE_EV_TEST_END:
		if (!ev->data || ev->len > CONSOLE_OUTPUT_MAX || ev->count == 0 ||
		    ev->result < CONSOLE_TEST_PASS || ev->result > CONSOLE_TEST_NOTRUN)
			abort();
		mix(d, ev->data, ev->len);
		mix_str(d, ev->line, CONSOLE_LINE_MAX);
		mix(d, &ev->result, sizeof(ev->result));
		mix(d, &ev->count, sizeof(ev->count));
		mix(d, &ev->suite, sizeof(ev->suite));
		/* fall through */
	case CONSOLE_EV_TEST_BEGIN:
		mix_str(d, ev->name, name_max);
		break;
	case CONSOLE_EV_BAIL:
		mix_str(d, ev->line, CONSOLE_LINE_MAX);
		break;
	case CONSOLE_EV_RESULTS_DONE:
		if (ev->failed < 0)
			abort();
		mix(d, &ev->failed, sizeof(ev->failed));
		break;
	default:
		abort();
	}
	return 0;
}

static const char *const fail[] = { "FAIL", "(?i)error \\d", "panic", "(a|b)\\1" };
static const char *const pass[] = { "^PASS$" };
/* Expects of fixed text: they match at the same place however the bytes
 * are split, so the two feeds must agree. */
static const console_step steps[] = {
	{ 0, "login: " }, { 1, "root\\n" }, { 0, "# " }, { 1, "x\\x00y" },
	{ 0, "=> " },
};
static const char *const presets[] = { "linux", "u-boot", "zephyr" };

static console *make(uint8_t pick)
{
	console_spec spec = {
		.fail = fail, .n_fail = sizeof(fail) / sizeof(fail[0]),
		.pass = pass, .n_pass = 1,
		.steps = steps, .n_steps = sizeof(steps) / sizeof(steps[0]),
		.preset = presets[pick % 3], .results = CONSOLE_RESULTS_AUTO,
	};
	console *c;
	char err[256];
	if (console_new(&c, &spec, err, sizeof(err)) != 0)
		abort();
	return c;
}

static digest run(const char *in, size_t size, uint8_t pick, size_t split,
		  size_t chunk)
{
	console *c = make(pick);
	digest d = { 0xcbf29ce484222325ull, 0 };

	if (chunk == 0) {
		if (console_feed(c, in, split, sink, &d) != 0 ||
		    console_feed(c, in + split, size - split, sink, &d) != 0)
			abort();
	} else {
		for (size_t i = 0; i < size; i += chunk)
			if (console_feed(c, in + i, size - i < chunk ? size - i : chunk,
					 sink, &d) != 0)
				abort();
	}
	if (console_flush(c, sink, &d) != 0)
		abort();
	if (console_line_capacity(c) > CONSOLE_LINE_MAX + 1)
		abort();
	console_free(c);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t pick = data[0], chunk = (uint8_t)(1 + data[1] % 8);
	size_t len = size - 2;
	/* A private copy, so ASan flags any read past the end. */
	char *in = malloc(len ? len : 1);
	if (!in)
		return 0;
	memcpy(in, data + 2, len);
	size_t split = len ? (size_t)pick * len / 256 : 0;
	digest a = run(in, len, pick, split, 0);
	digest b = run(in, len, pick, 0, chunk);
	if (a.h != b.h || a.events != b.events)
		abort();  /* the events depend on how the bytes were split */
	free(in);
	return 0;
}

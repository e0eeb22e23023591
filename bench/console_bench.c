/* The cost of the console module (src/console/) per byte: 10 MiB of
 * kernel-like console text fed in 4 KiB reads, with no pattern, with 20
 * fail patterns, and with 20 patterns + the linux preset + KTAP parsing.
 * Prints one line per case: MiB/s and ns per line. Not a test: numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define TOTAL (10u << 20)

static const char *const fail20[] = {
	"FAILED", "ERROR:", "segfault at", "(?i)assertion", "Call Trace:",
	"double fault", "stack-protector", "general protection", "soft lockup",
	"hung_task", "Out of memory", "blocked for more than \\d+ seconds",
	"^FAIL ", "not ok \\d+ ", "BUG_ON", "RIP: [0-9a-f]+:", "corrupted",
	"invalid opcode", "watchdog: ", "rcu_sched self-detected",
};

static int sink(void *arg, const console_event *ev)
{
	(void)ev;
	(*(size_t *)arg)++;
	return 0;
}

static char *make_text(size_t *lines)
{
	char *buf = malloc(TOTAL + 256);
	size_t n = 0;

	*lines = 0;
	for (unsigned i = 0; n < TOTAL; i++, (*lines)++)
		n += (size_t)sprintf(buf + n, "[ %5u.%06u] virtio_blk virtio%u: "
				     "[vda] %u 512-byte logical blocks (%u MB)\n",
				     i / 1000, i % 1000 * 997, i % 4, i * 7, i % 9000);
	return buf;
}

static double run(const console_spec *spec, const char *text, size_t len,
		  size_t *events)
{
	console *c;
	char err[256];
	struct timespec a, b;

	if (console_new(&c, spec, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < len; i += 4096)
		console_feed(c, text + i, len - i < 4096 ? len - i : 4096, sink, events);
	console_flush(c, sink, events);
	clock_gettime(CLOCK_MONOTONIC, &b);
	console_free(c);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

int main(void)
{
	size_t lines, len;
	char *text = make_text(&lines);
	len = strlen(text);
	console_spec none = { .results = CONSOLE_RESULTS_NONE };
	console_spec twenty = { .fail = fail20, .n_fail = 20,
				.results = CONSOLE_RESULTS_NONE };
	console_spec ktaponly = { .results = CONSOLE_RESULTS_AUTO };
	console_spec preset = { .preset = "linux", .results = CONSOLE_RESULTS_NONE };
	console_spec full = { .fail = fail20, .n_fail = 20, .preset = "linux",
			      .results = CONSOLE_RESULTS_AUTO };
	struct { const char *name; const console_spec *spec; } cases[] = {
		{ "no patterns", &none }, { "20 fail patterns", &twenty },
		{ "linux preset", &preset }, { "ktap auto (no version line)", &ktaponly },
		{ "20 + linux preset + ktap", &full },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t events = 0;
		double best = 1e9;
		for (int r = 0; r < 3; r++) {
			double t = run(cases[i].spec, text, len, &events);
			if (t < best)
				best = t;
		}
		printf("%-26s %8.1f MiB/s %7.1f ns/line (%zu lines, %zu events)\n",
		       cases[i].name, (double)len / (1 << 20) / best,
		       best * 1e9 / (double)lines, lines, events / 3);
	}
	free(text);
	return 0;
}

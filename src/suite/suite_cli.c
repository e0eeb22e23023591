/*
 * The command line of `stubrun test`: options and usage text.
 */
#include "suite_cli.h"

#include "runopt.h"
#include "shard.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void suite_usage(FILE *f)
{
	fputs(
"usage: stubrun test [OPTIONS] SUITE.ini...\n"
"Runs every test of the suite files, each as a child `stubrun run`, in\n"
"parallel, and writes CI reports. The suite format is in docs/SUITES.md.\n"
"\n"
"  -j, --jobs N       tests at once (default: the number of CPUs)\n"
"  --filter GLOB      run only tests whose name matches (repeatable; fnmatch)\n"
"  --list             print the selected test names instead of running them\n"
"                     (with --json: one JSON object per test)\n"
"  --fail-fast        stop at the first failure (the rest are \"not run\")\n"
"  --repeat N         run each test N times (named NAME#1..NAME#N)\n"
"  --debug-on-failure[=NAME]\n"
"                     a failing test keeps its machine for gdb (as stubrun\n"
"                     run --debug-on-failure, docs/DEBUGGING.md): with -j1\n"
"                     any test, else those NAME (a glob) matches; their\n"
"                     stderr is the terminal's, and the suite's backstop\n"
"                     timeout does not apply to them\n"
"  --timeout S        timeout of tests that set none (run's default: 60)\n",
	      f);
	for (int i = 0; i < REPORT_NFORMATS; i++) {
		const report_format *rf = &report_formats[i];
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s %s", rf->name,
			 rf->file_optional ? "[FILE]" : "FILE");
		fprintf(f, "  %-18s %s\n", opt, rf->help);
	}
	fputs(
"                     (a FILE operand must not end in .ini: that is a suite)\n"
"  --shard K/N        run only shard K of N (1 <= K <= N), also from Bazel's\n"
"                     TEST_TOTAL_SHARDS / TEST_SHARD_INDEX\n"
"  -h, --help         this text\n"
"\n"
"Progress goes to stderr: a live line on a terminal, else a line per test.\n"
"\n"
"Exit status:\n"
"  0        every test passed\n"
"  1        a test failed, timed out or could not run\n"
"  125      a suite or usage error (SUITE:LINE: problem)\n"
"  130/143  interrupted by SIGINT/SIGTERM (129: SIGHUP); reports are partial\n",
	      f);
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	*v = nv;
	nv[(*n)++] = s;
	return 0;
}

static int parse_count(int *out, const char *s, int lo, int hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* The FILE operand of --tap / --json is optional: the next argument is
 * taken when it is not an option and not a suite file. */
static const char *optional_file(int *i, int argc, char **argv)
{
	const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	size_t n = next ? strlen(next) : 0;

	if (!next || (next[0] == '-' && next[1]) ||
	    (n > 4 && strcmp(next + n - 4, ".ini") == 0))
		return "-";
	(*i)++;
	return next;
}

/* --NAME [FILE] of a report format: 1 when `name` is one (*val is then
 * its file, or NULL when a required FILE is missing). */
static int report_option(suite_opts *o, const char *name, const char **val,
			 int *i, int argc, char **argv)
{
	for (int f = 0; f < REPORT_NFORMATS; f++) {
		const report_format *rf = &report_formats[f];
		if (strncmp(name, "--", 2) || strcmp(name + 2, rf->name))
			continue;
		if (!*val && rf->file_optional)
			*val = optional_file(i, argc, argv);
		else if (!*val && *i + 1 < argc)
			*val = argv[++*i];
		o->report[f] = *val;
		return 1;
	}
	return 0;
}

static int option(suite_opts *o, int *i, int argc, char **argv,
		  char *errbuf, size_t errlen)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
	const char *val = eq && arg[1] == '-' ? eq + 1 : NULL;
	char name[32];

	if (arg[1] == 'j' && arg[2]) {       /* -j8 */
		val = arg + 2;
		len = 2;
	}
	snprintf(name, sizeof(name), "%.*s", (int)len, arg);
#define IS(s) (strcmp(name, s) == 0)
#define NEED() do { if (!val) { if (*i + 1 >= argc) goto missing; \
			val = argv[++*i]; } } while (0)
	if (IS("-h") || IS("--help")) {
		o->help = 1;
	} else if (IS("--list")) {
		o->list = 1;
	} else if (IS("--fail-fast")) {
		o->fail_fast = 1;
	} else if (IS("--debug-on-failure")) {
		o->debug_on_failure = 1;
		o->debug_test = val;
		if (val && !*val)
			goto bad;
	} else if (IS("-j") || IS("--jobs") || IS("--repeat")) {
		NEED();
		if (IS("--repeat") ? parse_count(&o->repeat, val, 1, 100000) :
		    parse_count(&o->jobs, val, 1, 4096))
			goto bad;
	} else if (IS("--timeout")) {
		NEED();
		if (runopt_parse_seconds(&o->timeout_s, val) < 0)
			goto bad;
	} else if (IS("--filter")) {
		NEED();
		if (push(&o->filters, &o->nfilters, (char *)val))
			goto nomem;
	} else if (report_option(o, name, &val, i, argc, argv)) {
		if (!val)
			goto missing;
	} else if (IS("--shard")) {
		NEED();
		return shard_parse(&o->shard_index, &o->shard_total, val,
				   errbuf, errlen);
	} else {
		snprintf(errbuf, errlen, "%s: unknown option (see stubrun test --help)",
			 name);
		return -1;
	}
	return 0;
#undef IS
#undef NEED
missing:
	snprintf(errbuf, errlen, "%s: needs a value", name);
	return -1;
bad:
	snprintf(errbuf, errlen, "%s '%s': bad value", name, val);
	return -1;
nomem:
	snprintf(errbuf, errlen, "out of memory");
	return -1;
}

int suite_opts_parse(suite_opts *o, int argc, char **argv, char *errbuf,
		     size_t errlen)
{
	int only_suites = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = ncpu > 0 ? (int)(ncpu < 4096 ? ncpu : 4096) : 1;
	o->repeat = 1;
	for (int i = 1; i < argc; i++) {
		if (!only_suites && strcmp(argv[i], "--") == 0) {
			only_suites = 1;
		} else if (!only_suites && argv[i][0] == '-' && argv[i][1]) {
			if (option(o, &i, argc, argv, errbuf, errlen) < 0)
				return -1;
		} else if (push(&o->suites, &o->nsuites, argv[i])) {
			snprintf(errbuf, errlen, "out of memory");
			return -1;
		}
	}
	if (!o->help && o->nsuites == 0) {
		snprintf(errbuf, errlen, "no SUITE given (see stubrun test --help)");
		return -1;
	}
	/* Two tests waiting for gdb at once would share one terminal. */
	if (o->debug_on_failure && !o->debug_test && o->jobs != 1) {
		snprintf(errbuf, errlen, "--debug-on-failure: needs -j1, or a "
			 "test's NAME (--debug-on-failure=NAME)");
		return -1;
	}
	return 0;
}

void suite_opts_free(suite_opts *o)
{
	free(o->filters);
	free(o->suites);
	memset(o, 0, sizeof(*o));
}

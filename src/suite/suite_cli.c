/*
 * The command line of `stubrun test`: one option table that drives the
 * parsing and the --help text (the report formats' rows come from
 * report_formats[], where each format is declared once).
 */
#include "suite_cli.h"
#include "util.h"
#include "suite.h"

#include "runopt.h"
#include "shard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum sopt_id {
	SOPT_JOBS, SOPT_FILTER, SOPT_LIST, SOPT_FAIL_FAST, SOPT_REPEAT,
	SOPT_TIMEOUT, SOPT_RETRY_FAILED, SOPT_FLAKY_FAILS, SOPT_QUARANTINE,
	SOPT_REPORTS, SOPT_SHARD, SOPT_DURATIONS, SOPT_HELP, SOPT_FORMAT,
	SOPT_DEBUG_ON_FAILURE, SOPT_COVERAGE, SOPT_COVERAGE_STRIP,
} sopt_id;

/* Which command line an option belongs to. */
typedef enum sopt_scope {
	SOPT_TEST = 1,           /* stubrun test */
	SOPT_MERGE = 2,          /* stubrun report merge */
} sopt_scope;

typedef struct sopt_def {
	const char *name;        /* "--jobs" */
	const char *alias;       /* "-j", or NULL */
	sopt_id id;
	unsigned scope;          /* sopt_scope bits */
	const char *metavar;     /* the value's name; NULL for a flag;
				  * "[=...]": only as --name=VALUE */
	const char *help;        /* lines separated by '\n' */
} sopt_def;

/* In --help order. The SOPT_REPORTS row stands for the rows of
 * report_formats[] (--junit, --tap, --json, --html). */
static const sopt_def sopt_table[] = {
	{ "--jobs", "-j", SOPT_JOBS, SOPT_TEST, "N",
	  "tests at once (default: the number of CPUs)" },
	{ "--filter", NULL, SOPT_FILTER, SOPT_TEST, "GLOB",
	  "run only tests whose name matches (repeatable; fnmatch)" },
	{ "--list", NULL, SOPT_LIST, SOPT_TEST, NULL,
	  "print the selected test names instead of running them\n"
	  "(with --json: one JSON object per test)" },
	{ "--fail-fast", NULL, SOPT_FAIL_FAST, SOPT_TEST, NULL,
	  "stop at the first failure (the rest are \"not run\")" },
	{ "--repeat", NULL, SOPT_REPEAT, SOPT_TEST, "N",
	  "run each test N times (named NAME#1..NAME#N)" },
	{ "--debug-on-failure", NULL, SOPT_DEBUG_ON_FAILURE, SOPT_TEST, "[=NAME]",
	  "a failing test keeps its machine for gdb (as stubrun run\n"
	  "--debug-on-failure, docs/DEBUGGING.md): with -j1 any test,\n"
	  "else those NAME (a glob) matches; their stderr is the\n"
	  "terminal's, and the suite's backstop timeout does not\n"
	  "apply to them" },
	{ "--timeout", NULL, SOPT_TIMEOUT, SOPT_TEST, "S",
	  "timeout of tests that set none (run's default: 60): the\n"
	  "guest's running time, as stubrun run --timeout counts it\n"
	  "(the reports' guest time; wall time is QEMU's start-up,\n"
	  "the post-mortem and waits for gdb on top)" },
	{ "--retry-failed", NULL, SOPT_RETRY_FAILED, SOPT_TEST, "N",
	  "run a failed test again, up to N more times; one that\n"
	  "then passes is \"flaky\" and counts as passed" },
	{ "--flaky-fails", NULL, SOPT_FLAKY_FAILS, SOPT_TEST, NULL,
	  "a flaky test fails the suite (exit status 1)" },
	{ "--quarantine", NULL, SOPT_QUARANTINE, SOPT_TEST, "FILE",
	  "lines \"GLOB  reason\": matching tests run and are reported\n"
	  "as quarantined, and do not fail the suite" },
	{ "--coverage", NULL, SOPT_COVERAGE, SOPT_TEST, "DIR",
	  "each test's gcov data (stubrun run --coverage), merged\n"
	  "into DIR with gcov-tool; with gcovr installed, also\n"
	  "DIR/html/index.html and DIR/coverage.xml (Cobertura)" },
	{ "--coverage-strip", NULL, SOPT_COVERAGE_STRIP, SOPT_TEST, "N",
	  "drop the first N directories of each object's build\n"
	  "path under DIR (as GCOV_PREFIX_STRIP)" },
	{ NULL, NULL, SOPT_REPORTS, SOPT_TEST, NULL, NULL },
	{ "--shard", NULL, SOPT_SHARD, SOPT_TEST, "K/N",
	  "run only shard K of N (1 <= K <= N), also from Bazel's\n"
	  "TEST_TOTAL_SHARDS / TEST_SHARD_INDEX" },
	{ "--durations", NULL, SOPT_DURATIONS, SOPT_TEST, "FILE",
	  "with --shard: balance the shards by the durations in an\n"
	  "earlier --json report (longest first onto the lightest)" },
	{ "--help", "-h", SOPT_HELP, SOPT_TEST | SOPT_MERGE, NULL, "this text" },
	{ "--format", NULL, SOPT_FORMAT, SOPT_MERGE, "junit|tap|json|html",
	  "the format of OUT (default: from its extension: .xml,\n"
	  ".tap, .json or .jsonl, .html); the inputs' own is read\n"
	  "from them (JUnit, TAP or JSON lines; a page is not read)" },
};

#define SOPT_COUNT (sizeof(sopt_table) / sizeof(sopt_table[0]))

/* "  --name VALUE      help", continuation lines under the help. */
static void usage_row(FILE *f, const char *opt, const char *help)
{
	const char *nl;

	if (strlen(opt) > 18)
		fprintf(f, "  %s\n  %-18s ", opt, "");
	else
		fprintf(f, "  %-18s ", opt);
	while ((nl = strchr(help, '\n'))) {
		fprintf(f, "%.*s\n  %-18s ", (int)(nl - help), help, "");
		help = nl + 1;
	}
	fprintf(f, "%s\n", help);
}

static void usage_reports(FILE *f)
{
	for (int i = 0; i < REPORT_NFORMATS; i++) {
		const report_format *rf = &report_formats[i];
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s %s", rf->name,
			 rf->file_optional ? "[FILE]" : "FILE");
		usage_row(f, opt, rf->help);
	}
	usage_row(f, "", "(a FILE operand must not end in .ini: that is a suite)");
}

static void usage_scope(FILE *f, unsigned scope)
{
	for (size_t i = 0; i < SOPT_COUNT; i++) {
		const sopt_def *d = &sopt_table[i];
		char opt[48];
		if (!(d->scope & scope))
			continue;
		if (d->id == SOPT_REPORTS) {
			usage_reports(f);
			continue;
		}
		snprintf(opt, sizeof(opt), "%s%s%s%s%s", d->alias ? d->alias : "",
			 d->alias ? ", " : "", d->name,
			 d->metavar && d->metavar[0] != '[' ? " " : "",
			 d->metavar ? d->metavar : "");
		usage_row(f, opt, d->help);
	}
}

void suite_usage(FILE *f)
{
	fputs(
"usage: stubrun test [OPTIONS] SUITE.ini...\n"
"       stubrun report merge [--format junit|tap|json|html] OUT IN...\n"
"Runs every test of the suite files, each as a child `stubrun run`, in\n"
"parallel, and writes CI reports. The suite format is in docs/SUITES.md.\n"
"\n", f);
	usage_scope(f, SOPT_TEST);
	fputs(
"\n"
"`stubrun report merge OUT IN...` merges the reports of shards (JUnit, TAP\n"
"or JSON lines, each read as what it is) into OUT (\"-\": stdout):\n", f);
	usage_scope(f, SOPT_MERGE);
	fprintf(f,
"\n"
"Progress goes to stderr: a live line on a terminal, else a line per test.\n"
"\n"
"Under Bazel (docs/ECOSYSTEM.md): TEST_TOTAL_SHARDS and TEST_SHARD_INDEX\n"
"pick the shard unless --shard does, TEST_SHARD_STATUS_FILE is touched,\n"
"XML_OUTPUT_FILE is --junit's default, and TEST_PREMATURE_EXIT_FILE exists\n"
"while the tests run (removed at the end, kept when a signal cut it short).\n"
"\n"
"Exit status:\n"
"  %-3d      every test passed (flaky and quarantined ones included);\n"
"           report merge: OUT written\n"
"  %-3d      a test failed, timed out or could not run\n"
"  %-3d      the --quarantine FILE is malformed (FILE:LINE: problem)\n"
"  %-3d      the --durations report, or an input of report merge, is\n"
"           malformed (FILE:LINE: problem)\n"
"  %-3d      a suite or usage error (SUITE:LINE: problem)\n"
"  130/143  interrupted by SIGINT/SIGTERM (129: SIGHUP); reports are partial\n",
		SUITE_EXIT_PASS, SUITE_EXIT_FAIL, SUITE_EXIT_QUARANTINE,
		SUITE_EXIT_BADREPORT, SUITE_EXIT_ERROR);
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
	long v;

	if (util_parse_count(&v, s, lo, hi) < 0)
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

static const sopt_def *sopt_find(const char *name, unsigned scope)
{
	for (size_t i = 0; i < SOPT_COUNT; i++) {
		const sopt_def *d = &sopt_table[i];
		if (d->name && (d->scope & scope) && (!strcmp(d->name, name) ||
				(d->alias && !strcmp(d->alias, name))))
			return d;
	}
	return NULL;
}

/* Applies one option with its value (NULL for a flag): 0, -1 for a bad
 * value, or the shard parser's -1 with its own message (2). */
static int apply(suite_opts *o, const sopt_def *d, const char *val,
		 char *errbuf, size_t errlen)
{
	switch (d->id) {
	case SOPT_HELP: o->help = 1; return 0;
	case SOPT_LIST: o->list = 1; return 0;
	case SOPT_FAIL_FAST: o->fail_fast = 1; return 0;
	case SOPT_FLAKY_FAILS: o->flaky_fails = 1; return 0;
	case SOPT_JOBS: return parse_count(&o->jobs, val, 1, 4096);
	case SOPT_REPEAT: return parse_count(&o->repeat, val, 1, 100000);
	case SOPT_RETRY_FAILED:
		return parse_count(&o->retry_failed, val, 0, SUITE_MAX_RETRIES);
	case SOPT_TIMEOUT:
		return runopt_parse_seconds(&o->timeout_s, val) < 0 ? -1 : 0;
	case SOPT_FILTER:
		return push(&o->filters, &o->nfilters, (char *)val) ? -1 : 0;
	case SOPT_QUARANTINE: o->quarantine = val; return 0;
	case SOPT_DEBUG_ON_FAILURE:
		o->debug_on_failure = 1;
		o->debug_test = val;
		return val && !*val ? -1 : 0;
	case SOPT_DURATIONS: o->durations = val; return 0;
	case SOPT_COVERAGE: o->coverage = val; return 0;
	case SOPT_COVERAGE_STRIP:
		return parse_count(&o->coverage_strip, val, 0, 255);
	case SOPT_SHARD:
		return shard_parse(&o->shard_index, &o->shard_total, val,
				   errbuf, errlen) < 0 ? 2 : 0;
	case SOPT_FORMAT:
		for (int f = 0; f < REPORT_NFORMATS; f++)
			if (!strcmp(val, report_formats[f].name)) {
				o->format = f;
				return 0;
			}
		return -1;
	case SOPT_REPORTS: break;
	}
	return -1;
}

static int option(suite_opts *o, int *i, int argc, char **argv,
		  unsigned scope, char *errbuf, size_t errlen)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
	const char *val = eq && arg[1] == '-' ? eq + 1 : NULL;
	const sopt_def *d;
	char name[32];
	int rc;

	if (arg[1] == 'j' && arg[2]) {       /* -j8 */
		val = arg + 2;
		len = 2;
	}
	snprintf(name, sizeof(name), "%.*s", (int)len, arg);
	if (scope == SOPT_TEST && report_option(o, name, &val, i, argc, argv)) {
		if (!val)
			goto missing;
		return 0;
	}
	if (!(d = sopt_find(name, scope))) {
		snprintf(errbuf, errlen, "%s: unknown option (see stubrun %s --help)",
			 name, scope == SOPT_TEST ? "test" : "report merge");
		return -1;
	}
	if (d->metavar && d->metavar[0] == '[') {
		/* optional, and only after '=': "--NAME SUITE" stays a suite */
	} else if (d->metavar && !val) {
		if (*i + 1 >= argc)
			goto missing;
		val = argv[++*i];
	} else if (!d->metavar && val) {
		snprintf(errbuf, errlen, "%s: takes no value", name);
		return -1;
	}
	rc = apply(o, d, val, errbuf, errlen);
	if (rc == -1)
		snprintf(errbuf, errlen, "%s '%s': bad value", name, val ? val : "");
	return rc ? -1 : 0;
missing:
	snprintf(errbuf, errlen, "%s: needs a value", name);
	return -1;
}

/* Options of `scope` and operands; operands after "--" even when they
 * start with '-'. */
static int parse_scope(suite_opts *o, int argc, char **argv, unsigned scope,
		       char *errbuf, size_t errlen)
{
	int only_operands = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = ncpu > 0 ? (int)(ncpu < 4096 ? ncpu : 4096) : 1;
	o->repeat = 1;
	o->format = -1;
	for (int i = 1; i < argc; i++) {
		if (!only_operands && strcmp(argv[i], "--") == 0) {
			only_operands = 1;
		} else if (!only_operands && argv[i][0] == '-' && argv[i][1]) {
			if (option(o, &i, argc, argv, scope, errbuf, errlen) < 0)
				return -1;
		} else if (push(&o->suites, &o->nsuites, argv[i])) {
			snprintf(errbuf, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

int suite_opts_parse(suite_opts *o, int argc, char **argv, char *errbuf,
		     size_t errlen)
{
	if (parse_scope(o, argc, argv, SOPT_TEST, errbuf, errlen) < 0)
		return -1;
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

int suite_merge_opts_parse(suite_opts *o, int argc, char **argv,
			   char *errbuf, size_t errlen)
{
	if (parse_scope(o, argc, argv, SOPT_MERGE, errbuf, errlen) < 0)
		return -1;
	if (!o->help && o->nsuites < 2) {
		snprintf(errbuf, errlen, "expected OUT and at least one IN "
			 "(see stubrun report merge --help)");
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

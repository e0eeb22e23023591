/*
 * Options of `stubrun test` (parsed by src/suite/suite_cli.c) and the console
 * output of a suite run (src/suite/suite_progress.c). Private to suite*.c.
 */
#ifndef SUITE_CLI_H
#define SUITE_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

#include "suite_run.h"

typedef struct suite_opts {
	int jobs;                /* -j N (default: online CPUs) */
	char **filters;          /* --filter GLOB, repeatable */
	size_t nfilters;
	const char *filter_var;  /* the variable the one filter came from
				  * (Bazel's), NULL: --filter */
	int list;                /* --list */
	int fail_fast;
	/* --debug-on-failure[=NAME]: a failing test's machine is handed to
	 * gdb (with -j1: any test; else only those NAME, a glob, matches). */
	int debug_on_failure;
	const char *debug_test;  /* NAME, or NULL */
	int repeat;              /* --repeat N (default 1) */
	double timeout_s;        /* --timeout S (0: run's own default) */
	/* --junit FILE, --tap [FILE], --json [FILE], --html FILE
	 * (report_formats[]); "-" for stdout */
	const char *report[REPORT_NFORMATS];
	int shard_index, shard_total; /* --shard K/N as 0-based; total 0: none */
	const char *durations;   /* --durations REPORT.json, or NULL */
	int retry_failed;        /* --retry-failed N: more attempts (0: none) */
	int flaky_fails;         /* --flaky-fails */
	const char *quarantine;  /* --quarantine FILE, or NULL */
	const char *coverage;    /* --coverage DIR, or NULL */
	int coverage_strip;      /* --coverage-strip N */
	int format;              /* report merge --format: report_format_id,
				  * or -1 */
	int help;
	char **suites;           /* SUITE... */
	size_t nsuites;
} suite_opts;

/* Parses argv[1..] (argv[0] is "test"). -1 with a message on bad usage. */
int suite_opts_parse(suite_opts *o, int argc, char **argv, char *errbuf,
		     size_t errlen);
/* `stubrun report merge` (argv[0] is "merge"): the operands OUT IN...
 * land in o->suites. */
int suite_merge_opts_parse(suite_opts *o, int argc, char **argv,
			   char *errbuf, size_t errlen);
void suite_opts_free(suite_opts *o);
void suite_usage(FILE *f);

/* Live progress and per-result lines on `f` (stderr). */
typedef struct suite_progress {
	FILE *f;
	int tty;                 /* a live status line instead of passes */
	size_t total, done, failed;
	int line_shown;          /* the live line is on screen */
	char last[256];          /* its text */
} suite_progress;

void suite_progress_result(suite_progress *p, const suite_inst *in);
/* A failed attempt that runs again: its failures as RETRY lines. */
void suite_progress_retry(suite_progress *p, const suite_inst *in);
void suite_progress_tick(suite_progress *p, const sched_job *jobs, size_t n,
			 long now_ms);
void suite_progress_clear(suite_progress *p);
/* After the run: the stubrun messages of failures, then one summary line. */
void suite_progress_summary(suite_progress *p, const report *r,
			    const suite_inst *insts, size_t n, int signo,
			    int flaky_fails);

#endif /* SUITE_CLI_H */

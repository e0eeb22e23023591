/*
 * The options of `stubrun run`: one table that drives argv parsing
 * (src/run/cli.c), the `--help` text and the keys of suite files
 * (src/suite/suite_parse.c), and the value parsers both use. Pure data and
 * parsing: nothing here runs anything, so both folders may include it.
 *
 * Conventions: the parsers return 0, or -1 with the problem (without the
 * option's name or value: "expected seconds (0 < S <= 86400)") in a
 * caller-owned buffer; each caller says where the problem is in its own
 * words ("--timeout '0': ...", "SUITE:3: timeout: ...").
 */
#ifndef RUNOPT_H
#define RUNOPT_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"

typedef enum runopt_id {
	RUNOPT_HELP, RUNOPT_VERSION,
	RUNOPT_KERNEL, RUNOPT_INITRD, RUNOPT_APPEND, RUNOPT_DTB, RUNOPT_DRIVE,
	RUNOPT_CDROM, RUNOPT_BIOS, RUNOPT_UEFI, RUNOPT_SYMBOLS,
	RUNOPT_SYMBOLS_OFFSET,
	RUNOPT_ARCH, RUNOPT_MACHINE, RUNOPT_CPU, RUNOPT_MEMORY, RUNOPT_QEMU,
	RUNOPT_QEMU_ARG, RUNOPT_USER, RUNOPT_SYSTEM, RUNOPT_SYSROOT,
	RUNOPT_EXIT_SYMBOL, RUNOPT_FAIL_SYMBOL, RUNOPT_BREAK, RUNOPT_EXPECT,
	RUNOPT_PASS_AT, RUNOPT_WATCH, RUNOPT_NO_FAULT_CATCH, RUNOPT_POSTMORTEM,
	RUNOPT_POSTMORTEM_FILE, RUNOPT_RECORD, RUNOPT_WATCH_BACK,
	RUNOPT_DEBUG_ON_FAILURE, RUNOPT_GDB_WAIT, RUNOPT_DEBUG_LISTEN,
	RUNOPT_SNAPSHOT_AT, RUNOPT_SNAPSHOT_TEST, RUNOPT_TIMEOUT,
	RUNOPT_GDB, RUNOPT_CONNECT, RUNOPT_TRACE_RSP, RUNOPT_TRACE_TIMING,
	RUNOPT_SEMIHOSTING, RUNOPT_SH_ROOT, RUNOPT_SH_ALLOW_SYSTEM, RUNOPT_HEAP,
	RUNOPT_CONSOLE_PASS, RUNOPT_CONSOLE_FAIL, RUNOPT_CONSOLE_EXPECT,
	RUNOPT_CONSOLE_SEND, RUNOPT_CONSOLE_PRESET, RUNOPT_RESULTS,
	RUNOPT_COVERAGE, RUNOPT_COVERAGE_STRIP,
	RUNOPT_EVENTS, RUNOPT_TEST_BEGIN, RUNOPT_TEST_END, RUNOPT_QUIET,
} runopt_id;

/* --postmortem: how much of a failure's post-mortem goes to stderr. */
typedef enum runopt_postmortem {
	RUNOPT_PM_BRIEF = 0,
	RUNOPT_PM_FULL,
	RUNOPT_PM_NONE,
} runopt_postmortem;

/* --watch: the accesses that fail the run (GDB's Z2, Z3, Z4). */
typedef enum runopt_watch {
	RUNOPT_WATCH_WRITE = 0,
	RUNOPT_WATCH_READ,
	RUNOPT_WATCH_ACCESS,
} runopt_watch;

/* --results: how the console's test results are read. */
typedef enum runopt_results {
	RUNOPT_RESULTS_AUTO = 0,  /* after a "KTAP version 1" / "TAP version" line */
	RUNOPT_RESULTS_KTAP,
	RUNOPT_RESULTS_TAP,
	RUNOPT_RESULTS_NONE,
} runopt_results;

/* The prefix of --snapshot-at's console form, console:REGEX. */
#define RUNOPT_CONSOLE_AT "console:"
/* Why 127: a --snapshot-test name is as long as an in-image test's may
 * be (guest.h's buffer of STUBRUN_TEST_NAME_MAX holds 127 and the NUL). */
#define RUNOPT_TEST_NAME_MAX 127

/* How an option takes its value. */
typedef enum runopt_arg {
	RUNOPT_FLAG = 0,     /* no value; in a suite: KEY = true|false */
	RUNOPT_VALUE,        /* --NAME VALUE or --NAME=VALUE */
	RUNOPT_OPTIONAL,     /* only --NAME=VALUE, so "--NAME IMAGE" stays
			      * unambiguous; in a suite: KEY = VALUE */
} runopt_arg;

/* Who services semihosting (cli_options.semihosting). */
typedef enum runopt_semihosting {
	RUNOPT_SH_AUTO = 0,     /* stubrun when the image has traps, else off */
	RUNOPT_SH_STUBRUN,      /* --semihosting[=stubrun] */
	RUNOPT_SH_QEMU,         /* QEMU's own (target=native), no sandbox */
	RUNOPT_SH_GDB,          /* QEMU target=gdb, File-I/O answered by stubrun */
	RUNOPT_SH_OFF,          /* nobody: a trap faults as without a debugger */
} runopt_semihosting;

/* What a value parser makes of a value; which member is set depends on
 * the option (each parser says). `str` always points at the value. */
typedef struct runopt_value {
	const char *str;
	int ms;                 /* --timeout */
	double seconds;         /* --timeout, as given */
	uint64_t u64;           /* --symbols-offset */
	int tcp, tcp_port;      /* --gdb */
	runopt_semihosting sh;  /* --semihosting */
	runopt_results results; /* --results */
	int has_stack;          /* --heap: heap[0..1], stack in heap[2..3] */
	uint64_t heap[4];
	expect_operand where;   /* --break, --pass-at, --watch */
	uint64_t watch_len;     /* --watch: bytes (default: a pointer's) */
	runopt_watch watch;     /* --watch: which accesses */
	runopt_postmortem pm;   /* --postmortem */
	expect_expr expr;       /* --expect */
	const char *format;     /* --drive: "raw" or "qcow2" (static) */
	size_t file_len;        /* --drive: length of FILE before ",format=" */
	const char *console_at; /* --snapshot-at console:REGEX: the REGEX, or
				 * NULL for a LOC (in where) */
	size_t name_len;        /* --snapshot-test: length of NAME before '=' */
} runopt_value;

typedef int (*runopt_parser)(runopt_value *out, const char *v, char *why,
			     size_t whylen);

typedef struct runopt_def {
	const char *name;       /* "--timeout" */
	const char *alias;      /* "-q", or NULL */
	runopt_id id;
	runopt_arg arg;
	int repeat;             /* may be given more than once (in order) */
	int suite_key;          /* also a key of suite files (name without --) */
	runopt_parser parse;    /* NULL: any non-empty value */
	const char *metavar;    /* "SECONDS"; NULL for flags */
	const char *group;      /* starts a --help group: its title, or NULL */
	const char *help;       /* lines separated by '\n' */
} runopt_def;

/* The table, in --help order; runopt_count() entries. */
extern const runopt_def runopt_table[];
size_t runopt_count(void);

/* The option spelled `arg[0..len)` ("--timeout", "-q"), or NULL. */
const runopt_def *runopt_find(const char *arg, size_t len);
/* The option whose suite key is `key` ("timeout"), or NULL. */
const runopt_def *runopt_find_key(const char *key);
/* The option with this id (always present). */
const runopt_def *runopt_by_id(runopt_id id);

/* 1 for the options that boot something without IMAGE: --kernel,
 * --cdrom, --drive, --uefi. */
int runopt_boots(runopt_id id);

/* 1 for the options that, after a --snapshot-test, are that test's own:
 * --snapshot-test itself and the console's patterns and script steps. */
int runopt_of_snapshot_test(runopt_id id);

/* Parses a value for `d`: NULL or empty values are problems; then d's
 * parser. 0, or -1 with the problem in why. */
int runopt_parse(runopt_value *out, const runopt_def *d, const char *v,
		 char *why, size_t whylen);

/* A timeout in seconds: a finite number, 0 < S <= 86400 (a day is far
 * beyond any test and keeps milliseconds inside an int). The one parser
 * of every timeout stubrun reads. */
int runopt_parse_seconds(double *out, const char *v);
#define RUNOPT_TIMEOUT_PROBLEM "expected seconds (0 < S <= 86400)"

/* true|yes|on|1 and false|no|off|0: a flag's value in a suite file. */
int runopt_parse_bool(int *out, const char *v);

/* Writes the option part of `stubrun run --help` (the groups and their
 * options) into buf, NUL-terminated and cut to cap. Returns the length
 * the whole text needs (as snprintf). */
size_t runopt_help(char *buf, size_t cap);

#endif /* RUNOPT_H */

/*
 * Command-line parsing of `stubrun run` (and of `stubrun IMAGE`): turns argv
 * into a cli_options value, with every --expect parsed here so a malformed
 * one is reported before anything starts. Pure: nothing is printed.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "expect.h"
#include "runopt.h"

/* A checkpoint: --break LOC or --pass-at LOC, with the --expect checks that
 * followed it on the command line. */
typedef struct cli_check {
	const char *loc;        /* as written; points into argv */
	expect_operand where;   /* parsed LOC */
	int pass;               /* --pass-at: reaching it ends the run with 0 */
	expect_expr *expects;   /* owned */
	size_t n_expects;
} cli_check;

/* A --watch: LEN bytes at LOC that the guest must not touch so. */
typedef struct cli_watch {
	const char *text;       /* as written; points into argv */
	expect_operand where;
	uint64_t len;           /* 0: a pointer's size */
	runopt_watch how;
} cli_watch;

typedef enum cli_gdb_mode {
	CLI_GDB_UNIX = 0,       /* a unix socketpair shared with QEMU (default) */
	CLI_GDB_TCP,            /* 127.0.0.1:tcp_port (0: pick a free port) */
} cli_gdb_mode;

/* A --drive: the file (owned) and its format ("raw" or "qcow2", static). */
typedef struct cli_drive {
	char *file;
	const char *format;
} cli_drive;

/* Console verdicts: pass and fail patterns and an expect/send script in
 * order (arrays owned, strings point into argv). */
typedef struct cli_console {
	const char **pass; size_t n_pass;
	const char **fail; size_t n_fail;
	console_step *steps; size_t n_steps;
} cli_console;

/* A --snapshot-test NAME=TEXT: a console test run from the snapshot, with
 * the console options that followed it on the command line. */
typedef struct cli_snap_test {
	char *name;             /* NAME (owned) */
	const char *text;       /* TEXT, escapes not yet decoded (argv) */
	cli_console console;    /* its own verdicts */
} cli_snap_test;

typedef struct cli_options {
	int help;               /* --help was given: print usage, exit 0 */
	int version;            /* --version */
	const char *image;      /* the positional IMAGE, or NULL */
	/* What boots besides IMAGE, and where symbols come from. */
	const char *kernel, *initrd, *append, *dtb, *cdrom, *bios, *symbols;
	cli_drive *drives; size_t n_drives;              /* owned */
	int uefi;
	uint64_t symbols_offset;
	const char *arch, *machine, *cpu, *memory, *qemu;
	const char **qemu_args; size_t n_qemu_args;     /* owned array */
	/* The run mode: --user, --system (at most one), else from IMAGE
	 * (run_image.c); --sysroot for a dynamic program in user mode. */
	int user, system;
	const char *sysroot;
	const char **exit_symbols; size_t n_exit_symbols;
	const char **fail_symbols; size_t n_fail_symbols;
	cli_check *checks; size_t n_checks;
	cli_watch *watches; size_t n_watches;           /* owned array */
	int no_fault_catch;
	int debug_on_failure;      /* --debug-on-failure */
	int gdb_wait;              /* --gdb-wait */
	const char *debug_listen;  /* --debug-listen HOST:PORT, or NULL */
	runopt_postmortem postmortem;
	const char *postmortem_file;    /* or NULL */
	int record;             /* --record: instructions of history, or 0 */
	const char *snapshot_at;        /* --snapshot-at as written, or NULL */
	expect_operand snapshot_where;  /* its parsed LOC */
	const char *snapshot_console;   /* its REGEX of console:REGEX, or NULL */
	cli_snap_test *snap_tests; size_t n_snap_tests; /* owned array */
	cli_watch watch_back;   /* --watch-back, when watch_back.text */
	int timeout_ms;         /* default 60000 */
	cli_gdb_mode gdb_mode;
	int tcp_port;
	const char *connect;    /* --connect ADDR, or NULL */
	int trace_rsp;
	int trace_timing;        /* --trace-timing */
	const char *events;     /* --events FILE, or NULL */
	const char *coverage_dir;   /* --coverage DIR, or NULL */
	unsigned coverage_strip;    /* --coverage-strip N */
	/* NULL: stubrun_test_begin / stubrun_test_end when the image has them */
	const char *test_begin_symbol, *test_end_symbol;
	int quiet;              /* --quiet: no "stubrun: ..." verdict line */
	const char *const *guest_args; size_t n_guest_args; /* after "--" */
	runopt_semihosting semihosting;
	const char *semihosting_root;   /* NULL: the current directory */
	int semihosting_allow_system;
	/* --heap BASE:LIMIT[:STACK_BASE:STACK_LIMIT]: HEAPINFO's answer;
	 * has_stack 0 when only the heap was given (the stack then comes from
	 * the image's symbols). heap_base < heap_limit, stack_limit <
	 * stack_base. */
	int has_heap, has_stack;
	uint64_t heap_base, heap_limit, stack_base, stack_limit;
	/* The console: patterns and the expect/send script (those before the
	 * first --snapshot-test), a preset name, how results are read. */
	cli_console console;
	const char *console_preset;
	runopt_results results;
} cli_options;

/* Parses argv[first..argc). Strings point into argv, which must outlive
 * the options. Returns 0, or -1 with "option: problem" in errbuf (unknown
 * option, missing value, malformed value, nothing to boot: no IMAGE and none
 * of --kernel, --cdrom, --drive, --uefi). `opts` is always left
 * in a state cli_options_free() accepts. */
int cli_parse(cli_options *opts, int argc, char **argv, int first,
	      char *errbuf, size_t errlen);
void cli_options_free(cli_options *opts);

/* Writes the usage text of `stubrun run` (made from the option table) into
 * buf, cut to cap; returns the length the whole text needs. */
size_t cli_usage(char *buf, size_t cap);

#endif /* CLI_H */

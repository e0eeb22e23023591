/*
 * Command-line parsing of `stubrun run` (and of `stubrun IMAGE`): turns argv
 * into a cli_options value, with every --expect parsed here so a malformed
 * one is reported before anything starts. Pure: nothing is printed.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

#include "expect.h"

/* A checkpoint: --break LOC or --pass-at LOC, with the --expect checks that
 * followed it on the command line. */
typedef struct cli_check {
	const char *loc;        /* as written; points into argv */
	expect_operand where;   /* parsed LOC */
	int pass;               /* --pass-at: reaching it ends the run with 0 */
	expect_expr *expects;   /* owned */
	size_t n_expects;
} cli_check;

typedef enum cli_gdb_mode {
	CLI_GDB_UNIX = 0,       /* a unix socketpair shared with QEMU (default) */
	CLI_GDB_TCP,            /* 127.0.0.1:tcp_port (0: pick a free port) */
} cli_gdb_mode;

/* Who services the semihosting traps of an Arm/RISC-V guest. */
typedef enum cli_semihosting {
	CLI_SH_AUTO = 0,        /* stubrun when the image has traps, else off */
	CLI_SH_STUBRUN,         /* --semihosting[=stubrun]: src/semihost/semihost.c */
	CLI_SH_QEMU,            /* QEMU's own (target=native), no sandbox */
	CLI_SH_GDB,             /* QEMU target=gdb, File-I/O answered by fileio.c */
	CLI_SH_OFF,             /* nobody: a trap faults as without a debugger */
} cli_semihosting;

typedef struct cli_options {
	int help;               /* --help was given: print usage, exit 0 */
	int version;            /* --version */
	const char *image;
	const char *arch, *machine, *cpu, *memory, *qemu;
	const char **qemu_args; size_t n_qemu_args;     /* owned array */
	const char **exit_symbols; size_t n_exit_symbols;
	const char **fail_symbols; size_t n_fail_symbols;
	cli_check *checks; size_t n_checks;
	int timeout_ms;         /* default 60000 */
	cli_gdb_mode gdb_mode;
	int tcp_port;
	const char *connect;    /* --connect ADDR, or NULL */
	int trace_rsp;
	const char *events;     /* --events FILE, or NULL */
	/* NULL: stubrun_test_begin / stubrun_test_end when the image has them */
	const char *test_begin_symbol, *test_end_symbol;
	int quiet;              /* --quiet: no "stubrun: ..." verdict line */
	const char *const *guest_args; size_t n_guest_args; /* after "--" */
	cli_semihosting semihosting;
	const char *semihosting_root;   /* NULL: the current directory */
	int semihosting_allow_system;
	/* --heap BASE:LIMIT[:STACK_BASE:STACK_LIMIT]: HEAPINFO's answer;
	 * has_stack 0 when only the heap was given (the stack then comes from
	 * the image's symbols). heap_base < heap_limit, stack_limit <
	 * stack_base. */
	int has_heap, has_stack;
	uint64_t heap_base, heap_limit, stack_base, stack_limit;
} cli_options;

/* Parses argv[first..argc). Strings point into argv, which must outlive
 * the options. Returns 0, or -1 with "option: problem" in errbuf (unknown
 * option, missing value, malformed value, no IMAGE). `opts` is always left
 * in a state cli_options_free() accepts. */
int cli_parse(cli_options *opts, int argc, char **argv, int first,
	      char *errbuf, size_t errlen);
void cli_options_free(cli_options *opts);

/* The usage text of `stubrun run` (static). */
const char *cli_usage(void);

#endif /* CLI_H */

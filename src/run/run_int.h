/*
 * Private state of `stubrun run`, shared by its files. Calls go one way:
 * run.c (the loop and the report) on top; run_image.c (what boots,
 * symbols, architecture), run_user.c (user mode: a Linux program under
 * qemu-user), run_qemu_args.c (QEMU's command line, firmware),
 * run_setup.c (plan, connection) and run_stop.c (what each kind of stop
 * means) below it; run_console.c (the console, QEMU's output) below
 * those; run_base.c (verdict, request bounds, signals) at the bottom.
 */
#ifndef RUN_INT_H
#define RUN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "console.h"
#include "events.h"
#include "fileio.h"
#include "image.h"
#include "qemu.h"
#include "regs.h"
#include "run.h"
#include "rsp.h"
#include "semihost.h"
#include "target.h"
#include "testplan.h"

typedef enum run_bp_kind {
	RUN_BP_EXIT = 0,      /* an exit symbol: its argument is the status */
	RUN_BP_FAIL,          /* a fail symbol */
	RUN_BP_CHECK,         /* --break / --pass-at, index into opt->checks */
	RUN_BP_TEST_BEGIN,
	RUN_BP_TEST_END,
	RUN_BP_SEMIHOST,      /* a semihosting trap */
	RUN_BP_VECTOR,        /* a write of the vector base (on it with the
			       * target's predict(), else after it); index:
			       * its first bytes, little-endian */
	RUN_BP_FAULT,         /* a fault handler's entry, index: its id */
	RUN_BP_SNAPSHOT,      /* --snapshot-at */
	RUN_BP_COVERAGE,      /* a --coverage hook, index: which */
} run_bp_kind;

typedef struct run_bp {
	uint64_t addr;
	run_bp_kind kind;
	int z_kind;           /* Z0 kind */
	size_t index;         /* RUN_BP_CHECK: which check; RUN_BP_FAULT: the
			       * target's id of the entry */
	const char *name;     /* symbol or LOC, for messages */
	int inserted;
} run_bp;

/* Why 1 MiB: the console output of one in-image test kept for its "end"
 * event; beyond it the output is cut (and says so), bounding memory
 * whatever the guest prints. */
#define RUN_TEST_OUTPUT_MAX (1u << 20)
/* Why 256: a test name or panic message is a short literal. */
#define RUN_STRING_MAX 256

/* The phases --trace-timing reports, in the order a run usually passes
 * them (a position-independent program plans after connecting). */
typedef enum run_phase {
	RUN_PH_IMAGE,       /* the image read: ELF, symbols, target */
	RUN_PH_SPAWN,       /* QEMU started */
	RUN_PH_PLAN,        /* breakpoints planned, semihosting scanned */
	RUN_PH_CONNECT,     /* the stub's socket connected */
	RUN_PH_ANSWER,      /* the stub's first byte: QEMU is up */
	RUN_PH_HANDSHAKE,   /* the rest of qSupported, target description,
			     * vCont? */
	RUN_PH_INSERT,      /* breakpoints inserted */
	RUN_PH_RUN,         /* the guest ran to its verdict */
	RUN_PH_POSTMORTEM,  /* the post-mortem and the report */
	RUN_PH_TEARDOWN,    /* QEMU stopped, files removed */
	RUN_PH_COUNT
} run_phase;

typedef struct run_cov run_cov;

typedef struct run_ctx {
	const cli_options *opt;
	const target_desc *tgt;
	const char *machine;  /* QEMU's -machine: --machine, else the board
			       * the image's build attributes ask for, else
			       * tgt's default (run_image.c) */
	image *img;           /* the symbols: of the booted ELF, --symbols, or
			       * an empty image (never NULL after setup) */
	const char *boot_elf; /* the booted ELF r->img was read from (IMAGE or
			       * an ELF --kernel), or NULL */
	/* User mode: IMAGE is a Linux program run under the target's
	 * qemu-user (run_image.c decides), with `sysroot` as QEMU's -L (NULL:
	 * none); a position-independent one is relocated once the stub
	 * says where it was loaded (run_user.c). */
	int user;
	int user_pie;
	const char *sysroot;
	char qemu_user[64];   /* the qemu-user binary run_spawn_qemu() runs
			       * (run_user.c: the static build if in PATH) */
	char boot_dir[4096];  /* private directory of --uefi's variable store */
	char fw_code[4096], fw_vars_template[4096], fw_vars[4096];
	qemu_proc *qemu;
	rsp_conn *conn;
	events *ev;
	semihost *sh;         /* stubrun mode: the service */
	fileio *fio;          /* gdb mode: the File-I/O answers */
	runopt_semihosting sh_mode; /* the mode in effect (never RUNOPT_SH_AUTO) */
	int sigfd;
	int64_t t0, deadline;
	int guest_started;    /* the guest has run: deadline is its budget */
	/* The guest's clock (run_timing.c): its first instruction, the time
	 * a debugger held it since, and when the verdict was set. */
	int64_t guest_t0, guest_held_ms, verdict_at;
	/* The time semihosting service held the guest (run_guest_serviced),
	 * as far as it was taken off the guest's clock. */
	int64_t sh_held_us;
	int sh_serviced;      /* the stop just handled was a service */
	int stub_dead;        /* the stub failed: no D at teardown */
	int64_t stop_tid;     /* thread of the last stop reply (0: none yet) */
	uint64_t stop_pc;     /* PC of the last stop handled (guest address) */
	run_bp *bps;
	size_t nbps;
	/* The registers of the stop being handled: one 'g' serves the PC, the
	 * arguments and the semihosting registers; reset before the guest
	 * runs again (run_leave_stop). */
	rsp_regcache *regs;       /* this stop's registers (include/rsp.h) */

	/* the verdict: the first one set wins */
	int done;
	int status;
	char reason[512];
	int postmortem;       /* print one before QEMU goes */
	int at_entry;         /* stopped at a function's entry */
	int signo;            /* we were interrupted by this signal */
	int64_t phase_end_us[RUN_PH_COUNT]; /* --trace-timing; 0: not reached */
	int64_t t0_us;

	/* in-image test state */
	int in_test;
	char test_name[RUN_STRING_MAX + 1];
	char *test_out;
	size_t test_len;
	int test_cut;

	/* QEMU's stderr: the line being assembled, and its error lines held
	 * back for the verdict (run_console.c) */
	char qemu_line[512];
	size_t qemu_line_len;
	char qemu_held[2048];
	size_t qemu_held_len;

	/* the console matcher and what its test results said so far */
	console *con;
	console *con_point;   /* --snapshot-at console:REGEX, until reached */
	size_t con_tests, con_failed;
	int con_lost;         /* stdout failed: the console is not copied */
	int con_said;         /* the verdict came from the console */
	char con_first_failed[RUN_STRING_MAX + 1];

	uint64_t *watch_addr; /* where each --watch lies (opt->n_watches) */

	/* --snapshot-at (run_snapshot.c): the tests (declared in the image,
	 * or --snapshot-test), which one runs now from the snapshot, how many
	 * failed */
	int snap_point_seen;      /* the console matched console:REGEX */
	int snap_taken;
	int status_final;         /* the verdict is the run's, not a test's */
	int snap_respawn;         /* QEMU starts from the snapshot (-loadvm) */
	int64_t snap_test_t0;     /* when the test under way began */
	/* --trace-timing: when the point was reached, and the time of the
	 * savevm, of the restores (loadvm or a new QEMU), of the tests */
	int64_t snap_point_ms, snap_save_ms, snap_restore_ms, snap_tests_ms;
	size_t snap_restarts;     /* new QEMUs started from the snapshot */
	int64_t snap_ran_ms;      /* how long the tests ran in this QEMU since
				   * it last started from the snapshot */
	char **snap_tests;
	size_t snap_count, snap_index, snap_failed;
	uint64_t snap_selected;   /* address of stubrun_selected_test */
	/* --record (run_replay.c), --snapshot-at: the log and snapshot image
	 * in rr_dir */
	char rr_dir[4096], rr_log[4096], rr_disk[4096];
	int rr_replay;        /* QEMU replays the log (and its console is
			       * not shown again) */

	run_cov *cov;         /* --coverage (run_coverage.c), or NULL */

	/* the fault catch (run_fault.c) */
	int fault_catch;      /* on for this run */
	int fault_base_stays; /* the image never writes its vector base: it
			       * keeps its reset value the whole run */
	int fault_rearm;      /* the vector base was written: read it again */
	int fault_reread;     /* a write no register foretold: read the
			       * bases once it has run (after the step) */
	uint64_t fault_base[TARGET_BASES_MAX]; /* the target's bases, as
			       * the guest wrote them (faults->predict) */
	unsigned fault_known; /* bit i: fault_base[i] holds bases[i] */
	int has_fault;        /* the verdict is r->fault */
	target_fault fault;

	char err[512];        /* scratch for callee messages */
} run_ctx;

/* run_base.c */
/* Sets the verdict unless one is set already. */
void run_verdict(run_ctx *r, int status, int postmortem, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Why 2 s: a halted guest answers an interrupt at once; a QEMU that does
 * not is wedged (the post-mortem is skipped, the stub not asked again). */
#define RUN_INTERRUPT_WAIT_MS 2000
/* Why 1 s: a stop that arrives just before the deadline is still read
 * and dispatched; a stub that stops answering holds the run at most this
 * long past --timeout. */
#define RUN_GRACE_MS 1000
/* Bounds every request to the stub that follows by the absolute time
 * `until` (ms, util_now_ms() clock), and by the library's 5 s at most. */
void run_bound_requests(run_ctx *r, int64_t until);
/* The same without the 5 s cap, for the handshake. */
void run_bound_handshake(run_ctx *r, int64_t until);
/* Notes a failed request: a stub that timed out, hung up or sent garbage
 * is not asked anything again (no D at teardown). */
void run_stub_failed(run_ctx *r, int err);

/* 1 for the QEMU stubrun started in system mode, under TCG: a single
 * step executes the instruction under a breakpoint, continuing at one
 * reports it at once (rsp.h), and a stop selects its own CPU for the
 * register reads; none of these is asked of it. */
int run_own_tcg(const run_ctx *r);
/* Appends a breakpoint to r->bps (not inserted yet); z_kind 0 is the
 * target's. 0, or -1 with the verdict set. */
int run_add_bp(run_ctx *r, uint64_t addr, run_bp_kind kind, size_t index,
	       const char *name, int z_kind);

/* An exit status for the host: POSIX keeps the low 8 bits, but a nonzero
 * status must never become 0 (a pass) by truncation. */
int run_host_status(int64_t st);
/* 1 when `status` is stubrun's own error (125-127: arguments, image, QEMU,
 * stub), not a verdict on the guest. */
int run_own_error(int status);
/* run_stop.c: a test begins (its begin event; its console output is
 * recorded from now), and ends with `status` (its end event, with that
 * output); `reason` is why the run ended it, NULL when the guest did. */
void run_test_start(run_ctx *r, const char *name);
void run_test_end(run_ctx *r, int status, const char *reason);
/* run_stop.c: the verdict came inside an in-image test: its end event,
 * failed with the verdict's status (1 for a pass), and no test is open. */
void run_test_abandon(run_ctx *r);
/* 1 when SIGINT/SIGTERM/SIGHUP arrived (the verdict is then set). */
int run_signal_pending(run_ctx *r);

/* run_console.c: the guest's console. */
/* Compiles the console options; 0, or -1 with the verdict set (125). */
int run_console_setup(run_ctx *r);
/* 1 when a --console-send script or --snapshot-test needs the guest's
 * console input. */
int run_console_wants_input(const run_ctx *r);
/* A console test from the snapshot begins: the matcher is made anew from
 * the run's console options and the test's own (`own`), with nothing of
 * the lines before. 0, or -1 with the verdict set. */
int run_console_begin_test(run_ctx *r, const cli_console *own);
/* Types data into the guest's console input; a verdict (125) when it
 * cannot be written whole. */
void run_console_send(run_ctx *r, const char *data, size_t len);
/* Guest console output: to stdout, the current test's record and the
 * matcher, whose verdicts are set at once (the loop then halts the guest
 * when a post-mortem is due). */
void run_console(run_ctx *r, const char *data, size_t len);
/* The end of the console: a last line without a newline is judged, and
 * planned tests that never appeared are reported not run. */
void run_console_finish(run_ctx *r);
/* The guest powered off: a pass when its console results were all
 * passes, a failure when one failed. 1 when the verdict is set. */
int run_console_powered_off(run_ctx *r);
void run_console_free(run_ctx *r);
/* Reads whatever QEMU wrote to its stdout and stderr and passes it on;
 * returns the number of console bytes. */
size_t run_drain_qemu(run_ctx *r);
/* QEMU's held error lines that the verdict does not quote, to stderr. */
void run_print_held_qemu_errors(run_ctx *r);
/* 1 for a line of QEMU's own fatal errors ("qemu-system-arm: ..."), not
 * its warnings. */
int run_qemu_error_line(const char *line);

/* run_replay.c: --record. Each returns 0 or sets the verdict and -1. */
int run_replay_prepare(run_ctx *r);    /* the private directory, qemu-img */
int run_replay_check(run_ctx *r);      /* after the plan: nothing that a
					* replay cannot repeat */
/* After a failure's post-mortem: the history and --watch-back, printed
 * from a replay of the recording (this QEMU is replaced by it). */
void run_replay_history(run_ctx *r);
void run_replay_remove(run_ctx *r);

/* run_fault.c: the fault catch. */
/* Plans the breakpoints at vector-base writes (before the stub is
 * connected). 0, or -1 with the verdict set. */
int run_fault_plan(run_ctx *r);
/* Reads the fault entries and adds their breakpoints (before the first
 * insertion); run_fault_rearm() moves them (the guest wrote its vector
 * base) with the stub's breakpoints updated. 0, or -1 with the verdict. */
int run_fault_arm(run_ctx *r);
int run_fault_rearm(run_ctx *r);
/* At a fault entry: the verdict when a fault was taken; nothing when the
 * entry served an interrupt or a call. */
void run_fault_entry(run_ctx *r, const run_bp *b);
/* At a vector-base write: the entries it moves to are armed now when its
 * registers tell where (faults->predict), else once it has run:
 * run_fault_stepped() after the step over it. */
void run_fault_written(run_ctx *r, const run_bp *b);
/* After the step off a stop: the entries a write moved, read. 0, or -1
 * with the verdict set. */
int run_fault_stepped(run_ctx *r);
/* The machine was restored from a snapshot: the bases kept from its
 * writes no longer hold, and are read at the next write. */
void run_fault_forget(run_ctx *r);

/* run_timing.c: --trace-timing. run_mark() notes that phase `ph` ended
 * now; run_print_timing() prints the phases reached, in the order they
 * ended, to stderr. */
void run_mark(run_ctx *r, run_phase ph);
void run_print_timing(const run_ctx *r);
/* The guest's clock, what --timeout counts: run_guest_start() at its first
 * instruction (the deadline becomes its budget; later calls do nothing),
 * run_guest_held() after a debugger, or stubrun's own work on a halted
 * machine (a snapshot's save or restore), held it since `since`
 * (util_now_ms(); the deadline moves by as much), run_event_time() the
 * times of an event now: the guest's stop at the verdict once one is set. */
void run_guest_start(run_ctx *r);
void run_guest_held(run_ctx *r, int64_t since);
/* After stubrun serviced a semihosting call (a trap, or a File-I/O
 * request) that halted the guest since `since_us` (util_now_us()): that
 * time is not the guest's either, up to one more --timeout in all, so
 * that a guest that does nothing but call still ends (within twice its
 * --timeout). */
void run_guest_serviced(run_ctx *r, int64_t since_us);
/* How long a host call (a guest's SYS_SYSTEM command) may still hold the
 * guest: its time left, and what is left of that one more --timeout, so
 * that the run still ends within twice its --timeout. Rounded up, and 1
 * ms more: when the call is cut there, the deadline it moved has passed,
 * and the guest is not resumed to see its call fail. */
int64_t run_host_budget_ms(const run_ctx *r);
events_time run_event_time(const run_ctx *r);

/* run.c: the post-mortem of the verdict now set, when it has one. */
void run_print_postmortem(run_ctx *r);
/* run_setup.c: the address of a parsed LOC (symbol+offset or number);
 * 0, or -1 with the verdict (no such symbol). */
int run_setup_loc(uint64_t *addr, run_ctx *r, const expect_operand *where);
/* run_setup.c: every planned breakpoint and watchpoint again, into a new
 * QEMU (the fault entries are already among the breakpoints). */
int run_setup_reinsert(run_ctx *r);
/* run_setup.c: the connection and the QEMU behind it closed and freed
 * (its last output passed on), for a new one to start: the replay of
 * --record, a fresh start from a --snapshot-at snapshot. */
void run_drop_qemu(run_ctx *r);

/* run_debug.c: the machine handed to gdb. run_debug_wait() (--gdb-wait,
 * before the breakpoints go in): 0 to go on once gdb detached, or -1 with
 * the verdict set. run_debug_on_failure() after the verdict is printed:
 * the verdict stands whatever gdb does. */
int run_debug_wait(run_ctx *r);
void run_debug_on_failure(run_ctx *r);

/* run_user.c: user mode (a Linux program under qemu-user). */
/* Decides the run mode of an opened IMAGE and checks what user mode
 * needs (the interpreter under the sysroot); 0, or -1 with the verdict
 * set (125). */
int run_user_setup(run_ctx *r);
/* Before the image is read: when IMAGE's headers say it is a Linux
 * program and no option needs the whole image first, chooses user mode
 * and starts qemu-user, so that reading the image (symbols, DWARF: about
 * a millisecond) overlaps qemu-user's own start (some 20 ms). 0 (started,
 * or left to run_setup_image()), or -1 with the verdict. */
int run_user_start_early(run_ctx *r);
/* The name of GDB's signal number `sig` ("SIGSEGV"), or NULL. */
const char *run_user_signal_name(int sig);
/* Halts the running program: qemu-user reads its stub only while the
 * program is stopped, so the interrupt is a SIGINT to qemu-user, which
 * it reports as the program's (a stop with GDB's SIGINT). 0, or -1. */
int run_user_interrupt(run_ctx *r);
/* Once connected: a position-independent program's symbols get its load
 * bias (from the stub's auxiliary vector). 0, or -1 with the verdict. */
int run_user_relocate(run_ctx *r);
/* Before a post-mortem: the shared objects the dynamic linker loaded
 * (from under the sysroot) attached to r->img, so that their functions
 * are named and their frames unwound. Nothing when none can be read. */
void run_user_load_objects(run_ctx *r);
/* Waits up to `slice_ms` for qemu-user to create its stub's socket file
 * at `path` (it binds it itself, some 20-40 ms after it starts): 1 when
 * the file is there, 0 when not yet, -1 when it cannot be watched (the
 * caller's connect retries then do the waiting). */
int run_user_await_socket(const char *path, int slice_ms);

/* run_image.c, run_qemu_args.c, run_setup.c: each returns 0 or sets the
 * verdict (125/126/127) and returns -1. */
int run_setup_image(run_ctx *r);       /* boot files, symbols, target */
int run_setup_firmware(run_ctx *r);    /* --uefi: firmware, vars copy */
int run_spawn_qemu(run_ctx *r);        /* QEMU's argv, then QEMU */
/* Removes --uefi's private directory (teardown; no-op without one). */
void run_remove_firmware(run_ctx *r);
/* The user gave QEMU its own -semihosting with --qemu-arg. */
int run_user_semihosting(const cli_options *o);
int run_setup_spawn(run_ctx *r);       /* semihosting mode, then QEMU */
int run_setup_plan(run_ctx *r);        /* symbols, traps -> r->bps */
int run_setup_connect(run_ctx *r);     /* connection, handshake */
int run_setup_check_names(run_ctx *r); /* --expect names are known */
int run_setup_insert(run_ctx *r);      /* breakpoints into the stub */

/* What the loop does after a stop was handled. */
typedef enum run_resume {
	RUN_STAY = 0,          /* the run is over (or a verdict is due) */
	RUN_STEP_CONTINUE,     /* step off our breakpoint at pc, then continue */
	RUN_CONTINUE,          /* continue (pc is not at our breakpoint) */
	RUN_WAIT,              /* the stub resumes by itself: just wait */
} run_resume;

/* Sends the register writes held in r->regs and forgets the cache: call
 * before anything that lets the guest run. 0, or -1 with the verdict set. */
int run_leave_stop(run_ctx *r);

/* run_stop.c */
/* Learns the stub's current thread (qC) before the first stop, so that a
 * stop in that thread needs no Hg. */
void run_stop_thread_init(run_ctx *r);
/* Handles a stop: sets the verdict, or says how to go on. */
int run_stop_dispatch(run_resume *resume, run_ctx *r, const rsp_stop *stop);

/* run_snapshot.c: --snapshot-at. run_snapshot_plan() (with the plan):
 * the declared tests and the breakpoint at LOC, 0 or -1 with the
 * verdict; run_snapshot_hit() at LOC: the snapshot, then the first test;
 * run_snapshot_next() after each verdict: 1 when the next test is
 * selected and restored (run the loop again), 0 when the verdict is the
 * run's. */
int run_snapshot_plan(run_ctx *r);
/* The --snapshot-test names, copied (testplan_clear() frees): the plan of
 * --events, and the tests of run_snapshot_plan(). 0, or -1 (memory). */
int run_snapshot_names(testplan *out, const cli_options *o);
void run_snapshot_hit(run_resume *resume, run_ctx *r);
int run_snapshot_next(run_ctx *r);
void run_snapshot_free(run_ctx *r);
/* run_exit.c */
/* A W stop reply with this exit status. */
void run_exit_reported(run_ctx *r, int status);
/* The stub closed the connection: what did QEMU's exit mean? */
void run_stop_closed(run_ctx *r, int got_w);

const run_bp *run_find_bp(const run_ctx *r, uint64_t pc);
/* Reads the first integer argument at a function's entry (as int). */
int run_read_arg(int64_t *out, run_ctx *r, int as_pointer);
/* Reads a NUL-terminated guest string of at most RUN_STRING_MAX bytes,
 * made printable. */
int run_read_string(char *out, size_t cap, run_ctx *r, uint64_t addr);

/* run_semihost.c: semihosting. */
/* Sets r->sh_mode, the service in effect; before QEMU starts (its
 * arguments need it). 0, or -1 with the verdict set (125). */
int run_semihost_mode(run_ctx *r);
/* Makes the service and plans a breakpoint on each of the image's traps;
 * 0, or -1 with the verdict set. */
int run_semihost_plan(run_ctx *r);

/* run_coverage.c: --coverage. */
/* Plans the hooks' breakpoints; 0, or -1 with the verdict set (125: the
 * image has no coverage to dump, DIR cannot be made). */
int run_coverage_plan(run_ctx *r);
/* At a hook's breakpoint: receives a piece of the dump. */
void run_coverage_hook(run_ctx *r, const run_bp *b);
/* At an exit, before its verdict: when the guest has not dumped, starts
 * the call of its dump (returning here) and returns 1 with *resume set;
 * 0 when the exit is to be judged now. */
int run_coverage_call(run_resume *resume, run_ctx *r);
/* At any breakpoint, first: when stubrun's call returns at `pc`, the
 * registers of before the call come back. 0, or -1 with the verdict. */
int run_coverage_returned(run_ctx *r, uint64_t pc);
/* After the verdict of a timeout that halted the guest, or of a caught
 * fault, when the guest has not dumped: calls its dump (bounded by one
 * more --timeout), registers restored after; a call that fails or hangs
 * gets one line. The verdict is never changed. */
void run_coverage_after_verdict(run_ctx *r);
/* After the run: the last file written, and one line on what was. */
void run_coverage_finish(run_ctx *r);
void run_coverage_free(run_ctx *r);

#endif /* RUN_INT_H */

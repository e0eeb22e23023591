/* `stubrun run`: the run from the command line to the exit status: set-up,
 * the loop (continue, wait, dispatch, step over), the timeout, and the
 * report of the verdict. The loop sits on top: run_setup.c, run_stop.c and
 * run_console.c work for it and share only run_base.c's services. */
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "postmortem.h"
#include "regs.h"
#include "testplan.h"
#include "util.h"

/* --- signals ------------------------------------------------------------ */

/* Signals arrive through a signalfd, read in the loop like any other fd:
 * no handler, so no global state at all. They stay blocked for the whole
 * run; the QEMU child unblocks them before exec. SIGPIPE is blocked too,
 * so a closed stdout is an EPIPE error, not a death that orphans QEMU. */
static int signals_block(int *sfd, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -1;
	*sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return *sfd < 0 ? -1 : 0;
}

/* A SIGPIPE raised while blocked (stdout's reader went away: `| head`)
 * was handled as EPIPE; left pending, it would kill us with status 141
 * the moment the mask is restored, and the verdict would be lost. */
static void discard_sigpipe(void)
{
	sigset_t set;
	struct timespec now = { 0, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	while (sigtimedwait(&set, NULL, &now) == SIGPIPE)
		;
}

/* --- waiting ------------------------------------------------------------ */

/* The deadline passed. A running guest is interrupted first, to be halted
 * for the post-mortem; a guest the loop holds at a stop (a breakpoint, a
 * semihosting call, a step) is halted already: an interrupt would go
 * unanswered, cost RUN_INTERRUPT_WAIT_MS and lose the post-mortem. */
static int halt_guest(run_ctx *r)
{
	rsp_stop stop;
	int sent = r->user ? run_user_interrupt(r) : rsp_interrupt(r->conn);
	int stopped = sent == 0 &&
		      rsp_wait(&stop, r->conn, RUN_INTERRUPT_WAIT_MS) == 0;

	/* A stub that ignored the interrupt still runs the guest: it would
	 * answer nothing else (the post-mortem is skipped, no D). */
	if (!stopped)
		r->stub_dead = 1;
	return stopped;
}

static void on_timeout(run_ctx *r, int halted)
{
	int stopped = halted || halt_guest(r);

	run_verdict(r, RUN_EXIT_TIMEOUT, stopped, "timeout after %.3g s%s",
		    r->opt->timeout_ms / 1000.0,
		    stopped ? "" : " (the guest did not stop when interrupted)");
}

#define CONSOLE_BATCH_MS 1

/* What the loop waits on while the guest runs: the stub, signals, QEMU's
 * stdout and stderr. */
static nfds_t wait_fds(struct pollfd p[4], const run_ctx *r)
{
	nfds_t n = 0;

	p[n++] = (struct pollfd){ rsp_fd(r->conn), POLLIN, 0 };
	if (r->sigfd >= 0)
		p[n++] = (struct pollfd){ r->sigfd, POLLIN, 0 };
	if (r->qemu && qemu_stdout_fd(r->qemu) >= 0)
		p[n++] = (struct pollfd){ qemu_stdout_fd(r->qemu), POLLIN, 0 };
	if (r->qemu && qemu_stderr_fd(r->qemu) >= 0)
		p[n++] = (struct pollfd){ qemu_stderr_fd(r->qemu), POLLIN, 0 };
	return n;
}

/* Waits for the next stop while copying the console. 0: *stop is set;
 * 1: the run is over (timeout, signal, QEMU gone: the verdict is set).
 * The library is asked first, the socket polled after: the stop reply
 * often arrives in the same read as the acknowledgement of the resume,
 * and is then already in the library's buffer, where a poll of the socket
 * cannot see it (a poll tick of 250 ms on such stops). */
static int wait_stop(run_ctx *r, rsp_stop *stop)
{
	for (;;) {
		struct pollfd p[4];
		nfds_t n;
		int64_t left;
		int err = rsp_wait(stop, r->conn, 0);

		if (err == 0) {
			run_drain_qemu(r);
			return r->done;
		}
		if (err == RSP_ECLOSED) {
			r->stub_dead = 1;
			run_stop_closed(r, 0);
			return 1;
		}
		if (err != RSP_ETIMEOUT) {
			run_stub_failed(r, err);
			run_verdict(r, RUN_EXIT_ERROR, 0, "waiting for the guest: %s",
				    rsp_errmsg(r->conn));
			return 1;
		}
		left = r->deadline - util_now_ms();
		if (left <= 0) {
			on_timeout(r, 0);
			return 1;
		}
		n = wait_fds(p, r);
		/* Why 250 ms: the longest the loop sleeps between deadline
		 * checks; every fd that matters wakes it earlier. */
		if (poll(p, n, left < 250 ? (int)left : 250) < 0 && errno != EINTR) {
			run_verdict(r, RUN_EXIT_ERROR, 0, "poll: %s", strerror(errno));
			return 1;
		}
		size_t got = run_drain_qemu(r);
		if (r->done) {
			/* The console said it: halted where the line was
			 * printed, for the post-mortem, or for a snapshot to
			 * be taken or restored there. */
			if (r->postmortem || r->opt->snapshot_at)
				halt_guest(r);
			return 1;
		}
		if (run_signal_pending(r))
			return 1;
		if (got > 0) {
			/* QEMU writes the console a byte at a time: waking
			 * for each byte costs more than the guest's own
			 * work. Let output gather for a millisecond (the
			 * pipe holds 64 KiB), still waking for a stop. */
			struct pollfd w[2] = { { rsp_fd(r->conn), POLLIN, 0 },
					       { r->sigfd, POLLIN, 0 } };
			poll(w, r->sigfd >= 0 ? 2 : 1, CONSOLE_BATCH_MS);
		}
	}
}

/* Steps off the breakpoint at pc, so that continuing does not hit it
 * again; on the QEMU stubrun started (run_own_tcg()) the step alone does,
 * so the z0/Z0 around it would be two round trips for nothing. 0: done;
 * 1: the step itself produced a stop worth dispatching (*stop); -1: the
 * run is over.
 * A step that lands on another of our breakpoints is not looked at here
 * (that would cost a PC read on every hit): continuing from it reports
 * that breakpoint again at once, without executing it (QEMU does, see
 * rsp.h), and the loop dispatches it then. */
static int step_over(run_ctx *r, rsp_stop *stop, uint64_t pc)
{
	const run_bp *b = run_find_bp(r, pc);
	int keep = run_own_tcg(r), err;

	if (run_leave_stop(r) < 0)
		return -1;
	if (!b || !b->inserted)
		return 0;
	if (!keep && (err = rsp_bp_remove(r->conn, RSP_BP_SW, pc, b->z_kind)) < 0)
		goto stub_error;
	err = rsp_step(stop, r->conn);
	if (err == RSP_ECLOSED) {
		r->stub_dead = 1;
		run_stop_closed(r, 0);
		return -1;
	}
	if (err < 0 || (!keep &&
	    (err = rsp_bp_insert(r->conn, RSP_BP_SW, pc, b->z_kind)) < 0))
		goto stub_error;
	return stop->kind != RSP_STOP_SIGNAL || stop->signal != RSP_GDB_SIGTRAP;
stub_error:
	run_stub_failed(r, err);
	if (err == RSP_ECLOSED) {
		/* QEMU went away meanwhile: its exit says why */
		run_stop_closed(r, 0);
		return -1;
	}
	run_verdict(r, RUN_EXIT_ERROR, 0, "stepping over the breakpoint at "
		    "0x%" PRIx64 ": %s", pc, rsp_errmsg(r->conn));
	return -1;
}

/* The guest is halted at its first instruction: a breakpoint right there
 * counts as reached (continuing would skip it on some stubs). The QEMU
 * stubrun started reports it at once when continued (rsp.h), so the PC is
 * not read for it there. */
static int initial_stop(rsp_stop *stop, run_ctx *r)
{
	uint64_t pc;

	if (run_own_tcg(r))
		return 0;
	memset(stop, 0, sizeof(*stop));
	stop->kind = RSP_STOP_SIGNAL;
	stop->signal = RSP_GDB_SIGTRAP;
	return regs_pc_cached(&pc, r->regs, r->conn, r->tgt) == 0 &&
	       run_find_bp(r, pc);
}

/* Continues the guest. The stub may be gone already (QEMU exited through
 * an exit device while stepping): that is an exit to decode, not an error. */
static int resume_guest(run_ctx *r)
{
	int err;

	if (run_leave_stop(r) < 0)
		return -1;
	err = rsp_continue(r->conn);
	run_stub_failed(r, err);
	if (err == RSP_ECLOSED)
		run_stop_closed(r, 0);
	else if (err < 0)
		run_verdict(r, RUN_EXIT_ERROR, 0, "resuming the guest: %s",
			    rsp_errmsg(r->conn));
	return err < 0 ? -1 : 0;
}

static void loop(run_ctx *r)
{
	rsp_stop stop;
	int have, err;
	run_resume resume;

	if (!r->guest_started) {
		run_guest_start(r);
		run_bound_requests(r, r->deadline + RUN_GRACE_MS);
	}
	have = initial_stop(&stop, r);
	if (!have && resume_guest(r) < 0)
		return;
	for (;;) {
		int64_t stopped_us;

		if (!have && wait_stop(r, &stop))
			return;
		have = 0;
		stopped_us = util_now_us();
		run_bound_requests(r, r->deadline + RUN_GRACE_MS);
		if (run_stop_dispatch(&resume, r, &stop) < 0 || r->done)
			return;
		if (r->sh_serviced)
			run_guest_serviced(r, stopped_us);
		if (resume == RUN_WAIT) {
			rsp_regcache_reset(r->regs);
			continue;
		}
		run_bound_requests(r, r->deadline + RUN_GRACE_MS);
		if (resume == RUN_STEP_CONTINUE) {
			err = step_over(r, &stop, r->stop_pc);
			/* the entries a vector write moved, read once it
			 * ran (a step that stopped otherwise: the next) */
			if (err < 0 || (err == 0 && run_fault_stepped(r) < 0))
				return;
			if (err == 1) {
				have = 1;
				continue;
			}
		}
		if (util_now_ms() >= r->deadline) {
			on_timeout(r, 1);
			return;
		}
		if (resume_guest(r) < 0)
			return;
	}
}

/* --- the verdict -------------------------------------------------------- */

/* The bound of what follows the verdict (post-mortem, D): a timed-out
 * run has spent RUN_INTERRUPT_WAIT_MS on the interrupt already; a run that
 * ended early keeps the library's 5 s per request. */
static int64_t after_run(const run_ctx *r)
{
	int64_t now = util_now_ms(), end = r->deadline + RUN_INTERRUPT_WAIT_MS +
					     RUN_GRACE_MS;

	return end > now + RUN_GRACE_MS ? end : now + RUN_GRACE_MS;
}

/* The full post-mortem into --postmortem-file; a file that cannot be
 * written is said once, and the run's verdict stands. */
static void postmortem_to_file(run_ctx *r, postmortem_in *pm)
{
	FILE *f = fopen(r->opt->postmortem_file, "w");

	if (!f) {
		fprintf(stderr, "stubrun: --postmortem-file %s: %s\n",
			r->opt->postmortem_file, strerror(errno));
		return;
	}
	pm->full = 1;
	postmortem_print(f, pm);
	if (fclose(f) != 0)
		fprintf(stderr, "stubrun: --postmortem-file %s: %s\n",
			r->opt->postmortem_file, strerror(errno));
}

/* The post-mortem is made once, in memory: stderr and the --events file
 * get the same text. */
void run_print_postmortem(run_ctx *r)
{
	postmortem_in pm = { 0 };
	unwind_regs from;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (!r->postmortem || !r->conn || r->stub_dead)
		return;
	run_user_load_objects(r);
	pm.conn = r->conn;
	pm.tgt = r->tgt;
	pm.img = r->img;
	pm.title = r->reason;
	pm.at_entry = r->at_entry;
	/* qemu-user has no monitor: qRcmd would only be refused. */
	pm.monitor = !r->user && (r->qemu != NULL || r->opt->connect != NULL);
	if (r->has_fault) {
		memset(&from, 0, sizeof(from));
		from.pc = r->fault.pc;
		from.sp = r->fault.sp;
		from.fp = r->fault.fp;
		from.lr = r->fault.lr;
		from.has_lr = r->fault.has_lr;
		pm.from = &from;
	}
	run_bound_requests(r, after_run(r));
	fflush(stdout);
	if (r->opt->postmortem_file)
		postmortem_to_file(r, &pm);
	if (r->opt->postmortem == RUNOPT_PM_NONE && !r->ev)
		return;
	pm.full = r->opt->postmortem == RUNOPT_PM_FULL;
	if (!(mem = open_memstream(&text, &len)))
		return;
	postmortem_print(mem, &pm);
	if (fclose(mem) == 0 && text) {
		if (r->opt->postmortem != RUNOPT_PM_NONE) {
			fputs(text, stderr);
			fflush(stderr);
		}
		events_postmortem(r->ev, text, util_now_ms() - r->t0);
	}
	free(text);
}

static void report(run_ctx *r)
{
	const char *what = r->status == 0 ? "PASS" :
			   r->status == RUN_EXIT_TIMEOUT ? "TIMEOUT" :
			   run_own_error(r->status) ? "ERROR" :
			   "FAIL";

	run_print_held_qemu_errors(r);
	if (run_own_error(r->status))
		fprintf(stderr, "stubrun: %s\n", r->reason);
	else if (r->status != 0 || !r->opt->quiet)
		fprintf(stderr, "stubrun: %s: %s (status %d)\n", what, r->reason,
			r->status);
	run_console_finish(r);
	run_test_abandon(r);
	events_verdict(r->ev, r->status, r->reason, run_event_time(r));
}

/* Tells the --events reader which tests the run will report (the image's
 * declared in-image tests, or the --snapshot-test ones), so that those
 * never reached are reported "not run". */
static int announce_test_plan(run_ctx *r)
{
	testplan tp;

	if (!r->ev)
		return 0;
	if (r->opt->n_snap_tests && run_snapshot_names(&tp, r->opt) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	if (!r->opt->n_snap_tests &&
	    testplan_read(&tp, r->img, r->err, sizeof(r->err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	events_plan(r->ev, tp.names, tp.count, util_now_ms() - r->t0);
	testplan_clear(&tp);
	return 0;
}

/* `rc`, with the phase marked when it succeeded (--trace-timing). */
static int marked(run_ctx *r, int rc, run_phase ph)
{
	if (rc == 0)
		run_mark(r, ph);
	return rc;
}

static void run_session(run_ctx *r)
{
	if (r->opt->events &&
	    events_open(&r->ev, r->opt->events, r->err, sizeof(r->err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--events %s", r->err);
		return;
	}
	if (rsp_regcache_new(&r->regs) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return;
	}
	/* QEMU starts before the breakpoints are planned and the image is
	 * scanned for semihosting traps, so that work (a few ms of symbol
	 * lookups and disassembly) overlaps QEMU's own start-up instead of
	 * adding to it; qemu-user even before the image is read, when its
	 * headers are all it takes. */
	/* A position-independent program's symbols are known only once the
	 * stub says where it was loaded: its plan waits for the connection. */
	if (run_console_setup(r) < 0 || run_user_start_early(r) < 0 ||
	    marked(r, run_setup_image(r), RUN_PH_IMAGE) < 0 ||
	    announce_test_plan(r) < 0 || run_replay_prepare(r) < 0 ||
	    (!r->qemu && marked(r, run_setup_spawn(r), RUN_PH_SPAWN) < 0) ||
	    (!r->user_pie && marked(r, run_setup_plan(r), RUN_PH_PLAN) < 0) ||
	    run_setup_connect(r) < 0 || run_user_relocate(r) < 0 ||
	    (r->user_pie && marked(r, run_setup_plan(r), RUN_PH_PLAN) < 0) ||
	    run_replay_check(r) < 0 || run_setup_check_names(r) < 0 ||
	    run_debug_wait(r) < 0 ||
	    marked(r, run_setup_insert(r), RUN_PH_INSERT) < 0)
		return;
	do
		loop(r);
	while (run_snapshot_next(r));
}

static void teardown(run_ctx *r)
{
	/* D to a stub known dead would only wait out its timeout. */
	if (r->conn && r->opt->connect && !r->qemu && !r->stub_dead) {
		run_bound_requests(r, after_run(r));
		rsp_detach(r->conn);
	}
	/* QEMU first: the kernel tears its memory down (milliseconds) while
	 * we free ours; its last output and the files it used wait for the
	 * reap. */
	qemu_kill(r->qemu);
	rsp_close(r->conn);
	rsp_regcache_free(r->regs);
	semihost_free(r->sh);
	fileio_free(r->fio);
	image_free(r->img);
	if (r->qemu)
		run_drain_qemu(r);
	qemu_free(r->qemu);
	run_remove_firmware(r);
	run_replay_remove(r);
	run_console_free(r);
	events_close(r->ev);
	free(r->bps);
	free(r->watch_addr);
	free(r->test_out);
	run_snapshot_free(r);
	run_coverage_free(r);
	if (r->sigfd >= 0)
		close(r->sigfd);
}

static int print_usage(void)
{
	size_t n = cli_usage(NULL, 0);
	char *text = malloc(n + 1);

	if (!text) {
		fputs("stubrun: out of memory\n", stderr);
		return RUN_EXIT_ERROR;
	}
	cli_usage(text, n + 1);
	fputs(text, stdout);
	free(text);
	return 0;
}

int run_main(int argc, char **argv, int first)
{
	cli_options opt;
	run_ctx r;
	sigset_t old;
	char err[512];
	int status;

	memset(&r, 0, sizeof(r));
	r.sigfd = -1;
	sigprocmask(SIG_SETMASK, NULL, &old);
	if (cli_parse(&opt, argc, argv, first, err, sizeof(err)) < 0) {
		fprintf(stderr, "stubrun: %s\n", err);
		cli_options_free(&opt);
		return RUN_EXIT_ERROR;
	}
	if (opt.help || opt.version) {
		status = opt.help ? print_usage() : 0;
		if (opt.version)
			fputs("stubrun " STUBRUN_VERSION "\n", stdout);
		cli_options_free(&opt);
		return status;
	}
	r.opt = &opt;
	r.t0 = util_now_ms();
	r.t0_us = util_now_us();
	/* Until the guest first runs, the bound is start-up's: --timeout
	 * plus a fixed allowance; from then on the guest gets its whole
	 * --timeout (loop()), however long a loaded host took to start QEMU. */
	r.deadline = r.t0 + opt.timeout_ms + UTIL_STARTUP_MS;
	if (signals_block(&r.sigfd, &old) < 0)
		run_verdict(&r, RUN_EXIT_ERROR, 0, "signalfd: %s", strerror(errno));
	else
		run_session(&r);
	run_mark(&r, RUN_PH_RUN);
	if (!r.done)
		run_verdict(&r, RUN_EXIT_ERROR, 0, "internal error: no verdict");
	fflush(stdout);
	run_print_postmortem(&r);
	run_replay_history(&r);
	run_coverage_after_verdict(&r);
	report(&r);
	run_coverage_finish(&r);
	run_mark(&r, RUN_PH_POSTMORTEM);
	run_debug_on_failure(&r);
	status = r.status;
	teardown(&r);
	run_mark(&r, RUN_PH_TEARDOWN);
	run_print_timing(&r);
	discard_sigpipe();
	sigprocmask(SIG_SETMASK, &old, NULL);
	cli_options_free(&opt);
	return status;
}

/*
 * --snapshot-at: boot once, test from a snapshot. The guest runs to the
 * point -- LOC, or the first console text matching console:REGEX -- where
 * QEMU saves the machine (savevm, through the stub's monitor channel, into
 * the qcow2 image in the private directory). Then each test runs alone:
 * an in-image test by its name written into the guest's
 * stubrun_selected_test, a console test (--snapshot-test) by its text
 * typed into the console and judged by a console matcher of its own. For
 * the next test QEMU restores the snapshot (loadvm), so that nothing one
 * test did -- a crash, a hang, a corrupted global, a removed file --
 * reaches the next, nor does any console text from before the restore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu.h"
#include "testplan.h"
#include "run_int.h"
#include "util.h"

/* The snapshot's name inside the qcow2 image. */
#define SNAPSHOT_NAME "stubrun-snapshot"

/* Why 30 s: savevm of a guest with a few hundred MiB of RAM takes a
 * second or two; loadvm less. The bound only ends a wedged QEMU. */
#define SNAPSHOT_MONITOR_MS 30000

/* Why 5 s: on a target whose clock outlives loadvm (target.h), a test
 * sees its clock ahead of the snapshot's by what the tests before it ran
 * in the same QEMU. Five seconds of that pass unnoticed, a quarter of
 * what Linux's soft-lockup and RCU-stall watchdogs wait (20 s, 21 s); its
 * clocksource watchdog skips so long an interval. Beyond it the next test
 * starts in a new QEMU from the snapshot, which costs a QEMU start-up
 * (0.3 s, 1-2 s on a loaded machine). */
#define SNAPSHOT_CLOCK_SLACK_MS 5000

/* Why 16: a halted guest prints nothing more, so what is left of its
 * console is what the pipe holds (64 KiB); 16 drains of up to 256 KiB
 * each only bound a QEMU that did not stop. */
#define SETTLE_DRAINS 16

/* The point as messages name it: LOC as written, or console:"REGEX" (a
 * prompt often ends in a blank). */
static const char *point(char *buf, size_t cap, const run_ctx *r)
{
	if (!r->opt->snapshot_console)
		return r->opt->snapshot_at;
	snprintf(buf, cap, "%s\"%s\"", RUNOPT_CONSOLE_AT, r->opt->snapshot_console);
	return buf;
}

int run_snapshot_names(testplan *out, const cli_options *o)
{
	out->count = 0;
	if (!(out->names = calloc(o->n_snap_tests + 1, sizeof(*out->names))))
		return -1;
	for (; out->count < o->n_snap_tests; out->count++)
		if (!(out->names[out->count] = strdup(o->snap_tests[out->count].name))) {
			testplan_clear(out);
			return -1;
		}
	return 0;
}

/* The in-image tests: those the image declares, chosen through its
 * stubrun_selected_test. 0, or -1 with the verdict. */
static int plan_declared(run_ctx *r, testplan *tp)
{
	const image_symbol *sel;

	if (!image_is_elf(r->img) ||
	    image_symbol_find(&sel, r->img, "stubrun_selected_test") < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: %s has no "
			    "stubrun_selected_test (include/stubrun/guest.h: the "
			    "guest chooses its test by it)", image_path(r->img));
		return -1;
	}
	if (testplan_read(tp, r->img, r->err, sizeof(r->err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	if (tp->count == 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: %s declares no "
			    "tests (STUBRUN_DECLARE_TEST)", image_path(r->img));
		testplan_clear(tp);
		return -1;
	}
	r->snap_selected = sel->addr;
	return 0;
}

int run_snapshot_plan(run_ctx *r)
{
	const cli_options *o = r->opt;
	testplan tp;
	uint64_t addr;

	if (!o->snapshot_at)
		return 0;
	if (r->user) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: qemu-user has "
			    "no snapshots");
		return -1;
	}
	if (o->n_snap_tests && run_snapshot_names(&tp, o) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	if (!o->n_snap_tests && plan_declared(r, &tp) < 0)
		return -1;
	r->snap_tests = tp.names;
	r->snap_count = tp.count;
	if (o->snapshot_console)
		return 0; /* the console finds the point (run_console.c) */
	if (run_setup_loc(&addr, r, &o->snapshot_where) < 0)
		return -1;
	return run_add_bp(r, addr, RUN_BP_SNAPSHOT, 0, o->snapshot_at, 0);
}

/* A monitor command; 0, or -1 with QEMU's words (or the stub's) in msg.
 * The machine is halted meanwhile: a slow savevm on a loaded host is not
 * the guest's time. */
static int monitor(run_ctx *r, const char *cmd, char *msg, size_t cap)
{
	int64_t t = util_now_ms();
	char *out = NULL;
	int err;

	msg[0] = '\0';
	run_bound_requests(r, t + SNAPSHOT_MONITOR_MS);
	err = rsp_monitor(&out, r->conn, cmd);
	run_guest_held(r, t);
	run_bound_requests(r, r->deadline + RUN_GRACE_MS);
	if (err < 0) {
		snprintf(msg, cap, "%s", rsp_errmsg(r->conn));
		free(out);
		return -1;
	}
	/* HMP answers a failed savevm/loadvm with text, not an error reply:
	 * "Error: Device 'x' is writable but does not support snapshots". */
	if (out && strstr(out, "rror")) {
		snprintf(msg, cap, "%.*s", (int)strcspn(out, "\r\n"), out);
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

/* The name of the test to run now, into the guest's buffer. */
static int select_test(run_ctx *r)
{
	char name[TESTPLAN_MAX_NAME + 1] = { 0 };
	const char *t = r->snap_tests[r->snap_index];
	size_t n = strlen(t) + 1;

	/* guest.h's buffer is 128 bytes; a longer name cannot be chosen. */
	if (n > 128) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: test name '%s' "
			    "is longer than STUBRUN_TEST_NAME_MAX", t);
		return -1;
	}
	memcpy(name, t, n);
	if (rsp_mem_write(r->conn, r->snap_selected, name, n) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: writing "
			    "stubrun_selected_test: %s", rsp_errmsg(r->conn));
		return -1;
	}
	return 0;
}

/* A console test begins: a matcher of its own, its begin event, its text
 * typed into the guest. */
static int begin_console_test(run_ctx *r)
{
	const cli_snap_test *t = &r->opt->snap_tests[r->snap_index];
	char *text = NULL;
	size_t len;

	if (run_console_begin_test(r, &t->console) < 0)
		return -1;
	/* The text was checked with the options: only memory can fail. */
	if (console_unescape(&text, &len, t->text, r->err, sizeof(r->err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	run_test_start(r, t->name);
	run_console_send(r, text, len);
	free(text);
	return r->done ? -1 : 0;
}

/* The test at snap_index starts from the machine as saved, with the
 * whole --timeout. */
static int begin_test(run_ctx *r)
{
	r->snap_test_t0 = util_now_ms();
	r->deadline = r->snap_test_t0 + r->opt->timeout_ms;
	return r->opt->n_snap_tests ? begin_console_test(r) : select_test(r);
}

/* savevm; 0, or -1 with the verdict (125, QEMU's reason). */
static int save(run_ctx *r)
{
	char msg[300], at[300];
	int64_t t = util_now_ms();

	if (monitor(r, "savevm " SNAPSHOT_NAME, msg, sizeof(msg)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at %s: QEMU cannot "
			    "save this machine: %s", point(at, sizeof(at), r), msg);
		r->status_final = 1;
		return -1;
	}
	r->snap_taken = 1;
	r->snap_point_ms = t - r->t0;
	r->snap_save_ms = util_now_ms() - t;
	return 0;
}

void run_snapshot_hit(run_resume *resume, run_ctx *r)
{
	*resume = RUN_STEP_CONTINUE;
	if (r->snap_taken)
		return; /* restored here: the test begins */
	if (save(r) < 0 || begin_test(r) < 0)
		*resume = RUN_STAY;
}

/* The guest is halted (or gone): what it printed up to there reaches the
 * console and the test's output now, before anything is restored. */
static void settle(run_ctx *r)
{
	for (int i = 0; i < SETTLE_DRAINS && run_drain_qemu(r) > 0; i++)
		;
}

/* The verdict of the test that just ended, and its report: one line (and
 * the post-mortem) for a failure. */
static void finish_test(run_ctx *r)
{
	const char *name = r->snap_tests[r->snap_index];

	settle(r);
	r->snap_ran_ms += util_now_ms() - r->snap_test_t0;
	r->snap_tests_ms += util_now_ms() - r->snap_test_t0;
	if (r->opt->n_snap_tests && r->in_test)
		run_test_end(r, r->status, r->status ? r->reason : NULL);
	run_test_abandon(r);
	if (r->status == 0)
		return;
	r->snap_failed++;
	run_print_postmortem(r);
	fprintf(stderr, "stubrun: test %s: %s (status %d)\n", name, r->reason,
		r->status);
}

/* A machine that shut down (a triple fault under -action shutdown=pause)
 * or panicked will not run again, even restored: QEMU keeps that run
 * state across loadvm, and its system_reset is a shutdown again under
 * -no-reboot. Such a machine is replaced by a new QEMU that starts from
 * the snapshot (-loadvm), the image being on disk; so is one whose clock
 * ran too far ahead. */
static int needs_reset(run_ctx *r)
{
	char *out = NULL;
	int yes;

	if (rsp_monitor(&out, r->conn, "info status") < 0) {
		free(out);
		return 0;
	}
	yes = out && (strstr(out, "shutdown") || strstr(out, "panicked") ||
		      strstr(out, "internal-error"));
	free(out);
	return yes;
}

/* The guest's clock would be restored too far ahead (the slack above). */
static int clock_ran_ahead(const run_ctx *r)
{
	return r->tgt->clock_outlives_loadvm &&
	       r->snap_ran_ms >= SNAPSHOT_CLOCK_SLACK_MS;
}

static int respawn(run_ctx *r)
{
	qemu_kill(r->qemu);
	run_drop_qemu(r);
	r->snap_respawn = 1;
	r->snap_ran_ms = 0;
	for (size_t i = 0; i < r->nbps; i++)
		r->bps[i].inserted = 0;
	if (run_spawn_qemu(r) < 0 || run_setup_connect(r) < 0)
		return -1;
	return run_setup_reinsert(r);
}

static void clear_verdict(run_ctx *r)
{
	r->done = 0;
	r->status = 0;
	r->reason[0] = '\0';
	r->postmortem = 0;
	r->at_entry = 0;
	r->has_fault = 0;
}

/* The machine as saved again: loadvm, or a new QEMU from the snapshot. */
static int reload(run_ctx *r)
{
	char msg[300];
	size_t dropped;

	run_fault_forget(r);
	if (clock_ran_ahead(r) || needs_reset(r)) {
		r->snap_restarts++;
		return respawn(r);
	}
	/* What the last test typed and the guest did not read is still in
	 * QEMU's input; restored, the next test's shell would read it. The
	 * serial port's own FIFOs are reset by loadvm. */
	qemu_discard_input(&dropped, r->qemu);
	if (monitor(r, "loadvm " SNAPSHOT_NAME, msg, sizeof(msg)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at: QEMU cannot "
			    "restore its snapshot: %s", msg);
		return -1;
	}
	rsp_regcache_reset(r->regs);
	return 0;
}

/* Back to the snapshot, with the verdict cleared for the next test. */
static int restore(run_ctx *r)
{
	int64_t t = util_now_ms();
	int rc;

	clear_verdict(r);
	rc = reload(r);
	r->snap_restore_ms += util_now_ms() - t;
	return rc < 0 ? -1 : begin_test(r);
}

/* The console matched console:REGEX and the loop halted the guest there
 * (run.c): the snapshot, then the first test. 1 to run the loop again. */
static int take_at_point(run_ctx *r)
{
	char at[300];

	settle(r);
	clear_verdict(r);
	if (r->stub_dead) {
		r->status_final = 1;
		run_verdict(r, RUN_EXIT_ERROR, 0, "--snapshot-at %s: the guest "
			    "did not stop there", point(at, sizeof(at), r));
		return 0;
	}
	return save(r) == 0 && begin_test(r) == 0;
}

/* Ended before the point: that is the failure, whatever the guest said
 * (a pass before the point tested nothing). */
static void never_reached(run_ctx *r)
{
	char was[sizeof(r->reason)], at[300];
	int pm = r->postmortem;

	if (run_own_error(r->status))
		return;
	snprintf(was, sizeof(was), "%s", r->reason);
	r->done = 0;
	run_verdict(r, RUN_EXIT_FAIL, pm, "the guest never reached "
		    "--snapshot-at %s (%.400s)", point(at, sizeof(at), r), was);
}

int run_snapshot_next(run_ctx *r)
{
	char at[300];
	const char *loc = point(at, sizeof(at), r);

	if (!r->opt->snapshot_at || r->status_final)
		return 0;
	if (!r->snap_taken && r->snap_point_seen)
		return take_at_point(r);
	if (!r->snap_taken) {
		never_reached(r);
		return 0;
	}
	if (r->stub_dead || r->signo || run_own_error(r->status)) {
		r->status_final = 1; /* the machine or the run is gone */
		return 0;
	}
	finish_test(r);
	if (++r->snap_index < r->snap_count)
		return restore(r) == 0;
	r->done = 0;
	r->status_final = 1;
	if (r->snap_failed)
		run_verdict(r, RUN_EXIT_FAIL, 0, "%zu of %zu tests failed, each "
			    "run alone from the snapshot at %s", r->snap_failed,
			    r->snap_count, loc);
	else
		run_verdict(r, 0, 0, "all %zu tests passed, each run alone from "
			    "the snapshot at %s", r->snap_count, loc);
	return 0;
}

void run_snapshot_free(run_ctx *r)
{
	testplan tp = { r->snap_tests, r->snap_count };

	testplan_clear(&tp);
	r->snap_tests = NULL; /* snap_count stays, for --trace-timing */
}

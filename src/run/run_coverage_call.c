/*
 * stubrun's calls of the guest's stubrun_coverage_dump(), whose pieces
 * run_coverage.c's hooks receive. The registers are saved ('g'), the PC
 * set to the function, the return address to a breakpoint where the
 * guest was, the stack pointer below the current one; when the call
 * returns there the registers come back ('G').
 *
 * At an exit the guest reached without dumping, the loop runs the call
 * like any other guest code (its hooks, the timeout) and then judges the
 * exit. After a timeout or a caught fault the loop is over and the
 * verdict set; the counters in RAM are still good, so the call runs here,
 * in a loop that serves only the hooks, bounded by one more --timeout.
 * Whatever happens to that call (a fault, a hang, an exit), the verdict
 * stays the one the run had.
 */
#include "run_int.h"

#include <inttypes.h>
#include <stdio.h>

#include "postmortem.h"
#include "regs.h"
#include "run_coverage.h"
#include "util.h"

/* Why 256: the call's stack starts this far below the SP it interrupts,
 * beyond any red zone, and 16-byte aligned as every ABI here wants. */
#define CALL_STACK_GAP 256

static int set_reg(run_ctx *r, const char *name, uint64_t value)
{
	const rsp_reg *reg = rsp_reg_find(r->conn, name);

	return reg ? rsp_regcache_write(r->regs, r->conn, reg, value) :
		     RSP_ENOTFOUND;
}

/* Sets the registers for the call: PC at the dump, the return address at
 * `ret`, a fresh aligned stack below the current one. */
static int setup_call(run_ctx *r, uint64_t ret)
{
	const target_desc *t = r->tgt;
	run_cov *c = r->cov;
	uint64_t sp, pc_state = ret;
	int err;

	if ((err = regs_sp_cached(&sp, r->regs, r->conn, t)) < 0)
		return err;
	/* A Thumb return address carries bit 0 (BX back to Thumb state). */
	if (t->thumb && (c->dump_fn & 1))
		pc_state |= 1;
	sp = (sp - CALL_STACK_GAP) & ~(uint64_t)15;
	if ((err = set_reg(r, t->sp_reg, sp)) < 0 ||
	    (err = set_reg(r, t->lr_reg, pc_state)) < 0)
		return err;
	return set_reg(r, t->pc_reg, target_code_addr(t, c->dump_fn));
}

/* Saves the registers and sets them for a call returning to `ret`, whose
 * registers are to go to the stub when the guest resumes. 0, or -1 after
 * one line (nothing was changed that matters: the cache is dropped). */
static int start_call(run_ctx *r, uint64_t ret)
{
	run_cov *c = r->cov;

	c->dumped = 1;
	if (!r->tgt->lr_reg) {
		fprintf(stderr, "stubrun: coverage: the guest did not dump its "
			"coverage, and stubrun cannot call it on %s (no link "
			"register): call stubrun_coverage_dump() before the exit\n",
			r->tgt->name);
		return -1;
	}
	rsp_regcache_reset(r->regs);
	if (rsp_regs_read_all(c->saved, sizeof(c->saved), &c->saved_len,
			      r->conn) < 0 || setup_call(r, ret) < 0) {
		fprintf(stderr, "stubrun: coverage: cannot call the guest's "
			"stubrun_coverage_dump(): %s\n", rsp_errmsg(r->conn));
		rsp_regcache_reset(r->regs);
		return -1;
	}
	c->calling = 1;
	c->call_ret = ret;
	return 0;
}

/* The registers of before the call, back in the guest. */
static int end_call(run_ctx *r)
{
	run_cov *c = r->cov;

	c->calling = 0;
	rsp_regcache_reset(r->regs);
	return rsp_regs_write_all(r->conn, c->saved, c->saved_len);
}

int run_coverage_call(run_resume *resume, run_ctx *r)
{
	run_cov *c = r->cov;

	if (!c || c->dumped || !c->dump_fn || start_call(r, r->stop_pc) < 0)
		return 0;
	*resume = RUN_CONTINUE;
	return 1;
}

int run_coverage_returned(run_ctx *r, uint64_t pc)
{
	run_cov *c = r->cov;
	int err;

	if (!c || !c->calling || pc != c->call_ret)
		return 0;
	if ((err = end_call(r)) < 0) {
		run_stub_failed(r, err);
		run_verdict(r, RUN_EXIT_ERROR, 0, "coverage: restoring the "
			    "registers after the dump: %s", rsp_errmsg(r->conn));
		return -1;
	}
	return 0;
}

/* --- after a timeout or a fault ----------------------------------------- */

/* 1 when the verdict left the guest halted with its counters intact: a
 * timeout that stopped it (its post-mortem is due), or a fault the catch
 * took at the handler's entry. A reset, a signal, a QEMU gone, a replay
 * to come (--record): nothing to call. */
static int late_call_possible(const run_ctx *r)
{
	const run_cov *c = r->cov;

	return c && !c->dumped && c->dump_fn && r->conn && !r->stub_dead &&
	       !r->user && !r->opt->record &&
	       ((r->status == RUN_EXIT_TIMEOUT && r->postmortem) ||
		r->has_fault);
}

/* The hook at pc, or NULL. */
static const run_bp *hook_at(const run_ctx *r, uint64_t pc)
{
	for (size_t i = 0; i < r->nbps; i++)
		if (r->bps[i].addr == pc && r->bps[i].kind == RUN_BP_COVERAGE)
			return &r->bps[i];
	return NULL;
}

/* 1 when one of the run's breakpoints holds a Z0 at addr. */
static int inserted_at(const run_ctx *r, uint64_t addr)
{
	for (size_t i = 0; i < r->nbps; i++)
		if (r->bps[i].addr == addr && r->bps[i].inserted)
			return 1;
	return 0;
}

typedef enum late_end {
	LATE_RETURNED,   /* the call came back: the dump is whole */
	LATE_HUNG,       /* not back by the bound: the guest still runs */
	LATE_ASTRAY,     /* it stopped elsewhere (said) */
	LATE_STUB,       /* the stub failed or went away (said) */
} late_end;

static late_end stub_trouble(run_ctx *r, int err)
{
	run_stub_failed(r, err);
	fprintf(stderr, "stubrun: coverage: the dump called after the verdict: "
		"%s\n", rsp_errmsg(r->conn));
	return LATE_STUB;
}

/* It stopped where it must not: a fault handler's entry, an exit. */
static late_end astray(run_ctx *r, uint64_t pc)
{
	char at[200];

	postmortem_where(at, sizeof(at), r->img, pc);
	fprintf(stderr, "stubrun: coverage: the dump called after the verdict "
		"stopped at 0x%" PRIx64 "%s%s before it returned: the data is "
		"incomplete\n", pc, at[0] ? " in " : "", at);
	return LATE_ASTRAY;
}

/* Runs the call until it returns to `ret`, serving the hooks on the way. */
static late_end serve_call(run_ctx *r, uint64_t ret, int64_t until)
{
	for (;;) {
		const run_bp *b;
		rsp_stop stop;
		uint64_t pc;
		int64_t left;
		int err;

		if ((err = rsp_continue(r->conn)) < 0)
			return stub_trouble(r, err);
		left = until - util_now_ms();
		err = left > 0 ? rsp_wait(&stop, r->conn, (int)left) : RSP_ETIMEOUT;
		if (err == RSP_ETIMEOUT)
			return LATE_HUNG;
		if (err < 0)
			return stub_trouble(r, err);
		rsp_regcache_reset(r->regs);
		if (stop.kind != RSP_STOP_SIGNAL) {
			r->stub_dead = 1;
			fprintf(stderr, "stubrun: coverage: the machine ended during "
				"the dump called after the verdict\n");
			return LATE_STUB;
		}
		if ((err = regs_pc_cached(&pc, r->regs, r->conn, r->tgt)) < 0)
			return stub_trouble(r, err);
		if (pc == ret)
			return LATE_RETURNED;
		if (!(b = hook_at(r, pc)))
			return astray(r, pc);
		run_coverage_hook(r, b);
		rsp_regcache_reset(r->regs);
		if ((err = rsp_step_over(&stop, r->conn, pc, b->z_kind)) < 0)
			return stub_trouble(r, err);
	}
}

/* A call that did not come back within its bound: halted again, so that
 * its registers can be restored (the post-mortem was taken before it). */
static void halt_hung_call(run_ctx *r)
{
	rsp_stop stop;

	fprintf(stderr, "stubrun: coverage: the dump called after the verdict "
		"did not return within %.3g s: the data is incomplete\n",
		r->opt->timeout_ms / 1000.0);
	if (rsp_interrupt(r->conn) < 0 ||
	    rsp_wait(&stop, r->conn, RUN_INTERRUPT_WAIT_MS) < 0)
		r->stub_dead = 1;
}

void run_coverage_after_verdict(run_ctx *r)
{
	run_cov *c = r->cov;
	int64_t until;
	uint64_t pc = 0;
	int own_bp = 0, err;
	late_end end;

	if (!late_call_possible(r))
		return;
	until = util_now_ms() + r->opt->timeout_ms;
	run_bound_requests(r, until + RUN_GRACE_MS);
	rsp_regcache_reset(r->regs);
	if ((err = regs_pc_cached(&pc, r->regs, r->conn, r->tgt)) < 0) {
		stub_trouble(r, err);
		goto out;
	}
	/* The call returns where the guest is: a fault entry has its Z0,
	 * a timed-out guest gets one for the call. */
	if (!inserted_at(r, pc)) {
		if ((err = rsp_bp_insert(r->conn, RSP_BP_SW, pc,
					 r->tgt->bp_kind)) < 0) {
			stub_trouble(r, err);
			goto out;
		}
		own_bp = 1;
	}
	if (start_call(r, pc) < 0)
		goto out;
	if ((err = rsp_regcache_flush(r->regs, r->conn)) < 0) {
		stub_trouble(r, err);
		goto restore;
	}
	end = serve_call(r, pc, until);
	if (end == LATE_HUNG)
		halt_hung_call(r);
	if (end != LATE_RETURNED)
		c->failed = 1; /* said: the partial file is not written */
restore:
	c->calling = 0;
	if (!r->stub_dead && (err = end_call(r)) < 0)
		stub_trouble(r, err);
out:
	if (own_bp && !r->stub_dead &&
	    (err = rsp_bp_remove(r->conn, RSP_BP_SW, pc, r->tgt->bp_kind)) < 0)
		stub_trouble(r, err);
	rsp_regcache_reset(r->regs);
}

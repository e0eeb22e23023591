/* What a stop means: exit and fail symbols, checkpoints with their
 * --expect checks, in-image test hooks, semihosting traps, crashes, and
 * QEMU's own exit (isa-debug-exit, sifive_test, semihosting). */
#include "run_int.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "postmortem.h"
#include "regs.h"
#include "util.h"

/* GDB's signal numbers as QEMU's stub reports them. */
#define GDB_SIGINT 2
#define GDB_SIGQUIT 3   /* QEMU: the VM stopped for shutdown/reset */

const run_bp *run_find_bp(const run_ctx *r, uint64_t pc)
{
	for (size_t i = 0; i < r->nbps; i++)
		if (r->bps[i].addr == pc)
			return &r->bps[i];
	return NULL;
}

int run_read_arg(int64_t *out, run_ctx *r, int as_pointer)
{
	const target_desc *t = r->tgt;
	uint64_t v = 0, sp;
	int bits = 64, err;
	/* An int is 32 bits on every target but real mode's 16. */
	int int_bits = t->ptr_size == 2 ? 16 : 32;

	if (t->arg_kind == TARGET_ARG_REGISTER) {
		if ((err = regs_get_cached(&v, &bits, r->regs, r->conn, t,
					   t->arg_reg)) < 0)
			return err;
	} else {
		int bytes = as_pointer ? (int)t->ptr_size :
			    (int_bits / 8 < (int)t->ptr_size ? int_bits / 8 :
			     (int)t->ptr_size);
		if ((err = regs_sp_cached(&sp, r->regs, r->conn, t)) < 0 ||
		    (err = regs_mem_uint(&v, r->conn, sp + (uint64_t)t->arg_stack_offset,
					 bytes)) < 0)
			return err;
	}
	if (as_pointer) {
		*out = (int64_t)v;
		return 0;
	}
	v &= ((uint64_t)1 << int_bits) - 1;
	*out = (v & ((uint64_t)1 << (int_bits - 1))) ?
	       (int64_t)v - ((int64_t)1 << int_bits) : (int64_t)v;
	return 0;
}

int run_read_string(char *out, size_t cap, run_ctx *r, uint64_t addr)
{
	size_t n = 0;
	char chunk[32];

	if (cap == 0)
		return -1;
	/* Small chunks: a string near the end of mapped memory still reads;
	 * a chunk that faults is retried a byte at a time. */
	while (n + 1 < cap && n < RUN_STRING_MAX) {
		size_t want = sizeof(chunk), got = 0;
		if (rsp_mem_read(chunk, r->conn, addr + n, want) == 0)
			got = want;
		else if (rsp_mem_read(chunk, r->conn, addr + n, 1) == 0)
			got = 1;
		if (got == 0)
			break;
		for (size_t i = 0; i < got && n + 1 < cap && n < RUN_STRING_MAX; i++) {
			unsigned char ch = (unsigned char)chunk[i];
			if (ch == 0) {
				out[n] = '\0';
				return 0;
			}
			out[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

typedef struct check_env {
	run_ctx *r;
} check_env;

static int env_name(uint64_t *value, int *bits, void *arg, const char *name)
{
	run_ctx *r = ((check_env *)arg)->r;
	const image_symbol *s;
	int err = regs_get_cached(value, bits, r->regs, r->conn, r->tgt, name);

	if (err == 0)
		return 0;
	if (err != RSP_ENOTFOUND)
		return EXPECT_EACCESS;
	if (image_is_elf(r->img) && image_symbol_find(&s, r->img, name) == 0) {
		*value = s->addr;
		*bits = 64;
		return 0;
	}
	return EXPECT_ENAME;
}

static int env_mem(uint64_t *value, void *arg, uint64_t addr, int bytes)
{
	run_ctx *r = ((check_env *)arg)->r;

	return regs_mem_uint(value, r->conn, addr, bytes) < 0 ? EXPECT_EACCESS : 0;
}

/* Evaluates the checks of a checkpoint; sets the verdict on a failure. */
static void checkpoint(run_resume *resume, run_ctx *r, const run_bp *b)
{
	const cli_check *ck = &r->opt->checks[b->index];
	check_env ce = { r };
	expect_env env = { env_name, env_mem, &ce };

	for (size_t i = 0; i < ck->n_expects; i++) {
		const expect_expr *e = &ck->expects[i];
		char detail[256];
		int holds = 0;
		if (expect_eval(&holds, e, &env, detail, sizeof(detail), r->err,
				sizeof(r->err)) < 0) {
			run_verdict(r, RUN_EXIT_FAIL, 1, "at %s: --expect '%s' could "
				    "not be evaluated: %s", ck->loc, e->text, r->err);
			return;
		}
		if (!holds) {
			run_verdict(r, RUN_EXIT_FAIL, 1, "at %s: --expect '%s' failed: "
				    "%s", ck->loc, e->text, detail);
			return;
		}
	}
	if (!ck->pass)
		*resume = RUN_STEP_CONTINUE;
	else if (!run_coverage_call(resume, r))
		run_verdict(r, 0, 0, "reached --pass-at %s%s", ck->loc,
			    ck->n_expects ? " with every --expect holding" : "");
}

void run_test_start(run_ctx *r, const char *name)
{
	snprintf(r->test_name, sizeof(r->test_name), "%s", name);
	r->in_test = 1;
	r->test_len = 0;
	r->test_cut = 0;
	events_begin(r->ev, r->test_name, run_event_time(r));
}

static void test_begin(run_ctx *r)
{
	char name[sizeof(r->test_name)];
	int64_t ptr;

	if (run_read_arg(&ptr, r, 1) < 0 ||
	    run_read_string(name, sizeof(name), r, (uint64_t)ptr) < 0)
		snprintf(name, sizeof(name), "(unreadable name)");
	run_test_start(r, name);
}

void run_test_end(run_ctx *r, int status, const char *reason)
{
	static const char cut[] = "\n[output cut at 1 MiB]\n";

	if (r->test_cut && r->test_out && r->test_len + sizeof(cut) <=
	    RUN_TEST_OUTPUT_MAX + sizeof(cut)) {
		memcpy(r->test_out + r->test_len, cut, sizeof(cut) - 1);
		r->test_len += sizeof(cut) - 1;
	}
	if (reason)
		events_end_by_run(r->ev, r->test_name, status, reason,
				  run_event_time(r), r->test_out, r->test_len);
	else
		events_end(r->ev, r->test_name, status, run_event_time(r),
			   r->test_out, r->test_len);
	r->in_test = 0;
	r->test_len = 0;
	r->test_cut = 0;
}

void run_test_abandon(run_ctx *r)
{
	if (r->in_test && r->ev)
		run_test_end(r, r->status ? r->status : 1, r->reason);
	r->in_test = 0;
}

static void test_end(run_ctx *r)
{
	int64_t st = 0;

	if (run_read_arg(&st, r, 0) < 0)
		st = 1;
	if (!r->in_test)
		snprintf(r->test_name, sizeof(r->test_name), "(no test begun)");
	run_test_end(r, (int)st, NULL);
}

static void exit_symbol(run_resume *resume, run_ctx *r, const run_bp *b)
{
	int64_t st;

	if (run_coverage_call(resume, r))
		return;
	r->at_entry = 1;
	if (run_read_arg(&st, r, 0) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 1, "reached %s but cannot read its "
			    "argument: %s", b->name, rsp_errmsg(r->conn));
		return;
	}
	if (run_host_status(st) != st)
		run_verdict(r, run_host_status(st), 1, "the guest called %s(%" PRId64
			    "), reported as status %d", b->name, st, run_host_status(st));
	else
		run_verdict(r, (int)st, st != 0, "the guest called %s(%" PRId64 ")",
			    b->name, st);
}

static void fail_symbol(run_resume *resume, run_ctx *r, const run_bp *b)
{
	char msg[RUN_STRING_MAX + 1];
	int64_t ptr;

	if (run_coverage_call(resume, r))
		return;
	r->at_entry = 1;
	if (run_read_arg(&ptr, r, 1) == 0 && ptr != 0 &&
	    run_read_string(msg, sizeof(msg), r, (uint64_t)ptr) == 0 && msg[0])
		run_verdict(r, RUN_EXIT_FAIL, 1, "the guest reached fail symbol "
			    "%s(\"%s\")", b->name, msg);
	else
		run_verdict(r, RUN_EXIT_FAIL, 1, "the guest reached fail symbol %s",
			    b->name);
}

static int guest_mem_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	run_ctx *r = arg;
	int err = rsp_mem_read(buf, r->conn, addr, len);

	return err == RSP_EREMOTE ? SEMIHOST_IO_FAULT : err;
}

static int guest_mem_write(uint64_t addr, const void *buf, size_t len,
			   void *arg)
{
	run_ctx *r = arg;
	int err = rsp_mem_write(r->conn, addr, buf, len);

	return err == RSP_EREMOTE ? SEMIHOST_IO_FAULT : err;
}

/* Registers go through the stop's cache: the operation and parameter
 * registers come out of the 'g' that gave the PC, and the result and the
 * new PC leave in one packet (run_leave_stop). */
static int guest_reg_get(uint64_t *value, const char *name, void *arg)
{
	run_ctx *r = arg;
	const rsp_reg *reg = rsp_reg_find(r->conn, name);

	return reg ? rsp_regcache_read(value, r->regs, r->conn, reg) :
		     RSP_ENOTFOUND;
}

static int guest_reg_set(const char *name, uint64_t value, void *arg)
{
	run_ctx *r = arg;
	const rsp_reg *reg = rsp_reg_find(r->conn, name);

	return reg ? rsp_regcache_write(r->regs, r->conn, reg, value) :
		     RSP_ENOTFOUND;
}

/* A semihosting trap: serviced here; the PC moves past it on CONTINUE. */
static int semihosting(run_resume *resume, run_ctx *r, uint64_t pc)
{
	semihost_target io = { guest_reg_get, guest_reg_set, guest_mem_read,
			       guest_mem_write, r };
	semihost_result res;

	if (semihost_handle(&res, r->sh, &io, pc) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 1, "semihosting: %s",
			    semihost_errmsg(r->sh));
		return -1;
	}
	if (res.action == SEMIHOST_CONTINUE && run_leave_stop(r) < 0)
		return -1;
	/* The guest's coverage first: the trap is handled again (the exit
	 * then judged) when the call of the dump returns to it. */
	if (res.action == SEMIHOST_EXIT && run_coverage_call(resume, r))
		return 0;
	switch (res.action) {
	case SEMIHOST_CONTINUE:
		r->sh_serviced = 1;
		*resume = RUN_CONTINUE; /* PC already past the trap */
		break;
	case SEMIHOST_EXIT:
		run_verdict(r, res.status, res.status != 0, "the guest exited "
			    "through semihosting with status %d", res.status);
		break;
	case SEMIHOST_FAIL:
		run_verdict(r, RUN_EXIT_FAIL, 1, "%s", res.message);
		break;
	}
	return 0;
}

static void stop_at_bp(run_resume *resume, run_ctx *r, uint64_t pc)
{
	if (run_coverage_returned(r, pc) < 0)
		return;
	for (size_t i = 0; i < r->nbps && !r->done && *resume == RUN_STAY; i++) {
		const run_bp *b = &r->bps[i];
		if (b->addr != pc)
			continue;
		switch (b->kind) {
		case RUN_BP_CHECK:
			checkpoint(resume, r, b);
			/* A --break that held lets later entries at the same
			 * address (an exit symbol) have their say. */
			if (*resume == RUN_STEP_CONTINUE && i + 1 < r->nbps)
				*resume = RUN_STAY;
			break;
		case RUN_BP_TEST_BEGIN: test_begin(r); break;
		case RUN_BP_TEST_END: test_end(r); break;
		case RUN_BP_EXIT: exit_symbol(resume, r, b); break;
		case RUN_BP_FAIL: fail_symbol(resume, r, b); break;
		case RUN_BP_SEMIHOST: semihosting(resume, r, pc); break;
		case RUN_BP_VECTOR: run_fault_written(r, b); break;
		case RUN_BP_FAULT: run_fault_entry(r, b); break;
		case RUN_BP_SNAPSHOT: run_snapshot_hit(resume, r); break;
		case RUN_BP_COVERAGE: run_coverage_hook(r, b); break;
		}
	}
	/* After the walk: moving the fault breakpoints changes r->bps. */
	if (r->fault_rearm && !r->done) {
		r->fault_rearm = 0;
		if (run_fault_rearm(r) < 0)
			return;
	}
	if (!r->done && *resume == RUN_STAY)
		*resume = RUN_STEP_CONTINUE;
}

/* A --watch fired: the guest touched memory it must not. */
static void watch_hit(run_ctx *r, const rsp_stop *stop, uint64_t pc)
{
	static const char *const verbs[] = {
		[RSP_REASON_WATCH] = "wrote", [RSP_REASON_RWATCH] = "read",
		[RSP_REASON_AWATCH] = "accessed",
	};
	const cli_options *o = r->opt;
	const char *which = "memory";
	char at[200];

	for (size_t i = 0; i < o->n_watches; i++) {
		uint64_t len = o->watches[i].len ? o->watches[i].len : r->tgt->ptr_size;
		if (stop->watch_addr >= r->watch_addr[i] &&
		    stop->watch_addr - r->watch_addr[i] < len) {
			which = o->watches[i].text;
			break;
		}
	}
	postmortem_where(at, sizeof(at), r->img, pc);
	run_verdict(r, RUN_EXIT_FAIL, 1, "the guest %s 0x%" PRIx64 " (--watch %s)"
		    " at 0x%" PRIx64 "%s%s", verbs[stop->reason],
		    stop->watch_addr, which, pc, at[0] ? " in " : "", at);
}

/* User mode: a signal stops the program where it was raised (the
 * faulting instruction); stubrun does not pass it on, so every signal but
 * a stray interrupt ends the run. */
static void program_signal(run_resume *resume, run_ctx *r,
			   const rsp_stop *stop, uint64_t pc)
{
	const char *name = run_user_signal_name(stop->signal);

	if (stop->signal == GDB_SIGINT) {
		*resume = RUN_CONTINUE;
		return;
	}
	if (name)
		run_verdict(r, RUN_EXIT_FAIL, 1, "the program got %s at 0x%"
			    PRIx64, name, pc);
	else
		run_verdict(r, RUN_EXIT_FAIL, 1, "the program got signal %d "
			    "(GDB's numbering) at 0x%" PRIx64, stop->signal, pc);
}

static void unexpected_stop(run_resume *resume, run_ctx *r,
			    const rsp_stop *stop, uint64_t pc)
{
	if (r->user) {
		program_signal(resume, r, stop, pc);
		return;
	}
	switch (stop->signal) {
	case GDB_SIGINT:
		*resume = RUN_CONTINUE; /* a stray interrupt: go on */
		return;
	case GDB_SIGQUIT:
		/* A power-off after test results on the console (ACPI,
		 * PSCI SYSTEM_OFF): the results are the verdict. */
		if (run_console_powered_off(r))
			return;
		run_verdict(r, RUN_EXIT_FAIL, 1, "the guest reset or shut down "
			    "without an exit status (a triple fault?) at 0x%" PRIx64,
			    pc);
		return;
	default:
		run_verdict(r, RUN_EXIT_FAIL, 1, "the guest stopped unexpectedly "
			    "with signal %d at 0x%" PRIx64, stop->signal, pc);
	}
}

/* QEMU's semihosting in target=gdb mode asks for the host side of a call
 * (--semihosting=gdb); QEMU resumes the guest by itself on the answer. In
 * any other mode nobody asked QEMU for that (a user's --qemu-arg): refused
 * politely with ENOSYS. */
static int file_io(run_resume *resume, run_ctx *r, const rsp_stop *stop)
{
	semihost_target io = { guest_reg_get, guest_reg_set, guest_mem_read,
			       guest_mem_write, r };
	/* ENOSYS is 88 in the protocol's numbering (GDB manual, "Errno
	 * Values" lists none: GDB itself answers unknown calls so). */
	fileio_reply rep = { -1, RSP_FILEIO_ENOSYS, 0 };
	int err;

	if (r->fio && fileio_handle(&rep, r->fio, &io, stop) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 1, "semihosting (File-I/O): %s",
			    fileio_errmsg(r->fio));
		return -1;
	}
	err = rsp_fileio_reply(r->conn, rep.result, rep.err, rep.ctrl_c);
	if (err < 0) {
		if (err == RSP_ECLOSED)
			run_stop_closed(r, 0);
		else
			run_verdict(r, RUN_EXIT_ERROR, 0, "answering a File-I/O "
				    "request: %s", rsp_errmsg(r->conn));
		return -1;
	}
	r->sh_serviced = 1;
	*resume = RUN_WAIT;
	return 0;
}

/* Why 64: more threads (vCPUs) than any machine stubrun runs; a thread
 * beyond them is reported as unknown only if the stub lists more. */
#define THREADS_MAX 64

static int thread_listed(run_ctx *r, int64_t tid)
{
	int64_t tids[THREADS_MAX];
	size_t n = 0;

	if (rsp_thread_list(tids, THREADS_MAX, &n, r->conn) < 0)
		return -1;
	for (size_t i = 0; i < n && i < THREADS_MAX; i++)
		if (tids[i] == tid)
			return 1;
	return n > THREADS_MAX ? -1 : 0;
}

void run_stop_thread_init(run_ctx *r)
{
	char reply[64];
	const char *p = reply + 2;
	char *end;
	size_t len;
	long long tid;

	if (run_own_tcg(r))
		return; /* QEMU selects each stop's CPU itself */
	/* "QC[pPID.]TID" (hex); anything else leaves the thread unknown. */
	if (rsp_request(reply, sizeof(reply), &len, r->conn, "qC") < 0 ||
	    strncmp(reply, "QC", 2))
		return;
	if (*p == 'p' && (p = strchr(p, '.')) != NULL)
		p++;
	if (!p || !isxdigit((unsigned char)*p))
		return;
	errno = 0;
	tid = strtoll(p, &end, 16);
	if (errno == 0 && *end == '\0' && tid > 0)
		r->stop_tid = tid;
}

/* A stop names its thread: the registers read next must be that thread's.
 * QEMU and gdbserver select it themselves; GDB assumes they did. We
 * select it (Hg) when it is not the thread selected last (the stub's
 * current one, from qC, at first): one Hg per change of thread, none on a
 * one-CPU machine, none at all on the QEMU stubrun started, whose choice
 * is known (run_own_tcg()). A thread the stub can neither select nor
 * list is the stub's error. */
static int select_stop_thread(run_ctx *r, const rsp_stop *stop)
{
	int err, listed;

	if (!stop->has_thread || stop->tid <= 0 || stop->tid == r->stop_tid ||
	    run_own_tcg(r))
		return 0;
	err = rsp_thread_select(r->conn, 'g', stop->tid);
	if (err == 0) {
		r->stop_tid = stop->tid;
		rsp_regcache_reset(r->regs);
		return 0;
	}
	run_stub_failed(r, err);
	if (err == RSP_ECLOSED) {
		run_stop_closed(r, 0);
		return -1;
	}
	snprintf(r->err, sizeof(r->err), "%s", rsp_errmsg(r->conn));
	listed = err == RSP_ENOTFOUND ? thread_listed(r, stop->tid) : -1;
	if (listed == 0)
		run_verdict(r, RUN_EXIT_ERROR, 0, "the stub reported a stop in "
			    "thread %" PRIx64 ", which is not among its threads "
			    "(qfThreadInfo)", (uint64_t)stop->tid);
	else
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot select thread %" PRIx64
			    " of the stop: %s", (uint64_t)stop->tid, r->err);
	return -1;
}

int run_stop_dispatch(run_resume *resume, run_ctx *r, const rsp_stop *stop)
{
	uint64_t pc;

	*resume = RUN_STAY;
	switch (stop->kind) {
	case RSP_STOP_EXITED:
		run_exit_reported(r, stop->exit_status);
		return 0;
	case RSP_STOP_TERMINATED:
		run_verdict(r, RUN_EXIT_FAIL, 0, "%s reports the guest "
			    "terminated by signal %d",
			    r->qemu ? "QEMU" : "the stub", stop->signal);
		return 0;
	case RSP_STOP_FILEIO:
		return file_io(resume, r, stop);
	case RSP_STOP_SIGNAL:
		if (select_stop_thread(r, stop) < 0)
			return -1;
		break;
	case RSP_STOP_NONE:
		run_verdict(r, RUN_EXIT_ERROR, 0, "the stub sent an empty stop reply");
		return -1;
	}
	if (regs_pc_cached(&pc, r->regs, r->conn, r->tgt) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot read the PC: %s",
			    rsp_errmsg(r->conn));
		return -1;
	}
	r->stop_pc = pc;
	if (stop->reason == RSP_REASON_WATCH || stop->reason == RSP_REASON_RWATCH ||
	    stop->reason == RSP_REASON_AWATCH)
		watch_hit(r, stop, pc);
	else if (stop->signal == RSP_GDB_SIGTRAP && run_find_bp(r, pc))
		stop_at_bp(resume, r, pc);
	else
		unexpected_stop(resume, r, stop, pc);
	return 0;
}

int run_leave_stop(run_ctx *r)
{
	int err = rsp_regcache_flush(r->regs, r->conn);

	rsp_regcache_reset(r->regs);
	run_stub_failed(r, err);
	if (err == RSP_ECLOSED) {
		run_stop_closed(r, 0);
		return -1;
	}
	if (err < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "writing registers: %s",
			    rsp_errmsg(r->conn));
		return -1;
	}
	return 0;
}

/* Setting up one run: the breakpoint plan from symbols and options (with
 * run_semihost.c's traps), the connection to the stub and the breakpoints
 * in it. */
#include "run_int.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regs.h"
#include "util.h"

/* Default symbols, tried when the image has them (docs: --help). */
static const char *const default_exit[] = { "stubrun_exit", "qemu_exit",
					    "test_exit", NULL };
static const char *const default_fail[] = { "stubrun_panic", "panic", NULL };

/* A symbol by name; `must` makes its absence an error. *found says. */
static int symbol(uint64_t *addr, int *found, run_ctx *r, const char *name,
		  int must)
{
	const image_symbol *s;

	*found = 0;
	if (image_is_elf(r->img) && image_symbol_find(&s, r->img, name) == 0) {
		*addr = s->addr;
		*found = 1;
		return 0;
	}
	if (!must)
		return 0;
	run_verdict(r, RUN_EXIT_ERROR, 0, "%s: no symbol %s%s", image_path(r->img),
		    name, !image_is_elf(r->img) ? " (a raw image has no symbols)" :
		    image_symbol_count(r->img) ? "" :
		    " (give the ELF or System.map with --symbols)");
	return -1;
}

static int plan_symbols(run_ctx *r, const char *const *names, size_t n,
			const char *const *defaults, run_bp_kind kind)
{
	uint64_t addr;
	int found;

	if (n == 0) {
		for (size_t i = 0; defaults[i]; i++)
			if (symbol(&addr, &found, r, defaults[i], 0) == 0 && found &&
			    run_add_bp(r, addr, kind, 0, defaults[i], 0) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (symbol(&addr, &found, r, names[i], 1) < 0 ||
		    run_add_bp(r, addr, kind, 0, names[i], 0) < 0)
			return -1;
	return 0;
}

static int plan_hook(run_ctx *r, const char *given, const char *dflt,
		     run_bp_kind kind)
{
	uint64_t addr;
	int found;

	if (symbol(&addr, &found, r, given ? given : dflt, given != NULL) < 0)
		return -1;
	return found ? run_add_bp(r, addr, kind, 0, given ? given : dflt, 0) : 0;
}

int run_setup_loc(uint64_t *addr, run_ctx *r, const expect_operand *where)
{
	int found;

	*addr = where->value;
	if (where->kind != EXPECT_NAME)
		return 0;
	if (symbol(addr, &found, r, where->name, 1) < 0)
		return -1;
	*addr += where->value;
	return 0;
}

static int plan_checks(run_ctx *r)
{
	for (size_t i = 0; i < r->opt->n_checks; i++) {
		const cli_check *ck = &r->opt->checks[i];
		uint64_t addr;
		if (run_setup_loc(&addr, r, &ck->where) < 0 ||
		    run_add_bp(r, addr, RUN_BP_CHECK, i, ck->loc, 0) < 0)
			return -1;
	}
	return 0;
}

static int plan_watches(run_ctx *r)
{
	const cli_options *o = r->opt;

	if (o->n_watches == 0)
		return 0;
	if (!(r->watch_addr = calloc(o->n_watches, sizeof(*r->watch_addr)))) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < o->n_watches; i++) {
		const cli_watch *w = &o->watches[i];
		uint64_t addr = w->where.value;
		int found;
		if (w->where.kind == EXPECT_NAME) {
			if (symbol(&addr, &found, r, w->where.name, 1) < 0)
				return -1;
			addr += w->where.value;
		}
		r->watch_addr[i] = addr;
	}
	return 0;
}

/* GDB's Z2 (write), Z3 (read), Z4 (access) by --watch's letter. */
static const rsp_bp_type watch_types[] = {
	[RUNOPT_WATCH_WRITE] = RSP_WP_WRITE,
	[RUNOPT_WATCH_READ] = RSP_WP_READ,
	[RUNOPT_WATCH_ACCESS] = RSP_WP_ACCESS,
};

static int insert_watches(run_ctx *r)
{
	const cli_options *o = r->opt;

	for (size_t i = 0; i < o->n_watches; i++) {
		const cli_watch *w = &o->watches[i];
		uint64_t len = w->len ? w->len : r->tgt->ptr_size;
		int err = rsp_bp_insert(r->conn, watch_types[w->how],
					r->watch_addr[i], (int)len);
		if (err < 0) {
			run_stub_failed(r, err);
			run_verdict(r, RUN_EXIT_ERROR, 0, "--watch %s: the stub "
				    "cannot watch 0x%" PRIx64 ": %s", w->text,
				    r->watch_addr[i], rsp_errmsg(r->conn));
			return -1;
		}
	}
	return 0;
}

/* The image's in-image test hooks; none with --snapshot-test, whose
 * console tests are the run's tests (the image's own begin and end would
 * cut into them). */
static int plan_test_hooks(run_ctx *r)
{
	const cli_options *o = r->opt;

	if (o->n_snap_tests)
		return 0;
	if (plan_hook(r, o->test_begin_symbol, "stubrun_test_begin",
		      RUN_BP_TEST_BEGIN) < 0)
		return -1;
	return plan_hook(r, o->test_end_symbol, "stubrun_test_end",
			 RUN_BP_TEST_END);
}

int run_setup_plan(run_ctx *r)
{
	const cli_options *o = r->opt;

	/* Order matters: at one address, checks run before the exit. */
	if (plan_checks(r) < 0 || plan_test_hooks(r) < 0 ||
	    plan_symbols(r, o->fail_symbols, o->n_fail_symbols, default_fail,
			 RUN_BP_FAIL) < 0 ||
	    plan_symbols(r, o->exit_symbols, o->n_exit_symbols, default_exit,
			 RUN_BP_EXIT) < 0)
		return -1;
	if (plan_watches(r) < 0 || run_semihost_plan(r) < 0 ||
	    run_snapshot_plan(r) < 0 || run_coverage_plan(r) < 0)
		return -1;
	return run_fault_plan(r);
}

/* --- the connection ---------------------------------------------------- */

/* --trace-rsp's lines; --trace-timing's first answer. */
static void trace_packet(rsp_trace_dir dir, const char *data, size_t len,
			 void *arg)
{
	run_ctx *r = arg;
	char line[512];
	size_t at = 0;

	if (dir == RSP_TRACE_RECV && !r->phase_end_us[RUN_PH_ANSWER])
		run_mark(r, RUN_PH_ANSWER);
	if (!r->opt->trace_rsp)
		return;
	at += (size_t)snprintf(line, sizeof(line), "rsp %s ",
			       dir == RSP_TRACE_SEND ? "->" : "<-");
	for (size_t i = 0; i < len && at + 8 < sizeof(line); i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch >= 0x20 && ch < 0x7f)
			line[at++] = (char)ch;
		else
			at += (size_t)snprintf(line + at, sizeof(line) - at,
					       "\\x%02x", ch);
	}
	if (at + 8 >= sizeof(line))
		at += (size_t)snprintf(line + at, sizeof(line) - at, "...");
	line[at++] = '\n';
	util_write_all(2, line, at);
}

static void console_packet(const char *data, size_t len, void *arg)
{
	run_console(arg, data, len);
}

/* Why 10 s: QEMU starts in well under a second, but a loaded CI machine
 * running many runs in parallel can take a few. */
#define CONNECT_DEADLINE_MS 10000
#define CONNECT_SLICE_MS 100

/* Why 2 s: QEMU is reaped in microseconds after it closes the socketpair;
 * the bound only matters on a badly loaded machine. */
#define STARTUP_EXIT_GRACE_MS 2000

/* 1 (with the verdict) when QEMU has exited, waiting up to `grace_ms` for
 * it to. */
static int qemu_died(run_ctx *r, int grace_ms)
{
	int exited = 0, st = 0;

	if (!r->qemu || qemu_wait(&exited, &st, r->qemu, grace_ms) < 0 || !exited)
		return 0;
	run_drain_qemu(r);
	const char *last = qemu_stderr_last_line(r->qemu);
	const char *file = r->opt->kernel ? r->opt->kernel : r->opt->image;
	/* QEMU's line about a kernel it cannot load may not name it
	 * ("Error loading uncompressed kernel without PVH ELF Note"). */
	int about_file = file && strstr(last, "kernel") && !strstr(last, file);
	run_verdict(r, RUN_EXIT_ERROR, 0, "%s%sQEMU exited at startup (status "
		    "%d)%s%s", about_file ? file : "", about_file ? ": " : "",
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		    *last ? ": " : "", last);
	return 1;
}

static int connect_stub(run_ctx *r)
{
	rsp_config cfg;
	const char *addr = r->qemu ? qemu_gdb_address(r->qemu) : r->opt->connect;
	int64_t deadline = util_now_ms() + CONNECT_DEADLINE_MS;

	if (deadline > r->deadline)
		deadline = r->deadline; /* --timeout bounds connecting too */

	rsp_config_init(&cfg);
	if (r->opt->trace_rsp || r->opt->trace_timing) {
		cfg.trace = trace_packet;
		cfg.trace_arg = r;
	}
	cfg.console = console_packet;
	cfg.console_arg = r;
	cfg.lazy_annexes = r->tgt->lazy_annexes;
	cfg.no_select = cfg.no_vcont = run_own_tcg(r);
	if (!addr) {
		/* Our end of the socketpair QEMU's stub sits on. */
		if (rsp_open_fd(&r->conn, qemu_take_gdb_fd(r->qemu), &cfg) == 0)
			return 0;
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot open the stub's "
			    "socketpair: out of memory");
		return -1;
	}
	for (;;) {
		/* qemu-user's -g socket: connect when it appears. */
		if (r->user && r->qemu && !strncmp(addr, "unix:", 5) &&
		    run_user_await_socket(addr + 5, CONNECT_SLICE_MS) == 0) {
			if (qemu_died(r, 0) || run_signal_pending(r))
				return -1;
			if (util_now_ms() < deadline)
				continue;
		}
		int err = rsp_connect(&r->conn, addr, CONNECT_SLICE_MS, &cfg,
				      r->err, sizeof(r->err));
		if (err == 0)
			return 0;
		if (qemu_died(r, 0) || run_signal_pending(r))
			return -1;
		/* Only a stub not listening yet is worth waiting for; a
		 * malformed address or an unknown host stays so. */
		if (err != RSP_ETIMEOUT || util_now_ms() >= deadline) {
			run_verdict(r, RUN_EXIT_ERROR, 0, "cannot connect to the "
				    "stub at %s: %s", addr, r->err);
			return -1;
		}
	}
}

int run_setup_spawn(run_ctx *r)
{
	if (run_semihost_mode(r) < 0)
		return -1;
	return r->opt->connect ? 0 : run_spawn_qemu(r);
}

int run_setup_connect(run_ctx *r)
{
	int err;

	if (connect_stub(r) < 0)
		return -1;
	run_mark(r, RUN_PH_CONNECT);
	/* --timeout bounds the handshake too (and every request after it). */
	run_bound_handshake(r, r->deadline + RUN_GRACE_MS);
	err = rsp_handshake(r->conn);
	run_bound_requests(r, r->deadline + RUN_GRACE_MS);
	if (err < 0) {
		run_stub_failed(r, err);
		/* A QEMU that fails at startup closes its end of the stub's
		 * socketpair as it exits: its exit status, and the message
		 * that says why, follow a moment later. */
		if (!qemu_died(r, err == RSP_ECLOSED ? STARTUP_EXIT_GRACE_MS : 0))
			run_verdict(r, RUN_EXIT_ERROR, 0, "stub handshake failed: %s",
				    rsp_errmsg(r->conn));
		return -1;
	}
	run_mark(r, RUN_PH_HANDSHAKE);
	if (!rsp_reg_find(r->conn, r->tgt->pc_reg)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "the stub has no register %s "
			    "(is the machine %s?)", r->tgt->pc_reg, r->tgt->name);
		return -1;
	}
	run_stop_thread_init(r);
	return 0;
}

static int check_name(void *arg, const char *name)
{
	run_ctx *r = arg;
	const image_symbol *s;

	if (regs_known(r->conn, r->tgt, name))
		return 0;
	if (image_is_elf(r->img) && image_symbol_find(&s, r->img, name) == 0)
		return 0;
	return -1;
}

int run_setup_check_names(run_ctx *r)
{
	for (size_t i = 0; i < r->opt->n_checks; i++) {
		const cli_check *ck = &r->opt->checks[i];
		for (size_t k = 0; k < ck->n_expects; k++) {
			const expect_expr *e = &ck->expects[k];
			const char *bad = NULL;
			if (e->lhs.name[0] && check_name(r, e->lhs.name) < 0)
				bad = e->lhs.name;
			else if (e->rhs.name[0] && check_name(r, e->rhs.name) < 0)
				bad = e->rhs.name;
			if (bad) {
				run_verdict(r, RUN_EXIT_ERROR, 0, "--expect '%s': "
					    "'%s' is neither a register nor a symbol "
					    "of %s", e->text, bad, image_path(r->img));
				return -1;
			}
		}
	}
	return 0;
}

static int insert_bps(run_ctx *r)
{
	for (size_t i = 0; i < r->nbps; i++) {
		run_bp *b = &r->bps[i];
		if (run_find_bp(r, b->addr) != b)
			continue; /* one Z0 per address */
		int err = rsp_bp_insert(r->conn, RSP_BP_SW, b->addr, b->z_kind);
		if (err < 0) {
			run_stub_failed(r, err);
			run_verdict(r, RUN_EXIT_ERROR, 0, "cannot set a breakpoint "
				    "at %s (0x%" PRIx64 "): %s", b->name, b->addr,
				    rsp_errmsg(r->conn));
			return -1;
		}
		b->inserted = 1;
	}
	return 0;
}

int run_setup_insert(run_ctx *r)
{
	if (insert_watches(r) < 0 || run_fault_arm(r) < 0)
		return -1;
	return insert_bps(r);
}

void run_drop_qemu(run_ctx *r)
{
	run_drain_qemu(r);
	rsp_close(r->conn);
	r->conn = NULL;
	qemu_free(r->qemu);
	r->qemu = NULL;
	r->qemu_held_len = 0;
	r->qemu_line_len = 0;
	rsp_regcache_reset(r->regs);
}

int run_setup_reinsert(run_ctx *r)
{
	if (insert_watches(r) < 0)
		return -1;
	return insert_bps(r);
}

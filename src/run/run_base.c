/* The services every part of `stubrun run` uses, below all of them: the
 * verdict (the first one set wins), the bound on each request to the stub,
 * the stub's health, and signals that arrived. */
#include "run_int.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util.h"

void run_verdict(run_ctx *r, int status, int postmortem, const char *fmt, ...)
{
	va_list ap;

	if (r->done)
		return;
	r->done = 1;
	r->verdict_at = util_now_ms();
	r->status = status;
	r->postmortem = postmortem;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

int run_signal_pending(run_ctx *r)
{
	struct signalfd_siginfo si;

	if (r->sigfd < 0 || read(r->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	r->signo = (int)si.ssi_signo;
	run_verdict(r, 128 + r->signo, 0, "interrupted by %s",
		    sigabbrev_np(r->signo) ? sigabbrev_np(r->signo) : "a signal");
	return 1;
}

/* --- bounding the stub's answers -------------------------------------- */


static void bound_by(run_ctx *r, int64_t until, int64_t cap)
{
	int64_t left = until - util_now_ms();

	if (!r->conn)
		return;
	/* At least 1 ms: the library reads 0 as "the default". */
	rsp_set_timeout(r->conn, left < 1 ? 1 : left > cap ? (int)cap : (int)left);
}

void run_bound_requests(run_ctx *r, int64_t until)
{
	bound_by(r, until, RSP_DEFAULT_TIMEOUT_MS);
}

/* The first replies come from a QEMU that may still be loading a large
 * ELF on a busy machine: they get the whole launch budget, not 5 s. */
void run_bound_handshake(run_ctx *r, int64_t until)
{
	bound_by(r, until, INT32_MAX);
}

void run_stub_failed(run_ctx *r, int err)
{
	if (err == RSP_ETIMEOUT || err == RSP_ECLOSED || err == RSP_EPROTO ||
	    err == RSP_ESYS)
		r->stub_dead = 1;
}

/* An exit status for the host: POSIX keeps the low 8 bits, but a nonzero
 * status must never become 0 (a pass) by truncation. */
int run_own_error(int status)
{
	return status >= RUN_EXIT_ERROR && status <= RUN_EXIT_NOTFOUND;
}

int run_host_status(int64_t st)
{
	int s = (int)(st & 0xff);

	return (st != 0 && s == 0) ? 1 : s;
}

int run_add_bp(run_ctx *r, uint64_t addr, run_bp_kind kind, size_t index,
	       const char *name, int z_kind)
{
	run_bp *nb = realloc(r->bps, (r->nbps + 1) * sizeof(*nb));

	if (!nb) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	r->bps = nb;
	addr = target_code_addr(r->tgt, addr);
	nb[r->nbps] = (run_bp){ addr, kind, z_kind ? z_kind : r->tgt->bp_kind,
				index, name, 0 };
	r->nbps++;
	return 0;
}

/* TCG lets a single step override breakpoints (accel/tcg; `rsp_bench
 * hits-step` checks it with the guest's call counter), and QEMU's stub
 * selects the CPU of each stop for the register reads: qemu-system's and
 * qemu-user's alike (both are TCG; gdb_handlesig() selects the CPU that
 * took the signal). Another stub (--connect) and KVM (asked for with
 * --qemu-arg) are asked. */
int run_own_tcg(const run_ctx *r)
{
	const cli_options *o = r->opt;

	if (!r->qemu)
		return 0;
	for (size_t i = 0; i < o->n_qemu_args; i++)
		if (strstr(o->qemu_args[i], "kvm"))
			return 0;
	return 1;
}

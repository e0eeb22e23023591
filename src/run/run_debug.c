/*
 * The machine handed to gdb: --gdb-wait before the first instruction runs,
 * --debug-on-failure once the verdict is in. stubrun prints the command to
 * paste and relays (src/debug/relay.c) between that gdb and the stub it
 * holds; the time gdb has the machine does not count against --timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "qemu.h"
#include "relay.h"
#include "run_int.h"

/* The per-request bound on the stub while gdb drives it: a person's gdb
 * asks for one thing at a time, and QEMU answers a halted machine at once. */
#define DEBUG_REQUEST_MS 5000

static void drain_console(void *arg)
{
	run_drain_qemu(arg);
}

/* `gdb-multiarch -q -ex 'target remote ADDR' SYMBOLS`, on stderr. */
static void print_command(run_ctx *r, const relay *rl, const char *when)
{
	const char *sym = image_is_elf(r->img) ? image_path(r->img) : NULL;
	/* Absolute: the line is pasted into another terminal, elsewhere. */
	char *abs = sym ? realpath(sym, NULL) : NULL;

	fprintf(stderr, "stubrun: debug: %s; attach with:\n"
		"  gdb-multiarch -q", when);
	if (r->user && r->sysroot)
		fprintf(stderr, " -ex 'set sysroot %s'", r->sysroot);
	fprintf(stderr, " -ex 'target remote %s'", relay_address(rl));
	if (sym)
		fprintf(stderr, " '%s'", abs ? abs : sym);
	fputs("\n", stderr);
	fflush(stderr);
	free(abs);
}

/* One session; 0 with *end set, or -1 with the problem in `err`. */
static int serve(relay_end *end, run_ctx *r, const char *when, char *err,
		 size_t errlen)
{
	int fds[2], n = 0;
	relay_io io = { .sigfd = r->sigfd, .fds = fds, .drain = drain_console,
			.arg = r };
	relay *rl = NULL;
	int64_t t = util_now_ms();
	int rc;

	if (relay_listen(&rl, r->opt->debug_listen, err, errlen) < 0)
		return -1;
	if (r->qemu && qemu_stdout_fd(r->qemu) >= 0)
		fds[n++] = qemu_stdout_fd(r->qemu);
	if (r->qemu && qemu_stderr_fd(r->qemu) >= 0)
		fds[n++] = qemu_stderr_fd(r->qemu);
	io.n_fds = (size_t)n;
	print_command(r, rl, when);
	rsp_set_timeout(r->conn, DEBUG_REQUEST_MS);
	rc = relay_serve(end, rl, r->conn, &io, err, errlen);
	relay_close(rl);
	rsp_regcache_reset(r->regs);
	/* The timeout is suspended while gdb has the machine. */
	run_guest_held(r, t);
	return rc;
}

int run_debug_wait(run_ctx *r)
{
	relay_end end;
	char err[512];

	if (!r->opt->gdb_wait)
		return 0;
	if (serve(&end, r, "the machine waits at its first instruction", err,
		  sizeof(err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--gdb-wait: %s", err);
		return -1;
	}
	switch (end) {
	case RELAY_DETACHED:
	case RELAY_DEBUGGER_GONE:
		run_bound_requests(r, r->deadline + RUN_GRACE_MS);
		return 0;
	case RELAY_KILLED:
		run_verdict(r, RUN_EXIT_FAIL, 0, "gdb killed the run");
		return -1;
	case RELAY_STUB_GONE:
		r->stub_dead = 1;
		run_stop_closed(r, 0);
		return -1;
	case RELAY_SIGNAL:
		run_signal_pending(r);
		return -1;
	}
	return 0;
}

void run_debug_on_failure(run_ctx *r)
{
	relay_end end;
	char err[512];

	if (!r->opt->debug_on_failure || r->status == 0 ||
	    run_own_error(r->status))
		return;
	if (!r->conn || r->stub_dead || !r->postmortem) {
		/* Without a post-mortem the failure ended the machine (an
		 * exit device, QEMU's own semihosting, a crash of QEMU). */
		fprintf(stderr, "stubrun: debug: QEMU has exited: no machine to "
			"debug\n");
		return;
	}
	if (serve(&end, r, "the machine is halted where it failed", err,
		  sizeof(err)) < 0) {
		fprintf(stderr, "stubrun: debug: %s\n", err);
		return;
	}
	if (end == RELAY_STUB_GONE)
		r->stub_dead = 1;
	if (end == RELAY_SIGNAL)
		run_signal_pending(r); /* read it: the verdict stands */
}

/* How a run ends when QEMU goes: a W stop reply (the guest's exit, or QEMU
 * told to quit), or the stub's connection closed, read with QEMU's exit
 * status, its last stderr line and the machine's exit devices. */
#include "run_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

/* Why 3 s: QEMU exits right after closing the stub; only a wedged QEMU
 * takes longer, and it is then killed. */
#define EXIT_WAIT_MS 3000

/* A W stop reply. QEMU sends one when its guest ends it (a power-off, its
 * own semihosting's SYS_EXIT) and also when QEMU itself was told to quit
 * by a signal: W00 then, exit status 0. Only QEMU's stderr tells the two
 * apart, so the verdict waits for QEMU to exit and reads all of it. A
 * stubrun signalled at the same moment (a CI cancel) reports that. */
void run_exit_reported(run_ctx *r, int status)
{
	int gone = 0, st = 0, sig;

	if (!r->qemu) {
		run_verdict(r, run_host_status(status), 0, "the guest exited with "
			    "status %d (reported by the stub)", status);
		return;
	}
	qemu_wait(&gone, &st, r->qemu, EXIT_WAIT_MS);
	while (run_drain_qemu(r) > 0)
		;
	if (run_signal_pending(r))
		return;
	/* qemu-user's W is its program's exit: a signalled qemu-user dies
	 * without sending one. */
	if (r->user) {
		run_verdict(r, run_host_status(status), 0, "the program exited "
			    "with status %d", status);
		return;
	}
	sig = gone && WIFSIGNALED(st) ? WTERMSIG(st) : qemu_killed_signal(r->qemu);
	if (sig) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "QEMU died (signal %d) before "
			    "the guest finished; its W%02x is not the guest's "
			    "status", sig, status & 0xff);
		return;
	}
	run_verdict(r, run_host_status(status), 0, "the guest exited with status "
		    "%d (reported by QEMU)", status);
}

static int has_device(const run_ctx *r, const char *name)
{
	const char *const *x = r->tgt->extra_args;

	for (size_t i = 0; x && x[i]; i++)
		if (strstr(x[i], name))
			return 1;
	for (size_t i = 0; i < r->opt->n_qemu_args; i++)
		if (strstr(r->opt->qemu_args[i], name))
			return 1;
	return 0;
}

static int has_board_exit(const run_ctx *r)
{
	return target_has_board_exit(r->tgt, r->machine);
}

void run_stop_closed(run_ctx *r, int got_w)
{
	int exited = 0, st = 0, code;
	const char *last;

	if (!r->qemu) {
		if (!got_w)
			run_verdict(r, RUN_EXIT_ERROR, 0, "the stub closed the "
				    "connection");
		return;
	}
	qemu_wait(&exited, &st, r->qemu, EXIT_WAIT_MS);
	run_drain_qemu(r);
	last = qemu_stderr_last_line(r->qemu);
	if (got_w)
		return; /* the W packet's status is the verdict */
	if (!exited) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "the stub closed the connection "
			    "but QEMU did not exit");
		return;
	}
	if (WIFSIGNALED(st) && strstr(last, "fatal: Lockup")) {
		/* An M-profile fault inside a fault handler (e.g. a
		 * semihosting BKPT with nobody servicing it): QEMU models the
		 * lockup by aborting. The guest crashed, QEMU did not. */
		run_verdict(r, RUN_EXIT_FAIL, 0, "the guest locked up: %s", last);
		return;
	}
	if (WIFSIGNALED(st)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "QEMU died of signal %d%s%s",
			    WTERMSIG(st), *last ? ": " : "", last);
		return;
	}
	code = WEXITSTATUS(st);
	if (code == 1 && run_qemu_error_line(last)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "QEMU exited with status 1: %s",
			    last);
	} else if (has_device(r, "isa-debug-exit") && (code & 1)) {
		run_verdict(r, run_host_status(code >> 1), 0,
			    "isa-debug-exit code %d", code >> 1);
	} else if (has_board_exit(r)) {
		if (code)
			run_verdict(r, run_host_status(code), 0, "%s fail, code %d",
				    r->tgt->exit_device, code);
		else
			run_verdict(r, 0, 0, "%s pass", r->tgt->exit_device);
	} else if (code == 0) {
		run_verdict(r, RUN_EXIT_FAIL, 0, "QEMU exited with status 0 "
			    "without an exit status from the guest");
	} else {
		run_verdict(r, RUN_EXIT_ERROR, 0, "QEMU exited with status %d%s%s",
			    code, *last ? ": " : "", last);
	}
}

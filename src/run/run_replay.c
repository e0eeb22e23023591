/* --record: the run under QEMU's record/replay (icount), and after a
 * failure its replay in a second QEMU, stopped at the failure's
 * instruction count and walked backwards through QEMU's reverse execution
 * (bs, bc): the instructions that led there, and with --watch-back the
 * last write to a location, "who corrupted this". */
#include "run_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disasm.h"
#include "postmortem.h"
#include "privdir.h"
#include "spawn.h"
#include "util.h"

/* Why 64 MiB: the snapshot image holds the machine's RAM at the start
 * (QEMU's default 128 MiB boards compress to far less in qcow2, which
 * grows as needed; the size is only the virtual disk's). */
#define RR_DISK_SIZE "64M"
/* Why 60 s: the replay re-runs the whole recording once per reverse
 * step's seek; a slow machine still finishes, a wedged QEMU does not hold
 * the run for ever. */
#define REPLAY_BUDGET_MS 60000
/* Why 5 s: QEMU writes the end of its log and exits at once on quit. */
#define RECORD_EXIT_MS 5000
#define CODE_BYTES 16

static int rr_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* qemu-img create -f qcow2: where the recording's start snapshot lives. */
static int make_disk(run_ctx *r, const char *who)
{
	char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", r->rr_disk,
			 RR_DISK_SIZE, NULL };
	spawn_opts so;
	pid_t pid;
	int child_errno = 0, st = 0;

	spawn_opts_init(&so, argv);
	so.path_search = 1;
	if (spawn_start(&pid, &child_errno, &so) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: qemu-img: %s", who,
			    strerror(errno));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (child_errno == ENOENT) {
		run_verdict(r, RUN_EXIT_NOTFOUND, 0, "%s needs qemu-img "
			    "(Debian package qemu-utils)", who);
		return -1;
	}
	if (child_errno || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: qemu-img create %s "
			    "failed (status %d)", who, r->rr_disk,
			    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -1;
	}
	return 0;
}

int run_replay_prepare(run_ctx *r)
{
	/* --snapshot-at saves its machine into the same kind of image. */
	const char *who = r->opt->record ? "--record" : "--snapshot-at";

	if ((!r->opt->record && !r->opt->snapshot_at) || r->rr_dir[0])
		return 0;
	if (privdir_make(r->rr_dir, sizeof(r->rr_dir), NULL, "rr") < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "mkdtemp %s: %s", r->rr_dir,
			    strerror(errno));
		r->rr_dir[0] = '\0';
		return -1;
	}
	if (rr_path(r->rr_log, sizeof(r->rr_log), r->rr_dir, "replay.bin") < 0 ||
	    rr_path(r->rr_disk, sizeof(r->rr_disk), r->rr_dir, "snapshot.qcow2") < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: %s: path too long", who,
			    r->rr_dir);
		return -1;
	}
	return make_disk(r, who);
}

void run_replay_remove(run_ctx *r)
{
	if (!r->rr_dir[0])
		return;
	unlink(r->rr_log);
	unlink(r->rr_disk);
	rmdir(r->rr_dir);
	r->rr_dir[0] = '\0';
}

/* "Recording execution 'FILE': instruction count = N" (QEMU 7.2; older
 * ones say "current step = N"). */
static int recorded_icount(uint64_t *icount, run_ctx *r)
{
	char *text = NULL;
	const char *eq, *end;
	int err = rsp_monitor(&text, r->conn, "info replay");

	if (err == 0 && text && (eq = strrchr(text, '=')) != NULL)
		err = util_parse_u64_prefix(icount, &end, eq + 1 + strspn(eq + 1, " "));
	else
		err = -1;
	free(text);
	return err < 0 ? -1 : 0;
}

/* Ends the recording QEMU with `quit`, which writes the end of its log (a
 * kill would lose it), and forgets it and its held messages. */
static void end_recording(run_ctx *r)
{
	char *text = NULL;
	int exited = 0, st = 0;

	rsp_monitor(&text, r->conn, "quit");
	free(text);
	qemu_wait(&exited, &st, r->qemu, RECORD_EXIT_MS);
	run_drop_qemu(r);
}

/* Why 10 s: one reverse step replays from the start snapshot, a few ms
 * for a test's run; QEMU 7.2 has been seen to leave a step unanswered
 * (i386, on a loaded host), and the history is then cut there. */
#define REPLAY_STEP_MS 10000

/* Waits for the replay's next stop; its console is read and dropped. */
static int replay_wait(rsp_stop *stop, run_ctx *r)
{
	int64_t until = util_now_ms() + REPLAY_STEP_MS;

	if (until > r->deadline)
		until = r->deadline;
	for (;;) {
		int err = rsp_wait(stop, r->conn, 50);
		run_drain_qemu(r);
		if (err != RSP_ETIMEOUT)
			return err;
		if (util_now_ms() >= until)
			return RSP_ETIMEOUT;
	}
}

/* Runs the replay forward to the failure's instruction count. */
static int seek_failure(run_ctx *r, uint64_t icount)
{
	char cmd[64], *text = NULL;
	rsp_stop stop;
	uint64_t pc;
	int err;

	snprintf(cmd, sizeof(cmd), "replay_break %" PRIu64, icount);
	if ((err = rsp_monitor(&text, r->conn, cmd)) < 0 ||
	    (err = rsp_continue(r->conn)) < 0 ||
	    (err = replay_wait(&stop, r)) < 0)
		goto out;
	rsp_regcache_reset(r->regs);
	if ((err = regs_pc_cached(&pc, r->regs, r->conn, r->tgt)) < 0)
		goto out;
	if (pc != r->stop_pc) {
		fprintf(stderr, "stubrun: --record: the replay stopped at 0x%" PRIx64
			", not at the failure's 0x%" PRIx64 "\n", pc, r->stop_pc);
		err = RSP_EPROTO;
	}
out:
	free(text);
	return err;
}

static void print_insn(run_ctx *r, disasm *d, uint64_t pc)
{
	uint8_t code[CODE_BYTES];
	char line[160] = "", at[200];
	size_t size = 0;

	postmortem_where(at, sizeof(at), r->img, pc);
	if (d && (image_read(code, r->img, pc, sizeof(code)) == 0 ||
		  rsp_mem_read(code, r->conn, pc, sizeof(code)) == 0))
		disasm_one(&size, line, sizeof(line), d, code, sizeof(code), pc);
	if (line[0])
		fprintf(stderr, "  %s%s%s\n", line, at[0] ? "    ; " : "", at);
	else
		fprintf(stderr, "  0x%" PRIx64 "%s%s\n", pc, at[0] ? " " : "", at);
}

/* The last opt->record instructions before the failure, oldest first.
 * -1 when the replay stopped answering. */
static int print_history(run_ctx *r)
{
	size_t want = (size_t)r->opt->record, n = 0;
	uint64_t *pcs = calloc(want, sizeof(*pcs));
	disasm *d = NULL;
	rsp_stop stop;
	int begin = 0, cut = 0;

	if (!pcs)
		return 0;
	for (; n < want; n++) {
		int err = rsp_reverse_step_async(r->conn);
		if (err == 0 && (err = replay_wait(&stop, r)) == RSP_ETIMEOUT)
			cut = 1;
		if (err < 0)
			break;
		if (stop.reason == RSP_REASON_REPLAY_BEGIN) {
			begin = 1;
			break;
		}
		rsp_regcache_reset(r->regs);
		if (regs_pc_cached(&pcs[n], r->regs, r->conn, r->tgt) < 0)
			break;
	}
	disasm_open(&d, r->tgt, 0);
	fprintf(stderr, "=== stubrun history: the last %zu instructions before "
		"the failure%s ===\n", n, begin ? " (from the start)" : "");
	for (size_t i = n; i-- > 0;)
		print_insn(r, d, pcs[i]);
	fprintf(stderr, "  => 0x%" PRIx64 " (the failure)\n", r->stop_pc);
	if (cut)
		fprintf(stderr, "  (QEMU did not answer a reverse step within %d s: "
			"the history stops there)\n", REPLAY_STEP_MS / 1000);
	disasm_free(d);
	free(pcs);
	return cut ? -1 : 0;
}

static int watch_back_address(uint64_t *addr, run_ctx *r)
{
	const cli_watch *w = &r->opt->watch_back;
	const image_symbol *s;

	*addr = w->where.value;
	if (w->where.kind != EXPECT_NAME)
		return 0;
	if (!image_is_elf(r->img) || image_symbol_find(&s, r->img, w->where.name) < 0)
		return -1;
	*addr = s->addr + w->where.value;
	return 0;
}

/* Reverse-continues from the failure with a write watchpoint: the stop is
 * the last write before it, shown as a post-mortem there. */
static void print_last_write(run_ctx *r)
{
	const cli_watch *w = &r->opt->watch_back;
	uint64_t addr, len = w->len ? w->len : r->tgt->ptr_size;
	postmortem_in pm = { 0 };
	char title[256];
	rsp_stop stop;
	int err = 0;

	if (watch_back_address(&addr, r) < 0) {
		fprintf(stderr, "stubrun: --watch-back %s: no such symbol in %s\n",
			w->text, image_path(r->img));
		return;
	}
	if (rsp_bp_insert(r->conn, RSP_WP_WRITE, addr, (int)len) < 0 ||
	    rsp_reverse_continue(r->conn) < 0 ||
	    ((err = replay_wait(&stop, r)) < 0 && err != RSP_EREMOTE)) {
		fprintf(stderr, "stubrun: --watch-back %s: %s\n", w->text,
			rsp_errmsg(r->conn));
		return;
	}
	/* QEMU 7.2 reports the last hit as a plain SIGTRAP stop, without
	 * the watch:ADDR of a forward hit, and a walk back that finds none
	 * as an error (E14) or at the log's beginning. */
	if (err == RSP_EREMOTE || stop.reason == RSP_REASON_REPLAY_BEGIN ||
	    stop.kind != RSP_STOP_SIGNAL) {
		fprintf(stderr, "stubrun: --watch-back %s: nothing wrote 0x%" PRIx64
			" since the start of the run\n", w->text, addr);
		return;
	}
	/* QEMU stops after the writing instruction: one step back is it. A
	 * walk that found nothing stopped at the start, where QEMU refuses
	 * that step (E14). */
	if ((err = rsp_bp_remove(r->conn, RSP_WP_WRITE, addr, (int)len)) < 0 ||
	    (err = rsp_reverse_step_async(r->conn)) < 0 ||
	    (err = replay_wait(&stop, r)) < 0) {
		if (err == RSP_EREMOTE)
			fprintf(stderr, "stubrun: --watch-back %s: nothing wrote 0x%"
				PRIx64 " since the start of the run\n", w->text, addr);
		else
			fprintf(stderr, "stubrun: --watch-back %s: %s\n", w->text,
				rsp_errmsg(r->conn));
		return;
	}
	snprintf(title, sizeof(title), "the last write to %s (0x%" PRIx64 ") "
		 "before the failure", w->text, addr);
	pm.conn = r->conn;
	pm.tgt = r->tgt;
	pm.img = r->img;
	pm.title = title;
	postmortem_print(stderr, &pm);
}

int run_replay_check(run_ctx *r)
{
	size_t n = 0;

	if (!r->opt->record)
		return 0;
	if ((r->sh && (semihost_traps(r->sh, &n), n > 0)) || r->fio) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--record: %s: semihosting "
			    "answered through the stub writes the guest's "
			    "registers and memory, which a replay cannot repeat "
			    "(leave --semihosting out: QEMU then answers it)",
			    image_path(r->img));
		return -1;
	}
	return 0;
}

void run_replay_history(run_ctx *r)
{
	uint64_t icount;

	if (!r->opt->record || !r->postmortem || !r->conn || r->stub_dead ||
	    !r->qemu)
		return;
	run_bound_requests(r, util_now_ms() + REPLAY_BUDGET_MS);
	if (recorded_icount(&icount, r) < 0) {
		fprintf(stderr, "stubrun: --record: QEMU did not report its "
			"instruction count: no history\n");
		return;
	}
	end_recording(r);
	r->rr_replay = 1;
	r->deadline = util_now_ms() + REPLAY_BUDGET_MS;
	if (run_spawn_qemu(r) < 0 || run_setup_connect(r) < 0) {
		fprintf(stderr, "stubrun: --record: the replay did not start%s%s\n",
			r->err[0] ? ": " : "", r->err);
		return;
	}
	run_bound_requests(r, r->deadline);
	fflush(stdout);
	if (seek_failure(r, icount) < 0)
		return;
	if (print_history(r) < 0) {
		r->stub_dead = 1; /* busy with the step: no further request */
		return;
	}
	if (r->opt->watch_back.text && seek_failure(r, icount) == 0)
		print_last_write(r);
	fflush(stderr);
}

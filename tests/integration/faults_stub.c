/*
 * Integration: `stubrun run --connect` against a misbehaving stub
 * (build/tests/faultstub, one mode per row). Each misbehaviour ends in a
 * clear verdict within the run's timeout, with the connection closed and
 * nothing left behind.
 */
#include "faults_common.h"

/* --timeout of every run: short, so that the rows that end in a timeout
 * are quick; the harness limit (FAULTS_LIMIT_S) catches a hang. */
#define RUN_TIMEOUT "3"

typedef struct stub_case {
	const char *mode;
	int status;            /* expected exit status of stubrun run */
	const char *message;   /* in the last stderr line */
	int one_line;          /* stderr is exactly that one line */
	int limit_s;           /* stubrun must have ended by then (0: the
				* harness limit, FAULTS_LIMIT_S) */
} stub_case;

/* Why 12 s: --timeout 3 plus start-up's 4 s (src/base/util.h
 * UTIL_STARTUP_MS) bound the handshake, plus 1 s of grace (RUN_GRACE_MS),
 * and a stub that failed gets no D: the run ends near 8 s however loaded
 * the machine (the clock is wall time). */
#define SILENT_LIMIT_S 12

static const stub_case cases[] = {
	/* the control: a stub that behaves, a guest that "exits" with 7 */
	{ "control", 7, "exited with status 7 (reported by the stub)", 1, 0 },
	{ "close-mid-packet", 125, "stub handshake failed: the stub closed the "
	  "connection", 1, 0 },
	{ "close-mid-stop", 125, "the stub closed the connection", 1, 0 },
	{ "bad-checksum", 125, "stub handshake failed: bad checksum", 1, 0 },
	{ "nak-forever", 125, "stub handshake failed: the stub NAKed", 1, 0 },
	{ "silent", 125, "stub handshake failed: timed out waiting for the "
	  "stub", 1, SILENT_LIMIT_S },
	{ "oversized", 125, "a packet over 65536 bytes", 1, 0 },
	{ "oversized-stop", 125, "waiting for the guest: the stub sent a packet "
	  "over 65536 bytes", 1, 0 },
	{ "garbage", 125, "stubrun: ", 1, 0 },
	{ "garbage-stop", 125, "waiting for the guest: bad stop reply", 1, 0 },
	/* a guest that never stops and a stub that ignores the interrupt */
	{ "silent-run", 124, "did not stop when interrupted", 1, 0 },
	/* console output without end: the run still times out on time and
	 * the post-mortem is printed (the stub honours the interrupt) */
	{ "flood-o", 124, "TIMEOUT: timeout after 3 s", 0, 0 },
};

typedef struct outcome {
	harness_result res;
	int stub_exited;       /* the stub saw the hang-up and ended */
	int tmp_left;          /* entries stubrun left in its TMPDIR */
} outcome;

static void faultstub_path(char *buf, size_t cap)
{
	const char *p = getenv("STUBRUN_FAULTSTUB");
	struct stat st;

	snprintf(buf, cap, "%s", p ? p : "build/tests/faultstub");
	if (stat(buf, &st) != 0)
		cr_skip_test("%s not built (make build/tests/faultstub)", buf);
}

/* Runs stubrun against the fake stub in `mode`. */
static void run_against(outcome *o, const char *mode, int limit_s)
{
	char dir[80], sock[128], tmp[128], addr[140], stubbin[512], img[512];
	struct stat st;
	int ws = 0;

	faultstub_path(stubbin, sizeof(stubbin));
	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	scratch_new(dir, sizeof(dir), "stub");
	snprintf(sock, sizeof(sock), "%s/stub.sock", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	cr_assert_eq(mkdir(tmp, 0700), 0);

	const char *sargv[] = { stubbin, mode, sock, NULL };
	pid_t stub = spawn_bg(sargv, NULL, NULL);
	for (int i = 0; i < 500 && stat(sock, &st) != 0; i++)
		poll(NULL, 0, 10);

	setenv("TMPDIR", tmp, 1);
	const char *argv[] = { harness_stubrun(), "run", "--timeout", RUN_TIMEOUT,
			       "--connect", addr, img, NULL };
	cr_assert_eq(harness_run(&o->res, argv, limit_s), 0);
	unsetenv("TMPDIR");

	o->stub_exited = wait_bounded(&ws, stub, 10000);
	if (!o->stub_exited) {
		kill(-stub, SIGKILL);
		waitpid(stub, &ws, 0);
	}
	o->tmp_left = dir_count(tmp, "");
	scratch_rm(dir);
}

static void check(const stub_case *c)
{
	outcome o;
	char last[1024];

	run_against(&o, c->mode, c->limit_s ? c->limit_s : FAULTS_LIMIT_S);
	cr_expect_eq(o.res.timed_out, 0, "%s: stubrun hung (or outlived its "
		     "%d s bound)", c->mode, c->limit_s ? c->limit_s :
		     FAULTS_LIMIT_S);
	cr_expect_eq(o.res.status, c->status, "%s: status %d, stderr:\n%s",
		     c->mode, o.res.status, o.res.err);
	last_line(last, sizeof(last), o.res.err);
	cr_expect(strncmp(last, "stubrun: ", 9) == 0 && strstr(last, c->message),
		  "%s: last line '%s' lacks '%s'", c->mode, last, c->message);
	if (c->one_line)
		cr_expect_eq(count_lines(o.res.err), 1, "%s: not one line:\n%s",
			     c->mode, o.res.err);
	cr_expect(o.stub_exited, "%s: stubrun did not close the connection",
		  c->mode);
	cr_expect_eq(o.tmp_left, 0, "%s: stubrun left files in TMPDIR", c->mode);
	harness_result_free(&o.res);
}

static void check_mode(const char *mode)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].mode, mode)) {
			check(&cases[i]);
			return;
		}
	cr_assert_fail("no row for mode %s", mode);
}

#define STUB_TEST(name, mode) \
	Test(faults_stub, name) { check_mode(mode); }

STUB_TEST(control_stub_gives_the_guest_status, "control")
STUB_TEST(close_mid_packet_is_125, "close-mid-packet")
STUB_TEST(close_mid_stop_reply_is_125, "close-mid-stop")
STUB_TEST(bad_checksums_are_125, "bad-checksum")
STUB_TEST(nak_forever_is_125, "nak-forever")
STUB_TEST(silent_stub_is_125, "silent")
STUB_TEST(oversized_reply_is_125, "oversized")
STUB_TEST(oversized_stop_reply_is_125, "oversized-stop")
STUB_TEST(garbage_replies_are_125, "garbage")
STUB_TEST(garbage_stop_reply_is_125, "garbage-stop")
STUB_TEST(no_stop_and_no_interrupt_is_124, "silent-run")
STUB_TEST(flood_of_o_packets_still_times_out, "flood-o")

/* The flood reached the console: stubrun copied it while waiting. */
Test(faults_stub, flood_of_o_packets_reaches_stdout)
{
	outcome o;

	run_against(&o, "flood-o", FAULTS_LIMIT_S);
	cr_expect(strstr(o.res.out, "flood flood flood\n") != NULL,
		  "no console output copied");
	cr_expect(strstr(o.res.err, "=== stubrun post-mortem: timeout") != NULL,
		  "no post-mortem:\n%.2000s", o.res.err);
	harness_result_free(&o.res);
}

/*
 * A stop reply for a thread the stub does not know (Hg2a answers E22,
 * qfThreadInfo lists thread 1 only): stubrun selects the stop's thread as
 * GDB does, and a thread the stub can neither select nor list is the
 * stub's error, 125 in one line; no registers of another thread are read.
 */
Test(faults_stub, stop_for_unknown_thread_is_125)
{
	outcome o;
	char last[1024];

	run_against(&o, "unknown-thread", FAULTS_LIMIT_S);
	cr_expect_eq(o.res.timed_out, 0);
	cr_expect_eq(o.res.status, 125, "status %d:\n%s", o.res.status,
		     o.res.err);
	last_line(last, sizeof(last), o.res.err);
	cr_expect(strstr(last, "stubrun: the stub reported a stop in thread 2a, "
			 "which is not among its threads") == last,
		  "last line '%s'", last);
	cr_expect_eq(count_lines(o.res.err), 1, "not one line:\n%s", o.res.err);
	cr_expect(o.stub_exited);
	harness_result_free(&o.res);
}

/*
 * The same flood while stubrun's stdout drains slowly (a CI log collector
 * at ~1 MB/s): stubrun is then slower than the stub and its socket never
 * runs dry. The deadline must still be honoured between packets, not only
 * when the socket is empty; before rsp_wait() checked it there, the run
 * never ended. The limit (FAULTS_LIMIT_S) is far above the 3 s timeout.
 */
Test(faults_stub, flood_with_slow_stdout_still_times_out)
{
	char dir[80], sock[128], addr[140], stubbin[512], img[512], errfile[160];
	char chunk[4096], last[1024];
	int outp[2], ws = 0, st = 0, done = 0;
	struct stat sst;

	faultstub_path(stubbin, sizeof(stubbin));
	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	scratch_new(dir, sizeof(dir), "slowout");
	snprintf(sock, sizeof(sock), "%s/stub.sock", dir);
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
	const char *sargv[] = { stubbin, "flood-o", sock, NULL };
	pid_t stub = spawn_bg(sargv, NULL, NULL);
	for (int i = 0; i < 500 && stat(sock, &sst) != 0; i++)
		poll(NULL, 0, 10);

	cr_assert_eq(pipe(outp), 0);
	pid_t run = fork();
	cr_assert_geq(run, 0);
	if (run == 0) {
		int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		setpgid(0, 0);
		dup2(outp[1], 1);
		dup2(err, 2);
		close(outp[0]);
		execl(harness_stubrun(), harness_stubrun(), "run", "--timeout", "3",
		      "--connect", addr, img, (char *)NULL);
		_exit(127);
	}
	close(outp[1]);
	/* 4 KiB every 4 ms until EOF, for at most FAULTS_LIMIT_S. */
	for (int i = 0; i < FAULTS_LIMIT_S * 250 && !done; i++) {
		done = read(outp[0], chunk, sizeof(chunk)) <= 0;
		poll(NULL, 0, 4);
	}
	close(outp[0]);
	if (!done)
		kill(-run, SIGKILL);
	waitpid(run, &st, 0);
	if (!wait_bounded(&ws, stub, 10000)) {
		kill(-stub, SIGKILL);
		waitpid(stub, &ws, 0);
	}
	char *err = slurp_file(errfile);
	cr_expect(done, "stubrun never ended under a flood with a slow stdout");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 124, "status 0x%x:\n%.2000s",
		  st, err);
	last_line(last, sizeof(last), err);
	cr_expect(strstr(last, "stubrun: TIMEOUT: timeout after 3 s"), "%s", last);
	free(err);
	scratch_rm(dir);
}

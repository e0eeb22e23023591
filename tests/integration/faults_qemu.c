/*
 * Integration: faults of QEMU itself under `stubrun run`: QEMU killed with
 * SIGKILL in mid-run, a "QEMU" whose stub never answers, a frozen QEMU, and a
 * guest that floods its serial console.
 */
#include "faults_common.h"

/* Waits until stubrun, run with --trace-rsp, has resumed the guest: the
 * run loop is under way. A fixed pause (300 ms) was not always enough on a
 * loaded machine: the fault then hit the handshake, another path with
 * another message. Fails the test after FAULTS_LIMIT_S. */
static void wait_resumed(const char *errfile)
{
	for (int i = 0; i < FAULTS_LIMIT_S * 100; i++) {
		char *e = slurp_file(errfile);
		int found = strstr(e, "rsp -> $vCont;c") || strstr(e, "rsp -> $c#");
		free(e);
		if (found)
			return;
		poll(NULL, 0, 10);
	}
	cr_assert_fail("stubrun never resumed the guest");
}

/* Lines of stubrun's stderr that are not --trace-rsp's. */
static int verdict_lines(const char *err)
{
	int n = 0;

	for (const char *p = err; *p;) {
		const char *e = strchr(p, '\n');
		if (strncmp(p, "rsp ", 4))
			n++;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

/* A hanging guest of `arch` under `stubrun run --trace-rsp --timeout T`,
 * its QEMU found and the guest resumed: the point at which the tests below
 * inflict a fault on QEMU. */
typedef struct hang_run {
	char dir[80];      /* stubrun's TMPDIR, which must end up empty */
	char marker[80];   /* the image's directory, in QEMU's command line */
	char errfile[128];
	char img[512];
	pid_t run, qemu;
} hang_run;

static void hang_run_start(hang_run *h, const char *arch, const char *what,
			   const char *timeout)
{
	char img_what[64], image[64], qemu[64];

	snprintf(img_what, sizeof(img_what), "%s-img", what);
	snprintf(image, sizeof(image), "%s-hang.elf", arch);
	snprintf(qemu, sizeof(qemu), "qemu-system-%s", arch);
	example_marked(h->img, sizeof(h->img), h->marker, sizeof(h->marker),
		       image, img_what);
	scratch_new(h->dir, sizeof(h->dir), what);
	snprintf(h->errfile, sizeof(h->errfile), "%s.err", h->dir);
	/* --no-fault-catch: the stop after the start-up code's trap vector
	 * write would be a second resume, and the wait below would take the
	 * first one for the guest spinning. */
	const char *argv[] = { harness_stubrun(), "run", "--trace-rsp",
			       "--no-fault-catch", "--timeout", timeout,
			       h->img, NULL };
	h->run = spawn_bg(argv, h->errfile, h->dir);
	h->qemu = -1;
	for (int i = 0; i < 2000 && h->qemu < 0; i++) {
		h->qemu = find_process(qemu, h->marker);
		if (h->qemu < 0)
			poll(NULL, 0, 10);
	}
	cr_assert_gt(h->qemu, 0, "QEMU never started");
	wait_resumed(h->errfile); /* into the run loop, the guest spinning */
}

static void hang_run_remove(hang_run *h)
{
	unlink(h->errfile);
	scratch_rm(h->dir);
	scratch_rm(h->marker);
}

/* QEMU SIGKILLed while the guest runs: 125 naming its death, and nothing
 * left (the private directory lives in our TMPDIR; the image's own
 * scratch directory is the marker that finds this test's QEMU). */
Test(faults_qemu, qemu_killed_mid_run_is_125_qemu_died)
{
	hang_run h;
	char last[1024];

	hang_run_start(&h, "riscv64", "qkill", "50");
	cr_assert_eq(kill(h.qemu, SIGKILL), 0);
	int st = reap_or_fail(h.run, "stubrun");

	char *err = slurp_file(h.errfile);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125, "status 0x%x:\n%s",
		  st, err);
	last_line(last, sizeof(last), err);
	cr_expect(strstr(last, "stubrun: QEMU died of signal 9"), "last line: %s",
		  last);
	cr_expect_eq(verdict_lines(err), 1, "not one line:\n%s", err);
	cr_expect_eq(harness_count_processes(h.marker), 0, "a process survived");
	cr_expect_eq(dir_count(h.dir, ""), 0, "stubrun left files in TMPDIR");
	free(err);
	hang_run_remove(&h);
}

/* QEMU told to quit by SIGTERM, SIGINT or SIGHUP (a CI cancel, a user's
 * kill) sends W00 and exits 0, as after a guest power-off. That must never
 * be a PASS: 125, naming QEMU's death, on every architecture. */
static void signalled_qemu_is_not_a_pass(const char *arch, int sig)
{
	hang_run h;
	char last[1024], want[64];

	hang_run_start(&h, arch, "qsig", "50");
	cr_assert_eq(kill(h.qemu, sig), 0);
	int st = reap_or_fail(h.run, "stubrun");

	char *err = slurp_file(h.errfile);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125, "%s: status 0x%x:\n%s",
		  arch, st, err);
	last_line(last, sizeof(last), err);
	snprintf(want, sizeof(want), "stubrun: QEMU died (signal %d)", sig);
	cr_expect(strstr(last, want), "%s: last line: %s", arch, last);
	cr_expect_null(strstr(err, "PASS"), "%s: %s", arch, err);
	cr_expect_eq(harness_count_processes(h.marker), 0, "a process survived");
	cr_expect_eq(dir_count(h.dir, ""), 0, "stubrun left files in TMPDIR");
	free(err);
	hang_run_remove(&h);
}

Test(faults_qemu, sigterm_to_qemu_is_not_a_pass_aarch64)
{
	signalled_qemu_is_not_a_pass("aarch64", SIGTERM);
}

Test(faults_qemu, sigint_to_qemu_is_not_a_pass_arm)
{
	signalled_qemu_is_not_a_pass("arm", SIGINT);
}

Test(faults_qemu, sighup_to_qemu_is_not_a_pass_riscv64)
{
	signalled_qemu_is_not_a_pass("riscv64", SIGHUP);
}

Test(faults_qemu, sigterm_to_qemu_is_not_a_pass_riscv32)
{
	signalled_qemu_is_not_a_pass("riscv32", SIGTERM);
}

Test(faults_qemu, sigint_to_qemu_is_not_a_pass_i386)
{
	signalled_qemu_is_not_a_pass("i386", SIGINT);
}

Test(faults_qemu, sighup_to_qemu_is_not_a_pass_x86_64)
{
	signalled_qemu_is_not_a_pass("x86_64", SIGHUP);
}

/* A "QEMU" that starts but whose stub never answers (it never reads its
 * end of the socketpair): stubrun gives up within its --timeout (1 s here)
 * plus start-up's 4 s and the run's 1 s grace (the limit of 12 s is well
 * above that), says so, and kills it. */
Test(faults_qemu, qemu_that_never_listens_is_given_up_within_timeout)
{
	char dir[80], script[128], body[128], marker[32], img[512];
	harness_result res;
	FILE *f;

	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	scratch_new(dir, sizeof(dir), "nolisten");
	snprintf(script, sizeof(script), "%s/qemu-asleep", dir);
	snprintf(marker, sizeof(marker), "sleep 41.%05d", (int)getpid() % 100000);
	snprintf(body, sizeof(body), "#!/bin/sh\nexec %s\n", marker);
	cr_assert_not_null(f = fopen(script, "w"));
	fputs(body, f);
	fclose(f);
	cr_assert_eq(chmod(script, 0755), 0);

	setenv("TMPDIR", dir, 1);
	const char *argv[] = { harness_stubrun(), "run", "--timeout", "1",
			       "--qemu", script, img, NULL };
	cr_assert_eq(harness_run(&res, argv, 12), 0);
	unsetenv("TMPDIR");
	cr_expect_eq(res.timed_out, 0, "stubrun waited past its --timeout");
	cr_expect_eq(res.status, 125, "status %d:\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: stub handshake failed: "), "%s",
		  res.err);
	cr_expect_eq(count_lines(res.err), 1, "not one line:\n%s", res.err);
	cr_expect_eq(harness_count_processes(marker), 0, "the fake QEMU survived");
	cr_expect_eq(dir_count(dir, "stubrun-"), 0, "a private directory is left");
	harness_result_free(&res);
	scratch_rm(dir);
}

/* A guest printing 1 MiB as fast as its UART goes: every byte reaches
 * stdout in order and the verdict still comes (examples/flood/). */
Test(faults_qemu, console_flood_loses_nothing_and_gets_the_verdict)
{
	char img[512];
	harness_result res;
	int lines = 0;

	example_or_skip(img, sizeof(img), "aarch64-flood.elf");
	const char *argv[] = { harness_stubrun(), "run", "--timeout", "50", img,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res.timed_out, 0);
	cr_expect_eq(res.status, 0, "status %d:\n%s", res.status, res.err);
	for (const char *p = res.out; (p = strstr(p, "flood line x")); p++)
		lines++;
	cr_expect_eq(lines, 16384);
	/* 16384 lines of 64 bytes, then "flood done 16384\r\n" */
	cr_expect_eq(res.out_len, 16384 * 64 + 18);
	cr_expect(strstr(res.out, "flood done 16384\r\n"), "no final line");
	cr_expect(strstr(res.err, "stubrun: PASS: the guest called stubrun_exit(0)"),
		  "%s", res.err);
	harness_result_free(&res);
}

/* The deadline holds while the console floods (examples/flood/
 * flood-forever.c prints without end): 124 at --timeout 1, with output. */
Test(faults_qemu, console_flood_does_not_delay_the_timeout)
{
	char img[512], last[1024];
	harness_result res;

	example_or_skip(img, sizeof(img), "riscv64-flood-forever.elf");
	const char *argv[] = { harness_stubrun(), "run", "--timeout", "1", img,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res.timed_out, 0);
	cr_expect_eq(res.status, 124, "status %d:\n%.2000s", res.status, res.err);
	cr_expect(strstr(res.out, "flood line x"), "no console output");
	last_line(last, sizeof(last), res.err);
	cr_expect(strstr(last, "stubrun: TIMEOUT: timeout after 1 s"), "%s", last);
	harness_result_free(&res);
}

/* A wedged QEMU (SIGSTOPped: its stub never answers the interrupt): the
 * run still ends at its timeout, says the guest did not stop, and the
 * stopped QEMU is killed all the same. */
Test(faults_qemu, frozen_qemu_times_out_and_is_killed)
{
	hang_run h;
	char last[1024];

	hang_run_start(&h, "riscv64", "qstop", "2");
	cr_assert_eq(kill(h.qemu, SIGSTOP), 0);
	int st = reap_or_fail(h.run, "stubrun");

	char *err = slurp_file(h.errfile);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 124, "status 0x%x:\n%s",
		  st, err);
	last_line(last, sizeof(last), err);
	cr_expect(strstr(last, "did not stop when interrupted"), "last line: %s",
		  last);
	cr_expect_eq(wait_count(h.marker, 0), 0, "the stopped QEMU survived");
	cr_expect_eq(dir_count(h.dir, ""), 0, "stubrun left files in TMPDIR");
	free(err);
	hang_run_remove(&h);
}

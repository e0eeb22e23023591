/*
 * The machine handed to gdb (--gdb-wait, --debug-on-failure): Debian's
 * gdb-multiarch, in batch mode, through stubrun's relay to QEMU's stub, on
 * every architecture and in user mode. Each test starts stubrun in the
 * background, waits for its "target remote" line, runs gdb, and checks
 * what gdb saw and the verdict stubrun ended with.
 */
#include "faults_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* One stubrun waiting for gdb. */
typedef struct dbg_run {
	char dir[80];        /* its TMPDIR: the socket's directory is in it */
	char errfile[128];
	char address[300];   /* from its "target remote ADDR" line */
	char command[1024];  /* the whole line it printed */
	pid_t pid;
} dbg_run;

/* Starts `stubrun COMMAND ARGS...` and waits (bounded) for its line. */
static void dbg_start_command(dbg_run *d, const char *command,
			      const char *const *args)
{
	const char *argv[24];
	size_t n = 0;
	char *err = NULL;

	scratch_new(d->dir, sizeof(d->dir), "dbg");
	snprintf(d->errfile, sizeof(d->errfile), "%s.err", d->dir);
	argv[n++] = harness_stubrun();
	argv[n++] = command;
	for (size_t i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	d->pid = spawn_bg(argv, d->errfile, d->dir);
	for (int i = 0; i < FAULTS_LIMIT_S * 100; i++) {
		int st;
		free(err);
		err = slurp_file(d->errfile);
		const char *t = strstr(err, "target remote ");
		if (t && strchr(t, '\n')) {
			const char *line = strstr(err, "gdb-multiarch ");
			sscanf(t + 14, "%299[^']", d->address);
			snprintf(d->command, sizeof(d->command), "%.*s",
				 (int)strcspn(line, "\n"), line);
			free(err);
			return;
		}
		if (waitpid(d->pid, &st, WNOHANG) == d->pid)
			cr_assert_fail("stubrun ended before waiting for gdb:\n%s",
				       err);
		poll(NULL, 0, 10);
	}
	cr_assert_fail("stubrun never printed its gdb line:\n%s", err);
}

static void dbg_start(dbg_run *d, const char *const *args)
{
	dbg_start_command(d, "run", args);
}

/* Waits for stubrun; its exit status, its stderr in *err (free it). */
static int dbg_finish(dbg_run *d, char **err)
{
	int st = reap_or_fail(d->pid, "stubrun");

	*err = slurp_file(d->errfile);
	cr_expect_eq(dir_count(d->dir, ""), 0, "stubrun left files in TMPDIR");
	unlink(d->errfile);
	scratch_rm(d->dir);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* gdb-multiarch -batch: `pre` commands, target remote, `cmds`, SYMBOLS. */
static void gdb_batch(harness_result *res, const dbg_run *d, const char *sym,
		      const char *const *pre, const char *const *cmds)
{
	const char *argv[48];
	char target[340];
	size_t n = 0;

	snprintf(target, sizeof(target), "target remote %s", d->address);
	argv[n++] = "gdb-multiarch";
	argv[n++] = "-q";
	argv[n++] = "-batch";
	argv[n++] = "-nx";
	for (size_t i = 0; pre && pre[i] && n < 40; i++) {
		argv[n++] = "-ex";
		argv[n++] = pre[i];
	}
	argv[n++] = "-ex";
	argv[n++] = target;
	for (size_t i = 0; cmds[i] && n < 44; i++) {
		argv[n++] = "-ex";
		argv[n++] = cmds[i];
	}
	argv[n++] = sym;
	argv[n] = NULL;
	cr_assert_eq(harness_run(res, argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res->timed_out, 0, "gdb hung:\n%s", res->out);
}

/* From the first instruction: a breakpoint, continue to it, bt,
 * registers, memory, detach; stubrun then runs the guest to its verdict
 * (the fail example: stubrun_exit(3)). */
static void wait_break_continue(const char *arch)
{
	char img[512], name[64];
	dbg_run d;
	harness_result g;
	char *err;

	snprintf(name, sizeof(name), "%s-fail.elf", arch);
	example_or_skip(img, sizeof(img), name);
	const char *args[] = { "--gdb-wait", "--timeout", "30", img, NULL };
	const char *cmds[] = { "info registers pc", "break check_value",
			       "continue", "bt", "x/2i $pc", "print $pc",
			       "delete", "detach", NULL };
	dbg_start(&d, args);
	cr_expect(strstr(d.command, img), "no symbols in: %s", d.command);
	gdb_batch(&g, &d, img, NULL, cmds);
	cr_expect(strstr(g.out, "Breakpoint 1, check_value"), "%s\n%s", g.out,
		  g.err);
	cr_expect(strstr(g.out, "in run_checks ()"), "no backtrace:\n%s", g.out);
	cr_expect(strstr(g.out, "=> 0x"), "no x/i:\n%s", g.out);
	cr_expect(strstr(g.out, "$1 = ") && strstr(g.out, "<check_value>"),
		  "no print:\n%s", g.out);
	cr_expect(strstr(g.out, "detached"), "%s", g.out);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 3, "status %d:\n%s", status, err);
	cr_expect(strstr(err, "FAIL: the guest called stubrun_exit(3)"), "%s", err);
	free(err);
	harness_result_free(&g);
}

Test(debug_relay, gdb_wait_aarch64, .timeout = 90) { wait_break_continue("aarch64"); }
Test(debug_relay, gdb_wait_arm, .timeout = 90) { wait_break_continue("arm"); }
Test(debug_relay, gdb_wait_riscv32, .timeout = 90) { wait_break_continue("riscv32"); }
Test(debug_relay, gdb_wait_riscv64, .timeout = 90) { wait_break_continue("riscv64"); }
Test(debug_relay, gdb_wait_i386, .timeout = 90) { wait_break_continue("i386"); }
Test(debug_relay, gdb_wait_x86_64, .timeout = 90) { wait_break_continue("x86_64"); }

/* After the failure: the post-mortem first, then the line; gdb finds the
 * machine where it failed; the verdict stands after gdb detaches. gdb is
 * made to ask for no-ack mode, which the relay answers itself (QEMU 7.2
 * offers none). */
Test(debug_relay, on_failure_keeps_the_machine, .timeout = 90)
{
	char img[512];
	dbg_run d;
	harness_result g;
	char *err;

	example_or_skip(img, sizeof(img), "aarch64-fail.elf");
	const char *args[] = { "--debug-on-failure", "--timeout", "30", img, NULL };
	const char *pre[] = { "set remote noack-packet on", NULL };
	const char *cmds[] = { "bt", "info registers x0", "detach", NULL };
	dbg_start(&d, args);
	gdb_batch(&g, &d, img, pre, cmds);
	cr_expect(strstr(g.out, "#0  stubrun_exit (status=status@entry=3)"),
		  "%s\n%s", g.out, g.err);
	cr_expect(strstr(g.out, "check_value (what="), "%s", g.out);
	cr_expect(strstr(g.out, "x0             0x3"), "%s", g.out);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 3, "status %d:\n%s", status, err);
	const char *pm = strstr(err, "=== stubrun post-mortem");
	const char *line = strstr(err, "stubrun: debug: the machine is halted");
	cr_expect(pm && line && pm < line, "post-mortem not first:\n%s", err);
	free(err);
	harness_result_free(&g);
}

/* User mode: a dynamic program's SIGSEGV, the sysroot in the line. */
Test(debug_relay, on_failure_user_mode, .timeout = 90)
{
	char img[512];
	dbg_run d;
	harness_result g;
	char *err;

	example_or_skip(img, sizeof(img), "user-aarch64-dynamic");
	const char *args[] = { "--debug-on-failure", "--timeout", "30", img,
			       "--", "segv", NULL };
	const char *pre[] = { "set sysroot /usr/aarch64-linux-gnu", NULL };
	const char *cmds[] = { "bt", "detach", NULL };
	dbg_start(&d, args);
	cr_expect(strstr(d.command, "set sysroot /usr/aarch64-linux-gnu"), "%s",
		  d.command);
	gdb_batch(&g, &d, img, pre, cmds);
	cr_expect(strstr(g.out, "crash_inner (where=0x10"), "%s\n%s", g.out, g.err);
	cr_expect(strstr(g.out, "in crash_outer"), "%s", g.out);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 1, "status %d:\n%s", status, err);
	cr_expect(strstr(err, "FAIL: the program got SIGSEGV"), "%s", err);
	free(err);
	harness_result_free(&g);
}

/* Ctrl-C in stubrun's terminal while it waits: the verdict it had, the
 * socket and QEMU gone. */
Test(debug_relay, sigint_ends_the_wait_with_the_verdict, .timeout = 90)
{
	char img[512];
	dbg_run d;
	char *err;

	example_or_skip(img, sizeof(img), "riscv64-fail.elf");
	const char *args[] = { "--debug-on-failure", img, NULL };
	dbg_start(&d, args);
	cr_assert_eq(kill(d.pid, SIGINT), 0);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 3, "status %d:\n%s", status, err);
	cr_expect(strstr(err, "FAIL: the guest called stubrun_exit(3)"), "%s", err);
	free(err);
}

/* gdb's kill during --gdb-wait ends the run, and says who did. */
Test(debug_relay, gdb_kill_ends_the_run, .timeout = 90)
{
	char img[512];
	dbg_run d;
	harness_result g;
	char *err;

	example_or_skip(img, sizeof(img), "arm-pass.elf");
	const char *args[] = { "--gdb-wait", img, NULL };
	const char *cmds[] = { "kill", NULL };
	dbg_start(&d, args);
	gdb_batch(&g, &d, img, NULL, cmds);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 1, "status %d:\n%s", status, err);
	cr_expect(strstr(err, "stubrun: FAIL: gdb killed the run"), "%s", err);
	free(err);
	harness_result_free(&g);
}

/* A free TCP port on 127.0.0.1; `*fd` keeps it bound (and listening when
 * `hold`), else it is closed and the port left free. */
static int tcp_port(int *fd, int hold)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(*fd, 0);
	cr_assert_eq(bind(*fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(*fd, (struct sockaddr *)&sa, &len), 0);
	if (hold)
		cr_assert_eq(listen(*fd, 1), 0);
	else
		close(*fd);
	return ntohs(sa.sin_port);
}

/* --debug-listen HOST:PORT: gdb over TCP. */
Test(debug_relay, tcp_listen, .timeout = 90)
{
	char img[512], listen_at[64];
	dbg_run d;
	harness_result g;
	char *err;
	int fd;

	example_or_skip(img, sizeof(img), "riscv32-fail.elf");
	snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d", tcp_port(&fd, 0));
	const char *args[] = { "--debug-on-failure", "--debug-listen", listen_at,
			       img, NULL };
	const char *cmds[] = { "bt 1", "detach", NULL };
	dbg_start(&d, args);
	cr_expect_str_eq(d.address, listen_at);
	gdb_batch(&g, &d, img, NULL, cmds);
	cr_expect(strstr(g.out, "stubrun_exit"), "%s\n%s", g.out, g.err);
	int status = dbg_finish(&d, &err);
	cr_expect_eq(status, 3, "status %d:\n%s", status, err);
	free(err);
	harness_result_free(&g);
}

/* An address in use: one line naming it; --gdb-wait cannot go on (125),
 * --debug-on-failure keeps its verdict. */
Test(debug_relay, listen_address_in_use, .timeout = 60)
{
	char img[512], listen_at[64];
	harness_result res;
	int fd;

	example_or_skip(img, sizeof(img), "riscv32-fail.elf");
	snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d", tcp_port(&fd, 1));
	const char *wait_argv[] = { harness_stubrun(), "run", "--gdb-wait",
				    "--debug-listen", listen_at, img, NULL };
	cr_assert_eq(harness_run(&res, wait_argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res.status, 125, "status %d:\n%s", res.status, res.err);
	cr_expect(strstr(res.err, listen_at) &&
		  strstr(res.err, "Address already in use"), "%s", res.err);
	harness_result_free(&res);

	const char *fail_argv[] = { harness_stubrun(), "run", "--debug-on-failure",
				    "--debug-listen", listen_at, img, NULL };
	cr_assert_eq(harness_run(&res, fail_argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res.status, 3, "status %d:\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "Address already in use"), "%s", res.err);
	harness_result_free(&res);
	close(fd);
}

/* A failure that ended QEMU (a semihosting exit): nothing to hand over,
 * said in one line, no wait. */
Test(debug_relay, no_machine_after_qemu_exit, .timeout = 60)
{
	char img[512];
	harness_result res;

	example_or_skip(img, sizeof(img), "arm-sh-exit-3.elf");
	const char *argv[] = { harness_stubrun(), "run", "--debug-on-failure",
			       "--semihosting=qemu", img, NULL };
	cr_assert_eq(harness_run(&res, argv, FAULTS_LIMIT_S), 0);
	cr_expect_eq(res.status, 3, "status %d:\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: debug: QEMU has exited: no machine "
			 "to debug"), "%s", res.err);
	harness_result_free(&res);
}

/* `stubrun test -j1 --debug-on-failure`: the failing test waits for gdb,
 * its line on the suite's stderr; the passing one does not; the report
 * still has both verdicts. */
Test(debug_relay, suite_hands_the_failing_test_to_gdb, .timeout = 120)
{
	char pass[512], fail[512], ini[160], xml[200], text[1200];
	dbg_run d;
	harness_result g;
	char *err, *x;
	FILE *f;

	example_or_skip(pass, sizeof(pass), "riscv64-pass.elf");
	example_or_skip(fail, sizeof(fail), "riscv64-fail.elf");
	scratch_new(ini, sizeof(ini), "dbgsuite");
	snprintf(xml, sizeof(xml), "%s/r.xml", ini);
	snprintf(text, sizeof(text), "[test \"pass\"]\nimage = %s\n"
		 "[test \"fail\"]\nimage = %s\n", pass, fail);
	strcat(ini, "/s.ini");
	cr_assert_not_null(f = fopen(ini, "w"));
	fputs(text, f);
	fclose(f);
	const char *args[] = { "-j1", "--debug-on-failure", "--junit", xml, ini,
			       NULL };
	const char *cmds[] = { "bt 1", "detach", NULL };
	dbg_start_command(&d, "test", args);
	gdb_batch(&g, &d, fail, NULL, cmds);
	cr_expect(strstr(g.out, "stubrun_exit"), "%s\n%s", g.out, g.err);
	int status = dbg_finish(&d, &err);
	x = slurp_file(xml);
	cr_expect_eq(status, 1, "status %d:\n%s", status, err);
	cr_expect(strstr(x, "tests=\"2\" failures=\"1\""), "%s", x);
	cr_expect(strstr(err, "stubrun: debug: the machine is halted"), "%s", err);
	free(x);
	free(err);
	harness_result_free(&g);
	*strrchr(ini, '/') = '\0';
	scratch_rm(ini);
}

/* Two tests at once would wait for gdb on one terminal. */
Test(debug_relay, suite_needs_j1_or_a_name, .timeout = 30)
{
	harness_result res;
	const char *argv[] = { harness_stubrun(), "test", "-j2",
			       "--debug-on-failure", "x.ini", NULL };

	cr_assert_eq(harness_run(&res, argv, 30), 0);
	cr_expect_eq(res.status, 125, "status %d:\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "--debug-on-failure: needs -j1"), "%s", res.err);
	harness_result_free(&res);
}

/* Integration: user mode, Linux programs under real qemu-user
 * (examples/user/prog.c, static and dynamic, for each architecture of the
 * table): exit statuses, fatal signals with their post-mortem, stdin,
 * a missing interpreter, a timeout, --pass-at on a relocated program, and
 * --system forcing the old behaviour. */
#include "run_common.h"

static const char *const arches[] = { "aarch64", "arm", "riscv64" };
#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

/* Runs stubrun [OPTS...] PROG -- ARGS... with `input` as stdin (NULL:
 * /dev/null). qemu-user takes no -name: the last program argument (which
 * prog.c ignores) names this run, so that the test can check that no
 * qemu-user outlived stubrun. `opts` and `args` are NULL-terminated. */
static void user_run(harness_result *res, const char *prog,
		     const char *const *opts, const char *const *args,
		     const char *input)
{
	const char *argv[RUN_MAX_ARGS];
	char mark[64];
	int n = 0;

	snprintf(mark, sizeof(mark), "stubrun-it-user-%d-%p", (int)getpid(),
		 (void *)res);
	argv[n++] = harness_stubrun();
	argv[n++] = "run";
	for (size_t i = 0; opts && opts[i] && n < RUN_MAX_ARGS - 8; i++)
		argv[n++] = opts[i];
	argv[n++] = prog;
	argv[n++] = "--";
	for (size_t i = 0; args && args[i] && n < RUN_MAX_ARGS - 2; i++)
		argv[n++] = args[i];
	argv[n++] = mark;
	argv[n] = NULL;
	cr_assert_eq(harness_run_input(res, argv, RUN_LIMIT_S, input), 0,
		     "cannot run %s", argv[0]);
	cr_assert_eq(res->timed_out, 0, "stubrun outlived %d s", RUN_LIMIT_S);
	cr_expect_eq(harness_count_processes(mark), 0,
		     "a qemu-user outlived stubrun");
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *prog(char *buf, size_t cap, const char *arch,
			const char *link)
{
	char name[64];

	snprintf(name, sizeof(name), "user-%s-%s", arch, link);
	return example(buf, cap, name);
}

/* "prog.c:N", N the line of examples/user/prog.c that holds `text`: the
 * backtraces name it, and the checks stay right when prog.c grows. */
static const char *prog_line(char *out, size_t cap, const char *text)
{
	char path[512], line[256];
	const char *src = getenv("STUBRUN_SRCDIR");
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/examples/user/prog.c", src ? src : ".");
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, text)) {
			fclose(f);
			snprintf(out, cap, "prog.c:%d", n);
			return out;
		}
	}
	fclose(f);
	cr_assert_fail("%s has no line with '%s'", path, text);
	return out;
}

static void check_exit(const char *arch, const char *link, const char *status)
{
	char path[512], verdict[64];
	harness_result res;

	user_run(&res, prog(path, sizeof(path), arch, link), NULL,
		 ARGS("exit", status), NULL);
	cr_expect_eq(res.status, atoi(status), "%s %s exit %s: status %d\n%s",
		     arch, link, status, res.status, res.err);
	snprintf(verdict, sizeof(verdict), "the program exited with status %s",
		 status);
	if (atoi(status))
		expect_in(res.err, verdict, "stderr");
	cr_expect(!strstr(res.err, "post-mortem"), "an exit has a post-mortem");
	harness_result_free(&res);
}

Test(user_mode, exit_statuses, .timeout = 120)
{
	static const char *const statuses[] = { "0", "3", "255" };

	for (size_t i = 0; i < N_ARCHES; i++) {
		for (size_t k = 0; k < 3; k++)
			check_exit(arches[i], "static", statuses[k]);
		check_exit(arches[i], "dynamic", "3");
	}
}

/* prog.c's `action 16` on each architecture, static and dynamic: a
 * SIGSEGV, with a post-mortem whose backtrace names each of `frames` and
 * never `absent`. */
static void expect_segv(const char *action, const char *const *frames,
			size_t n, const char *absent)
{
	static const char *const links[] = { "static", "dynamic" };

	for (size_t i = 0; i < 2 * N_ARCHES; i++) {
		const char *arch = arches[i / 2], *link = links[i % 2];
		char path[512];
		harness_result res;
		user_run(&res, prog(path, sizeof(path), arch, link), NULL,
			 ARGS(action, "16"), NULL);
		cr_expect_eq(res.status, 1, "%s %s: status %d\n%s", arch, link,
			     res.status, res.err);
		expect_in(res.err, "FAIL: the program got SIGSEGV at 0x", "stderr");
		expect_postmortem(&res);
		const char *bt = strstr(res.err, "backtrace:");
		for (size_t f = 0; bt && f < n; f++)
			expect_in(bt, frames[f], "the backtrace");
		cr_expect(!bt || !strstr(bt, absent), "%s %s: '%s' in the "
			  "backtrace\n%s", arch, link, absent, res.err);
		cr_expect(!strstr(res.err, "QEMU info registers"),
			  "qemu-user has no monitor");
		harness_result_free(&res);
	}
}

/* A SIGSEGV three calls deep: the verdict names it, the post-mortem's
 * backtrace names the three functions (of a relocated PIE too) and the
 * faulting one's arguments (the callers' are dead at -O1, as gdb says
 * too), and main's. */
Test(user_mode, sigsegv_backtrace, .timeout = 120)
{
	char at[32];
	const char *const frames[] = { "#0 0x", "crash_inner", "crash_middle",
				       "crash_outer", "main",
				       prog_line(at, sizeof(at),
						 "*(volatile int *)where"),
				       "args: where = 0x10, value = 34",
				       "args: argc = " };

	expect_segv("segv", frames, sizeof(frames) / sizeof(frames[0]),
		    "crash_thread");
}

/* A crash in a second thread, while the first waits in pthread_join():
 * the post-mortem is the crashing thread's (QEMU's stub selects the CPU
 * that took the signal; read another's registers and the backtrace is
 * pthread_join()'s). */
Test(user_mode, sigsegv_in_a_second_thread, .timeout = 120)
{
	char at[32];
	const char *const frames[] = { "#0 0x", "crash_inner", "crash_middle",
				       "crash_outer", "crash_thread",
				       prog_line(at, sizeof(at),
						 "*(volatile int *)where"),
				       "args: where = 0x10, value = 34" };

	expect_segv("thread-segv", frames, sizeof(frames) / sizeof(frames[0]),
		    "pthread_join");
}

/* The backtrace goes from inside the C library through abort() to main:
 * by glibc's own unwind tables (Arm's EHABI index on arm), and where
 * there are none (abort() itself on arm and riscv64) by its decoded
 * prologue; a dynamic program's come from the libc.so the dynamic linker
 * loaded. */
Test(user_mode, abort_is_sigabrt, .timeout = 90)
{
	static const char *const links[] = { "static", "dynamic" };
	char at[32], line[48];

	snprintf(line, sizeof(line), "user/%s",
		 prog_line(at, sizeof(at), "abort();"));
	for (size_t i = 0; i < 2 * N_ARCHES; i++) {
		char path[512];
		harness_result res;
		user_run(&res, prog(path, sizeof(path), arches[i / 2], links[i % 2]),
			 NULL, ARGS("abort"), NULL);
		cr_expect_eq(res.status, 1, "%s %s: status %d\n%s", arches[i / 2],
			     links[i % 2], res.status, res.err);
		expect_in(res.err, "FAIL: the program got SIGABRT", "stderr");
		expect_postmortem(&res);
		const char *bt = strstr(res.err, "backtrace:");
		const char *ab = bt ? strstr(bt, " abort+") : NULL;
		cr_expect_not_null(ab, "%s %s: no abort frame\n%s", arches[i / 2],
				   links[i % 2], res.err);
		/* main's frame after abort's, with its source line. */
		cr_expect(ab && strstr(ab, " main+") && strstr(ab, line),
			  "%s %s: the backtrace ends before main\n%s", arches[i / 2],
			  links[i % 2], res.err);
		harness_result_free(&res);
	}
}

/* stdin is the program's; its stdout is stubrun's, through the console
 * matcher (--console-pass works on it). */
Test(user_mode, stdin_to_stdout, .timeout = 60)
{
	static const char text[] = "one line\nanother line\nTEST OK\n";

	for (size_t i = 0; i < N_ARCHES; i++) {
		char path[512];
		harness_result res;
		user_run(&res, prog(path, sizeof(path), arches[i], "dynamic"),
			 ARGS("--console-pass", "TEST OK"), ARGS("cat"), text);
		cr_expect_eq(res.status, 0, "%s: status %d\n%s", arches[i],
			     res.status, res.err);
		cr_expect_str_eq(res.out, text, "%s: stdout", arches[i]);
		harness_result_free(&res);
	}
}

Test(user_mode, missing_interpreter, .timeout = 30)
{
	char path[512];
	harness_result res;

	user_run(&res, prog(path, sizeof(path), "aarch64", "dynamic"),
		 ARGS("--sysroot", "/nonexistent"), ARGS("exit", "0"), NULL);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "interpreter /lib/ld-linux-aarch64.so.1 not found "
		  "under /nonexistent", "stderr");
	expect_in(res.err, "libc6-arm64-cross", "stderr (the package)");
	cr_expect_eq(strchr(res.err, '\n') - res.err + 1, (long)res.err_len,
		     "more than one line:\n%s", res.err);
	harness_result_free(&res);
}

Test(user_mode, timeout_postmortem, .timeout = 30)
{
	char path[512];
	harness_result res;

	user_run(&res, prog(path, sizeof(path), "riscv64", "dynamic"),
		 ARGS("--timeout", "0.5"), ARGS("hang"), NULL);
	cr_expect_eq(res.status, 124, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "TIMEOUT: timeout after 0.5 s (status 124)", "stderr");
	expect_postmortem(&res);
	expect_in(res.err, "in main", "stderr (the PC in the loop)");
	harness_result_free(&res);
}

/* Breakpoints land in a position-independent program where qemu-user
 * loaded it. */
Test(user_mode, pass_at_relocated, .timeout = 30)
{
	char path[512];
	harness_result res;

	user_run(&res, prog(path, sizeof(path), "aarch64", "dynamic"),
		 ARGS("--pass-at", "crash_inner", "--expect", "x1 == 34"),
		 ARGS("segv", "16"), NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "PASS: reached --pass-at crash_inner", "stderr");
	harness_result_free(&res);
}

/* A checkpoint the program passes: main's breakpoint is reached (a
 * failing --expect there fails the run), and with an --expect that holds
 * the program goes on past it (stepped over with the breakpoint in
 * place: qemu-user is TCG) to its own exit status, on every
 * architecture. */
Test(user_mode, break_is_reached_and_passed, .timeout = 60)
{
	static const struct { const char *expect; int status; } cases[] = {
		{ "pc == 1", 1 }, { "pc != 1", 3 },
	};

	for (size_t i = 0; i < N_ARCHES * 2; i++) {
		const char *arch = arches[i / 2];
		char path[512];
		harness_result res;
		user_run(&res, prog(path, sizeof(path), arch, "dynamic"),
			 ARGS("--break", "main", "--expect", cases[i % 2].expect),
			 ARGS("exit", "3"), NULL);
		cr_expect_eq(res.status, cases[i % 2].status, "%s, %s: status %d\n%s",
			     arch, cases[i % 2].expect, res.status, res.err);
		harness_result_free(&res);
	}
}

/* --system boots the program as a machine's kernel: the QEMU started
 * gets system-mode arguments (-S, -machine). A stand-in QEMU that prints
 * them and exits tells, at once: qemu-system-aarch64 itself takes over
 * 15 s on a loaded host to load this static glibc program as a kernel. */
Test(user_mode, system_forced, .timeout = 30)
{
	char dir[64], fake[96];
	harness_result res;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/stubrun-it-sysf-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(fake, sizeof(fake), "%s/qemu-system-aarch64", dir);
	cr_assert_not_null(f = fopen(fake, "w"));
	fputs("#!/bin/sh\necho \"stand-in: $*\" >&2\nexit 1\n", f);
	fclose(f);
	cr_assert_eq(chmod(fake, 0755), 0);
	stubrun(&res, "--system", "--qemu", fake, EXAMPLE("user-aarch64-static"),
		NULL);
	unlink(fake);
	rmdir(dir);
	cr_expect_eq(res.status, 125, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(res.err, "stand-in: -S") && strstr(res.err, "-machine virt"),
		  "not system mode:\n%s", res.err);
	cr_expect(!strstr(res.err, "the program"), "user mode:\n%s", res.err);
	harness_result_free(&res);
}

/* The first directory of PATH holding `name` into out (the real
 * qemu-user the stand-ins below run). */
static void real_program(char *out, size_t cap, const char *name)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(out, cap, "%.*s/%s", (int)n, path, name);
		if (n > 0 && access(out, X_OK) == 0)
			return;
		path += n + (path[n] == ':');
	}
	cr_assert_fail("%s is not in PATH", name);
}

/* A stand-in `dir/name` that appends its name to dir/ran, then runs the
 * real qemu-user `real`. */
static void stand_in(const char *dir, const char *name, const char *real)
{
	char file[160];
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(file, "w"));
	fprintf(f, "#!/bin/sh\necho %s >> %s/ran\nexec %s \"$@\"\n", name,
		dir, real);
	fclose(f);
	cr_assert_eq(chmod(file, 0755), 0);
}

/* What ran a program that exits 3, with PATH set to `path`. */
static char *user_qemu_run(const char *dir, const char *path)
{
	char prog_path[512], ran[128];
	harness_result res;

	setenv("PATH", path, 1);
	user_run(&res, prog(prog_path, sizeof(prog_path), "aarch64", "static"),
		 NULL, ARGS("exit", "3"), NULL);
	cr_expect_eq(res.status, 3, "status %d\n%s", res.status, res.err);
	harness_result_free(&res);
	snprintf(ran, sizeof(ran), "%s/ran", dir);
	char *text = harness_slurp(ran);
	unlink(ran);
	return text;
}

/* qemu-aarch64-static (Debian's qemu-user-static) is run when it is in
 * PATH, qemu-aarch64 otherwise: both stand-ins run the real shared one,
 * so this needs only qemu-user. */
Test(user_mode, static_qemu_user_is_preferred, .timeout = 60)
{
	char dir[64], real[512], path[4096], *ran;
	const char *old = getenv("PATH");

	snprintf(dir, sizeof(dir), "/tmp/stubrun-it-qstatic-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	real_program(real, sizeof(real), "qemu-aarch64");
	stand_in(dir, "qemu-aarch64-static", real);
	stand_in(dir, "qemu-aarch64", real);
	snprintf(path, sizeof(path), "%s:%s", dir, old ? old : "/usr/bin:/bin");
	ran = user_qemu_run(dir, path);
	cr_expect_str_eq(ran, "qemu-aarch64-static\n", "what ran");
	free(ran);
	/* Only the shared one: PATH is the stand-ins' directory alone. */
	snprintf(path, sizeof(path), "%s/qemu-aarch64-static", dir);
	unlink(path);
	ran = user_qemu_run(dir, dir);
	cr_expect_str_eq(ran, "qemu-aarch64\n", "what ran");
	free(ran);
	snprintf(path, sizeof(path), "%s/qemu-aarch64", dir);
	unlink(path);
	rmdir(dir);
}

/* --user before PROGRAM: an exec wrapper (ctest's
 * CMAKE_CROSSCOMPILING_EMULATOR, meson's exe_wrapper, cargo's runner):
 * everything after PROGRAM is the program's, options included. */
Test(user_mode, exec_wrapper, .timeout = 30)
{
	char path[512], mark[64];
	harness_result res;

	snprintf(mark, sizeof(mark), "stubrun-it-wrap-%d", (int)getpid());
	const char *argv[] = { harness_stubrun(), "run", "-q", "--user",
			       prog(path, sizeof(path), "riscv64", "static"),
			       "exit", "7", "--timeout", mark, NULL };
	cr_assert_eq(harness_run(&res, argv, RUN_LIMIT_S), 0);
	cr_expect_eq(res.status, 7, "status %d\n%s", res.status, res.err);
	cr_expect_eq(harness_count_processes(mark), 0,
		     "a qemu-user outlived stubrun");
	harness_result_free(&res);
}

/* TAP printed by a program is read as by a serial console: each result a
 * test of its own in --events, a "not ok" the verdict. */
Test(user_mode, tap_results_become_tests, .timeout = 60)
{
	char path[512], ev[96], evopt[128];
	harness_result res;

	snprintf(ev, sizeof(ev), "/tmp/stubrun-it-user-ev-%d.jsonl", (int)getpid());
	snprintf(evopt, sizeof(evopt), "--events=%s", ev);
	user_run(&res, prog(path, sizeof(path), "riscv64", "dynamic"),
		 ARGS(evopt), ARGS("cat"),
		 "TAP version 13\n1..2\nok 1 - adds\nnot ok 2 - divides\n");
	char *e = harness_slurp(ev);
	unlink(ev);
	cr_assert_not_null(e);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(e, "\"name\":\"adds\",\"status\":0"), "%s", e);
	cr_expect(strstr(e, "\"name\":\"divides\",\"status\":1"), "%s", e);
	free(e);
	harness_result_free(&res);
}

/* One suite of user and system images: the reports treat them alike. */
Test(user_mode, suite_mixes_user_and_system_images, .timeout = 120)
{
	char user[512], crash[512], sys[512], dir[64], ini[96], xml[96], tap[96];
	char text[2048];
	harness_result res;
	FILE *f;

	prog(user, sizeof(user), "aarch64", "static");
	prog(crash, sizeof(crash), "arm", "dynamic");
	example(sys, sizeof(sys), "riscv64-pass.elf");
	snprintf(dir, sizeof(dir), "/tmp/stubrun-it-usuite-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(ini, sizeof(ini), "%s/s.ini", dir);
	snprintf(xml, sizeof(xml), "%s/r.xml", dir);
	snprintf(tap, sizeof(tap), "%s/r.tap", dir);
	snprintf(text, sizeof(text),
		 "[test \"user\"]\nimage = %s\nargs = exit 0\n"
		 "[test \"usercrash\"]\nimage = %s\nargs = segv\n"
		 "[test \"system\"]\nimage = %s\n", user, crash, sys);
	cr_assert_not_null(f = fopen(ini, "w"));
	fputs(text, f);
	fclose(f);
	const char *argv[] = { harness_stubrun(), "test", "-j2", "--junit", xml,
			       "--tap", tap, ini, NULL };
	cr_assert_eq(harness_run(&res, argv, RUN_LIMIT_S), 0);
	char *x = harness_slurp(xml), *t = harness_slurp(tap);
	cr_assert(x && t);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	cr_expect(strstr(x, "tests=\"3\" failures=\"1\""), "%s", x);
	cr_expect(strstr(x, "the program got SIGSEGV"), "%s", x);
	cr_expect(strstr(t, "ok 1 - user") || strstr(t, "ok 2 - user") ||
		  strstr(t, "ok 3 - user"), "%s", t);
	cr_expect(strstr(t, "not ok") && strstr(t, "usercrash"), "%s", t);
	free(x);
	free(t);
	harness_result_free(&res);
	snprintf(text, sizeof(text), "rm -rf '%s'", dir);
	cr_expect_eq(system(text), 0);
}

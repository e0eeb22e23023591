/* Tests for src/base/spawn.c: the child's process group, stdio, signal
 * state, and both ways a child that cannot run reports it. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

static void read_all(int fd, char *buf, size_t cap)
{
	size_t at = 0;
	ssize_t n;

	while (at + 1 < cap && (n = read(fd, buf + at, cap - 1 - at)) > 0)
		at += (size_t)n;
	buf[at] = '\0';
}

/* Runs `argv` with stdout and stderr to pipes; returns its wait status
 * and what it wrote (NUL-terminated, truncated to the buffers). */
static int run(const spawn_opts *base, char *out, size_t outlen, char *err,
	       size_t errlen, int *child_errno)
{
	int po[2], pe[2], st = -1;
	spawn_opts o = *base;
	pid_t pid;

	cr_assert_eq(pipe2(po, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(pe, O_CLOEXEC), 0);
	o.out_fd = po[1];
	o.err_fd = pe[1];
	cr_assert_eq(spawn_start(&pid, child_errno, &o), 0);
	cr_assert_gt(pid, 0);
	close(po[1]);
	close(pe[1]);
	read_all(po[0], out, outlen);
	read_all(pe[0], err, errlen);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(po[0]);
	close(pe[0]);
	return st;
}

Test(spawn, child_leads_its_group_with_stdin_from_dev_null)
{
	char *argv[] = { "sh", "-c",
			 "cut -d' ' -f5 /proc/$$/stat; echo $$; cat; echo err >&2",
			 NULL };
	char out[256], err[64];
	int e, st;
	spawn_opts o;
	unsigned long pgid = 0, pid = 1;

	spawn_opts_init(&o, argv);
	o.path_search = 1;
	st = run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_assert_eq(e, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", err);
	cr_assert_eq(sscanf(out, "%lu\n%lu", &pgid, &pid), 2, "%s", out);
	cr_assert_eq(pgid, pid, "its own process group");
	cr_assert_str_eq(err, "err\n");
}

/* The SigBlk or SigIgn mask of /proc/PID/status text, limited to the
 * standard signals 1..31: the C library keeps some real-time signals for
 * itself (glibc: 32 and 33), which no program can reset, and a parent
 * (a CI runner) may leave them ignored. */
static unsigned long long sigmask_of(const char *status, const char *field)
{
	const char *p = strstr(status, field);
	unsigned long long v = ~0ull;

	cr_assert_not_null(p, "%s", status);
	cr_assert_eq(sscanf(p + strlen(field), "%llx", &v), 1, "%s", status);
	return v & 0x7fffffffull;
}

Test(spawn, signals_and_mask_reset)
{
	/* grep itself, not a shell, which may change its own mask. */
	char *argv[] = { "grep", "-E", "^(SigBlk|SigIgn)", "/proc/self/status",
			 NULL };
	char out[256], err[64];
	sigset_t block, old;
	int e;
	spawn_opts o;

	/* The parent ignores SIGUSR1 and blocks SIGUSR2. */
	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	spawn_opts_init(&o, argv);
	o.path_search = 1;
	o.reset_signals = 1;
	run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_expect_eq(sigmask_of(out, "SigBlk:"), 0, "%s", out);
	cr_expect_eq(sigmask_of(out, "SigIgn:"), 0, "%s", out);
	/* A given mask is the child's. */
	o.mask = &block;
	o.reset_signals = 0;
	run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_expect_eq(sigmask_of(out, "SigBlk:"), 1ull << (SIGUSR2 - 1), "%s", out);
	/* What the parent ignores stays ignored: SIGUSR1, and whatever it
	 * was started with (nohup's SIGHUP). */
	unsigned long long ignored = 0;
	for (int sig = 1; sig < 32; sig++) {
		struct sigaction sa;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			ignored |= 1ull << (sig - 1);
	}
	cr_expect(ignored & (1ull << (SIGUSR1 - 1)));
	cr_expect_eq(sigmask_of(out, "SigIgn:"), ignored,
		     "SIGUSR1 stays ignored: %s", out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
}

Test(spawn, exec_failure_comes_back_as_errno)
{
	char *argv[] = { "/nonexistent/stubrun-no-such-program", NULL };
	char out[64], err[64];
	spawn_opts o;
	int e, st;

	spawn_opts_init(&o, argv);
	st = run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_assert_eq(e, ENOENT);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	cr_assert_str_eq(err, "");
}

Test(spawn, exec_failure_told_by_the_child_as_a_shell_would)
{
	char *argv[] = { "/nonexistent/stubrun-no-such-program", NULL };
	char *dir[] = { "/bin/true", NULL };
	char out[64], err[256];
	spawn_opts o;
	int e, st;

	spawn_opts_init(&o, argv);
	o.who = "stubrun test";
	st = run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_assert_eq(e, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	cr_assert_str_eq(err, "stubrun test: cannot execute "
			 "/nonexistent/stubrun-no-such-program: No such file or directory\n");
	spawn_opts_init(&o, dir);
	o.who = "stubrun test";
	o.cwd = "/nonexistent";
	st = run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 125);
	cr_assert_str_eq(err, "stubrun test: cannot enter /nonexistent: "
			 "No such file or directory\n");
}

Test(spawn, tmpdir_and_kept_fd)
{
	char *argv[] = { "sh", "-c", "echo $TMPDIR; [ -e /proc/self/fd/$KEEP ] && echo kept", NULL };
	char out[256], err[64], fdtext[16];
	int pair[2], e;
	spawn_opts o;

	cr_assert_eq(pipe2(pair, O_CLOEXEC), 0);
	snprintf(fdtext, sizeof(fdtext), "%d", pair[0]);
	setenv("KEEP", fdtext, 1);
	spawn_opts_init(&o, argv);
	o.path_search = 1;
	o.tmpdir = "/tmp/stubrun-spawn-test";
	o.keep_fd = pair[0];
	run(&o, out, sizeof(out), err, sizeof(err), &e);
	cr_assert_str_eq(out, "/tmp/stubrun-spawn-test\nkept\n");
	/* The caller's copy stays close-on-exec. */
	cr_assert_eq(fcntl(pair[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	unsetenv("KEEP");
	close(pair[0]);
	close(pair[1]);
}

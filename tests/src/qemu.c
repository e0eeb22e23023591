/* Tests for src/run/qemu.c, the launcher, with the real qemu-system-i386
 * (`-machine pc -S`: halted before the BIOS, it just sits with its stub):
 * the private directory, the socket, the process group, killing and
 * reaping, the 126/127 cases and QEMU's stderr. Each test points TMPDIR
 * at its own directory so that leftovers are visible (Criterion runs each
 * test in its own process, so setenv is local to it). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/stubrun-qtest-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	setenv("TMPDIR", tmpdir, 1);
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void teardown(void)
{
	cr_expect_eq(entries(tmpdir), 0, "the launcher left files in %s", tmpdir);
	rmdir(tmpdir);
}

static const char *const idle_args[] = { "-machine", "pc", "-display", "none",
					 "-nodefaults", "-monitor", "none", NULL };

static int alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

TestSuite(qemu, .init = setup, .fini = teardown);

/* QEMU's temporary files (a -snapshot overlay) go in a private
 * directory, removed with QEMU. */
Test(qemu, private_dir_for_snapshot_overlays)
{
	static const char *const args[] = { "-machine", "pc", "-display", "none",
					    "-nodefaults", "-monitor", "none",
					    "-snapshot", NULL };
	qemu_spec spec = { "qemu-system-i386", args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "", dir[128];
	struct stat st;

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	snprintf(dir, sizeof(dir), "%s", qemu_dir(q));
	cr_assert_eq(strncmp(dir, tmpdir, strlen(tmpdir)), 0, "%s", dir);
	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700, "the directory is not private");
	qemu_free(q);
	cr_assert(!exists(dir), "%s was not removed", dir);
}

Test(qemu, socketpair_and_group)
{
	qemu_spec spec = { "qemu-system-i386", idle_args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "";

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	pid_t pid = qemu_pid(q);
	cr_assert_gt(pid, 0);
	cr_assert_eq(getpgid(pid), pid, "QEMU is not in its own process group");
	cr_assert_str_eq(qemu_dir(q), "", "a directory nothing goes in");
	/* The stub is on a socketpair: no address, our end answers at once. */
	cr_assert_null(qemu_gdb_address(q));
	int fd = qemu_take_gdb_fd(q);
	cr_assert_geq(fd, 0);
	cr_assert_eq(qemu_take_gdb_fd(q), -1, "the end was handed out twice");
	cr_assert_eq(write(fd, "$?#3f", 5), 5);
	struct pollfd pfd = { fd, POLLIN, 0 };
	char ack = 0;
	/* Why 30 s: QEMU answers in milliseconds, but a loaded CI machine can
	 * take seconds; the bound only costs time when the test fails. */
	cr_assert_eq(poll(&pfd, 1, 30000), 1, "QEMU's stub did not answer");
	cr_assert_eq(read(fd, &ack, 1), 1);
	cr_assert_eq(ack, '+', "not an RSP ack: 0x%02x", ack);
	close(fd);
	cr_assert(alive(pid));

	qemu_free(q);
	cr_assert(!alive(pid), "QEMU survived qemu_free");
}

Test(qemu, tcp_address)
{
	qemu_spec spec = { "qemu-system-i386", idle_args, 1, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "";

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(strncmp(qemu_gdb_address(q), "127.0.0.1:", 10), 0, "%s",
		     qemu_gdb_address(q));
	cr_assert_gt(atoi(qemu_gdb_address(q) + 10), 0);
	qemu_free(q);
}

Test(qemu, kill_then_wait_reaps)
{
	qemu_spec spec = { "qemu-system-i386", idle_args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "";
	int exited = 0, st = 0;

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qemu_wait(&exited, &st, q, 0), 0);
	cr_assert_eq(exited, 0, "an idle QEMU exited by itself");
	qemu_kill(q);
	cr_assert_eq(qemu_wait(&exited, &st, q, 30000), 0);
	cr_assert_eq(exited, 1);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	qemu_free(q);
}

Test(qemu, missing_binary_is_enoent)
{
	qemu_spec spec = { "qemu-system-nonexistent-arch", idle_args, 0, 0, 0, 0 };
	qemu_proc *q = (qemu_proc *)1;
	char err[256] = "";

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), QEMU_ENOENT);
	cr_assert_null(q);
	cr_assert(strstr(err, "qemu-system-nonexistent-arch"), "%s", err);
	cr_assert(strstr(err, "not found"), "%s", err);
}

Test(qemu, missing_path_is_enoent)
{
	qemu_spec spec = { "/nonexistent/dir/qemu", idle_args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "";

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), QEMU_ENOENT);
}

Test(qemu, not_executable_is_enoexec)
{
	qemu_spec spec = { "/etc/passwd", idle_args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "";

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), QEMU_ENOEXEC);
	cr_assert(strstr(err, "/etc/passwd"), "%s", err);
	spec.binary = "/tmp";
	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), QEMU_ENOEXEC);
}

Test(qemu, early_death_keeps_the_last_stderr_line)
{
	static const char *const bad[] = { "-machine", "none", "-display", "none",
					   "-no-such-option", NULL };
	qemu_spec spec = { "qemu-system-i386", bad, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "", buf[512];
	int exited = 0, st = 0;
	size_t n;

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qemu_wait(&exited, &st, q, 30000), 0);
	cr_assert_eq(exited, 1);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	/* Drain until end of file. */
	for (int i = 0; i < 1000 && qemu_stderr_fd(q) >= 0; i++) {
		cr_assert_eq(qemu_read(buf, sizeof(buf), &n, q, 2), 0);
		if (n == 0)
			poll(NULL, 0, 1);
	}
	cr_assert(strstr(qemu_stderr_last_line(q), "-no-such-option"), "'%s'",
		  qemu_stderr_last_line(q));
	qemu_free(q);
}

Test(qemu, stdout_is_a_pipe_we_read)
{
	static const char *const args[] = { "-version", NULL };
	qemu_spec spec = { "qemu-system-i386", args, 0, 0, 0, 0 };
	qemu_proc *q = NULL;
	char err[256] = "", buf[512], all[4096] = "";
	size_t n, len = 0;

	cr_assert_eq(qemu_spawn(&q, &spec, err, sizeof(err)), 0, "%s", err);
	for (int i = 0; i < 30000 && qemu_stdout_fd(q) >= 0; i++) {
		cr_assert_eq(qemu_read(buf, sizeof(buf), &n, q, 1), 0);
		if (n && len + n < sizeof(all)) {
			memcpy(all + len, buf, n);
			len += n;
			all[len] = '\0';
		}
		if (n == 0)
			poll(NULL, 0, 1);
	}
	cr_assert(strstr(all, "QEMU emulator version"), "'%s'", all);
	qemu_free(q);
}

/* The parent dying without cleanup must take QEMU with it. */
Test(qemu, dies_with_its_parent)
{
	int fds[2];
	pid_t child, qpid = -1;

	cr_assert_eq(pipe(fds), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		qemu_spec spec = { "qemu-system-i386", idle_args, 0, 0, 0, 0 };
		qemu_proc *q = NULL;
		char err[256];
		pid_t p = -1;
		if (qemu_spawn(&q, &spec, err, sizeof(err)) == 0)
			p = qemu_pid(q);
		if (write(fds[1], &p, sizeof(p)) != sizeof(p))
			_exit(2);
		_exit(0); /* no qemu_free: the kernel must kill QEMU */
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &qpid, sizeof(qpid)), (ssize_t)sizeof(qpid));
	close(fds[0]);
	waitpid(child, NULL, 0);
	cr_assert_gt(qpid, 0);
	int gone = 0;
	for (int i = 0; i < 3000 && !gone; i++) {
		/* QEMU is re-parented; a zombie shows as state Z */
		char path[64], stat[256] = "";
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)qpid);
		FILE *f = fopen(path, "r");
		if (!f) {
			gone = 1;
			break;
		}
		if (fgets(stat, sizeof(stat), f) && strstr(stat, ") Z"))
			gone = 1;
		fclose(f);
		if (!gone)
			poll(NULL, 0, 10);
	}
	cr_assert(gone, "QEMU %d outlived its parent", (int)qpid);
	/* The child skipped cleanup, so its directory is ours to remove. */
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char sub[340], f[360];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", tmpdir, e->d_name);
		snprintf(f, sizeof(f), "%s/gdb.sock", sub);
		unlink(f);
		rmdir(sub);
	}
	if (d)
		closedir(d);
}

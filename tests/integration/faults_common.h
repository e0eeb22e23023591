/*
 * Helpers of the hardening tests (faults_*.c, hygiene_*.c, hostile_*.c):
 * a private scratch directory per test, background processes with their
 * stderr in a file, waiting with a bound, finding a QEMU by a marker.
 */
#ifndef FAULTS_COMMON_H
#define FAULTS_COMMON_H

#include <criterion/criterion.h>

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Why 60 s: every run here ends in seconds; the cap only stops a hang,
 * which the test then reports instead of blocking CI. */
#define FAULTS_LIMIT_S 60

/* A fresh directory /tmp/stubrun-h9-<what>-XXXXXX; its name doubles as a
 * marker unique to the test (it appears in QEMU's command line). */
static inline void scratch_new(char *dir, size_t cap, const char *what)
{
	snprintf(dir, cap, "/tmp/stubrun-h9-%s-XXXXXX", what);
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static inline int scratch_rm_one(const char *path, const struct stat *st,
				 int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void scratch_rm(const char *dir)
{
	if (dir[0])
		nftw(dir, scratch_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Number of entries of `dir` whose name starts with `prefix` ("" for all),
 * -1 when it cannot be read. */
static inline int dir_count(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    !strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/* Starts argv in the background (own process group), stdin /dev/null,
 * stdout to /dev/null and stderr to `errfile` (NULL: /dev/null), with
 * TMPDIR set to `tmpdir` when not NULL. */
static inline pid_t spawn_bg(const char *const argv[], const char *errfile,
			     const char *tmpdir)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int err = errfile ? open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600)
				  : null;
		setpgid(0, 0);
		if (tmpdir)
			setenv("TMPDIR", tmpdir, 1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

/* Waits up to `ms` for `pid`; 1 with *st when it exited, else 0. */
static inline int wait_bounded(int *st, pid_t pid, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
		poll(NULL, 0, 10);
	}
	return 0;
}

/* Waits for `pid` within FAULTS_LIMIT_S; on a hang kills its group and
 * fails the test. Returns the wait status. */
static inline int reap_or_fail(pid_t pid, const char *what)
{
	int st = 0;

	if (!wait_bounded(&st, pid, FAULTS_LIMIT_S * 1000)) {
		kill(-pid, SIGKILL);
		waitpid(pid, &st, 0);
		cr_assert_fail("%s did not end within %d s", what, FAULTS_LIMIT_S);
	}
	return st;
}

/* Polls until harness_count_processes(needle) reaches `n` (at most ~20 s);
 * returns the last count. */
static inline int wait_count(const char *needle, int n)
{
	int c = harness_count_processes(needle);

	for (int i = 0; i < 2000 && c != n; i++) {
		poll(NULL, 0, 10);
		c = harness_count_processes(needle);
	}
	return c;
}

/* The pid of the first process whose command line starts with `prog`
 * and contains `needle`, or -1. */
static inline pid_t find_process(const char *prog, const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d))) {
		char path[300], cmd[4096];
		ssize_t n;
		int fd;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (strstr(cmd, prog) && strstr(cmd, needle))
			found = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return found;
}

/* Number of processes whose command line starts with `prog` and
 * contains `needle` (both), e.g. this test's QEMUs. */
static inline int count_processes2(const char *prog, const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int count = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], cmd[4096];
		ssize_t n;
		int fd;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		count += !strncmp(cmd, prog, strlen(prog)) && strstr(cmd, needle);
	}
	closedir(d);
	return count;
}

/* Polls until `n` QEMUs with `needle` in their command line run (at most
 * ~20 s); returns the last count. */
static inline int wait_count_qemus(const char *needle, int n)
{
	int c = count_processes2("qemu-system-", needle);

	for (int i = 0; i < 2000 && c != n; i++) {
		poll(NULL, 0, 10);
		c = count_processes2("qemu-system-", needle);
	}
	return c;
}

/* The whole of a (small) file as a string; "" when absent. Free it. */
static inline char *slurp_file(const char *path)
{
	char *buf = harness_slurp(path);

	cr_assert_not_null(buf);
	return buf;
}

static inline int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The last line of `s` (without its newline) into buf. */
static inline const char *last_line(char *buf, size_t cap, const char *s)
{
	size_t len = strlen(s);
	const char *end, *start;

	while (len && s[len - 1] == '\n')
		len--;
	end = s + len;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	snprintf(buf, cap, "%.*s", (int)(end - start), start);
	return buf;
}

/* An example guest; skips the test when the examples are not built. */
static inline const char *example_or_skip(char *buf, size_t len,
					  const char *name)
{
	struct stat st;

	harness_example(buf, len, name);
	if (stat(buf, &st) != 0)
		cr_skip_test("example %s not built (make examples)", buf);
	return buf;
}

/* A link to an example guest inside a fresh scratch directory `markdir`,
 * so that the directory's unique name is in QEMU's command line (-kernel)
 * and marks this test's QEMU. The caller removes markdir. */
static inline const char *example_marked(char *link, size_t cap, char *markdir,
					 size_t mcap, const char *name,
					 const char *what)
{
	char img[512], target[PATH_MAX];

	example_or_skip(img, sizeof(img), name);
	/* The examples path may be relative: link to where it really is. */
	cr_assert_not_null(realpath(img, target), "%s: %s", img, strerror(errno));
	scratch_new(markdir, mcap, what);
	snprintf(link, cap, "%s/%s", markdir, name);
	cr_assert_eq(symlink(target, link), 0, "symlink %s: %s", link,
		     strerror(errno));
	return link;
}

#endif /* FAULTS_COMMON_H */

/* Tests for src/semihost/semihost_fs.c: the sandbox, path by path. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "semihost_fake.h"
#include "semihost_fs.h"

typedef struct fsenv {
	fake_guest *g;   /* only for its scratch root */
	semihost_fs *fs;
	char path[256];
} fsenv;

static void fsenv_open(fsenv *e)
{
	char err[256];
	e->g = fake_new();
	cr_assert_eq(semihost_fs_new(&e->fs, e->g->root, err, sizeof(err)), 0,
		     "%s", err);
}

static void fsenv_close(fsenv *e)
{
	semihost_fs_free(e->fs);
	fake_free(e->g);
}

static const char *in_root(fsenv *e, const char *name)
{
	return fake_path(e->path, sizeof(e->path), e->g, name);
}

static int try_open(fsenv *e, const char *p, int flags)
{
	int fd;
	int rc = semihost_fs_open(&fd, e->fs, p, flags, 0644);
	if (rc == 0) {
		cr_assert_geq(fd, 0);
		close(fd);
	} else {
		cr_assert_eq(fd, -1);
	}
	return rc;
}

Test(semihost_fs, nested_relative_paths_work)
{
	fsenv e;
	fsenv_open(&e);
	cr_assert_eq(mkdir(in_root(&e, "a"), 0755), 0);
	cr_assert_eq(mkdir(in_root(&e, "a/b"), 0755), 0);
	cr_assert_eq(try_open(&e, "a/b/c.txt", O_CREAT | O_WRONLY), 0);
	cr_assert_eq(access(in_root(&e, "a/b/c.txt"), F_OK), 0);
	cr_assert_eq(try_open(&e, "./a//b/./c.txt", O_RDONLY), 0);
	struct stat st;
	cr_assert_eq(semihost_fs_stat(&st, e.fs, "a/b/c.txt"), 0);
	cr_assert(S_ISREG(st.st_mode));
	fsenv_close(&e);
}

Test(semihost_fs, escapes_are_eacces)
{
	static const char *const bad[] = { "..", "../x", "a/../x", "a/..",
		"/etc/passwd", "/", "dir/../../x" };
	fsenv e;
	fsenv_open(&e);
	cr_assert_eq(mkdir(in_root(&e, "a"), 0755), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(try_open(&e, bad[i], O_RDONLY), -EACCES, "%s",
			     bad[i]);
	/* Names that merely contain dots are fine. */
	cr_assert_eq(try_open(&e, "..x", O_CREAT | O_WRONLY), 0);
	cr_assert_eq(try_open(&e, "a/x..", O_CREAT | O_WRONLY), 0);
	fsenv_close(&e);
}

Test(semihost_fs, symlinks_anywhere_are_refused)
{
	fsenv e;
	fsenv_open(&e);
	cr_assert_eq(symlink("/etc", in_root(&e, "dirlink")), 0);
	cr_assert_eq(symlink("/etc/passwd", in_root(&e, "filelink")), 0);
	cr_assert_eq(symlink("inside", in_root(&e, "innerlink")), 0);
	cr_assert_eq(try_open(&e, "dirlink/passwd", O_RDONLY), -EACCES);
	cr_assert_eq(try_open(&e, "filelink", O_RDONLY), -EACCES);
	cr_assert_eq(try_open(&e, "filelink", O_WRONLY | O_TRUNC), -EACCES);
	cr_assert_eq(try_open(&e, "innerlink", O_CREAT | O_WRONLY), -EACCES);
	cr_assert_eq(semihost_fs_rename(e.fs, "filelink", "dirlink/x"),
		     -EACCES);
	/* Removing a link removes the link, never its target. */
	cr_assert_eq(semihost_fs_remove(e.fs, "filelink"), 0);
	cr_assert_eq(access("/etc/passwd", F_OK), 0);
	fsenv_close(&e);
}

Test(semihost_fs, fifos_and_directories_are_not_files)
{
	fsenv e;
	fsenv_open(&e);
	cr_assert_eq(mkfifo(in_root(&e, "fifo"), 0644), 0);
	cr_assert_eq(mkdir(in_root(&e, "d"), 0755), 0);
	cr_assert_eq(try_open(&e, "fifo", O_RDONLY), -EACCES, "no hang");
	cr_assert_eq(try_open(&e, "d", O_RDONLY), -EISDIR);
	cr_assert_eq(try_open(&e, "d/", O_RDONLY), -EISDIR);
	cr_assert_eq(semihost_fs_remove(e.fs, "d"), -EISDIR);
	fsenv_close(&e);
}

Test(semihost_fs, empty_and_overlong_paths)
{
	fsenv e;
	fsenv_open(&e);
	cr_assert_eq(try_open(&e, "", O_RDONLY), -ENOENT);
	char *lng = malloc(SEMIHOST_FS_PATH_MAX + 2);
	cr_assert(lng);
	memset(lng, 'a', SEMIHOST_FS_PATH_MAX + 1);
	lng[SEMIHOST_FS_PATH_MAX + 1] = '\0';
	cr_assert_eq(try_open(&e, lng, O_RDONLY), -ENAMETOOLONG);
	free(lng);
	fsenv_close(&e);
}

Test(semihost_fs, system_runs_in_the_root)
{
	fsenv e;
	fsenv_open(&e);
	int status = -1;
	cr_assert_eq(semihost_fs_system(&status, e.fs, "pwd > where", -1, -1), 0);
	cr_assert_eq(status, 0);
	cr_assert_eq(access(in_root(&e, "where"), F_OK), 0);
	cr_assert_eq(semihost_fs_system(&status, e.fs, "exit 7", -1, -1), 0);
	cr_assert_eq(WEXITSTATUS(status), 7);
	fsenv_close(&e);
}

/* Whether process `pid` is gone (or a zombie its new parent has yet to
 * reap), waiting for it up to `cap_s` seconds: the kill is immediate,
 * init's reaping is not. */
static int gone(pid_t pid, int cap_s)
{
	char path[64], stat[256];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < cap_s * 100; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;
		if (f)
			fclose(f);
		stat[n] = '\0';
		if (!f || (strrchr(stat, ')') && strrchr(stat, ')')[2] == 'Z'))
			return 1;
		usleep(10000);
	}
	return 0;
}

Test(semihost_fs, system_is_killed_at_its_limit)
{
	fsenv e;
	fsenv_open(&e);
	int status = 0;
	cr_assert_eq(semihost_fs_system(&status, e.fs, "sleep 30", 100, -1),
		     -ETIMEDOUT);
	fsenv_close(&e);
}

/* A signal (here: a byte in a pipe) stops the command with all it
 * started, its process group. The command itself writes the byte once
 * its background sleep runs, so nothing depends on how fast it starts. */
Test(semihost_fs, system_stops_at_its_cancel_fd_with_what_it_started)
{
	fsenv e;
	fsenv_open(&e);
	int p[2], status = 0;
	char cmd[128];
	cr_assert_eq(pipe(p), 0);
	snprintf(cmd, sizeof(cmd), "sleep 30 & echo $! > bg; echo x > /dev/fd/%d; "
		 "wait", p[1]);
	int rc = semihost_fs_system(&status, e.fs, cmd, -1, p[0]);
	cr_assert_eq(rc, -ECANCELED, "rc %d status %d cmd %s", rc, status, cmd);
	close(p[0]);
	close(p[1]);
	char *bg = harness_slurp(in_root(&e, "bg"));
	cr_assert(bg && atoi(bg) > 0, "the command started its sleep");
	cr_expect(gone((pid_t)atoi(bg), 10), "the background sleep survived");
	free(bg);
	fsenv_close(&e);
}

/* stubrun blocks SIGINT, SIGTERM, SIGHUP and SIGPIPE for its signalfd:
 * the command must not inherit that, or it could not be interrupted and
 * a pipe in it would not end at its reader's exit. */
Test(semihost_fs, system_runs_with_no_signal_blocked)
{
	fsenv e;
	fsenv_open(&e);
	sigset_t set, old;
	int status = -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	cr_assert_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	cr_assert_eq(semihost_fs_system(&status, e.fs,
					"grep -q '^SigBlk:[[:space:]]*0*$' "
					"/proc/self/status", -1, -1), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	cr_expect_eq(WEXITSTATUS(status), 0, "the command's mask is not empty");
	fsenv_close(&e);
}

Test(semihost_fs, root_must_be_a_directory)
{
	semihost_fs *fs = (semihost_fs *)1;
	char err[256] = "";
	cr_assert_lt(semihost_fs_new(&fs, "/nonexistent-root", err,
				     sizeof(err)), 0);
	cr_assert_null(fs);
	cr_assert(strstr(err, "/nonexistent-root"));
	cr_assert_lt(semihost_fs_new(&fs, "/etc/passwd", err, sizeof(err)),
		     0);
	semihost_fs_free(NULL);
}

Test(semihost_fs, protected_file_cannot_be_written_or_truncated)
{
	fsenv e;
	fsenv_open(&e);
	FILE *f = fopen(in_root(&e, "image.elf"), "w");
	cr_assert(f);
	fputs("ELF", f);
	fclose(f);
	cr_assert_eq(semihost_fs_protect(e.fs, in_root(&e, "image.elf")), 0);
	cr_assert_eq(try_open(&e, "image.elf", O_WRONLY | O_TRUNC), -EACCES);
	cr_assert_eq(try_open(&e, "image.elf", O_RDWR), -EACCES);
	cr_assert_eq(try_open(&e, "./image.elf", O_WRONLY | O_APPEND), -EACCES);
	cr_assert_eq(try_open(&e, "image.elf", O_RDONLY), 0, "reading is fine");
	struct stat st;
	cr_assert_eq(stat(in_root(&e, "image.elf"), &st), 0);
	cr_assert_eq(st.st_size, 3, "not truncated");
	cr_assert_eq(try_open(&e, "other", O_CREAT | O_WRONLY), 0);
	cr_assert_eq(semihost_fs_protect(e.fs, in_root(&e, "missing")), 0);
	fsenv_close(&e);
}

/* The semihosting sandbox: guest paths resolved beneath one host directory
 * one component at a time (openat + O_NOFOLLOW), see semihost_fs.h. */
#include "semihost_fs.h"
#include "covout.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct semihost_fs {
	int rootfd;
	covout_map cov;       /* cov.dir NULL: no coverage exception */
	size_t nprotect;
	struct {
		dev_t dev;
		ino_t ino;
	} protect[SEMIHOST_FS_MAX_PROTECT];
};

int semihost_fs_protect(semihost_fs *fs, const char *host_path)
{
	struct stat st;

	if (stat(host_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fs->nprotect == SEMIHOST_FS_MAX_PROTECT)
		return -ENOSPC;
	fs->protect[fs->nprotect].dev = st.st_dev;
	fs->protect[fs->nprotect].ino = st.st_ino;
	fs->nprotect++;
	return 0;
}

/* Whether opening (dirfd, name) with `flags` would modify a protected
 * file; checked before open(2) because O_TRUNC acts at open time. */
static int is_protected(const semihost_fs *fs, int dirfd, const char *name,
			int flags)
{
	struct stat st;

	if (fs->nprotect == 0 || ((flags & O_ACCMODE) == O_RDONLY &&
				  !(flags & O_TRUNC)))
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	for (size_t i = 0; i < fs->nprotect; i++) {
		if (fs->protect[i].dev == st.st_dev &&
		    fs->protect[i].ino == st.st_ino)
			return 1;
	}
	return 0;
}

int semihost_fs_new(semihost_fs **out, const char *root, char *errbuf,
		    size_t errlen)
{
	semihost_fs *fs = NULL;
	int err = 0;

	*out = NULL;
	if (!root)
		root = ".";
	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		err = -ENOMEM;
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	fs->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd < 0) {
		err = -errno;
		snprintf(errbuf, errlen, "semihosting root %s: %s", root,
			 strerror(errno));
		goto out;
	}
	*out = fs;
	fs = NULL;
out:
	free(fs);
	return err;
}

void semihost_fs_free(semihost_fs *fs)
{
	if (!fs)
		return;
	close(fs->rootfd);
	free(fs);
}

/* A ".." component anywhere: refused before touching the file system, so
 * the answer does not depend on which directories exist. */
static int has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2) {
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	}
	return 0;
}

/* Opens the directory holding the last component of `path` (a writable copy
 * in `buf`): *dirfd (the caller closes it) and *last point into buf.
 * Refuses absolute paths, "..", symlinks on the way and empty names. */
static int resolve(int *dirfd, const char **last, char *buf, size_t cap,
		   const semihost_fs *fs, const char *path)
{
	size_t len = strlen(path);
	int fd = -1, err = 0;
	char *comp, *next;

	*dirfd = -1;
	*last = NULL;
	if (len > SEMIHOST_FS_PATH_MAX || len >= cap)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	if (path[0] == '/' || has_dotdot(path))
		return -EACCES;
	memcpy(buf, path, len + 1);
	fd = dup(fs->rootfd);
	if (fd < 0)
		return -errno;
	comp = buf;
	for (;;) {
		next = strchr(comp, '/');
		if (next)
			*next = '\0';
		if (!next)
			break;
		if (comp[0] != '\0' && strcmp(comp, ".") != 0) {
			int nfd = openat(fd, comp, O_PATH | O_DIRECTORY |
					 O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0) {
				/* A symlink is ENOTDIR with O_PATH|O_NOFOLLOW
				 * |O_DIRECTORY: report it as refused. */
				err = (errno == ENOTDIR || errno == ELOOP) ?
				      -EACCES : -errno;
				goto out;
			}
			close(fd);
			fd = nfd;
		}
		comp = next + 1;
	}
	if (comp[0] == '\0' || strcmp(comp, ".") == 0) {
		err = -EISDIR;
		goto out;
	}
	*dirfd = fd;
	*last = comp;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

void semihost_fs_map_coverage(semihost_fs *fs, const char *dir,
			      unsigned strip)
{
	fs->cov = (covout_map){ dir, strip };
}

/* resolve() for an absolute .gcda path under --coverage: the directory of
 * its place in DIR, made when the file is to be created. */
static int resolve_coverage(int *dirfd, const char **last, char *buf,
			    size_t cap, const semihost_fs *fs, const char *path,
			    int flags)
{
	char why[128];
	char *slash;
	int err;

	*dirfd = -1;
	if (covout_path(buf, cap, &fs->cov, path, ".gcda", why, sizeof(why)) < 0)
		return -EACCES;
	if ((flags & O_CREAT) && (err = covout_mkdirs(fs->cov.dir, buf)) < 0)
		return err;
	slash = strrchr(buf, '/');
	*last = slash + 1;
	if (slash == buf)
		*dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else {
		*slash = '\0';
		*dirfd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	return *dirfd < 0 ? -errno : 0;
}

int semihost_fs_open(int *fdp, semihost_fs *fs, const char *path, int flags,
		     int mode)
{
	char buf[SEMIHOST_FS_PATH_MAX + 1];
	const char *last;
	int dirfd = -1, fd = -1, err;
	struct stat st;

	*fdp = -1;
	if (fs->cov.dir && path[0] == '/')
		err = resolve_coverage(&dirfd, &last, buf, sizeof(buf), fs, path,
				       flags);
	else
		err = resolve(&dirfd, &last, buf, sizeof(buf), fs, path);
	if (err)
		goto out;
	if (is_protected(fs, dirfd, last, flags)) {
		err = -EACCES;
		goto out;
	}
	/* O_NONBLOCK: a FIFO planted in the root must not hang stubrun; only
	 * regular files are served. */
	fd = openat(dirfd, last, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		    mode);
	if (fd < 0) {
		err = errno == ELOOP ? -EACCES : -errno;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EACCES;
		goto out;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		err = -errno;
		goto out;
	}
	*fdp = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	return err;
}

int semihost_fs_remove(semihost_fs *fs, const char *path)
{
	char buf[SEMIHOST_FS_PATH_MAX + 1];
	const char *last;
	int dirfd = -1, err;

	err = resolve(&dirfd, &last, buf, sizeof(buf), fs, path);
	if (err)
		goto out;
	if (unlinkat(dirfd, last, 0) < 0)
		err = -errno;
out:
	if (dirfd >= 0)
		close(dirfd);
	return err;
}

int semihost_fs_rename(semihost_fs *fs, const char *from, const char *to)
{
	char buf1[SEMIHOST_FS_PATH_MAX + 1], buf2[SEMIHOST_FS_PATH_MAX + 1];
	const char *last1, *last2;
	int d1 = -1, d2 = -1, err;

	err = resolve(&d1, &last1, buf1, sizeof(buf1), fs, from);
	if (err)
		goto out;
	err = resolve(&d2, &last2, buf2, sizeof(buf2), fs, to);
	if (err)
		goto out;
	if (renameat(d1, last1, d2, last2) < 0)
		err = -errno;
out:
	if (d2 >= 0)
		close(d2);
	if (d1 >= 0)
		close(d1);
	return err;
}

int semihost_fs_stat(struct stat *st, semihost_fs *fs, const char *path)
{
	char buf[SEMIHOST_FS_PATH_MAX + 1];
	const char *last;
	int dirfd = -1, err;

	err = resolve(&dirfd, &last, buf, sizeof(buf), fs, path);
	if (err)
		goto out;
	if (fstatat(dirfd, last, st, AT_SYMLINK_NOFOLLOW) < 0)
		err = -errno;
out:
	if (dirfd >= 0)
		close(dirfd);
	return err;
}

/* /bin/sh -c through the orchestrator's spawner: its own process group
 * (killed whole when the call is cut short), the signal state stubrun
 * blocks for its signalfd reset, stdin /dev/null (the guest's console
 * input is not the command's), stdout and stderr stubrun's. */
int semihost_fs_system(int *status, semihost_fs *fs, const char *cmd,
		       int64_t limit_ms, int cancel_fd)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	spawn_opts o;
	pid_t pid;
	int child_errno, rc;

	*status = -1;
	spawn_opts_init(&o, argv);
	o.reset_signals = 1;
	o.cwd_fd = fs->rootfd;
	if (spawn_start(&pid, &child_errno, &o) < 0)
		return -errno;
	/* A child that could not exec exits 127, as sh does: reaped too. */
	(void)child_errno;
	rc = spawn_wait(status, pid, limit_ms, cancel_fd);
	return rc < 0 ? rc : 0;
}

/*
 * The semihosting sandbox: host file access for guest programs, confined
 * to one directory (--semihosting-root). Shared by src/semihost/semihost.c (Arm
 * semihosting serviced by stubrun) and src/semihost/fileio.c (GDB File-I/O).
 *
 * A guest path is relative to the root; absolute paths, ".." components,
 * empty paths and symbolic links anywhere on the path are refused. Each
 * component is opened with openat(O_NOFOLLOW) from the previous one, so a
 * symlink swapped in between two checks cannot lead outside either.
 * Every function returns 0 or a negative host errno (-EACCES for a path
 * the sandbox refuses, -ENAMETOOLONG beyond SEMIHOST_FS_PATH_MAX).
 */
#ifndef SEMIHOST_FS_H
#define SEMIHOST_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Longest guest path accepted, without its NUL: the host's PATH_MAX. */
#define SEMIHOST_FS_PATH_MAX 4095

typedef struct semihost_fs semihost_fs;

/* Opens `root` (NULL: "."), which must be a directory. On failure *out is
 * NULL and errbuf holds a message. */
int semihost_fs_new(semihost_fs **out, const char *root, char *errbuf,
		    size_t errlen);
void semihost_fs_free(semihost_fs *fs);

/* Makes the host file at `host_path` read-only for the guest: opening it
 * for writing or truncation is -EACCES. For the image being run: stubrun
 * maps it, and a guest truncating it would crash stubrun (SIGBUS). Up to
 * SEMIHOST_FS_MAX_PROTECT files; a path that does not exist is ignored. */
#define SEMIHOST_FS_MAX_PROTECT 4
int semihost_fs_protect(semihost_fs *fs, const char *host_path);

/* From now on an absolute guest path ending in .gcda opens under `dir`
 * (src/coverage/covout.h's mapping with `strip`; the directories made when
 * it is created); other absolute paths stay refused. */
void semihost_fs_map_coverage(semihost_fs *fs, const char *dir,
			      unsigned strip);

/* open(2) of a guest path with host `flags` (O_NOFOLLOW and O_CLOEXEC are
 * added) and `mode`; *fd is the new descriptor, owned by the caller. */
int semihost_fs_open(int *fd, semihost_fs *fs, const char *path, int flags,
		     int mode);
/* unlink(2); directories are refused (-EISDIR). */
int semihost_fs_remove(semihost_fs *fs, const char *path);
/* rename(2), both paths in the sandbox. */
int semihost_fs_rename(semihost_fs *fs, const char *from, const char *to);
/* lstat(2) of a guest path. */
int semihost_fs_stat(struct stat *st, semihost_fs *fs, const char *path);
/* Runs `/bin/sh -c cmd` with the root as working directory and waits;
 * *status is the raw wait status, as system(3) returns it. The command
 * (with all it started) is killed after limit_ms (< 0: no limit), with
 * -ETIMEDOUT, or when cancel_fd (>= 0) turns readable, with -ECANCELED. */
int semihost_fs_system(int *status, semihost_fs *fs, const char *cmd,
		       int64_t limit_ms, int cancel_fd);

#endif /* SEMIHOST_FS_H */

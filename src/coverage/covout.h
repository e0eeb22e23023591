/*
 * covout: where a guest's coverage files go on the host. A guest names
 * each .gcda file by the absolute path its object had at build time;
 * --coverage DIR puts it under DIR the way libgcov's GCOV_PREFIX and
 * GCOV_PREFIX_STRIP do, and never anywhere else: the name comes from the
 * guest and is treated as hostile.
 */
#ifndef COVOUT_H
#define COVOUT_H

#include <stddef.h>

typedef struct covout_map {
	const char *dir;   /* --coverage DIR */
	unsigned strip;    /* leading directories dropped (GCOV_PREFIX_STRIP) */
} covout_map;

/* Why 4096: PATH_MAX; a longer name is refused, not cut. */
#define COVOUT_PATH_MAX 4096

/*
 * The host path of the guest's file `name` under m->dir, into out[cap].
 * `name` must end in `suffix` (".gcda") and have no ".." component; "."
 * and empty components are dropped. -1 with a one-line reason in err.
 */
int covout_path(char *out, size_t cap, const covout_map *m, const char *name,
		const char *suffix, char *err, size_t errcap);

/*
 * Writes `len` bytes of the guest's .gcda file `name` to its place under
 * m->dir (directories created, symbolic links not followed). When the
 * object's .gcno is found where the guest's name says and the place is
 * another, it is copied beside the .gcda, so that DIR alone feeds gcov.
 * 0, or -1 with a one-line reason in err.
 */
int covout_write(const covout_map *m, const char *name, const void *data,
		 size_t len, char *err, size_t errcap);

/* Creates every missing directory of `path` below `root` (mode 0755);
 * `path` starts with `root`. 0 or -errno. */
int covout_mkdirs(const char *root, const char *path);

/* Creates the directory `dir` and its missing parents. 0 or -errno. */
int covout_mkdir_p(const char *dir);

/* Copies the file `from` (up to 64 MiB) to `to` (replaced, symbolic
 * links not followed). 0 or -errno. */
int covout_copy_file(const char *from, const char *to);

#endif /* COVOUT_H */

/*
 * covout: the host side of a guest's coverage files: the mapping of the
 * names the guest reports into --coverage DIR (GCOV_PREFIX /
 * GCOV_PREFIX_STRIP semantics, with hostile names refused) and the writing
 * of each .gcda, with its .gcno copied beside it.
 */
#include "covout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Why 64 MiB: a .gcno or .gcda is a few hundred KiB even for a large
 * unit. */
#define GCNO_MAX (64u << 20)

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Appends "/" and the component s[0..len) to out; -1 when it does not fit. */
static int append_component(char *out, size_t cap, size_t *used, const char *s,
			    size_t len)
{
	if (*used + 1 + len + 1 > cap)
		return -1;
	out[(*used)++] = '/';
	memcpy(out + *used, s, len);
	*used += len;
	out[*used] = '\0';
	return 0;
}

int covout_path(char *out, size_t cap, const covout_map *m, const char *name,
		const char *suffix, char *err, size_t errcap)
{
	size_t used = strlen(m->dir), ncomp = 0, total = 0;
	unsigned skipped = 0;
	const char *p;

	if (!name[0] || !ends_with(name, suffix)) {
		util_errf(err, errcap, "'%s' is not a %s file name", name, suffix);
		return -1;
	}
	if (used + 1 > cap) {
		util_errf(err, errcap, "%s: path too long", m->dir);
		return -1;
	}
	memcpy(out, m->dir, used + 1);
	while (used > 1 && out[used - 1] == '/')
		out[--used] = '\0';
	/* Count the components first: the strip never takes the file name. */
	for (p = name; *p;) {
		size_t len = strcspn(p, "/");
		if (len && !(len == 1 && p[0] == '.'))
			total++;
		p += len + (p[len] == '/');
	}
	for (p = name; *p;) {
		size_t len = strcspn(p, "/");
		int dot = len == 1 && p[0] == '.';
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			util_errf(err, errcap, "'%s': a '..' component", name);
			return -1;
		}
		if (len && !dot) {
			ncomp++;
			if (skipped < m->strip && ncomp < total)
				skipped++;
			else if (append_component(out, cap, &used, p, len) < 0) {
				util_errf(err, errcap, "a name of %zu bytes: path "
					  "too long", strlen(name));
				return -1;
			}
		}
		p += len + (p[len] == '/');
	}
	return 0;
}

int covout_mkdirs(const char *root, const char *path)
{
	char dir[COVOUT_PATH_MAX];
	size_t start = strlen(root), n = strlen(path);

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n + 1);
	for (size_t i = start + 1; i < n; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		dir[i] = '/';
	}
	return 0;
}

int covout_mkdir_p(const char *dir)
{
	char path[COVOUT_PATH_MAX];
	size_t n = strlen(dir);

	/* covout_mkdirs() makes the directories of a file's path: name one
	 * inside dir. */
	if (n + 3 > sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n);
	memcpy(path + n, "/x", 3);
	return covout_mkdirs("", path);
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (util_write_all(fd, data, len) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

int covout_copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len;
	int err = util_read_file(&data, &len, from, GCNO_MAX);

	if (err == 0)
		err = write_file(to, data, len);
	free(data);
	return err;
}

/* The .gcno beside the guest's original .gcda name, copied beside `gcda`
 * (the mapped one) when it exists and is not that very file. */
static void copy_gcno(const char *name, const char *gcda)
{
	char from[COVOUT_PATH_MAX], to[COVOUT_PATH_MAX];
	size_t nf = strlen(name), nt = strlen(gcda);
	struct stat sf, st;

	if (name[0] != '/' || nf >= sizeof(from) || nt >= sizeof(to))
		return;
	memcpy(from, name, nf + 1);
	memcpy(to, gcda, nt + 1);
	memcpy(from + nf - 4, "gcno", 4);
	memcpy(to + nt - 4, "gcno", 4);
	if (stat(from, &sf) < 0 || !S_ISREG(sf.st_mode))
		return;
	if (stat(to, &st) == 0 && st.st_dev == sf.st_dev && st.st_ino == sf.st_ino)
		return;
	covout_copy_file(from, to);
}

int covout_write(const covout_map *m, const char *name, const void *data,
		 size_t len, char *err, size_t errcap)
{
	char path[COVOUT_PATH_MAX];
	int e;

	if (covout_path(path, sizeof(path), m, name, ".gcda", err, errcap) < 0)
		return -1;
	if ((e = covout_mkdirs(m->dir, path)) < 0 ||
	    (e = write_file(path, data, len)) < 0) {
		util_errf(err, errcap, "%s: %s", path, strerror(-e));
		return -1;
	}
	copy_gcno(name, path);
	return 0;
}

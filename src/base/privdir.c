/* Private directories named after their owner, and the sweep of dead
 * owners' directories (see privdir.h). */
#include "privdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREFIX "stubrun-"

/* Field 22 of /proc/PID/stat: the start time in clock ticks since boot.
 * The fields after the command name (which may hold spaces and ')') are
 * counted from its last ')'. 0 when the process does not exist. */
static unsigned long long start_time(long pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	/* After ")": state is field 3, start time field 22. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

/* The owner in "stubrun-KIND-PID.START-XXXXXX"; 0 when the name has no
 * such part. */
static int owner_of(long *pid, unsigned long long *start, const char *name)
{
	const char *p;
	char *end;

	if (strncmp(name, PREFIX, strlen(PREFIX)))
		return 0;
	p = strchr(name + strlen(PREFIX), '-');
	if (!p)
		return 0;
	errno = 0;
	*pid = strtol(p + 1, &end, 10);
	if (errno || end == p + 1 || *end != '.' || *pid <= 0)
		return 0;
	p = end + 1;
	*start = strtoull(p, &end, 10);
	if (errno || end == p || *end != '-')
		return 0;
	return 1;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void privdir_remove(const char *path)
{
	if (path)
		nftw(path, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static const char *tmp_or_default(const char *tmp)
{
	if (!tmp || !*tmp)
		tmp = getenv("TMPDIR");
	return tmp && *tmp ? tmp : "/tmp";
}

int privdir_sweep(const char *tmp)
{
	DIR *d = opendir(tmp = tmp_or_default(tmp));
	struct dirent *e;
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		unsigned long long start;
		long pid;
		if (!owner_of(&pid, &start, e->d_name) || start_time(pid) == start)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		/* Only our own directories, never through a link. */
		if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		privdir_remove(path);
		removed++;
	}
	closedir(d);
	return removed;
}

int privdir_make(char *out, size_t cap, const char *tmp, const char *kind)
{
	long pid = (long)getpid();
	int n;

	tmp = tmp_or_default(tmp);
	privdir_sweep(tmp);
	n = snprintf(out, cap, "%s/" PREFIX "%s-%ld.%llu-XXXXXX", tmp, kind, pid,
		     start_time(pid));
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(out) ? 0 : -1;
}

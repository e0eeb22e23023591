/*
 * A report in a file: written whole (a half-written one is removed), and
 * its path checked before any test runs. Shared by `stubrun test` and
 * `stubrun report merge`; "-" is stdout in both.
 */
#include "suite_report_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int suite_report_write(const char *path, report_format_id f, const report *r,
		       char *err, size_t errlen)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *out = to_stdout ? stdout : fopen(path, "w");
	int rc;

	if (!out) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = report_formats[f].write(out, r);
	if (!to_stdout && fclose(out) != 0)
		rc = -EIO;
	if (rc < 0) {
		snprintf(err, errlen, "%s: write error", path);
		if (!to_stdout)
			unlink(path);
	}
	return rc;
}

/* A report path that cannot be written is found before any test runs, not
 * after all of them: an existing regular file must open for writing, a
 * directory is refused, a new file needs a writable directory. Nothing is
 * created or truncated; pipes and devices are taken as they are. */
int suite_report_path_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *dir = NULL;
	int rc = 0;

	if (!path || strcmp(path, "-") == 0)
		return 0;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			/* Opened, not truncated: access() says yes to root
			 * even where the kernel will refuse the write. */
			int fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0)
				rc = -1;
			else
				close(fd);
		}
	} else if (errno == ENOENT) {
		if (!(dir = strdup(path)))
			return -1;
		rc = access(dirname(dir), W_OK | X_OK);
	} else {
		rc = -1;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s: cannot write the report: %s", path,
			 strerror(errno));
	free(dir);
	return rc;
}

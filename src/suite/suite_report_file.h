/*
 * A report in a file (suite_report_file.c).
 */
#ifndef SUITE_REPORT_FILE_H
#define SUITE_REPORT_FILE_H

#include <stddef.h>

#include "report.h"

/* Writes `r` in format `f` to `path` ("-": stdout). 0, or negative with
 * "PATH: problem" in err; a file that could not be written whole is
 * removed. */
int suite_report_write(const char *path, report_format_id f, const report *r,
		       char *err, size_t errlen);

/* 0 when `path` (NULL or "-": nothing to check) can take a report; else -1
 * with "PATH: cannot write the report: why" in err. Creates nothing. */
int suite_report_path_check(const char *path, char *err, size_t errlen);

#endif /* SUITE_REPORT_FILE_H */

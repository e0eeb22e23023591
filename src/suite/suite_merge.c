/*
 * `stubrun report merge [--format F] OUT IN...`: reads the reports of
 * shards (each in the format its first bytes say), merges them with
 * report_merge() and writes OUT. Entry: suite_report_main().
 */
#include "suite_report_file.h"
#include "suite.h"
#include "suite_cli.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct merge_ctx {
	suite_opts o;
	report_doc **in;
	size_t nin;
	report_doc *out;
} merge_ctx;

/* OUT's format: --format, else its extension. */
static int out_format(report_format_id *f, const merge_ctx *m,
		      const char *out, char *err, size_t errlen)
{
	size_t at;

	if (m->o.format >= 0) {
		*f = (report_format_id)m->o.format;
		return 0;
	}
	for (int i = 0; i < REPORT_NFORMATS; i++)
		if (util_ends_with(out, report_formats[i].ext) ||
		    util_ends_with(out, report_formats[i].alt_ext)) {
			*f = (report_format_id)i;
			return 0;
		}
	at = (size_t)snprintf(err, errlen, "%s: no format (name it", out);
	for (int i = 0; i < REPORT_NFORMATS && at < errlen; i++)
		at += (size_t)snprintf(err + at, errlen - at, " %s%s%s",
				       report_formats[i].ext,
				       report_formats[i].alt_ext ? " " : "",
				       report_formats[i].alt_ext ?
				       report_formats[i].alt_ext : "");
	if (at < errlen)
		snprintf(err + at, errlen - at, ", or give --format)");
	return -1;
}

/* One input: SUITE_EXIT_BADREPORT or SUITE_EXIT_ERROR on failure. */
static int read_input(report_doc **doc, const char *path, char *err,
		      size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	report_format_id f;
	int rc = util_read_file(&text, &len, path, REPORT_READ_MAX);

	if (rc == -EFBIG) {
		snprintf(err, errlen, "%s: larger than %u MiB", path,
			 REPORT_READ_MAX >> 20);
		rc = SUITE_EXIT_BADREPORT;
	} else if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		rc = SUITE_EXIT_ERROR;
	} else if (report_sniff(&f, text, len) < 0) {
		snprintf(err, errlen, "%s: not a JUnit, TAP or JSON lines report",
			 path);
		rc = SUITE_EXIT_BADREPORT;
	} else {
		rc = report_read(doc, f, text, len, path, err, errlen);
		rc = rc == 0 ? 0 : rc == REPORT_ENOMEM ? SUITE_EXIT_ERROR
					: SUITE_EXIT_BADREPORT;
	}
	free(text);
	return rc;
}

/* Writes OUT, or removes what a failed write left. */
static int merge_run(merge_ctx *m, char *err, size_t errlen)
{
	const char *out = m->o.suites[0];
	const char *const *names = (const char *const *)m->o.suites + 1;
	report_format_id f;
	int rc;

	if (out_format(&f, m, out, err, errlen) < 0)
		return SUITE_EXIT_ERROR;
	m->nin = m->o.nsuites - 1;
	if (!(m->in = calloc(m->nin, sizeof(*m->in)))) {
		snprintf(err, errlen, "out of memory");
		return SUITE_EXIT_ERROR;
	}
	/* Every input is read before OUT is opened: OUT may be one of them. */
	for (size_t i = 0; i < m->nin; i++)
		if ((rc = read_input(&m->in[i], names[i], err, errlen)))
			return rc;
	rc = report_merge(&m->out, m->in, names, m->nin, err, errlen);
	if (rc < 0)
		return rc == REPORT_ENOMEM ? SUITE_EXIT_ERROR : SUITE_EXIT_BADREPORT;
	if (suite_report_write(out, f, report_doc_report(m->out), err, errlen) < 0)
		return SUITE_EXIT_ERROR;
	return SUITE_EXIT_PASS;
}

int suite_report_main(int argc, char **argv)
{
	merge_ctx m;
	char err[1024] = "";
	int status;

	memset(&m, 0, sizeof(m));
	if (argc < 2 || strcmp(argv[1], "merge")) {
		fputs("stubrun report: expected `stubrun report merge "
		      "[--format FORMAT] OUT IN...`\n", stderr);
		return SUITE_EXIT_ERROR;
	}
	if (suite_merge_opts_parse(&m.o, argc - 1, argv + 1, err, sizeof(err)) < 0) {
		status = SUITE_EXIT_ERROR;
	} else if (m.o.help) {
		suite_usage(stdout);
		status = SUITE_EXIT_PASS;
	} else {
		status = merge_run(&m, err, sizeof(err));
	}
	if (status != SUITE_EXIT_PASS && err[0])
		fprintf(stderr, "stubrun report merge: %s\n", err);
	report_doc_free(m.out);
	for (size_t i = 0; i < m.nin; i++)
		report_doc_free(m.in[i]);
	free(m.in);
	suite_opts_free(&m.o);
	return status;
}

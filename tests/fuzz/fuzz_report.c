/* libFuzzer harness for the report readers (src/report/report_*_read.c)
 * and the merge: the first byte picks the format (JUnit, TAP, JSON lines),
 * the rest is a report from another machine. What parses must merge with
 * itself only as an overlap error (or as nothing, when it has no result),
 * and write again in every format; its HTML page must hold one script
 * (no text from the input became markup). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One "<script" in the page: the page's own. */
static void check_html(const report *r)
{
	char *page = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&page, &len);

	if (!f || report_html_write(f, r) != 0)
		abort();
	fclose(f);
	for (const char *p = page; (p = strstr(p, "<script")); p++)
		n++;
	if (n != 1)
		abort();
	free(page);
}

/* The n-th format that report_read takes (modulo their number). */
static report_format_id readable(unsigned n)
{
	int ids[REPORT_NFORMATS], k = 0;

	for (int f = 0; f < REPORT_NFORMATS; f++)
		if (report_formats[f].readable)
			ids[k++] = f;
	return (report_format_id)ids[n % (unsigned)k];
}

static void write_all(const report *r)
{
	check_html(r);
	for (int f = 0; f < REPORT_NFORMATS; f++) {
		FILE *out = fopen("/dev/null", "w");
		if (!out)
			abort();
		if (report_formats[f].write(out, r) != 0)
			abort();
		fclose(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	report_doc *d = NULL, *m = NULL, *in[2];
	const char *names[2] = { "a", "b" };
	report_counts c;
	char err[512];
	char *text;

	if (size < 1)
		return 0;
	/* A private copy, so ASan flags any read past the end. */
	if (!(text = malloc(size - 1 ? size - 1 : 1)))
		return 0;
	memcpy(text, data + 1, size - 1);
	if (report_read(&d, readable(data[0]), text,
			size - 1, "fuzz", err, sizeof(err)) == 0) {
		report_count(&c, report_doc_report(d), NULL);
		write_all(report_doc_report(d));
		in[0] = in[1] = d;
		int rc = report_merge(&m, in, names, 2, err, sizeof(err));
		if ((rc == 0) != (c.total == 0))
			abort();  /* two copies overlap exactly when not empty */
		if (m)
			write_all(report_doc_report(m));
		report_doc_free(m);
	} else if (d) {
		abort();
	}
	report_doc_free(d);
	free(text);
	return 0;
}

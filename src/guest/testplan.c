/*
 * The plan of in-image tests, read from the ".stubrun.tests" section that
 * STUBRUN_DECLARE_TEST fills: NUL-terminated names, one after the other.
 */
#include "testplan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_SECTION ".stubrun.tests"

static int bad(char *errbuf, size_t errlen, const image *img, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));

static int bad(char *errbuf, size_t errlen, const image *img, const char *fmt,
	       ...)
{
	va_list ap;
	int n = snprintf(errbuf, errlen, "%s: " PLAN_SECTION ": ", image_path(img));

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(errbuf + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return IMAGE_EFORMAT;
}

static int printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int known(const testplan *p, const char *name)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->names[i], name) == 0)
			return 1;
	return 0;
}

int testplan_read(testplan *out, const image *img, char *errbuf, size_t errlen)
{
	const image_section *sec = image_section_named(img, PLAN_SECTION);
	testplan p = { NULL, 0 };
	int err = 0;

	*out = p;
	if (!sec || !sec->data || sec->size == 0)
		return 0;
	p.names = calloc(TESTPLAN_MAX_TESTS, sizeof(*p.names));
	if (!p.names)
		return bad(errbuf, errlen, img, "out of memory");

	const char *at = (const char *)sec->data, *end = at + sec->size;
	while (at < end) {
		const char *nul = memchr(at, '\0', (size_t)(end - at));
		size_t len = nul ? (size_t)(nul - at) : 0;
		if (!nul) {
			err = bad(errbuf, errlen, img, "unterminated name");
			goto out;
		}
		if (len == 0 || len > TESTPLAN_MAX_NAME || !printable(at, len)) {
			err = bad(errbuf, errlen, img,
				  "name %zu is empty, longer than %d bytes or "
				  "not printable", p.count + 1, TESTPLAN_MAX_NAME);
			goto out;
		}
		if (!known(&p, at)) {
			if (p.count == TESTPLAN_MAX_TESTS) {
				err = bad(errbuf, errlen, img,
					  "more than %d tests", TESTPLAN_MAX_TESTS);
				goto out;
			}
			p.names[p.count] = strdup(at);
			if (!p.names[p.count]) {
				err = bad(errbuf, errlen, img, "out of memory");
				goto out;
			}
			p.count++;
		}
		at = nul + 1;
	}
out:
	if (err)
		testplan_clear(&p);
	else
		*out = p;
	return err;
}

void testplan_clear(testplan *p)
{
	if (!p->names)
		return;
	for (size_t i = 0; i < p->count; i++)
		free(p->names[i]);
	free(p->names);
	p->names = NULL;
	p->count = 0;
}

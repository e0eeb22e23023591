/* libFuzzer harness for tdesc_load() (rsp/tdesc.c): the input is served as
 * target.xml, every other annex as one fixed small feature; the resulting
 * table is checked against the invariants of tdesc.h. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
	const uint8_t *data;
	size_t size;
} input;

static const char include_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
	"<feature name=\"org.example.inc\"><reg name=\"inc0\" bitsize=\"32\"/>"
	"<reg name=\"inc1\" bitsize=\"64\" type=\"code_ptr\"/></feature>";

static int fetch(char **out, size_t *len, const char *annex, void *arg)
{
	const input *in = arg;
	const void *src = include_xml;
	size_t n = sizeof(include_xml) - 1;

	if (!strcmp(annex, "target.xml")) {
		src = in->data;
		n = in->size;
	} else if (!strcmp(annex, "missing.xml")) {
		*out = NULL;
		return RSP_EUNSUPPORTED;
	}
	*out = malloc(n ? n : 1);
	if (!*out)
		return RSP_ESYS;
	memcpy(*out, src, n);
	*len = n;
	return 0;
}

static void check(const tdesc *t)
{
	long off = 0;

	for (size_t i = 0; i < tdesc_count(t); i++) {
		const rsp_reg *r = tdesc_at(t, i);
		if (!r || !r->name[0] || !r->type || !r->group || !r->feature)
			abort();
		if (r->bitsize < 1 || r->bitsize > 4096 || r->regnum < 0)
			abort();
		if (i && tdesc_at(t, i - 1)->regnum >= r->regnum)
			abort();
		if (off >= 0 && r->bitsize % 8 == 0) {
			if (r->g_offset != off)
				abort();
			off += r->bitsize / 8;
		} else {
			off = -1;
			if (r->g_offset != -1)
				abort();
		}
		const rsp_reg *f = tdesc_find(t, r->name);
		if (!f || strcmp(f->name, r->name))
			abort(); /* names may repeat, but exact lookup is exact */
		char upper[300];
		size_t n = strlen(r->name);
		if (n < sizeof(upper)) {
			for (size_t k = 0; k <= n; k++)
				upper[k] = (char)toupper((unsigned char)r->name[k]);
			f = tdesc_find(t, upper);
			if (!f || strcasecmp(f->name, upper))
				abort();
		}
	}
	if (tdesc_at(t, tdesc_count(t)) || !tdesc_architecture(t))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input in = { data, size };
	tdesc *t = NULL;
	char err[128];
	int rc = tdesc_load(&t, "target.xml", fetch, &in, err, sizeof(err));

	if (rc == 0)
		check(t);
	else if (t || !memchr(err, '\0', sizeof(err)) || !err[0])
		abort(); /* failures leave *out NULL and say why */
	tdesc_free(t);
	return 0;
}

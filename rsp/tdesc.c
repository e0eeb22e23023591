/*
 * Target descriptions: loads GDB's target description XML (GDB manual,
 * appendix G "Target Descriptions") into a register table, fetching each
 * annex through a callback and guarding what a hostile stub controls.
 * See tdesc.h. The elements of each annex are read by tdesc_xml.c, the
 * finished table is tdesc_table.c's.
 */
#include "tdesc_build.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tdesc_fail(build *b, const doc *d, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (b->err)
		return;
	b->err = err;
	if (d)
		XML_StopParser(d->p, XML_FALSE);
	if (!b->errbuf || !b->errlen)
		return;
	if (d) {
		int k = snprintf(b->errbuf, b->errlen, "%s:%lu: ", d->annex,
				 (unsigned long)XML_GetCurrentLineNumber(d->p));
		n = k < 0 ? 0 : (size_t)k;
	}
	if (n >= b->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(b->errbuf + n, b->errlen - n, fmt, ap);
	va_end(ap);
}

/* Appends s[0..len) and a NUL to the arena; its offset goes to *off. */
int tdesc_str_add(size_t *off, build *b, const char *s, size_t len)
{
	if (len > TDESC_MAX_STRINGS - b->strlen_ - 1)
		return RSP_EPROTO;
	if (b->strlen_ + len + 1 > b->strcap) {
		size_t cap = b->strcap ? b->strcap : 4096;
		while (cap < b->strlen_ + len + 1)
			cap *= 2;
		char *n = realloc(b->str, cap);
		if (!n)
			return RSP_ESYS;
		b->str = n;
		b->strcap = cap;
	}
	memcpy(b->str + b->strlen_, s, len);
	b->str[b->strlen_ + len] = '\0';
	*off = b->strlen_;
	b->strlen_ += len + 1;
	return 0;
}

/* Fetches and parses one annex, guarding depth, count, bytes and cycles. */
int tdesc_load_annex(build *b, const char *annex)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	for (size_t i = 0; i < b->nopen; i++) {
		if (!strcmp(b->open[i], annex)) {
			tdesc_fail(b, NULL, RSP_EPROTO, "%s: include cycle via %s",
			     b->open[b->nopen - 1], annex);
			return b->err;
		}
	}
	if (b->nopen > TDESC_MAX_DEPTH) {
		tdesc_fail(b, NULL, RSP_EPROTO, "%s: includes nested deeper than %d",
		     annex, TDESC_MAX_DEPTH);
		return b->err;
	}
	if (b->annexes == TDESC_MAX_ANNEXES) {
		tdesc_fail(b, NULL, RSP_EPROTO, "%s: more than %d annexes included",
		     annex, TDESC_MAX_ANNEXES);
		return b->err;
	}
	b->annexes++;
	rc = b->fetch(&buf, &len, annex, b->arg);
	if (rc) {
		tdesc_fail(b, NULL, rc < 0 ? rc : RSP_EPROTO, "%s%s%s: cannot fetch: %s",
		     annex, b->nopen ? ", included from " : "",
		     b->nopen ? b->open[b->nopen - 1] : "", rsp_strerror(rc));
		goto out;
	}
	if (!buf || len > TDESC_MAX_BYTES - b->bytes) {
		tdesc_fail(b, NULL, RSP_EPROTO, "%s: %s", annex, buf
			? "target description larger than 4 MiB in all"
			: "fetch returned no data");
		goto out;
	}
	b->bytes += len;
	b->open[b->nopen++] = annex;
	rc = tdesc_parse_doc(b, annex, buf, len);
	b->nopen--;
out:
	free(buf);
	return b->err;
}

/* Turns the parsed registers into the final table; takes the arena. */
static int finish(tdesc **out, build *b)
{
	rsp_reg *regs = b->nregs ? calloc(b->nregs, sizeof(rsp_reg)) : NULL;

	if (b->nregs && !regs) {
		tdesc_fail(b, NULL, RSP_ESYS, "out of memory");
		return RSP_ESYS;
	}
	for (size_t i = 0; i < b->nregs; i++) {
		const breg *r = &b->regs[i];
		rsp_reg *o = &regs[i];
		o->name = b->str + r->name;
		o->type = b->str + r->type;
		o->group = b->str + r->group;
		o->feature = b->str + r->feature;
		o->regnum = r->regnum;
		o->bitsize = r->bitsize;
	}
	if (tdesc_table_new(out, regs, b->nregs, b->str,
			    b->has_arch ? b->str + b->arch_off : "") < 0) {
		tdesc_fail(b, NULL, RSP_ESYS, "out of memory");
		return RSP_ESYS;
	}
	b->str = NULL;
	return 0;
}

int tdesc_load(tdesc **out, const char *annex, tdesc_fetch_fn fetch,
	       void *arg, char *errbuf, size_t errlen)
{
	return tdesc_load_lazy(out, annex, fetch, arg, NULL, errbuf, errlen);
}

int tdesc_load_lazy(tdesc **out, const char *annex, tdesc_fetch_fn fetch,
		    void *arg, const char *const *lazy, char *errbuf,
		    size_t errlen)
{
	build b = { 0 };
	int rc;

	assert(out && annex && fetch);
	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	b.fetch = fetch;
	b.arg = arg;
	b.lazy = lazy;
	b.errbuf = errbuf;
	b.errlen = errlen;
	b.used = calloc(TDESC_MAX_REGNUM / 8 + 1, 1);
	if (!b.used) {
		tdesc_fail(&b, NULL, RSP_ESYS, "%s: out of memory", annex);
		rc = RSP_ESYS;
		goto out;
	}
	/* The feature of a register is never empty (feature names are
	 * required), but offset 0 must be a valid string for the arena. */
	rc = tdesc_str_add(&b.feature, &b, "", 0);
	if (rc) {
		tdesc_fail(&b, NULL, rc, "%s: out of memory", annex);
		goto out;
	}
	rc = tdesc_load_annex(&b, annex);
	if (rc)
		goto out;
	if (b.after_deferred) {
		/* Read again whole (the fetch callback may keep annexes). */
		free(b.used);
		free(b.regs);
		free(b.str);
		return tdesc_load_lazy(out, annex, fetch, arg, NULL, errbuf,
				       errlen);
	}
	rc = finish(out, &b);
	if (rc == 0 && b.deferred[0] && tdesc_set_lazy(*out, b.deferred) < 0) {
		tdesc_free(*out);
		*out = NULL;
		rc = RSP_ESYS;
		tdesc_fail(&b, NULL, rc, "%s: out of memory", annex);
	}
out:
	free(b.used);
	free(b.regs);
	free(b.str);
	return rc;
}

/*
 * The register table a target description becomes (rsp/tdesc.h): built by
 * tdesc.c's parser, read by the connection. Owns the registers and the
 * string arena they point into.
 */
#include "tdesc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct tdesc {
	rsp_reg *regs;      /* nregs, ascending regnum */
	size_t nregs;
	char *strings;      /* arena every string of regs[] points into */
	const char *arch;   /* into strings, or "" */
	char *lazy;         /* the annex left out (partial table), or NULL */
};

static int by_regnum(const void *a, const void *b)
{
	const rsp_reg *x = a, *y = b;
	return (x->regnum > y->regnum) - (x->regnum < y->regnum);
}

/* GDB's 'g' layout: every register in ascending regnum order, back to
 * back; unknown (-1) from the first one that is not whole bytes on. */
static void lay_out(rsp_reg *regs, size_t nregs)
{
	long off = 0;

	for (size_t i = 0; i < nregs; i++) {
		if (off >= 0 && regs[i].bitsize % 8 == 0) {
			regs[i].g_offset = off;
			off += regs[i].bitsize / 8;
		} else {
			regs[i].g_offset = off = -1;
		}
	}
}

int tdesc_table_new(tdesc **out, rsp_reg *regs, size_t nregs, char *strings,
		    const char *arch)
{
	tdesc *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t) {
		free(regs);
		return RSP_ESYS;
	}
	if (nregs) /* qsort(NULL, 0, ...) is undefined (found by fuzzing) */
		qsort(regs, nregs, sizeof(*regs), by_regnum);
	lay_out(regs, nregs);
	t->regs = regs;
	t->nregs = nregs;
	t->strings = strings;
	t->arch = arch;
	*out = t;
	return 0;
}

void tdesc_free(tdesc *t)
{
	if (!t)
		return;
	free(t->regs);
	free(t->strings);
	free(t->lazy);
	free(t);
}

int tdesc_partial(const tdesc *t)
{
	return t && t->lazy;
}

const char *tdesc_lazy_annex(const tdesc *t)
{
	return t && t->lazy ? t->lazy : "";
}

int tdesc_set_lazy(tdesc *t, const char *annex)
{
	char *copy = strdup(annex);

	if (!copy)
		return RSP_ESYS;
	free(t->lazy);
	t->lazy = copy;
	return 0;
}

size_t tdesc_count(const tdesc *t)
{
	return t ? t->nregs : 0;
}

const rsp_reg *tdesc_at(const tdesc *t, size_t i)
{
	return t && i < t->nregs ? &t->regs[i] : NULL;
}

const rsp_reg *tdesc_find(const tdesc *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->nregs; i++)
		if (!strcmp(t->regs[i].name, name))
			return &t->regs[i];
	for (size_t i = 0; i < t->nregs; i++)
		if (!strcasecmp(t->regs[i].name, name))
			return &t->regs[i];
	return NULL;
}

const char *tdesc_architecture(const tdesc *t)
{
	return t ? t->arch : "";
}

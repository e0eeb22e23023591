/*
 * Target descriptions: parses GDB's target description XML (GDB manual,
 * appendix G "Target Descriptions") with expat into a register table,
 * resolving <xi:include> through a fetch callback. See tdesc.h. The
 * finished table is tdesc_table.c's.
 */
#include "tdesc.h"

#include <assert.h>
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Caps. Every number here bounds something a hostile stub controls.
 * QEMU 7.2's descriptions: at most 6 annexes, 1 level of includes, the
 * largest (aarch64 with SVE) about 100 KiB in all, a few hundred registers,
 * regnums up to ~4200 (RISC-V CSRs are numbered 65 + CSR number), widest
 * register 2048 bits (SVE). The caps leave an order of magnitude of room.
 */
#define TDESC_MAX_DEPTH 8            /* nested xi:include levels */
#define TDESC_MAX_ANNEXES 64         /* annexes fetched in all */
#define TDESC_MAX_BYTES (4u << 20)   /* bytes fetched in all */
#define TDESC_MAX_NESTING 64         /* element nesting, across includes */
#define TDESC_MAX_REGS 16384
#define TDESC_MAX_REGNUM 65535
#define TDESC_MAX_BITSIZE 4096       /* the brief's "absurd" line */
#define TDESC_MAX_STR 256            /* names, types, groups, architecture */
#define TDESC_MAX_STRINGS (8u << 20) /* string arena; 16384 regs fit easily */

/* Element kinds on the shared element stack. */
typedef enum el_kind {
	EL_TARGET,
	EL_ARCH,
	EL_FEATURE,
	EL_REG,
	EL_INCLUDE,
	EL_OTHER, /* types, fields, osabi, ...: not needed for the register table */
} el_kind;

/* A register while parsing: strings are arena offsets, as the arena moves. */
typedef struct breg {
	int regnum;
	int bitsize;
	size_t name, type, group, feature;
} breg;

/* State of one tdesc_load(), shared by the parsers of all its annexes. */
typedef struct build {
	tdesc_fetch_fn fetch;
	void *arg;
	char *errbuf;
	size_t errlen;
	int err;                          /* first error; 0 while all is well */

	const char *open[TDESC_MAX_DEPTH + 1]; /* annexes being parsed: cycles */
	size_t nopen;
	size_t annexes;
	size_t bytes;

	el_kind stack[TDESC_MAX_NESTING]; /* spliced across includes, as GDB does */
	size_t depth;
	size_t feature;                   /* arena offset of the open feature */
	char arch[TDESC_MAX_STR + 1];
	size_t arch_len;
	int has_arch;
	size_t arch_off;

	/* Lazy annexes: an include of one of them by the root document is
	 * left out (its name kept); a register or include after it would be
	 * numbered differently without it, and makes the load eager. */
	const char *const *lazy;
	char deferred[TDESC_MAX_STR + 1];
	int after_deferred;

	breg *regs;
	size_t nregs, capregs;
	int next_regnum;
	uint8_t *used;                    /* bitmap of regnums taken */

	char *str;
	size_t strlen_, strcap;
} build;

/* The parser of one annex. */
typedef struct doc {
	build *b;
	XML_Parser p;
	const char *annex;
} doc;

static int load_annex(build *b, const char *annex);

__attribute__((format(printf, 4, 5)))
static void fail(build *b, const doc *d, int err, const char *fmt, ...)
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
static int str_add(size_t *off, build *b, const char *s, size_t len)
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

/* Decimal or 0x-hex, no sign or spaces, at most `max`. */
static int parse_uint(unsigned long *out, const char *s, unsigned long max)
{
	int base = 10;
	unsigned long v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return RSP_EPROTO;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return RSP_EPROTO;
		if (v > (max - d) / (unsigned long)base)
			return RSP_EPROTO;
		v = v * (unsigned long)base + d;
	}
	*out = v;
	return 0;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(atts[i], name))
			return atts[i + 1];
	return NULL;
}

/* Adds a string attribute to the arena, checking its length. */
static int str_attr(size_t *off, doc *d, const char *what, const char *v)
{
	size_t len = strlen(v);
	int rc;

	if (len > TDESC_MAX_STR) {
		fail(d->b, d, RSP_EPROTO, "%s longer than %d bytes", what,
		     TDESC_MAX_STR);
		return RSP_EPROTO;
	}
	rc = str_add(off, d->b, v, len);
	if (rc)
		fail(d->b, d, rc, "%s", rc == RSP_ESYS ? "out of memory"
			: "target description strings exceed the cap");
	return rc;
}

static int reg_slot(breg **out, doc *d)
{
	build *b = d->b;

	if (b->nregs == TDESC_MAX_REGS) {
		fail(b, d, RSP_EPROTO, "more than %d registers", TDESC_MAX_REGS);
		return RSP_EPROTO;
	}
	if (b->nregs == b->capregs) {
		size_t cap = b->capregs ? b->capregs * 2 : 64;
		breg *n = realloc(b->regs, cap * sizeof(*n));
		if (!n) {
			fail(b, d, RSP_ESYS, "out of memory");
			return RSP_ESYS;
		}
		b->regs = n;
		b->capregs = cap;
	}
	*out = &b->regs[b->nregs];
	return 0;
}

/* <reg name= bitsize= [regnum=] [type=] [group=] ...> */
static void on_reg(doc *d, const XML_Char **atts)
{
	build *b = d->b;
	const char *name = attr(atts, "name");
	const char *bits = attr(atts, "bitsize");
	const char *num = attr(atts, "regnum");
	const char *type = attr(atts, "type");
	const char *group = attr(atts, "group");
	unsigned long v;
	breg r = { 0 }, *slot;

	if (!name || !*name) {
		fail(b, d, RSP_EPROTO, "<reg> without a name");
		return;
	}
	if (b->deferred[0])
		b->after_deferred = 1;
	if (!bits || parse_uint(&v, bits, TDESC_MAX_BITSIZE) || v == 0) {
		fail(b, d, RSP_EPROTO,
		     "register \"%.64s\": bitsize \"%.32s\" is not 1..%d", name,
		     bits ? bits : "(missing)", TDESC_MAX_BITSIZE);
		return;
	}
	r.bitsize = (int)v;
	if (num) {
		if (parse_uint(&v, num, TDESC_MAX_REGNUM)) {
			fail(b, d, RSP_EPROTO,
			     "register \"%.64s\": regnum \"%.32s\" is not 0..%d",
			     name, num, TDESC_MAX_REGNUM);
			return;
		}
		r.regnum = (int)v;
	} else if (b->next_regnum > TDESC_MAX_REGNUM) {
		fail(b, d, RSP_EPROTO, "register \"%.64s\": regnum over %d",
		     name, TDESC_MAX_REGNUM);
		return;
	} else {
		r.regnum = b->next_regnum;
	}
	if (b->used[r.regnum / 8] & (1u << (r.regnum % 8))) {
		fail(b, d, RSP_EPROTO, "register \"%.64s\": duplicate regnum %d",
		     name, r.regnum);
		return;
	}
	if (reg_slot(&slot, d) ||
	    str_attr(&r.name, d, "register name", name) ||
	    str_attr(&r.type, d, "register type", type ? type : "int") ||
	    str_attr(&r.group, d, "register group", group ? group : ""))
		return;
	r.feature = b->feature;
	b->used[r.regnum / 8] |= (uint8_t)(1u << (r.regnum % 8));
	b->next_regnum = r.regnum + 1;
	*slot = r;
	b->nregs++;
}

/* Checks an href before it is sent to the stub as a qXfer annex. */
static int check_href(doc *d, const char *href)
{
	size_t len = href ? strlen(href) : 0;

	if (len == 0) {
		fail(d->b, d, RSP_EPROTO, "<xi:include> without an href");
		return RSP_EPROTO;
	}
	if (len > TDESC_MAX_STR) {
		fail(d->b, d, RSP_EPROTO, "include name longer than %d bytes",
		     TDESC_MAX_STR);
		return RSP_EPROTO;
	}
	/* ':' would split the qXfer packet; control bytes have no business
	 * in a file name. */
	for (const char *s = href; *s; s++) {
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f) {
			fail(d->b, d, RSP_EPROTO,
			     "include name \"%.64s\" has a bad character", href);
			return RSP_EPROTO;
		}
	}
	return 0;
}

static int is_lazy(const build *b, const char *href)
{
	for (size_t i = 0; b->lazy && b->lazy[i]; i++)
		if (!strcmp(b->lazy[i], href))
			return 1;
	return 0;
}

static void on_include(doc *d, const XML_Char **atts)
{
	build *b = d->b;
	const char *href = attr(atts, "href");

	if (check_href(d, href))
		return;
	if (b->nopen == 1 && is_lazy(b, href)) {
		if (!b->deferred[0])
			snprintf(b->deferred, sizeof(b->deferred), "%s", href);
		return;
	}
	if (b->deferred[0])
		b->after_deferred = 1;
	if (load_annex(b, href))
		XML_StopParser(d->p, XML_FALSE);
}

/* Which element may appear where: the parent is the innermost open element,
 * even across an include, because includes splice their root in place. */
static int placed_ok(el_kind kind, int has_parent, el_kind parent)
{
	switch (kind) {
	case EL_TARGET:
		return !has_parent;
	case EL_ARCH:
	case EL_FEATURE:
		return has_parent && parent == EL_TARGET;
	case EL_REG:
		return has_parent && parent == EL_FEATURE;
	case EL_INCLUDE:
		return has_parent && (parent == EL_TARGET || parent == EL_FEATURE);
	default:
		return has_parent;
	}
}

static el_kind kind_of(const char *name)
{
	if (!strcmp(name, "target"))
		return EL_TARGET;
	if (!strcmp(name, "architecture"))
		return EL_ARCH;
	if (!strcmp(name, "feature"))
		return EL_FEATURE;
	if (!strcmp(name, "reg"))
		return EL_REG;
	if (!strcmp(name, "xi:include"))
		return EL_INCLUDE;
	return EL_OTHER;
}

static void on_feature(doc *d, const XML_Char **atts)
{
	const char *name = attr(atts, "name");

	if (!name || !*name) {
		fail(d->b, d, RSP_EPROTO, "<feature> without a name");
		return;
	}
	str_attr(&d->b->feature, d, "feature name", name);
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	doc *d = ud;
	build *b = d->b;
	el_kind kind = kind_of(name);
	int has_parent = b->depth > 0;
	el_kind parent = has_parent ? b->stack[b->depth - 1] : EL_OTHER;

	if (b->err)
		return;
	if (b->depth == TDESC_MAX_NESTING) {
		fail(b, d, RSP_EPROTO, "elements nested deeper than %d",
		     TDESC_MAX_NESTING);
		return;
	}
	if (!has_parent && kind != EL_TARGET) {
		fail(b, d, RSP_EPROTO, "root element is <%.32s>, not <target>",
		     name);
		return;
	}
	if (!placed_ok(kind, has_parent, parent)) {
		fail(b, d, RSP_EPROTO, "<%.32s> is not allowed here", name);
		return;
	}
	if (kind == EL_ARCH && b->has_arch) {
		fail(b, d, RSP_EPROTO, "more than one <architecture>");
		return;
	}
	if (kind == EL_FEATURE)
		on_feature(d, atts);
	else if (kind == EL_REG)
		on_reg(d, atts);
	else if (kind == EL_INCLUDE)
		on_include(d, atts);
	if (b->err)
		return;
	if (kind == EL_ARCH) {
		b->has_arch = 1;
		b->arch_len = 0;
	}
	b->stack[b->depth++] = kind;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	doc *d = ud;
	build *b = d->b;
	int rc;

	(void)name; /* expat has already matched start and end tags */
	if (b->err || b->depth == 0)
		return;
	if (b->stack[--b->depth] != EL_ARCH)
		return;
	/* GDB strips the white space around element text; so do we. */
	const char *s = b->arch, *e = b->arch + b->arch_len;
	while (s < e && is_xml_space(*s))
		s++;
	while (e > s && is_xml_space(e[-1]))
		e--;
	rc = str_add(&b->arch_off, b, s, (size_t)(e - s));
	if (rc)
		fail(b, d, rc, "out of memory");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	doc *d = ud;
	build *b = d->b;

	if (b->err || b->depth == 0 || b->stack[b->depth - 1] != EL_ARCH)
		return;
	if (len < 0 || (size_t)len > TDESC_MAX_STR - b->arch_len) {
		fail(b, d, RSP_EPROTO, "<architecture> longer than %d bytes",
		     TDESC_MAX_STR);
		return;
	}
	memcpy(b->arch + b->arch_len, s, (size_t)len);
	b->arch_len += (size_t)len;
}

/* Entities could multiply the document ("billion laughs"); no target
 * description needs them, so any declaration is refused. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_len,
			      const XML_Char *base, const XML_Char *system_id,
			      const XML_Char *public_id,
			      const XML_Char *notation)
{
	doc *d = ud;

	(void)is_param, (void)value, (void)value_len, (void)base;
	(void)system_id, (void)public_id, (void)notation;
	fail(d->b, d, RSP_EPROTO, "entity declaration \"%.32s\" not allowed",
	     name);
}

/* Parses one fetched document; its elements join the shared stack. */
static int parse_doc(build *b, const char *annex, const char *buf,
		     size_t len)
{
	doc d = { b, NULL, annex };
	size_t depth0 = b->depth;

	d.p = XML_ParserCreate(NULL);
	if (!d.p) {
		fail(b, NULL, RSP_ESYS, "%s: out of memory", annex);
		return RSP_ESYS;
	}
	XML_SetUserData(d.p, &d);
	XML_SetElementHandler(d.p, on_start, on_end);
	XML_SetCharacterDataHandler(d.p, on_text);
	XML_SetEntityDeclHandler(d.p, on_entity);
	if (XML_Parse(d.p, buf, (int)len, 1) == XML_STATUS_ERROR && !b->err)
		fail(b, &d, RSP_EPROTO, "malformed XML: %s",
		     XML_ErrorString(XML_GetErrorCode(d.p)));
	else if (!b->err && b->depth != depth0)
		fail(b, &d, RSP_EPROTO, "unbalanced document");
	XML_ParserFree(d.p);
	return b->err;
}

/* Fetches and parses one annex, guarding depth, count, bytes and cycles. */
static int load_annex(build *b, const char *annex)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	for (size_t i = 0; i < b->nopen; i++) {
		if (!strcmp(b->open[i], annex)) {
			fail(b, NULL, RSP_EPROTO, "%s: include cycle via %s",
			     b->open[b->nopen - 1], annex);
			return b->err;
		}
	}
	if (b->nopen > TDESC_MAX_DEPTH) {
		fail(b, NULL, RSP_EPROTO, "%s: includes nested deeper than %d",
		     annex, TDESC_MAX_DEPTH);
		return b->err;
	}
	if (b->annexes == TDESC_MAX_ANNEXES) {
		fail(b, NULL, RSP_EPROTO, "%s: more than %d annexes included",
		     annex, TDESC_MAX_ANNEXES);
		return b->err;
	}
	b->annexes++;
	rc = b->fetch(&buf, &len, annex, b->arg);
	if (rc) {
		fail(b, NULL, rc < 0 ? rc : RSP_EPROTO, "%s%s%s: cannot fetch: %s",
		     annex, b->nopen ? ", included from " : "",
		     b->nopen ? b->open[b->nopen - 1] : "", rsp_strerror(rc));
		goto out;
	}
	if (!buf || len > TDESC_MAX_BYTES - b->bytes) {
		fail(b, NULL, RSP_EPROTO, "%s: %s", annex, buf
			? "target description larger than 4 MiB in all"
			: "fetch returned no data");
		goto out;
	}
	b->bytes += len;
	b->open[b->nopen++] = annex;
	rc = parse_doc(b, annex, buf, len);
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
		fail(b, NULL, RSP_ESYS, "out of memory");
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
		fail(b, NULL, RSP_ESYS, "out of memory");
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
		fail(&b, NULL, RSP_ESYS, "%s: out of memory", annex);
		rc = RSP_ESYS;
		goto out;
	}
	/* The feature of a register is never empty (feature names are
	 * required), but offset 0 must be a valid string for the arena. */
	rc = str_add(&b.feature, &b, "", 0);
	if (rc) {
		fail(&b, NULL, rc, "%s: out of memory", annex);
		goto out;
	}
	rc = load_annex(&b, annex);
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
		fail(&b, NULL, rc, "%s: out of memory", annex);
	}
out:
	free(b.used);
	free(b.regs);
	free(b.str);
	return rc;
}

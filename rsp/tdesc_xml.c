/*
 * One target-description annex read with expat (tdesc_build.h): the
 * <target>, <architecture>, <feature>, <reg> and <xi:include> elements
 * that make the register table, checked where they are placed and how
 * large they are; everything else is skipped.
 */
#include "tdesc_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		tdesc_fail(d->b, d, RSP_EPROTO, "%s longer than %d bytes", what,
		     TDESC_MAX_STR);
		return RSP_EPROTO;
	}
	rc = tdesc_str_add(off, d->b, v, len);
	if (rc)
		tdesc_fail(d->b, d, rc, "%s", rc == RSP_ESYS ? "out of memory"
			: "target description strings exceed the cap");
	return rc;
}

static int reg_slot(breg **out, doc *d)
{
	build *b = d->b;

	if (b->nregs == TDESC_MAX_REGS) {
		tdesc_fail(b, d, RSP_EPROTO, "more than %d registers", TDESC_MAX_REGS);
		return RSP_EPROTO;
	}
	if (b->nregs == b->capregs) {
		size_t cap = b->capregs ? b->capregs * 2 : 64;
		breg *n = realloc(b->regs, cap * sizeof(*n));
		if (!n) {
			tdesc_fail(b, d, RSP_ESYS, "out of memory");
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
		tdesc_fail(b, d, RSP_EPROTO, "<reg> without a name");
		return;
	}
	if (b->deferred[0])
		b->after_deferred = 1;
	if (!bits || parse_uint(&v, bits, TDESC_MAX_BITSIZE) || v == 0) {
		tdesc_fail(b, d, RSP_EPROTO,
		     "register \"%.64s\": bitsize \"%.32s\" is not 1..%d", name,
		     bits ? bits : "(missing)", TDESC_MAX_BITSIZE);
		return;
	}
	r.bitsize = (int)v;
	if (num) {
		if (parse_uint(&v, num, TDESC_MAX_REGNUM)) {
			tdesc_fail(b, d, RSP_EPROTO,
			     "register \"%.64s\": regnum \"%.32s\" is not 0..%d",
			     name, num, TDESC_MAX_REGNUM);
			return;
		}
		r.regnum = (int)v;
	} else if (b->next_regnum > TDESC_MAX_REGNUM) {
		tdesc_fail(b, d, RSP_EPROTO, "register \"%.64s\": regnum over %d",
		     name, TDESC_MAX_REGNUM);
		return;
	} else {
		r.regnum = b->next_regnum;
	}
	if (b->used[r.regnum / 8] & (1u << (r.regnum % 8))) {
		tdesc_fail(b, d, RSP_EPROTO, "register \"%.64s\": duplicate regnum %d",
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
		tdesc_fail(d->b, d, RSP_EPROTO, "<xi:include> without an href");
		return RSP_EPROTO;
	}
	if (len > TDESC_MAX_STR) {
		tdesc_fail(d->b, d, RSP_EPROTO, "include name longer than %d bytes",
		     TDESC_MAX_STR);
		return RSP_EPROTO;
	}
	/* ':' would split the qXfer packet; control bytes have no business
	 * in a file name. */
	for (const char *s = href; *s; s++) {
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f) {
			tdesc_fail(d->b, d, RSP_EPROTO,
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
	if (tdesc_load_annex(b, href))
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
		tdesc_fail(d->b, d, RSP_EPROTO, "<feature> without a name");
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
		tdesc_fail(b, d, RSP_EPROTO, "elements nested deeper than %d",
		     TDESC_MAX_NESTING);
		return;
	}
	if (!has_parent && kind != EL_TARGET) {
		tdesc_fail(b, d, RSP_EPROTO, "root element is <%.32s>, not <target>",
		     name);
		return;
	}
	if (!placed_ok(kind, has_parent, parent)) {
		tdesc_fail(b, d, RSP_EPROTO, "<%.32s> is not allowed here", name);
		return;
	}
	if (kind == EL_ARCH && b->has_arch) {
		tdesc_fail(b, d, RSP_EPROTO, "more than one <architecture>");
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
	rc = tdesc_str_add(&b->arch_off, b, s, (size_t)(e - s));
	if (rc)
		tdesc_fail(b, d, rc, "out of memory");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	doc *d = ud;
	build *b = d->b;

	if (b->err || b->depth == 0 || b->stack[b->depth - 1] != EL_ARCH)
		return;
	if (len < 0 || (size_t)len > TDESC_MAX_STR - b->arch_len) {
		tdesc_fail(b, d, RSP_EPROTO, "<architecture> longer than %d bytes",
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
	tdesc_fail(d->b, d, RSP_EPROTO, "entity declaration \"%.32s\" not allowed",
	     name);
}

/* Parses one fetched document; its elements join the shared stack. */
int tdesc_parse_doc(build *b, const char *annex, const char *buf,
		     size_t len)
{
	doc d = { b, NULL, annex };
	size_t depth0 = b->depth;

	d.p = XML_ParserCreate(NULL);
	if (!d.p) {
		tdesc_fail(b, NULL, RSP_ESYS, "%s: out of memory", annex);
		return RSP_ESYS;
	}
	XML_SetUserData(d.p, &d);
	XML_SetElementHandler(d.p, on_start, on_end);
	XML_SetCharacterDataHandler(d.p, on_text);
	XML_SetEntityDeclHandler(d.p, on_entity);
	if (XML_Parse(d.p, buf, (int)len, 1) == XML_STATUS_ERROR && !b->err)
		tdesc_fail(b, &d, RSP_EPROTO, "malformed XML: %s",
		     XML_ErrorString(XML_GetErrorCode(d.p)));
	else if (!b->err && b->depth != depth0)
		tdesc_fail(b, &d, RSP_EPROTO, "unbalanced document");
	XML_ParserFree(d.p);
	return b->err;
}


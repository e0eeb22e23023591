/* Parameters and locals of a stopped frame from DWARF (dwvars.h): scope
 * lookup, a small location-expression evaluator, and value formatting. */
#include "dwvars.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why 8: GCC's and clang's variable locations need 1 to 3 slots. */
#define EXPR_STACK 8

typedef struct dv_ctx {
	const image *img;
	const target_desc *t;
	const dwvars_frame *f;
	unwind_read_fn read;
	void *arg;
	uint64_t bias;
	Dwarf_Die *fn;       /* the function's DIE (its frame base) */
} dv_ctx;

/* Where a variable is: in memory at `addr`, a register's value, or a
 * computed value (DW_OP_stack_value, DW_OP_implicit_value). */
typedef enum dv_where {
	DV_MEMORY = 0,
	DV_VALUE,
	DV_GONE,             /* optimized out here */
	DV_UNKNOWN,          /* a register or frame base this frame lost */
	DV_UNSUPPORTED,      /* an expression this evaluator does not do */
} dv_where;

static int reg_known(uint64_t *v, const dv_ctx *c, uint64_t reg)
{
	const unwind_regfile *rf = c->f->regs;

	if (!rf || reg >= UNWIND_REGS || !(rf->known >> reg & 1))
		return -1;
	*v = rf->v[reg];
	return 0;
}

static dv_where frame_base(uint64_t *out, const dv_ctx *c);

/* Evaluates one location expression; *out is the address or value. */
static dv_where eval(uint64_t *out, const dv_ctx *c, const Dwarf_Op *ops,
		     size_t nops, int nested)
{
	uint64_t st[EXPR_STACK], v;
	size_t n = 0;
	dv_where w = DV_MEMORY, fb;

	if (nops == 0)
		return DV_GONE;
	for (size_t i = 0; i < nops; i++) {
		uint8_t op = ops[i].atom;
		if (n == EXPR_STACK)
			return DV_UNSUPPORTED;
		if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
			if (nops != 1)
				return DV_UNSUPPORTED; /* pieces */
			if (reg_known(out, c, op - DW_OP_reg0) < 0)
				return DV_UNKNOWN;
			return DV_VALUE;
		} else if (op == DW_OP_regx) {
			if (nops != 1)
				return DV_UNSUPPORTED;
			return reg_known(out, c, ops[i].number) < 0 ? DV_UNKNOWN : DV_VALUE;
		} else if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
			if (reg_known(&v, c, op - DW_OP_breg0) < 0)
				return DV_UNKNOWN;
			st[n++] = v + ops[i].number;
		} else if (op == DW_OP_bregx) {
			if (reg_known(&v, c, ops[i].number) < 0)
				return DV_UNKNOWN;
			st[n++] = v + ops[i].number2;
		} else if (op == DW_OP_fbreg) {
			if (nested || (fb = frame_base(&v, c)) != DV_MEMORY)
				return nested ? DV_UNSUPPORTED : fb;
			st[n++] = v + ops[i].number;
		} else if (op == DW_OP_call_frame_cfa) {
			if (!c->f->has_cfa)
				return DV_UNKNOWN;
			st[n++] = c->f->cfa;
		} else if (op == DW_OP_addr) {
			st[n++] = ops[i].number + c->bias;
		} else if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
			st[n++] = op - DW_OP_lit0;
		} else if (op == DW_OP_const1u || op == DW_OP_const2u ||
			   op == DW_OP_const4u || op == DW_OP_const8u ||
			   op == DW_OP_const1s || op == DW_OP_const2s ||
			   op == DW_OP_const4s || op == DW_OP_const8s ||
			   op == DW_OP_constu || op == DW_OP_consts) {
			st[n++] = ops[i].number;
		} else if (op == DW_OP_plus_uconst && n >= 1) {
			st[n - 1] += ops[i].number;
		} else if ((op == DW_OP_plus || op == DW_OP_minus) && n >= 2) {
			n--;
			st[n - 1] = op == DW_OP_plus ? st[n - 1] + st[n] : st[n - 1] - st[n];
		} else if (op == DW_OP_stack_value && i + 1 == nops) {
			w = DV_VALUE;
		} else if (op == DW_OP_entry_value || op == DW_OP_GNU_entry_value) {
			return DV_GONE; /* the value at entry: not kept */
		} else {
			return DV_UNSUPPORTED;
		}
	}
	if (n != 1)
		return DV_UNSUPPORTED;
	*out = st[0];
	return w;
}

/* The function's DW_AT_frame_base at the PC, as an address. */
static dv_where frame_base(uint64_t *out, const dv_ctx *c)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	dv_where w;

	if (!c->fn || !dwarf_attr_integrate(c->fn, DW_AT_frame_base, &attr) ||
	    dwarf_getlocation_addr(&attr, c->f->pc - c->bias, &ops, &nops, 1) != 1)
		return DV_UNKNOWN;
	w = eval(out, c, ops, nops, 1);
	/* DW_OP_regN as a frame base names the register holding it. */
	return w == DV_VALUE ? DV_MEMORY : w;
}

static const char *attr_string(Dwarf_Die *die, int name)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, name, &attr) ? dwarf_formstring(&attr) : NULL;
}

static int attr_udata(Dwarf_Word *v, Dwarf_Die *die, int name)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, name, &attr) && dwarf_formudata(&attr, v) == 0
	       ? 0 : -1;
}

/* The variable's type with typedefs and qualifiers peeled; 0 or -1. */
static int var_type(Dwarf_Die *type, Dwarf_Die *var)
{
	Dwarf_Attribute attr;
	Dwarf_Die raw;

	if (!dwarf_attr_integrate(var, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &raw))
		return -1;
	return dwarf_peel_type(&raw, type) == 0 ? 0 : -1;
}

/* A guest string at addr, printable, quoted: at most DWVARS_STRING_MAX. */
static void quote_string(char *buf, size_t len, const dv_ctx *c, uint64_t addr)
{
	char s[DWVARS_STRING_MAX + 1];
	size_t n = 0, at = 0;

	buf[0] = '\0';
	/* A byte at a time: a string may end just before unmapped memory. */
	for (; n < DWVARS_STRING_MAX; n++) {
		if (c->read(&s[n], addr + n, 1, c->arg) != 0) {
			if (n == 0)
				return; /* not a readable pointer */
			break;
		}
		if (s[n] == '\0')
			break;
	}
	at += (size_t)snprintf(buf, len, " \"");
	for (size_t i = 0; i < n && at + 6 < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		at += (size_t)snprintf(buf + at, len - at, ch >= 0x20 && ch < 0x7f &&
				       ch != '"' && ch != '\\' ? "%c" : "\\x%02x", ch);
	}
	snprintf(buf + at, len - at, n == DWVARS_STRING_MAX ? "\"..." : "\"");
}

static int is_char_type(Dwarf_Die *type)
{
	Dwarf_Word enc = 0, size = 0;

	return dwarf_tag(type) == DW_TAG_base_type &&
	       attr_udata(&enc, type, DW_AT_encoding) == 0 &&
	       attr_udata(&size, type, DW_AT_byte_size) == 0 && size == 1 &&
	       (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char);
}

static void format_enum(char *buf, size_t len, Dwarf_Die *type, uint64_t v)
{
	Dwarf_Die e;

	snprintf(buf, len, "%" PRIu64, v);
	if (dwarf_child(type, &e) != 0)
		return;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word ev;
		if (dwarf_tag(&e) == DW_TAG_enumerator &&
		    dwarf_attr(&e, DW_AT_const_value, &attr) &&
		    dwarf_formudata(&attr, &ev) == 0 && ev == v) {
			snprintf(buf, len, "%s", dwarf_diename(&e) ? dwarf_diename(&e) : "?");
			return;
		}
	} while (dwarf_siblingof(&e, &e) == 0);
}

/* Formats a value of `size` bytes (<= 8) by its type. */
static void format_value(char *buf, size_t len, const dv_ctx *c,
			 Dwarf_Die *type, uint64_t v, unsigned size)
{
	Dwarf_Word enc = 0;
	Dwarf_Die target;
	char str[DWVARS_STRING_MAX * 4 + 8];

	if (size < 8)
		v &= ((uint64_t)1 << (size * 8)) - 1;
	switch (dwarf_tag(type)) {
	case DW_TAG_pointer_type:
		str[0] = '\0';
		if (var_type(&target, type) == 0 && is_char_type(&target) && v)
			quote_string(str, sizeof(str), c, v);
		snprintf(buf, len, "0x%" PRIx64 "%s", v, str);
		return;
	case DW_TAG_enumeration_type:
		format_enum(buf, len, type, v);
		return;
	case DW_TAG_base_type:
		attr_udata(&enc, type, DW_AT_encoding);
		break;
	default:
		snprintf(buf, len, "0x%" PRIx64, v);
		return;
	}
	if (enc == DW_ATE_boolean) {
		snprintf(buf, len, "%s", v ? "true" : "false");
	} else if (enc == DW_ATE_signed || enc == DW_ATE_signed_char) {
		int64_t s = size < 8 && (v >> (size * 8 - 1) & 1) ?
			    (int64_t)(v - ((uint64_t)1 << (size * 8))) : (int64_t)v;
		snprintf(buf, len, "%" PRId64, s);
	} else if (enc == DW_ATE_unsigned || enc == DW_ATE_unsigned_char) {
		snprintf(buf, len, "%" PRIu64, v);
	} else {
		snprintf(buf, len, "0x%" PRIx64, v); /* float: its bits */
	}
}

static void describe(dwvars_var *out, const dv_ctx *c, Dwarf_Die *var)
{
	static const char *const why[] = {
		[DV_GONE] = "<optimized out>", [DV_UNKNOWN] = "<not saved>",
		[DV_UNSUPPORTED] = "<location not decoded>",
	};
	Dwarf_Attribute attr;
	Dwarf_Die type;
	Dwarf_Word size = 0;
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	uint64_t at = 0, v = 0;
	uint8_t raw[8] = { 0 };
	dv_where w;

	if (var_type(&type, var) < 0) {
		snprintf(out->value, sizeof(out->value), "<no type>");
		return;
	}
	if (dwarf_tag(&type) == DW_TAG_pointer_type)
		size = c->t->ptr_size;
	else if (attr_udata(&size, &type, DW_AT_byte_size) < 0)
		size = 0;
	if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		Dwarf_Word cv;
		if (dwarf_formudata(&attr, &cv) == 0 && size && size <= 8)
			format_value(out->value, sizeof(out->value), c, &type, cv,
				     (unsigned)size);
		else
			snprintf(out->value, sizeof(out->value), "<constant>");
		return;
	}
	if (!dwarf_attr_integrate(var, DW_AT_location, &attr) ||
	    dwarf_getlocation_addr(&attr, c->f->pc - c->bias, &ops, &nops, 1) != 1)
		w = DV_GONE;
	else
		w = eval(&at, c, ops, nops, 0);
	if (w != DV_MEMORY && w != DV_VALUE) {
		snprintf(out->value, sizeof(out->value), "%s", why[w]);
		return;
	}
	if (size == 0 || size > 8) {
		/* an aggregate: where it is */
		if (w == DV_MEMORY)
			snprintf(out->value, sizeof(out->value), "{...} at 0x%" PRIx64, at);
		else
			snprintf(out->value, sizeof(out->value), "{...}");
		return;
	}
	if (w == DV_MEMORY) {
		if (c->read(raw, at, (size_t)size, c->arg) != 0) {
			snprintf(out->value, sizeof(out->value),
				 "<unreadable at 0x%" PRIx64 ">", at);
			return;
		}
		for (size_t i = (size_t)size; i-- > 0;)
			v = (v << 8) | raw[i];
	} else {
		v = at;
	}
	format_value(out->value, sizeof(out->value), c, &type, v, (unsigned)size);
}

typedef struct dv_list {
	dwvars_var *vars;
	size_t cap, n, more;
} dv_list;

static void add_var(dv_list *l, const dv_ctx *c, Dwarf_Die *var, int param)
{
	const char *name = attr_string(var, DW_AT_name);
	dwvars_var *v;

	if (!name)
		return; /* artificial (e.g. a compiler temporary) */
	if (l->n == l->cap) {
		l->more++;
		return;
	}
	v = &l->vars[l->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->param = param;
	describe(v, c, var);
}

/* The children of scope `s` of one kind: parameters or variables. */
static void scan_scope(dv_list *l, const dv_ctx *c, Dwarf_Die *s, int tag)
{
	Dwarf_Die child;

	if (dwarf_child(s, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == tag)
			add_var(l, c, &child, tag == DW_TAG_formal_parameter);
	} while (dwarf_siblingof(&child, &child) == 0);
}

int dwvars_frame_vars(dwvars_var *vars, size_t cap, size_t *n, size_t *more,
		      const image *img, const target_desc *t,
		      const dwvars_frame *f, unwind_read_fn read_mem, void *arg)
{
	Dwarf *dw = img ? image_dwarf_handle(img) : NULL;
	Dwarf_Die cu, *scopes = NULL;
	dv_list l = { vars, cap, 0, 0 };
	dv_ctx c = { img, t, f, read_mem, arg, img ? image_bias(img) : 0, NULL };
	int ns, fn = -1;

	*n = 0;
	*more = 0;
	if (!dw || !dwarf_addrdie(dw, f->pc - c.bias, &cu) ||
	    (ns = dwarf_getscopes(&cu, f->pc - c.bias, &scopes)) <= 0) {
		free(scopes);
		return IMAGE_ENOTFOUND;
	}
	for (int i = 0; i < ns && fn < 0; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram ||
		    dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine)
			fn = i;
	if (fn < 0) {
		free(scopes);
		return IMAGE_ENOTFOUND;
	}
	c.fn = &scopes[fn];
	/* An inlined function's frame base is its caller's subprogram's. */
	for (int i = fn; i < ns; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			c.fn = &scopes[i];
			break;
		}
	scan_scope(&l, &c, &scopes[fn], DW_TAG_formal_parameter);
	for (int i = fn; i >= 0; i--)
		scan_scope(&l, &c, &scopes[i], DW_TAG_variable);
	*n = l.n;
	*more = l.more;
	free(scopes);
	return 0;
}

/* The --expect language: parsing `LHS OP RHS` once, evaluating it later
 * against the stopped guest through the callbacks of expect_env. */
#include "expect.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

typedef struct parser {
	const char *text;
	const char *p;
	char *errbuf;
	size_t errlen;
} parser;

static int syntax(parser *ps, const char *what)
{
	util_errf(ps->errbuf, ps->errlen, "%s at column %d",
		  what, (int)(ps->p - ps->text) + 1);
	return EXPECT_ESYNTAX;
}

static void skip_ws(parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int is_name_start(int ch)
{
	return isalpha(ch) || ch == '_' || ch == '.' || ch == '$';
}

static int is_name_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '$';
}

static int parse_number(uint64_t *out, parser *ps)
{
	const char *end;

	if (util_parse_u64_prefix(out, &end, ps->p) < 0)
		return syntax(ps, "bad number");
	if (is_name_char((unsigned char)*end))
		return syntax(ps, "bad number");
	ps->p = end;
	return 0;
}

/* name [+|- number], or number. */
static int parse_term(expect_operand *out, parser *ps, int allow_negative)
{
	size_t n = 0;
	int err;

	skip_ws(ps);
	if (*ps->p == '-' || *ps->p == '+') {
		int neg = (*ps->p == '-');
		if (!allow_negative)
			return syntax(ps, "expected an address");
		ps->p++;
		if ((err = parse_number(&out->value, ps)) < 0)
			return err;
		out->kind = EXPECT_NUM;
		out->negative = neg;
		if (neg)
			out->value = (uint64_t)0 - out->value;
		return 0;
	}
	if (isdigit((unsigned char)*ps->p)) {
		out->kind = EXPECT_NUM;
		return parse_number(&out->value, ps);
	}
	if (!is_name_start((unsigned char)*ps->p))
		return syntax(ps, "expected a number, register, symbol or memN[...]");
	while (is_name_char((unsigned char)ps->p[n]))
		n++;
	if (n > EXPECT_NAME_MAX)
		return syntax(ps, "name too long");
	memcpy(out->name, ps->p, n);
	out->name[n] = '\0';
	out->kind = EXPECT_NAME;
	ps->p += n;

	const char *save = ps->p;
	skip_ws(ps);
	if (*ps->p == '+' || *ps->p == '-') {
		int neg = (*ps->p == '-');
		uint64_t off;
		ps->p++;
		skip_ws(ps);
		if ((err = parse_number(&off, ps)) < 0)
			return err;
		out->value = neg ? (uint64_t)0 - off : off;
	} else {
		ps->p = save;
	}
	return 0;
}

/* memN[term] when the text starts with it; *matched says whether it did. */
static int parse_mem(int *matched, expect_operand *out, parser *ps)
{
	static const struct { const char *word; int bytes; } widths[] = {
		{ "mem8", 1 }, { "mem16", 2 }, { "mem32", 4 }, { "mem64", 8 },
	};
	*matched = 0;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		size_t n = strlen(widths[i].word);
		const char *q = ps->p + n;
		if (strncmp(ps->p, widths[i].word, n) != 0)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '[')
			continue;
		*matched = 1;
		ps->p = q + 1;
		int err = parse_term(out, ps, 0);
		if (err < 0)
			return err;
		skip_ws(ps);
		if (*ps->p != ']')
			return syntax(ps, "expected ']'");
		ps->p++;
		out->kind = EXPECT_MEM;
		out->mem_bytes = widths[i].bytes;
		return 0;
	}
	if (strncmp(ps->p, "mem", 3) == 0 && ps->p[3] != '\0' &&
	    isdigit((unsigned char)ps->p[3]))
		return syntax(ps, "memory width must be mem8, mem16, mem32 or mem64");
	return 0;
}

static int parse_operand(expect_operand *out, parser *ps)
{
	int matched, err;

	memset(out, 0, sizeof(*out));
	skip_ws(ps);
	if ((err = parse_mem(&matched, out, ps)) < 0 || matched)
		return err;
	return parse_term(out, ps, 1);
}

static int parse_op(expect_op *out, parser *ps)
{
	static const struct { const char *s; expect_op op; } ops[] = {
		{ "==", EXPECT_EQ }, { "!=", EXPECT_NE }, { "<=", EXPECT_LE },
		{ ">=", EXPECT_GE }, { "<", EXPECT_LT }, { ">", EXPECT_GT },
	};
	skip_ws(ps);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);
		if (strncmp(ps->p, ops[i].s, n) == 0) {
			*out = ops[i].op;
			ps->p += n;
			return 0;
		}
	}
	if (*ps->p == '=')
		return syntax(ps, "use '==' to compare");
	return syntax(ps, "expected one of == != < <= > >=");
}

int expect_parse(expect_expr *out, const char *text, char *errbuf,
		 size_t errlen)
{
	parser ps = { text, text, errbuf, errlen };
	int err;

	memset(out, 0, sizeof(*out));
	snprintf(out->text, sizeof(out->text), "%s", text);
	if ((err = parse_operand(&out->lhs, &ps)) < 0)
		return err;
	if ((err = parse_op(&out->op, &ps)) < 0)
		return err;
	if ((err = parse_operand(&out->rhs, &ps)) < 0)
		return err;
	skip_ws(&ps);
	if (*ps.p != '\0')
		return syntax(&ps, "unexpected text");
	return 0;
}

int expect_parse_operand(expect_operand *out, const char *text, char *errbuf,
			 size_t errlen)
{
	parser ps = { text, text, errbuf, errlen };
	int err;

	if ((err = parse_operand(out, &ps)) < 0)
		return err;
	skip_ws(&ps);
	if (*ps.p != '\0')
		return syntax(&ps, "unexpected text");
	return 0;
}

int expect_operand_eval(uint64_t *value, int *bits, const expect_operand *op,
			const expect_env *env, char *errbuf, size_t errlen)
{
	uint64_t base = 0;
	int nbits = 64, err;

	if (op->kind == EXPECT_NUM) {
		*value = op->value;
		*bits = 64;
		return 0;
	}
	if (op->name[0]) {
		err = env->name(&base, &nbits, env->arg, op->name);
		if (err == EXPECT_ENAME) {
			util_errf(errbuf, errlen, "'%s' is neither a register nor a symbol",
				  op->name);
			return err;
		}
		if (err < 0) {
			util_errf(errbuf, errlen, "cannot read register %s", op->name);
			return EXPECT_EACCESS;
		}
	}
	base += op->value;
	if (op->kind == EXPECT_NAME) {
		*value = base;
		*bits = op->value ? 64 : nbits;
		return 0;
	}
	if (env->mem(value, env->arg, base, op->mem_bytes) < 0) {
		util_errf(errbuf, errlen, "cannot read mem%d[0x%" PRIx64 "]",
			  op->mem_bytes * 8, base);
		return EXPECT_EACCESS;
	}
	*bits = op->mem_bytes * 8;
	return 0;
}

static int64_t sign_extend(uint64_t v, int bits)
{
	if (bits <= 0 || bits >= 64)
		return (int64_t)v;
	uint64_t m = (uint64_t)1 << (bits - 1);
	v &= ((uint64_t)1 << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

static int compare(expect_op op, int c)
{
	switch (op) {
	case EXPECT_EQ: return c == 0;
	case EXPECT_NE: return c != 0;
	case EXPECT_LT: return c < 0;
	case EXPECT_LE: return c <= 0;
	case EXPECT_GT: return c > 0;
	case EXPECT_GE: return c >= 0;
	}
	return 0;
}

static void describe(char *buf, size_t len, const expect_operand *op,
		     uint64_t v, int bits, int as_signed)
{
	uint64_t shown = bits < 64 ? v & (((uint64_t)1 << bits) - 1) : v;

	if (op->kind == EXPECT_NUM && as_signed && op->negative)
		snprintf(buf, len, "%" PRId64, (int64_t)v);
	else
		snprintf(buf, len, "0x%" PRIx64 " (%" PRIu64 ")", shown, shown);
}

int expect_eval(int *holds, const expect_expr *e, const expect_env *env,
		char *detail, size_t detlen, char *errbuf, size_t errlen)
{
	uint64_t a, b;
	int abits, bbits, err, c;
	int as_signed = e->lhs.negative || e->rhs.negative;

	if ((err = expect_operand_eval(&a, &abits, &e->lhs, env, errbuf, errlen)) < 0)
		return err;
	if ((err = expect_operand_eval(&b, &bbits, &e->rhs, env, errbuf, errlen)) < 0)
		return err;
	if (as_signed) {
		int64_t sa = sign_extend(a, abits), sb = sign_extend(b, bbits);
		c = (sa > sb) - (sa < sb);
	} else {
		/* Registers and memory arrive zero-extended, so a 64-bit
		 * unsigned comparison is exact: mem8[x] == 0x1ff never holds. */
		c = (a > b) - (a < b);
	}
	*holds = compare(e->op, c);
	if (detail && detlen) {
		char l[64], r[64];
		describe(l, sizeof(l), &e->lhs, a, abits, as_signed);
		describe(r, sizeof(r), &e->rhs, b, bbits, as_signed);
		snprintf(detail, detlen, "left = %s, right = %s", l, r);
	}
	return 0;
}

int expect_foreach_name(const expect_expr *e,
			int (*fn)(void *arg, const char *name), void *arg)
{
	int err;

	if (e->lhs.name[0] && (err = fn(arg, e->lhs.name)) < 0)
		return err;
	if (e->rhs.name[0] && (err = fn(arg, e->rhs.name)) < 0)
		return err;
	return 0;
}

const char *expect_op_str(expect_op op)
{
	static const char *const names[] = { "==", "!=", "<", "<=", ">", ">=" };

	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

/* Tests for src/run/expect.c: tables of good and bad expressions, and
 * evaluation against a fake guest (registers and memory in arrays). */
#include <criterion/criterion.h>

#include <string.h>

#include "expect.h"

/* --- parsing ---------------------------------------------------------- */

typedef struct good_case {
	const char *text;
	expect_kind lk, rk;
	const char *lname, *rname;
	uint64_t lval, rval;
	expect_op op;
	int lbytes, rbytes;
} good_case;

static const good_case good[] = {
	{ "rax == 5", EXPECT_NAME, EXPECT_NUM, "rax", "", 0, 5, EXPECT_EQ, 0, 0 },
	{ "dl==0x80", EXPECT_NAME, EXPECT_NUM, "dl", "", 0, 0x80, EXPECT_EQ, 0, 0 },
	{ "a0 != -1", EXPECT_NAME, EXPECT_NUM, "a0", "", 0, (uint64_t)-1, EXPECT_NE, 0, 0 },
	{ "x0 < 10", EXPECT_NAME, EXPECT_NUM, "x0", "", 0, 10, EXPECT_LT, 0, 0 },
	{ "x0 <= 10", EXPECT_NAME, EXPECT_NUM, "x0", "", 0, 10, EXPECT_LE, 0, 0 },
	{ "x0 > 0b101", EXPECT_NAME, EXPECT_NUM, "x0", "", 0, 5, EXPECT_GT, 0, 0 },
	{ "x0 >= 0xffff_0000", EXPECT_NAME, EXPECT_NUM, "x0", "", 0, 0xffff0000u, EXPECT_GE, 0, 0 },
	{ "mem16[0x7dfe] == 0xaa55", EXPECT_MEM, EXPECT_NUM, "", "", 0x7dfe, 0xaa55, EXPECT_EQ, 2, 0 },
	{ "mem8[counter] == 3", EXPECT_MEM, EXPECT_NUM, "counter", "", 0, 3, EXPECT_EQ, 1, 0 },
	{ "mem32[ buf + 8 ] == r0", EXPECT_MEM, EXPECT_NAME, "buf", "r0", 8, 0, EXPECT_EQ, 4, 0 },
	{ "mem64[sp-16] == mem64[x1]", EXPECT_MEM, EXPECT_MEM, "sp", "x1", (uint64_t)-16, 0, EXPECT_EQ, 8, 8 },
	{ "pc == main+4", EXPECT_NAME, EXPECT_NAME, "pc", "main", 0, 4, EXPECT_EQ, 0, 0 },
	{ "  eax   ==   ebx  ", EXPECT_NAME, EXPECT_NAME, "eax", "ebx", 0, 0, EXPECT_EQ, 0, 0 },
	{ "0x10 < rsp", EXPECT_NUM, EXPECT_NAME, "", "rsp", 0x10, 0, EXPECT_LT, 0, 0 },
	{ "memory == 1", EXPECT_NAME, EXPECT_NUM, "memory", "", 0, 1, EXPECT_EQ, 0, 0 },
	{ "_sym.part$1 == 010", EXPECT_NAME, EXPECT_NUM, "_sym.part$1", "", 0, 10, EXPECT_EQ, 0, 0 },
	{ "a0 == 18446744073709551615", EXPECT_NAME, EXPECT_NUM, "a0", "", 0, UINT64_MAX, EXPECT_EQ, 0, 0 },
};

Test(expect, parses_good_table)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const good_case *g = &good[i];
		expect_expr e;
		char err[256] = "";
		cr_assert_eq(expect_parse(&e, g->text, err, sizeof(err)), 0,
			     "'%s': %s", g->text, err);
		cr_expect_eq(e.lhs.kind, g->lk, "%s", g->text);
		cr_expect_eq(e.rhs.kind, g->rk, "%s", g->text);
		cr_expect_str_eq(e.lhs.name, g->lname, "%s", g->text);
		cr_expect_str_eq(e.rhs.name, g->rname, "%s", g->text);
		cr_expect_eq(e.lhs.value, g->lval, "%s", g->text);
		cr_expect_eq(e.rhs.value, g->rval, "%s", g->text);
		cr_expect_eq(e.op, g->op, "%s", g->text);
		if (g->lk == EXPECT_MEM)
			cr_expect_eq(e.lhs.mem_bytes, g->lbytes, "%s", g->text);
		if (g->rk == EXPECT_MEM)
			cr_expect_eq(e.rhs.mem_bytes, g->rbytes, "%s", g->text);
		cr_expect_str_eq(e.text, g->text);
	}
}

typedef struct bad_case {
	const char *text;
	const char *why;   /* a part of the message */
} bad_case;

static const bad_case bad[] = {
	{ "", "expected a number" },
	{ "rax", "expected one of" },
	{ "rax = 5", "use '=='" },
	{ "rax == ", "expected a number" },
	{ "rax == 5 6", "unexpected text" },
	{ "rax == 12abc", "bad number" },
	{ "rax == 0x", "bad number" },
	{ "rax == 99999999999999999999", "bad number" },
	{ "mem12[0] == 1", "mem8, mem16, mem32 or mem64" },
	{ "mem32[0 == 1", "expected ']'" },
	{ "mem32[-4] == 1", "expected an address" },
	{ "mem32[] == 1", "expected a number" },
	{ "rax === 5", "expected a number" },
	{ "rax ~ 5", "expected one of" },
	{ "rax == main+", "bad number" },
	{ "(rax) == 1", "expected a number" },
};

Test(expect, rejects_bad_table_with_a_message)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_expr e;
		char err[256] = "";
		cr_expect_eq(expect_parse(&e, bad[i].text, err, sizeof(err)),
			     EXPECT_ESYNTAX, "'%s' parsed", bad[i].text);
		cr_expect(strstr(err, bad[i].why) != NULL, "'%s': message '%s' lacks '%s'",
			  bad[i].text, err, bad[i].why);
		cr_expect(strstr(err, "column") != NULL, "'%s': %s", bad[i].text, err);
	}
}

Test(expect, rejects_overlong_names)
{
	char text[200], err[256];
	expect_expr e;

	memset(text, 'a', 100);
	strcpy(text + 100, " == 1");
	cr_assert_eq(expect_parse(&e, text, err, sizeof(err)), EXPECT_ESYNTAX);
	cr_assert(strstr(err, "too long"), "%s", err);
}

Test(expect, operand_alone_is_the_loc_syntax)
{
	expect_operand o;
	char err[256];

	cr_assert_eq(expect_parse_operand(&o, "0x7c00", err, sizeof(err)), 0);
	cr_assert_eq(o.kind, EXPECT_NUM);
	cr_assert_eq(o.value, 0x7c00);
	cr_assert_eq(expect_parse_operand(&o, "kmain+0x10", err, sizeof(err)), 0);
	cr_assert_eq(o.kind, EXPECT_NAME);
	cr_assert_str_eq(o.name, "kmain");
	cr_assert_eq(o.value, 0x10);
	cr_assert_eq(expect_parse_operand(&o, "kmain 3", err, sizeof(err)),
		     EXPECT_ESYNTAX);
}

/* --- evaluation ------------------------------------------------------- */

typedef struct fake {
	uint8_t mem[256];     /* guest memory at 0x1000 */
	int mem_reads;
} fake;

static int fake_name(uint64_t *value, int *bits, void *arg, const char *name)
{
	(void)arg;
	if (!strcmp(name, "eax")) {
		*value = 0xffffffff;
		*bits = 32;
	} else if (!strcmp(name, "dl")) {
		*value = 0x80;
		*bits = 8;
	} else if (!strcmp(name, "rsp")) {
		*value = 0x1010;
		*bits = 64;
	} else if (!strcmp(name, "buf")) {
		*value = 0x1000;   /* a symbol: its address */
		*bits = 64;
	} else if (!strcmp(name, "broken")) {
		return EXPECT_EACCESS;
	} else {
		return EXPECT_ENAME;
	}
	return 0;
}

static int fake_mem(uint64_t *value, void *arg, uint64_t addr, int bytes)
{
	fake *f = arg;
	uint64_t v = 0;

	f->mem_reads++;
	if (addr < 0x1000 || addr + (uint64_t)bytes > 0x1000 + sizeof(f->mem))
		return EXPECT_EACCESS;
	for (int i = bytes; i-- > 0;)
		v = (v << 8) | f->mem[addr - 0x1000 + (uint64_t)i];
	*value = v;
	return 0;
}

static int eval(fake *f, const char *text, char *detail, size_t dlen, char *err,
		size_t elen, int *holds)
{
	expect_expr e;
	expect_env env = { fake_name, fake_mem, f };

	cr_assert_eq(expect_parse(&e, text, err, elen), 0, "%s: %s", text, err);
	return expect_eval(holds, &e, &env, detail, dlen, err, elen);
}

typedef struct eval_case {
	const char *text;
	int holds;
} eval_case;

static const eval_case evals[] = {
	{ "dl == 0x80", 1 }, { "dl != 0x80", 0 }, { "dl < 0x81", 1 },
	{ "dl > 0x80", 0 }, { "dl >= 128", 1 }, { "dl <= 127", 0 },
	/* a negative literal compares signed at the register's width */
	{ "eax == -1", 1 }, { "eax < 0", 0 }, { "eax < -0", 1 },
	{ "eax < 1", 0 }, { "eax > 1", 1 }, { "eax <= -1", 1 },
	{ "eax == 0xffffffff", 1 },
	/* memory, little-endian, at numbers, symbols and registers */
	{ "mem16[0x1000] == 0x1234", 1 }, { "mem8[buf+1] == 0x12", 1 },
	{ "mem32[buf] == 0xdeadbeef", 0 }, { "mem32[buf+4] == 0xdeadbeef", 1 },
	{ "mem64[rsp] == 0x0102030405060708", 1 },
	{ "mem8[buf] == 0x1234", 0 },
	{ "mem8[0x1010] == -8", 0 }, { "mem8[0x1017] == 1", 1 },
	{ "mem16[buf] == mem16[0x1000]", 1 },
	{ "buf == 0x1000", 1 }, { "buf+8 == 0x1008", 1 },
	{ "rsp - 0x10 == buf", 1 },
};

static void fill(fake *f)
{
	static const uint8_t init[] = { 0x34, 0x12, 0, 0, 0xef, 0xbe, 0xad, 0xde };
	static const uint8_t word[] = { 8, 7, 6, 5, 4, 3, 2, 1 };

	memset(f, 0, sizeof(*f));
	memcpy(f->mem, init, sizeof(init));
	memcpy(f->mem + 0x10, word, sizeof(word));
}

Test(expect, evaluates_table)
{
	fake f;

	fill(&f);
	for (size_t i = 0; i < sizeof(evals) / sizeof(evals[0]); i++) {
		char detail[256], err[256];
		int holds = -1;
		cr_assert_eq(eval(&f, evals[i].text, detail, sizeof(detail), err,
				  sizeof(err), &holds), 0, "%s: %s", evals[i].text, err);
		cr_expect_eq(holds, evals[i].holds, "'%s' gave %d (%s)", evals[i].text,
			     holds, detail);
	}
}

Test(expect, detail_gives_both_actual_values)
{
	fake f;
	char detail[256], err[256];
	int holds;

	fill(&f);
	cr_assert_eq(eval(&f, "mem16[0x1000] == 0x55aa", detail, sizeof(detail),
			  err, sizeof(err), &holds), 0);
	cr_assert_eq(holds, 0);
	cr_assert(strstr(detail, "0x1234"), "%s", detail);
	cr_assert(strstr(detail, "0x55aa"), "%s", detail);
}

Test(expect, reports_unknown_names_and_unreadable_memory)
{
	fake f;
	char detail[256], err[256];
	int holds;

	fill(&f);
	cr_assert_eq(eval(&f, "nosuch == 1", detail, sizeof(detail), err,
			  sizeof(err), &holds), EXPECT_ENAME);
	cr_assert(strstr(err, "nosuch"), "%s", err);
	cr_assert_eq(eval(&f, "mem32[0x10] == 1", detail, sizeof(detail), err,
			  sizeof(err), &holds), EXPECT_EACCESS);
	cr_assert(strstr(err, "mem32[0x10]"), "%s", err);
	cr_assert_eq(eval(&f, "broken == 1", detail, sizeof(detail), err,
			  sizeof(err), &holds), EXPECT_EACCESS);
}

static int collect(void *arg, const char *name)
{
	char *buf = arg;
	strcat(buf, name);
	strcat(buf, ",");
	return 0;
}

Test(expect, foreach_name_lists_both_sides)
{
	expect_expr e;
	char err[128], names[128] = "";

	cr_assert_eq(expect_parse(&e, "mem32[buf+4] != rax", err, sizeof(err)), 0);
	cr_assert_eq(expect_foreach_name(&e, collect, names), 0);
	cr_assert_str_eq(names, "buf,rax,");
	cr_assert_str_eq(expect_op_str(EXPECT_GE), ">=");
}

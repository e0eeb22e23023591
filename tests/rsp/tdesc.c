/*
 * Tests for rsp/tdesc.c: register tables from QEMU 7.2's real target
 * descriptions (tests/rsp/data/<arch>/, checked against GDB's own
 * "maint print remote-registers" of the same stub), the numbering rules,
 * and rejection of malformed or hostile descriptions.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdesc.h"

/* ---- fetch callbacks ------------------------------------------------------ */

/* Serves annexes from tests/rsp/data/<dir>/. */
static int fetch_dir(char **out, size_t *len, const char *annex, void *arg)
{
	const char *src = getenv("STUBRUN_SRCDIR");
	char path[1024];
	FILE *f;
	long n;
	int rc = RSP_EREMOTE;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/tests/rsp/data/%s/%s",
		 src ? src : ".", (const char *)arg, annex);
	f = fopen(path, "rb");
	if (!f)
		return RSP_EREMOTE;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	*out = malloc((size_t)n + 1);
	if (*out && fread(*out, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
		rc = 0;
	}
out:
	fclose(f);
	return rc;
}

/* Serves annexes from an in-memory table; counts the fetches. */
typedef struct mem_file {
	const char *annex;
	const char *text;
} mem_file;

typedef struct mem_fs {
	const mem_file *files;
	int fetches;
} mem_fs;

static int fetch_mem(char **out, size_t *len, const char *annex, void *arg)
{
	mem_fs *fs = arg;

	fs->fetches++;
	*out = NULL;
	for (const mem_file *f = fs->files; f->annex; f++) {
		if (strcmp(f->annex, annex))
			continue;
		*len = strlen(f->text);
		*out = malloc(*len + 1);
		memcpy(*out, f->text, *len + 1);
		return 0;
	}
	/* Hands back a buffer with the error too: tdesc must free it. */
	*out = strdup("junk");
	return RSP_EUNSUPPORTED;
}

static tdesc *load_arch(const char *arch)
{
	tdesc *t = NULL;
	char err[256];
	int rc = tdesc_load(&t, "target.xml", fetch_dir, (void *)arch, err,
			    sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", arch, err);
	cr_assert_not_null(t);
	return t;
}

static tdesc *load_mem(const mem_file *files)
{
	mem_fs fs = { files, 0 };
	tdesc *t = NULL;
	char err[256];
	int rc = tdesc_load(&t, "target.xml", fetch_mem, &fs, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	return t;
}

static const rsp_reg *must_find(const tdesc *t, const char *name)
{
	const rsp_reg *r = tdesc_find(t, name);
	cr_assert_not_null(r, "no register %s", name);
	return r;
}

/* ---- real QEMU descriptions ------------------------------------------------ */

Test(tdesc, x86_64_rip_and_comments)
{
	tdesc *t = load_arch("x86_64");
	const rsp_reg *rip = must_find(t, "rip");

	cr_assert_str_eq(tdesc_architecture(t), "i386:x86-64");
	cr_assert_eq(rip->regnum, 16);
	cr_assert_eq(rip->bitsize, 64);
	cr_assert_eq(rip->g_offset, 128);
	cr_assert_str_eq(rip->type, "code_ptr");
	cr_assert_str_eq(rip->feature, "org.gnu.gdb.i386.core");
	cr_assert_str_eq(rip->group, "");
	/* i386-64bit.xml keeps cs_base..es_base inside an XML comment. */
	cr_assert_null(tdesc_find(t, "cs_base"));
	cr_assert_null(tdesc_find(t, "es_base"));
	cr_assert_eq(must_find(t, "fs_base")->regnum, 24);
	tdesc_free(t);
}

Test(tdesc, i386_eip)
{
	tdesc *t = load_arch("i386");
	const rsp_reg *eip = must_find(t, "eip");

	cr_assert_str_eq(tdesc_architecture(t), "i386");
	cr_assert_eq(eip->regnum, 8);
	cr_assert_eq(eip->bitsize, 32);
	cr_assert_eq(eip->g_offset, 32);
	tdesc_free(t);
}

Test(tdesc, aarch64_pc_across_includes)
{
	tdesc *t = load_arch("aarch64");
	const rsp_reg *pc = must_find(t, "pc"), *v0 = must_find(t, "v0");

	cr_assert_str_eq(tdesc_architecture(t), "aarch64");
	cr_assert_eq(pc->regnum, 32);
	cr_assert_eq(pc->g_offset, 32 * 8);
	cr_assert_eq(must_find(t, "cpsr")->bitsize, 32);
	/* v0 is in the second included file and numbered on from cpsr. */
	cr_assert_eq(v0->regnum, 34);
	cr_assert_eq(v0->bitsize, 128);
	cr_assert_str_eq(v0->feature, "org.gnu.gdb.aarch64.fpu");
	/* system-registers.xml, the third include, gives cp_regs groups. */
	cr_assert_str_eq(must_find(t, "SCTLR")->group, "cp_regs");
	tdesc_free(t);
}

Test(tdesc, arm_m_xpsr)
{
	tdesc *t = load_arch("arm-m");
	const rsp_reg *xpsr = must_find(t, "xpsr");

	cr_assert_str_eq(tdesc_architecture(t), "arm");
	cr_assert_eq(tdesc_count(t), 17);
	cr_assert_eq(xpsr->regnum, 25);
	/* regnum 16..24 are a gap; the 'g' layout ignores it, as GDB does. */
	cr_assert_eq(xpsr->g_offset, 16 * 4);
	cr_assert_str_eq(xpsr->feature, "org.gnu.gdb.arm.m-profile");
	tdesc_free(t);
}

Test(tdesc, riscv64_a0_and_csrs)
{
	tdesc *t = load_arch("riscv64");
	const rsp_reg *a0 = must_find(t, "a0");

	cr_assert_str_eq(tdesc_architecture(t), "riscv:rv64");
	cr_assert_eq(a0->regnum, 10);
	cr_assert_eq(a0->bitsize, 64);
	cr_assert_eq(a0->g_offset, 80);
	/* QEMU numbers CSRs by explicit regnum=, CSR number + 66 (after
	 * x0..pc, ft0..ft31 and priv), far past the implicit numbering. */
	cr_assert_eq(must_find(t, "priv")->regnum, 65);
	cr_assert_eq(must_find(t, "mstatus")->regnum, 66 + 0x300);
	cr_assert_eq(must_find(t, "mepc")->regnum, 66 + 0x341);
	tdesc_free(t);
}

Test(tdesc, riscv32_widths)
{
	tdesc *t = load_arch("riscv32");

	cr_assert_str_eq(tdesc_architecture(t), "riscv:rv32");
	cr_assert_eq(must_find(t, "a0")->bitsize, 32);
	cr_assert_eq(must_find(t, "a0")->g_offset, 40);
	cr_assert_eq(must_find(t, "pc")->regnum, 32);
	tdesc_free(t);
}

/* Compares every register with GDB's view of the same stub. */
static void check_against_gdb(const char *arch)
{
	const char *src = getenv("STUBRUN_SRCDIR");
	char path[1024], line[256];
	tdesc *t = load_arch(arch);
	size_t rows = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "%s/tests/rsp/data/%s/gdb-remote-registers.txt",
		 src ? src : ".", arch);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	while (fgets(line, sizeof(line), f)) {
		char name[64], type[64];
		int nr, rel, off, size, rnr, goff;
		if (sscanf(line, " %63s %d %d %d %d %63s %d %d", name, &nr, &rel,
			   &off, &size, type, &rnr, &goff) != 8)
			continue;
		const rsp_reg *r = tdesc_find(t, name);
		cr_assert_not_null(r, "%s: %s missing", arch, name);
		cr_expect_eq(r->regnum, rnr, "%s: %s regnum", arch, name);
		cr_expect_eq(r->bitsize, size * 8, "%s: %s size", arch, name);
		cr_expect_eq(r->g_offset, goff, "%s: %s g offset", arch, name);
		rows++;
	}
	fclose(f);
	cr_assert_gt(rows, 0);
	cr_assert_eq(tdesc_count(t), rows, "%s: count", arch);
	tdesc_free(t);
}

Test(tdesc, matches_gdb_i386) { check_against_gdb("i386"); }
Test(tdesc, matches_gdb_x86_64) { check_against_gdb("x86_64"); }
Test(tdesc, matches_gdb_aarch64) { check_against_gdb("aarch64"); }
Test(tdesc, matches_gdb_arm_m) { check_against_gdb("arm-m"); }
Test(tdesc, matches_gdb_riscv64) { check_against_gdb("riscv64"); }
Test(tdesc, matches_gdb_riscv32) { check_against_gdb("riscv32"); }

Test(tdesc, table_in_regnum_order)
{
	tdesc *t = load_arch("riscv64");

	for (size_t i = 1; i < tdesc_count(t); i++)
		cr_assert_lt(tdesc_at(t, i - 1)->regnum, tdesc_at(t, i)->regnum);
	cr_assert_null(tdesc_at(t, tdesc_count(t)));
	tdesc_free(t);
}

/* ---- numbering, layout, lookup ---------------------------------------------- */

#define TARGET(body) "<?xml version=\"1.0\"?><target>" body "</target>"
#define FEATURE(name, body) "<feature name=\"" name "\">" body "</feature>"

Test(tdesc, numbering_across_features)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET(
			FEATURE("a", "<reg name=\"r0\" bitsize=\"32\"/>"
				     "<reg name=\"r5\" bitsize=\"32\" regnum=\"5\"/>"
				     "<reg name=\"r6\" bitsize=\"32\"/>")
			"<xi:include href=\"b.xml\"/>") },
		{ "b.xml", FEATURE("b", "<reg name=\"r7\" bitsize=\"64\"/>"
					"<reg name=\"rx\" bitsize=\"16\" regnum=\"0x10\"/>") },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);

	cr_assert_eq(tdesc_count(t), 5);
	cr_assert_eq(must_find(t, "r0")->regnum, 0);
	cr_assert_eq(must_find(t, "r6")->regnum, 6);
	cr_assert_eq(must_find(t, "r7")->regnum, 7);
	cr_assert_str_eq(must_find(t, "r7")->feature, "b");
	cr_assert_eq(must_find(t, "rx")->regnum, 16);
	/* Contiguous in regnum order, gaps ignored: 4 + 4 + 4 + 8. */
	cr_assert_eq(must_find(t, "r7")->g_offset, 12);
	cr_assert_eq(must_find(t, "rx")->g_offset, 20);
	cr_assert_str_eq(tdesc_architecture(t), "");
	tdesc_free(t);
}

Test(tdesc, regnum_order_not_document_order)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET(FEATURE("f",
			"<reg name=\"hi\" bitsize=\"32\" regnum=\"2\"/>"
			"<reg name=\"lo\" bitsize=\"64\" regnum=\"0\"/>")) },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);

	cr_assert_str_eq(tdesc_at(t, 0)->name, "lo");
	cr_assert_str_eq(tdesc_at(t, 1)->name, "hi");
	cr_assert_eq(tdesc_at(t, 1)->g_offset, 8);
	tdesc_free(t);
}

Test(tdesc, defaults_and_odd_bitsize)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET("<architecture>\n  x\t</architecture>" FEATURE("f",
			"<reg name=\"a\" bitsize=\"8\"/>"
			"<reg name=\"flag\" bitsize=\"1\" type=\"bool\" group=\"system\"/>"
			"<reg name=\"b\" bitsize=\"32\"/>")) },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);
	const rsp_reg *a = must_find(t, "a"), *flag = must_find(t, "flag");

	cr_assert_str_eq(a->type, "int");
	cr_assert_str_eq(a->group, "");
	cr_assert_str_eq(flag->type, "bool");
	cr_assert_str_eq(flag->group, "system");
	cr_assert_eq(a->g_offset, 0);
	/* A 1-bit register has no byte layout: it and all after are unknown. */
	cr_assert_eq(flag->g_offset, -1);
	cr_assert_eq(must_find(t, "b")->g_offset, -1);
	cr_assert_str_eq(tdesc_architecture(t), "x");
	tdesc_free(t);
}

Test(tdesc, find_exact_then_case_insensitive)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET(FEATURE("f",
			"<reg name=\"PC\" bitsize=\"32\"/>"
			"<reg name=\"pc\" bitsize=\"64\"/>"
			"<reg name=\"Sp\" bitsize=\"32\"/>")) },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);

	cr_assert_eq(must_find(t, "pc")->bitsize, 64);
	cr_assert_eq(must_find(t, "PC")->bitsize, 32);
	cr_assert_str_eq(must_find(t, "SP")->name, "Sp");
	cr_assert_null(tdesc_find(t, "s"));
	cr_assert_null(tdesc_find(t, NULL));
	tdesc_free(t);
}

Test(tdesc, nested_include_is_spliced)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET("<xi:include href=\"a.xml\"/>") },
		{ "a.xml", "<xi:include href=\"b.xml\"/>" },
		{ "b.xml", FEATURE("deep", "<reg name=\"r\" bitsize=\"32\"/>") },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);

	cr_assert_str_eq(must_find(t, "r")->feature, "deep");
	tdesc_free(t);
}

Test(tdesc, same_feature_twice_is_a_duplicate_not_a_cycle)
{
	static const mem_file files[] = {
		{ "target.xml", TARGET("<xi:include href=\"a.xml\"/>"
				       "<xi:include href=\"a.xml\"/>") },
		{ "a.xml", FEATURE("f", "<reg name=\"r\" bitsize=\"32\" regnum=\"1\"/>") },
		{ NULL, NULL },
	};
	mem_fs fs = { files, 0 };
	tdesc *t = NULL;
	char err[256];

	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_mem, &fs, err,
				sizeof(err)), RSP_EPROTO);
	cr_assert(strstr(err, "duplicate regnum 1"), "%s", err);
	cr_assert(strstr(err, "a.xml:"), "%s", err);
}

/* Fuzzer find: an empty table used to qsort(NULL, 0, ...). The odd
 * <xi:inclu dehref=...> is the fuzzer's input: an unknown element. */
Test(tdesc, no_registers)
{
	static const mem_file files[] = {
		{ "target.xml", "<target><xi:inclu dehref=\"target.xml\"/></target>" },
		{ NULL, NULL },
	};
	tdesc *t = load_mem(files);

	cr_assert_eq(tdesc_count(t), 0);
	cr_assert_null(tdesc_at(t, 0));
	cr_assert_null(tdesc_find(t, "pc"));
	cr_assert_str_eq(tdesc_architecture(t), "");
	tdesc_free(t);
}

Test(tdesc, null_is_harmless)
{
	tdesc_free(NULL);
	cr_assert_eq(tdesc_count(NULL), 0);
	cr_assert_null(tdesc_at(NULL, 0));
	cr_assert_null(tdesc_find(NULL, "pc"));
	cr_assert_str_eq(tdesc_architecture(NULL), "");
}

/* ---- rejections ------------------------------------------------------------- */

typedef struct bad_case {
	const char *what;
	mem_file files[4];
	int rc;
	const char *msg[2]; /* substrings the message must contain */
} bad_case;

static const bad_case bad_cases[] = {
	{ "malformed", { { "target.xml", "<target><feature name=\"f\">" } },
	  RSP_EPROTO, { "target.xml:1:", "malformed XML" } },
	{ "empty", { { "target.xml", "" } }, RSP_EPROTO,
	  { "target.xml", "malformed XML" } },
	{ "binary junk", { { "target.xml", "\x01\x02<target>" } }, RSP_EPROTO,
	  { "target.xml", "malformed" } },
	{ "missing include",
	  { { "target.xml", TARGET("<xi:include href=\"gone.xml\"/>") } },
	  RSP_EUNSUPPORTED, { "gone.xml, included from target.xml", "fetch" } },
	{ "missing target.xml", { { "other.xml", "<target/>" } },
	  RSP_EUNSUPPORTED, { "target.xml", "cannot fetch" } },
	{ "self include",
	  { { "target.xml", TARGET("<xi:include href=\"target.xml\"/>") } },
	  RSP_EPROTO, { "include cycle", "target.xml" } },
	{ "cycle",
	  { { "target.xml", TARGET("<xi:include href=\"a.xml\"/>") },
	    { "a.xml", "<xi:include href=\"b.xml\"/>" },
	    { "b.xml", "<xi:include href=\"a.xml\"/>" } },
	  RSP_EPROTO, { "b.xml: include cycle via a.xml", NULL } },
	{ "include without href", { { "target.xml", TARGET("<xi:include/>") } },
	  RSP_EPROTO, { "target.xml:1:", "without an href" } },
	{ "include with colon",
	  { { "target.xml", TARGET("<xi:include href=\"a:b\"/>") } },
	  RSP_EPROTO, { "bad character", NULL } },
	{ "bitsize 0",
	  { { "target.xml", TARGET(FEATURE("f", "<reg name=\"r\" bitsize=\"0\"/>")) } },
	  RSP_EPROTO, { "register \"r\": bitsize \"0\"", NULL } },
	{ "bitsize 4097",
	  { { "target.xml", TARGET(FEATURE("f", "<reg name=\"r\" bitsize=\"4097\"/>")) } },
	  RSP_EPROTO, { "bitsize \"4097\" is not 1..4096", NULL } },
	{ "bitsize huge",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"r\" bitsize=\"99999999999999999999999\"/>")) } },
	  RSP_EPROTO, { "bitsize", NULL } },
	{ "bitsize negative",
	  { { "target.xml", TARGET(FEATURE("f", "<reg name=\"r\" bitsize=\"-8\"/>")) } },
	  RSP_EPROTO, { "bitsize", NULL } },
	{ "bitsize missing",
	  { { "target.xml", TARGET(FEATURE("f", "<reg name=\"r\"/>")) } },
	  RSP_EPROTO, { "(missing)", NULL } },
	{ "name missing",
	  { { "target.xml", TARGET(FEATURE("f", "<reg bitsize=\"8\"/>")) } },
	  RSP_EPROTO, { "target.xml:1:", "<reg> without a name" } },
	{ "name empty",
	  { { "target.xml", TARGET(FEATURE("f", "<reg name=\"\" bitsize=\"8\"/>")) } },
	  RSP_EPROTO, { "without a name", NULL } },
	{ "duplicate regnum",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"a\" bitsize=\"8\" regnum=\"3\"/>\n"
		"<reg name=\"b\" bitsize=\"8\" regnum=\"3\"/>")) } },
	  RSP_EPROTO, { "target.xml:2:", "\"b\": duplicate regnum 3" } },
	{ "implicit duplicate",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"a\" bitsize=\"8\" regnum=\"1\"/>"
		"<reg name=\"b\" bitsize=\"8\" regnum=\"0\"/>"
		"<reg name=\"c\" bitsize=\"8\"/>")) } },
	  RSP_EPROTO, { "\"c\": duplicate regnum 1", NULL } },
	{ "regnum too big",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"a\" bitsize=\"8\" regnum=\"65536\"/>")) } },
	  RSP_EPROTO, { "regnum \"65536\"", NULL } },
	{ "implicit regnum too big",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"a\" bitsize=\"8\" regnum=\"65535\"/>"
		"<reg name=\"b\" bitsize=\"8\"/>")) } },
	  RSP_EPROTO, { "\"b\": regnum over 65535", NULL } },
	{ "regnum junk",
	  { { "target.xml", TARGET(FEATURE("f",
		"<reg name=\"a\" bitsize=\"8\" regnum=\"1x\"/>")) } },
	  RSP_EPROTO, { "regnum \"1x\"", NULL } },
	{ "reg outside feature",
	  { { "target.xml", TARGET("<reg name=\"a\" bitsize=\"8\"/>") } },
	  RSP_EPROTO, { "<reg> is not allowed here", NULL } },
	{ "nested feature",
	  { { "target.xml", TARGET(FEATURE("a", FEATURE("b", ""))) } },
	  RSP_EPROTO, { "<feature> is not allowed here", NULL } },
	{ "feature without name",
	  { { "target.xml", TARGET("<feature/>") } },
	  RSP_EPROTO, { "<feature> without a name", NULL } },
	{ "root not target",
	  { { "target.xml", FEATURE("f", "") } },
	  RSP_EPROTO, { "root element is <feature>", NULL } },
	{ "included target",
	  { { "target.xml", TARGET("<xi:include href=\"a.xml\"/>") },
	    { "a.xml", "<target/>" } },
	  RSP_EPROTO, { "a.xml:1: <target> is not allowed here", NULL } },
	{ "two architectures",
	  { { "target.xml", TARGET("<architecture>a</architecture>"
				   "<architecture>b</architecture>") } },
	  RSP_EPROTO, { "more than one <architecture>", NULL } },
	{ "entity declaration",
	  { { "target.xml", "<!DOCTYPE target [<!ENTITY a \"aaaa\">]>"
			    "<target>&a;</target>" } },
	  RSP_EPROTO, { "entity declaration \"a\" not allowed", NULL } },
	{ "error inside include names the include",
	  { { "target.xml", TARGET("<xi:include href=\"f.xml\"/>") },
	    { "f.xml", "<feature name=\"x\">\n\n<reg name=\"r\" bitsize=\"0\"/>"
		       "</feature>" } },
	  RSP_EPROTO, { "f.xml:3:", "bitsize" } },
	{ "malformed include",
	  { { "target.xml", TARGET("<xi:include href=\"f.xml\"/>") },
	    { "f.xml", "<feature name=\"x\"><reg name=\"a\" bitsize=\"8\"></feature>" } },
	  RSP_EPROTO, { "f.xml:1:", "malformed XML" } },
};

/* The parameters are indices: Criterion runs each case in a fresh process,
 * where pointers inside a copied table would not be valid. */
static struct criterion_test_params index_params(size_t *index, size_t n)
{
	for (size_t i = 0; i < n; i++)
		index[i] = i;
	return cr_make_param_array(size_t, index, n);
}

static size_t bad_index[sizeof(bad_cases) / sizeof(bad_cases[0])];

ParameterizedTestParameters(tdesc, rejects)
{
	return index_params(bad_index, sizeof(bad_index) / sizeof(bad_index[0]));
}

ParameterizedTest(size_t *i, tdesc, rejects)
{
	const bad_case *c = &bad_cases[*i];
	mem_fs fs = { c->files, 0 };
	tdesc *t = (tdesc *)&fs; /* must be reset to NULL */
	char err[256];
	int rc = tdesc_load(&t, "target.xml", fetch_mem, &fs, err, sizeof(err));

	cr_assert_eq(rc, c->rc, "%s: rc %d (%s)", c->what, rc, err);
	cr_assert_null(t, "%s", c->what);
	for (int k = 0; k < 2; k++)
		if (c->msg[k])
			cr_assert(strstr(err, c->msg[k]), "%s: \"%s\" lacks \"%s\"",
				  c->what, err, c->msg[k]);
}

/* ---- caps -------------------------------------------------------------------- */

/* Serves "target.xml" including "0.xml", n.xml including n+1.xml, forever,
 * or (wide) target.xml including 0.xml .. 99.xml, each an empty feature. */
typedef struct gen_fs {
	int wide;
	int fetches;
} gen_fs;

static int fetch_gen(char **out, size_t *len, const char *annex, void *arg)
{
	gen_fs *g = arg;
	char buf[4096];
	int n = -1;

	g->fetches++;
	if (strcmp(annex, "target.xml"))
		n = atoi(annex);
	if (n < 0 && g->wide) {
		size_t o = (size_t)snprintf(buf, sizeof(buf), "<target>");
		for (int i = 0; i < 100; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "<xi:include href=\"%d.xml\"/>", i);
		snprintf(buf + o, sizeof(buf) - o, "</target>");
	} else if (n < 0) {
		snprintf(buf, sizeof(buf), "<target><xi:include href=\"0.xml\"/></target>");
	} else if (g->wide) {
		snprintf(buf, sizeof(buf), "<feature name=\"f%d\"/>", n);
	} else {
		snprintf(buf, sizeof(buf), "<xi:include href=\"%d.xml\"/>", n + 1);
	}
	*out = strdup(buf);
	*len = strlen(buf);
	return 0;
}

Test(tdesc, include_depth_is_capped)
{
	gen_fs g = { 0, 0 };
	tdesc *t = NULL;
	char err[256];

	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_gen, &g, err,
				sizeof(err)), RSP_EPROTO);
	cr_assert(strstr(err, "nested deeper than"), "%s", err);
	cr_assert_lt(g.fetches, 20);
}

Test(tdesc, annex_count_is_capped)
{
	gen_fs g = { 1, 0 };
	tdesc *t = NULL;
	char err[256];

	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_gen, &g, err,
				sizeof(err)), RSP_EPROTO);
	cr_assert(strstr(err, "annexes"), "%s", err);
	cr_assert_leq(g.fetches, 64);
}

static int fetch_huge(char **out, size_t *len, const char *annex, void *arg)
{
	size_t n = 5u << 20;

	(void)annex, (void)arg;
	*out = malloc(n);
	memset(*out, ' ', n);
	*len = n;
	return 0;
}

Test(tdesc, oversized_is_rejected)
{
	tdesc *t = NULL;
	char err[256];

	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_huge, NULL, err,
				sizeof(err)), RSP_EPROTO);
	cr_assert(strstr(err, "target.xml: target description larger than"),
		  "%s", err);
}

Test(tdesc, long_name_is_rejected)
{
	char xml[1024];
	char name[300];
	mem_file files[2] = { { "target.xml", xml }, { NULL, NULL } };
	mem_fs fs = { files, 0 };
	tdesc *t = NULL;
	char err[256];

	memset(name, 'r', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(xml, sizeof(xml), TARGET(FEATURE("f",
		 "<reg name=\"%s\" bitsize=\"8\"/>")), name);
	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_mem, &fs, err,
				sizeof(err)), RSP_EPROTO);
	cr_assert(strstr(err, "register name longer than 256"), "%s", err);
}

Test(tdesc, errbuf_optional_and_truncated)
{
	static const mem_file files[] = { { "target.xml", "<oops" }, { NULL, NULL } };
	mem_fs fs = { files, 0 };
	tdesc *t = NULL;
	char small[8];

	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_mem, &fs, NULL, 0),
		     RSP_EPROTO);
	memset(small, 'x', sizeof(small));
	cr_assert_eq(tdesc_load(&t, "target.xml", fetch_mem, &fs, small,
				sizeof(small)), RSP_EPROTO);
	cr_assert_eq(strlen(small), sizeof(small) - 1);
}

/* ---- lazy annexes ---------------------------------------------------------- */

/* Counts the fetches of the lazy annexes while serving
 * tests/rsp/data/<dir>/. */
typedef struct counted {
	const char *dir;
	const char *const *annexes;
	int count;
} counted;

static int fetch_counted(char **out, size_t *len, const char *annex, void *arg)
{
	counted *c = arg;

	for (size_t i = 0; c->annexes[i]; i++)
		c->count += !strcmp(annex, c->annexes[i]);
	return fetch_dir(out, len, annex, (void *)c->dir);
}

/* The lazy annexes of a description, NULL-terminated; the first is the
 * one tdesc_lazy_annex() names. */
typedef struct lazy_case {
	const char *dir;
	const char *annexes[3];
} lazy_case;

static const lazy_case lazy_cases[] = {
	{ "aarch64", { "system-registers.xml", NULL } },
	/* two in a row, as qemu-aarch64 describes its SVE CPU */
	{ "aarch64-sve", { "sve-registers.xml", "system-registers.xml", NULL } },
	{ "arm-m", { "system-registers.xml", NULL } },
	{ "riscv64", { "riscv-csr.xml", NULL } },
	{ "riscv32", { "riscv-csr.xml", NULL } },
};
static size_t lazy_index[sizeof(lazy_cases) / sizeof(lazy_cases[0])];

ParameterizedTestParameters(tdesc, lazy_load_is_a_prefix_of_the_whole)
{
	return index_params(lazy_index, sizeof(lazy_index) / sizeof(lazy_index[0]));
}

/* QEMU's own descriptions: the part read without the lazy annex is the
 * whole table's first registers, numbered and laid out the same. */
ParameterizedTest(size_t *i, tdesc, lazy_load_is_a_prefix_of_the_whole)
{
	const lazy_case *lc = &lazy_cases[*i];
	counted cnt = { lc->dir, lc->annexes, 0 };
	tdesc *part = NULL, *whole = load_arch(lc->dir);
	char err[256];

	cr_assert_eq(tdesc_load_lazy(&part, "target.xml", fetch_counted, &cnt,
				     lc->annexes, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cnt.count, 0, "%s: a lazy annex fetched", lc->dir);
	cr_expect(tdesc_partial(part));
	cr_expect_str_eq(tdesc_lazy_annex(part), lc->annexes[0]);
	cr_expect(!tdesc_partial(whole));
	/* (QEMU's M-profile system-registers.xml describes none) */
	cr_assert_leq(tdesc_count(part), tdesc_count(whole));
	for (size_t k = 0; k < tdesc_count(part); k++) {
		const rsp_reg *p = tdesc_at(part, k), *w = tdesc_at(whole, k);
		cr_expect_str_eq(p->name, w->name);
		cr_expect_eq(p->regnum, w->regnum, "%s", p->name);
		cr_expect_eq(p->bitsize, w->bitsize, "%s", p->name);
		cr_expect_eq(p->g_offset, w->g_offset, "%s", p->name);
	}
	tdesc_free(part);
	tdesc_free(whole);
}

/* `files` loaded with sys.xml lazy. */
static tdesc *load_lazy_sys(const mem_file *files)
{
	const char *lazy[] = { "sys.xml", NULL };
	mem_fs fs = { files, 0 };
	tdesc *t = NULL;
	char err[256];

	cr_assert_eq(tdesc_load_lazy(&t, "target.xml", fetch_mem, &fs, lazy, err,
				     sizeof(err)), 0, "%s", err);
	return t;
}

/* A register after the lazy include would be numbered one past the lazy
 * registers: the description is read whole instead. */
Test(tdesc, register_after_a_lazy_include_reads_it_whole)
{
	static const mem_file files[] = {
		{ "target.xml", "<target><xi:include href=\"sys.xml\"/>"
				"<feature name=\"late\"><reg name=\"late\" "
				"bitsize=\"32\"/></feature></target>" },
		{ "sys.xml", "<feature name=\"sys\"><reg name=\"s0\" "
			     "bitsize=\"64\"/></feature>" },
		{ NULL, NULL },
	};
	tdesc *t = load_lazy_sys(files);

	cr_expect(!tdesc_partial(t));
	cr_expect_eq(must_find(t, "s0")->regnum, 0);
	cr_expect_eq(must_find(t, "late")->regnum, 1);
	tdesc_free(t);
}

/* Only the root document's includes are left out. */
Test(tdesc, lazy_name_included_deeper_is_read_at_once)
{
	static const mem_file files[] = {
		{ "target.xml", "<target><xi:include href=\"core.xml\"/></target>" },
		{ "core.xml", "<feature name=\"core\"><reg name=\"r0\" "
			      "bitsize=\"32\"/><xi:include href=\"sys.xml\"/>"
			      "</feature>" },
		{ "sys.xml", "<reg name=\"s0\" bitsize=\"64\"/>" },
		{ NULL, NULL },
	};
	tdesc *t = load_lazy_sys(files);

	cr_expect(!tdesc_partial(t));
	cr_expect_eq(tdesc_count(t), 2);
	tdesc_free(t);
}

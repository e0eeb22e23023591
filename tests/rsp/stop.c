/*
 * Tests for rsp/stop.c: stop-reply vectors (real QEMU and gdbserver packets,
 * every field kind, and malformed ones), each parsed from the very end of a
 * page followed by an unmapped page, so that any read past `len` crashes.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rsp.h"

typedef struct vec {
	const char *name;
	const char *pkt;
	size_t len;              /* 0: strlen(pkt) */
	int rc;
	rsp_stop_kind kind;
	int signal;
	int exit_status;
	int has_thread;
	int pid_set;             /* check pid/tid even without thread: */
	int64_t pid, tid;        /* otherwise both must be -1 */
	int has_core, core;
	rsp_stop_reason reason;
	uint64_t watch_addr;
	size_t nregs;
	int reg0;                /* regnum of regs[0], when nregs > 0 */
	const char *reg0_hex;    /* its bytes, as hex in wire order */
	int reg_last;            /* regnum of regs[nregs - 1] */
	const char *call;        /* fileio_call; NULL: must be "" */
	size_t argc;
	uint64_t args[RSP_FILEIO_MAX_ARGS];
} vec;

#define BAD(n, p) { .name = n, .pkt = p, .rc = RSP_EPROTO }

static const vec vecs[] = {
	/* S */
	{ .name = "S", .pkt = "S05", .kind = RSP_STOP_SIGNAL, .signal = 5 },
	{ .name = "S upper hex", .pkt = "S1F", .kind = RSP_STOP_SIGNAL,
	  .signal = 31 },
	BAD("S one digit", "S5"),
	BAD("S three digits", "S051"),
	BAD("S not hex", "Sgg"),
	BAD("S empty", "S"),
	BAD("S with pairs", "S05thread:1;"),

	/* T: what QEMU 7.2 sends */
	{ .name = "qemu T", .pkt = "T05thread:p01.01;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .has_thread = 1, .pid = 1, .tid = 1 },
	{ .name = "qemu T no multiprocess", .pkt = "T05thread:01;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .has_thread = 1, .pid = -1,
	  .tid = 1 },
	{ .name = "qemu watch", .pkt = "T05thread:p01.02;watch:20001000;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .has_thread = 1, .pid = 1,
	  .tid = 2, .reason = RSP_REASON_WATCH, .watch_addr = 0x20001000 },
	/* T: what gdbserver sends */
	{ .name = "gdbserver T",
	  .pkt = "T0506:0000000000000000;07:e0e5ffffff7f0000;10:b005000000000000;"
		 "thread:p1f03.1f04;core:1;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .has_thread = 1, .pid = 0x1f03,
	  .tid = 0x1f04, .has_core = 1, .core = 1, .nregs = 3, .reg0 = 6,
	  .reg0_hex = "0000000000000000", .reg_last = 16 },
	{ .name = "gdbserver swbreak", .pkt = "T05swbreak:;thread:p2.2;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .reason = RSP_REASON_SWBREAK,
	  .has_thread = 1, .pid = 2, .tid = 2 },
	{ .name = "T bare", .pkt = "T05", .kind = RSP_STOP_SIGNAL, .signal = 5 },
	{ .name = "T last ; missing", .pkt = "T0b10:c0ffee00", .kind = RSP_STOP_SIGNAL,
	  .signal = 11, .nregs = 1, .reg0 = 16, .reg0_hex = "c0ffee00",
	  .reg_last = 16 },
	{ .name = "T hwbreak", .pkt = "T05hwbreak:;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_HWBREAK },
	/* QEMU replaying a recording, at either end of it */
	{ .name = "qemu replaylog begin", .pkt = "T05thread:p01.01;replaylog:begin;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .has_thread = 1, .pid = 1,
	  .tid = 1, .reason = RSP_REASON_REPLAY_BEGIN },
	{ .name = "qemu replaylog end", .pkt = "T05replaylog:end;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .reason = RSP_REASON_REPLAY_END },
	{ .name = "replaylog other", .pkt = "T05replaylog:middle;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .reason = RSP_REASON_OTHER },
	{ .name = "T rwatch", .pkt = "T05rwatch:1f;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_RWATCH, .watch_addr = 0x1f },
	{ .name = "T awatch 64-bit", .pkt = "T05awatch:ffffffffffff0000;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .reason = RSP_REASON_AWATCH,
	  .watch_addr = 0xffffffffffff0000ull },
	{ .name = "T library", .pkt = "T05library:;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_OTHER },
	{ .name = "T fork", .pkt = "T05fork:p2.2;thread:p1.1;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .reason = RSP_REASON_OTHER,
	  .has_thread = 1, .pid = 1, .tid = 1 },
	{ .name = "T exec", .pkt = "T05exec:2f62696e2f7368;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_OTHER },
	{ .name = "T clone", .pkt = "T05clone:p2.3;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_OTHER },
	{ .name = "T vfork/create/syscall",
	  .pkt = "T05vforkdone:;create:;syscall_entry:3c;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .reason = RSP_REASON_OTHER },
	{ .name = "T unknown key ignored", .pkt = "T05frobnicate:x:y;thread:3;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .has_thread = 1, .pid = -1,
	  .tid = 3 },
	{ .name = "T thread all", .pkt = "T05thread:-1;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .has_thread = 1, .pid = -1, .tid = -1 },
	{ .name = "T thread any", .pkt = "T05thread:0;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .has_thread = 1, .pid = -1, .tid = 0 },
	{ .name = "T process only", .pkt = "T05thread:p7;", .kind = RSP_STOP_SIGNAL,
	  .signal = 5, .has_thread = 1, .pid = 7, .tid = -1 },
	{ .name = "T 512-bit register",
	  .pkt = "T0520:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		 "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f;",
	  .kind = RSP_STOP_SIGNAL, .signal = 5, .nregs = 1, .reg0 = 32,
	  .reg0_hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
	  .reg_last = 32 },
	BAD("T 520-bit register",
	    "T0520:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40;"),
	BAD("T one digit", "T5"),
	BAD("T empty", "T"),
	BAD("T pair without colon", "T05thread;"),
	BAD("T empty key", "T05:12;"),
	BAD("T stray semicolon", "T05;"),
	BAD("T empty thread", "T05thread:;"),
	BAD("T thread junk", "T05thread:zz;"),
	BAD("T thread empty pid", "T05thread:p.1;"),
	BAD("T thread empty tid", "T05thread:p1.;"),
	BAD("T thread -2", "T05thread:-2;"),
	BAD("T thread too big", "T05thread:8000000000000000;"),
	BAD("T empty core", "T05core:;"),
	BAD("T core too big", "T05core:80000000;"),
	BAD("T empty watch", "T05watch:;"),
	BAD("T watch junk", "T05watch:12z;"),
	BAD("T watch 17 digits", "T05watch:10000000000000000;"),
	BAD("T odd register", "T0510:001;"),
	BAD("T empty register", "T0510:;"),
	BAD("T register junk", "T0510:zz;"),
	BAD("T regnum too big", "T05ffffffffff:00;"),
	{ .name = "T embedded NUL in key", .pkt = "T05a\0b:1;", .len = 9,
	  .kind = RSP_STOP_SIGNAL, .signal = 5 }, /* unknown key: ignored */
	{ .name = "T embedded NUL in value", .pkt = "T05thread:1\0;", .len = 13,
	  .rc = RSP_EPROTO },

	/* W and X */
	{ .name = "W 0", .pkt = "W00", .kind = RSP_STOP_EXITED },
	{ .name = "W 42", .pkt = "W2a", .kind = RSP_STOP_EXITED, .exit_status = 42 },
	{ .name = "W one digit", .pkt = "W7", .kind = RSP_STOP_EXITED,
	  .exit_status = 7 },
	{ .name = "W process", .pkt = "W01;process:1f", .kind = RSP_STOP_EXITED,
	  .exit_status = 1, .pid_set = 1, .pid = 0x1f, .tid = -1 },
	BAD("W empty", "W"),
	BAD("W junk", "Wzz"),
	BAD("W trailing ;", "W2a;"),
	BAD("W empty process", "W2a;process:"),
	BAD("W unknown suffix", "W2a;core:1"),
	BAD("W too wide", "W123456789"),
	{ .name = "X 9", .pkt = "X09", .kind = RSP_STOP_TERMINATED, .signal = 9 },
	{ .name = "X process", .pkt = "X0f;process:2", .kind = RSP_STOP_TERMINATED,
	  .signal = 15, .pid_set = 1, .pid = 2, .tid = -1 },
	BAD("X empty", "X"),

	/* F: File-I/O requests */
	{ .name = "F open", .pkt = "Fopen,1234/6,0,1a4", .kind = RSP_STOP_FILEIO,
	  .call = "open", .argc = 4, .args = { 0x1234, 6, 0, 0x1a4 } },
	{ .name = "F write", .pkt = "Fwrite,1,7ff0,20", .kind = RSP_STOP_FILEIO,
	  .call = "write", .argc = 3, .args = { 1, 0x7ff0, 0x20 } },
	{ .name = "F close", .pkt = "Fclose,3", .kind = RSP_STOP_FILEIO,
	  .call = "close", .argc = 1, .args = { 3 } },
	{ .name = "F lseek negative", .pkt = "Flseek,3,-10,1", .kind = RSP_STOP_FILEIO,
	  .call = "lseek", .argc = 3, .args = { 3, (uint64_t)-16, 1 } },
	{ .name = "F rename", .pkt = "Frename,100/5,200/6", .kind = RSP_STOP_FILEIO,
	  .call = "rename", .argc = 4, .args = { 0x100, 5, 0x200, 6 } },
	{ .name = "F gettimeofday", .pkt = "Fgettimeofday,1000,0",
	  .kind = RSP_STOP_FILEIO, .call = "gettimeofday", .argc = 2,
	  .args = { 0x1000 } },
	{ .name = "F 16 digits", .pkt = "Fread,0,ffffffffffffffff,1",
	  .kind = RSP_STOP_FILEIO, .call = "read", .argc = 3,
	  .args = { 0, UINT64_MAX, 1 } },
	{ .name = "F no args", .pkt = "Fsync_all", .kind = RSP_STOP_FILEIO,
	  .call = "sync_all" },
	{ .name = "F 8 args", .pkt = "Fx,1,2,3,4,5,6,7/8", .kind = RSP_STOP_FILEIO,
	  .call = "x", .argc = 8, .args = { 1, 2, 3, 4, 5, 6, 7, 8 } },
	BAD("F 9 args", "Fx,1,2,3,4,5,6,7,8,9"),
	BAD("F 9 args via pair", "Fx,1,2,3,4,5,6,7,8/9"),
	BAD("F empty", "F"),
	BAD("F no name", "F,1"),
	BAD("F name too long", "Fabcdefghijklmnop,1"),
	BAD("F name with digit", "Fwrite2,1"),
	BAD("F empty arg", "Fwrite,1,,2"),
	BAD("F trailing comma", "Fwrite,1,2,"),
	BAD("F empty length", "Fopen,100/,0,0"),
	BAD("F two slashes", "Fopen,100/5/6,0,0"),
	BAD("F junk arg", "Fread,zz"),
	BAD("F 17 digits", "Fread,10000000000000000"),
	BAD("F bare minus", "Flseek,3,-,0"),

	/* not stop replies */
	BAD("OK", "OK"),
	BAD("error", "E01"),
	BAD("console", "O48656c6c6f"),
	BAD("no resumed", "N"),
	{ .name = "empty", .pkt = "", .rc = RSP_EPROTO },
};

/* Indices, not pointers: each case runs in its own process. */
static size_t vec_index[sizeof(vecs) / sizeof(vecs[0])];

ParameterizedTestParameters(stop, vectors)
{
	for (size_t i = 0; i < sizeof(vec_index) / sizeof(vec_index[0]); i++)
		vec_index[i] = i;
	return cr_make_param_array(size_t, vec_index,
				   sizeof(vec_index) / sizeof(vec_index[0]));
}

/* Copies the packet to the end of a page whose successor is unmapped. */
static const char *guarded(void **map, size_t *maplen, const char *pkt,
			   size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(m, MAP_FAILED);
	cr_assert_eq(mprotect(m + page, page, PROT_NONE), 0);
	cr_assert_leq(len, page);
	memcpy(m + page - len, pkt, len);
	*map = m;
	*maplen = 2 * page;
	return m + page - len;
}

static void expect_reset(const rsp_stop *s, const char *name)
{
	cr_expect_eq(s->kind, RSP_STOP_NONE, "%s", name);
	cr_expect_eq(s->nregs, 0, "%s", name);
	cr_expect_eq(s->fileio_argc, 0, "%s", name);
	cr_expect_eq(s->has_thread, 0, "%s", name);
	cr_expect_eq(s->pid, -1, "%s", name);
	cr_expect_eq(s->tid, -1, "%s", name);
	cr_expect_eq(s->reason, RSP_REASON_NONE, "%s", name);
	cr_expect_str_empty(s->fileio_call, "%s", name);
}

static void expect_bytes(const rsp_stop_reg *r, const char *hex,
			 const char *name)
{
	size_t n = strlen(hex) / 2;

	cr_assert_eq(r->len, n, "%s: reg len", name);
	for (size_t i = 0; i < n; i++) {
		unsigned b;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &b), 1);
		cr_expect_eq(r->value[i], b, "%s: byte %zu", name, i);
	}
}

ParameterizedTest(size_t *i, stop, vectors)
{
	const vec *v = &vecs[*i];
	size_t len = v->len ? v->len : strlen(v->pkt), maplen;
	void *map;
	const char *pkt = guarded(&map, &maplen, v->pkt, len);
	rsp_stop s;

	memset(&s, 0xa5, sizeof(s)); /* the parser must define every field */
	cr_assert_eq(rsp_stop_parse(&s, pkt, len), v->rc, "%s", v->name);
	munmap(map, maplen);
	if (v->rc) {
		expect_reset(&s, v->name);
		return;
	}
	cr_expect_eq(s.kind, v->kind, "%s", v->name);
	cr_expect_eq(s.signal, v->signal, "%s: signal", v->name);
	cr_expect_eq(s.exit_status, v->exit_status, "%s: status", v->name);
	cr_expect_eq(s.has_thread, v->has_thread, "%s", v->name);
	cr_expect_eq(s.pid, v->has_thread || v->pid_set ? v->pid : -1,
		     "%s: pid", v->name);
	cr_expect_eq(s.tid, v->has_thread || v->pid_set ? v->tid : -1,
		     "%s: tid", v->name);
	cr_expect_eq(s.has_core, v->has_core, "%s", v->name);
	cr_expect_eq(s.core, v->core, "%s", v->name);
	cr_expect_eq(s.reason, v->reason, "%s: reason", v->name);
	cr_expect_eq(s.watch_addr, v->watch_addr, "%s", v->name);
	cr_assert_eq(s.nregs, v->nregs, "%s: nregs", v->name);
	if (v->nregs) {
		cr_expect_eq(s.regs[0].regnum, v->reg0, "%s", v->name);
		expect_bytes(&s.regs[0], v->reg0_hex, v->name);
		cr_expect_eq(s.regs[v->nregs - 1].regnum, v->reg_last, "%s",
			     v->name);
	}
	cr_expect_str_eq(s.fileio_call, v->call ? v->call : "", "%s", v->name);
	cr_assert_eq(s.fileio_argc, v->argc, "%s: argc", v->name);
	for (size_t k = 0; k < v->argc; k++)
		cr_expect_eq(s.fileio_args[k], v->args[k], "%s: arg %zu",
			     v->name, k);
}

Test(stop, len_bounds_the_packet)
{
	static const char buf[] = "T05thread:p01.01;";
	rsp_stop s;

	cr_assert_eq(rsp_stop_parse(&s, buf, 3), 0);
	cr_expect_eq(s.signal, 5);
	cr_expect_eq(s.has_thread, 0);
	/* Cut inside a pair: "thread:p0" is a valid pid-only thread. */
	cr_assert_eq(rsp_stop_parse(&s, buf, 12), 0);
	cr_expect_eq(s.pid, 0);
	cr_expect_eq(s.tid, -1);
	/* Cut before the colon: no value, malformed. */
	cr_assert_eq(rsp_stop_parse(&s, buf, 8), RSP_EPROTO);
}

Test(stop, null_packet)
{
	rsp_stop s;

	cr_assert_eq(rsp_stop_parse(&s, NULL, 0), RSP_EPROTO);
	expect_reset(&s, "null");
}

Test(stop, extra_registers_are_dropped_after_the_cap)
{
	char pkt[1024];
	size_t o = (size_t)snprintf(pkt, sizeof(pkt), "T05");
	rsp_stop s;

	for (int r = 0; r < RSP_STOP_MAX_REGS + 8; r++)
		o += (size_t)snprintf(pkt + o, sizeof(pkt) - o, "%x:%02x;", r, r);
	cr_assert_eq(rsp_stop_parse(&s, pkt, o), 0);
	cr_assert_eq(s.nregs, RSP_STOP_MAX_REGS);
	cr_expect_eq(s.regs[RSP_STOP_MAX_REGS - 1].regnum, RSP_STOP_MAX_REGS - 1);
	cr_expect_eq(s.regs[RSP_STOP_MAX_REGS - 1].value[0], RSP_STOP_MAX_REGS - 1);
	/* Dropped ones are still checked. */
	pkt[o - 2] = 'z';
	cr_assert_eq(rsp_stop_parse(&s, pkt, o), RSP_EPROTO);
}

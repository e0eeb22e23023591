/* Tests for src/semihost/semihost.c and src/semihost/semihost_ops.c: every operation against
 * an in-memory fake guest, in the 32-bit (arm, riscv32) and 64-bit
 * (aarch64, riscv64) layouts; hostile pointers and lengths; exits. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "semihost_fake.h"

#define TRAP 0x1000u
#define BLOCK 0x100u    /* parameter blocks */
#define STR 0x1000u     /* strings */
#define BUF 0x2000u     /* data buffers */

enum { OPEN = 1, CLOSE, WRITEC, WRITE0, WRITE, READ, READC, ISERROR, ISTTY,
       SEEK, FLEN = 0x0c, TMPNAM, REMOVE, RENAME, CLOCK, TIME, SYSTEM,
       ERRNO, GET_CMDLINE = 0x15, HEAPINFO, EXIT = 0x18, SYNCCACHE,
       EXIT_EXTENDED = 0x20, ELAPSED = 0x30, TICKFREQ };

static const target_desc t_arm = { .name = "arm", .ptr_size = 4,
	.pc_reg = "pc", .semihosting = TARGET_SEMIHOSTING_ARM,
	.sh_op_reg = "r0", .sh_arg_reg = "r1" };
static const target_desc t_a64 = { .name = "aarch64", .ptr_size = 8,
	.pc_reg = "pc", .semihosting = TARGET_SEMIHOSTING_ARM,
	.sh_op_reg = "x0", .sh_arg_reg = "x1" };
static const target_desc t_rv32 = { .name = "riscv32", .ptr_size = 4,
	.pc_reg = "pc", .semihosting = TARGET_SEMIHOSTING_RISCV,
	.sh_op_reg = "a0", .sh_arg_reg = "a1" };
static const target_desc t_rv64 = { .name = "riscv64", .ptr_size = 8,
	.pc_reg = "pc", .semihosting = TARGET_SEMIHOSTING_RISCV,
	.sh_op_reg = "a0", .sh_arg_reg = "a1" };
static const target_desc *const layouts[] = { &t_arm, &t_a64, &t_rv32,
					      &t_rv64 };
#define NLAYOUTS 4

typedef struct env {
	fake_guest *g;
	semihost *sh;
	semihost_target io;
	const target_desc *t;
	unsigned w;               /* word size */
	const char *op_reg, *arg_reg;
	unsigned skip;
	semihost_result res;
} env;

static void env_open(env *e, const target_desc *t, const semihost_config *over)
{
	semihost_config cfg;
	char err[256];

	memset(e, 0, sizeof(*e));
	e->g = fake_new();
	e->t = t;
	e->w = t->ptr_size;
	e->io = fake_io(e->g);
	if (over) {
		cfg = *over;
		cfg.root = e->g->root;
		cfg.output = fake_output;
		cfg.output_arg = e->g;
		cfg.warn = fake_warn;
		cfg.warn_arg = e->g;
	} else {
		fake_config(&cfg, e->g);
	}
	cr_assert_eq(semihost_new(&e->sh, &cfg, t, NULL, err, sizeof(err)), 0,
		     "%s", err);
	int rv = t->semihosting == TARGET_SEMIHOSTING_RISCV;
	e->op_reg = rv ? "a0" : e->w == 8 ? "x0" : "r0";
	e->arg_reg = rv ? "a1" : e->w == 8 ? "x1" : "r1";
	e->skip = rv ? 8 : 4;
	semihost_trap trap = { .addr = TRAP, .bp_kind = 4, .skip = e->skip,
			       .isa = SEMIHOST_ISA_A64 };
	cr_assert_eq(semihost_add_trap(e->sh, &trap), 0);
	fake_reg_set(e->op_reg, 0, e->g);
	fake_reg_set(e->arg_reg, 0, e->g);
	fake_reg_set("pc", TRAP, e->g);
}

static void env_close(env *e)
{
	semihost_free(e->sh);
	fake_free(e->g);
}

static uint64_t reg(env *e, const char *name)
{
	uint64_t v = 0;
	cr_assert_eq(fake_reg_get(&v, name, e->g), 0);
	return v;
}

static uint64_t minus1(const env *e)
{
	return e->w == 8 ? UINT64_MAX : UINT32_MAX;
}

/* One call with `arg` in the parameter register; the result register. */
static uint64_t call(env *e, uint64_t op, uint64_t arg)
{
	fake_reg_set(e->op_reg, op, e->g);
	fake_reg_set(e->arg_reg, arg, e->g);
	fake_reg_set("pc", TRAP, e->g);
	cr_assert_eq(semihost_handle(&e->res, e->sh, &e->io, TRAP), 0,
		     "%s", semihost_errmsg(e->sh));
	if (e->res.action == SEMIHOST_CONTINUE)
		cr_assert_eq(reg(e, "pc"), TRAP + e->skip);
	return reg(e, e->op_reg);
}

/* One call with a parameter block of `n` words of the caller's size. */
static uint64_t callv(env *e, uint64_t op, const uint64_t *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fake_put_word(e->g, BLOCK + i * e->w, e->w, words[i]);
	return call(e, op, fake_addr(BLOCK));
}

static uint64_t sys_errno(env *e)
{
	return call(e, ERRNO, 0);
}

static uint64_t put_str(env *e, uint64_t off, const char *s)
{
	fake_put(e->g, off, s, strlen(s) + 1);
	return fake_addr(off);
}

static uint64_t open_file(env *e, const char *name, uint64_t mode)
{
	uint64_t a[3] = { put_str(e, STR, name), mode, strlen(name) };
	return callv(e, OPEN, a, 3);
}

static void write_host(env *e, const char *name, const char *data)
{
	char path[256];
	FILE *f = fopen(fake_path(path, sizeof(path), e->g, name), "w");
	cr_assert(f);
	fputs(data, f);
	fclose(f);
}

static int host_exists(env *e, const char *name)
{
	char path[256];
	return access(fake_path(path, sizeof(path), e->g, name), F_OK) == 0;
}

Test(semihost, open_write_read_seek_flen_close_in_every_layout)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		uint64_t h = open_file(&e, "f.txt", 4); /* "w" */
		cr_assert(h != minus1(&e) && h != 0, "%s", layouts[l]->name);
		fake_put(e.g, BUF, "hello", 5);
		uint64_t w[3] = { h, fake_addr(BUF), 5 };
		cr_assert_eq(callv(&e, WRITE, w, 3), 0); /* 0 NOT written */
		uint64_t c[1] = { h };
		cr_assert_eq(callv(&e, CLOSE, c, 1), 0);
		cr_assert_eq(callv(&e, CLOSE, c, 1), minus1(&e));
		cr_assert_eq(sys_errno(&e), EBADF);

		h = open_file(&e, "f.txt", 0); /* "r" */
		cr_assert_neq(h, minus1(&e));
		uint64_t f[1] = { h };
		cr_assert_eq(callv(&e, FLEN, f, 1), 5);
		uint64_t s[2] = { h, 1 };
		cr_assert_eq(callv(&e, SEEK, s, 2), 0);
		memset(e.g->mem + BUF, 0, 16);
		uint64_t r[3] = { h, fake_addr(BUF), 10 };
		cr_assert_eq(callv(&e, READ, r, 3), 6); /* 4 of 10 read */
		cr_assert_arr_eq(e.g->mem + BUF, "ello", 4);
		cr_assert_eq(callv(&e, READ, r, 3), 10); /* end of file */
		cr_assert_eq(callv(&e, ISTTY, f, 1), 0);
		cr_assert_eq(callv(&e, CLOSE, f, 1), 0);
		env_close(&e);
	}
}

Test(semihost, open_modes_truncate_and_append)
{
	env e;
	env_open(&e, &t_arm, NULL);
	write_host(&e, "a.txt", "abc");
	uint64_t h = open_file(&e, "a.txt", 8); /* "a" */
	fake_put(e.g, BUF, "de", 2);
	uint64_t w[3] = { h, fake_addr(BUF), 2 };
	cr_assert_eq(callv(&e, WRITE, w, 3), 0);
	uint64_t f[1] = { h };
	cr_assert_eq(callv(&e, FLEN, f, 1), 5);
	callv(&e, CLOSE, f, 1);
	h = open_file(&e, "a.txt", 6); /* "w+": truncates */
	f[0] = h;
	cr_assert_eq(callv(&e, FLEN, f, 1), 0);
	cr_assert_eq(open_file(&e, "missing", 0), minus1(&e));
	cr_assert_eq(sys_errno(&e), ENOENT);
	cr_assert_eq(open_file(&e, "a.txt", 12), minus1(&e)); /* bad mode */
	cr_assert_eq(sys_errno(&e), EINVAL);
	env_close(&e);
}

Test(semihost, tt_is_stdin_stdout_stderr_by_mode)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		int p[2];
		cr_assert_eq(pipe(p), 0);
		cr_assert_eq(write(p[1], "in!", 3), 3);
		close(p[1]);
		semihost_config cfg;
		semihost_config_init(&cfg);
		cfg.stdin_fd = p[0];
		env_open(&e, layouts[l], &cfg);

		uint64_t out = open_file(&e, ":tt", 4);
		uint64_t err = open_file(&e, ":tt", 8);
		uint64_t in = open_file(&e, ":tt", 0);
		cr_assert_neq(out, minus1(&e));
		cr_assert_neq(err, minus1(&e));
		cr_assert_neq(in, minus1(&e));
		fake_put(e.g, BUF, "to-out", 6);
		uint64_t w[3] = { out, fake_addr(BUF), 6 };
		cr_assert_eq(callv(&e, WRITE, w, 3), 0);
		w[0] = err;
		w[2] = 3;
		cr_assert_eq(callv(&e, WRITE, w, 3), 0);
		cr_assert_str_eq(e.g->out[SEMIHOST_STREAM_STDOUT], "to-out");
		cr_assert_str_eq(e.g->out[SEMIHOST_STREAM_STDERR], "to-");
		uint64_t t[1] = { out };
		cr_assert_eq(callv(&e, ISTTY, t, 1), 1);
		uint64_t r[3] = { in, fake_addr(BUF + 100), 8 };
		cr_assert_eq(callv(&e, READ, r, 3), 5); /* 3 of 8 */
		cr_assert_arr_eq(e.g->mem + BUF + 100, "in!", 3);
		cr_assert_eq(callv(&e, READ, r, 3), 8); /* EOF */
		/* Writing to stdin, reading stdout: bad handles. */
		w[0] = in;
		cr_assert_eq(callv(&e, WRITE, w, 3), 3);
		cr_assert_eq(sys_errno(&e), EBADF);
		close(p[0]);
		env_close(&e);
	}
}

Test(semihost, readc_reads_stdin_and_eof_is_minus_one)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "Z", 1), 1);
	close(p[1]);
	semihost_config cfg;
	semihost_config_init(&cfg);
	cfg.stdin_fd = p[0];
	env e;
	env_open(&e, &t_rv64, &cfg);
	cr_assert_eq(call(&e, READC, 0), 'Z');
	cr_assert_eq(call(&e, READC, 0), minus1(&e));
	close(p[0]);
	env_close(&e);
}

Test(semihost, features_file_reports_exit_extended_and_stdout_stderr)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		uint64_t h = open_file(&e, ":semihosting-features", 1);
		cr_assert_neq(h, minus1(&e));
		uint64_t f[1] = { h };
		cr_assert_eq(callv(&e, FLEN, f, 1), 5);
		uint64_t r[3] = { h, fake_addr(BUF), 5 };
		cr_assert_eq(callv(&e, READ, r, 3), 0);
		cr_assert_arr_eq(e.g->mem + BUF, "SHFB\x03", 5);
		uint64_t s[2] = { h, 4 };
		cr_assert_eq(callv(&e, SEEK, s, 2), 0);
		cr_assert_eq(callv(&e, READ, r, 3), 4);
		cr_assert_eq(open_file(&e, ":semihosting-features", 4),
			     minus1(&e));
		cr_assert_eq(sys_errno(&e), EACCES);
		cr_assert_eq(host_exists(&e, ":semihosting-features"), 0);
		env_close(&e);
	}
}

Test(semihost, writec_and_write0_go_to_the_console_stream)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		fake_put(e.g, BUF, "x", 1);
		size_t writes = e.g->reg_writes;
		call(&e, WRITEC, fake_addr(BUF));
		/* 3 setup writes in call() + the PC: no result register. */
		cr_assert_eq(e.g->reg_writes, writes + 4);
		/* A string crossing a 256-byte boundary. */
		char s[600];
		memset(s, 'a', sizeof(s) - 1);
		s[sizeof(s) - 1] = '\0';
		put_str(&e, 0x3f0, s);
		call(&e, WRITE0, fake_addr(0x3f0));
		cr_assert_eq(e.g->out_len[SEMIHOST_STREAM_CONSOLE], 600);
		cr_assert_eq(e.g->out[SEMIHOST_STREAM_CONSOLE][0], 'x');
		cr_assert_eq(e.g->out[SEMIHOST_STREAM_CONSOLE][599], 'a');
		env_close(&e);
	}
}

Test(semihost, write0_without_nul_stops_at_the_fault)
{
	env e;
	env_open(&e, &t_arm, NULL);
	memset(e.g->mem + FAKE_SIZE - 10, 'q', 10);
	call(&e, WRITE0, fake_addr(FAKE_SIZE - 10));
	cr_assert_eq(e.g->out_len[SEMIHOST_STREAM_CONSOLE], 10);
	cr_assert_eq(sys_errno(&e), EFAULT);
	env_close(&e);
}

Test(semihost, iserror_follows_the_word_size)
{
	env e;
	env_open(&e, &t_arm, NULL);
	uint64_t v[1] = { 0xffffffffu };
	cr_assert_eq(callv(&e, ISERROR, v, 1), 1);
	v[0] = 5;
	cr_assert_eq(callv(&e, ISERROR, v, 1), 0);
	env_close(&e);
	env_open(&e, &t_a64, NULL);
	v[0] = 0xffffffffu; /* positive in 64 bits */
	cr_assert_eq(callv(&e, ISERROR, v, 1), 0);
	v[0] = UINT64_MAX;
	cr_assert_eq(callv(&e, ISERROR, v, 1), 1);
	env_close(&e);
}

Test(semihost, remove_and_rename_inside_the_root)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		write_host(&e, "old", "1");
		uint64_t a[4] = { put_str(&e, STR, "old"), 3,
				  put_str(&e, STR + 0x100, "new"), 3 };
		cr_assert_eq(callv(&e, RENAME, a, 4), 0);
		cr_assert(host_exists(&e, "new") && !host_exists(&e, "old"));
		uint64_t r[2] = { fake_addr(STR + 0x100), 3 };
		cr_assert_eq(callv(&e, REMOVE, r, 2), 0);
		cr_assert_eq(host_exists(&e, "new"), 0);
		cr_assert_eq(callv(&e, REMOVE, r, 2), minus1(&e));
		cr_assert_eq(sys_errno(&e), ENOENT);
		env_close(&e);
	}
}

Test(semihost, tmpnam_gives_a_relative_name_or_fails_when_short)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		uint64_t a[3] = { fake_addr(BUF), 7, 4 };
		cr_assert_eq(callv(&e, TMPNAM, a, 3), minus1(&e));
		a[2] = 64;
		cr_assert_eq(callv(&e, TMPNAM, a, 3), 0);
		const char *name = (const char *)e.g->mem + BUF;
		cr_assert(strlen(name) > 0 && strlen(name) < 64);
		cr_assert_neq(name[0], '/');
		cr_assert_null(strstr(name, ".."));
		env_close(&e);
	}
}

Test(semihost, time_clock_elapsed_tickfreq)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		time_t before = time(NULL);
		uint64_t t = call(&e, TIME, 0);
		cr_assert(t >= (uint64_t)before && t <= (uint64_t)time(NULL));
		uint64_t c1 = call(&e, CLOCK, 0);
		cr_assert_neq(c1, minus1(&e));
		cr_assert_eq(call(&e, TICKFREQ, 0), 1000000000u);
		memset(e.g->mem + BLOCK, 0xee, 16);
		cr_assert_eq(call(&e, ELAPSED, fake_addr(BLOCK)), 0);
		uint64_t t1 = e.w == 8 ? fake_get_word(e.g, BLOCK, 8) :
			      fake_get_word(e.g, BLOCK, 4) |
			      fake_get_word(e.g, BLOCK + 4, 4) << 32;
		cr_assert(t1 < 1000000000000u, "ticks since start");
		usleep(2000);
		cr_assert_eq(call(&e, ELAPSED, fake_addr(BLOCK)), 0);
		uint64_t t2 = e.w == 8 ? fake_get_word(e.g, BLOCK, 8) :
			      fake_get_word(e.g, BLOCK, 4) |
			      fake_get_word(e.g, BLOCK + 4, 4) << 32;
		cr_assert_gt(t2, t1);
		cr_assert_geq(call(&e, CLOCK, 0), c1);
		cr_assert_eq(call(&e, ELAPSED, fake_addr(FAKE_SIZE)),
			     minus1(&e));
		env_close(&e);
	}
}

Test(semihost, system_is_refused_unless_allowed)
{
	env e;
	env_open(&e, &t_a64, NULL);
	const char *cmd = "echo x > made";
	uint64_t a[2] = { put_str(&e, STR, cmd), strlen(cmd) };
	cr_assert_eq(callv(&e, SYSTEM, a, 2), minus1(&e));
	cr_assert_eq(sys_errno(&e), EPERM);
	cr_assert_eq(e.g->warnings, 1);
	cr_assert_eq(host_exists(&e, "made"), 0);
	env_close(&e);

	semihost_config cfg;
	semihost_config_init(&cfg);
	cfg.allow_system = 1;
	env_open(&e, &t_arm, &cfg);
	a[0] = put_str(&e, STR, cmd);
	cr_assert_eq(callv(&e, SYSTEM, a, 2), 0);
	cr_assert(host_exists(&e, "made"), "runs in the root");
	const char *three = "exit 3";
	a[0] = put_str(&e, STR, three);
	a[1] = strlen(three);
	cr_assert_eq(callv(&e, SYSTEM, a, 2), 3 << 8); /* a wait status */
	env_close(&e);
}

Test(semihost, get_cmdline_fills_buffer_and_length)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		semihost_config cfg;
		semihost_config_init(&cfg);
		cfg.cmdline = "prog a b";
		env e;
		env_open(&e, layouts[l], &cfg);
		uint64_t a[2] = { fake_addr(BUF), 64 };
		cr_assert_eq(callv(&e, GET_CMDLINE, a, 2), 0);
		cr_assert_str_eq((const char *)e.g->mem + BUF, "prog a b");
		cr_assert_eq(fake_get_word(e.g, BLOCK + e.w, e.w), 8);
		a[1] = 8; /* no room for the NUL */
		cr_assert_eq(callv(&e, GET_CMDLINE, a, 2), minus1(&e));
		cr_assert_eq(sys_errno(&e), E2BIG);
		env_close(&e);
	}
}

Test(semihost, heapinfo_writes_four_words_of_the_callers_size)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		semihost_config cfg;
		semihost_config_init(&cfg);
		cfg.has_heap = 1;
		cfg.heap_base = 0x20001000;
		cfg.heap_limit = 0x20008000;
		cfg.stack_base = 0x20010000;
		cfg.stack_limit = 0x20008000;
		env e;
		env_open(&e, layouts[l], &cfg);
		memset(e.g->mem + BUF, 0xee, 64);
		uint64_t a[1] = { fake_addr(BUF) };
		cr_assert_eq(callv(&e, HEAPINFO, a, 1), 0);
		cr_assert_eq(fake_get_word(e.g, BUF, e.w), 0x20001000);
		cr_assert_eq(fake_get_word(e.g, BUF + e.w, e.w), 0x20008000);
		cr_assert_eq(fake_get_word(e.g, BUF + 2 * e.w, e.w), 0x20010000);
		cr_assert_eq(fake_get_word(e.g, BUF + 3 * e.w, e.w), 0x20008000);
		cr_assert_eq(e.g->mem[BUF + 4 * e.w], 0xee, "no overrun");
		env_close(&e);
	}
}

Test(semihost, heapinfo_from_ram_when_nothing_else_is_known)
{
	semihost_config cfg;
	semihost_config_init(&cfg);
	cfg.ram_base = 0x40000000;
	cfg.ram_size = 0x08000000;
	env e;
	env_open(&e, &t_a64, &cfg);
	uint64_t a[1] = { fake_addr(BUF) };
	cr_assert_eq(callv(&e, HEAPINFO, a, 1), 0);
	cr_assert_eq(fake_get_word(e.g, BUF + 16, 8), 0x48000000, "stack top");
	cr_assert_eq(e.g->warnings, 0);
	env_close(&e);
}

Test(semihost, exit_32bit_reason_in_register)
{
	const target_desc *t32[] = { &t_arm, &t_rv32 };
	for (int l = 0; l < 2; l++) {
		env e;
		env_open(&e, t32[l], NULL);
		call(&e, EXIT, 0x20026);
		cr_assert_eq(e.res.action, SEMIHOST_EXIT);
		cr_assert_eq(e.res.status, 0);
		cr_assert_eq(reg(&e, "pc"), TRAP, "PC left at the trap");
		call(&e, EXIT, 0x20023);
		cr_assert_eq(e.res.action, SEMIHOST_FAIL);
		cr_assert_eq(e.res.status, 1);
		cr_assert_eq(e.res.reason, 0x20023);
		cr_assert(strstr(e.res.message, "RunTimeErrorUnknown"),
			  "%s", e.res.message);
		env_close(&e);
	}
}

Test(semihost, exit_64bit_and_exit_extended_use_a_block)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		uint64_t b[2] = { 0x20026, 3 };
		callv(&e, EXIT_EXTENDED, b, 2);
		cr_assert_eq(e.res.action, SEMIHOST_EXIT);
		cr_assert_eq(e.res.status, 3);
		b[1] = 0x1ff; /* a host keeps the low 8 bits */
		callv(&e, EXIT_EXTENDED, b, 2);
		cr_assert_eq(e.res.status, 0xff);
		if (e.w == 8) {
			b[1] = 42;
			callv(&e, EXIT, b, 2);
			cr_assert_eq(e.res.action, SEMIHOST_EXIT);
			cr_assert_eq(e.res.status, 42);
		}
		b[0] = 0x20024;
		callv(&e, EXIT_EXTENDED, b, 2);
		cr_assert_eq(e.res.action, SEMIHOST_FAIL);
		cr_assert(strstr(e.res.message, "InternalError"));
		/* An unreadable block is the guest's fault: -1, go on. */
		cr_assert_eq(call(&e, EXIT_EXTENDED, fake_addr(FAKE_SIZE)),
			     minus1(&e));
		cr_assert_eq(e.res.action, SEMIHOST_CONTINUE);
		env_close(&e);
	}
}

Test(semihost, unknown_operation_warns_and_returns_minus_one)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		cr_assert_eq(call(&e, 0x99, 0), minus1(&e));
		cr_assert_eq(e.res.action, SEMIHOST_CONTINUE);
		cr_assert_eq(e.g->warnings, 1);
		cr_assert(strstr(e.g->warning, "0x99"), "%s", e.g->warning);
		/* SYNCCACHE exists only for A64. */
		uint64_t r = call(&e, SYNCCACHE, fake_addr(BLOCK));
		if (layouts[l] == &t_a64)
			cr_assert_eq(r, 0);
		else
			cr_assert_eq(r, minus1(&e));
		env_close(&e);
	}
}

Test(semihost, riscv_moves_pc_past_the_whole_sequence)
{
	env e;
	env_open(&e, &t_rv32, NULL);
	call(&e, TICKFREQ, 0);
	cr_assert_eq(reg(&e, "pc"), TRAP + 8);
	env_close(&e);
}

Test(semihost, pc_that_is_not_a_trap)
{
	env e;
	env_open(&e, &t_arm, NULL);
	cr_assert_eq(semihost_is_trap(e.sh, TRAP), 1);
	cr_assert_eq(semihost_is_trap(e.sh, TRAP + 4), 0);
	cr_assert_eq(semihost_handle(&e.res, e.sh, &e.io, TRAP + 4),
		     SEMIHOST_ENOTTRAP);
	size_t n;
	const semihost_trap *t = semihost_traps(e.sh, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(t[0].addr, TRAP);
	env_close(&e);
}

Test(semihost, stub_failures_are_errors_with_a_message)
{
	env e;
	env_open(&e, &t_arm, NULL);
	e.g->fail_regs = 1;
	cr_assert_eq(semihost_handle(&e.res, e.sh, &e.io, TRAP), SEMIHOST_EIO);
	cr_assert(strstr(semihost_errmsg(e.sh), "r0"));
	e.g->fail_regs = 0;
	e.g->fail_mem = 1;
	fake_reg_set("r0", CLOSE, e.g);
	fake_reg_set("r1", fake_addr(BLOCK), e.g);
	cr_assert_eq(semihost_handle(&e.res, e.sh, &e.io, TRAP), SEMIHOST_EIO);
	cr_assert(strstr(semihost_errmsg(e.sh), "memory"));
	env_close(&e);
}

Test(semihost, hostile_pointers_and_lengths)
{
	for (int l = 0; l < NLAYOUTS; l++) {
		env e;
		env_open(&e, layouts[l], NULL);
		/* Parameter block outside memory. */
		cr_assert_eq(call(&e, OPEN, 0x10), minus1(&e));
		cr_assert_eq(sys_errno(&e), EFAULT);
		/* Path pointer outside memory. */
		uint64_t o[3] = { 0x10, 0, 4 };
		cr_assert_eq(callv(&e, OPEN, o, 3), minus1(&e));
		cr_assert_eq(sys_errno(&e), EFAULT);
		/* Path longer than PATH_MAX. */
		o[0] = fake_addr(STR);
		o[2] = 5000;
		cr_assert_eq(callv(&e, OPEN, o, 3), minus1(&e));
		cr_assert_eq(sys_errno(&e), ENAMETOOLONG);
		/* A huge length wrapping the address space. */
		o[2] = minus1(&e);
		cr_assert_eq(callv(&e, OPEN, o, 3), minus1(&e));
		/* WRITE of 4 GiB - 1 from a valid buffer: chunked, stops at
		 * the end of memory, reports what was not written. */
		uint64_t h = open_file(&e, "big", 4);
		uint64_t w[3] = { h, fake_addr(BUF), 0xffffffffu };
		uint64_t left = callv(&e, WRITE, w, 3);
		cr_assert_eq(left, 0xffffffffu - (FAKE_SIZE - BUF));
		cr_assert_leq(e.g->max_request, SEMIHOST_IO_CHUNK);
		cr_assert_eq(sys_errno(&e), EFAULT);
		uint64_t c[1] = { h };
		cr_assert_eq(callv(&e, FLEN, c, 1), FAKE_SIZE - BUF);
		callv(&e, CLOSE, c, 1);
		/* READ of 4 GiB - 1: stops at end of file. */
		h = open_file(&e, "big", 0);
		uint64_t r[3] = { h, fake_addr(BUF), 0xffffffffu };
		cr_assert_eq(callv(&e, READ, r, 3),
			     0xffffffffu - (FAKE_SIZE - BUF));
		cr_assert_leq(e.g->max_request, SEMIHOST_IO_CHUNK);
		/* Handles that were never opened. */
		uint64_t bad[3] = { 0, fake_addr(BUF), 7 };
		cr_assert_eq(callv(&e, WRITE, bad, 3), 7);
		bad[0] = 1000;
		cr_assert_eq(callv(&e, READ, bad, 3), 7);
		cr_assert_eq(sys_errno(&e), EBADF);
		cr_assert_eq(callv(&e, FLEN, bad, 1), minus1(&e));
		cr_assert_eq(callv(&e, SEEK, bad, 2), minus1(&e));
		cr_assert_eq(callv(&e, ISTTY, bad, 1), minus1(&e));
		/* Results into unmapped memory. */
		uint64_t cl[2] = { 0x10, 64 };
		cr_assert_eq(callv(&e, GET_CMDLINE, cl, 2), minus1(&e));
		uint64_t hi[1] = { 0x10 };
		cr_assert_eq(callv(&e, HEAPINFO, hi, 1), minus1(&e));
		uint64_t tn[3] = { 0x10, 1, 64 };
		cr_assert_eq(callv(&e, TMPNAM, tn, 3), minus1(&e));
		env_close(&e);
	}
}

Test(semihost, sandbox_escapes_are_refused_with_a_warning)
{
	static const char *const bad[] = { "../x", "/etc/passwd",
		"a/../../x", "..", "link/passwd", "flink" };
	env e;
	env_open(&e, &t_a64, NULL);
	char path[256];
	cr_assert_eq(symlink("/etc", fake_path(path, sizeof(path), e.g,
					       "link")), 0);
	cr_assert_eq(symlink("/etc/passwd", fake_path(path, sizeof(path), e.g,
						      "flink")), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int before = e.g->warnings;
		cr_assert_eq(open_file(&e, bad[i], 0), minus1(&e), "%s", bad[i]);
		cr_assert_eq(sys_errno(&e), EACCES, "%s", bad[i]);
		cr_assert_eq(e.g->warnings, before + 1, "%s", bad[i]);
	}
	/* Removing and renaming through escapes too. */
	uint64_t r[2] = { put_str(&e, STR, "../victim"), 9 };
	cr_assert_eq(callv(&e, REMOVE, r, 2), minus1(&e));
	uint64_t rn[4] = { put_str(&e, STR, "flink"), 5,
			   put_str(&e, STR + 0x100, "/tmp/x"), 6 };
	cr_assert_eq(callv(&e, RENAME, rn, 4), minus1(&e));
	env_close(&e);
}

Test(semihost, file_table_is_bounded)
{
	env e;
	env_open(&e, &t_arm, NULL);
	write_host(&e, "f", "x");
	int opened = 0;
	for (int i = 0; i < 100; i++) {
		if (open_file(&e, "f", 0) == minus1(&e))
			break;
		opened++;
	}
	cr_assert(opened >= 16 && opened < 100, "opened %d", opened);
	cr_assert_eq(sys_errno(&e), EMFILE);
	env_close(&e);
}

Test(semihost, op_names_and_bad_targets)
{
	cr_assert_str_eq(semihost_op_name(0x04), "SYS_WRITE0");
	cr_assert_str_eq(semihost_op_name(0x20), "SYS_EXIT_EXTENDED");
	cr_assert_null(semihost_op_name(0x99));
	target_desc none = t_arm;
	none.semihosting = TARGET_SEMIHOSTING_NONE;
	semihost_config cfg;
	semihost_config_init(&cfg);
	semihost *sh = (semihost *)1;
	char err[128] = "";
	cr_assert_eq(semihost_new(&sh, &cfg, &none, NULL, err, sizeof(err)),
		     SEMIHOST_EINVAL);
	cr_assert_null(sh);
	cr_assert(err[0]);
	cfg.root = "/nonexistent/dir";
	cr_assert_eq(semihost_new(&sh, &cfg, &t_arm, NULL, err, sizeof(err)),
		     SEMIHOST_EINVAL);
	cr_assert(strstr(err, "/nonexistent/dir"));
	semihost_free(NULL);
}

/* An Arm image whose data holds a variable named __heap_limit (as newlib's
 * does) below `end`: HEAPINFO must not take its address for the limit. */
static const char heap_asm[] =
	"\t.syntax unified\n\t.thumb\n\t.text\n\t.globl _start\n"
	"_start:\n\tbkpt #0xab\n\tb _start\n"
	"\t.data\n\t.globl __heap_limit\n__heap_limit:\n\t.word 0\n";

Test(semihost, heapinfo_from_image_symbols_ignores_variables)
{
	char dir[] = "/tmp/stubrun-heap-XXXXXX", src[64], elf[64], cmd[320];
	char err[256] = "";
	image *img = NULL;
	semihost *sh = NULL;

	if (system("command -v arm-none-eabi-gcc >/dev/null 2>&1") != 0)
		cr_skip_test("arm-none-eabi-gcc not installed");
	fake_guest *g = fake_new();
	cr_assert(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/h.s", dir);
	snprintf(elf, sizeof(elf), "%s/h.elf", dir);
	FILE *f = fopen(src, "w");
	cr_assert(f);
	fputs(heap_asm, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "arm-none-eabi-gcc -mcpu=cortex-m3 -nostdlib "
		 "-Ttext=0x0 -Tdata=0x20000000 -Wl,--defsym=__stack=0x20400000 "
		 "-o %s %s", elf, src);
	int rc = system(cmd);
	if (rc == 0)
		rc = image_open(&img, elf, 0, 0, err, sizeof(err));
	semihost_config cfg;
	fake_config(&cfg, g);
	if (rc == 0)
		rc = semihost_new(&sh, &cfg, &t_arm, img, err, sizeof(err));
	unlink(elf);
	unlink(src);
	rmdir(dir);
	cr_assert_eq(rc, 0, "%s", err);

	size_t n;
	const semihost_trap *t = semihost_traps(sh, &n);
	cr_assert_eq(n, 1, "the bkpt");
	cr_assert_eq(t[0].addr, 0);
	semihost_target io = fake_io(g);
	fake_reg_set("r0", HEAPINFO, g);
	fake_reg_set("r1", fake_addr(BLOCK), g);
	fake_reg_set("pc", 0, g);
	fake_put_word(g, BLOCK, 4, fake_addr(BUF));
	semihost_result res;
	cr_assert_eq(semihost_handle(&res, sh, &io, 0), 0);
	uint64_t base = fake_get_word(g, BUF, 4);
	cr_assert_geq(base, 0x20000004, "after .data");
	cr_assert_lt(base, 0x20001000);
	cr_assert_eq(fake_get_word(g, BUF + 4, 4), 0x20400000, "limit: stack");
	cr_assert_eq(fake_get_word(g, BUF + 8, 4), 0x20400000, "__stack");
	cr_assert_eq(fake_get_word(g, BUF + 12, 4), base);
	cr_assert_eq(g->warnings, 0);
	semihost_free(sh);
	image_free(img);
	fake_free(g);
}

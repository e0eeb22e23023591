/* libFuzzer harness for the semihosting operations (src/semihost/): one
 * trap serviced per input chunk, with the operation number, the parameter
 * register and all of guest memory taken from the input, on an Arm and a
 * RISC-V target, confined to a scratch sandbox directory. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "semihost.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define BASE 0x1000u
#define MEM 4096u
#define TRAP 0x800u

/* Under build/fuzz/ (the harnesses run from the top of the tree): a
 * crashing input leaves the sandbox there, not in /tmp. */
static char root[] = "build/fuzz/scratch-sh-XXXXXX";

typedef struct guest {
	uint8_t mem[MEM];
	uint64_t op, arg, pc;
	int rv;
} guest;

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void remove_root(void)
{
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(root))
		abort();
	atexit(remove_root);
	return 0;
}

static uint64_t *reg(guest *g, const char *name)
{
	if (!strcmp(name, "pc"))
		return &g->pc;
	if (!strcmp(name, g->rv ? "a0" : "x0") || !strcmp(name, "r0"))
		return &g->op;
	if (!strcmp(name, g->rv ? "a1" : "x1") || !strcmp(name, "r1"))
		return &g->arg;
	return NULL;
}

static int reg_get(uint64_t *value, const char *name, void *arg)
{
	uint64_t *r = reg(arg, name);

	if (!r)
		return -7;
	*value = *r;
	return 0;
}

static int reg_set(const char *name, uint64_t value, void *arg)
{
	uint64_t *r = reg(arg, name);

	if (!r)
		return -7;
	*r = value;
	return 0;
}

static int in_range(uint64_t addr, size_t len)
{
	return addr >= BASE && len <= MEM && addr - BASE <= MEM - len;
}

static int mem_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	guest *g = arg;

	if (!in_range(addr, len))
		return SEMIHOST_IO_FAULT;
	memcpy(buf, g->mem + (addr - BASE), len);
	return 0;
}

static int mem_write(uint64_t addr, const void *buf, size_t len, void *arg)
{
	guest *g = arg;

	if (!in_range(addr, len))
		return SEMIHOST_IO_FAULT;
	memcpy(g->mem + (addr - BASE), buf, len);
	return 0;
}

static uint64_t take(const uint8_t **p, size_t *n, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

/* One call: op (1 byte, the SYS_* numbers are small), parameter (2 bytes,
 * an address near guest memory), then memory from what follows. */
static void one_call(semihost *sh, guest *g, const uint8_t **p, size_t *n)
{
	semihost_target io = { reg_get, reg_set, mem_read, mem_write, g };
	semihost_result res;
	size_t fill;

	g->op = take(p, n, 1);
	g->arg = BASE - 0x100 + take(p, n, 2);
	g->pc = TRAP;
	fill = *n < 256 ? *n : 256;
	memset(g->mem, 0, sizeof(g->mem));
	memcpy(g->mem, *p, fill);
	if (semihost_handle(&res, sh, &io, TRAP) == 0 &&
	    res.action == SEMIHOST_CONTINUE && g->pc == TRAP)
		abort(); /* a serviced call moves the PC past the trap */
}

static void on_target(const char *arch, const uint8_t *data, size_t size)
{
	const target_desc *t = target_by_name(arch);
	semihost_config cfg;
	semihost *sh = NULL;
	guest g = { .rv = arch[0] == 'r' };
	char err[256];
	semihost_trap trap = { .addr = TRAP, .bp_kind = 4, .skip = g.rv ? 8 : 4,
			       .isa = g.rv ? SEMIHOST_ISA_RV64 : SEMIHOST_ISA_A64 };

	semihost_config_init(&cfg);
	cfg.root = root;
	cfg.ram_base = BASE;
	cfg.ram_size = MEM;
	if (!t || semihost_new(&sh, &cfg, t, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", arch, err);
		abort();
	}
	if (semihost_add_trap(sh, &trap) < 0)
		abort();
	for (int calls = 0; size > 0 && calls < 16; calls++) {
		size_t used;
		one_call(sh, &g, &data, &size);
		used = size < 256 ? size : 256; /* the memory it was given */
		data += used;
		size -= used;
	}
	semihost_free(sh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	on_target("aarch64", data, size);
	on_target("riscv64", data, size);
	return 0;
}

/*
 * An in-memory fake guest for the semihosting unit tests: one block of
 * memory at a base address (anything outside it faults, like QEMU's E14),
 * a few named registers, captured console output and warnings, and a
 * scratch sandbox directory removed at the end. Static inline functions
 * only, so each test file that includes it gets its own copy.
 */
#ifndef TESTS_SRC_SEMIHOST_FAKE_H
#define TESTS_SRC_SEMIHOST_FAKE_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "semihost.h"

#define FAKE_BASE 0x20000000u
#define FAKE_SIZE 0x10000u
#define FAKE_NREGS 8

typedef struct fake_guest {
	uint8_t mem[FAKE_SIZE];
	struct {
		char name[8];
		uint64_t value;
	} regs[FAKE_NREGS];
	int fail_regs;        /* reg callbacks fail fatally */
	int fail_mem;         /* mem callbacks fail fatally */
	size_t max_request;   /* largest memory request seen */
	size_t reg_writes;
	/* captured output by stream, and the last warning */
	char out[3][8192];
	size_t out_len[3];
	char warning[256];
	int warnings;
	char root[64];        /* sandbox directory */
} fake_guest;

static inline int fake_reg_get(uint64_t *value, const char *name,
			       void *arg)
{
	fake_guest *g = arg;
	if (g->fail_regs)
		return -5;
	for (int i = 0; i < FAKE_NREGS; i++) {
		if (strcmp(g->regs[i].name, name) == 0) {
			*value = g->regs[i].value;
			return 0;
		}
	}
	return -7;
}

static inline int fake_reg_set(const char *name, uint64_t value, void *arg)
{
	fake_guest *g = arg;
	if (g->fail_regs)
		return -5;
	g->reg_writes++;
	for (int i = 0; i < FAKE_NREGS; i++) {
		if (strcmp(g->regs[i].name, name) == 0 || !g->regs[i].name[0]) {
			snprintf(g->regs[i].name, sizeof(g->regs[i].name), "%s",
				 name);
			g->regs[i].value = value;
			return 0;
		}
	}
	return -7;
}

static inline int fake_in_range(uint64_t addr, size_t len)
{
	return addr >= FAKE_BASE && len <= FAKE_SIZE &&
	       addr - FAKE_BASE <= FAKE_SIZE - len;
}

static inline int fake_mem_read(void *buf, uint64_t addr, size_t len,
				void *arg)
{
	fake_guest *g = arg;
	if (len > g->max_request)
		g->max_request = len;
	if (g->fail_mem)
		return -2;
	if (!fake_in_range(addr, len))
		return SEMIHOST_IO_FAULT;
	memcpy(buf, g->mem + (addr - FAKE_BASE), len);
	return 0;
}

static inline int fake_mem_write(uint64_t addr, const void *buf, size_t len,
				 void *arg)
{
	fake_guest *g = arg;
	if (len > g->max_request)
		g->max_request = len;
	if (g->fail_mem)
		return -2;
	if (!fake_in_range(addr, len))
		return SEMIHOST_IO_FAULT;
	memcpy(g->mem + (addr - FAKE_BASE), buf, len);
	return 0;
}

static inline void fake_output(int stream, const char *data, size_t len,
			       void *arg)
{
	fake_guest *g = arg;
	cr_assert(stream >= 0 && stream <= 2);
	size_t room = sizeof(g->out[0]) - 1 - g->out_len[stream];
	if (len > room)
		len = room;
	memcpy(g->out[stream] + g->out_len[stream], data, len);
	g->out_len[stream] += len;
	g->out[stream][g->out_len[stream]] = '\0';
}

static inline void fake_warn(const char *msg, void *arg)
{
	fake_guest *g = arg;
	snprintf(g->warning, sizeof(g->warning), "%s", msg);
	g->warnings++;
}

static inline semihost_target fake_io(fake_guest *g)
{
	semihost_target io = { fake_reg_get, fake_reg_set, fake_mem_read,
			       fake_mem_write, g };
	return io;
}

static inline fake_guest *fake_new(void)
{
	fake_guest *g = calloc(1, sizeof(*g));
	cr_assert(g);
	snprintf(g->root, sizeof(g->root), "/tmp/stubrun-sh-XXXXXX");
	cr_assert(mkdtemp(g->root));
	return g;
}

static inline int fake_rm(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void fake_free(fake_guest *g)
{
	if (!g)
		return;
	nftw(g->root, fake_rm, 8, FTW_DEPTH | FTW_PHYS);
	free(g);
}

static inline void fake_config(semihost_config *cfg, fake_guest *g)
{
	semihost_config_init(cfg);
	cfg->root = g->root;
	cfg->output = fake_output;
	cfg->output_arg = g;
	cfg->warn = fake_warn;
	cfg->warn_arg = g;
}

/* Guest address of offset `off` in the fake memory. */
static inline uint64_t fake_addr(uint64_t off)
{
	return FAKE_BASE + off;
}

static inline void fake_put(fake_guest *g, uint64_t off, const void *data,
			    size_t len)
{
	cr_assert(off + len <= FAKE_SIZE);
	memcpy(g->mem + off, data, len);
}

/* A little-endian word of `size` bytes. */
static inline void fake_put_word(fake_guest *g, uint64_t off, unsigned size,
			  uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		g->mem[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t fake_get_word(const fake_guest *g, uint64_t off,
				     unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)g->mem[off + i] << (8 * i);
	return v;
}

/* Path of `name` inside the sandbox. */
static inline const char *fake_path(char *buf, size_t len, const fake_guest *g,
			     const char *name)
{
	snprintf(buf, len, "%s/%s", g->root, name);
	return buf;
}

#endif

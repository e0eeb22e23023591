/* libFuzzer harness for the targets' fault catch (each target's `faults`:
 * targets/arm.c, aarch64.c, riscv.c, x86.c): what the guest's registers,
 * its memory and QEMU's monitor say at a vector entry is the guest's to
 * choose. Byte 0 picks the target, byte 1 an entry id asked about beside
 * those vectors() names; the rest answers every register read (8 bytes at
 * an offset the register's name picks; a slice starting 0xff is a failed
 * read), every memory read (bytes from an offset the address picks; an
 * address whose low byte is 0xee fails) and the monitor (the rest as
 * text), and is scanned for vector-base writes, each predicted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fake {
	const uint8_t *p;          /* a private copy of the rest */
	size_t n;
} fake;

static size_t name_hash(const char *name)
{
	size_t h = 5381;

	for (const char *c = name; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return h;
}

static int fake_reg(uint64_t *v, int *bits, const char *name, void *arg)
{
	const fake *f = arg;
	size_t at;

	*v = 0;
	*bits = 64;
	if (f->n == 0)
		return -1;
	at = name_hash(name) % f->n;
	if (f->p[at] == 0xff)
		return -1;
	for (size_t i = 0; i < 8; i++)
		*v |= (uint64_t)f->p[(at + i) % f->n] << (8 * i);
	return 0;
}

static int fake_mem(void *buf, uint64_t addr, size_t len, void *arg)
{
	const fake *f = arg;
	uint8_t *out = buf;

	if (f->n == 0 || (addr & 0xff) == 0xee)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = f->p[(addr + i) % f->n];
	return 0;
}

static int fake_monitor(char **out, const char *cmd, void *arg)
{
	const fake *f = arg;

	(void)cmd;
	if (!(*out = malloc(f->n + 1)))
		return -1;
	memcpy(*out, f->p, f->n);
	(*out)[f->n] = '\0';
	return 0;
}

static void decode(const target_faults *tf, int id, const target_io *io)
{
	target_fault fault;

	if (tf->decode(&fault, id, io) == 1 &&
	    !memchr(fault.what, '\0', sizeof(fault.what)))
		abort(); /* the fault's name is a string */
}

/* Every vector-base write in the rest, at the target's alignment, and
 * what predict() makes of it. */
static void scan_writes(const target_faults *tf, const fake *f,
			const target_io *io)
{
	size_t base;
	uint64_t value;

	for (size_t off = 0; tf->vector_write && off < f->n;
	     off += tf->write_align ? tf->write_align : 1) {
		unsigned len = tf->vector_write(f->p + off, f->n - off);
		if (len > f->n - off)
			abort(); /* a write longer than the bytes it was in */
		if (len && tf->predict &&
		    tf->predict(&base, &value, f->p + off, len, io) == 1 &&
		    base >= TARGET_BASES_MAX)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const target_desc *t;
	target_vector v[TARGET_VECTORS_MAX];
	size_t ntargets = 0, n = 0;
	uint8_t *rest;
	fake f;

	if (size < 2)
		return 0;
	while (target_table[ntargets])
		ntargets++;
	t = target_table[data[0] % ntargets];
	if (!t->faults || !(rest = malloc(size - 2 ? size - 2 : 1)))
		return 0;
	/* An exact-size copy: ASan flags any read past it. */
	memcpy(rest, data + 2, size - 2);
	f = (fake){ rest, size - 2 };
	target_io io = { fake_reg, fake_mem, fake_monitor, &f };
	if (t->faults->vectors(v, &n, &io) == 0) {
		if (n > TARGET_VECTORS_MAX)
			abort();
		for (size_t i = 0; i < n; i++)
			decode(t->faults, v[i].id, &io);
	}
	decode(t->faults, (int8_t)data[1] * 3, &io);
	scan_writes(t->faults, &f, &io);
	free(rest);
	return 0;
}

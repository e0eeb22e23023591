/* What the x86 targets share beyond their descriptions: register aliases
 * (names QEMU's target.xml does not carry) and the IDT fault catch. */
#include "x86.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The 8- and 16-bit parts of the general registers, by their base names. */
#define X86_SUBREGS(a, b, c, d, si, di, bp, ip)                               \
	{ "al", a, 0, 8 }, { "ah", a, 8, 8 }, { "ax", a, 0, 16 },            \
	{ "bl", b, 0, 8 }, { "bh", b, 8, 8 }, { "bx", b, 0, 16 },            \
	{ "cl", c, 0, 8 }, { "ch", c, 8, 8 }, { "cx", c, 0, 16 },            \
	{ "dl", d, 0, 8 }, { "dh", d, 8, 8 }, { "dx", d, 0, 16 },            \
	{ "si", si, 0, 16 }, { "di", di, 0, 16 },                            \
	{ "bp", bp, 0, 16 }, { "ip", ip, 0, 16 }

const target_alias target_x86_aliases32[] = {
	X86_SUBREGS("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "eip"),
	{ NULL, NULL, 0, 0 },
};

const target_alias target_x86_aliases64[] = {
	X86_SUBREGS("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rip"),
	{ "eax", "rax", 0, 32 }, { "ebx", "rbx", 0, 32 },
	{ "ecx", "rcx", 0, 32 }, { "edx", "rdx", 0, 32 },
	{ "esi", "rsi", 0, 32 }, { "edi", "rdi", 0, 32 },
	{ "ebp", "rbp", 0, 32 }, { "esp", "rsp", 0, 32 },
	{ "eip", "rip", 0, 32 },
	{ NULL, NULL, 0, 0 },
};

/*
 * Fault catch (Intel SDM vol. 3, 6.10-6.15): the IDT's gates of the
 * faults a kernel test hits, once the guest has loaded an IDT (QEMU's
 * target.xml has no IDTR: its base and limit come from the monitor's
 * `info registers`). A fault entered there is decoded from the frame the
 * CPU pushed: the error code, the faulting IP, and CR2 for a page fault.
 */
static const struct x86_exc {
	int vector;
	const char *name;
	int errcode;              /* the CPU pushes an error code */
} x86_excs[] = {
	{ 0, "#DE divide error", 0 },
	{ 6, "#UD invalid opcode", 0 },
	{ 8, "#DF double fault", 1 },
	{ 13, "#GP general protection fault", 1 },
	{ 14, "#PF page fault", 1 },
};

#define X86_NEXC (sizeof(x86_excs) / sizeof(x86_excs[0]))
/* An entry id with this bit set: one handler serves several of the
 * vectors (bits 0-7 of id are the set's index mask then). */
#define X86_SHARED 0x100
#define EFER_LMA (1u << 10)

/* Long mode (EFER.LMA): 16-byte gates and 8-byte pushes. */
static int x86_long_mode(const target_io *io)
{
	uint64_t efer;
	int bits;

	return io->reg(&efer, &bits, "efer", io->arg) == 0 && (efer & EFER_LMA);
}

/* "IDT=     0000000000100c80 0000007f": base and limit. */
static int x86_idtr(uint64_t *base, uint64_t *limit, const target_io *io)
{
	char *text = NULL, *at, *end;
	int ok = 0;

	if (!io->monitor || io->monitor(&text, "info registers", io->arg) < 0 || !text)
		return -1;
	if ((at = strstr(text, "IDT=")) != NULL) {
		*base = strtoull(at + 4, &end, 16);
		if (end != at + 4) {
			char *lim = end;
			*limit = strtoull(lim, &end, 16);
			ok = end != lim;
		}
	}
	free(text);
	return ok ? 0 : -1;
}

static int x86_vectors(target_vector *v, size_t *n, const target_io *io)
{
	uint64_t base, limit;
	int lm = x86_long_mode(io);
	unsigned size = lm ? 16 : 8;

	*n = 0;
	if (x86_idtr(&base, &limit, io) < 0 || limit < size - 1)
		return 0; /* no IDT loaded (or an empty one: a triple fault) */
	for (size_t i = 0; i < X86_NEXC; i++) {
		uint8_t g[16];
		uint64_t off = (uint64_t)x86_excs[i].vector * size, at;
		if (off + size - 1 > limit ||
		    io->mem(g, base + off, size, io->arg) < 0 || !(g[5] & 0x80))
			continue; /* beyond the limit, or not present */
		at = (uint64_t)g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 |
		     (uint64_t)g[7] << 24;
		if (lm)
			at |= ((uint64_t)g[8] | (uint64_t)g[9] << 8 |
			       (uint64_t)g[10] << 16 | (uint64_t)g[11] << 24) << 32;
		v[(*n)++] = (target_vector){ at, x86_excs[i].vector };
	}
	/* Handlers shared between vectors: the frame tells which (decode).
	 * v[k] came from x86_excs[k'] in order, so its set index is found
	 * by vector before any id is rewritten. */
	int sets[X86_NEXC] = { 0 };
	for (size_t i = 0; i < *n; i++)
		for (size_t k = 0; k < *n; k++)
			for (size_t e = 0; e < X86_NEXC; e++)
				if (v[k].addr == v[i].addr && x86_excs[e].vector == v[k].id)
					sets[i] |= 1 << e;
	for (size_t i = 0; i < *n; i++)
		if (sets[i] & (sets[i] - 1))
			v[i].id = X86_SHARED | sets[i];
	return 0;
}

static int x86_read_word(uint64_t *out, const target_io *io, uint64_t addr,
			 unsigned w)
{
	uint8_t b[8];

	*out = 0;
	if (io->mem(b, addr, w, io->arg) < 0)
		return -1;
	for (unsigned i = w; i-- > 0;)
		*out = *out << 8 | b[i];
	return 0;
}

/* The error code's meaning for a page fault (SDM vol. 3, 4.7). */
static void x86_pf_bits(char *buf, size_t len, uint64_t err)
{
	snprintf(buf, len, ": %s, %s, %s%s", err & 1 ? "protection" : "not present",
		 err & 2 ? "write" : "read", err & 4 ? "user" : "kernel",
		 err & 16 ? ", instruction fetch" : "");
}

/* One handler for several vectors: the pushed frame has the code
 * segment right above the IP, whose slot says whether an error code came
 * first; among those without one, ud2 at the IP is #UD. The set's first
 * fitting vector otherwise (its name says it may be another of them). */
static const struct x86_exc *x86_which(int *maybe, int set, const target_io *io,
				       uint64_t sp, unsigned w)
{
	uint64_t cs, slot1, slot2, ip;
	uint8_t insn[2] = { 0 };
	int bits, with_err, n = 0;
	const struct x86_exc *pick = NULL;

	*maybe = 0;
	if (io->reg(&cs, &bits, "cs", io->arg) < 0 ||
	    x86_read_word(&slot1, io, sp + w, w) < 0 ||
	    x86_read_word(&slot2, io, sp + 2 * w, w) < 0)
		return NULL;
	with_err = (slot2 & 0xffff) == (cs & 0xffff) && (slot1 & 0xffff) != (cs & 0xffff);
	if (!with_err && x86_read_word(&ip, io, sp, w) == 0)
		io->mem(insn, ip, 2, io->arg);
	for (size_t e = 0; e < X86_NEXC; e++) {
		if (!(set >> e & 1) || x86_excs[e].errcode != with_err)
			continue;
		if (x86_excs[e].vector == 6 && insn[0] == 0x0f && insn[1] == 0x0b)
			return &x86_excs[e];
		if (!pick)
			pick = &x86_excs[e];
		n++;
	}
	*maybe = n > 1;
	return pick;
}

static int x86_decode(target_fault *f, int id, const target_io *io)
{
	const struct x86_exc *e = NULL;
	int lm = x86_long_mode(io), bits, maybe = 0;
	unsigned w = lm ? 8 : 4;
	uint64_t sp, err = 0, ip, cr2;
	char detail[80] = "";

	memset(f, 0, sizeof(*f));
	if ((io->reg(&sp, &bits, "rsp", io->arg) < 0 &&
	     io->reg(&sp, &bits, "esp", io->arg) < 0) ||
	    (io->reg(&f->fp, &bits, "rbp", io->arg) < 0 &&
	     io->reg(&f->fp, &bits, "ebp", io->arg) < 0))
		return -1;
	if (id & X86_SHARED)
		e = x86_which(&maybe, id & 0xff, io, sp, w);
	for (size_t i = 0; !(id & X86_SHARED) && i < X86_NEXC; i++)
		if (x86_excs[i].vector == id)
			e = &x86_excs[i];
	if (!e)
		return -1;
	if (e->errcode && x86_read_word(&err, io, sp, w) < 0)
		return -1;
	sp += e->errcode ? w : 0;
	if (x86_read_word(&ip, io, sp, w) < 0)
		return -1;
	f->pc = ip;
	/* long mode pushes the old RSP; a same-ring 32-bit fault does not */
	if (!lm || x86_read_word(&f->sp, io, sp + 3 * w, w) < 0)
		f->sp = sp + 3 * w;
	if (e->vector == 14) {
		x86_pf_bits(detail, sizeof(detail), err);
		if (io->reg(&cr2, &bits, "cr2", io->arg) == 0) {
			f->addr = cr2;
			f->has_addr = 1;
		}
	}
	if (e->errcode)
		snprintf(f->what, sizeof(f->what), "%s (error 0x%" PRIx64 "%s)%s",
			 e->name, err, detail, maybe ? " or another fault of "
			 "its shared handler" : "");
	else
		snprintf(f->what, sizeof(f->what), "%s%s", e->name, maybe ?
			 " or another fault of its shared handler" : "");
	return 1;
}

/* lidt m (0F 01 /3): its length from the ModRM byte, with a SIB byte and
 * an 8- or 32-bit displacement as the addressing form says (32- and
 * 64-bit code; a prefix before 0F does not change it). */
static unsigned x86_lidt(const uint8_t *p, size_t avail)
{
	unsigned mod, rm, len = 3;

	if (avail < 3 || p[0] != 0x0f || p[1] != 0x01 || (p[2] >> 3 & 7) != 3)
		return 0;
	mod = p[2] >> 6;
	rm = p[2] & 7;
	if (mod == 3)
		return 0; /* a register operand: not lidt */
	if (rm == 4) {
		if (avail < 4)
			return 0;
		len++;
		if (mod == 0 && (p[3] & 7) == 5)
			len += 4;
	}
	if (mod == 0 && rm == 5)
		len += 4;
	len += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return len <= avail ? len : 0;
}

const target_faults target_x86_faults = { x86_vectors, x86_decode, x86_lidt,
					  1, 0, NULL, NULL };

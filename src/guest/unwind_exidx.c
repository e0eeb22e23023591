/*
 * Arm EHABI unwinding (unwind_exidx.h), after the "Exception Handling ABI
 * for the Arm Architecture": a binary search of .ARM.exidx for the
 * function, then its compact unwind instructions (personality routines
 * 0, 1 and 2: in the index entry itself or in .ARM.extab) run against a
 * virtual stack pointer. Written by hand: libdw reads only DWARF CFI,
 * and no Debian library decodes these tables apart from a C++ runtime's
 * own exception unwinder, which unwinds its own process, not a guest.
 */
#include "unwind_exidx.h"

#include <string.h>

#define EXIDX_CANTUNWIND 1u
/* Why 64: the longest compact sequence is 4 + 255 * 4 bytes in the
 * format, but real ones hold a few; a longer one is refused. */
#define MAX_OPS 64
#define R_SP 13
#define R_LR 14
#define R_PC 15

/* The instructions of one frame, byte by byte. */
typedef struct ops {
	uint8_t b[MAX_OPS];
	size_t n, at;
} ops;

/* The interpreter's state: the registers and the virtual SP. */
typedef struct vm {
	unwind_regfile *regs;
	uint32_t vsp;
	int pc_set, sp_set;
	unwind_read_fn read;
	void *arg;
} vm;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A prel31 field at `place`: a signed 31-bit offset from it. */
static uint32_t prel31(uint32_t word, uint32_t place)
{
	uint32_t off = word & 0x7fffffffu;

	if (off & 0x40000000u)
		off |= 0x80000000u;
	return place + off;
}

static const image_section *exidx_section(const image *img)
{
	for (size_t i = 0; i < image_section_count(img); i++) {
		const image_section *s = image_section_at(img, i);
		if (strcmp(s->name, ".ARM.exidx") == 0 && s->data && s->size >= 8)
			return s;
	}
	return NULL;
}

/* The index entry for pc: the last whose function starts at or below it.
 * Its second word in *word, that word's address in *place. */
static int find_entry(uint32_t *word, uint32_t *place, const image_section *s,
		      uint32_t pc)
{
	size_t lo = 0, hi = (size_t)(s->size / 8), found = (size_t)-1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t at = (uint32_t)s->addr + (uint32_t)(mid * 8);
		if (prel31(le32(s->data + mid * 8), at) <= pc) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (found == (size_t)-1)
		return 0;
	*word = le32(s->data + found * 8 + 4);
	*place = (uint32_t)s->addr + (uint32_t)(found * 8 + 4);
	return 1;
}

/* The instruction bytes of a compact entry whose first word is `w` (at
 * `at`, in the index or in .ARM.extab): personality 0 has 3 bytes in w;
 * 1 and 2 have 2 in w, and w's byte 2 counts the words that follow. */
static int collect(ops *o, const image *img, uint32_t w, uint32_t at)
{
	unsigned pers = (w >> 24) & 0x0f, more = 0;

	o->n = o->at = 0;
	if (pers == 0) {
		o->b[o->n++] = (uint8_t)(w >> 16);
		o->b[o->n++] = (uint8_t)(w >> 8);
		o->b[o->n++] = (uint8_t)w;
		return 1;
	}
	if (pers > 2)
		return 0;
	more = (w >> 16) & 0xff;
	o->b[o->n++] = (uint8_t)(w >> 8);
	o->b[o->n++] = (uint8_t)w;
	for (unsigned i = 0; i < more; i++) {
		uint8_t word[4];
		if (o->n + 4 > MAX_OPS ||
		    image_read(word, img, at + 4 + 4 * i, 4) != 0)
			return -1;
		for (int k = 3; k >= 0; k--)
			o->b[o->n++] = word[k];
	}
	return 1;
}

static int next_byte(uint8_t *out, ops *o)
{
	if (o->at >= o->n)
		return -1;
	*out = o->b[o->at++];
	return 0;
}

/* Pops the registers of `mask` (bit n: r[base + n]), lowest first. */
static int pop(vm *m, uint32_t mask, int base)
{
	for (int i = 0; i < 16; i++) {
		uint8_t w[4];
		if (!(mask >> i & 1))
			continue;
		if (m->read(w, m->vsp, 4, m->arg) != 0)
			return -1;
		m->regs->v[base + i] = le32(w);
		m->regs->known |= 1ull << (base + i);
		m->vsp += 4;
		m->pc_set |= base + i == R_PC;
		m->sp_set |= base + i == R_SP;
	}
	/* A popped SP becomes the vsp once the whole mask is popped. */
	if (m->sp_set) {
		m->vsp = (uint32_t)m->regs->v[R_SP];
		m->sp_set = 0;
	}
	return 0;
}

/* Runs one instruction; 1 at "finish". */
static int step_op(vm *m, ops *o)
{
	uint8_t op, x;

	if (next_byte(&op, o) < 0)
		return 1; /* the end of the bytes finishes too */
	if ((op & 0xc0) == 0x00) {
		m->vsp += ((uint32_t)(op & 0x3f) << 2) + 4;
	} else if ((op & 0xc0) == 0x40) {
		m->vsp -= ((uint32_t)(op & 0x3f) << 2) + 4;
	} else if ((op & 0xf0) == 0x80) {
		if (next_byte(&x, o) < 0)
			return -1;
		uint32_t mask = ((uint32_t)(op & 0x0f) << 8) | x;
		if (mask == 0)
			return -1; /* "refuse to unwind" */
		return pop(m, mask, 4);
	} else if ((op & 0xf0) == 0x90) {
		unsigned n = op & 0x0f;
		if (n == R_SP || n == R_PC || !(m->regs->known >> n & 1))
			return -1;
		m->vsp = (uint32_t)m->regs->v[n];
	} else if ((op & 0xf0) == 0xa0) {
		uint32_t mask = (1u << ((op & 7) + 1)) - 1;
		if (op & 0x08)
			mask |= 1u << (R_LR - 4);
		return pop(m, mask, 4);
	} else if (op == 0xb0) {
		return 1;
	} else if (op == 0xb1) {
		if (next_byte(&x, o) < 0 || x == 0 || (x & 0xf0))
			return -1;
		return pop(m, x, 0);
	} else if (op == 0xb2) {
		uint32_t v = 0;
		int shift = 0;
		do {
			if (next_byte(&x, o) < 0 || shift > 28)
				return -1;
			v |= (uint32_t)(x & 0x7f) << shift;
			shift += 7;
		} while (x & 0x80);
		m->vsp += 0x204 + (v << 2);
	} else if (op == 0xb3 || op == 0xc8 || op == 0xc9 || op == 0xc6) {
		/* VFP (FSTMFDX: one word more) or iWMMXt registers: skipped. */
		if (next_byte(&x, o) < 0)
			return -1;
		m->vsp += 8 * ((uint32_t)(x & 0x0f) + 1) + (op == 0xb3 ? 4 : 0);
	} else if ((op & 0xf8) == 0xb8 || (op & 0xf8) == 0xd0) {
		m->vsp += 8 * ((uint32_t)(op & 7) + 1) + ((op & 0xf8) == 0xb8 ? 4 : 0);
	} else if ((op & 0xf8) == 0xc0 && op != 0xc6 && op != 0xc7) {
		m->vsp += 8 * ((uint32_t)(op & 7) + 1);
	} else if (op == 0xc7) {
		if (next_byte(&x, o) < 0 || x == 0 || (x & 0xf0))
			return -1;
		m->vsp += 4 * (uint32_t)__builtin_popcount(x);
	} else {
		return -1; /* spare */
	}
	return 0;
}

int exidx_step(unwind_regfile *regs, const image *img, uint64_t pc,
	       unwind_read_fn read, void *arg)
{
	const image_section *s = img ? exidx_section(img) : NULL;
	uint32_t word, place, first;
	ops o;
	vm m = { regs, 0, 0, 0, read, arg };
	int rc;

	if (!s || !(regs->known >> R_SP & 1) || pc > 0xffffffffu ||
	    !find_entry(&word, &place, s, (uint32_t)pc) ||
	    word == EXIDX_CANTUNWIND)
		return 0;
	first = word;
	if (!(word & 0x80000000u)) {
		/* A pointer to .ARM.extab: a generic personality routine's
		 * entry (bit 31 clear) is for C++ handlers, not unwound here. */
		uint8_t w[4];
		place = prel31(word, place);
		if (image_read(w, img, place, 4) != 0)
			return -1;
		first = le32(w);
		if (!(first & 0x80000000u))
			return 0;
	}
	if ((rc = collect(&o, img, first, place)) <= 0)
		return rc;
	m.vsp = (uint32_t)regs->v[R_SP];
	while ((rc = step_op(&m, &o)) == 0)
		;
	if (rc < 0)
		return -1;
	if (!m.pc_set) {
		if (!(regs->known >> R_LR & 1))
			return -1;
		regs->v[R_PC] = regs->v[R_LR];
		regs->known |= 1ull << R_PC;
	}
	regs->v[R_SP] = m.vsp;
	return 1;
}

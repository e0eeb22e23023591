/*
 * Prologue analysis (unwind_prologue.h): the target's decoded
 * instructions folded into one frame, then the caller's registers read
 * from its save slots. Only straight-line code from the function's start
 * is believed (the decoders stop at the first branch), so an epilogue on
 * another path is never taken for the prologue.
 */
#include "unwind_prologue.h"

#include <string.h>

/* Why 128: PROLOGUE_MAX_BYTES of 4-byte instructions; compressed and
 * Thumb code has more, but the prologue is over long before. */
#define MAX_OPS 128

/* Records the saves of one instruction, taken with sp at `off` from the
 * CFA. A slot at or above the CFA is the caller's frame, not a save;
 * the first save of a register is the one that holds its entry value. */
static void record_saves(prologue_frame *f, const target_prologue_op *op,
			 int64_t off, unsigned ptr_size)
{
	int64_t k = 0;

	for (int r = 0; r < 64; r++) {
		if (!(op->saved >> r & 1))
			continue;
		int64_t slot = off + op->save_at + k++ * (int64_t)ptr_size;
		if (r >= UNWIND_REGS || slot >= 0 || (f->saved >> r & 1) ||
		    (f->lost >> r & 1))
			continue;
		f->saved |= 1ull << r;
		f->slot[r] = slot;
	}
}

int prologue_analyze(prologue_frame *out, const target_desc *t,
		     const uint8_t *code, size_t len, int thumb)
{
	target_prologue_op ops[MAX_OPS];
	size_t n = 0;
	int64_t off = 0;

	memset(out, 0, sizeof(*out));
	if (!t->prologue || t->prologue(ops, &n, MAX_OPS, code, len, thumb) < 0)
		return -1;
	for (size_t i = 0; i < n && i < MAX_OPS; i++) {
		record_saves(out, &ops[i], off, t->ptr_size);
		out->lost |= ops[i].clobbered & ~out->saved;
		if (ops[i].sp_delta > 0 || ops[i].sp_delta < -(int64_t)UNWIND_MAX_FRAME)
			return -1;
		off += ops[i].sp_delta;
		if (-off > (int64_t)UNWIND_MAX_FRAME)
			return -1;
	}
	out->size = (uint64_t)-off;
	return 0;
}

/* The registers the whole function at start (`size` bytes) may write;
 * every one when it cannot be read or is larger than PROLOGUE_MAX_BODY. */
static uint64_t body_writes(const image *img, const target_desc *t,
			    uint64_t start, uint64_t size, int thumb)
{
	uint8_t code[PROLOGUE_MAX_BODY];

	if (!t->writes || size == 0 || size > sizeof(code) ||
	    image_read(code, img, start, (size_t)size) != 0)
		return ~0ull;
	return t->writes(code, (size_t)size, thumb);
}

/* The frame of the function holding pc, from its symbol's start up to
 * pc, with the registers it may write anywhere in *lost too. 0, or -1
 * without a function symbol or its bytes. */
static int frame_at(prologue_frame *f, uint64_t *lost, const image *img,
		    const target_desc *t, uint64_t pc)
{
	const image_symbol *sym;
	uint64_t off, start;
	uint8_t code[PROLOGUE_MAX_BYTES];
	size_t len;

	if (!img || image_symbol_lookup(&sym, &off, img, pc) != 0 || !sym->is_func)
		return -1;
	start = target_code_addr(t, sym->addr);
	if (pc < start || (sym->size && pc - start >= sym->size))
		return -1;
	len = pc - start < PROLOGUE_MAX_BYTES ? (size_t)(pc - start)
					      : PROLOGUE_MAX_BYTES;
	if ((len && image_read(code, img, start, len) != 0) ||
	    prologue_analyze(f, t, code, len, sym->is_thumb) < 0)
		return -1;
	*lost = f->lost | body_writes(img, t, start, sym->size, sym->is_thumb);
	return 0;
}

/* The caller's return address: from its slot, or in the innermost
 * frame from the link register when the prologue has not saved it yet.
 * 1, 0 when it is gone (a call since has overwritten the register), -1
 * on a read error. */
static int return_address(uint64_t *out, const prologue_frame *f,
			  const unwind_regfile *regs, const target_desc *t,
			  uint64_t cfa, int innermost, unwind_read_fn read,
			  void *arg)
{
	int lr = t->dwarf_lr;

	if (f->saved >> lr & 1)
		return unwind_read_word(out, cfa + (uint64_t)f->slot[lr],
					t->ptr_size, read, arg) < 0 ? -1 : 1;
	if (!innermost || !(regs->known >> lr & 1) || (f->lost >> lr & 1))
		return 0;
	*out = regs->v[lr];
	return 1;
}

int prologue_step(uint64_t *caller_pc, unwind_regfile *regs, const image *img,
		  const target_desc *t, uint64_t pc, int innermost,
		  unwind_read_fn read, void *arg)
{
	prologue_frame f;
	unwind_regfile next = { { 0 }, 0 };
	uint64_t cfa, lost;
	int sp = t->dwarf_sp, rc;

	if (sp < 0 || sp >= UNWIND_REGS || t->dwarf_lr < 0 ||
	    t->dwarf_lr >= UNWIND_REGS || !(regs->known >> sp & 1) ||
	    frame_at(&f, &lost, img, t, pc) < 0)
		return 0;
	cfa = regs->v[sp] + f.size;
	if (cfa < regs->v[sp])
		return 0;
	rc = return_address(caller_pc, &f, regs, t, cfa, innermost, read, arg);
	if (rc <= 0)
		return rc;
	/* A function that never returns (abort()) need not keep the
	 * callee-saved registers it did not save: those it writes anywhere
	 * are unknown. */
	next.known = regs->known & t->callee_saved & ~lost;
	memcpy(next.v, regs->v, sizeof(next.v));
	for (int r = 0; r < UNWIND_REGS; r++) {
		if (!(f.saved >> r & 1) || !(t->callee_saved >> r & 1))
			continue;
		if (unwind_read_word(&next.v[r], cfa + (uint64_t)f.slot[r],
				     t->ptr_size, read, arg) < 0)
			return -1;
		next.known |= 1ull << r;
	}
	next.v[sp] = cfa;
	next.known |= 1ull << sp;
	*regs = next;
	return 1;
}

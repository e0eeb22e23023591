/*
 * Backtraces (src/guest/unwind.h): one step per frame, by DWARF CFI when libdw
 * has an FDE for the PC, else by the target's frame-pointer layout, with
 * a sanity check on every step so that a corrupt stack ends the walk.
 */
#include "unwind.h"
#include "unwind_exidx.h"
#include "unwind_prologue.h"

#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

/* Operand stack of the small DWARF expression evaluator: CFI rules that
 * GCC and clang emit need 2 or 3 slots. */
#define UNWIND_EXPR_STACK 8

/* What is known of one frame's registers. */
typedef struct uw_state {
	uint64_t pc, sp, fp, lr;
	int fp_ok, lr_ok;
	int fp_bad;               /* fp was read but breaks the chain */
	unwind_regfile regs;      /* the others, where known */
	uint64_t cfa;             /* this frame's, found by the step to its
				   * caller (has_cfa) */
	int has_cfa;
} uw_state;

/* Why 16: the objects whose CFI is read (the program's, then attached
 * shared objects'); a unit test loads a few libraries. */
#define UW_MAX_IMAGES 16

/* One image's call frame information. */
typedef struct uw_cfi {
	const image *img;
	Dwarf_CFI *cfi[2];        /* .eh_frame (ours to end), .debug_frame */
} uw_cfi;

typedef struct uw_ctx {
	const image *img;
	const target_desc *t;
	unwind_read_fn read;
	void *arg;
	uw_cfi cfi[UW_MAX_IMAGES];
	size_t ncfi;
} uw_ctx;

typedef enum step_result {
	STEP_OK = 0,
	STEP_NOINFO,
	STEP_END,
	STEP_READ,
	STEP_BAD,
} step_result;

const char *unwind_stop_name(unwind_stop stop)
{
	switch (stop) {
	case UNWIND_STOP_END: return "end of stack";
	case UNWIND_STOP_CAP: return "frame limit reached";
	case UNWIND_STOP_READ: return "unreadable stack memory";
	case UNWIND_STOP_BAD: return "corrupt frame";
	case UNWIND_STOP_NOINFO: return "no unwind information";
	}
	return "unknown";
}

static int read_ptr(uint64_t *out, const uw_ctx *c, uint64_t addr)
{
	return unwind_read_word(out, addr, c->t->ptr_size, c->read, c->arg);
}

static uint64_t mask_ptr(const target_desc *t, uint64_t v)
{
	return t->ptr_size >= 8 ? v : v & ((1ull << (t->ptr_size * 8)) - 1);
}

/* A return address must point into the image's code. Raw images (boot
 * sectors call into the BIOS) are not checked. */
static int is_code(const uw_ctx *c, uint64_t addr)
{
	const image *h;

	if (!c->img || !image_is_elf(c->img))
		return 1;
	if (!(h = image_holding(c->img, addr)))
		return 0;
	for (size_t i = 0; i < image_section_count(h); i++) {
		const image_section *s = image_section_at(h, i);
		if (s->executable && addr >= s->addr && addr - s->addr < s->size)
			return 1;
	}
	return 0;
}

/* The CFI of the image holding pc (the program's when none does). */
static const uw_cfi *cfi_for(const uw_ctx *c, uint64_t pc)
{
	const image *h = c->img ? image_holding(c->img, pc) : NULL;

	for (size_t i = 0; h && i < c->ncfi; i++)
		if (c->cfi[i].img == h)
			return &c->cfi[i];
	return c->ncfi ? &c->cfi[0] : NULL;
}

static void cfi_open(uw_cfi *u, const image *img)
{
	u->img = img;
	u->cfi[0] = image_elf_handle(img) ? dwarf_getcfi_elf(image_elf_handle(img))
					  : NULL;
	u->cfi[1] = image_dwarf_handle(img) ? dwarf_getcfi(image_dwarf_handle(img))
					    : NULL;
}

static int reg_value(uint64_t *out, const uw_ctx *c, const uw_state *s, int reg)
{
	if (reg < 0)
		return -1;
	if (reg == c->t->dwarf_sp)
		*out = s->sp;
	else if (reg == c->t->dwarf_fp && s->fp_ok)
		*out = s->fp;
	else if (reg == c->t->dwarf_lr && s->lr_ok)
		*out = s->lr;
	else if (reg < UNWIND_REGS && (s->regs.known >> reg & 1))
		*out = s->regs.v[reg];
	else
		return -1;
	return 0;
}

static void set_reg(unwind_regfile *f, int reg, uint64_t v)
{
	if (reg < 0 || reg >= UNWIND_REGS)
		return;
	f->v[reg] = v;
	f->known |= 1ull << reg;
}

/* The register file as the named fields say (they win over `regs`). */
static void sync_regs(uw_state *s, const target_desc *t)
{
	set_reg(&s->regs, t->dwarf_sp, s->sp);
	if (s->fp_ok)
		set_reg(&s->regs, t->dwarf_fp, s->fp);
	if (s->lr_ok)
		set_reg(&s->regs, t->dwarf_lr, s->lr);
}

/* Evaluates the CFI subset of DWARF expressions. *is_value tells a value
 * (DW_OP_stack_value, a register) from an address to load from. */
static int eval(uint64_t *out, int *is_value, const uw_ctx *c, const uw_state *s,
		const Dwarf_Op *ops, size_t nops, const uint64_t *cfa)
{
	uint64_t st[UNWIND_EXPR_STACK], v;
	size_t n = 0;

	*is_value = 0;
	for (size_t i = 0; i < nops; i++) {
		uint8_t op = ops[i].atom;
		if (op == DW_OP_stack_value) {
			*is_value = 1;
			continue;
		}
		if (n == UNWIND_EXPR_STACK)
			return -1;
		if (op == DW_OP_call_frame_cfa && cfa) {
			st[n++] = *cfa;
		} else if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
			if (reg_value(&v, c, s, op - DW_OP_breg0) < 0)
				return -1;
			st[n++] = v + ops[i].number;
		} else if (op == DW_OP_bregx) {
			if (ops[i].number > 255 || reg_value(&v, c, s, (int)ops[i].number) < 0)
				return -1;
			st[n++] = v + ops[i].number2;
		} else if (op == DW_OP_regx || (op >= DW_OP_reg0 && op <= DW_OP_reg31)) {
			int r = op == DW_OP_regx ? (int)(ops[i].number & 0xff) : op - DW_OP_reg0;
			if (reg_value(&v, c, s, r) < 0)
				return -1;
			st[n++] = v;
			*is_value = 1;
		} else if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
			st[n++] = op - DW_OP_lit0;
		} else if (op == DW_OP_constu || op == DW_OP_consts) {
			st[n++] = ops[i].number;
		} else if (op == DW_OP_plus_uconst && n >= 1) {
			st[n - 1] += ops[i].number;
		} else if ((op == DW_OP_plus || op == DW_OP_minus) && n >= 2) {
			n--;
			st[n - 1] = op == DW_OP_plus ? st[n - 1] + st[n] : st[n - 1] - st[n];
		} else if (op == DW_OP_deref && n >= 1) {
			if (read_ptr(&st[n - 1], c, mask_ptr(c->t, st[n - 1])) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	if (n != 1)
		return -1;
	*out = mask_ptr(c->t, st[0]);
	return 0;
}

/* The caller's value of DWARF register `reg` under `fr`: 0 with *out,
 * 1 when undefined, -1 when it cannot be computed, -2 when guest memory
 * could not be read. `same` is the value to use for "same value". */
static int cfi_reg(uint64_t *out, const uw_ctx *c, const uw_state *s,
		   Dwarf_Frame *fr, int reg, const uint64_t *same, uint64_t cfa)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t nops = 0;
	uint64_t v;
	int is_value;

	if (reg < 0 || dwarf_frame_register(fr, reg, mem, &ops, &nops) != 0)
		return -1;
	if (nops == 0 && ops == NULL) {
		if (!same)
			return -1;
		*out = *same;
		return 0;
	}
	if (nops == 0)
		return 1;
	if (eval(&v, &is_value, c, s, ops, nops, &cfa) < 0)
		return -1;
	if (!is_value && read_ptr(&v, c, v) < 0)
		return -2;
	*out = v;
	return 0;
}

static step_result step_cfi(uw_state *next, const uw_ctx *c, uw_state *cur,
			    uint64_t lookup_pc)
{
	Dwarf_Frame *fr = NULL;
	Dwarf_Op *ops;
	size_t nops;
	uint64_t cfa, ra, v;
	int is_value, ra_reg, r;
	step_result res = STEP_NOINFO;

	const uw_cfi *u = cfi_for(c, lookup_pc);

	for (int i = 0; u && i < 2 && !fr; i++)
		if (u->cfi[i] &&
		    dwarf_cfi_addrframe(u->cfi[i], lookup_pc - image_bias(u->img),
					 &fr) != 0)
			fr = NULL;
	if (!fr)
		return STEP_NOINFO;
	ra_reg = dwarf_frame_info(fr, NULL, NULL, NULL);
	if (dwarf_frame_cfa(fr, &ops, &nops) != 0 || nops == 0 ||
	    eval(&cfa, &is_value, c, cur, ops, nops, NULL) < 0)
		goto out;
	cur->cfa = cfa;
	cur->has_cfa = 1;
	/* The return address register's own "same value" is the LR. */
	r = cfi_reg(&ra, c, cur, fr, ra_reg,
		    ra_reg == c->t->dwarf_lr && cur->lr_ok ? &cur->lr : NULL, cfa);
	if (r == 1) {
		res = STEP_END;
		goto out;
	}
	if (r < 0) {
		res = r == -2 ? STEP_READ : STEP_NOINFO;
		goto out;
	}
	memset(next, 0, sizeof(*next));
	next->pc = ra;
	/* Most ABIs define the CFA as the caller's SP at the call. */
	next->sp = cfa;
	if (cfi_reg(&v, c, cur, fr, c->t->dwarf_sp, &cfa, cfa) == 0)
		next->sp = v;
	next->fp_ok = cfi_reg(&next->fp, c, cur, fr, c->t->dwarf_fp,
			      cur->fp_ok ? &cur->fp : NULL, cfa) == 0;
	if (c->t->dwarf_lr >= 0)
		next->lr_ok = cfi_reg(&next->lr, c, cur, fr, c->t->dwarf_lr,
				      cur->lr_ok ? &cur->lr : NULL, cfa) == 0;
	/* The other registers the CFI restores (the callee-saved ones; the
	 * ABI's caller-saved ones come back undefined). */
	for (int reg = 0; reg < UNWIND_REGS; reg++) {
		uint64_t same;
		if (reg == c->t->dwarf_sp || reg == c->t->dwarf_fp ||
		    reg == c->t->dwarf_lr || reg == ra_reg)
			continue;
		int have = reg_value(&same, c, cur, reg) == 0;
		if (cfi_reg(&v, c, cur, fr, reg, have ? &same : NULL, cfa) == 0)
			set_reg(&next->regs, reg, v);
	}
	res = STEP_OK;
out:
	free(fr);
	return res;
}

static const image_symbol *symbol_at(const uw_ctx *c, uint64_t addr)
{
	const image_symbol *sym;
	uint64_t off;

	if (!c->img)
		return NULL;
	return image_symbol_lookup(&sym, &off, c->img, addr) == 0 ? sym : NULL;
}

/*
 * Frame 0 may not have saved its return address yet: a leaf function, or
 * a PC before the prologue. With a link register: the LR is the return
 * address when it points into another function and the frame record at
 * fp does not already hold it. On x86 the prologue is `push bp; mov bp,
 * sp` (0x55 first): before it completes, at the final `ret`, or in a
 * function without it, the return address is at the stack top.
 */
static step_result step_leaf(uw_state *next, const uw_ctx *c, const uw_state *cur)
{
	const image_symbol *fn = symbol_at(c, cur->pc);
	uint64_t saved = 0, v;

	if (c->t->lr_reg) {
		/* A link register pointing into this function, or right at
		 * the PC, is left over from a call it made (its own return
		 * address is saved elsewhere). */
		if (!cur->lr_ok || !is_code(c, cur->lr) ||
		    (fn && symbol_at(c, cur->lr - 1) == fn) ||
		    (cur->lr & ~1ull) == (cur->pc & ~1ull))
			return STEP_NOINFO;
		if (cur->fp_ok && cur->fp &&
		    read_ptr(&saved, c, cur->fp + (int64_t)c->t->fp_ret_offset) == 0 &&
		    (saved & ~1ull) == (cur->lr & ~1ull))
			return STEP_NOINFO;   /* saved: the FP walk finds it */
		*next = *cur;
		next->pc = cur->lr;
		next->lr_ok = 0;
		/* RISC-V GCC leaves save only fp, in the slot just below it. */
		if (c->t->fp_prev_offset < 0 && cur->fp_ok && read_ptr(&v, c,
		    cur->fp - c->t->ptr_size) == 0 && !is_code(c, v) &&
		    v > cur->fp && v - cur->fp < UNWIND_MAX_FRAME)
			next->fp = v;
		return STEP_OK;
	}
	if (!fn)
		return STEP_NOINFO;
	uint8_t first, at_pc = 0;
	uint64_t off = cur->pc - fn->addr, slot;
	if (image_read(&first, c->img, fn->addr, 1) != 0)
		return STEP_NOINFO;
	/* At a `ret` (0xc3, 0xc2 imm16) the epilogue has popped bp. */
	image_read(&at_pc, c->img, cur->pc, 1);
	if (first == 0x55 && off > 1 && at_pc != 0xc3 && at_pc != 0xc2)
		return STEP_NOINFO;           /* frame set up: walk bp */
	slot = cur->sp + (first == 0x55 && off == 1 ? c->t->ptr_size : 0);
	*next = *cur;                       /* bp is still the caller's */
	if (read_ptr(&next->pc, c, slot) < 0)
		return STEP_READ;
	next->sp = slot + c->t->ptr_size;
	next->lr_ok = 0;
	return STEP_OK;
}

static step_result step_fp(uw_state *next, const uw_ctx *c, const uw_state *cur)
{
	const target_desc *t = c->t;
	uint64_t prev, ret;

	if (cur->fp_bad)
		return STEP_BAD;
	if (!t->fp_walk || !cur->fp_ok)
		return STEP_NOINFO;
	if (cur->fp == 0)
		return STEP_END;
	if (read_ptr(&prev, c, cur->fp + (int64_t)t->fp_prev_offset) < 0 ||
	    read_ptr(&ret, c, cur->fp + (int64_t)t->fp_ret_offset) < 0)
		return STEP_READ;
	memset(next, 0, sizeof(*next));
	next->pc = ret;
	next->fp = prev;
	/* Records grow down: the caller's fp is above ours, or 0 at the
	 * outermost frame. Anything else ends the walk after this frame. */
	next->fp_ok = prev == 0 || (prev > cur->fp && prev - cur->fp < UNWIND_MAX_FRAME);
	next->fp_bad = !next->fp_ok;
	int top = t->fp_prev_offset > t->fp_ret_offset ? t->fp_prev_offset
						       : t->fp_ret_offset;
	next->sp = cur->fp + (int64_t)top + t->ptr_size;
	return STEP_OK;
}

static void fill_frame(unwind_frame *f, const uw_ctx *c, const uw_state *s,
		       int caller, unwind_how how)
{
	const image_symbol *sym;
	uint64_t off;

	memset(f, 0, sizeof(*f));
	f->pc = s->pc;
	f->sp = s->sp;
	f->how = how;
	f->regs = s->regs;
	f->cfa = s->cfa;
	f->has_cfa = s->has_cfa;
	if (c->img &&
	    image_symbol_lookup(&sym, &off, c->img, s->pc - (caller ? 1 : 0)) == 0) {
		f->sym = sym;
		f->offset = s->pc - sym->addr;
	}
}

/* A caller's state from the registers a table or prologue step left
 * (sp among them), its PC given. */
static void from_regfile(uw_state *next, const target_desc *t,
			 const unwind_regfile *regs, uint64_t pc)
{
	memset(next, 0, sizeof(*next));
	next->pc = pc;
	next->sp = regs->v[t->dwarf_sp];
	next->regs = *regs;
	next->fp_ok = t->dwarf_fp >= 0 && (regs->known >> t->dwarf_fp & 1);
	if (next->fp_ok)
		next->fp = regs->v[t->dwarf_fp];
}

/* Arm code without DWARF CFI, from its EHABI index (unwind_exidx.c). The
 * caller-saved registers come back unknown. */
static step_result step_exidx(uw_state *next, const uw_ctx *c,
			      const uw_state *cur, uint64_t lookup_pc)
{
	unwind_regfile regs = cur->regs;
	int rc;

	if (!c->t->thumb)
		return STEP_NOINFO;
	rc = exidx_step(&regs, c->img ? image_holding(c->img, lookup_pc) : NULL,
			lookup_pc, c->read, c->arg);
	if (rc <= 0)
		return rc == 0 ? STEP_NOINFO : STEP_READ;
	uint64_t pc = regs.v[15];
	regs.known &= ~(0xfull | 1ull << 12 | 1ull << 14 | 1ull << 15);
	from_regfile(next, c->t, &regs, pc);
	return STEP_OK;
}

/* Code with neither CFI nor an EHABI entry, from its decoded prologue
 * (unwind_prologue.c). */
static step_result step_prologue(uw_state *next, const uw_ctx *c,
				 const uw_state *cur, uint64_t lookup_pc,
				 size_t depth)
{
	unwind_regfile regs = cur->regs;
	uint64_t pc;
	int rc = prologue_step(&pc, &regs, c->img, c->t, lookup_pc, depth == 0,
			       c->read, c->arg);

	if (rc <= 0)
		return rc == 0 ? STEP_NOINFO : STEP_READ;
	from_regfile(next, c->t, &regs, pc);
	return STEP_OK;
}

/* 1 when pc is the first instruction of its function: nothing of the
 * frame is set up yet, whatever the unwind tables describe. */
static int at_function_start(const uw_ctx *c, uint64_t pc)
{
	const image_symbol *fn = symbol_at(c, pc);

	return fn && target_code_addr(c->t, fn->addr) == pc;
}

static step_result step_any(uw_state *next, unwind_how *how, const uw_ctx *c,
			    uw_state *cur, size_t depth)
{
	uint64_t lookup_pc = cur->pc - (depth ? 1 : 0);
	step_result r = step_cfi(next, c, cur, lookup_pc);
	int leaf_first = depth == 0 && at_function_start(c, cur->pc);

	*how = UNWIND_HOW_CFI;
	if (r != STEP_NOINFO)
		return r;
	*how = UNWIND_HOW_LR;
	if (leaf_first && (r = step_leaf(next, c, cur)) != STEP_NOINFO)
		return r;
	/* EHABI tables describe the function after its prologue, as CFI
	 * would: only CFI-less Arm code gets here. */
	*how = UNWIND_HOW_CFI;
	if ((r = step_exidx(next, c, cur, lookup_pc)) != STEP_NOINFO)
		return r;
	/* Decoded prologues before frame pointers: code without unwind
	 * information (a C library's) rarely keeps a frame pointer. */
	*how = UNWIND_HOW_PROLOGUE;
	if ((r = step_prologue(next, c, cur, lookup_pc, depth)) != STEP_NOINFO)
		return r;
	*how = UNWIND_HOW_LR;
	if (depth == 0 && !leaf_first &&
	    (r = step_leaf(next, c, cur)) != STEP_NOINFO)
		return r;
	*how = UNWIND_HOW_FP;
	return step_fp(next, c, cur);
}

/* One step from `cur` (frame number `depth`) to its caller; cur's CFA is
 * recorded when the CFI gave it. */
static step_result step(uw_state *next, unwind_how *how, const uw_ctx *c,
			uw_state *cur, size_t depth)
{
	step_result r = step_any(next, how, c, cur, depth);
	const target_desc *t = c->t;

	if (r != STEP_OK)
		return r;
	next->has_cfa = 0;
	for (int reg = 0; reg < UNWIND_REGS; reg++)
		if (reg == t->dwarf_sp || reg == t->dwarf_fp || reg == t->dwarf_lr)
			next->regs.known &= ~(1ull << reg);
	sync_regs(next, t);
	return r;
}

/* The caller must sit higher on the stack: equal SPs are allowed once in a
 * row (a frameless leaf shares its caller's SP), never twice. */
static int plausible(const uw_ctx *c, const uw_state *cur, const uw_state *next,
		     int *same_sp)
{
	if (next->sp < cur->sp || next->sp - cur->sp > UNWIND_MAX_FRAME)
		return 0;
	if (next->sp == cur->sp) {
		if (*same_sp)
			return 0;
		*same_sp = 1;
	} else {
		*same_sp = 0;
	}
	return is_code(c, next->pc);
}

int unwind_backtrace(unwind_frame *frames, size_t *count, unwind_stop *stop,
		     size_t cap, const image *img, const target_desc *t,
		     const unwind_regs *start, unwind_read_fn read_mem,
		     void *arg)
{
	uw_ctx c = { img, t, read_mem, arg, { { NULL, { NULL, NULL } } }, 0 };
	uw_state cur = { 0 }, next = { 0 };
	unwind_how how = UNWIND_HOW_START;
	int same_sp = 0;

	*count = 0;
	*stop = UNWIND_STOP_END;
	if (cap == 0)
		return -1;
	if (img) {
		cfi_open(&c.cfi[c.ncfi++], img);
		for (size_t i = 0; i < image_object_count(img) &&
		     c.ncfi < UW_MAX_IMAGES; i++)
			cfi_open(&c.cfi[c.ncfi++], image_object_at(img, i));
	}
	cur.pc = target_code_addr(t, start->pc);
	cur.sp = start->sp;
	cur.fp = start->fp;
	cur.fp_ok = t->fp_reg != NULL;
	cur.lr = start->lr;
	cur.lr_ok = start->has_lr && t->lr_reg;
	cur.regs = start->all;
	sync_regs(&cur, t);
	for (unwind_how cur_how = UNWIND_HOW_START;; cur_how = how) {
		step_result r = STEP_OK;
		int last = *count + 1 == cap;
		/* The step finds cur's CFA: cur is filled after it. */
		if (!last)
			r = step(&next, &how, &c, &cur, *count);
		fill_frame(&frames[*count], &c, &cur, *count > 0, cur_how);
		(*count)++;
		if (last) {
			*stop = UNWIND_STOP_CAP;
			break;
		}
		if (r == STEP_OK)
			next.pc = target_code_addr(t, next.pc);
		if (r == STEP_OK && next.pc == 0)
			r = STEP_END;
		if (r == STEP_OK && !plausible(&c, &cur, &next, &same_sp))
			r = STEP_BAD;
		if (r != STEP_OK) {
			*stop = r == STEP_END ? UNWIND_STOP_END
				: r == STEP_READ ? UNWIND_STOP_READ
				: r == STEP_BAD ? UNWIND_STOP_BAD
				: UNWIND_STOP_NOINFO;
			break;
		}
		cur = next;
	}
	for (size_t i = 0; i < c.ncfi; i++)
		if (c.cfi[i].cfi[0])
			dwarf_cfi_end(c.cfi[i].cfi[0]);
	return 0;
}

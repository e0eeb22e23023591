/* The fault catch: breakpoints on the guest's fault entry points (the
 * targets' `faults`), moved when the guest writes its vector base, and the
 * verdict naming the fault where the hardware took it, with the faulting
 * code's registers kept for the post-mortem's backtrace. */
#include "run_int.h"

#include <inttypes.h>
#include <string.h>

#include "postmortem.h"

/* Why 64: a kernel sets its vector base in a handful of places (boot, per
 * CPU, after relocation); the cap bounds the breakpoints a hostile image's
 * look-alike words can cause. */
#define VECTOR_WRITES_MAX 64

/* The index of `name` in the target's vector bases, or -1. */
static int base_index(const run_ctx *r, const char *name)
{
	const char *const *b = r->tgt->faults->bases;

	for (int i = 0; b && b[i] && i < TARGET_BASES_MAX; i++)
		if (strcmp(b[i], name) == 0)
			return i;
	return -1;
}

/* A vector base the guest's writes told is answered without the stub
 * (whose system registers a passing run then never loads); one read
 * from the stub is kept. */
static int io_reg(uint64_t *v, int *bits, const char *name, void *arg)
{
	run_ctx *r = arg;
	int i = base_index(r, name), err;
	const rsp_reg *reg;

	if (i >= 0 && (r->fault_known >> i & 1)) {
		*v = r->fault_base[i];
		*bits = (int)r->tgt->ptr_size * 8;
		return 0;
	}
	if (!(reg = rsp_reg_find(r->conn, name)))
		return RSP_ENOTFOUND;
	*bits = reg->bitsize;
	if ((err = rsp_regcache_read(v, r->regs, r->conn, reg)) == 0 && i >= 0) {
		r->fault_base[i] = *v;
		r->fault_known |= 1u << i;
	}
	return err;
}

static int io_mem(void *buf, uint64_t addr, size_t len, void *arg)
{
	run_ctx *r = arg;

	return rsp_mem_read(buf, r->conn, addr, len);
}

static int io_monitor(char **out, const char *cmd, void *arg)
{
	run_ctx *r = arg;

	return rsp_monitor(out, r->conn, cmd);
}

/* Only a bare-metal image is caught: a kernel booted with firmware (Linux,
 * U-Boot) takes page faults and traps as its normal work, and a Linux
 * program's faults arrive as signals. */
static int enabled(const run_ctx *r)
{
	const cli_options *o = r->opt;

	return r->tgt->faults && !o->no_fault_catch && !o->kernel && !o->bios &&
	       !o->uefi && !o->cdrom && o->n_drives == 0 && r->boot_elf &&
	       !r->user;
}

/* An instruction's first bytes in a size_t, little-endian: a vector
 * write's breakpoint carries them to the stop. */
static size_t pack_insn(const uint8_t *p, size_t avail)
{
	size_t w = 0;

	for (size_t i = 0; i < sizeof(w) && i < avail; i++)
		w |= (size_t)p[i] << (8 * i);
	return w;
}

/* Breakpoints at each instruction of the image that writes the vector
 * base, or after it when the target cannot foretell the write: there,
 * the entries are found again. *found_out: how many the image has. */
static int plan_vector_writes(run_ctx *r, size_t *found_out)
{
	const target_faults *f = r->tgt->faults;
	size_t found = 0;
	unsigned after = f->predict ? 0 : 1;

	*found_out = 0;
	for (size_t i = 0; f->vector_write && image_section_at(r->img, i); i++) {
		const image_section *s = image_section_at(r->img, i);
		if (!s->executable || !s->data)
			continue;
		for (uint64_t off = 0; off < s->size; off += f->write_align) {
			unsigned len = f->vector_write(s->data + off,
						       (size_t)(s->size - off));
			if (len == 0)
				continue;
			*found_out = ++found;
			if (found > VECTOR_WRITES_MAX)
				return 0;
			if (run_add_bp(r, s->addr + off + after * len,
				       RUN_BP_VECTOR,
				       pack_insn(s->data + off, (size_t)(s->size - off)),
				       "vector base write", 0) < 0)
				return -1;
		}
	}
	return 0;
}

/* With predict(), every base starts known: 0 until the guest writes it
 * (target.h), and each write is seen before it runs. */
static void know_reset_values(run_ctx *r)
{
	const target_faults *f = r->tgt->faults;

	memset(r->fault_base, 0, sizeof(r->fault_base));
	r->fault_known = 0;
	for (int i = 0; f->predict && f->bases && f->bases[i] &&
			i < TARGET_BASES_MAX; i++)
		r->fault_known |= 1u << i;
}

int run_fault_plan(run_ctx *r)
{
	size_t writes;

	r->fault_catch = enabled(r);
	if (!r->fault_catch)
		return 0;
	know_reset_values(r);
	if (plan_vector_writes(r, &writes) < 0)
		return -1;
	/* Only a vector_write target's base can move; without a write in
	 * the image (picolibc's AArch64 crt0 sets none) it never does. */
	r->fault_base_stays = r->tgt->faults->vector_write && writes == 0;
	return 0;
}

/* 1 when a breakpoint other than `except` holds a Z0 at addr. */
static int inserted_at(const run_ctx *r, uint64_t addr, const run_bp *except)
{
	for (size_t i = 0; i < r->nbps; i++)
		if (&r->bps[i] != except && r->bps[i].addr == addr &&
		    r->bps[i].inserted)
			return 1;
	return 0;
}

static int insert(run_ctx *r, run_bp *b)
{
	int err;

	if (inserted_at(r, b->addr, b))
		return 0; /* one Z0 per address */
	if ((err = rsp_bp_insert(r->conn, RSP_BP_SW, b->addr, b->z_kind)) < 0) {
		run_stub_failed(r, err);
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot set a breakpoint at the "
			    "fault handler 0x%" PRIx64 ": %s", b->addr,
			    rsp_errmsg(r->conn));
		return -1;
	}
	b->inserted = 1;
	return 0;
}

/* The Z0 of b goes to another entry at its address, or is removed. */
static int release(run_ctx *r, run_bp *b)
{
	int err;

	for (size_t i = 0; i < r->nbps; i++)
		if (r->bps[i].addr == b->addr && r->bps[i].kind != RUN_BP_FAULT) {
			r->bps[i].inserted = 1;
			return 0;
		}
	if ((err = rsp_bp_remove(r->conn, RSP_BP_SW, b->addr, b->z_kind)) < 0) {
		run_stub_failed(r, err);
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot remove the breakpoint "
			    "at 0x%" PRIx64 ": %s", b->addr, rsp_errmsg(r->conn));
	}
	return err;
}

/* Takes the fault breakpoints out, Z0s included unless another breakpoint
 * needs the same address. They are always the last entries. */
static int drop_fault_bps(run_ctx *r)
{
	int err;

	while (r->nbps && r->bps[r->nbps - 1].kind == RUN_BP_FAULT) {
		run_bp *b = &r->bps[r->nbps - 1];
		if (b->inserted && (err = release(r, b)) < 0)
			return -1;
		r->nbps--;
	}
	return 0;
}

/* Reads the entries and breakpoints them; `insert_now` after the first
 * insertion of all breakpoints. A guest whose entries cannot be read has
 * none caught (its faults still end in a timeout's post-mortem). */
static int arm_vectors(run_ctx *r, int insert_now)
{
	target_io io = { io_reg, io_mem, io_monitor, r };
	target_vector v[TARGET_VECTORS_MAX];
	size_t n = 0, have = 0, same = 1;

	if (r->tgt->faults->vectors(v, &n, &io) < 0)
		n = 0;
	if (n > TARGET_VECTORS_MAX)
		n = TARGET_VECTORS_MAX;
	for (size_t i = r->nbps; i > 0 && r->bps[i - 1].kind == RUN_BP_FAULT; i--)
		have++;
	if (have != n)
		same = 0;
	for (size_t i = 0; same && i < n; i++)
		same = r->bps[r->nbps - n + i].addr == target_code_addr(r->tgt, v[i].addr) &&
		       r->bps[r->nbps - n + i].index == (size_t)v[i].id;
	if (same)
		return 0;
	if (drop_fault_bps(r) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (run_add_bp(r, v[i].addr, RUN_BP_FAULT, (size_t)v[i].id,
			       "fault handler", 0) < 0)
			return -1;
		if (insert_now && insert(r, &r->bps[r->nbps - 1]) < 0)
			return -1;
	}
	return 0;
}

/* The entries are read at the first instruction when the target has
 * them at reset, or when the image never moves them: then the reset
 * value is the base for the whole run, and the target tells whether
 * anything there could be a handler (AArch64: VBAR 0). */
int run_fault_arm(run_ctx *r)
{
	return r->fault_catch && (r->tgt->faults->at_reset ||
				  r->fault_base_stays) ? arm_vectors(r, 0) : 0;
}

int run_fault_rearm(run_ctx *r)
{
	return r->fault_catch ? arm_vectors(r, 1) : 0;
}

void run_fault_written(run_ctx *r, const run_bp *b)
{
	target_io io = { io_reg, io_mem, io_monitor, r };
	const target_faults *f = r->tgt->faults;
	uint8_t insn[sizeof(size_t)];
	uint64_t value;
	size_t base;
	unsigned len;

	if (!f->predict) {
		r->fault_rearm = 1; /* the stop follows the write */
		return;
	}
	for (size_t i = 0; i < sizeof(insn); i++)
		insn[i] = (uint8_t)(b->index >> (8 * i));
	len = f->vector_write(insn, sizeof(insn));
	if (len && f->predict(&base, &value, insn, len, &io) == 1 &&
	    base < TARGET_BASES_MAX) {
		r->fault_base[base] = value;
		r->fault_known |= 1u << base;
		r->fault_rearm = 1;
		return;
	}
	r->fault_known = 0;
	r->fault_reread = 1;
}

int run_fault_stepped(run_ctx *r)
{
	if (!r->fault_reread || r->done)
		return 0;
	r->fault_reread = 0;
	return run_fault_rearm(r);
}

void run_fault_forget(run_ctx *r)
{
	r->fault_known = 0;
}

void run_fault_entry(run_ctx *r, const run_bp *b)
{
	target_io io = { io_reg, io_mem, io_monitor, r };
	target_fault *f = &r->fault;
	char at[200], addr[48] = "";
	int is = r->tgt->faults->decode(f, (int)b->index, &io);

	if (is == 0)
		return; /* an interrupt or a call: the guest goes on */
	if (is < 0) {
		run_verdict(r, RUN_EXIT_FAIL, 1, "the guest entered its fault "
			    "handler at 0x%" PRIx64 " (the fault registers cannot "
			    "be read: %s)", b->addr, rsp_errmsg(r->conn));
		return;
	}
	r->has_fault = 1;
	postmortem_where(at, sizeof(at), r->img, f->pc);
	if (f->has_addr)
		snprintf(addr, sizeof(addr), ", address 0x%" PRIx64, f->addr);
	run_verdict(r, RUN_EXIT_FAIL, 1, "%s%s at 0x%" PRIx64 "%s%s", f->what,
		    addr, f->pc, at[0] ? " in " : "", at);
}

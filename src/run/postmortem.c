/* The post-mortem of a failed run: where the PC is, the source lines
 * there, a backtrace with each frame's arguments and locals, the general
 * registers and the code around the PC; in full, also the other
 * registers, the stack and QEMU's own view of the CPU. */
#include "postmortem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "dwvars.h"
#include "regs.h"
#include "unwind.h"

/* Why these sizes: 'g' of the largest target here (aarch64 with SVE off)
 * is well under 4 KiB; 16 stack words and 16 frames fit a screen. */
#define G_MAX 8192
#define STACK_WORDS 16
#define MAX_FRAMES 16
#define CODE_BEFORE 64
#define CODE_AFTER 32
#define INSNS_BEFORE 4
#define INSNS_AFTER 4
/* Source lines shown around the failing one, and the width kept of each. */
#define SOURCE_CONTEXT 2
#define SOURCE_WIDTH 160

typedef struct pm {
	FILE *out;
	const postmortem_in *in;
	uint8_t g[G_MAX];
	size_t glen;
	unwind_frame frames[MAX_FRAMES];
	size_t nframes;
	unwind_stop why;
	int unwound;         /* frames[] holds the backtrace */
} pm;

/* "sym+0x12 (file.c:34)" for addr, with the line looked up at line_addr
 * (a return address's line is its call's, which ends just before it);
 * "" when nothing is known. */
static void where_at(char *buf, size_t len, const image *img, uint64_t addr,
		     uint64_t line_addr)
{
	const image_symbol *s;
	uint64_t off;
	const char *file;
	int line, n = 0;

	buf[0] = '\0';
	if (!img || !image_is_elf(img))
		return;
	if (image_symbol_lookup(&s, &off, img, addr) == 0)
		n = snprintf(buf, len, off ? "%s+0x%" PRIx64 : "%s", s->name, off);
	if (n >= 0 && (size_t)n < len &&
	    image_line(&file, &line, img, line_addr) == 0)
		snprintf(buf + n, len - (size_t)n, "%s(%s:%d)", n ? " " : "",
			 file, line);
}

static void where(char *buf, size_t len, const image *img, uint64_t addr)
{
	where_at(buf, len, img, addr, addr);
}

void postmortem_where(char *buf, size_t len, const image *img, uint64_t addr)
{
	where(buf, len, img, addr);
}

/* 1 when addr lies in an executable section of the image: only such stack
 * words are worth a symbol (data words would all "belong" to some symbol
 * below them). */
static int is_code(const image *img, uint64_t addr)
{
	for (size_t i = 0; img && image_is_elf(img) && i < image_section_count(img); i++) {
		const image_section *s = image_section_at(img, i);
		if (s->executable && addr >= s->addr && addr - s->addr < s->size)
			return 1;
	}
	return 0;
}

static int reg_value(uint64_t *v, pm *p, const rsp_reg *r, uint8_t *raw,
		     size_t *rawlen)
{
	size_t bytes = ((size_t)r->bitsize + 7) / 8, off;
	int err;

	if (bytes == 0 || bytes > RSP_STOP_REG_BYTES)
		return RSP_ENOTFOUND;
	if (rsp_reg_slot(&off, &bytes, r, p->glen) == 0) {
		memcpy(raw, p->g + off, bytes);
	} else {
		size_t got = 0;
		if ((err = rsp_reg_read(raw, RSP_STOP_REG_BYTES, &got, p->in->conn,
					r)) < 0)
			return err;
		if (got < bytes)
			bytes = got;
	}
	*rawlen = bytes;
	*v = 0;
	for (size_t i = bytes < 8 ? bytes : 8; i-- > 0;)
		*v = (*v << 8) | raw[i];
	return 0;
}

static int is_core(const rsp_reg *r, const rsp_reg *first)
{
	return !strcmp(r->feature, first->feature) || !strcmp(r->group, "general");
}

/* Core registers always; the others only when nonzero, to keep the
 * hundreds of system registers of some CPUs from burying the rest.
 * Registers of up to 64 bits go three to a line, in columns as wide as
 * the longest name among them; wider ones (x87, vector) one per line. */
#define REG_COLUMNS 3
#define REG_NAME_MAX 16

typedef struct reg_line {
	rsp_reg const *reg;
	uint64_t v;
	uint8_t raw[RSP_STOP_REG_BYTES];
	size_t rawlen;
	int core;
} reg_line;

/* Prints the lines of one group (core or not), aligned in columns. */
static void print_group(pm *p, const reg_line *lines, size_t n, int core)
{
	int width = 0;
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(lines[i].reg->name);
		if (lines[i].core == core && len > width)
			width = len < REG_NAME_MAX ? len : REG_NAME_MAX;
	}
	for (size_t i = 0; i < n; i++) {
		const reg_line *l = &lines[i];
		char val[24];
		if (l->core != core)
			continue;
		if (l->reg->bitsize <= 64) {
			snprintf(val, sizeof(val), "0x%" PRIx64, l->v);
			if (++col == REG_COLUMNS) {
				fprintf(p->out, "  %-*s %s\n", width, l->reg->name, val);
				col = 0;
			} else {
				fprintf(p->out, "  %-*s %-18s", width, l->reg->name, val);
			}
			continue;
		}
		if (col) {
			fputc('\n', p->out);
			col = 0;
		}
		fprintf(p->out, "  %-*s 0x", width, l->reg->name);
		for (size_t k = l->rawlen; k-- > 0;)
			fprintf(p->out, "%02x", l->raw[k]);
		fputc('\n', p->out);
	}
	if (col)
		fputc('\n', p->out);
}

static int print_registers(pm *p)
{
	rsp_conn *c = p->in->conn;
	size_t n = rsp_reg_count(c), zero = 0, failed = 0, shown = 0, other = 0;
	const rsp_reg *first = n ? rsp_reg_at(c, 0) : NULL;
	reg_line *lines = calloc(n ? n : 1, sizeof(*lines));

	if (!lines)
		return RSP_ESYS;
	fprintf(p->out, "registers:\n");
	for (size_t i = 0; i < n; i++) {
		reg_line *l = &lines[shown];
		int nonzero = 0;
		l->reg = rsp_reg_at(c, i);
		if (!l->reg->name[0])
			continue;
		if (reg_value(&l->v, p, l->reg, l->raw, &l->rawlen) < 0) {
			failed++;
			continue;
		}
		for (size_t k = 0; k < l->rawlen; k++)
			nonzero |= l->raw[k];
		l->core = is_core(l->reg, first);
		if (!l->core && !p->in->full)
			continue; /* system registers: the full post-mortem's */
		if (!l->core && !nonzero) {
			zero++;
			continue;
		}
		other += !l->core;
		shown++;
	}
	print_group(p, lines, shown, 1);
	if (other) {
		fprintf(p->out, "other registers (nonzero):\n");
		print_group(p, lines, shown, 0);
	}
	if (zero)
		fprintf(p->out, "  (%zu more registers are zero)\n", zero);
	if (failed)
		fprintf(p->out, "  (%zu registers could not be read)\n", failed);
	free(lines);
	return (n > 0 && failed == n) ? RSP_EPROTO : 0;
}

/* Whether the code at pc is Thumb: M-profile's always is; A-profile's
 * function symbol says, else the CPU's state (at a fault caught in its
 * handler, the handler's state, which need not be the faulting code's). */
static int arm_thumb(pm *p, uint64_t pc)
{
	const target_desc *t = p->in->tgt;
	const image_symbol *s;
	uint64_t cpsr, off;
	int bits;

	if (!t->thumb)
		return 0;
	if (t->thumb_only_reg && rsp_reg_find(p->in->conn, t->thumb_only_reg))
		return 1;
	if (p->in->img && image_is_elf(p->in->img) &&
	    image_symbol_lookup(&s, &off, p->in->img, pc) == 0 && s->is_func)
		return s->is_thumb;
	return t->thumb_state_reg &&
	       regs_get(&cpsr, &bits, p->in->conn, t, t->thumb_state_reg) == 0 &&
	       (cpsr & t->thumb_state_mask);
}

/* Guest code bytes: from the image when it has them (no round trip, and
 * without the stub's breakpoints), else from memory. */
static size_t read_code(uint8_t *buf, pm *p, uint64_t addr, size_t len)
{
	if (p->in->img && image_read(buf, p->in->img, addr, len) == 0)
		return len;
	if (rsp_mem_read(buf, p->in->conn, addr, len) == 0)
		return len;
	/* Near the end of memory: try the part before pc alone. */
	return 0;
}

static void print_code(pm *p, uint64_t pc)
{
	uint8_t code[CODE_BEFORE + CODE_AFTER];
	uint64_t base = pc >= CODE_BEFORE ? pc - CODE_BEFORE : 0, start = pc;
	const image_symbol *s;
	uint64_t off;
	disasm *d = NULL;
	size_t len;

	fprintf(p->out, "code:\n");
	if (p->in->img && image_is_elf(p->in->img) &&
	    image_symbol_lookup(&s, &off, p->in->img, pc) == 0 &&
	    s->addr < pc && s->addr > base)
		base = s->addr; /* decoding from a function start is exact */
	len = read_code(code, p, base, sizeof(code) - (size_t)(CODE_BEFORE - (pc - base)));
	if (len == 0 && (base = pc, len = read_code(code, p, pc, CODE_AFTER)) == 0) {
		fprintf(p->out, "  (memory at 0x%" PRIx64 " cannot be read)\n", pc);
		return;
	}
	if (disasm_open(&d, p->in->tgt, arm_thumb(p, pc)) < 0) {
		fprintf(p->out, "  (no disassembler for %s)\n", p->in->tgt->name);
		return;
	}
	for (int i = 0; i < INSNS_BEFORE && start > base; i++) {
		uint64_t prev;
		if (disasm_prev(&prev, d, code, (size_t)(start - base), base, start) < 0)
			break;
		start = prev;
	}
	for (int after = -1; after < INSNS_AFTER && start < base + len;) {
		char line[160];
		size_t size = 0;
		disasm_one(&size, line, sizeof(line), d, code + (start - base),
			   (size_t)(base + len - start), start);
		if (size == 0)
			break;
		fprintf(p->out, "  %s %s\n", start == pc ? "=>" : "  ", line);
		if (start >= pc)
			after++;
		start += size;
	}
	disasm_free(d);
}

static void print_stack(pm *p, uint64_t sp)
{
	unsigned w = p->in->tgt->ptr_size;
	uint8_t buf[STACK_WORDS * 8];

	fprintf(p->out, "stack (sp = 0x%" PRIx64 "):\n", sp);
	if (rsp_mem_read(buf, p->in->conn, sp, (size_t)w * STACK_WORDS) < 0) {
		fprintf(p->out, "  (cannot be read)\n");
		return;
	}
	for (unsigned i = 0; i < STACK_WORDS; i++) {
		uint64_t v = 0;
		char at[200];
		for (unsigned k = w; k-- > 0;)
			v = (v << 8) | buf[i * w + k];
		uint64_t code = target_code_addr(p->in->tgt, v);
		at[0] = '\0';
		if (is_code(p->in->img, code))
			where(at, sizeof(at), p->in->img, code);
		fprintf(p->out, "  0x%0*" PRIx64 ": 0x%0*" PRIx64 "%s%s\n",
			(int)w * 2, sp + (uint64_t)i * w, (int)w * 2, v,
			at[0] ? "  " : "", at);
	}
}

static int read_mem(void *buf, uint64_t addr, size_t len, void *arg)
{
	return rsp_mem_read(buf, arg, addr, len);
}

/* Frame 0's registers by DWARF number, from the 'g' packet (or 'p'). */
static void frame0_regfile(unwind_regfile *rf, pm *p)
{
	const char *const *names = p->in->tgt->dwarf_regs;

	memset(rf, 0, sizeof(*rf));
	for (size_t i = 0; names && names[i] && i < UNWIND_REGS; i++) {
		const rsp_reg *r = rsp_reg_find(p->in->conn, names[i]);
		uint8_t raw[RSP_STOP_REG_BYTES];
		size_t len;
		if (r && reg_value(&rf->v[i], p, r, raw, &len) == 0)
			rf->known |= 1ull << i;
	}
}

/* The registers the backtrace starts from: the stop's, or the faulting
 * code's when the fault was caught at its handler. */
static void backtrace_start(unwind_regs *start, pm *p, uint64_t pc, uint64_t sp)
{
	const postmortem_in *in = p->in;
	int bits;

	memset(start, 0, sizeof(*start));
	if (in->from) {
		*start = *in->from;
		return; /* the handler's other registers are not the fault's */
	}
	start->pc = pc;
	start->sp = sp;
	frame0_regfile(&start->all, p);
	if (in->tgt->fp_reg)
		regs_get(&start->fp, &bits, in->conn, in->tgt, in->tgt->fp_reg);
	if (in->tgt->lr_reg &&
	    regs_get(&start->lr, &bits, in->conn, in->tgt, in->tgt->lr_reg) == 0)
		start->has_lr = 1;
}

static void unwind(pm *p, uint64_t pc, uint64_t sp)
{
	unwind_regs start;

	backtrace_start(&start, p, pc, sp);
	p->unwound = unwind_backtrace(p->frames, &p->nframes, &p->why, MAX_FRAMES,
				      p->in->img, p->in->tgt, &start, read_mem,
				      p->in->conn) == 0 && p->nframes > 0;
}

/* The arguments of frame i on one line, its locals on the next. */
static void print_vars(pm *p, size_t i)
{
	const unwind_frame *f = &p->frames[i];
	dwvars_var vars[DWVARS_MAX];
	dwvars_frame df = { i ? f->pc - 1 : f->pc, &f->regs, f->cfa, f->has_cfa };
	size_t n = 0, more = 0;

	if (!p->in->img || !image_is_elf(p->in->img) ||
	    dwvars_frame_vars(vars, DWVARS_MAX, &n, &more, p->in->img, p->in->tgt,
			      &df, read_mem, p->in->conn) < 0)
		return;
	for (int param = 1; param >= 0; param--) {
		int first = 1;
		for (size_t k = 0; k < n; k++) {
			if (vars[k].param != param)
				continue;
			fprintf(p->out, "%s%s = %s", first ? (param ? "       args: " :
				"       locals: ") : ", ", vars[k].name, vars[k].value);
			first = 0;
		}
		if (!first)
			fputc('\n', p->out);
	}
	if (more)
		fprintf(p->out, "       (%zu more variables)\n", more);
}

static void print_backtrace(pm *p)
{
	const postmortem_in *in = p->in;

	fprintf(p->out, "backtrace:\n");
	if (!p->unwound) {
		fprintf(p->out, "  (unavailable)\n");
		return;
	}
	for (size_t i = 0; i < p->nframes; i++) {
		const unwind_frame *f = &p->frames[i];
		char sym[160] = "", line[200] = "";
		const char *file;
		int ln;
		/* A caller's return address may be the first byte after a
		 * call to a noreturn function: the unwinder names the
		 * function at pc - 1, and the line is that of the call. */
		if (f->sym)
			snprintf(sym, sizeof(sym), f->offset ? "%s+0x%" PRIx64 : "%s",
				 f->sym->name, f->offset);
		if (in->img && image_is_elf(in->img) &&
		    image_line(&file, &ln, in->img, i ? f->pc - 1 : f->pc) == 0)
			snprintf(line, sizeof(line), " (%s:%d)", file, ln);
		fprintf(p->out, "  #%zu 0x%" PRIx64 " %s%s%s\n", i, f->pc,
			sym[0] ? sym : "??", line,
			i == 0 && in->at_entry ? "  (entry; called from #1)" : "");
		print_vars(p, i);
	}
	if (p->why != UNWIND_STOP_END)
		fprintf(p->out, "  (%s)\n", unwind_stop_name(p->why));
}

/* The source lines around the failure, when the file is on this host:
 * frame 0's line, or its caller's when stopped at a function's entry (the
 * call is what failed). */
static void print_source(pm *p)
{
	size_t at = p->in->at_entry && p->nframes > 1 ? 1 : 0;
	uint64_t addr = p->unwound ? p->frames[at].pc - (at ? 1 : 0) : 0;
	char path[4096], text[SOURCE_WIDTH + 2];
	int line, ln = 0;
	FILE *f;

	if (!p->unwound || !p->in->img || !image_is_elf(p->in->img) ||
	    image_source_path(path, sizeof(path), &line, p->in->img, addr) < 0 ||
	    !(f = fopen(path, "r")))
		return;
	fprintf(p->out, "source (%s):\n", path);
	while (ln < line + SOURCE_CONTEXT && fgets(text, sizeof(text), f)) {
		size_t len = strlen(text);
		int whole = len > 0 && text[len - 1] == '\n';
		int c;
		if (whole)
			text[--len] = '\0';
		else
			while ((c = fgetc(f)) != EOF && c != '\n')
				; /* the rest of a long line */
		ln++;
		if (ln >= line - SOURCE_CONTEXT)
			fprintf(p->out, "  %s%5d | %s\n", ln == line ? ">" : " ", ln,
				text);
	}
	fclose(f);
}

static void print_monitor(pm *p)
{
	char *text = NULL;

	if (!p->in->monitor)
		return;
	if (rsp_monitor(&text, p->in->conn, "info registers") < 0 || !text) {
		free(text);
		return;
	}
	fprintf(p->out, "QEMU info registers:\n");
	for (char *line = text, *nl; *line; line = nl) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		size_t n = (size_t)(nl - line);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (n > 0)
			fprintf(p->out, "  %.*s\n", (int)n, line);
		if (*nl)
			nl++;
	}
	free(text);
}

int postmortem_print(FILE *out, const postmortem_in *in)
{
	pm *p = calloc(1, sizeof(*p));
	uint64_t pc = 0, sp = 0;
	char at[200];
	int err = 0;

	if (!p)
		return RSP_ESYS;
	p->out = out;
	p->in = in;
	fprintf(out, "=== stubrun post-mortem: %s ===\n", in->title ? in->title : "");
	if (regs_pc(&pc, in->conn, in->tgt) < 0) {
		fprintf(out, "(the guest's state cannot be read: %s)\n",
			rsp_errmsg(in->conn));
		err = RSP_EPROTO;
		goto out;
	}
	where(at, sizeof(at), in->img, pc);
	fprintf(out, "pc: 0x%" PRIx64 "%s%s\n", pc, at[0] ? " in " : "", at);
	if (in->from) {
		where(at, sizeof(at), in->img, in->from->pc);
		fprintf(out, "fault at: 0x%" PRIx64 "%s%s (registers below are "
			"the handler's)\n", in->from->pc, at[0] ? " in " : "", at);
		pc = in->from->pc;
	}
	if (rsp_regs_read_all(p->g, sizeof(p->g), &p->glen, in->conn) < 0)
		p->glen = 0;
	if (in->from)
		sp = in->from->sp;
	else if (regs_sp(&sp, in->conn, in->tgt) < 0)
		sp = 0;
	unwind(p, pc, sp);
	print_source(p);
	print_backtrace(p);
	if ((err = print_registers(p)) < 0)
		goto out;
	print_code(p, pc);
	if (in->full) {
		print_stack(p, sp);
		print_monitor(p);
	}
out:
	fprintf(out, "=== end of post-mortem ===\n");
	free(p);
	return err;
}

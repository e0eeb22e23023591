/*
 * Disassembly (src/guest/disasm.h): capstone 4 for x86, Arm and AArch64; our
 * own decoder (disasm_riscv.c) for RISC-V, which capstone 4 lacks.
 */
#include "disasm.h"

#include "disasm_riscv.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes shown before the mnemonic are padded to this many: the common
 * length of the ISA, so that mnemonics line up for most lines. */
#define DISASM_PAD_X86 7
#define DISASM_PAD_FIXED 4

struct disasm {
	csh cs;                  /* 0 for RISC-V (no capstone decoder) */
	cs_insn *insn;           /* one reusable instruction (cs_malloc) */
	int riscv;
	unsigned xlen;           /* RISC-V: 32 or 64 */
	unsigned align;          /* instruction alignment: 1, 2 or 4 */
	unsigned fixed;          /* fixed length, or 0 when variable */
	unsigned addr_digits;    /* hex digits of an address */
	unsigned pad;
};

int disasm_open(disasm **out, const target_desc *t, int thumb)
{
	disasm *d;
	int err = 0;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return DISASM_ENOMEM;
	d->addr_digits = t->ptr_size * 2;
	d->pad = DISASM_PAD_FIXED;
	if (t->cs_arch == TARGET_CS_NONE) {
		/* RISC-V: 16-bit parcels; the C extension is assumed possible. */
		d->riscv = 1;
		d->xlen = t->ptr_size * 8;
		d->align = 2;
		goto out;
	}
	int mode = t->cs_mode;
	if (t->cs_arch == CS_ARCH_ARM)
		mode = thumb ? (mode | CS_MODE_THUMB) : (mode & ~(CS_MODE_THUMB | CS_MODE_MCLASS));
	if (cs_open((cs_arch)t->cs_arch, (cs_mode)mode, &d->cs) != CS_ERR_OK) {
		d->cs = 0;
		err = DISASM_EUNSUPPORTED;
		goto out;
	}
	d->insn = cs_malloc(d->cs);
	if (!d->insn) {
		err = DISASM_ENOMEM;
		goto out;
	}
	if (t->cs_arch == CS_ARCH_X86) {
		d->align = 1;
		d->pad = DISASM_PAD_X86;
	} else if (t->cs_arch == CS_ARCH_ARM && thumb) {
		d->align = 2;
	} else {
		d->align = 4;
		d->fixed = 4;
	}
out:
	if (err < 0) {
		disasm_free(d);
		return err;
	}
	*out = d;
	return 0;
}

void disasm_free(disasm *d)
{
	if (!d)
		return;
	if (d->insn)
		cs_free(d->insn, 1);
	if (d->cs)
		cs_close(&d->cs);
	free(d);
}

/* "ADDR:  b0 b1 ...   " into buf; returns the length written or -1. */
static int format_prefix(char *buf, size_t buflen, const disasm *d,
			 uint64_t addr, const uint8_t *bytes, size_t n)
{
	size_t pos;
	int w = snprintf(buf, buflen, "%0*" PRIx64 ":  ", (int)d->addr_digits, addr);

	if (w < 0 || (size_t)w >= buflen)
		return -1;
	pos = (size_t)w;
	for (size_t i = 0; i < n || i < d->pad; i++) {
		if (i < n)
			w = snprintf(buf + pos, buflen - pos, "%02x ", bytes[i]);
		else
			w = snprintf(buf + pos, buflen - pos, "   ");
		if (w < 0 || (size_t)w >= buflen - pos)
			return -1;
		pos += (size_t)w;
	}
	w = snprintf(buf + pos, buflen - pos, " ");
	if (w < 0 || (size_t)w >= buflen - pos)
		return -1;
	return (int)(pos + (size_t)w);
}

/* Appends "A B" (or just "A" when B is empty) at buf + pos. */
static int finish(char *buf, size_t buflen, int pos, const char *a, const char *b)
{
	int w = snprintf(buf + pos, buflen - (size_t)pos, "%s%s%s", a,
			 b[0] ? " " : "", b);

	return w < 0 || (size_t)w >= buflen - (size_t)pos ? DISASM_ENOSPACE : 0;
}

/* RISC-V: decoded text, ".insn WORD" for encodings the decoder does not
 * name (F, D, V ...: their length is still right), ".2byte" when the
 * bytes end inside an instruction or use a >32-bit length form. */
static int riscv_one(size_t *size, char *buf, size_t buflen, const disasm *d,
		     const uint8_t *code, size_t len, uint64_t addr)
{
	char text[96], word[16];
	int pos, rc;

	rc = disasm_riscv(size, text, sizeof(text), code, len, addr, d->xlen);
	int bad = rc == -2 || (code[0] & 0x1f) == 0x1f ||
		  (len >= 2 && code[0] == 0 && code[1] == 0);  /* illegal */
	if (bad)
		*size = len < 2 ? len : 2;
	pos = format_prefix(buf, buflen, d, addr, code, *size);
	if (pos < 0)
		return DISASM_ENOSPACE;
	if (rc == 0)
		return finish(buf, buflen, pos, text, "");
	uint32_t v = 0;
	for (size_t i = *size; i-- > 0;)
		v = v << 8 | code[i];
	snprintf(word, sizeof(word), "0x%0*" PRIx32, (int)*size * 2, v);
	if (bad) {
		int err = finish(buf, buflen, pos, ".2byte", word);
		return err < 0 ? err : DISASM_EDECODE;
	}
	return finish(buf, buflen, pos, ".insn", word);
}

/* The ".byte" line for bytes capstone rejects: one alignment unit. */
static int bad_bytes(size_t *size, char *buf, size_t buflen, const disasm *d,
		     const uint8_t *code, size_t len, uint64_t addr)
{
	char hex[32] = "";
	size_t n = len < d->align ? len : d->align;
	int pos;

	for (size_t i = 0; i < n; i++)
		snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex),
			 "%s0x%02x", i ? ", " : "", code[i]);
	*size = n;
	pos = format_prefix(buf, buflen, d, addr, code, n);
	if (pos < 0 || finish(buf, buflen, pos, ".byte", hex) < 0)
		return DISASM_ENOSPACE;
	return DISASM_EDECODE;
}

int disasm_one(size_t *size, char *buf, size_t buflen, disasm *d,
	       const uint8_t *code, size_t len, uint64_t addr)
{
	const uint8_t *p = code;
	size_t left = len;
	uint64_t a = addr;
	int pos;

	*size = 0;
	if (buflen)
		buf[0] = '\0';
	if (len == 0)
		return DISASM_EDECODE;
	if (d->riscv)
		return riscv_one(size, buf, buflen, d, code, len, addr);
	if (!cs_disasm_iter(d->cs, &p, &left, &a, d->insn))
		return bad_bytes(size, buf, buflen, d, code, len, addr);
	*size = d->insn->size;
	pos = format_prefix(buf, buflen, d, addr, code, d->insn->size);
	if (pos < 0)
		return DISASM_ENOSPACE;
	return finish(buf, buflen, pos, d->insn->mnemonic, d->insn->op_str);
}

int disasm_lines(size_t *count, char *buf, size_t buflen, disasm *d,
		 const uint8_t *code, size_t len, uint64_t addr, size_t max)
{
	char line[256];
	size_t pos = 0, off = 0, n;

	*count = 0;
	if (buflen == 0)
		return DISASM_ENOSPACE;
	buf[0] = '\0';
	while (off < len && *count < max) {
		int err = disasm_one(&n, line, sizeof(line), d, code + off,
				     len - off, addr + off);
		if (err == DISASM_ENOSPACE || n == 0)
			return err == DISASM_ENOSPACE ? err : 0;
		size_t l = strlen(line);
		if (l + 2 > buflen - pos)
			return DISASM_ENOSPACE;
		memcpy(buf + pos, line, l);
		buf[pos + l] = '\n';
		pos += l + 1;
		buf[pos] = '\0';
		off += n;
		(*count)++;
	}
	return 0;
}

/* Decodes from code[start] on; 1 when every instruction decodes and the
 * last one ends exactly at `end`, with *last its offset. */
static int lands_on(size_t *last, disasm *d, const uint8_t *code, size_t start,
		    size_t end, uint64_t base)
{
	char line[256];
	size_t off = start, n;

	while (off < end) {
		if (disasm_one(&n, line, sizeof(line), d, code + off, end - off,
			       base + off) != 0 || n == 0)
			return 0;
		*last = off;
		off += n;
	}
	return off == end;
}

int disasm_prev(uint64_t *out, disasm *d, const uint8_t *code, size_t len,
		uint64_t base, uint64_t pc)
{
	size_t end, last = 0;

	*out = 0;
	if (pc <= base || pc - base > len)
		return DISASM_EDECODE;
	end = (size_t)(pc - base);
	if (d->fixed) {
		if (end < d->fixed)
			return DISASM_EDECODE;
		*out = pc - d->fixed;
		return 0;
	}
	for (size_t start = 0; start < end; start++) {
		if ((base + start) % d->align)
			continue;
		if (lands_on(&last, d, code, start, end, base)) {
			*out = base + last;
			return 0;
		}
	}
	return DISASM_EDECODE;
}

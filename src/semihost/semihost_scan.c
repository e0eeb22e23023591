/* Finding semihosting traps in a guest image (see semihost_scan.h): each
 * trap is a fixed encoding, matched at the instruction boundaries of its
 * ISA (aligned words for A64 and A32, Thumb's 16/32-bit halfword walk,
 * every 2-byte boundary for RISC-V's 12-byte sequence). No disassembler:
 * decoding every instruction of a libc cost milliseconds of each run's
 * start (docs/BENCHMARKS.md). */
#include "semihost_scan.h"

#include <capstone/capstone.h> /* CS_MODE_THUMB: the target's mode */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Encodings (Arm ARM; RISC-V semihosting spec "Semihosting Trap"). */
#define A64_HLT_F000 0xd45e0000u       /* HLT #0xF000 */
#define A32_SVC_MASK 0x0fffffffu       /* any condition */
#define A32_SVC_123456 0x0f123456u
#define A32_HLT_F000 0xe10f0070u       /* HLT #0xF000 (unconditional) */
#define T32_SVC_AB 0xdfabu
#define T32_HLT_3C 0xbabcu
#define T32_BKPT_AB 0xbeabu
#define RV_SLLI 0x01f01013u            /* slli x0, x0, 0x1f */
#define RV_EBREAK 0x00100073u
#define RV_SRAI 0x40705013u            /* srai x0, x0, 7 */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int add(semihost_trap *traps, size_t cap, size_t *count,
	       uint64_t addr, int kind, unsigned skip, semihost_isa isa)
{
	if (*count >= cap)
		return SEMIHOST_ENOMEM;
	traps[*count] = (semihost_trap){ .addr = addr, .bp_kind = kind,
					 .skip = skip, .isa = isa };
	(*count)++;
	return 0;
}

static int scan_riscv(semihost_trap *traps, size_t cap, size_t *count,
		      const uint8_t *code, size_t len, uint64_t addr,
		      semihost_isa isa)
{
	for (size_t off = (addr & 1); off + 12 <= len; off += 2) {
		if (le32(code + off) != RV_SLLI ||
		    le32(code + off + 4) != RV_EBREAK ||
		    le32(code + off + 8) != RV_SRAI)
			continue;
		/* Breakpoint on the ebreak; resume after the srai. */
		int rc = add(traps, cap, count, addr + off + 4, 4, 8, isa);
		if (rc)
			return rc;
		off += 10;
	}
	return 0;
}

/* A64 and A32 code is a sequence of aligned words: each word is one
 * instruction. SVC's condition may be any but 0b1111 (the unconditional
 * space, where the same bits are another instruction). */
static int is_word_trap(uint32_t w, semihost_isa isa)
{
	if (isa == SEMIHOST_ISA_A64)
		return w == A64_HLT_F000;
	return ((w & A32_SVC_MASK) == A32_SVC_123456 && w >> 28 != 0xf) ||
	       w == A32_HLT_F000;
}

static int scan_words(semihost_trap *traps, size_t cap, size_t *count,
		      const uint8_t *code, size_t len, uint64_t addr,
		      semihost_isa isa)
{
	for (size_t off = 0; off + 4 <= len; off += 4) {
		if (!is_word_trap(le32(code + off), isa))
			continue;
		int rc = add(traps, cap, count, addr + off, 4, 4, isa);
		if (rc)
			return rc;
	}
	return 0;
}

/* Thumb: a halfword whose top five bits are 0b11101, 0b11110 or 0b11111
 * starts a 32-bit instruction (Arm ARM A6.1); every other one is a 16-bit
 * instruction, which a trap is. Walking the halfwords so keeps the second
 * half of a wide instruction from reading as a trap. */
static int scan_thumb(semihost_trap *traps, size_t cap, size_t *count,
		      const uint8_t *code, size_t len, uint64_t addr)
{
	size_t off = 0;

	while (off + 2 <= len) {
		unsigned hw = (unsigned)code[off] | (unsigned)code[off + 1] << 8;
		if (hw >> 11 >= 0x1d) {
			off += 4;
			continue;
		}
		if (hw == T32_SVC_AB || hw == T32_HLT_3C || hw == T32_BKPT_AB) {
			int rc = add(traps, cap, count, addr + off, 2, 2,
				     SEMIHOST_ISA_T32);
			if (rc)
				return rc;
		}
		off += 2;
	}
	return 0;
}

int semihost_scan_bytes(semihost_trap *traps, size_t cap, size_t *count,
			const uint8_t *code, size_t len, uint64_t addr,
			semihost_isa isa)
{
	if (isa == SEMIHOST_ISA_RV32 || isa == SEMIHOST_ISA_RV64)
		return scan_riscv(traps, cap, count, code, len, addr, isa);
	if (isa == SEMIHOST_ISA_T32)
		return scan_thumb(traps, cap, count, code, len, addr);
	return scan_words(traps, cap, count, code, len, addr, isa);
}

/* --- mapping symbols --------------------------------------------------- */

#define MAP_DATA (-1)

typedef struct map_sym {
	uint64_t addr;
	int isa;     /* semihost_isa, or MAP_DATA */
} map_sym;

static int map_cmp(const void *a, const void *b)
{
	const map_sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* "$a", "$t", "$x", "$d", optionally followed by ".anything"; RISC-V
 * also writes "$x<isa string>", e.g. "$xrv64i2p1_m2p0". */
static int map_kind(int *isa, const char *name, semihost_isa code_isa)
{
	if (name[0] != '$' || !name[1])
		return 0;
	if (name[2] && name[2] != '.' && name[1] != 'x')
		return 0;
	switch (name[1]) {
	case 'a': *isa = SEMIHOST_ISA_A32; return 1;
	case 't': *isa = SEMIHOST_ISA_T32; return 1;
	case 'x': *isa = (int)code_isa; return 1;
	case 'd': *isa = MAP_DATA; return 1;
	default: return 0;
	}
}

/* Reads the mapping symbols of the ELF file at `path` (sorted). A file
 * without them gives none; only allocation failure is an error. */
static int read_maps(map_sym **out, size_t *count, const char *path,
		     semihost_isa code_isa)
{
	map_sym *maps = NULL;
	size_t n = 0, cap = 0;
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	int fd = -1, rc = 0;

	*out = NULL;
	*count = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    sh.sh_entsize == 0 || !(data = elf_getdata(scn, NULL)))
			continue;
		size_t nsyms = data->d_size / sh.sh_entsize;
		for (size_t i = 0; i < nsyms; i++) {
			GElf_Sym sym;
			const char *name;
			int isa;
			if (!gelf_getsym(data, (int)i, &sym) ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) ||
			    !map_kind(&isa, name, code_isa))
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				map_sym *m = realloc(maps, ncap * sizeof(*m));
				if (!m) {
					rc = SEMIHOST_ENOMEM;
					goto out;
				}
				maps = m;
				cap = ncap;
			}
			maps[n++] = (map_sym){ .addr = sym.st_value, .isa = isa };
		}
	}
	if (n)
		qsort(maps, n, sizeof(*maps), map_cmp);
	*out = maps;
	*count = n;
	maps = NULL;
out:
	free(maps);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int trap_cmp(const void *a, const void *b)
{
	const semihost_trap *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* --- whole image ------------------------------------------------------- */

typedef struct scan_ctx {
	semihost_trap *traps;
	size_t count;
} scan_ctx;

static int scan_region(scan_ctx *ctx, const uint8_t *code, size_t len,
		       uint64_t addr, int isa)
{
	if (isa == MAP_DATA || len == 0)
		return 0;
	return semihost_scan_bytes(ctx->traps, SEMIHOST_MAX_TRAPS, &ctx->count,
				   code, len, addr, (semihost_isa)isa);
}

/* Splits one executable section at its mapping symbols; the last one
 * before the section gives its starting ISA. */
static int scan_section(scan_ctx *ctx, const image_section *s,
			const map_sym *maps, size_t nmaps, int isa)
{
	uint64_t start = s->addr, end = s->addr + s->size;

	for (size_t i = 0; i < nmaps && maps[i].addr < end; i++) {
		if (maps[i].addr <= start) {
			isa = maps[i].isa; /* in force at the section start */
			continue;
		}
		int rc = scan_region(ctx, s->data + (start - s->addr),
				     maps[i].addr - start, start, isa);
		if (rc)
			return rc;
		start = maps[i].addr;
		isa = maps[i].isa;
	}
	return scan_region(ctx, s->data + (start - s->addr), end - start,
			   start, isa);
}

static int code_isa(semihost_isa *isa, const image *img,
		    const target_desc *t)
{
	if (t->semihosting == TARGET_SEMIHOSTING_RISCV)
		*isa = t->ptr_size == 8 ? SEMIHOST_ISA_RV64 : SEMIHOST_ISA_RV32;
	else if (t->semihosting != TARGET_SEMIHOSTING_ARM)
		return SEMIHOST_EINVAL;
	else if (t->ptr_size == 8)
		*isa = SEMIHOST_ISA_A64;
	else if ((image_entry(img) & 1) || (t->cs_mode & CS_MODE_THUMB))
		*isa = SEMIHOST_ISA_T32; /* without $a/$t: Thumb entry or M */
	else
		*isa = SEMIHOST_ISA_A32;
	return 0;
}

int semihost_scan(semihost_trap **out, size_t *count, const image *img,
		  const target_desc *target, char *errbuf, size_t errlen)
{
	scan_ctx ctx = { 0 };
	map_sym *maps = NULL;
	size_t nmaps = 0;
	semihost_isa isa;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = code_isa(&isa, img, target))) {
		snprintf(errbuf, errlen, "target %s has none",
			 target->name);
		return rc;
	}
	if (!image_is_elf(img))
		return 0; /* raw images: no sections to trust as code */
	/* malloc, not calloc: the pages past the traps found are never
	 * touched (faulted in) at all. */
	ctx.traps = malloc(SEMIHOST_MAX_TRAPS * sizeof(*ctx.traps));
	if (!ctx.traps) {
		rc = SEMIHOST_ENOMEM;
		goto out;
	}
	if ((rc = read_maps(&maps, &nmaps, image_path(img), isa)))
		goto out;
	for (size_t i = 0; i < image_section_count(img); i++) {
		const image_section *s = image_section_at(img, i);
		if (!s->executable || !s->data || s->size == 0)
			continue;
		if ((rc = scan_section(&ctx, s, maps, nmaps, (int)isa)))
			goto out;
	}
	if (ctx.count) {
		qsort(ctx.traps, ctx.count, sizeof(*ctx.traps), trap_cmp);
		*out = ctx.traps;
		*count = ctx.count;
		ctx.traps = NULL;
	}
out:
	if (rc == SEMIHOST_ENOMEM)
		snprintf(errbuf, errlen, "%s: more than %d semihosting traps",
			 image_path(img), SEMIHOST_MAX_TRAPS);
	else if (rc)
		snprintf(errbuf, errlen, "%s: cannot scan for semihosting traps",
			 image_path(img));
	free(ctx.traps);
	free(maps);
	return rc;
}

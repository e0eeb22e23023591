/*
 * The guest image (src/guest/image.h): an ELF file mapped privately and read with
 * libelf after our own bounds checks of every header, offset and index, or
 * a raw file (boot sector). Line numbers come from libdw.
 */
#include "image.h"
#include "image_int.h"

#include "sysmap.h"
#include "target.h"

#include <elf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Caps on what a file may make us allocate: far above any real kernel. */
#define IMAGE_MAX_SECTIONS 65536u
#define IMAGE_MAX_SYMBOLS (16u * 1024 * 1024)
#define IMAGE_MAX_RAW (256u * 1024 * 1024)


static int fail(char *errbuf, size_t errlen, int code, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(char *errbuf, size_t errlen, int code, const char *path,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s: %s", path, msg);
	return code;
}

/* The file is [map, map + size); does [off, off + len) lie inside it? */
static int in_file(const image *img, uint64_t off, uint64_t len)
{
	return off <= img->map_size && len <= img->map_size - off;
}

static int map_file(image *img, char *errbuf, size_t errlen)
{
	struct stat st;
	int fd, err = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer (forever,
	 * with our signals blocked); it is refused below as not regular. */
	fd = open(img->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(errbuf, errlen, IMAGE_ENOENT, img->path, "%s",
			    strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = fail(errbuf, errlen, IMAGE_ENOENT, img->path, "%s",
			   strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = fail(errbuf, errlen, IMAGE_ENOENT, img->path,
			   "is a directory");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = fail(errbuf, errlen, IMAGE_ENOENT, img->path,
			   "not a regular file");
		goto out;
	}
	if (st.st_size == 0) {
		err = fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "empty file");
		goto out;
	}
	if (img->raw && (uint64_t)st.st_size > IMAGE_MAX_RAW) {
		err = fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			   "raw image larger than %u MiB", IMAGE_MAX_RAW >> 20);
		goto out;
	}
	/* Private and writable: libelf may convert in place; the file is
	 * never changed. */
	img->map_size = (size_t)st.st_size;
	img->map = mmap(NULL, img->map_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE, fd, 0);
	if (img->map == MAP_FAILED) {
		img->map = NULL;
		err = fail(errbuf, errlen, IMAGE_ENOENT, img->path, "mmap: %s",
			   strerror(errno));
	}
out:
	close(fd);
	return err;
}

/* Section count and name-table index with ELF's extended numbering: when
 * they do not fit the header, section 0 holds them. */
static int header_counts(size_t *shnum, size_t *shstrndx, const image *img,
			 const GElf_Ehdr *eh, char *errbuf, size_t errlen)
{
	size_t shsz = eh->e_ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Shdr)
							  : sizeof(Elf32_Shdr);
	uint64_t n = eh->e_shnum, strndx = eh->e_shstrndx;

	*shnum = 0;
	*shstrndx = 0;
	if (eh->e_shoff == 0)
		return 0;           /* no section headers: program headers only */
	if (eh->e_shentsize != shsz)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "bad section header size %u", eh->e_shentsize);
	if (!in_file(img, eh->e_shoff, shsz))
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section headers lie outside the file (e_shoff 0x%llx)",
			    (unsigned long long)eh->e_shoff);
	if (n == 0 || strndx == SHN_XINDEX) {
		GElf_Shdr s0;
		if (!gelf_getshdr(elf_getscn(img->elf, 0), &s0))
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "unreadable section header 0");
		if (n == 0)
			n = s0.sh_size;
		if (strndx == SHN_XINDEX)
			strndx = s0.sh_link;
	}
	if (n > IMAGE_MAX_SECTIONS || !in_file(img, eh->e_shoff, n * shsz))
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section headers lie outside the file (e_shoff 0x%llx, %llu entries)",
			    (unsigned long long)eh->e_shoff,
			    (unsigned long long)n);
	if (strndx == SHN_UNDEF || strndx >= n)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "bad section name table index %llu (%llu sections)",
			    (unsigned long long)strndx, (unsigned long long)n);
	*shnum = (size_t)n;
	*shstrndx = (size_t)strndx;
	return 0;
}

static int check_header(GElf_Ehdr *eh, image *img, char *errbuf, size_t errlen)
{
	const uint8_t *id = img->map;

	if (img->map_size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "bad ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "not a little-endian ELF file");
	if (img->map_size < (id[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr)
							: sizeof(Elf32_Ehdr)))
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "truncated ELF header");
	img->elf = elf_memory((char *)img->map, img->map_size);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF || !gelf_getehdr(img->elf, eh))
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "malformed ELF header: %s", elf_errmsg(-1));
	img->machine = eh->e_machine;
	img->elf_class = id[EI_CLASS];
	img->flags = eh->e_flags;
	img->entry = eh->e_entry;
	if (!target_from_elf(img->machine, img->elf_class, img->flags))
		return fail(errbuf, errlen, IMAGE_EMACHINE, img->path,
			    "no target for ELF machine %d (ELF%d)", img->machine,
			    img->elf_class == ELFCLASS64 ? 64 : 32);
	return 0;
}

/* A NUL-terminated string at `off` in section `strsec`, or NULL. */
static const char *string_at(const image *img, const GElf_Shdr *strsec,
			     uint64_t off)
{
	if (strsec->sh_type != SHT_STRTAB || off >= strsec->sh_size)
		return NULL;
	const char *s = (const char *)img->map + strsec->sh_offset + off;
	if (!memchr(s, '\0', (size_t)(strsec->sh_size - off)))
		return NULL;
	return s;
}

static int get_shdr(GElf_Shdr *out, const image *img, size_t i)
{
	return gelf_getshdr(elf_getscn(img->elf, i), out) ? 0 : -1;
}

static int load_sections(image *img, size_t shnum, size_t shstrndx,
			 char *errbuf, size_t errlen)
{
	GElf_Shdr strsec, sh;

	if (shnum == 0)
		return 0;
	if (get_shdr(&strsec, img, shstrndx) < 0 || strsec.sh_type != SHT_STRTAB ||
	    !in_file(img, strsec.sh_offset, strsec.sh_size))
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "bad section name table (section %zu)", shstrndx);
	img->secs = calloc(shnum, sizeof(*img->secs));
	if (!img->secs)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	for (size_t i = 1; i < shnum; i++) {
		if (get_shdr(&sh, img, i) < 0)
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "unreadable section header %zu", i);
		const char *name = string_at(img, &strsec, sh.sh_name);
		if (!name)
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "section %zu: name offset %u out of range",
				    i, sh.sh_name);
		if (sh.sh_type != SHT_NOBITS && !in_file(img, sh.sh_offset, sh.sh_size))
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "section %zu (%s) lies outside the file", i, name);
		image_sec *s = &img->secs[img->nsecs++];
		s->pub.name = name;
		s->pub.addr = sh.sh_addr;
		s->pub.size = sh.sh_size;
		s->pub.executable = !!(sh.sh_flags & SHF_EXECINSTR);
		s->pub.data = sh.sh_type == SHT_NOBITS ? NULL : img->map + sh.sh_offset;
		s->alloc = !!(sh.sh_flags & SHF_ALLOC);
		if (s->alloc && sh.sh_size > UINT64_MAX - sh.sh_addr)
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "section %zu (%s) wraps the address space", i, name);
	}
	return 0;
}

/* QEMU loads the image by its program headers, not its sections, and
 * fails silently on a segment it cannot read (the run then only times out):
 * so every PT_LOAD must lie inside the file, whatever the sections say. */
static int check_program_headers(image *img, char *errbuf, size_t errlen)
{
	size_t phnum;
	GElf_Phdr ph;

	if (elf_getphdrnum(img->elf, &phnum) < 0 || phnum > IMAGE_MAX_SECTIONS)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "bad program header table");
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(img->elf, (int)i, &ph))
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "program headers lie outside the file");
		if (ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		if (!in_file(img, ph.p_offset, ph.p_filesz) ||
		    ph.p_filesz > UINT64_MAX - ph.p_paddr)
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "segment %zu lies outside the file", i);
	}
	return 0;
}

/* Stripped kernels may carry program headers only: then the PT_LOAD
 * segments stand in for sections, so that image_read() still works. */
static int load_segments(image *img, char *errbuf, size_t errlen)
{
	size_t phnum;
	GElf_Phdr ph;

	/* check_program_headers() has vetted every header and segment. */
	if (elf_getphdrnum(img->elf, &phnum) < 0 || phnum == 0)
		return 0;
	img->secs = calloc(phnum, sizeof(*img->secs));
	if (!img->secs)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(img->elf, (int)i, &ph) ||
		    ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		image_sec *s = &img->secs[img->nsecs++];
		s->pub.name = "LOAD";
		s->pub.addr = ph.p_paddr;   /* where QEMU's -kernel puts it */
		s->pub.size = ph.p_filesz;
		s->pub.executable = !!(ph.p_flags & PF_X);
		s->pub.data = img->map + ph.p_offset;
		s->alloc = 1;
	}
	return 0;
}

/* Symbols that name nothing useful in a backtrace: section and file
 * symbols, and the ABI's mapping symbols ($a, $t, $d, $x) and local
 * labels (.L*). */
static int want_symbol(const GElf_Sym *sym, const char *name)
{
	int type = GELF_ST_TYPE(sym->st_info);

	if (sym->st_shndx == SHN_UNDEF || !name[0] || name[0] == '$' ||
	    (name[0] == '.' && name[1] == 'L'))
		return 0;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

static int load_symtab(image *img, size_t sec, const GElf_Shdr *sh, size_t shnum,
		       char *errbuf, size_t errlen)
{
	size_t symsz = img->elf_class == ELFCLASS64 ? sizeof(Elf64_Sym)
						    : sizeof(Elf32_Sym);
	const target_desc *t = target_from_elf(img->machine, img->elf_class,
					       img->flags);
	GElf_Shdr strsec;
	Elf_Data *data;

	if (sh->sh_entsize != symsz || sh->sh_size % symsz)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section %zu: bad symbol table entry size", sec);
	size_t count = (size_t)(sh->sh_size / symsz);
	if (count > IMAGE_MAX_SYMBOLS)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section %zu: %zu symbols is too many", sec, count);
	if (sh->sh_link == 0 || sh->sh_link >= shnum ||
	    get_shdr(&strsec, img, sh->sh_link) < 0 ||
	    strsec.sh_type != SHT_STRTAB)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section %zu: bad string table link %u", sec, sh->sh_link);
	data = elf_getdata(elf_getscn(img->elf, sec), NULL);
	if (!data || data->d_size < count * symsz)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "section %zu: unreadable symbol table", sec);
	image_symbol *syms = realloc(img->syms, (img->nsyms + count) * sizeof(*syms));
	if (!syms)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	img->syms = syms;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "section %zu: unreadable symbol %zu", sec, i);
		const char *name = string_at(img, &strsec, sym.st_name);
		if (!name)
			return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
				    "symbol %zu: name offset %u out of range",
				    i, sym.st_name);
		if (!want_symbol(&sym, name))
			continue;
		image_symbol *s = &img->syms[img->nsyms++];
		s->name = name;
		s->addr = sym.st_value;
		s->size = sym.st_size;
		s->is_func = GELF_ST_TYPE(sym.st_info) == STT_FUNC;
		s->is_abs = sym.st_shndx == SHN_ABS;
		s->is_linker = GELF_ST_TYPE(sym.st_info) == STT_NOTYPE &&
			       (GELF_ST_BIND(sym.st_info) == STB_GLOBAL ||
				GELF_ST_BIND(sym.st_info) == STB_WEAK);
		/* Thumb functions have bit 0 set in st_value. */
		if (t && s->is_func)
			s->addr = target_code_addr(t, s->addr);
		s->is_thumb = s->addr != sym.st_value;
		if (s->size > UINT64_MAX - s->addr)
			s->size = UINT64_MAX - s->addr;
	}
	return 0;
}

/* Address order; at one address functions first, then by name, so that
 * lookups are deterministic. */
static int symbol_cmp(const void *a, const void *b)
{
	const image_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->is_func != y->is_func)
		return y->is_func - x->is_func;
	return strcmp(x->name, y->name);
}

/* Sorts the symbols and computes maxend[] for image_symbol_lookup(). */
static int index_symbols(image *img, char *errbuf, size_t errlen)
{
	uint64_t m = 0;

	free(img->maxend);
	img->maxend = NULL;
	if (img->nsyms == 0)
		return 0;
	qsort(img->syms, img->nsyms, sizeof(*img->syms), symbol_cmp);
	img->maxend = malloc(img->nsyms * sizeof(*img->maxend));
	if (!img->maxend)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	for (size_t i = 0; i < img->nsyms; i++) {
		uint64_t end = img->syms[i].addr + img->syms[i].size;
		m = end > m ? end : m;
		img->maxend[i] = m;
	}
	return 0;
}

static int load_symbols(image *img, size_t shnum, char *errbuf, size_t errlen)
{
	GElf_Shdr sh;
	int err, want = SHT_SYMTAB;

	/* .dynsym is a subset of .symtab: read it only when .symtab is gone. */
	for (int pass = 0; pass < 2 && img->nsyms == 0; pass++, want = SHT_DYNSYM)
		for (size_t i = 1; i < shnum; i++) {
			if (get_shdr(&sh, img, i) < 0 || (int)sh.sh_type != want)
				continue;
			err = load_symtab(img, i, &sh, shnum, errbuf, errlen);
			if (err < 0)
				return err;
		}
	return index_symbols(img, errbuf, errlen);
}

static int open_elf(image *img, char *errbuf, size_t errlen)
{
	GElf_Ehdr eh;
	size_t shnum, shstrndx;
	int err;

	err = check_header(&eh, img, errbuf, errlen);
	if (err == 0)
		err = check_program_headers(img, errbuf, errlen);
	if (err == 0)
		err = header_counts(&shnum, &shstrndx, img, &eh, errbuf, errlen);
	if (err == 0 && shnum)
		err = load_sections(img, shnum, shstrndx, errbuf, errlen);
	else if (err == 0)
		err = load_segments(img, errbuf, errlen);
	if (err == 0)
		err = load_symbols(img, shnum, errbuf, errlen);
	if (err == 0 && shnum && !(img->dwarf = calloc(1, sizeof(*img->dwarf))))
		err = fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	return err;
}

static int open_raw(image *img, uint64_t base, char *errbuf, size_t errlen)
{
	img->secs = calloc(1, sizeof(*img->secs));
	if (!img->secs)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path, "out of memory");
	if (img->map_size > UINT64_MAX - base)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "raw image does not fit at 0x%llx",
			    (unsigned long long)base);
	img->secs[0].pub.name = "raw";
	img->secs[0].pub.addr = base;
	img->secs[0].pub.size = img->map_size;
	img->secs[0].pub.executable = 1;
	img->secs[0].pub.data = img->map;
	img->secs[0].alloc = 1;
	img->nsecs = 1;
	img->entry = base;
	return 0;
}

int image_open(image **out, const char *path, int raw, uint64_t raw_base,
	       char *errbuf, size_t errlen)
{
	image *img = NULL;
	int err;

	*out = NULL;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	elf_version(EV_CURRENT);
	img = calloc(1, sizeof(*img));
	if (!img || !(img->path = strdup(path))) {
		err = fail(errbuf, errlen, IMAGE_ENOENT, path, "out of memory");
		goto out;
	}
	img->raw = raw;
	err = map_file(img, errbuf, errlen);
	if (err < 0)
		goto out;
	err = raw ? open_raw(img, raw_base, errbuf, errlen)
		  : open_elf(img, errbuf, errlen);
	if (err < 0)
		goto out;
	*out = img;
	img = NULL;
out:
	image_free(img);
	return err;
}

static int open_sysmap(image *img, char *errbuf, size_t errlen)
{
	char why[200];

	if (sysmap_parse(&img->syms, &img->nsyms, &img->pool,
			 (const char *)img->map, img->map_size, why,
			 sizeof(why)) < 0)
		return fail(errbuf, errlen, IMAGE_EFORMAT, img->path,
			    "not an ELF file, nor a System.map: %s", why);
	return index_symbols(img, errbuf, errlen);
}

int image_open_symbols(image **out, const char *path, char *errbuf,
		       size_t errlen)
{
	image *img = NULL;
	int err;

	*out = NULL;
	elf_version(EV_CURRENT);
	img = calloc(1, sizeof(*img));
	if (!img || !(img->path = strdup(path))) {
		err = fail(errbuf, errlen, IMAGE_ENOENT, path, "out of memory");
		goto out;
	}
	err = map_file(img, errbuf, errlen);
	if (err < 0)
		goto out;
	if (img->map_size >= SELFMAG && !memcmp(img->map, ELFMAG, SELFMAG))
		err = open_elf(img, errbuf, errlen);
	else
		err = open_sysmap(img, errbuf, errlen);
	if (err < 0)
		goto out;
	*out = img;
	img = NULL;
out:
	image_free(img);
	return err;
}

int image_new_empty(image **out, const char *name)
{
	image *img = calloc(1, sizeof(*img));

	*out = NULL;
	if (!img || !(img->path = strdup(name))) {
		free(img);
		return IMAGE_ENOENT;
	}
	*out = img;
	return 0;
}

void image_set_bias(image *img, uint64_t bias)
{
	uint64_t d = bias - img->bias;

	for (size_t i = 0; i < img->nsyms; i++)
		if (!img->syms[i].is_abs)
			img->syms[i].addr += d;
	for (size_t i = 0; i < img->nsecs; i++)
		img->secs[i].pub.addr += d;
	img->bias = bias;
	/* The order is unchanged unless an address wrapped; re-index. */
	if (index_symbols(img, NULL, 0) < 0)
		img->nsyms = 0;
}

uint64_t image_bias(const image *img) { return img->bias; }

void image_free(image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->nobjs; i++)
		image_free(img->objs[i]);
	free(img->objs);
	if (img->dwarf && img->dwarf->handle)
		dwarf_end(img->dwarf->handle);
	free(img->dwarf);
	if (img->elf)
		elf_end(img->elf);
	if (img->map)
		munmap(img->map, img->map_size);
	free(img->maxend);
	free(img->syms);
	free(img->pool);
	free(img->secs);
	free(img->path);
	free(img);
}

const char *image_path(const image *img) { return img->path; }
int image_is_elf(const image *img) { return !img->raw; }
int image_elf_machine(const image *img) { return img->machine; }
int image_elf_class(const image *img) { return img->elf_class; }
uint32_t image_elf_flags(const image *img) { return img->flags; }
uint64_t image_entry(const image *img) { return img->entry; }
struct Elf *image_elf_handle(const image *img) { return img->elf; }
struct Dwarf *image_dwarf_handle(const image *img)
{
	struct image_dwarf *d = img->dwarf;

	/* No or broken DWARF only means no line numbers. */
	if (d && !d->begun) {
		d->begun = 1;
		d->handle = dwarf_begin_elf(img->elf, DWARF_C_READ, NULL);
	}
	return d ? d->handle : NULL;
}

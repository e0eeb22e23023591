/*
 * The guest image: an ELF file read with libelf (symbols, sections, entry)
 * and libdw (file:line for an address), or a raw image (a boot sector).
 * Every offset and size read from the file is bounds-checked: the file is
 * untrusted input.
 */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct image image;

/* Errors of image_open(). Each comes with a one-line message naming the file. */
enum {
	IMAGE_ENOENT = -1,   /* missing, unreadable, a directory */
	IMAGE_EFORMAT = -2,  /* empty, not an ELF, truncated, malformed */
	IMAGE_EMACHINE = -3, /* an ELF for a machine no target supports */
	IMAGE_ENOTFOUND = -4,/* lookups: no such symbol / no symbol there */
};

typedef struct image_symbol {
	const char *name;
	uint64_t addr;
	uint64_t size;
	int is_func;         /* STT_FUNC (others: STT_OBJECT, STT_NOTYPE) */
	int is_thumb;        /* an Arm Thumb function (bit 0 of its ELF
			      * value, cleared in addr) */
	int is_abs;          /* SHN_ABS: a number (a size, a count), no place */
	int is_linker;       /* global or weak STT_NOTYPE: what a linker
			      * script defines (end, __heap_start) */
} image_symbol;

typedef struct image_section {
	const char *name;
	uint64_t addr;       /* sh_addr */
	uint64_t size;
	int executable;      /* SHF_EXECINSTR */
	const uint8_t *data; /* contents, NULL for NOBITS; owned by the image */
} image_section;

/*
 * Opens `path`. `raw` nonzero reads it as a raw image (no ELF parsing; one
 * section named "raw" at `raw_base`, e.g. 0x7c00 for a boot sector).
 * On failure *out is NULL and errbuf holds "PATH: problem".
 */
int image_open(image **out, const char *path, int raw, uint64_t raw_base,
	       char *errbuf, size_t errlen);
void image_free(image *img);

/*
 * Opens `path` for its symbols only (--symbols): an ELF as image_open()
 * does, else a System.map (sysmap.h: addresses, no sizes, no DWARF). A
 * file that is neither is IMAGE_EFORMAT, "PATH: problem" in errbuf.
 */
int image_open_symbols(image **out, const char *path, char *errbuf,
		       size_t errlen);

/* An image with nothing in it (no symbols, sections or DWARF), named
 * `name` in messages: the run of a kernel nobody gave symbols for.
 * IMAGE_ENOENT when out of memory. */
int image_new_empty(image **out, const char *name);

/* Adds `bias` to every symbol and section address (--symbols-offset: a
 * relocated kernel); line lookups subtract it again. image_bias() says
 * what was added (0 by default). */
void image_set_bias(image *img, uint64_t bias);
uint64_t image_bias(const image *img);

const char *image_path(const image *img);
int image_is_elf(const image *img);
/* ELF header fields (0 for raw images). */
int image_elf_machine(const image *img);
int image_elf_class(const image *img);      /* ELFCLASS32 / ELFCLASS64 */
uint32_t image_elf_flags(const image *img);
uint64_t image_entry(const image *img);

/* Symbols, sorted by address. Pointers live as long as the image. */
size_t image_symbol_count(const image *img);
const image_symbol *image_symbol_at_index(const image *img, size_t i);
/* By exact name; IMAGE_ENOTFOUND when absent. */
int image_symbol_find(const image_symbol **out, const image *img,
		      const char *name);
/* The linker-defined symbol `name` (is_linker), ignoring local labels,
 * functions and C variables of the same name; IMAGE_ENOTFOUND when none. */
int image_linker_symbol_find(const image_symbol **out, const image *img,
			     const char *name);
/* The symbol containing addr (or the nearest one below it, for symbols of
 * size 0), and the offset into it; IMAGE_ENOTFOUND when none. Absolute
 * symbols are numbers, not places, and never name an address. */
int image_symbol_lookup(const image_symbol **out, uint64_t *offset,
			const image *img, uint64_t addr);

/*
 * Attaches `obj`, a shared object with its load bias set
 * (image_set_bias), to `img`, which owns it from now on: symbol, line and
 * content lookups of an address in none of img's sections go to the
 * attached object whose sections hold it. Sections of attached objects
 * are not listed by image_section_at(). 0, or IMAGE_ENOENT when out of
 * memory (obj is then freed).
 */
int image_attach(image *img, image *obj);
/* The image whose allocated sections hold addr: img itself or one of its
 * attached objects; NULL when none does. */
const image *image_holding(const image *img, uint64_t addr);
/* The attached objects, in the order attached. */
size_t image_object_count(const image *img);
const image *image_object_at(const image *img, size_t i);

size_t image_section_count(const image *img);
const image_section *image_section_at(const image *img, size_t i);
/* The first section called `name`, or NULL. */
const image_section *image_section_named(const image *img, const char *name);
/* Copies `len` bytes of the image's contents at guest address `addr`, when
 * they lie wholly inside one section with file contents; else
 * IMAGE_ENOTFOUND. Used for disassembly without a round trip to the stub. */
int image_read(void *buf, const image *img, uint64_t addr, size_t len);

/* Source file and line for addr from DWARF (libdw), when present.
 * *file points into the image. IMAGE_ENOTFOUND without line info. */
int image_line(const char **file, int *line, const image *img, uint64_t addr);
/* The same line's source file as a host path (the compilation directory
 * prefixed to a relative name), into path[0..len). IMAGE_ENOTFOUND
 * without line info or when the path does not fit. */
int image_source_path(char *path, size_t len, int *line, const image *img,
		      uint64_t addr);

/* The libelf and libdw handles, for modules that read more than this one
 * offers (unwind.c reads the CFI). NULL for raw images / without DWARF.
 * Owned by the image; valid until image_free(). The DWARF is read at the
 * first call (a passing run makes none). */
struct Elf;
struct Dwarf;
struct Elf *image_elf_handle(const image *img);
struct Dwarf *image_dwarf_handle(const image *img);

#endif /* IMAGE_H */

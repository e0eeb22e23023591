/* Tests for src/guest/image.c: ELF files built from tests/data/elf/prog.c by the
 * cross compilers, a boot sector, and corrupted copies made at test time. */
#include <criterion/criterion.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "target.h"

/* Each test's scratch directory, removed by teardown. */
static char tmpdir[64];

static void setup(void)
{
	strcpy(tmpdir, "/tmp/stubrun-image-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(image, .init = setup, .fini = teardown);

static const char *data_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("STUBRUN_TESTDATA");
	snprintf(buf, len, "%s/%s", dir ? dir : "build/tests/data/elf", name);
	return buf;
}

static image *open_ok(const char *name)
{
	char path[512], err[512];
	image *img = NULL;
	int rc = image_open(&img, data_path(path, sizeof(path), name), 0, 0,
			    err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", name, err);
	cr_assert_not_null(img);
	return img;
}

static uint8_t *slurp(size_t *len, const char *name)
{
	char path[512];
	FILE *f = fopen(data_path(path, sizeof(path), name), "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	uint8_t *buf = malloc(*len);
	cr_assert_eq(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static const char *write_tmp(char *path, size_t plen, const char *name,
			     const void *data, size_t len)
{
	snprintf(path, plen, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* Opens `path` expecting failure `code` and message "PATH: want". */
static void expect_error(const char *path, int code, const char *want)
{
	char err[512], full[768];
	image *img = (image *)1;
	int rc = image_open(&img, path, 0, 0, err, sizeof(err));
	cr_assert_eq(rc, code, "%s: got %d (%s)", path, rc, err);
	cr_assert_null(img);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	cr_assert_str_eq(err, full);
}

struct arch_case {
	const char *file;
	int machine, elf_class;
	const char *target;
};

static const struct arch_case arches[] = {
	{ "aarch64.elf", EM_AARCH64, ELFCLASS64, "aarch64" },
	{ "riscv64.elf", EM_RISCV, ELFCLASS64, "riscv64" },
	{ "riscv32.elf", EM_RISCV, ELFCLASS32, "riscv32" },
	{ "arm.elf", EM_ARM, ELFCLASS32, "arm" },
	{ "x86_64.elf", EM_X86_64, ELFCLASS64, "x86_64" },
	{ "i386.elf", EM_386, ELFCLASS32, "i386" },
};

Test(image, reads_header_of_every_architecture)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		image *img = open_ok(arches[i].file);
		const image_symbol *start;
		cr_assert(image_is_elf(img));
		cr_assert_eq(image_elf_machine(img), arches[i].machine, "%s", arches[i].file);
		cr_assert_eq(image_elf_class(img), arches[i].elf_class, "%s", arches[i].file);
		const target_desc *t = target_from_elf(image_elf_machine(img),
						       image_elf_class(img),
						       image_elf_flags(img));
		cr_assert_str_eq(t->name, arches[i].target);
		/* -e _start: the entry point is the _start symbol. */
		cr_assert_eq(image_symbol_find(&start, img, "_start"), 0);
		cr_assert_eq(image_entry(img) & ~1ull, start->addr, "%s", arches[i].file);
		image_free(img);
	}
}

Test(image, symbols_are_sorted_and_typed)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		image *img = open_ok(arches[i].file);
		static const char *const funcs[] = { "leaf", "middle", "top", "_start" };
		const image_symbol *s;
		cr_assert_gt(image_symbol_count(img), 4);
		for (size_t k = 1; k < image_symbol_count(img); k++)
			cr_assert_leq(image_symbol_at_index(img, k - 1)->addr,
				      image_symbol_at_index(img, k)->addr);
		cr_assert_null(image_symbol_at_index(img, image_symbol_count(img)));
		for (size_t k = 0; k < 4; k++) {
			cr_assert_eq(image_symbol_find(&s, img, funcs[k]), 0, "%s", funcs[k]);
			cr_assert(s->is_func);
			cr_assert_gt(s->size, 0);
			/* Thumb bit stripped: code addresses are even. */
			if (arches[i].machine == EM_ARM)
				cr_assert_eq(s->addr & 1, 0, "%s", funcs[k]);
		}
		cr_assert_eq(image_symbol_find(&s, img, "counter"), 0);
		cr_assert_not(s->is_func);
		cr_assert_eq(image_symbol_find(&s, img, "no_such_symbol"), IMAGE_ENOTFOUND);
		cr_assert_null(s);
		image_free(img);
	}
}

Test(image, lookup_finds_the_containing_function)
{
	image *img = open_ok("aarch64.elf");
	const image_symbol *mid, *top, *s;
	uint64_t off;

	cr_assert_eq(image_symbol_find(&mid, img, "middle"), 0);
	cr_assert_eq(image_symbol_find(&top, img, "top"), 0);
	cr_assert_eq(image_symbol_lookup(&s, &off, img, mid->addr), 0);
	cr_assert_eq(s, mid);
	cr_assert_eq(off, 0);
	cr_assert_eq(image_symbol_lookup(&s, &off, img, mid->addr + mid->size - 1), 0);
	cr_assert_eq(s, mid);
	cr_assert_eq(off, mid->size - 1);
	cr_assert_eq(image_symbol_lookup(&s, &off, img, top->addr + 4), 0);
	cr_assert_eq(s, top);
	cr_assert_eq(off, 4);
	/* Below every symbol. */
	cr_assert_eq(image_symbol_lookup(&s, &off, img, 0x1000), IMAGE_ENOTFOUND);
	cr_assert_null(s);
	image_free(img);
}

Test(image, lookup_past_a_sized_symbol_is_not_found)
{
	image *img = open_ok("aarch64.elf");
	const image_symbol *cnt, *s;
	uint64_t off;

	/* counter (4 bytes) is the last .data object; far past its end there
	 * is no symbol of size 0 to fall back to. */
	cr_assert_eq(image_symbol_find(&cnt, img, "counter"), 0);
	/* Nor to a size-0 label such as the linker's _end: the address lies
	 * in no section of the image (a shared library's, say). */
	int rc = image_symbol_lookup(&s, &off, img, cnt->addr + cnt->size + 0x100000);
	cr_assert_eq(rc, IMAGE_ENOTFOUND, "found %s", rc == 0 ? s->name : "");
	image_free(img);
}

Test(image, sections_and_read)
{
	image *img = open_ok("riscv64.elf");
	const image_symbol *leaf;
	const image_section *text = NULL, *bss = NULL;
	uint8_t buf[8];

	for (size_t i = 0; i < image_section_count(img); i++) {
		const image_section *s = image_section_at(img, i);
		if (strcmp(s->name, ".text") == 0)
			text = s;
		if (strcmp(s->name, ".bss") == 0)
			bss = s;
	}
	cr_assert_not_null(text);
	cr_assert_not_null(bss);
	cr_assert(text->executable);
	cr_assert_not_null(text->data);
	cr_assert_null(bss->data, "NOBITS has no contents");
	cr_assert_not(bss->executable);
	cr_assert_null(image_section_at(img, image_section_count(img)));

	cr_assert_eq(image_symbol_find(&leaf, img, "leaf"), 0);
	cr_assert_eq(image_read(buf, img, leaf->addr, 4), 0);
	cr_assert_eq(memcmp(buf, text->data + (leaf->addr - text->addr), 4), 0);
	/* The last byte of .text, then one byte too far. */
	cr_assert_eq(image_read(buf, img, text->addr + text->size - 1, 1), 0);
	cr_assert_eq(image_read(buf, img, text->addr + text->size - 1, 2), IMAGE_ENOTFOUND);
	cr_assert_eq(image_read(buf, img, bss->addr, 4), IMAGE_ENOTFOUND);
	cr_assert_eq(image_read(buf, img, UINT64_MAX - 2, 8), IMAGE_ENOTFOUND);
	image_free(img);
}

/* The line in prog.c holding `needle`, read from the source tree. */
static int source_line(const char *needle)
{
	char path[512], line[256];
	const char *src = getenv("STUBRUN_SRCDIR");
	snprintf(path, sizeof(path), "%s/tests/data/elf/prog.c", src ? src : ".");
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	for (int n = 1; fgets(line, sizeof(line), f); n++)
		if (strstr(line, needle)) {
			fclose(f);
			return n;
		}
	fclose(f);
	cr_assert_fail("%s not in prog.c", needle);
	return 0;
}

Test(image, line_numbers_from_dwarf)
{
	int want = source_line("int middle(int x)");
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		image *img = open_ok(arches[i].file);
		const image_symbol *mid;
		const char *file;
		int line;
		cr_assert_eq(image_symbol_find(&mid, img, "middle"), 0);
		cr_assert_eq(image_line(&file, &line, img, mid->addr), 0, "%s", arches[i].file);
		cr_assert(strlen(file) >= 6 && strcmp(file + strlen(file) - 6, "prog.c") == 0,
			  "%s", file);
		cr_assert_eq(line, want, "%s: line %d", arches[i].file, line);
		image_free(img);
	}
}

Test(image, no_line_numbers_without_dwarf)
{
	image *img = open_ok("aarch64-nocfi.elf");
	const image_symbol *mid;
	const char *file = "x";
	int line = 7;
	cr_assert_eq(image_symbol_find(&mid, img, "middle"), 0);
	cr_assert_eq(image_line(&file, &line, img, mid->addr), IMAGE_ENOTFOUND);
	cr_assert_null(file);
	cr_assert_eq(line, 0);
	image_free(img);
}

Test(image, raw_boot_sector)
{
	char path[512], err[256];
	image *img;
	uint8_t sig[2], first;

	cr_assert_eq(image_open(&img, data_path(path, sizeof(path), "boot.bin"), 1,
				0x7c00, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(image_is_elf(img));
	cr_assert_eq(image_elf_machine(img), 0);
	cr_assert_eq(image_entry(img), 0x7c00);
	cr_assert_eq(image_symbol_count(img), 0);
	cr_assert_eq(image_section_count(img), 1);
	cr_assert_str_eq(image_section_at(img, 0)->name, "raw");
	cr_assert_eq(image_section_at(img, 0)->addr, 0x7c00);
	cr_assert_eq(image_section_at(img, 0)->size, 512);
	cr_assert_eq(image_read(sig, img, 0x7dfe, 2), 0);
	cr_assert(sig[0] == 0x55 && sig[1] == 0xaa);
	cr_assert_eq(image_read(&first, img, 0x7c00, 1), 0);
	cr_assert_eq(first, 0xfa, "cli");
	cr_assert_eq(image_read(sig, img, 0x7dff, 2), IMAGE_ENOTFOUND);
	cr_assert_eq(image_read(sig, img, 0x7bff, 1), IMAGE_ENOTFOUND);
	image_free(img);
}

Test(image, missing_unreadable_and_directory)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/nope.elf", tmpdir);
	expect_error(path, IMAGE_ENOENT, strerror(ENOENT));
	expect_error(tmpdir, IMAGE_ENOENT, "is a directory");
	expect_error("/dev/null", IMAGE_ENOENT, "not a regular file");
}

Test(image, empty_and_not_elf)
{
	char path[256];
	expect_error(write_tmp(path, sizeof(path), "empty", "", 0), IMAGE_EFORMAT,
		     "empty file");
	expect_error(write_tmp(path, sizeof(path), "text", "hello, world\n", 13),
		     IMAGE_EFORMAT, "not an ELF file");
	expect_error(write_tmp(path, sizeof(path), "magic", "\177ELF", 4),
		     IMAGE_EFORMAT, "not an ELF file");
	/* The raw mode rejects only empty files. */
	char err[256];
	image *img;
	write_tmp(path, sizeof(path), "empty", "", 0);
	cr_assert_eq(image_open(&img, path, 1, 0x7c00, err, sizeof(err)), IMAGE_EFORMAT);
	cr_assert_null(img);
}

/* A copy of `name` changed by `edit`, written to the scratch dir. */
static const char *corrupt(char *path, size_t plen, const char *name, size_t keep,
			   void (*edit)(uint8_t *buf, size_t len))
{
	size_t len;
	uint8_t *buf = slurp(&len, name);
	if (edit)
		edit(buf, len);
	write_tmp(path, plen, "bad.elf", buf, keep && keep < len ? keep : len);
	free(buf);
	return path;
}

static Elf64_Ehdr ehdr64(const char *name)
{
	size_t len;
	Elf64_Ehdr eh;
	uint8_t *buf = slurp(&len, name);
	memcpy(&eh, buf, sizeof(eh));
	free(buf);
	return eh;
}

static void big_endian(uint8_t *b, size_t len) { (void)len; b[EI_DATA] = ELFDATA2MSB; }
static void bad_class(uint8_t *b, size_t len) { (void)len; b[EI_CLASS] = 7; }
static void huge_shoff(uint8_t *b, size_t len)
{
	(void)len;
	uint64_t off = 0xfffffffffff0ull;
	memcpy(b + offsetof(Elf64_Ehdr, e_shoff), &off, 8);
}
static void bad_shstrndx(uint8_t *b, size_t len)
{
	(void)len;
	uint16_t n;
	memcpy(&n, b + offsetof(Elf64_Ehdr, e_shnum), 2);
	n += 5;
	memcpy(b + offsetof(Elf64_Ehdr, e_shstrndx), &n, 2);
}
static void ppc64(uint8_t *b, size_t len)
{
	(void)len;
	uint16_t m = EM_PPC64;
	memcpy(b + offsetof(Elf64_Ehdr, e_machine), &m, 2);
}

/* The section header of .text in a 64-bit image, found by name. */
static Elf64_Shdr *find_shdr(uint8_t *b, const char *want)
{
	Elf64_Ehdr eh;
	memcpy(&eh, b, sizeof(eh));
	Elf64_Shdr *sh = (Elf64_Shdr *)(b + eh.e_shoff);
	const char *names = (const char *)b + sh[eh.e_shstrndx].sh_offset;
	for (unsigned i = 0; i < eh.e_shnum; i++)
		if (strcmp(names + sh[i].sh_name, want) == 0)
			return &sh[i];
	cr_assert_fail("no %s", want);
	return NULL;
}

static void huge_text(uint8_t *b, size_t len) { (void)len; find_shdr(b, ".text")->sh_size = 1ull << 40; }
static void text_past_end(uint8_t *b, size_t len) { find_shdr(b, ".text")->sh_offset = len - 2; }
static void bad_section_name(uint8_t *b, size_t len) { (void)len; find_shdr(b, ".text")->sh_name = 0x7fffffff; }
static void bad_strtab_link(uint8_t *b, size_t len) { (void)len; find_shdr(b, ".symtab")->sh_link = 0xffff; }
static void bad_symtab_entsize(uint8_t *b, size_t len) { (void)len; find_shdr(b, ".symtab")->sh_entsize = 7; }
static void bad_symbol_name(uint8_t *b, size_t len)
{
	(void)len;
	Elf64_Shdr *st = find_shdr(b, ".symtab");
	Elf64_Sym *sym = (Elf64_Sym *)(b + st->sh_offset);
	sym[3].st_name = 0x40000000;
}

static unsigned section_index(const char *file, const char *name)
{
	size_t len;
	uint8_t *b = slurp(&len, file);
	Elf64_Ehdr eh;
	memcpy(&eh, b, sizeof(eh));
	unsigned idx = (unsigned)(find_shdr(b, name) - (Elf64_Shdr *)(b + eh.e_shoff));
	free(b);
	return idx;
}

Test(image, corrupt_headers)
{
	char path[256], want[256];
	Elf64_Ehdr eh = ehdr64("aarch64.elf");

	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 40, NULL),
		     IMAGE_EFORMAT, "truncated ELF header");
	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 0, big_endian),
		     IMAGE_EFORMAT, "not a little-endian ELF file");
	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 0, bad_class),
		     IMAGE_EFORMAT, "bad ELF class 7");
	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 0, huge_shoff),
		     IMAGE_EFORMAT, "section headers lie outside the file (e_shoff 0xfffffffffff0)");
	/* Cut inside the section header table. */
	snprintf(want, sizeof(want), "section headers lie outside the file (e_shoff 0x%llx, %u entries)",
		 (unsigned long long)eh.e_shoff, eh.e_shnum);
	expect_error(corrupt(path, sizeof(path), "aarch64.elf",
			     eh.e_shoff + eh.e_shentsize * 2, NULL), IMAGE_EFORMAT, want);
	snprintf(want, sizeof(want), "bad section name table index %u (%u sections)",
		 eh.e_shnum + 5, eh.e_shnum);
	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 0, bad_shstrndx),
		     IMAGE_EFORMAT, want);
}

Test(image, unsupported_machine)
{
	char path[256];
	expect_error(corrupt(path, sizeof(path), "aarch64.elf", 0, ppc64),
		     IMAGE_EMACHINE, "no target for ELF machine 21 (ELF64)");
}

Test(image, corrupt_sections)
{
	char path[256], want[256];
	unsigned text = section_index("x86_64.elf", ".text");
	unsigned symtab = section_index("x86_64.elf", ".symtab");

	snprintf(want, sizeof(want), "section %u (.text) lies outside the file", text);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, huge_text),
		     IMAGE_EFORMAT, want);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, text_past_end),
		     IMAGE_EFORMAT, want);
	snprintf(want, sizeof(want), "section %u: name offset 2147483647 out of range", text);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, bad_section_name),
		     IMAGE_EFORMAT, want);
	snprintf(want, sizeof(want), "section %u: bad string table link 65535", symtab);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, bad_strtab_link),
		     IMAGE_EFORMAT, want);
	snprintf(want, sizeof(want), "section %u: bad symbol table entry size", symtab);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, bad_symtab_entsize),
		     IMAGE_EFORMAT, want);
	expect_error(corrupt(path, sizeof(path), "x86_64.elf", 0, bad_symbol_name),
		     IMAGE_EFORMAT, "symbol 3: name offset 1073741824 out of range");
}

/* Every truncation of a valid file is either opened (the cut fell in
 * bytes nothing points to) or rejected with EFORMAT; never a crash. */
Test(image, every_truncation_is_handled)
{
	size_t len;
	uint8_t *buf = slurp(&len, "riscv32.elf");
	char path[256], err[256];

	for (size_t keep = 1; keep < len; keep += (keep < 256 ? 1 : 61)) {
		image *img;
		write_tmp(path, sizeof(path), "cut.elf", buf, keep);
		int rc = image_open(&img, path, 0, 0, err, sizeof(err));
		cr_assert(rc == 0 || rc == IMAGE_EFORMAT, "cut at %zu: %d %s", keep, rc, err);
		if (rc == 0) {
			const char *file;
			int line;
			image_line(&file, &line, img, 0x80000000);
		}
		image_free(img);
	}
	free(buf);
}

static void no_section_headers(uint8_t *b, size_t len)
{
	(void)len;
	memset(b + offsetof(Elf64_Ehdr, e_shoff), 0, 8);
	memset(b + offsetof(Elf64_Ehdr, e_shnum), 0, 2);
	memset(b + offsetof(Elf64_Ehdr, e_shstrndx), 0, 2);
}

/* Stripped kernels may have program headers only: the loadable segments
 * then stand in for sections, so that code can still be read. */
Test(image, program_headers_only)
{
	char path[256], err[256];
	image *full = open_ok("aarch64.elf"), *img;
	const image_symbol *leaf;
	uint8_t want[16], got[16];

	cr_assert_eq(image_symbol_find(&leaf, full, "leaf"), 0);
	cr_assert_eq(image_read(want, full, leaf->addr, sizeof(want)), 0);
	corrupt(path, sizeof(path), "aarch64.elf", 0, no_section_headers);
	cr_assert_eq(image_open(&img, path, 0, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(image_symbol_count(img), 0);
	cr_assert_geq(image_section_count(img), 1);
	cr_assert_str_eq(image_section_at(img, 0)->name, "LOAD");
	cr_assert_eq(image_read(got, img, leaf->addr, sizeof(got)), 0);
	cr_assert_eq(memcmp(got, want, sizeof(got)), 0);
	const char *file;
	int line;
	cr_assert_eq(image_line(&file, &line, img, leaf->addr), IMAGE_ENOTFOUND);
	image_free(img);
	image_free(full);
}

/* Random byte changes in the headers and tables (fixed seed, so a failure
 * reproduces): every result is a clean open or a clean error, and a clean
 * open gives lookups that stay in bounds (ASan checks that). */
Test(image, mutated_headers_never_crash)
{
	size_t len;
	uint8_t *orig = slurp(&len, "x86_64.elf");
	uint8_t *buf = malloc(len);
	Elf64_Ehdr eh;
	char path[256], err[256];
	unsigned seed = 12345;

	memcpy(&eh, orig, sizeof(eh));
	for (int round = 0; round < 300; round++) {
		memcpy(buf, orig, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at;
			switch ((seed >> 16) % 3) {   /* ELF header, section headers, rest */
			case 0: at = (seed >> 8) % sizeof(eh); break;
			case 1: at = eh.e_shoff + (seed >> 4) % (eh.e_shnum * sizeof(Elf64_Shdr)); break;
			default: at = (seed >> 4) % len;
			}
			if (at < len)
				buf[at] = (uint8_t)(seed >> 24);
		}
		write_tmp(path, sizeof(path), "mut.elf", buf, len);
		image *img;
		int rc = image_open(&img, path, 0, 0, err, sizeof(err));
		cr_assert(rc == 0 || rc == IMAGE_EFORMAT || rc == IMAGE_EMACHINE,
			  "round %d: %d", round, rc);
		if (rc != 0) {
			cr_assert(strncmp(err, path, strlen(path)) == 0, "%s", err);
			continue;
		}
		uint8_t tmp[8];
		const image_symbol *s;
		uint64_t off;
		const char *file;
		int line;
		for (uint64_t a = 0x100000; a < 0x100060; a += 7) {
			image_symbol_lookup(&s, &off, img, a);
			image_read(tmp, img, a, sizeof(tmp));
			image_line(&file, &line, img, a);
		}
		for (size_t i = 0; i < image_symbol_count(img); i++)
			cr_assert_not_null(image_symbol_at_index(img, i)->name);
		image_free(img);
	}
	free(buf);
	free(orig);
}

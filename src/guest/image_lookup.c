/*
 * What a loaded image answers (src/guest/image.h): its properties, symbol
 * lookups by name and by address, sections, bytes at a guest address and
 * source lines (libdw). Opening and loading are image.c's.
 */
#include "image.h"
#include "image_int.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t image_symbol_count(const image *img) { return img->nsyms; }

const image_symbol *image_symbol_at_index(const image *img, size_t i)
{
	return i < img->nsyms ? &img->syms[i] : NULL;
}

int image_symbol_find(const image_symbol **out, const image *img,
		      const char *name)
{
	*out = NULL;
	for (size_t i = 0; i < img->nsyms; i++)
		if (strcmp(img->syms[i].name, name) == 0) {
			*out = &img->syms[i];
			return 0;
		}
	return IMAGE_ENOTFOUND;
}

int image_linker_symbol_find(const image_symbol **out, const image *img,
			     const char *name)
{
	*out = NULL;
	for (size_t i = 0; i < img->nsyms; i++)
		if (img->syms[i].is_linker && strcmp(img->syms[i].name, name) == 0) {
			*out = &img->syms[i];
			return 0;
		}
	return IMAGE_ENOTFOUND;
}

static int contains(const image_symbol *s, uint64_t addr)
{
	return !s->is_abs && addr >= s->addr && addr - s->addr < s->size;
}

/* The allocated section holding addr, or NULL. */
static const image_sec *alloc_section_of(const image *img, uint64_t addr)
{
	for (size_t i = 0; i < img->nsecs; i++) {
		const image_sec *s = &img->secs[i];
		if (s->alloc && addr >= s->pub.addr && addr - s->pub.addr < s->pub.size)
			return s;
	}
	return NULL;
}

/* A System.map has symbols and no sections: its labels stand alone. */
static int has_alloc_sections(const image *img)
{
	for (size_t i = 0; i < img->nsecs; i++)
		if (img->secs[i].alloc)
			return 1;
	return 0;
}

int image_attach(image *img, image *obj)
{
	image **nv = realloc(img->objs, (img->nobjs + 1) * sizeof(*nv));

	if (!nv) {
		image_free(obj);
		return IMAGE_ENOENT;
	}
	img->objs = nv;
	nv[img->nobjs++] = obj;
	return 0;
}

const image *image_holding(const image *img, uint64_t addr)
{
	if (alloc_section_of(img, addr))
		return img;
	for (size_t i = 0; i < img->nobjs; i++)
		if (alloc_section_of(img->objs[i], addr))
			return img->objs[i];
	return NULL;
}

size_t image_object_count(const image *img) { return img->nobjs; }

const image *image_object_at(const image *img, size_t i)
{
	return i < img->nobjs ? img->objs[i] : NULL;
}

/* The attached object to ask about addr instead of img, or NULL. */
static const image *object_for(const image *img, uint64_t addr)
{
	const image *h;

	if (!img->nobjs || !(h = image_holding(img, addr)) || h == img)
		return NULL;
	return h;
}

int image_symbol_lookup(const image_symbol **out, uint64_t *offset,
			const image *img, uint64_t addr)
{
	const image_symbol *found = NULL;
	size_t lo = 0, hi = img->nsyms;
	const image *obj = object_for(img, addr);

	if (obj)
		return image_symbol_lookup(out, offset, obj, addr);
	*out = NULL;
	*offset = 0;
	while (lo < hi) {          /* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;
		if (img->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return IMAGE_ENOTFOUND;
	size_t top = lo - 1;
	/* Walk down while something below may still reach addr; within the
	 * address group of the first hit keep the most preferred one. */
	for (size_t j = top + 1; j-- > 0;) {
		if (found && img->syms[j].addr != found->addr)
			break;
		if (!found && img->maxend[j] <= addr)
			break;
		if (contains(&img->syms[j], addr))
			found = &img->syms[j];
	}
	/* A size-0 label at the nearest address, when both lie in one
	 * section (or the image has none: a System.map): an address past the
	 * image (a shared library's code above a program) is not
	 * __bss_end__ plus some megabytes. */
	if (!found && (!has_alloc_sections(img) ||
		       (alloc_section_of(img, addr) &&
			alloc_section_of(img, addr) ==
			alloc_section_of(img, img->syms[top].addr)))) {
		uint64_t at = img->syms[top].addr;
		for (size_t j = top + 1; j-- > 0 && img->syms[j].addr == at;)
			if (img->syms[j].size == 0 && !img->syms[j].is_abs)
				found = &img->syms[j];
	}
	if (!found)
		return IMAGE_ENOTFOUND;
	*out = found;
	*offset = addr - found->addr;
	return 0;
}

size_t image_section_count(const image *img) { return img->nsecs; }

const image_section *image_section_at(const image *img, size_t i)
{
	return i < img->nsecs ? &img->secs[i].pub : NULL;
}

const image_section *image_section_named(const image *img, const char *name)
{
	for (size_t i = 0; i < img->nsecs; i++)
		if (img->secs[i].pub.name && !strcmp(img->secs[i].pub.name, name))
			return &img->secs[i].pub;
	return NULL;
}

int image_read(void *buf, const image *img, uint64_t addr, size_t len)
{
	const image *obj = object_for(img, addr);

	if (obj)
		return image_read(buf, obj, addr, len);
	for (size_t i = 0; i < img->nsecs; i++) {
		const image_sec *s = &img->secs[i];
		if (!s->alloc || !s->pub.data || addr < s->pub.addr)
			continue;
		uint64_t off = addr - s->pub.addr;
		if (off > s->pub.size || len > s->pub.size - off)
			continue;
		memcpy(buf, s->pub.data + off, len);
		return 0;
	}
	return IMAGE_ENOTFOUND;
}

/* The line-table row for addr, and its compilation unit. */
static int line_at(const char **file, int *line, Dwarf_Die *cu,
		   const image *img, uint64_t addr)
{
	Dwarf_Line *l;
	Dwarf *dw;
	int n;

	const image *obj = object_for(img, addr);

	if (obj)
		return line_at(file, line, cu, obj, addr);
	*file = NULL;
	*line = 0;
	addr -= img->bias;          /* DWARF has the link-time addresses */
	dw = image_dwarf_handle(img);
	if (!dw || !dwarf_addrdie(dw, addr, cu))
		return IMAGE_ENOTFOUND;
	l = dwarf_getsrc_die(cu, addr);
	if (!l || dwarf_lineno(l, &n) != 0 || n <= 0)
		return IMAGE_ENOTFOUND;
	const char *f = dwarf_linesrc(l, NULL, NULL);
	if (!f)
		return IMAGE_ENOTFOUND;
	*file = f;
	*line = n;
	return 0;
}

int image_line(const char **file, int *line, const image *img, uint64_t addr)
{
	Dwarf_Die cu;

	return line_at(file, line, &cu, img, addr);
}

int image_source_path(char *path, size_t len, int *line, const image *img,
		      uint64_t addr)
{
	Dwarf_Die cu;
	Dwarf_Attribute attr;
	const char *file, *dir = NULL;
	int n;

	if (len == 0 || line_at(&file, line, &cu, img, addr) < 0)
		return IMAGE_ENOTFOUND;
	if (file[0] != '/' && dwarf_attr(&cu, DW_AT_comp_dir, &attr))
		dir = dwarf_formstring(&attr);
	n = dir ? snprintf(path, len, "%s/%s", dir, file) :
		  snprintf(path, len, "%s", file);
	return n < 0 || (size_t)n >= len ? IMAGE_ENOTFOUND : 0;
}

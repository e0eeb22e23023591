/*
 * The inside of an image, shared by image.c (opening and loading: ELF,
 * raw, System.map) and image_lookup.c (what the loaded image answers).
 */
#ifndef IMAGE_INT_H
#define IMAGE_INT_H

#include <elfutils/libdw.h>
#include <libelf.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* The public section plus what image_read() needs to know. */
typedef struct image_sec {
	image_section pub;
	int alloc;               /* SHF_ALLOC / PT_LOAD: has a guest address */
} image_sec;

struct image {
	char *path;
	int raw;
	char *pool;              /* System.map: the names' text */
	uint64_t bias;           /* --symbols-offset, added to every address */
	uint8_t *map;            /* the file, mapped MAP_PRIVATE (or malloc'd) */
	size_t map_size;
	Elf *elf;
	/* Begun at the first lookup that needs it (image_dwarf_handle()): a
	 * passing run needs none. Apart from the image, so that a lookup
	 * through a const image can fill it. NULL for a raw image. */
	struct image_dwarf {
		Dwarf *handle;   /* NULL without DWARF */
		int begun;
	} *dwarf;
	int machine, elf_class;
	uint32_t flags;
	uint64_t entry;
	image_sec *secs;
	size_t nsecs;
	image_symbol *syms;
	uint64_t *maxend;        /* maxend[i]: max end of syms[0..i] */
	size_t nsyms;
	struct image **objs;     /* attached shared objects (image_attach) */
	size_t nobjs;
};

#endif /* IMAGE_INT_H */

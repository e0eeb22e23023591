/*
 * System.map files (`nm -n` output of a kernel: "ADDR TYPE NAME" lines),
 * read as symbols when the ELF with them is not at hand. Addresses only:
 * no sizes, no lines, no unwinding tables. A pure parser of untrusted
 * text: every line is bounded and checked (tests/fuzz/fuzz_sysmap.c).
 */
#ifndef SYSMAP_H
#define SYSMAP_H

#include <stddef.h>

#include "image.h"

/* Why 4096: no kernel symbol is near it; a longer name is a wrong file. */
#define SYSMAP_NAME_MAX 4096
/* Why 16 M: a kernel has a few hundred thousand symbols. */
#define SYSMAP_MAX_SYMBOLS (16u * 1024 * 1024)

/*
 * Parses `len` bytes of text. On success *syms is a malloc'd array of *n
 * symbols (unsorted) whose names point into *pool, a malloc'd copy of the
 * text; the caller frees both. Lines of type U (undefined) are skipped; t/T
 * are functions, a/A absolute. On failure (-1) nothing is allocated and
 * why holds "line N: problem".
 */
int sysmap_parse(image_symbol **syms, size_t *n, char **pool,
		 const char *text, size_t len, char *why, size_t whylen);

/* 1 when `text` starts like a System.map: a hex address, a blank, one
 * type letter, a blank and a name. */
int sysmap_looks_like(const char *text, size_t len);

#endif /* SYSMAP_H */

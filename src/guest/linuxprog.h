/*
 * Whether an ELF is a Linux program (one that runs under qemu-user, not on
 * a bare machine), and what it needs to run: its interpreter, and whether
 * it is position-independent (loaded at an address chosen at run time).
 */
#ifndef LINUXPROG_H
#define LINUXPROG_H

#include <stddef.h>

#include "image.h"

/* Why 256: PT_INTERP is a path such as "/lib/ld-linux-aarch64.so.1";
 * a longer one is cut, never grown. */
#define LINUXPROG_INTERP_MAX 256

typedef struct linuxprog_info {
	/* OS/ABI SYSV or GNU, and a PT_INTERP or a GNU ABI tag note (which
	 * only the C library's start files carry: a -nostdlib kernel or
	 * bare-metal image has neither). */
	int is_linux;
	int is_pie;                          /* ET_DYN: loaded at a bias */
	char interp[LINUXPROG_INTERP_MAX];   /* PT_INTERP, "" when static */
} linuxprog_info;

/* Fills *out from the ELF of `img` (a raw image or an image without ELF
 * is "not Linux"). Returns 0; IMAGE_EFORMAT when a PT_INTERP lies outside
 * the file. */
int linuxprog_probe(linuxprog_info *out, const image *img);

#endif /* LINUXPROG_H */

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
	/* The ELF header's e_machine, class and e_flags: the target. */
	int machine;
	int elf_class;
	unsigned flags;
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

/* The same from the ELF file open on `fd`, read for its headers alone
 * (no symbols, sections' contents or DWARF): what picks the run mode and
 * QEMU's command line before the image is read whole. IMAGE_EFORMAT when
 * the file is no ELF or its PT_INTERP lies outside it. */
int linuxprog_probe_fd(linuxprog_info *out, int fd);

#endif /* LINUXPROG_H */

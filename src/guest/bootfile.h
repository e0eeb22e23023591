/*
 * The files a run boots besides an ELF IMAGE (--kernel, --initrd, --dtb,
 * --drive, --cdrom, --bios): checked before QEMU starts, so that a missing
 * or wrong file is one line naming it instead of a QEMU error or a hang.
 * Every read is bounded: the files are untrusted input.
 */
#ifndef BOOTFILE_H
#define BOOTFILE_H

#include <stddef.h>

#include "target.h"

enum {
	BOOTFILE_ENOENT = -1,   /* missing, unreadable, not a regular file */
	BOOTFILE_EFORMAT = -2,  /* not what it must be (an ISO without CD001) */
};

/* `path` can be opened for reading and is a regular file (a directory
 * when dir_ok). On failure errbuf holds "OPTION PATH: problem". */
int bootfile_check(const char *option, const char *path, int dir_ok,
		   char *errbuf, size_t errlen);

/* `path` is an ISO 9660 image: "CD001" at byte 32769 (the primary volume
 * descriptor in sector 16, ECMA-119 8.4). */
int bootfile_check_iso(const char *path, char *errbuf, size_t errlen);

/* What a --kernel file's first bytes say. */
typedef struct bootfile_kernel {
	int is_elf;                 /* starts with the ELF magic */
	const target_desc *tgt;     /* from a header magic (targets/), or NULL */
} bootfile_kernel;

/* Reads the first bytes of `path` (after bootfile_check()). */
int bootfile_probe_kernel(bootfile_kernel *out, const char *path,
			  char *errbuf, size_t errlen);

#endif /* BOOTFILE_H */

/*
 * The shared objects of a running Linux program (user mode): the dynamic
 * linker's own list, read through guest memory. The program's DT_DEBUG
 * entry points at the linker's r_debug, whose r_map starts the chain of
 * link_map records (base address, path, next). Every value read is
 * treated as hostile: the chain is bounded and cut at a loop.
 */
#ifndef SOLIB_H
#define SOLIB_H

#include <stddef.h>
#include <stdint.h>

#include "unwind.h"

/* Why 256: a path as the dynamic linker names it (under the sysroot the
 * caller adds its own prefix); a longer one is cut and then not found. */
#define SOLIB_NAME_MAX 256
/* Why 64: far more objects than a unit-test program loads. */
#define SOLIB_MAX 64

typedef struct solib_entry {
	uint64_t base;              /* l_addr: added to the object's addresses */
	char name[SOLIB_NAME_MAX];  /* l_name: the path it was loaded from */
} solib_entry;

/*
 * The loaded objects with a name (the program itself and the vDSO have
 * none or no file), from the program's dynamic section at `dynamic`
 * (`size` bytes, its run-time address) with pointers of `ptr_size` (4 or
 * 8) bytes. Up to `cap` entries into out, *count of them. 0, or -1 when
 * the dynamic section or the list cannot be read (before the dynamic
 * linker ran, or a static program: no DT_DEBUG value yet).
 */
int solib_list(solib_entry *out, size_t cap, size_t *count, uint64_t dynamic,
	       uint64_t size, unsigned ptr_size, unwind_read_fn read, void *arg);

#endif /* SOLIB_H */

/*
 * The dynamic linker's list of loaded objects (solib.h). Written by hand:
 * the layout is the SVR4 ABI's r_debug and link_map, a few words that no
 * Debian library reads from another process's memory through a callback.
 */
#include "solib.h"

#include <string.h>

#define DT_NULL_TAG 0
#define DT_DEBUG_TAG 21
/* Why 4096 entries: a dynamic section has a few dozen. */
#define DYN_MAX 4096

/* DT_DEBUG's value: the address of the linker's r_debug, or 0. */
static int find_debug(uint64_t *rdebug, uint64_t dynamic, uint64_t size,
		      unsigned w, unwind_read_fn read, void *arg)
{
	uint64_t n = size / (2 * w);

	*rdebug = 0;
	for (uint64_t i = 0; i < n && i < DYN_MAX; i++) {
		uint64_t tag, val;
		if (unwind_read_word(&tag, dynamic + i * 2 * w, w, read, arg) < 0 ||
		    unwind_read_word(&val, dynamic + i * 2 * w + w, w, read, arg) < 0)
			return -1;
		if (tag == DT_NULL_TAG)
			break;
		if (tag == DT_DEBUG_TAG) {
			*rdebug = val;
			return 0;
		}
	}
	return 0;
}

/* The NUL-terminated string at addr, cut to cap - 1 bytes. */
static int read_name(char *out, size_t cap, uint64_t addr, unwind_read_fn read,
		     void *arg)
{
	size_t n = 0;

	while (n + 1 < cap) {
		char c;
		if (read(&c, addr + n, 1, arg) != 0)
			return -1;
		if (!c)
			break;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

int solib_list(solib_entry *out, size_t cap, size_t *count, uint64_t dynamic,
	       uint64_t size, unsigned w, unwind_read_fn read, void *arg)
{
	uint64_t rdebug, map, seen[SOLIB_MAX * 2];
	size_t nseen = 0;

	*count = 0;
	if ((w != 4 && w != 8) || find_debug(&rdebug, dynamic, size, w, read,
					     arg) < 0 || rdebug == 0)
		return -1;
	/* struct r_debug { int r_version; struct link_map *r_map; ... }:
	 * r_map sits one pointer in. */
	if (unwind_read_word(&map, rdebug + w, w, read, arg) < 0)
		return -1;
	/* struct link_map { l_addr, l_name, l_ld, l_next, l_prev }. */
	while (map && nseen < sizeof(seen) / sizeof(seen[0])) {
		uint64_t base, name, next;
		for (size_t i = 0; i < nseen; i++)
			if (seen[i] == map)
				return 0; /* a loop: what was read stands */
		seen[nseen++] = map;
		if (unwind_read_word(&base, map, w, read, arg) < 0 ||
		    unwind_read_word(&name, map + w, w, read, arg) < 0 ||
		    unwind_read_word(&next, map + 3 * w, w, read, arg) < 0)
			return *count ? 0 : -1;
		if (name && *count < cap) {
			solib_entry *e = &out[*count];
			e->base = base;
			if (read_name(e->name, sizeof(e->name), name, read, arg) == 0 &&
			    e->name[0])
				(*count)++;
		}
		map = next;
	}
	return 0;
}

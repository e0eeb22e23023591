/* SYS_HEAPINFO's answer, fixed when the service is made: from --heap, the
 * image's linker symbols, or QEMU's rule over the machine's RAM. */
#include "semihost_int.h"

static uint64_t first_symbol(const image *img, const char *const *names)
{
	const image_symbol *s;

	for (; *names; names++) {
		if (image_linker_symbol_find(&s, img, *names) == 0 && s->addr)
			return s->addr;
	}
	return 0;
}

/* End of the highest loaded section (in RAM when RAM is known). */
static uint64_t image_end(const image *img, uint64_t lo, uint64_t hi)
{
	uint64_t end = 0;

	for (size_t i = 0; i < image_section_count(img); i++) {
		const image_section *s = image_section_at(img, i);
		if (s->addr == 0 || s->addr < lo || s->addr >= hi)
			continue;
		if (s->addr + s->size > end)
			end = s->addr + s->size;
	}
	return (end + 15) & ~(uint64_t)15;
}

void sh_heap_init(semihost *sh, const image *img)
{
	static const char *const base_syms[] = { "__heap_start", "__heap_base",
		"__HeapBase", "end", "_end", NULL };
	static const char *const limit_syms[] = { "__heap_end", "__heap_limit",
		"__HeapLimit", NULL };
	static const char *const stack_syms[] = { "__stack", "__stack_top",
		"__StackTop", "_stack", "_estack", NULL };
	static const char *const stack_limit_syms[] = { "__stack_limit",
		"__StackLimit", NULL };
	const semihost_config *cfg = &sh->cfg;
	uint64_t ram_end = cfg->ram_size ? cfg->ram_base + cfg->ram_size : 0;
	uint64_t *h = sh->heap;

	if (cfg->has_heap) {
		h[0] = cfg->heap_base;
		h[1] = cfg->heap_limit;
		h[2] = cfg->stack_base;
		h[3] = cfg->stack_limit;
		/* The heap alone (--heap BASE:LIMIT): the stack as below. */
		if (h[2] || h[3])
			return;
	}
	if (img && !cfg->has_heap) {
		h[0] = first_symbol(img, base_syms);
		h[1] = first_symbol(img, limit_syms);
		if (!h[0])
			h[0] = ram_end ? image_end(img, cfg->ram_base, ram_end) :
					 image_end(img, 0, UINT64_MAX);
	}
	if (img) {
		h[2] = first_symbol(img, stack_syms);
		h[3] = first_symbol(img, stack_limit_syms);
	}
	/* A name can be a C variable rather than a linker symbol (newlib's
	 * __heap_limit is one): values on the wrong side of the heap base are
	 * not believed. */
	if (h[1] <= h[0])
		h[1] = 0;
	if (h[2] <= h[0])
		h[2] = 0;
	if (h[3] >= h[2] && h[2])
		h[3] = 0;
	/* QEMU's own rule: the stack at the top of RAM growing down to the
	 * heap, which ends where the stack starts. */
	if (!h[2])
		h[2] = h[1] ? h[1] : ram_end;
	if (!h[1])
		h[1] = h[2];
	/* A heap given by hand (--heap BASE:LIMIT) is the user's: the stack
	 * may grow down to its end, not into it. */
	if (!h[3])
		h[3] = cfg->has_heap ? h[1] : h[0];
}

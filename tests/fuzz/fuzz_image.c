/* libFuzzer harness for the ELF image reader (src/guest/image.c) with its
 * symbols, DWARF lines, the in-image test plan (testplan.c), the CFI
 * unwinder (unwind.c) and the frame variables (dwvars.c) of each frame it
 * finds, the targets' build attributes (targets/arm.c) and the Linux
 * program check from the headers alone (linuxprog.c): any bytes as an
 * image file. Guest memory for the unwinder is the input itself, so stack
 * contents are hostile too. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwvars.h"
#include "image.h"
#include "linuxprog.h"
#include "target.h"
#include "testplan.h"
#include "solib.h"
#include "unwind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Scratch files live under build/fuzz/ (the harnesses run from the top of
 * the tree): a crashing input leaves them there, not in /tmp. */
static char path[] = "build/fuzz/scratch-image-XXXXXX";
static int fd = -1;

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = mkstemp(path)) < 0)
		abort();
	atexit(remove_file);
	return 0;
}

typedef struct mem {
	const uint8_t *data;
	size_t size;
} mem;

static int read_mem(void *buf, uint64_t addr, size_t len, void *arg)
{
	const mem *m = arg;

	if (addr > m->size || len > m->size - addr)
		return -1;
	memcpy(buf, m->data + addr, len);
	return 0;
}

static void walk(const image *img, const uint8_t *data, size_t size)
{
	const target_desc *t = target_from_elf(image_elf_machine(img),
					       image_elf_class(img), 0);
	mem m = { data, size };
	unwind_frame frames[16];
	unwind_regs regs = { 0 };
	unwind_stop stop;
	size_t count;

	if (!t)
		return;
	/* The dynamic linker's list, with the input as the guest memory. */
	solib_entry objs[4];
	size_t nobjs;
	if (solib_list(objs, 4, &nobjs, 0, size, t->ptr_size, read_mem, &m) == 0 &&
	    (nobjs > 4 || (nobjs && !memchr(objs[0].name, '\0', SOLIB_NAME_MAX))))
		abort();
	for (size_t i = 0; i < image_symbol_count(img) && i < 8; i++) {
		const image_symbol *s = image_symbol_at_index(img, i);
		regs.pc = s->addr + 2;
		regs.sp = size / 2;
		regs.fp = size / 4;
		regs.all.known = ~0ull >> (64 - UNWIND_REGS);
		for (size_t r = 0; r < UNWIND_REGS; r++)
			regs.all.v[r] = size / (r + 2);
		if (unwind_backtrace(frames, &count, &stop, 16, img, t, &regs,
				     read_mem, &m) != 0 || count < 1 || count > 16)
			abort();
		for (size_t k = 0; k < count; k++) {
			dwvars_var vars[DWVARS_MAX];
			dwvars_frame f = { frames[k].pc, &frames[k].regs,
					   frames[k].cfa, frames[k].has_cfa };
			size_t n, more;
			if (dwvars_frame_vars(vars, DWVARS_MAX, &n, &more, img, t,
					      &f, read_mem, &m) == 0 && n > DWVARS_MAX)
				abort();
		}
	}
}

static void lookups(const image *img)
{
	const image_symbol *s;
	const char *file;
	uint64_t off;
	uint8_t buf[64];
	int line;

	for (size_t i = 0; i < image_symbol_count(img); i++) {
		const image_symbol *sym = image_symbol_at_index(img, i);
		if (!sym || !sym->name)
			abort();
		if (i < 64) {
			image_symbol_find(&s, img, sym->name);
			image_symbol_lookup(&s, &off, img, sym->addr + 1);
			image_line(&file, &line, img, sym->addr);
			image_read(buf, img, sym->addr, sizeof(buf));
		}
	}
	for (size_t i = 0; i < image_section_count(img); i++)
		if (!image_section_at(img, i))
			abort();
}

/* The build attributes of each target that reads them: the image's
 * section, and the input itself as the section's bytes. */
static void attributes(const image *img, const uint8_t *data, size_t size)
{
	for (size_t i = 0; target_table[i]; i++) {
		const target_desc *t = target_table[i];
		const image_section *s;
		if (!t->machine_for_attrs)
			continue;
		t->machine_for_attrs(data, size, 0x80000000u);
		s = img ? image_section_named(img, t->attrs_section) : NULL;
		if (s && s->data)
			t->machine_for_attrs(s->data, (size_t)s->size,
					     image_entry(img));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	image *img = NULL;
	testplan tp;
	linuxprog_info li;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	/* The headers alone, as user mode's early start reads them. */
	if (linuxprog_probe_fd(&li, fd) == 0 && !memchr(li.interp, '\0',
							 sizeof(li.interp)))
		abort();
	if (image_open(&img, path, 0, 0, err, sizeof(err)) < 0) {
		if (img || !strstr(err, path))
			abort(); /* errors name the file */
		attributes(NULL, data, size);
		return 0;
	}
	lookups(img);
	attributes(img, data, size);
	if (testplan_read(&tp, img, err, sizeof(err)) == 0)
		testplan_clear(&tp);
	walk(img, data, size);
	image_free(img);
	return 0;
}

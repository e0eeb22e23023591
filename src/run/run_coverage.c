/*
 * --coverage DIR: the guest's gcov data, read through the stub. The guest
 * (include/stubrun/guest.h, STUBRUN_GUEST_COVERAGE) turns its counters
 * into .gcda images with libgcov's __gcov_info_to_gcda and hands them to
 * four breakpointed hooks: begin (stubrun may say where the gcov_info
 * pointers are), file (a name), data (a chunk of bytes), end. Each file
 * is written under DIR (src/coverage/covout.c) when the next begins.
 *
 * stubrun's own calls of the dump (at an exit, after a timeout or a
 * fault) are run_coverage_call.c's.
 */
#include "run_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "covout.h"
#include "run_coverage.h"
#include "regs.h"
#include "util.h"

/* The hooks, by RUN_BP_COVERAGE's index. */
enum { COV_BEGIN, COV_FILE, COV_DATA, COV_END, COV_NHOOKS };
static const char *const hook_names[COV_NHOOKS] = {
	"stubrun_coverage_begin", "stubrun_coverage_file",
	"stubrun_coverage_data", "stubrun_coverage_end",
};

/* Why 1 MiB: a chunk is 2 KiB in guest.h; a larger claimed length is a
 * broken guest, and stays bounded. Why 256 MiB: the bytes of one file. */
#define CHUNK_MAX (1u << 20)
#define FILE_MAX (256u << 20)


static int find_symbol(uint64_t *addr, const run_ctx *r, const char *name)
{
	const image_symbol *s;

	if (image_symbol_find(&s, r->img, name) < 0)
		return 0;
	*addr = s->addr;
	return 1;
}

/* Where the gcov_info pointers are: the GCC manual's linker-script
 * symbols, else a section named .gcov_info or gcov_info. 1 when found. */
static int find_info(run_cov *c, const run_ctx *r)
{
	uint64_t lo, hi;

	if (find_symbol(&lo, r, "__gcov_info_start") &&
	    find_symbol(&hi, r, "__gcov_info_end") && lo <= hi) {
		c->info_lo = lo;
		c->info_hi = hi;
		return 1;
	}
	for (size_t i = 0; i < image_section_count(r->img); i++) {
		const image_section *s = image_section_at(r->img, i);
		if (strcmp(s->name, ".gcov_info") == 0 ||
		    strcmp(s->name, "gcov_info") == 0) {
			c->info_lo = s->addr;
			c->info_hi = s->addr + s->size;
			return 1;
		}
	}
	return 0;
}

static int make_dir(run_ctx *r, const char *dir)
{
	int err = covout_mkdir_p(dir);

	if (err < 0)
		run_verdict(r, RUN_EXIT_ERROR, 0, "--coverage %s: %s", dir,
			    strerror(-err));
	return err < 0 ? -1 : 0;
}

/* 1 when the guest writes its .gcda files itself, with libgcov's own file
 * output (registered by __gcov_init, written by __gcov_exit/__gcov_dump),
 * through semihosting that stubrun services: their absolute paths are then
 * mapped into DIR by the sandbox, and there is nothing to dump. */
static int libgcov_files(const run_ctx *r)
{
	static const char *const writers[] = { "__gcov_init", "__gcov_exit",
					       "__gcov_dump" };
	uint64_t addr;

	if (!r->sh && !r->fio)
		return 0;
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (find_symbol(&addr, r, writers[i]))
			return 1;
	return 0;
}

int run_coverage_plan(run_ctx *r)
{
	const cli_options *o = r->opt;
	uint64_t addr[COV_NHOOKS], start;
	run_cov *c;
	size_t found = 0;

	if (!o->coverage_dir)
		return 0;
	for (size_t i = 0; i < COV_NHOOKS; i++)
		found += (size_t)find_symbol(&addr[i], r, hook_names[i]);
	if (make_dir(r, o->coverage_dir) < 0)
		return -1;
	if (found < COV_NHOOKS && libgcov_files(r))
		return 0; /* the sandbox maps its .gcda paths (semihost_fs.h) */
	if (found < COV_NHOOKS) {
		int has_dump = find_symbol(&start, r, "stubrun_coverage_dump");
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: no coverage to dump: %s "
			    "(docs/COVERAGE.md)", image_path(r->img), has_dump ?
			    "its stubrun/guest.h was built without "
			    "STUBRUN_GUEST_COVERAGE" :
			    "build it with --coverage "
			    "-fprofile-info-section=gcov_info and stubrun/guest.h's "
			    "STUBRUN_GUEST_COVERAGE");
		return -1;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	r->cov = c;
	c->map = (covout_map){ o->coverage_dir, o->coverage_strip };
	find_symbol(&c->dump_fn, r, "stubrun_coverage_dump");
	if (!find_info(c, r) && !find_symbol(&start, r, "__start_gcov_info")) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: no gcov data in the image "
			    "(no gcov_info section): build it with --coverage "
			    "-fprofile-info-section=gcov_info", image_path(r->img));
		return -1;
	}
	for (size_t i = 0; i < COV_NHOOKS; i++)
		if (run_add_bp(r, addr[i], RUN_BP_COVERAGE, i, hook_names[i], 0) < 0)
			return -1;
	return 0;
}

/* The file received so far, written out (the next one begins, or the
 * dump ended). A failure is said once and the run's verdict stands. */
static void finish_file(run_ctx *r)
{
	run_cov *c = r->cov;

	if (c->file[0] && !c->failed &&
	    covout_write(&c->map, c->file, c->data, c->len, r->err,
			 sizeof(r->err)) < 0) {
		fprintf(stderr, "stubrun: coverage: %s\n", r->err);
		c->failed = 1;
	} else if (c->file[0] && !c->failed) {
		c->files++;
	}
	c->file[0] = '\0';
	c->len = 0;
}

static void hook_begin(run_ctx *r)
{
	run_cov *c = r->cov;
	unsigned w = r->tgt->ptr_size;
	uint8_t range[16];
	int64_t at;

	c->dumped = 1;
	c->ended = 0;
	c->failed = 0;
	finish_file(r);
	if (!c->info_lo && !c->info_hi)
		return; /* the guest knows them (__start_gcov_info) */
	for (unsigned i = 0; i < w; i++) {
		range[i] = (uint8_t)(c->info_lo >> (8 * i));
		range[w + i] = (uint8_t)(c->info_hi >> (8 * i));
	}
	if (run_read_arg(&at, r, 1) < 0 ||
	    rsp_mem_write(r->conn, (uint64_t)at, range, 2 * w) < 0)
		fprintf(stderr, "stubrun: coverage: cannot tell the guest where "
			"its gcov data is: %s\n", rsp_errmsg(r->conn));
}

/* The file's name: up to COVOUT_PATH_MAX - 1 bytes, read in pieces. */
static int read_name(char *out, size_t cap, run_ctx *r, uint64_t at)
{
	size_t n = 0;

	while (n + 1 < cap) {
		char piece[64];
		size_t want = sizeof(piece) < cap - 1 - n ? sizeof(piece) : cap - 1 - n;
		if (rsp_mem_read(piece, r->conn, at + n, want) < 0)
			return -1;
		for (size_t i = 0; i < want; i++, n++) {
			out[n] = piece[i];
			if (!piece[i])
				return 0;
		}
	}
	return -1; /* too long: refused, not cut */
}

static void hook_file(run_ctx *r)
{
	run_cov *c = r->cov;
	int64_t at;

	finish_file(r);
	if (run_read_arg(&at, r, 1) < 0 ||
	    read_name(c->file, sizeof(c->file), r, (uint64_t)at) < 0) {
		fprintf(stderr, "stubrun: coverage: the guest named a file that "
			"cannot be read (unmapped, or longer than %d bytes)\n",
			COVOUT_PATH_MAX - 1);
		c->file[0] = '\0';
		c->failed = 1;
	}
}

static int grow(run_cov *c, size_t need)
{
	size_t cap = c->cap ? c->cap : 8192;
	uint8_t *p;

	while (cap < need)
		cap *= 2;
	if (cap == c->cap)
		return 0;
	if (!(p = realloc(c->data, cap)))
		return -1;
	c->data = p;
	c->cap = cap;
	return 0;
}

static void hook_data(run_ctx *r)
{
	run_cov *c = r->cov;
	uint8_t word[4];
	uint32_t len;
	int64_t at;

	if (!c->file[0] || c->failed)
		return;
	if (run_read_arg(&at, r, 1) < 0 ||
	    rsp_mem_read(word, r->conn, (uint64_t)at, 4) < 0)
		goto unreadable;
	len = (uint32_t)word[0] | (uint32_t)word[1] << 8 |
	      (uint32_t)word[2] << 16 | (uint32_t)word[3] << 24;
	if (len > CHUNK_MAX || c->len + len > FILE_MAX) {
		fprintf(stderr, "stubrun: coverage: %s: the guest claims %" PRIu32
			" more bytes (at most %u a chunk, %u a file)\n", c->file,
			len, CHUNK_MAX, FILE_MAX);
		c->failed = 1;
		return;
	}
	if (grow(c, c->len + len) < 0) {
		fprintf(stderr, "stubrun: coverage: out of memory\n");
		c->failed = 1;
		return;
	}
	if (len && rsp_mem_read(c->data + c->len, r->conn, (uint64_t)at + 4,
				len) < 0)
		goto unreadable;
	c->len += len;
	return;
unreadable:
	fprintf(stderr, "stubrun: coverage: %s: cannot read the guest's data: "
		"%s\n", c->file, rsp_errmsg(r->conn));
	c->failed = 1;
}

void run_coverage_hook(run_ctx *r, const run_bp *b)
{
	switch (b->index) {
	case COV_BEGIN: hook_begin(r); break;
	case COV_FILE: hook_file(r); break;
	case COV_DATA: hook_data(r); break;
	case COV_END:
		finish_file(r);
		r->cov->ended = 1;
		break;
	}
}

void run_coverage_finish(run_ctx *r)
{
	run_cov *c = r->cov;

	if (!c)
		return;
	if (c->file[0])
		finish_file(r);
	if (c->calling)
		fprintf(stderr, "stubrun: coverage: the run ended inside "
			"stubrun_coverage_dump(), called at the exit: the data is "
			"incomplete\n");
	else if (!c->dumped)
		fprintf(stderr, "stubrun: coverage: nothing written: the run "
			"ended where stubrun cannot call the guest's dump (not at "
			"an exit, a timeout or a caught fault)\n");
	else if (!c->ended && !c->failed)
		fprintf(stderr, "stubrun: coverage: the guest's dump did not "
			"finish: the data is incomplete\n");
	else if (!r->opt->quiet && !c->failed)
		fprintf(stderr, "stubrun: coverage: %zu file%s under %s\n",
			c->files, c->files == 1 ? "" : "s", c->map.dir);
}

void run_coverage_free(run_ctx *r)
{
	if (r->cov)
		free(r->cov->data);
	free(r->cov);
	r->cov = NULL;
}

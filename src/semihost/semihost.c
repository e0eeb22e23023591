/* Arm semihosting (v2; also RISC-V's) serviced by stubrun: the service
 * object, its trap list and the dispatch. The operations are in
 * semihost_ops.c, guest access in semihost_guest.c, the heap in
 * semihost_heap.c. */
#include "semihost.h"
#include "semihost_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void semihost_config_init(semihost_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->stdin_fd = -1;
	cfg->cancel_fd = -1;
}

int64_t semihost_config_budget(const semihost_config *cfg)
{
	int64_t ms = cfg->host_budget ? cfg->host_budget(cfg->host_budget_arg) : -1;

	return ms < 0 ? -1 : ms;
}

/* --- traps ------------------------------------------------------------- */

static int trap_cmp(const void *a, const void *b)
{
	const semihost_trap *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const semihost_trap *find_trap(const semihost *sh, uint64_t pc)
{
	semihost_trap key = { .addr = pc };
	if (sh->ntraps == 0)
		return NULL;
	return bsearch(&key, sh->traps, sh->ntraps, sizeof(key), trap_cmp);
}

const semihost_trap *semihost_traps(const semihost *sh, size_t *count)
{
	*count = sh->ntraps;
	return sh->traps;
}

int semihost_is_trap(const semihost *sh, uint64_t pc)
{
	return find_trap(sh, pc) != NULL;
}

int semihost_add_trap(semihost *sh, const semihost_trap *trap)
{
	if (find_trap(sh, trap->addr))
		return 0;
	if (sh->ntraps >= SEMIHOST_MAX_TRAPS)
		return sh_set_errmsg(sh, SEMIHOST_ENOMEM, "too many traps");
	if (sh->ntraps == sh->traps_cap) {
		size_t ncap = sh->traps_cap ? sh->traps_cap * 2 : 16;
		semihost_trap *n = realloc(sh->traps, ncap * sizeof(*n));
		if (!n)
			return sh_set_errmsg(sh, SEMIHOST_ENOMEM, "out of memory");
		sh->traps = n;
		sh->traps_cap = ncap;
	}
	sh->traps[sh->ntraps++] = *trap;
	qsort(sh->traps, sh->ntraps, sizeof(*sh->traps), trap_cmp);
	return 0;
}

/* --- object ------------------------------------------------------------ */

static void regs_for(semihost *sh, const target_desc *t)
{
	sh->pc_reg = t->pc_reg ? t->pc_reg : "pc";
	sh->op_reg = t->sh_op_reg;
	sh->arg_reg = t->sh_arg_reg;
}

/* The sandbox root, and the files the guest may not write: the image
 * (stubrun maps it) and the caller's protect_path. */
static int open_sandbox(semihost *sh, const semihost_config *cfg,
			const image *img, char *errbuf, size_t errlen)
{
	if (semihost_fs_new(&sh->fs, cfg->root, errbuf, errlen) < 0)
		return SEMIHOST_EINVAL;
	if (cfg->coverage_dir)
		semihost_fs_map_coverage(sh->fs, cfg->coverage_dir,
					 cfg->coverage_strip);
	if ((img && semihost_fs_protect(sh->fs, image_path(img)) < 0) ||
	    (cfg->protect_path &&
	     semihost_fs_protect(sh->fs, cfg->protect_path) < 0)) {
		snprintf(errbuf, errlen, "cannot stat the image");
		return SEMIHOST_EINVAL;
	}
	return 0;
}

int semihost_new(semihost **out, const semihost_config *cfg,
		 const target_desc *target, const image *img, char *errbuf,
		 size_t errlen)
{
	semihost *sh = NULL;
	semihost_trap *found = NULL;
	size_t nfound = 0;
	int err = 0;

	*out = NULL;
	if (!target || target->semihosting == TARGET_SEMIHOSTING_NONE ||
	    (target->ptr_size != 4 && target->ptr_size != 8)) {
		snprintf(errbuf, errlen, "target %s has none",
			 target ? target->name : "(none)");
		return SEMIHOST_EINVAL;
	}
	sh = calloc(1, sizeof(*sh));
	if (!sh) {
		err = SEMIHOST_ENOMEM;
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	sh->cfg = *cfg;
	sh->cfg.root = NULL; /* borrowed pointers are not kept */
	sh->cfg.cmdline = NULL;
	sh->cfg.protect_path = NULL;
	sh->target = target;
	sh->wide = target->ptr_size == 8;
	regs_for(sh, target);
	for (size_t i = 0; i < SH_MAX_FILES; i++)
		sh->files[i].kind = SH_FILE_FREE;
	clock_gettime(CLOCK_MONOTONIC, &sh->start);
	if ((err = open_sandbox(sh, cfg, img, errbuf, errlen)) < 0)
		goto out;
	const char *cl = cfg->cmdline ? cfg->cmdline :
			 (img ? image_path(img) : "");
	sh->cmdline = strdup(cl ? cl : "");
	if (!sh->cmdline) {
		err = SEMIHOST_ENOMEM;
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	sh_heap_init(sh, img);
	if (img) {
		err = semihost_scan(&found, &nfound, img, target, errbuf, errlen);
		if (err)
			goto out;
		sh->traps = found;
		sh->ntraps = sh->traps_cap = nfound;
		found = NULL;
	}
	*out = sh;
	sh = NULL;
out:
	free(found);
	semihost_free(sh);
	return err;
}

void semihost_free(semihost *sh)
{
	if (!sh)
		return;
	for (size_t i = 0; i < SH_MAX_FILES; i++) {
		if (sh->files[i].kind == SH_FILE_HOST)
			close(sh->files[i].fd);
	}
	semihost_fs_free(sh->fs);
	free(sh->cmdline);
	free(sh->traps);
	free(sh);
}

const char *semihost_errmsg(const semihost *sh)
{
	return sh->errmsg;
}

/* --- dispatch ---------------------------------------------------------- */

static const sh_op *find_op(uint64_t nr)
{
	for (const sh_op *op = sh_ops; op->name; op++) {
		if (op->nr == nr)
			return op;
	}
	return NULL;
}

const char *semihost_op_name(uint64_t nr)
{
	const sh_op *op = find_op(nr);
	return op ? op->name : NULL;
}

static int set_reg(semihost *sh, const semihost_target *io, const char *reg,
		   uint64_t value)
{
	int rc = io->reg_set(reg, value, io->arg);
	if (rc)
		return sh_set_errmsg(sh, SEMIHOST_EIO,
				  "writing %s failed (stub error %d)",
				  reg, rc);
	return 0;
}

static int get_reg(uint64_t *value, semihost *sh, const semihost_target *io,
		   const char *reg)
{
	int rc = io->reg_get(value, reg, io->arg);
	if (rc)
		return sh_set_errmsg(sh, SEMIHOST_EIO,
				  "reading %s failed (stub error %d)",
				  reg, rc);
	if (!sh->wide)
		*value &= UINT32_MAX;
	return 0;
}

int semihost_handle(semihost_result *res, semihost *sh,
		    const semihost_target *io, uint64_t pc)
{
	const semihost_trap *trap = find_trap(sh, pc);
	sh_call call;
	const sh_op *op;
	int rc;

	memset(res, 0, sizeof(*res));
	sh->errmsg[0] = '\0';
	if (!trap)
		return sh_set_errmsg(sh, SEMIHOST_ENOTTRAP,
				  "0x%llx is not a trap",
				  (unsigned long long)pc);
	memset(&call, 0, sizeof(call));
	call.res = res;
	call.io = io;
	rc = get_reg(&call.nr, sh, io, sh->op_reg);
	if (rc)
		return rc;
	/* The operation number is 32 bits wide on every architecture. */
	call.nr &= UINT32_MAX;
	rc = get_reg(&call.args, sh, io, sh->arg_reg);
	if (rc)
		return rc;
	res->op = call.nr;
	op = find_op(call.nr);
	if (!op || (op->a64_only && sh->target->semihosting !=
		    TARGET_SEMIHOSTING_ARM) || (op->a64_only && !sh->wide)) {
		sh_warn(sh, "unknown operation 0x%llx at 0x%llx",
			(unsigned long long)call.nr, (unsigned long long)pc);
		call.ret = UINT64_MAX;
		sh->err = ENOSYS;
		call.set_ret = 1;
	} else {
		rc = op->fn(&call, sh);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			/* The guest's own mistake: -1 and SYS_ERRNO. */
			sh->err = rc;
			call.ret = UINT64_MAX;
			call.set_ret = 1;
		}
	}
	if (res->action != SEMIHOST_CONTINUE)
		return 0;
	if (call.set_ret) {
		rc = set_reg(sh, io, sh->op_reg,
			     sh->wide ? call.ret : call.ret & UINT32_MAX);
		if (rc)
			return rc;
	}
	return set_reg(sh, io, sh->pc_reg, pc + trap->skip);
}

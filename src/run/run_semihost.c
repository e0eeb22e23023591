/* Semihosting for one run: which service answers the guest's calls
 * (stubrun's own, gdb's File-I/O, QEMU's, none), the service's
 * configuration from the options and the machine's RAM, and the
 * breakpoints on the image's traps. */
#include "run_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void semihost_output(int stream, const char *data, size_t len,
			    void *arg)
{
	run_ctx *r = arg;

	/* In gdb mode QEMU 7.2 sends the debug console (SYS_WRITEC,
	 * SYS_WRITE0) as writes to descriptor 2, which the File-I/O answers
	 * cannot tell from ":tt" opened for append: it goes to stdout, where
	 * the stubrun and qemu modes put the console. */
	if (stream == SEMIHOST_STREAM_STDERR && r->sh_mode != RUNOPT_SH_GDB)
		util_write_all(2, data, len);
	else
		run_console(r, data, len);
}

static void semihost_warning(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "stubrun: semihosting: %s\n", msg);
}

/* Joins the guest arguments (after "--") into one command line. */
static char *guest_cmdline(const run_ctx *r)
{
	const cli_options *o = r->opt;
	const char *booted = r->boot_elf;
	size_t len = strlen(booted) + 1;
	char *s;

	for (size_t i = 0; i < o->n_guest_args; i++)
		len += strlen(o->guest_args[i]) + 1;
	if (!(s = malloc(len)))
		return NULL;
	strcpy(s, booted);
	for (size_t i = 0; i < o->n_guest_args; i++) {
		strcat(s, " ");
		strcat(s, o->guest_args[i]);
	}
	return s;
}

static const char *const sh_mode_names[] = {
	[RUNOPT_SH_AUTO] = "auto", [RUNOPT_SH_STUBRUN] = "stubrun",
	[RUNOPT_SH_QEMU] = "qemu", [RUNOPT_SH_GDB] = "gdb", [RUNOPT_SH_OFF] = "off",
};

/* The mode in effect: AUTO is stubrun for an Arm/RISC-V ELF unless the
 * user gave QEMU its own -semihosting (then QEMU's, as configured). An
 * explicit mode on a target without semihosting is an error. */
int run_semihost_mode(run_ctx *r)
{
	const cli_options *o = r->opt;
	int capable;

	/* A Linux program's traps are the kernel's business (qemu-user's):
	 * an explicit --semihosting was refused by run_user_setup(). Its
	 * image may not be read yet (run_user_start_early()). */
	if (r->user) {
		r->sh_mode = RUNOPT_SH_OFF;
		return 0;
	}
	/* Only the booted ELF's traps can be found (not a --symbols one). */
	capable = r->tgt->semihosting != TARGET_SEMIHOSTING_NONE &&
		  r->boot_elf && image_is_elf(r->img);
	r->sh_mode = o->semihosting;
	if (o->semihosting == RUNOPT_SH_AUTO) {
		/* --record: stubrun's answers (register and memory writes
		 * through the stub) would not be in the recording; QEMU's
		 * own are. */
		r->sh_mode = !capable ? RUNOPT_SH_OFF :
			     run_user_semihosting(o) || o->record ? RUNOPT_SH_QEMU :
			     RUNOPT_SH_STUBRUN;
		return 0;
	}
	if (o->semihosting != RUNOPT_SH_OFF && !capable) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--semihosting=%s: %s has no "
			    "semihosting (Arm and RISC-V ELF images only)",
			    sh_mode_names[o->semihosting], r->tgt->name);
		return -1;
	}
	if (o->semihosting == RUNOPT_SH_QEMU && o->semihosting_root) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--semihosting-root: QEMU's own "
			    "semihosting (--semihosting=qemu) has no sandbox; "
			    "use stubrun or gdb");
		return -1;
	}
	if ((o->semihosting == RUNOPT_SH_QEMU || o->semihosting == RUNOPT_SH_GDB) &&
	    o->has_heap) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--heap: with --semihosting=%s "
			    "QEMU answers SYS_HEAPINFO itself; use stubrun",
			    sh_mode_names[o->semihosting]);
		return -1;
	}
	return 0;
}

/* QEMU's -m value in bytes: a number of MiB, or one with a K, M, G or T
 * suffix; "size=N" as its first property. 0 when it is none of these. */
static uint64_t memory_bytes(const char *m)
{
	char *end;
	unsigned long long n;
	int shift = 20;

	if (!strncmp(m, "size=", 5))
		m += 5;
	errno = 0;
	n = strtoull(m, &end, 10);
	if (errno || end == m)
		return 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if ((*end && *end != ',') || n > (UINT64_MAX >> shift))
		return 0;
	return (uint64_t)n << shift;
}

/* The machine's RAM from the targets' table, its size from --memory when
 * given: where SYS_HEAPINFO puts heap and stack by QEMU's rule. */
static void sh_ram(semihost_config *cfg, const run_ctx *r)
{
	const char *machine = r->machine;
	const char *memory = r->opt->memory ? r->opt->memory : r->tgt->memory;
	const target_ram *ram = machine ? target_ram_of(r->tgt, machine) : NULL;

	if (!ram)
		return;
	cfg->ram_base = ram->base;
	cfg->ram_size = memory ? memory_bytes(memory) : ram->size;
	if (!cfg->ram_size)
		cfg->ram_base = 0;
}

/* semihost_config's host_budget: run_host_budget_ms(). */
static int64_t host_budget(void *arg)
{
	return run_host_budget_ms(arg);
}

static void sh_config(semihost_config *cfg, run_ctx *r, const char *cmdline)
{
	const cli_options *o = r->opt;

	semihost_config_init(cfg);
	cfg->root = o->semihosting_root;
	cfg->allow_system = o->semihosting_allow_system;
	cfg->host_budget = host_budget;
	cfg->host_budget_arg = r;
	cfg->cancel_fd = r->sigfd;
	cfg->protect_path = r->boot_elf;
	cfg->cmdline = cmdline;
	cfg->has_heap = o->has_heap;
	cfg->heap_base = o->heap_base;
	cfg->heap_limit = o->heap_limit;
	cfg->stack_base = o->stack_base;
	cfg->stack_limit = o->stack_limit;
	sh_ram(cfg, r);
	cfg->output = semihost_output;
	cfg->output_arg = r;
	cfg->coverage_dir = o->coverage_dir;
	cfg->coverage_strip = o->coverage_strip;
	cfg->warn = semihost_warning;
}

int run_semihost_plan(run_ctx *r)
{
	semihost_config cfg;
	const semihost_trap *t;
	size_t n;
	char *cmdline;
	int err;

	/* run_semihost_mode() ran in run_setup_spawn(): QEMU's arguments need it. */
	if (r->sh_mode != RUNOPT_SH_STUBRUN && r->sh_mode != RUNOPT_SH_GDB)
		return 0;
	if (!(cmdline = guest_cmdline(r))) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	sh_config(&cfg, r, cmdline);
	if (r->sh_mode == RUNOPT_SH_GDB)
		err = fileio_new(&r->fio, &cfg, r->err, sizeof(r->err));
	else
		err = semihost_new(&r->sh, &cfg, r->tgt, r->img, r->err,
				   sizeof(r->err));
	free(cmdline);
	if (err < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: semihosting: %s",
			    image_path(r->img), r->err);
		return -1;
	}
	if (!r->sh)
		return 0; /* gdb mode: QEMU decodes the traps itself */
	t = semihost_traps(r->sh, &n);
	for (size_t i = 0; i < n; i++)
		if (run_add_bp(r, t[i].addr, RUN_BP_SEMIHOST, i, "semihosting trap",
			   t[i].bp_kind) < 0)
			return -1;
	return 0;
}


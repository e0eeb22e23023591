/* Setting up one run: the image and its target, the breakpoint plan from
 * symbols and options, QEMU's command line, the connection to its stub. */
#include "run_int.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regs.h"
#include "util.h"

/* Default symbols, tried when the image has them (docs: --help). */
static const char *const default_exit[] = { "stubrun_exit", "qemu_exit",
					    "test_exit", NULL };
static const char *const default_fail[] = { "stubrun_panic", "panic", NULL };

/* Real mode loads the sector at 0x7c00 (the BIOS boot protocol). */
#define BOOT_SECTOR_BASE 0x7c00
#define BOOT_SECTOR_SIZE 512

static int check_boot_signature(run_ctx *r)
{
	uint8_t sig[2];
	const image_section *s = image_section_count(r->img) ?
				 image_section_at(r->img, 0) : NULL;

	if (!s || s->size < BOOT_SECTOR_SIZE) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: a boot sector needs %d "
			    "bytes, the file has %" PRIu64, r->opt->image,
			    BOOT_SECTOR_SIZE, s ? s->size : 0);
		return -1;
	}
	if (image_read(sig, r->img, BOOT_SECTOR_BASE + 510, 2) < 0)
		return 0;
	if (sig[0] != 0x55 || sig[1] != 0xaa) {
		/* The BIOS would refuse it and the run could only time out:
		 * say why now. A defect of the image under test, so 1. */
		run_verdict(r, RUN_EXIT_FAIL, 0, "%s: no boot signature (bytes "
			    "510-511 are %02x %02x, not 55 aa): the BIOS will not "
			    "boot it", r->opt->image, sig[0], sig[1]);
		return -1;
	}
	return 0;
}

/* image_open()'s message for a file without the ELF magic (the one
 * IMAGE_EFORMAT case that may be a raw image; tests/src/image.c pins the
 * text): an empty file or a broken ELF is not told it needs --arch. */
static int not_elf(const char *msg)
{
	static const char tail[] = ": not an ELF file";
	size_t n = strlen(msg), t = sizeof(tail) - 1;

	return n >= t && !strcmp(msg + n - t, tail);
}

int run_setup_image(run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *forced = NULL, *elf;
	char names[128];
	int raw, err;

	if (o->arch && !(forced = target_by_name(o->arch))) {
		target_names(names, sizeof(names), ", ");
		run_verdict(r, RUN_EXIT_ERROR, 0, "--arch '%s': unknown "
			    "architecture (%s)", o->arch, names);
		return -1;
	}
	raw = forced && forced->load == TARGET_LOAD_BOOTSECTOR;
	err = image_open(&r->img, o->image, raw, raw ? BOOT_SECTOR_BASE : 0,
			 r->err, sizeof(r->err));
	if (err < 0) {
		if (err == IMAGE_EFORMAT && !forced && not_elf(r->err))
			run_verdict(r, RUN_EXIT_ERROR, 0, "%s (a raw image needs "
				    "--arch)", r->err);
		else
			run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	if (raw) {
		r->tgt = forced;
		return check_boot_signature(r);
	}
	elf = target_from_elf(image_elf_machine(r->img), image_elf_class(r->img),
			      image_elf_flags(r->img));
	if (!elf) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: unsupported machine "
			    "(e_machine %d)", o->image, image_elf_machine(r->img));
		return -1;
	}
	if (forced && !target_runs_elf(forced, elf)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: an ELF for %s, not for "
			    "--arch %s", o->image, elf->name, forced->name);
		return -1;
	}
	r->tgt = forced ? forced : elf;
	return 0;
}

static int add_bp(run_ctx *r, uint64_t addr, run_bp_kind kind, size_t index,
		  const char *name, int z_kind)
{
	run_bp *nb = realloc(r->bps, (r->nbps + 1) * sizeof(*nb));

	if (!nb) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	r->bps = nb;
	addr = target_code_addr(r->tgt, addr);
	nb[r->nbps] = (run_bp){ addr, kind, z_kind ? z_kind : r->tgt->bp_kind,
				index, name, 0 };
	r->nbps++;
	return 0;
}

/* A symbol by name; `must` makes its absence an error. *found says. */
static int symbol(uint64_t *addr, int *found, run_ctx *r, const char *name,
		  int must)
{
	const image_symbol *s;

	*found = 0;
	if (image_is_elf(r->img) && image_symbol_find(&s, r->img, name) == 0) {
		*addr = s->addr;
		*found = 1;
		return 0;
	}
	if (!must)
		return 0;
	run_verdict(r, RUN_EXIT_ERROR, 0, "%s: no symbol %s%s", r->opt->image,
		    name, image_is_elf(r->img) ? "" : " (a raw image has no symbols)");
	return -1;
}

static int plan_symbols(run_ctx *r, const char *const *names, size_t n,
			const char *const *defaults, run_bp_kind kind)
{
	uint64_t addr;
	int found;

	if (n == 0) {
		for (size_t i = 0; defaults[i]; i++)
			if (symbol(&addr, &found, r, defaults[i], 0) == 0 && found &&
			    add_bp(r, addr, kind, 0, defaults[i], 0) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (symbol(&addr, &found, r, names[i], 1) < 0 ||
		    add_bp(r, addr, kind, 0, names[i], 0) < 0)
			return -1;
	return 0;
}

static int plan_hook(run_ctx *r, const char *given, const char *dflt,
		     run_bp_kind kind)
{
	uint64_t addr;
	int found;

	if (symbol(&addr, &found, r, given ? given : dflt, given != NULL) < 0)
		return -1;
	return found ? add_bp(r, addr, kind, 0, given ? given : dflt, 0) : 0;
}

static int plan_checks(run_ctx *r)
{
	for (size_t i = 0; i < r->opt->n_checks; i++) {
		const cli_check *ck = &r->opt->checks[i];
		uint64_t addr = ck->where.value;
		int found;
		if (ck->where.kind == EXPECT_NAME) {
			if (symbol(&addr, &found, r, ck->where.name, 1) < 0)
				return -1;
			addr += ck->where.value;
		}
		if (add_bp(r, addr, RUN_BP_CHECK, i, ck->loc, 0) < 0)
			return -1;
	}
	return 0;
}

static void semihost_output(int stream, const char *data, size_t len,
			    void *arg)
{
	run_ctx *r = arg;

	/* In gdb mode QEMU 7.2 sends the debug console (SYS_WRITEC,
	 * SYS_WRITE0) as writes to descriptor 2, which the File-I/O answers
	 * cannot tell from ":tt" opened for append: it goes to stdout, where
	 * the stubrun and qemu modes put the console. */
	if (stream == SEMIHOST_STREAM_STDERR && r->sh_mode != CLI_SH_GDB)
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
static char *guest_cmdline(const cli_options *o)
{
	size_t len = strlen(o->image) + 1;
	char *s;

	for (size_t i = 0; i < o->n_guest_args; i++)
		len += strlen(o->guest_args[i]) + 1;
	if (!(s = malloc(len)))
		return NULL;
	strcpy(s, o->image);
	for (size_t i = 0; i < o->n_guest_args; i++) {
		strcat(s, " ");
		strcat(s, o->guest_args[i]);
	}
	return s;
}

static const char *const sh_mode_names[] = {
	[CLI_SH_AUTO] = "auto", [CLI_SH_STUBRUN] = "stubrun",
	[CLI_SH_QEMU] = "qemu", [CLI_SH_GDB] = "gdb", [CLI_SH_OFF] = "off",
};

/* The user asked QEMU for its own semihosting with --qemu-arg. */
static int user_semihosting(const cli_options *o)
{
	for (size_t i = 0; i < o->n_qemu_args; i++)
		if (!strncmp(o->qemu_args[i], "-semihosting", 12) ||
		    !strncmp(o->qemu_args[i], "--semihosting", 13))
			return 1;
	return 0;
}

/* The mode in effect: AUTO is stubrun for an Arm/RISC-V ELF unless the
 * user gave QEMU its own -semihosting (then QEMU's, as configured). An
 * explicit mode on a target without semihosting is an error. */
static int pick_mode(run_ctx *r)
{
	const cli_options *o = r->opt;
	int capable = r->tgt->semihosting != TARGET_SEMIHOSTING_NONE &&
		      image_is_elf(r->img);

	r->sh_mode = o->semihosting;
	if (o->semihosting == CLI_SH_AUTO) {
		r->sh_mode = !capable ? CLI_SH_OFF :
			     user_semihosting(o) ? CLI_SH_QEMU : CLI_SH_STUBRUN;
		return 0;
	}
	if (o->semihosting != CLI_SH_OFF && !capable) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--semihosting=%s: %s has no "
			    "semihosting (Arm and RISC-V ELF images only)",
			    sh_mode_names[o->semihosting], r->tgt->name);
		return -1;
	}
	if (o->semihosting == CLI_SH_QEMU && o->semihosting_root) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--semihosting-root: QEMU's own "
			    "semihosting (--semihosting=qemu) has no sandbox; "
			    "use stubrun or gdb");
		return -1;
	}
	if ((o->semihosting == CLI_SH_QEMU || o->semihosting == CLI_SH_GDB) &&
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
	const char *machine = r->opt->machine ? r->opt->machine : r->tgt->machine;
	const char *memory = r->opt->memory ? r->opt->memory : r->tgt->memory;
	const target_ram *ram = machine ? target_ram_of(r->tgt, machine) : NULL;

	if (!ram)
		return;
	cfg->ram_base = ram->base;
	cfg->ram_size = memory ? memory_bytes(memory) : ram->size;
	if (!cfg->ram_size)
		cfg->ram_base = 0;
}

static void sh_config(semihost_config *cfg, run_ctx *r, const char *cmdline)
{
	const cli_options *o = r->opt;

	semihost_config_init(cfg);
	cfg->root = o->semihosting_root;
	cfg->allow_system = o->semihosting_allow_system;
	cfg->protect_path = o->image;
	cfg->cmdline = cmdline;
	cfg->has_heap = o->has_heap;
	cfg->heap_base = o->heap_base;
	cfg->heap_limit = o->heap_limit;
	cfg->stack_base = o->stack_base;
	cfg->stack_limit = o->stack_limit;
	sh_ram(cfg, r);
	cfg->output = semihost_output;
	cfg->output_arg = r;
	cfg->warn = semihost_warning;
}

static int plan_semihosting(run_ctx *r)
{
	semihost_config cfg;
	const semihost_trap *t;
	size_t n;
	char *cmdline;
	int err;

	/* pick_mode() ran in run_setup_spawn(): QEMU's arguments need it. */
	if (r->sh_mode != CLI_SH_STUBRUN && r->sh_mode != CLI_SH_GDB)
		return 0;
	if (!(cmdline = guest_cmdline(r->opt))) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	sh_config(&cfg, r, cmdline);
	if (r->sh_mode == CLI_SH_GDB)
		err = fileio_new(&r->fio, &cfg, r->err, sizeof(r->err));
	else
		err = semihost_new(&r->sh, &cfg, r->tgt, r->img, r->err,
				   sizeof(r->err));
	free(cmdline);
	if (err < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: semihosting: %s",
			    r->opt->image, r->err);
		return -1;
	}
	if (!r->sh)
		return 0; /* gdb mode: QEMU decodes the traps itself */
	t = semihost_traps(r->sh, &n);
	for (size_t i = 0; i < n; i++)
		if (add_bp(r, t[i].addr, RUN_BP_SEMIHOST, i, "semihosting trap",
			   t[i].bp_kind) < 0)
			return -1;
	return 0;
}

int run_setup_plan(run_ctx *r)
{
	const cli_options *o = r->opt;

	/* Order matters: at one address, checks run before the exit. */
	if (plan_checks(r) < 0 ||
	    plan_hook(r, o->test_begin_symbol, "stubrun_test_begin",
		      RUN_BP_TEST_BEGIN) < 0 ||
	    plan_hook(r, o->test_end_symbol, "stubrun_test_end",
		      RUN_BP_TEST_END) < 0 ||
	    plan_symbols(r, o->fail_symbols, o->n_fail_symbols, default_fail,
			 RUN_BP_FAIL) < 0 ||
	    plan_symbols(r, o->exit_symbols, o->n_exit_symbols, default_exit,
			 RUN_BP_EXIT) < 0)
		return -1;
	return plan_semihosting(r);
}

/* --- QEMU's command line ------------------------------------------------ */

typedef struct argv_buf {
	const char **v;
	size_t n;
	char *owned[4];      /* formatted strings to free */
	size_t nowned;
	int oom;
} argv_buf;

static void arg(argv_buf *a, const char *s)
{
	const char **nv = realloc(a->v, (a->n + 2) * sizeof(*nv));

	if (!nv) {
		a->oom = 1;
		return;
	}
	a->v = nv;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argf(argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void argf(argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0 || a->nowned == sizeof(a->owned) / sizeof(a->owned[0])) {
		free(n < 0 ? NULL : s);
		a->oom = 1;
		return;
	}
	a->owned[a->nowned++] = s;
	arg(a, s);
}

static void argv_free(argv_buf *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->v);
}

/* QEMU's option values are comma-separated: a comma in a path is doubled. */
static int has_comma(const char *s)
{
	return strchr(s, ',') != NULL;
}

static void build_qemu_args(argv_buf *a, const run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *t = r->tgt;
	const char *cpu = o->cpu ? o->cpu : t->cpu;
	const char *mem = o->memory ? o->memory : t->memory;

	arg(a, "-machine");
	arg(a, o->machine ? o->machine : t->machine);
	if (cpu) {
		arg(a, "-cpu");
		arg(a, cpu);
	}
	if (mem) {
		arg(a, "-m");
		arg(a, mem);
	}
	/* No window, no default devices, no monitor; the first serial port
	 * on QEMU's stdout (a pipe stubrun reads); a reset or shutdown
	 * pauses the VM so its state can still be read for the post-mortem
	 * (the stub reports it as a stop with SIGQUIT). */
	arg(a, "-display");
	arg(a, "none");
	arg(a, "-nodefaults");
	arg(a, "-no-reboot");
	arg(a, "-action");
	arg(a, "shutdown=pause");
	arg(a, "-monitor");
	arg(a, "none");
	arg(a, "-chardev");
	/* QEMU's own semihosting console joins the serial port on stdout:
	 * one stdio chardev may serve both only as a multiplexer. */
	arg(a, r->sh_mode == CLI_SH_QEMU && !user_semihosting(o) ?
	    "stdio,id=stubrun_con,mux=on,signal=off" :
	    "stdio,id=stubrun_con,signal=off");
	arg(a, "-serial");
	arg(a, "chardev:stubrun_con");
	if (!user_semihosting(o) && (r->sh_mode == CLI_SH_QEMU ||
				     r->sh_mode == CLI_SH_GDB)) {
		arg(a, "-semihosting-config");
		arg(a, r->sh_mode == CLI_SH_QEMU ?
		    "enable=on,target=native,chardev=stubrun_con" :
		    "enable=on,target=gdb");
	}
	for (size_t i = 0; t->extra_args && t->extra_args[i]; i++)
		arg(a, t->extra_args[i]);
	if (t->load == TARGET_LOAD_BOOTSECTOR) {
		arg(a, "-drive");
		/* The first hard disk, as BIOSes boot it (dl = 0x80);
		 * snapshot=on keeps the guest's writes off the user's file. */
		argf(a, "file=%s,format=raw,if=ide,snapshot=on", o->image);
	} else {
		arg(a, "-kernel");
		arg(a, o->image);
		if (o->n_guest_args > 0) {
			size_t len = 0;
			for (size_t i = 0; i < o->n_guest_args; i++)
				len += strlen(o->guest_args[i]) + 1;
			char *s = calloc(1, len + 1);
			if (!s || a->nowned == sizeof(a->owned) / sizeof(a->owned[0])) {
				free(s);
				a->oom = 1;
				return;
			}
			for (size_t i = 0; i < o->n_guest_args; i++) {
				if (i)
					strcat(s, " ");
				strcat(s, o->guest_args[i]);
			}
			a->owned[a->nowned++] = s;
			arg(a, "-append");
			arg(a, s);
		}
	}
	for (size_t i = 0; i < o->n_qemu_args; i++)
		arg(a, o->qemu_args[i]);
}

static int spawn(run_ctx *r)
{
	argv_buf a = { 0 };
	qemu_spec spec = { 0 };
	int err;

	if (has_comma(r->opt->image) && r->tgt->load == TARGET_LOAD_BOOTSECTOR) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: a comma in the path "
			    "cannot be passed to QEMU's -drive", r->opt->image);
		return -1;
	}
	build_qemu_args(&a, r);
	if (a.oom) {
		argv_free(&a);
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	spec.binary = r->opt->qemu ? r->opt->qemu : r->tgt->qemu;
	spec.args = a.v;
	spec.tcp = r->opt->gdb_mode == CLI_GDB_TCP;
	spec.tcp_port = r->opt->tcp_port;
	err = qemu_spawn(&r->qemu, &spec, r->err, sizeof(r->err));
	argv_free(&a);
	if (err < 0) {
		run_verdict(r, err == QEMU_ENOENT ? RUN_EXIT_NOTFOUND :
			    err == QEMU_ENOEXEC ? RUN_EXIT_NOEXEC : RUN_EXIT_ERROR,
			    0, "%s", r->err);
		return -1;
	}
	return 0;
}

/* --- the connection ---------------------------------------------------- */

static void trace_packet(rsp_trace_dir dir, const char *data, size_t len,
			 void *arg)
{
	char line[512];
	size_t at = 0;

	(void)arg;
	at += (size_t)snprintf(line, sizeof(line), "rsp %s ",
			       dir == RSP_TRACE_SEND ? "->" : "<-");
	for (size_t i = 0; i < len && at + 8 < sizeof(line); i++) {
		unsigned char ch = (unsigned char)data[i];
		if (ch >= 0x20 && ch < 0x7f)
			line[at++] = (char)ch;
		else
			at += (size_t)snprintf(line + at, sizeof(line) - at,
					       "\\x%02x", ch);
	}
	if (at + 8 >= sizeof(line))
		at += (size_t)snprintf(line + at, sizeof(line) - at, "...");
	line[at++] = '\n';
	util_write_all(2, line, at);
}

static void console_packet(const char *data, size_t len, void *arg)
{
	run_console(arg, data, len);
}

/* Why 10 s: QEMU starts in well under a second, but a loaded CI machine
 * running many runs in parallel can take a few. */
#define CONNECT_DEADLINE_MS 10000
#define CONNECT_SLICE_MS 100

/* Why 2 s: QEMU is reaped in microseconds after it closes the socketpair;
 * the bound only matters on a badly loaded machine. */
#define STARTUP_EXIT_GRACE_MS 2000

/* 1 (with the verdict) when QEMU has exited, waiting up to `grace_ms` for
 * it to. */
static int qemu_died(run_ctx *r, int grace_ms)
{
	int exited = 0, st = 0;

	if (!r->qemu || qemu_wait(&exited, &st, r->qemu, grace_ms) < 0 || !exited)
		return 0;
	run_drain_qemu(r);
	const char *last = qemu_stderr_last_line(r->qemu);
	run_verdict(r, RUN_EXIT_ERROR, 0, "QEMU exited at startup (status %d)%s%s",
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		    *last ? ": " : "", last);
	return 1;
}

static int connect_stub(run_ctx *r)
{
	rsp_config cfg;
	const char *addr = r->qemu ? qemu_gdb_address(r->qemu) : r->opt->connect;
	int64_t deadline = util_now_ms() + CONNECT_DEADLINE_MS;

	if (deadline > r->deadline)
		deadline = r->deadline; /* --timeout bounds connecting too */

	rsp_config_init(&cfg);
	if (r->opt->trace_rsp)
		cfg.trace = trace_packet;
	cfg.console = console_packet;
	cfg.console_arg = r;
	if (!addr) {
		/* Our end of the socketpair QEMU's stub sits on. */
		if (rsp_open_fd(&r->conn, qemu_take_gdb_fd(r->qemu), &cfg) == 0)
			return 0;
		run_verdict(r, RUN_EXIT_ERROR, 0, "cannot open the stub's "
			    "socketpair: out of memory");
		return -1;
	}
	for (;;) {
		int err = rsp_connect(&r->conn, addr, CONNECT_SLICE_MS, &cfg,
				      r->err, sizeof(r->err));
		if (err == 0)
			return 0;
		if (qemu_died(r, 0) || run_signal_pending(r))
			return -1;
		/* Only a stub not listening yet is worth waiting for; a
		 * malformed address or an unknown host stays so. */
		if (err != RSP_ETIMEOUT || util_now_ms() >= deadline) {
			run_verdict(r, RUN_EXIT_ERROR, 0, "cannot connect to the "
				    "stub at %s: %s", addr, r->err);
			return -1;
		}
	}
}

int run_setup_spawn(run_ctx *r)
{
	if (pick_mode(r) < 0)
		return -1;
	return r->opt->connect ? 0 : spawn(r);
}

int run_setup_connect(run_ctx *r)
{
	int err;

	if (connect_stub(r) < 0)
		return -1;
	/* --timeout bounds the handshake too (and every request after it). */
	run_bound_handshake(r, r->deadline + RUN_GRACE_MS);
	err = rsp_handshake(r->conn);
	run_bound_requests(r, r->deadline + RUN_GRACE_MS);
	if (err < 0) {
		run_stub_failed(r, err);
		/* A QEMU that fails at startup closes its end of the stub's
		 * socketpair as it exits: its exit status, and the message
		 * that says why, follow a moment later. */
		if (!qemu_died(r, err == RSP_ECLOSED ? STARTUP_EXIT_GRACE_MS : 0))
			run_verdict(r, RUN_EXIT_ERROR, 0, "stub handshake failed: %s",
				    rsp_errmsg(r->conn));
		return -1;
	}
	if (!rsp_reg_find(r->conn, r->tgt->pc_reg)) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "the stub has no register %s "
			    "(is the machine %s?)", r->tgt->pc_reg, r->tgt->name);
		return -1;
	}
	run_stop_thread_init(r);
	return 0;
}

static int check_name(void *arg, const char *name)
{
	run_ctx *r = arg;
	const image_symbol *s;

	if (regs_known(r->conn, r->tgt, name))
		return 0;
	if (image_is_elf(r->img) && image_symbol_find(&s, r->img, name) == 0)
		return 0;
	return -1;
}

int run_setup_check_names(run_ctx *r)
{
	for (size_t i = 0; i < r->opt->n_checks; i++) {
		const cli_check *ck = &r->opt->checks[i];
		for (size_t k = 0; k < ck->n_expects; k++) {
			const expect_expr *e = &ck->expects[k];
			const char *bad = NULL;
			if (e->lhs.name[0] && check_name(r, e->lhs.name) < 0)
				bad = e->lhs.name;
			else if (e->rhs.name[0] && check_name(r, e->rhs.name) < 0)
				bad = e->rhs.name;
			if (bad) {
				run_verdict(r, RUN_EXIT_ERROR, 0, "--expect '%s': "
					    "'%s' is neither a register nor a symbol "
					    "of %s", e->text, bad, r->opt->image);
				return -1;
			}
		}
	}
	return 0;
}

int run_setup_insert(run_ctx *r)
{
	for (size_t i = 0; i < r->nbps; i++) {
		run_bp *b = &r->bps[i];
		if (run_find_bp(r, b->addr) != b)
			continue; /* one Z0 per address */
		int err = rsp_bp_insert(r->conn, RSP_BP_SW, b->addr, b->z_kind);
		if (err < 0) {
			run_stub_failed(r, err);
			run_verdict(r, RUN_EXIT_ERROR, 0, "cannot set a breakpoint "
				    "at %s (0x%" PRIx64 "): %s", b->name, b->addr,
				    rsp_errmsg(r->conn));
			return -1;
		}
		b->inserted = 1;
	}
	return 0;
}

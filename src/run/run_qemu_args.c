/* Setting up one run: QEMU's command line (machine, console, exit device,
 * what boots: -kernel, -initrd, disks, firmware) and starting QEMU. */
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privdir.h"
#include "util.h"

int run_user_semihosting(const cli_options *o)
{
	for (size_t i = 0; i < o->n_qemu_args; i++)
		if (!strncmp(o->qemu_args[i], "-semihosting", 12) ||
		    !strncmp(o->qemu_args[i], "--semihosting", 13))
			return 1;
	return 0;
}

/* --- the firmware of --uefi ------------------------------------------- */

/* Copies `from` to `to` (the guest writes its variable store). */
static int copy_file(const char *from, const char *to, char *errbuf,
		     size_t errlen)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, err = -1;
	ssize_t n;

	if (in < 0) {
		util_errf(errbuf, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		util_errf(errbuf, errlen, "%s: %s", to, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || util_write_all(out, buf, (size_t)n) < 0) {
			util_errf(errbuf, errlen, "copying %s: %s", from,
				  strerror(errno));
			goto out;
		}
	}
	err = 0;
out:
	if (out >= 0)
		close(out);
	close(in);
	return err;
}

/* $STUBRUN_FIRMWARE_DIR, else the target's directory. */
static const char *firmware_dir(const target_firmware *fw)
{
	const char *env = getenv("STUBRUN_FIRMWARE_DIR");

	return env && *env ? env : fw->dir;
}

/* DIR/NAME into out; -1 when it does not fit. */
static int path_join(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int run_setup_firmware(run_ctx *r)
{
	const target_firmware *fw = r->tgt->uefi;
	const char *dir;
	struct stat st;

	if (!r->opt->uefi || r->boot_dir[0]) /* set up already (a replay) */
		return 0;
	dir = firmware_dir(fw);
	if (path_join(r->fw_code, sizeof(r->fw_code), dir, fw->code) < 0 ||
	    path_join(r->fw_vars_template, sizeof(r->fw_vars_template), dir,
		      fw->vars) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--uefi: %s: path too long", dir);
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		const char *f = i ? r->fw_vars_template : r->fw_code;
		int bad = stat(f, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? -1 : 0;
		if (bad) {
			run_verdict(r, RUN_EXIT_ERROR, 0, "--uefi: %s: %s (from "
				    "Debian's package %s)", f, bad == ENOENT ?
				    "missing" : bad < 0 ? "not a regular file" :
				    strerror(bad), fw->package);
			return -1;
		}
	}
	if (privdir_make(r->boot_dir, sizeof(r->boot_dir), NULL, "boot") < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "mkdtemp %s: %s", r->boot_dir,
			    strerror(errno));
		r->boot_dir[0] = '\0';
		return -1;
	}
	if (path_join(r->fw_vars, sizeof(r->fw_vars), r->boot_dir, fw->vars) < 0 ||
	    copy_file(r->fw_vars_template, r->fw_vars, r->err,
		      sizeof(r->err)) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "--uefi: %s", r->err);
		return -1;
	}
	return 0;
}

void run_remove_firmware(run_ctx *r)
{
	if (!r->boot_dir[0])
		return;
	if (r->fw_vars[0])
		unlink(r->fw_vars);
	rmdir(r->boot_dir);
	r->boot_dir[0] = '\0';
}

/* --- QEMU's command line ------------------------------------------------ */

typedef struct argv_buf {
	const char **v;
	size_t n;
	char **owned;        /* formatted strings to free */
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

/* Takes `s` (malloc'd, or NULL when that failed) as the next argument. */
static void arg_owned(argv_buf *a, char *s)
{
	char **no = s ? realloc(a->owned, (a->nowned + 1) * sizeof(*no)) : NULL;

	if (!no) {
		free(s);
		a->oom = 1;
		return;
	}
	a->owned = no;
	a->owned[a->nowned++] = s;
	arg(a, s);
}

static void argf(argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void argf(argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	arg_owned(a, s);
}

static void argv_free(argv_buf *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
}

/* --append TEXT and the guest arguments after "--", blank-separated; NULL
 * when there are none. */
static char *kernel_cmdline(const cli_options *o, int *oom)
{
	size_t len = o->append ? strlen(o->append) + 1 : 1;
	char *s;

	*oom = 0;
	if (!o->append && o->n_guest_args == 0)
		return NULL;
	for (size_t i = 0; i < o->n_guest_args; i++)
		len += strlen(o->guest_args[i]) + 1;
	if (!(s = calloc(1, len))) {
		*oom = 1;
		return NULL;
	}
	if (o->append)
		strcpy(s, o->append);
	for (size_t i = 0; i < o->n_guest_args; i++) {
		if (*s)
			strcat(s, " ");
		strcat(s, o->guest_args[i]);
	}
	return s;
}

static void add_list(argv_buf *a, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		arg(a, list[i]);
}

/* What boots: -kernel (IMAGE or --kernel) and its inputs, firmware,
 * disks. Interfaces and firmware files come from the target. */
static void boot_args(argv_buf *a, const run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *t = r->tgt;
	const char *kernel = o->image ? o->image : o->kernel;
	int oom;

	if (t->load == TARGET_LOAD_BOOTSECTOR && o->image) {
		arg(a, "-drive");
		/* The first hard disk, as BIOSes boot it (dl = 0x80);
		 * snapshot=on keeps the guest's writes off the user's file. */
		argf(a, "file=%s,format=raw,if=ide,snapshot=on", o->image);
	} else if (kernel) {
		char *cmdline = kernel_cmdline(o, &oom);
		arg(a, "-kernel");
		arg(a, kernel);
		if (oom)
			a->oom = 1;
		if (cmdline) {
			arg(a, "-append");
			arg_owned(a, cmdline);
		}
	}
	if (o->initrd) {
		arg(a, "-initrd");
		arg(a, o->initrd);
	}
	if (o->dtb) {
		arg(a, "-dtb");
		arg(a, o->dtb);
	}
	if (o->bios) {
		arg(a, "-bios");
		arg(a, o->bios);
	}
	if (o->uefi) {
		arg(a, "-drive");
		argf(a, "if=pflash,format=raw,unit=0,readonly=on,file=%s",
		     r->fw_code);
		arg(a, "-drive");
		argf(a, "if=pflash,format=raw,unit=1,file=%s", r->fw_vars);
	}
	if (o->cdrom) {
		arg(a, "-drive");
		argf(a, "file=%s,format=raw,%s", o->cdrom, t->cdrom_drive);
	}
	/* snapshot=on: the guest's writes go to a temporary overlay, never
	 * to the user's file (nor to a fat: directory). */
	for (size_t i = 0; i < o->n_drives; i++) {
		arg(a, "-drive");
		argf(a, "file=%s,format=%s,if=%s,snapshot=on", o->drives[i].file,
		     o->drives[i].format, t->drive_if);
	}
}

static void build_qemu_args(argv_buf *a, const run_ctx *r)
{
	const cli_options *o = r->opt;
	const target_desc *t = r->tgt;
	const char *cpu = o->cpu ? o->cpu : t->cpu;
	const char *mem = o->memory ? o->memory : t->memory;

	arg(a, "-machine");
	arg(a, r->machine);
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
	arg(a, r->sh_mode == RUNOPT_SH_QEMU && !run_user_semihosting(o) ?
	    "stdio,id=stubrun_con,mux=on,signal=off" :
	    "stdio,id=stubrun_con,signal=off");
	arg(a, "-serial");
	arg(a, "chardev:stubrun_con");
	if (!run_user_semihosting(o) && (r->sh_mode == RUNOPT_SH_QEMU ||
					 r->sh_mode == RUNOPT_SH_GDB)) {
		arg(a, "-semihosting-config");
		arg(a, r->sh_mode == RUNOPT_SH_QEMU ?
		    "enable=on,target=native,chardev=stubrun_con" :
		    "enable=on,target=gdb");
	}
	add_list(a, t->extra_args);
	if (o->record) {
		/* the start snapshot is what reverse execution rewinds to */
		arg(a, "-icount");
		argf(a, "shift=5,rr=%s,rrfile=%s,rrsnapshot=stubrun",
		     r->rr_replay ? "replay" : "record", r->rr_log);
		arg(a, "-drive");
		argf(a, "file=%s,if=none,id=stubrun_rr", r->rr_disk);
	} else if (o->snapshot_at) {
		/* where savevm puts the machine */
		arg(a, "-drive");
		argf(a, "file=%s,if=none,id=stubrun_snap,format=qcow2",
		     r->rr_disk);
		if (r->snap_respawn) {
			arg(a, "-loadvm");
			arg(a, "stubrun-snapshot");
		}
	}
	/* A bare IMAGE's defaults (no firmware on riscv) give way to the
	 * user's kernel or firmware. */
	if (!o->kernel && !o->bios && !o->uefi)
		add_list(a, t->bare_args);
	boot_args(a, r);
	for (size_t i = 0; i < o->n_qemu_args; i++)
		arg(a, o->qemu_args[i]);
}

/* User mode: qemu-ARCH [-L SYSROOT] [-cpu C] [ARG...] PROGRAM [ARG...];
 * nothing of a machine (no -M, -m, console, monitor, semihosting). */
static void build_user_args(argv_buf *a, const run_ctx *r)
{
	const cli_options *o = r->opt;

	if (r->sysroot) {
		arg(a, "-L");
		arg(a, r->sysroot);
	}
	if (o->cpu) {
		arg(a, "-cpu");
		arg(a, o->cpu);
	}
	for (size_t i = 0; i < o->n_qemu_args; i++)
		arg(a, o->qemu_args[i]);
	arg(a, o->image);
	for (size_t i = 0; i < o->n_guest_args; i++)
		arg(a, o->guest_args[i]);
}

int run_spawn_qemu(run_ctx *r)
{
	argv_buf a = { 0 };
	qemu_spec spec = { 0 };
	int err;

	if (r->opt->image && r->tgt->load == TARGET_LOAD_BOOTSECTOR &&
	    strchr(r->opt->image, ',')) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: a comma in the path "
			    "cannot be passed to QEMU's -drive", r->opt->image);
		return -1;
	}
	if (run_setup_firmware(r) < 0)
		return -1;
	if (r->user)
		build_user_args(&a, r);
	else
		build_qemu_args(&a, r);
	if (a.oom) {
		argv_free(&a);
		run_verdict(r, RUN_EXIT_ERROR, 0, "out of memory");
		return -1;
	}
	spec.binary = r->opt->qemu ? r->opt->qemu :
		      r->user ? r->qemu_user : r->tgt->qemu;
	spec.user = r->user;
	spec.args = a.v;
	spec.tcp = r->opt->gdb_mode == CLI_GDB_TCP;
	spec.tcp_port = r->opt->tcp_port;
	spec.stdin_pipe = run_console_wants_input(r);
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

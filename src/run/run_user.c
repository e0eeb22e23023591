/* User mode: which IMAGE is a Linux program run under qemu-user (from
 * its headers, so that qemu-user starts before the image is read whole),
 * what it needs before QEMU starts (its interpreter under the sysroot),
 * when its stub's socket appears, the names of the signals that end it,
 * the relocation of a position-independent program once the stub says
 * where it was loaded, and its shared objects for a post-mortem. */
#include "run_int.h"

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linuxprog.h"
#include "solib.h"
#include "util.h"

/* GDB's signal numbers (include/gdb/signals.def), as QEMU's stub reports
 * a guest signal; not the host's (GDB's SIGBUS is 10). */
static const struct { int sig; const char *name; } gdb_signals[] = {
	{ 1, "SIGHUP" }, { 2, "SIGINT" }, { 3, "SIGQUIT" }, { 4, "SIGILL" },
	{ 5, "SIGTRAP" }, { 6, "SIGABRT" }, { 7, "SIGEMT" }, { 8, "SIGFPE" },
	{ 9, "SIGKILL" }, { 10, "SIGBUS" }, { 11, "SIGSEGV" }, { 12, "SIGSYS" },
	{ 13, "SIGPIPE" }, { 14, "SIGALRM" }, { 15, "SIGTERM" },
	{ 16, "SIGURG" }, { 17, "SIGSTOP" }, { 18, "SIGTSTP" },
	{ 19, "SIGCONT" }, { 20, "SIGCHLD" }, { 30, "SIGUSR1" },
	{ 31, "SIGUSR2" },
};

const char *run_user_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(gdb_signals) / sizeof(gdb_signals[0]); i++)
		if (gdb_signals[i].sig == sig)
			return gdb_signals[i].name;
	return NULL;
}

/* The options of system mode only, refused with a Linux program. */
static const char *system_option(const cli_options *o)
{
	const struct { const char *name; int given; } opts[] = {
		{ "--initrd", o->initrd != NULL }, { "--append", o->append != NULL },
		{ "--dtb", o->dtb != NULL }, { "--drive", o->n_drives > 0 },
		{ "--cdrom", o->cdrom != NULL }, { "--bios", o->bios != NULL },
		{ "--uefi", o->uefi }, { "--machine", o->machine != NULL },
		{ "--memory", o->memory != NULL },
		{ "--semihosting", o->semihosting != RUNOPT_SH_AUTO },
		{ "--record", o->record != 0 },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].given)
			return opts[i].name;
	return NULL;
}

/* A dynamic program's interpreter must be under the sysroot (qemu-user
 * looks it up there first, then on the host, where a foreign one is not):
 * otherwise QEMU would fail with a message that names neither. */
static int check_interp(run_ctx *r, const linuxprog_info *li)
{
	char path[4096];
	int n;

	if (!li->interp[0] || r->opt->connect)
		return 0; /* static, or loaded by whoever started the stub */
	n = snprintf(path, sizeof(path), "%s%s", r->sysroot ? r->sysroot : "",
		     li->interp);
	if (n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0)
		return 0;
	if (!r->tgt->user_libc_package)
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: interpreter %s not found "
			    "under %s", r->opt->image, li->interp,
			    r->sysroot ? r->sysroot : "/");
	else
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: interpreter %s not found "
			    "under %s (Debian's package %s ships it in %s)",
			    r->opt->image, li->interp, r->sysroot ? r->sysroot :
			    "/", r->tgt->user_libc_package,
			    r->tgt->user_sysroot);
	return -1;
}

/* The target's qemu-user into r->qemu_user: its static build when one is
 * in PATH (Debian's qemu-user-static, qemu-aarch64-static beside
 * qemu-aarch64). Why: the same QEMU, but the shared one spends a quarter
 * of a short run in the loader, relocating its 30-odd libraries; here a
 * program that exits at once takes 23 ms under the static one, 31 under
 * the shared one (docs/BENCHMARKS.md). */
static void choose_user_qemu(run_ctx *r)
{
	const char *name = r->tgt->qemu_user;

	snprintf(r->qemu_user, sizeof(r->qemu_user), "%s-static", name);
	if (!util_in_path(r->qemu_user))
		snprintf(r->qemu_user, sizeof(r->qemu_user), "%s", name);
}

/* User mode for the Linux program `li` (or the --user one): what it
 * needs, checked. 0, or -1 with the verdict. */
static int choose_user(run_ctx *r, const linuxprog_info *li)
{
	const cli_options *o = r->opt;
	const char *sysopt;

	if ((sysopt = system_option(o)) != NULL) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: a system-mode option, and "
			    "%s is a Linux program (give --system to boot it)",
			    sysopt, o->image);
		return -1;
	}
	if (!r->tgt->qemu_user) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: no qemu-user is known for "
			    "%s (give --system to boot it)", o->image, r->tgt->name);
		return -1;
	}
	r->user = 1;
	choose_user_qemu(r);
	r->user_pie = li->is_pie;
	r->sysroot = o->sysroot ? o->sysroot : r->tgt->user_sysroot;
	if (r->sysroot && !o->sysroot && access(r->sysroot, X_OK) < 0 &&
	    !li->interp[0])
		r->sysroot = NULL; /* a static program needs none */
	return check_interp(r, li);
}

int run_user_setup(run_ctx *r)
{
	const cli_options *o = r->opt;
	linuxprog_info li;

	if (r->user)
		return 0; /* chosen before the image was read */
	if (o->system || !o->image || !image_is_elf(r->img)) {
		if (o->user) {
			run_verdict(r, RUN_EXIT_ERROR, 0, "--user runs IMAGE, an "
				    "ELF Linux program");
			return -1;
		}
		return 0;
	}
	if (linuxprog_probe(&li, r->img) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: PT_INTERP lies outside "
			    "the file", o->image);
		return -1;
	}
	if (!o->user && !li.is_linux)
		return 0;
	return choose_user(r, &li);
}

/* Whether the plain case, where nothing but IMAGE's headers decides:
 * each option left out here has its checks in run_setup_image(), which
 * then decides as ever. */
static int plain_user_run(const cli_options *o)
{
	return o->image && !o->system && !o->connect && !o->arch &&
	       !o->kernel && !o->symbols && !o->snapshot_at &&
	       !o->n_snap_tests && !system_option(o);
}

int run_user_start_early(run_ctx *r)
{
	const cli_options *o = r->opt;
	linuxprog_info li;
	const target_desc *t;
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO named as IMAGE must not block its open; it is
	 * refused by run_setup_image(), as anything but a regular file is. */
	if (!plain_user_run(o) ||
	    (fd = open(o->image, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return 0;
	err = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ? IMAGE_EFORMAT :
	      linuxprog_probe_fd(&li, fd);
	close(fd);
	if (err < 0 || (!li.is_linux && !o->user) ||
	    !(t = target_from_elf(li.machine, li.elf_class, li.flags)) ||
	    !t->qemu_user)
		return 0; /* run_setup_image() says what is wrong, if anything */
	r->tgt = t;
	if (choose_user(r, &li) < 0 || run_setup_spawn(r) < 0)
		return -1;
	run_mark(r, RUN_PH_SPAWN);
	return 0;
}

/* The file's creation is an event of its directory (inotify), so that the
 * connect follows qemu-user's bind at once instead of at the end of a
 * retry pause (up to 20 ms, rsp/transport.c). The watch is set before the
 * file is looked for: a file created in between is not missed. */
int run_user_await_socket(const char *path, int slice_ms)
{
	char dir[PATH_MAX], ev[sizeof(struct inotify_event) + NAME_MAX + 1];
	const char *slash = strrchr(path, '/');
	int fd, there;

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return -1;
	if (inotify_add_watch(fd, dir[0] ? dir : "/", IN_CREATE) < 0) {
		close(fd);
		return -1;
	}
	there = access(path, F_OK) == 0;
	if (!there) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		/* Any event counts: the directory is stubrun's own, and
		 * qemu-user's socket is all that is created in it. */
		if (poll(&p, 1, slice_ms) > 0 && read(fd, ev, sizeof(ev)) > 0)
			there = access(path, F_OK) == 0;
	}
	close(fd);
	return there;
}

/* Why 4 KiB: a Linux auxiliary vector has about 20 entries of two words. */
#define AUXV_MAX 4096

/* AT_ENTRY from the stub's copy of the auxiliary vector; 0 when absent. */
static int auxv_entry(uint64_t *entry, run_ctx *r)
{
	char reply[AUXV_MAX + 2];
	size_t len = 0, w = r->tgt->ptr_size;
	int err;

	*entry = 0;
	err = rsp_request(reply, sizeof(reply), &len, r->conn,
			  "qXfer:auxv:read::0,1000");
	if (err < 0)
		return err;
	if (len < 1 || (reply[0] != 'l' && reply[0] != 'm'))
		return 0;
	for (size_t at = 1; at + 2 * w <= len; at += 2 * w) {
		uint64_t type = 0, val = 0;
		/* Every target with a qemu-user is little-endian. */
		for (size_t b = 0; b < w; b++) {
			type |= (uint64_t)(unsigned char)reply[at + b] << (8 * b);
			val |= (uint64_t)(unsigned char)reply[at + w + b] << (8 * b);
		}
		if (type == AT_NULL)
			break;
		if (type == AT_ENTRY) {
			*entry = val;
			return 0;
		}
	}
	return 0;
}

int run_user_relocate(run_ctx *r)
{
	uint64_t entry;
	int err;

	if (!r->user_pie)
		return 0;
	if ((err = auxv_entry(&entry, r)) < 0) {
		run_stub_failed(r, err);
		run_verdict(r, RUN_EXIT_ERROR, 0, "reading the auxiliary vector: "
			    "%s", rsp_errmsg(r->conn));
		return -1;
	}
	/* Without AT_ENTRY the symbols stay at their link addresses: the
	 * post-mortem then names no function, and a LOC cannot be set. */
	if (entry)
		image_set_bias(r->img, entry - image_entry(r->img));
	return 0;
}

int run_user_interrupt(run_ctx *r)
{
	pid_t pid = r->qemu ? qemu_pid(r->qemu) : -1;

	/* A stub of --connect's is someone else's process: only the
	 * protocol's interrupt reaches it. */
	if (!r->qemu)
		return rsp_interrupt(r->conn);
	return pid > 0 && kill(pid, SIGINT) == 0 ? 0 : -1;
}

static int user_mem_read(void *buf, uint64_t addr, size_t len, void *arg)
{
	return rsp_mem_read(buf, ((run_ctx *)arg)->conn, addr, len);
}

/* The shared object `e` as an image at its load address, from under the
 * sysroot; NULL when it cannot be read (the post-mortem then names less). */
static image *open_object(run_ctx *r, const solib_entry *e)
{
	char path[PATH_MAX], err[512];
	image *obj = NULL;

	if ((size_t)snprintf(path, sizeof(path), "%s%s",
			     e->name[0] == '/' && r->sysroot ? r->sysroot : "",
			     e->name) >= sizeof(path) ||
	    image_open(&obj, path, 0, 0, err, sizeof(err)) < 0)
		return NULL;
	image_set_bias(obj, e->base);
	return obj;
}

void run_user_load_objects(run_ctx *r)
{
	solib_entry *list;
	const image_section *dyn = NULL;
	size_t n = 0;

	if (!r->user || !r->conn || r->stub_dead || !image_is_elf(r->img))
		return;
	for (size_t i = 0; i < image_section_count(r->img) && !dyn; i++)
		if (!strcmp(image_section_at(r->img, i)->name, ".dynamic"))
			dyn = image_section_at(r->img, i);
	if (!dyn || !(list = calloc(SOLIB_MAX, sizeof(*list))))
		return;
	if (solib_list(list, SOLIB_MAX, &n, dyn->addr, dyn->size,
		       r->tgt->ptr_size, user_mem_read, r) == 0)
		for (size_t i = 0; i < n; i++) {
			image *obj = open_object(r, &list[i]);
			if (obj)
				image_attach(r->img, obj);
		}
	free(list);
}

/*
 * Helpers of the boot integration tests (boot_*.c): third-party guests
 * (GRUB, OVMF, Debian's Linux kernel) booted with --cdrom, --uefi,
 * --drive, --kernel. Each test works in a private directory that it
 * removes, and checks that stubrun left nothing in its TMPDIR.
 */
#ifndef BOOT_COMMON_H
#define BOOT_COMMON_H

#include "run_common.h"

#include <dirent.h>
#include <ftw.h>
#include <glob.h>
#include <stdlib.h>

/* Why 150 s: OVMF and Linux boot in a few seconds under TCG; a loaded
 * 2-core machine running the sanitized build may be many times slower. */
#define BOOT_LIMIT_S 150

typedef struct boot_dir {
	char path[128];     /* the test's scratch directory */
	char tmp[160];      /* path/tmp: stubrun's TMPDIR, must end empty */
} boot_dir;

static inline void boot_dir_make(boot_dir *d)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(d->path, sizeof(d->path), "%s/stubrun-boot-test-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(d->path), "mkdtemp %s", d->path);
	snprintf(d->tmp, sizeof(d->tmp), "%s/tmp", d->path);
	cr_assert_eq(mkdir(d->tmp, 0700), 0);
	setenv("TMPDIR", d->tmp, 1);  /* inherited by stubrun and QEMU */
}

static inline int boot_rm(const char *p, const struct stat *st, int flag,
			  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Checks that stubrun left nothing in its TMPDIR, then removes it all. */
static inline void boot_dir_remove(boot_dir *d)
{
	DIR *dir = opendir(d->tmp);
	struct dirent *e;

	while (dir && (e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			cr_expect(0, "stubrun left %s/%s", d->tmp, e->d_name);
	if (dir)
		closedir(dir);
	nftw(d->path, boot_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* d->path/name into buf. */
static inline const char *boot_path(char *buf, size_t len, const boot_dir *d,
				    const char *name)
{
	snprintf(buf, len, "%s/%s", d->path, name);
	return buf;
}

static inline void boot_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The file `path` from Debian's `package`, or the test is skipped. */
static inline void need_file(const char *path, const char *package)
{
	if (access(path, R_OK) != 0)
		cr_skip_test("%s missing (Debian package %s; make deps)", path,
			     package);
}

/* Debian's kernel, /boot/vmlinuz-*-amd64 (package linux-image-amd64). */
static inline void debian_kernel(char *buf, size_t len)
{
	glob_t g;

	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) != 0 || g.gl_pathc == 0)
		cr_skip_test("no /boot/vmlinuz-*-amd64 (Debian package "
			     "linux-image-amd64; make deps)");
	snprintf(buf, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
}

/* The same kernel's vmlinux, extracted at build time (make linux-testdata,
 * tests/boot/extract-vmlinux.sh) and booted by its PVH entry: the tests
 * whose subject is not the bzImage path use it, and save the 4 CPU-s each
 * bzImage boot spends decompressing itself under TCG. */
static inline void debian_vmlinux(char *buf, size_t len)
{
	const char *v = getenv("STUBRUN_VMLINUX");

	debian_kernel(buf, len);
	if (!v || access(v, R_OK) != 0)
		cr_skip_test("no vmlinux extracted from %s (make linux-testdata)",
			     buf);
	snprintf(buf, len, "%s", v);
}

/* Builds OUT.cpio.gz with tests/boot/mkinitramfs.sh around `init` (the
 * text of /init); skips when busybox-static or cpio is missing. */
static inline void build_initramfs(const boot_dir *d, const char *out,
				   const char *init)
{
	char script[512], initfile[256];
	const char *src = getenv("STUBRUN_SRCDIR");
	harness_result res;

	snprintf(script, sizeof(script), "%s/tests/boot/mkinitramfs.sh",
		 src ? src : ".");
	boot_path(initfile, sizeof(initfile), d, "init.sh");
	boot_write(initfile, init);
	const char *argv[] = { "sh", script, out, initfile, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	if (res.status == 77)
		cr_skip_test("%s", res.err);
	cr_assert_eq(res.status, 0, "mkinitramfs: %s", res.err);
	harness_result_free(&res);
}

/* Debian's kernel (its vmlinux) into `kernel`, and an initramfs around
 * `init` made in a new scratch directory `d`, its path into `initrd`. */
static inline void linux_initrd(boot_dir *d, char *kernel, size_t klen,
				char *initrd, size_t ilen, const char *init)
{
	debian_vmlinux(kernel, klen);
	boot_dir_make(d);
	boot_path(initrd, ilen, d, "initrd.cpio.gz");
	build_initramfs(d, initrd, init);
}

/* stubrun with the boot tests' time limit. */
static inline void boot_stubrun(harness_result *res, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	stubrun_limit_v(res, BOOT_LIMIT_S, first, ap);
	va_end(ap);
}

/* stderr is exactly one line containing each NULL-terminated needle. */
static inline void expect_one_line(const harness_result *res, ...)
{
	va_list ap;
	const char *nl = strchr(res->err, '\n');

	cr_expect(nl && nl[1] == '\0', "stderr is not one line:\n%s", res->err);
	va_start(ap, res);
	for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *))
		expect_in(res->err, s, "stderr");
	va_end(ap);
}

#endif /* BOOT_COMMON_H */

/*
 * `make install`: installs the binary, librsp, its public header and a
 * pkg-config file, and a program built only from what was installed (found
 * through that pkg-config file) links and runs.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char root[] = "/tmp/stubrun-install-XXXXXX";

static void make_root(void)
{
	cr_assert_not_null(mkdtemp(root));
}

static void remove_root(void)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	harness_result res;
	harness_run(&res, argv, 30);
	harness_result_free(&res);
}

static void assert_installed(const char *rel)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/usr/local/%s", root, rel);
	cr_assert_eq(stat(path, &st), 0, "%s was not installed", path);
	cr_assert_gt(st.st_size, 0, "%s is empty", path);
}

Test(install, library_header_and_pkgconfig_are_usable,
     .init = make_root, .fini = remove_root, .timeout = 240)
{
	const char *src = getenv("STUBRUN_SRCDIR");
	char destdir[300], script[2048];
	harness_result res;

	cr_assert_not_null(src, "STUBRUN_SRCDIR is not set (run through make)");
	snprintf(destdir, sizeof(destdir), "DESTDIR=%s", root);

	/* The plain build: a sanitized librsp would need the sanitizer runtime
	 * in the program below. The parent make's flags are not passed on. */
	const char *install[] = { "env", "-u", "MAKEFLAGS", "-u", "MFLAGS",
		"-u", "MAKELEVEL", "make", "-s", "-C", src, "SANITIZE=",
		"BUILD=build", "PREFIX=/usr/local", destdir, "install", NULL };
	harness_run(&res, install, 200);
	cr_assert_eq(res.status, 0, "make install failed:\n%s", res.err);
	harness_result_free(&res);

	assert_installed("bin/stubrun");
	assert_installed("lib/librsp.a");
	assert_installed("include/rsp.h");
	assert_installed("lib/pkgconfig/librsp.pc");

	/* Build the library example against the installed files only. */
	snprintf(script, sizeof(script),
		 "set -e; export PKG_CONFIG_PATH=%s/usr/local/lib/pkgconfig "
		 "PKG_CONFIG_SYSROOT_DIR=%s; "
		 "cc -std=c11 -o %s/client %s/examples/rsp_client.c "
		 "$(pkg-config --cflags --static --libs librsp); "
		 "%s/client; ",
		 root, root, root, src, root);
	const char *build[] = { "sh", "-c", script, NULL };
	harness_run(&res, build, 120);
	/* Without arguments the example prints its usage and exits 64: it was
	 * built, linked against the installed librsp, and ran. */
	cr_assert_eq(res.status, 64, "status %d\nstdout:%s\nstderr:%s",
		     res.status, res.out, res.err);
	cr_assert_not_null(strstr(res.err, "usage"), "no usage line: %s", res.err);
	harness_result_free(&res);

	/* The installed binary runs. */
	char bin[400];
	snprintf(bin, sizeof(bin), "%s/usr/local/bin/stubrun", root);
	const char *version[] = { bin, "--version", NULL };
	harness_run(&res, version, 30);
	cr_assert_eq(res.status, 0, "stubrun --version: %d %s", res.status, res.err);
	cr_assert_not_null(strstr(res.out, "stubrun"));
	harness_result_free(&res);
}

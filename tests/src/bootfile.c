/* Tests for src/guest/bootfile.c and target_from_kernel_header(): boot
 * files checked with bounded reads (short files, wrong magic). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootfile.h"
#include "target.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/stubrun-bootfile-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(bootfile, .init = setup, .fini = teardown);

/* A file of `len` zero bytes with `magic` at `off`. */
static const char *make(char *path, size_t cap, const char *name, size_t len,
			size_t off, const char *magic, size_t mlen)
{
	char *buf = calloc(1, len ? len : 1);
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	cr_assert_not_null(buf);
	if (magic && off + mlen <= len)
		memcpy(buf + off, magic, mlen);
	cr_assert_not_null(f = fopen(path, "wb"));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	return path;
}

Test(bootfile, iso_needs_cd001_at_32769)
{
	char p[128], err[256];

	cr_expect_eq(bootfile_check_iso(make(p, sizeof(p), "good.iso", 34816, 32769,
					     "CD001", 5), err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(bootfile_check_iso(make(p, sizeof(p), "short.iso", 32772,
					     32769, "CD0", 3), err, sizeof(err)),
		     BOOTFILE_EFORMAT);
	cr_expect(strstr(err, "not an ISO 9660 image"), "%s", err);
	cr_expect_eq(bootfile_check_iso(make(p, sizeof(p), "empty.iso", 0, 0, NULL,
					     0), err, sizeof(err)), BOOTFILE_EFORMAT);
	cr_expect_eq(bootfile_check_iso(make(p, sizeof(p), "moved.iso", 34816,
					     32768, "CD001", 5), err, sizeof(err)),
		     BOOTFILE_EFORMAT);
	cr_expect_eq(bootfile_check_iso(dir, err, sizeof(err)), BOOTFILE_ENOENT);
	cr_expect(strstr(err, "is a directory"), "%s", err);
}

Test(bootfile, kernel_headers_name_their_architecture)
{
	char p[128], err[256];
	bootfile_kernel k;

	make(p, sizeof(p), "bzImage", 4096, 0x202, "HdrS", 4);
	cr_assert_eq(bootfile_probe_kernel(&k, p, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(k.tgt);
	cr_expect_str_eq(k.tgt->name, "x86_64");
	cr_expect_eq(k.is_elf, 0);
	make(p, sizeof(p), "Image", 4096, 56, "ARM\x64", 4);
	cr_assert_eq(bootfile_probe_kernel(&k, p, err, sizeof(err)), 0, "%s", err);
	cr_assert_not_null(k.tgt);
	cr_expect_str_eq(k.tgt->name, "aarch64");
	/* the magic cut off by the end of the file */
	make(p, sizeof(p), "cut", 0x204, 0x202, "HdrS", 4);
	cr_assert_eq(bootfile_probe_kernel(&k, p, err, sizeof(err)), 0, "%s", err);
	cr_expect_null(k.tgt);
	make(p, sizeof(p), "elf", 64, 0, "\x7f" "ELF", 4);
	cr_assert_eq(bootfile_probe_kernel(&k, p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(k.is_elf, 1);
	make(p, sizeof(p), "empty", 0, 0, NULL, 0);
	cr_expect_eq(bootfile_probe_kernel(&k, p, err, sizeof(err)), BOOTFILE_EFORMAT);
	cr_expect(strstr(err, "empty file"), "%s", err);
}

Test(bootfile, header_lookup_stays_inside_the_buffer)
{
	static const uint8_t hdrs[0x206] = { [0x202] = 'H', 'd', 'r', 'S' };

	cr_expect_not_null(target_from_kernel_header(hdrs, sizeof(hdrs)));
	for (size_t len = 0; len < 0x206; len++)
		cr_expect_null(target_from_kernel_header(hdrs, len), "len %zu", len);
	cr_expect_null(target_from_kernel_header(NULL, 0));
}

Test(bootfile, missing_and_special_files_are_named)
{
	char err[256];

	cr_expect_eq(bootfile_check("--initrd", "/nonexistent/x", 0, err,
				    sizeof(err)), BOOTFILE_ENOENT);
	cr_expect_str_eq(err, "--initrd /nonexistent/x: No such file or directory");
	cr_expect_eq(bootfile_check("--drive", "/dev/null", 0, err, sizeof(err)),
		     BOOTFILE_ENOENT);
	cr_expect(strstr(err, "not a regular file"), "%s", err);
	cr_expect_eq(bootfile_check("--drive", dir, 1, err, sizeof(err)), 0);
}

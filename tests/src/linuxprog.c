/* Tests of src/guest/linuxprog.c on real images: the Linux programs of
 * examples/user are Linux programs (with their interpreter when dynamic),
 * no bare-metal example is one, whatever toolchain built it. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "image.h"
#include "linuxprog.h"

static linuxprog_info probe(const char *name)
{
	char path[512], err[256];
	image *img = NULL;
	linuxprog_info li;
	struct stat st;

	harness_example(path, sizeof(path), name);
	if (stat(path, &st) != 0)
		cr_skip_test("example %s not built (make examples)", path);
	cr_assert_eq(image_open(&img, path, 0, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(linuxprog_probe(&li, img), 0);
	image_free(img);
	return li;
}

/* linuxprog_probe_fd() on the file: the same answer as from the image. */
static void expect_same_from_headers(const char *name)
{
	char path[512];
	linuxprog_info whole = probe(name), head;
	int fd;

	harness_example(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(linuxprog_probe_fd(&head, fd), 0, "%s", name);
	close(fd);
	cr_expect_eq(head.is_linux, whole.is_linux, "%s", name);
	cr_expect_eq(head.is_pie, whole.is_pie, "%s", name);
	cr_expect_str_eq(head.interp, whole.interp, "%s", name);
	cr_expect_eq(head.machine, whole.machine, "%s", name);
	cr_expect_eq(head.elf_class, whole.elf_class, "%s", name);
	cr_expect_eq(head.flags, whole.flags, "%s", name);
	cr_expect_neq(head.machine, 0, "%s", name);
}

Test(linuxprog, static_and_dynamic_programs)
{
	static const char *const arches[] = { "aarch64", "arm", "riscv64" };

	for (size_t i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof(name), "user-%s-static", arches[i]);
		linuxprog_info s = probe(name);
		cr_expect(s.is_linux, "%s", name);
		cr_expect_str_empty(s.interp, "%s", name);
		snprintf(name, sizeof(name), "user-%s-dynamic", arches[i]);
		linuxprog_info d = probe(name);
		cr_expect(d.is_linux, "%s", name);
		cr_expect(d.is_pie, "%s: the toolchain's default is a PIE", name);
		cr_expect(!strncmp(d.interp, "/lib/ld-linux-", 14), "%s: %s",
			  name, d.interp);
	}
}

/* aarch64 with aarch64-linux-gnu-gcc -nostdlib, the semihosting guests
 * with picolibc, x86 with the host's gcc: all boot in system mode. */
Test(linuxprog, bare_metal_images_are_not_linux_programs)
{
	static const char *const names[] = {
		"aarch64-pass.elf", "arm-pass.elf", "riscv64-pass.elf",
		"riscv32-pass.elf", "x86_64-pass.elf", "i386-pass.elf",
		"aarch64-sh-hello.elf", "riscv64-sh-hello.elf",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_expect(!probe(names[i]).is_linux, "%s", names[i]);
}

/* What picks user mode before the image is read whole agrees with the
 * whole image, for Linux programs and bare-metal images alike. */
Test(linuxprog, headers_alone_say_the_same)
{
	static const char *const names[] = {
		"user-aarch64-static", "user-aarch64-dynamic", "user-arm-static",
		"user-arm-dynamic", "user-riscv64-static", "user-riscv64-dynamic",
		"aarch64-pass.elf", "arm-pass.elf", "riscv64-pass.elf",
		"x86_64-pass.elf",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		expect_same_from_headers(names[i]);
}

/* A file that is no ELF is an error, not "no Linux program". */
Test(linuxprog, headers_of_a_non_elf_file)
{
	char path[] = "/tmp/stubrun-test-linuxprog-XXXXXX";
	linuxprog_info li;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
	cr_expect_eq(linuxprog_probe_fd(&li, fd), IMAGE_EFORMAT);
	cr_expect(!li.is_linux);
	close(fd);
}

/* Integration: bad input to `stubrun run` gives one clear line naming the
 * file (or option) and the problem, and status 125 (127/126 for QEMU not
 * found / not executable); --help and --version. */
#include "run_common.h"

#include <fcntl.h>
#include <stdlib.h>

static char dir[64];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/stubrun-errtest-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* Writes `len` bytes of `data` to dir/name; returns the path. */
static const char *make_file(char *path, size_t cap, const char *name,
			     const void *data, size_t len)
{
	snprintf(path, cap, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* A copy of an example, with `patch` applied at `offset`, cut to `len`
 * bytes (0: whole). */
static const char *copy_example(char *path, size_t cap, const char *ex,
				size_t len, size_t offset, const void *patch,
				size_t plen)
{
	static char buf[1 << 20];
	FILE *f = fopen(EXAMPLE(ex), "rb");
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len && len < n)
		n = len;
	if (patch)
		memcpy(buf + offset, patch, plen);
	return make_file(path, cap, "copy.elf", buf, n);
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* One line on stderr, "stubrun: " + every needle, and `status`. */
static void expect_error(const harness_result *res, int status,
			 const char *needle1, const char *needle2)
{
	cr_expect_eq(res->status, status, "status %d, stderr:\n%s", res->status,
		     res->err);
	cr_expect_eq(lines(res->err), 1, "not one line:\n%s", res->err);
	expect_in(res->err, "stubrun: ", "stderr");
	if (needle1)
		expect_in(res->err, needle1, "stderr");
	if (needle2)
		expect_in(res->err, needle2, "stderr");
	cr_expect(!strstr(res->err, "post-mortem"), "an error has no post-mortem");
}

TestSuite(run_errors, .init = mkdir_tmp, .fini = rm_tmp);

Test(run_errors, missing_file)
{
	harness_result res;
	char path[128];

	snprintf(path, sizeof(path), "%s/nope.elf", dir);
	stubrun(&res, path, NULL);
	expect_error(&res, 125, path, NULL);
	harness_result_free(&res);
}

Test(run_errors, empty_file)
{
	harness_result res;
	char path[128];

	stubrun(&res, make_file(path, sizeof(path), "empty.elf", "", 0), NULL);
	expect_error(&res, 125, path, "empty");
	harness_result_free(&res);
}

Test(run_errors, not_elf)
{
	harness_result res;
	char path[128];
	static const char text[] = "#!/bin/sh\necho this is not a kernel\n";

	stubrun(&res, make_file(path, sizeof(path), "script.sh", text,
				sizeof(text) - 1), NULL);
	expect_error(&res, 125, path, "--arch");
	harness_result_free(&res);
}

Test(run_errors, truncated_elf)
{
	harness_result res;
	char path[128];

	stubrun(&res, copy_example(path, sizeof(path), "riscv64-pass.elf", 200, 0,
				   NULL, 0), NULL);
	expect_error(&res, 125, path, NULL);
	harness_result_free(&res);
}

Test(run_errors, unsupported_machine)
{
	harness_result res;
	char path[128];
	static const unsigned char sparc[2] = { 2, 0 }; /* EM_SPARC, LE */

	stubrun(&res, copy_example(path, sizeof(path), "riscv32-pass.elf", 0, 18,
				   sparc, 2), NULL);
	expect_error(&res, 125, path, NULL);
	harness_result_free(&res);
}

Test(run_errors, unknown_symbols)
{
	harness_result res;
	const char *img = EXAMPLE("arm-pass.elf");
	char want[600];

	snprintf(want, sizeof(want), "%s: no symbol nosuch_exit", img);
	stubrun(&res, "--exit-symbol", "nosuch_exit", img, NULL);
	expect_error(&res, 125, want, NULL);
	harness_result_free(&res);

	snprintf(want, sizeof(want), "%s: no symbol nosuch_fail", img);
	stubrun(&res, "--fail-symbol", "nosuch_fail", img, NULL);
	expect_error(&res, 125, want, NULL);
	harness_result_free(&res);

	snprintf(want, sizeof(want), "%s: no symbol nosuch_loc", img);
	stubrun(&res, "--break", "nosuch_loc+4", img, NULL);
	expect_error(&res, 125, want, NULL);
	harness_result_free(&res);

	snprintf(want, sizeof(want), "%s: no symbol nosuch_begin", img);
	stubrun(&res, "--test-begin-symbol", "nosuch_begin", img, NULL);
	expect_error(&res, 125, want, NULL);
	harness_result_free(&res);
}

Test(run_errors, malformed_expect_names_the_option)
{
	harness_result res;

	stubrun(&res, "--pass-at", "main", "--expect", "r0 = 1",
		EXAMPLE("arm-pass.elf"), NULL);
	expect_error(&res, 125, "--expect 'r0 = 1'", "'=='");
	harness_result_free(&res);
}

Test(run_errors, unknown_option)
{
	harness_result res;

	stubrun(&res, "--frobnicate", EXAMPLE("arm-pass.elf"), NULL);
	expect_error(&res, 125, "--frobnicate: unknown option", NULL);
	harness_result_free(&res);
}

Test(run_errors, unknown_arch)
{
	harness_result res;

	stubrun(&res, "--arch", "vax", EXAMPLE("arm-pass.elf"), NULL);
	expect_error(&res, 125, "--arch 'vax'", NULL);
	harness_result_free(&res);
}

Test(run_errors, arch_contradicts_the_elf)
{
	harness_result res;

	stubrun(&res, "--arch", "aarch64", EXAMPLE("riscv64-pass.elf"), NULL);
	expect_error(&res, 125, "riscv64", "aarch64");
	harness_result_free(&res);
}

Test(run_errors, qemu_not_found_is_127)
{
	harness_result res;

	stubrun(&res, "--qemu", "/nonexistent/qemu-system-riscv64",
		EXAMPLE("riscv64-pass.elf"), NULL);
	expect_error(&res, 127, "/nonexistent/qemu-system-riscv64", "not found");
	harness_result_free(&res);

	stubrun(&res, "--qemu", "qemu-system-no-such-arch",
		EXAMPLE("riscv64-pass.elf"), NULL);
	expect_error(&res, 127, "qemu-system-no-such-arch", NULL);
	harness_result_free(&res);
}

Test(run_errors, qemu_not_executable_is_126)
{
	harness_result res;
	char path[128];

	stubrun(&res, "--qemu", make_file(path, sizeof(path), "qemu", "x", 1),
		EXAMPLE("riscv64-pass.elf"), NULL);
	expect_error(&res, 126, path, NULL);
	harness_result_free(&res);
}

/* QEMU refuses its arguments and dies: 125 with its last stderr line. */
Test(run_errors, qemu_dies_early_is_125_with_its_message)
{
	harness_result res;

	stubrun(&res, "--machine", "no-such-board", EXAMPLE("riscv64-pass.elf"),
		NULL);
	cr_expect_eq(res.status, 125, "%s", res.err);
	expect_in(res.err, "stubrun: QEMU exited at startup", "stderr");
	expect_in(res.err, "(status 1): qemu-system-riscv64: unsupported machine type",
		  "stderr");
	/* Said once, in the verdict: QEMU's own copy of the line is held. */
	const char *first = strstr(res.err, "unsupported machine type");
	cr_expect(first && !strstr(first + 1, "unsupported machine type"),
		  "QEMU's error is printed twice:\n%s", res.err);
	/* QEMU's hint after the error still reaches the user. */
	expect_in(res.err, "Use -machine help", "stderr");
	harness_result_free(&res);
}

Test(run_errors, boot_sector_without_signature_fails)
{
	harness_result res;
	char path[128], zeros[512] = { 0 };

	stubrun(&res, "--arch", "i8086", make_file(path, sizeof(path), "b.img",
						   zeros, sizeof(zeros)), NULL);
	cr_expect_eq(res.status, 1, "%s", res.err);
	expect_in(res.err, "no boot signature", "stderr");
	harness_result_free(&res);

	stubrun(&res, "--arch", "i8086", make_file(path, sizeof(path), "s.img",
						   zeros, 100), NULL);
	cr_expect_eq(res.status, 125, "%s", res.err);
	expect_in(res.err, "512", "stderr");
	harness_result_free(&res);
}

Test(run_errors, help_documents_options_and_statuses)
{
	harness_result res;

	stubrun(&res, "run", "--help", NULL);
	cr_expect_eq(res.status, 0);
	expect_in(res.out, "--expect EXPR", "help");
	expect_in(res.out, "124", "help");
	expect_in(res.out, "127", "help");
	harness_result_free(&res);

	const char *argv[] = { harness_stubrun(), "--version", NULL };
	cr_assert_eq(harness_run(&res, argv, RUN_LIMIT_S), 0);
	cr_expect_eq(res.status, 0);
	expect_in(res.out, "stubrun ", "version");
	harness_result_free(&res);
}

/* A malformed --connect address is refused at once, not retried until
 * --timeout (here far above the test's own limit, so a retry loop fails
 * the test as outliving it). */
Test(run_errors, malformed_connect_address_is_not_retried)
{
	harness_result res;

	stubrun(&res, "--connect", "bogus", "--timeout", "600",
		EXAMPLE("riscv64-pass.elf"), NULL);
	cr_expect_eq(res.status, 125, "status %d: %s", res.status, res.err);
	cr_expect(strstr(res.err, "stubrun: cannot connect to the stub at bogus: "
			 "bad address 'bogus'"), "%s", res.err);
	const char *nl = strchr(res.err, '\n');
	cr_expect(nl && nl[1] == '\0', "not one line: %s", res.err);
	harness_result_free(&res);
}

/* QEMU's error quoting a 70,000-byte -cpu value is more than a default
 * pipe holds: QEMU must still get it out and exit, and its own error be
 * the verdict, long before --timeout (far above the test's limit). */
Test(run_errors, qemu_error_longer_than_a_pipe_is_reported)
{
	static char cpu[70001];
	harness_result res;

	memset(cpu, 'a', sizeof(cpu) - 1);
	stubrun(&res, "--timeout", "600", "--cpu", cpu,
		EXAMPLE("aarch64-pass.elf"), NULL);
	cr_expect_eq(res.status, 125, "status %d", res.status);
	cr_expect(strstr(res.err, "stubrun: QEMU exited at startup (status 1): "
			 "qemu-system-aarch64: unable to find CPU model"),
		  "%.300s", res.err);
	harness_result_free(&res);
}

/* A host program booted with --system (it would run under qemu-user
 * otherwise) is an x86_64 ELF QEMU's -kernel cannot load: one line that
 * names the file as well as QEMU's reason, said once. */
Test(run_errors, unbootable_elf_is_named_with_qemus_reason)
{
	harness_result res;

	stubrun(&res, "--system", "/bin/ls", NULL);
	cr_expect_eq(res.status, 125, "%s", res.err);
	const char *nl = strchr(res.err, '\n');
	cr_expect(nl && nl[1] == '\0', "not one line:\n%s", res.err);
	expect_in(res.err, "stubrun: /bin/ls: QEMU exited at startup (status 1): "
		  "qemu-system-x86_64: ", "stderr");
	harness_result_free(&res);
}

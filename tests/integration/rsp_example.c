/*
 * Integration test of examples/rsp_client.c (build/stubrun-rsp-example)
 * against a real QEMU: riscv64 virt, whose reset code jumps to the start of
 * RAM, where the example's breakpoint waits.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static pid_t qemu = -1;
static char dir[64], sock[128];

static void cleanup(void)
{
	if (qemu > 0) {
		kill(-qemu, SIGKILL);
		kill(qemu, SIGKILL);
		waitpid(qemu, NULL, 0);
		qemu = -1;
	}
	if (sock[0])
		unlink(sock);
	if (dir[0])
		rmdir(dir);
}

static void start_qemu(void)
{
	char gdb[160];

	strcpy(dir, "/tmp/rspx-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/gdb.sock", dir);
	snprintf(gdb, sizeof(gdb), "unix:%s,server=on,wait=off", sock);
	qemu = fork();
	cr_assert(qemu >= 0);
	if (qemu == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("qemu-system-riscv64", "qemu-system-riscv64", "-M", "virt",
		       "-bios", "none", "-S", "-gdb", gdb, "-display", "none",
		       "-serial", "none", "-monitor", "none", (char *)NULL);
		_exit(127);
	}
	setpgid(qemu, qemu);
}

Test(rsp_example, breaks_and_prints_registers, .fini = cleanup, .timeout = 60)
{
	const char *example = getenv("STUBRUN_RSP_EXAMPLE");
	char addr[160];
	harness_result res;

	if (!example)
		example = "build/stubrun-rsp-example";
	start_qemu();
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	const char *argv[] = { example, addr, "0x80000000", "4", "10000", NULL };
	cr_assert_eq(harness_run(&res, argv, 30), 0);
	cr_expect_eq(res.status, 0, "status %d: %s", res.status, res.err);
	cr_expect(strstr(res.out, "registers, PacketSize 4096"), "%s", res.out);
	cr_expect(strstr(res.out, "stopped: kind 1 signal 5"), "%s", res.out);
	cr_expect(strstr(res.out, "pc       0x0000000080000000"), "%s", res.out);
	harness_result_free(&res);
}

Test(rsp_example, usage_error)
{
	const char *example = getenv("STUBRUN_RSP_EXAMPLE");
	harness_result res;

	if (!example)
		example = "build/stubrun-rsp-example";
	const char *argv[] = { example, NULL };
	cr_assert_eq(harness_run(&res, argv, 30), 0);
	cr_expect_eq(res.status, 64);
	cr_expect(strstr(res.err, "usage"), "%s", res.err);
	harness_result_free(&res);
}

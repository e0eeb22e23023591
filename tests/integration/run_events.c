/* Integration: the run -> test contract (--events JSON lines from the
 * in-image test hooks), --trace-rsp, --gdb tcp and --connect. */
#include "run_common.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>

static char *read_all(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The n-th line (0-based) of text into out. */
static int nth_line(char *out, size_t cap, const char *text, int n)
{
	const char *p = text;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return -1;
	size_t len = strcspn(p, "\n");
	if (len >= cap)
		len = cap - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

static void check_multi(const char *arch)
{
	char img[64], path[] = "/tmp/stubrun-events-XXXXXX", line[16384];
	harness_result res;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(img, sizeof(img), "%s-multi.elf", arch);
	stubrun(&res, "--events", path, EXAMPLE(img), NULL);
	const char *ev = read_all(path);
	unlink(path);
	cr_expect_eq(res.status, 1, "%s: %d\n%s", arch, res.status, res.err);

	static const char *const want[] = {
		"{\"event\":\"plan\",\"tests\":[\"arith\",\"strings\",\"fails\","
		"\"crashes\",\"hangs\"],\"time_ms\":",
		"{\"event\":\"begin\",\"name\":\"arith\",\"time_ms\":",
		"{\"event\":\"end\",\"name\":\"arith\",\"status\":0,",
		"{\"event\":\"begin\",\"name\":\"strings\",",
		"{\"event\":\"end\",\"name\":\"strings\",\"status\":0,",
		"{\"event\":\"begin\",\"name\":\"fails\",",
		"{\"event\":\"end\",\"name\":\"fails\",\"status\":2,",
		"{\"event\":\"begin\",\"name\":\"crashes\",",
		/* the crash's post-mortem, then the test it ended */
		"{\"event\":\"postmortem\",\"text\":\"=== stubrun post-mortem: ",
		"{\"event\":\"end\",\"name\":\"crashes\",\"status\":1,",
		"{\"event\":\"verdict\",\"status\":1,\"reason\":\"",
	};
	for (int i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
		cr_assert_eq(nth_line(line, sizeof(line), ev, i), 0,
			     "%s: no line %d in:\n%s", arch, i, ev);
		cr_expect_eq(strncmp(line, want[i], strlen(want[i])), 0,
			     "%s: line %d is\n%s\nnot\n%s...", arch, i, line, want[i]);
		cr_expect_eq(line[strlen(line) - 1], '}', "%s", line);
		cr_expect(strstr(line, "\"time_ms\":"), "%s", line);
		/* Once the guest runs, each event has its running time. */
		if (i > 0 && !strstr(want[i], "postmortem"))
			cr_expect(strstr(line, "\"guest_ms\":"), "%s", line);
	}
	/* The verdict's guest time: no more than the wall time since the
	 * run began (start-up does not count). */
	long wall = -1, guest = -1;
	nth_line(line, sizeof(line), ev, 10);
	cr_assert(strstr(line, "\"guest_ms\":"), "%s", line);
	cr_expect_eq(sscanf(strstr(line, "\"time_ms\":"), "\"time_ms\":%ld", &wall), 1);
	cr_expect_eq(sscanf(strstr(line, "\"guest_ms\":"), "\"guest_ms\":%ld", &guest), 1);
	cr_expect(guest >= 0 && guest <= wall, "%s: guest %ld, wall %ld", arch,
		  guest, wall);
	cr_expect_neq(nth_line(line, sizeof(line), ev, 11), 0, "extra lines:\n%s", ev);
	/* each test's console output is recorded with it */
	nth_line(line, sizeof(line), ev, 2);
	expect_in(line, "\"output\":\"6 * 7 = 42", "arith's end event");
	nth_line(line, sizeof(line), ev, 4);
	expect_in(line, "strlen(\\\"hello\\\") = 5", "strings' end event");
	cr_expect(!strstr(line, "6 * 7"), "strings' output includes arith's");
	harness_result_free(&res);
}

Test(run_events, multi_x86_64) { check_multi("x86_64"); }
Test(run_events, multi_i386) { check_multi("i386"); }
Test(run_events, multi_aarch64) { check_multi("aarch64"); }
Test(run_events, multi_arm) { check_multi("arm"); }
Test(run_events, multi_riscv64) { check_multi("riscv64"); }
Test(run_events, multi_riscv32) { check_multi("riscv32"); }

Test(run_events, verdict_line_for_a_plain_pass)
{
	char path[] = "/tmp/stubrun-events-XXXXXX";
	harness_result res;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	stubrun(&res, "--events", path, EXAMPLE("riscv32-pass.elf"), NULL);
	const char *ev = read_all(path);
	unlink(path);
	cr_expect_eq(res.status, 0);
	cr_expect_eq(strncmp(ev, "{\"event\":\"verdict\",\"status\":0,\"reason\":"
			     "\"the guest called stubrun_exit(0)\",\"time_ms\":", 80), 0,
		     "%s", ev);
	harness_result_free(&res);
}

Test(run_events, trace_rsp_logs_packets_both_ways)
{
	harness_result res;

	stubrun(&res, "--trace-rsp", EXAMPLE("riscv64-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "rsp -> $qSupported", "stderr");
	expect_in(res.err, "rsp <- $", "stderr");
	expect_in(res.err, "rsp -> $Z0,", "stderr (the exit breakpoint)");
	harness_result_free(&res);
}

Test(run_events, gdb_over_tcp)
{
	harness_result res;

	stubrun(&res, "--gdb", "tcp", EXAMPLE("aarch64-pass.elf"), NULL);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.out, "hello from aarch64", "stdout");
	harness_result_free(&res);
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* --connect attaches to a stub stubrun did not start; it leaves that
 * QEMU alone (detaches), and the test kills it. */
Test(run_events, connect_to_a_running_stub)
{
	char gdb[64], addr[64];
	const char *img = EXAMPLE("riscv64-pass.elf");
	int port = free_port();
	harness_result res;
	pid_t q;

	snprintf(gdb, sizeof(gdb), "tcp:127.0.0.1:%d", port);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	q = fork();
	cr_assert_geq(q, 0);
	if (q == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		execlp("qemu-system-riscv64", "qemu-system-riscv64", "-S", "-gdb", gdb,
		       "-machine", "virt", "-bios", "none", "-display", "none",
		       "-nodefaults", "-monitor", "none", "-kernel", img, (char *)NULL);
		_exit(127);
	}
	stubrun(&res, "--connect", addr, img, NULL);
	kill(q, SIGKILL);
	waitpid(q, NULL, 0);
	cr_expect_eq(res.status, 0, "%s", res.err);
	expect_in(res.err, "stubrun_exit(0)", "stderr");
	harness_result_free(&res);
}

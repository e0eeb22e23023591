/*
 * Integration tests of libgdb-remote against real stubs: QEMU system mode
 * (i386, aarch64, arm, riscv64) over unix sockets and TCP, qemu-user, and
 * Debian's gdbserver. Guest code is written into RAM through the stub, so
 * these tests need no example images.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "rsp.h"

/* One test runs per process (Criterion), so these are per test: the
 * process we started and the temporary directory, for the fini hook. */
static pid_t child = -1;
static char tmpdir[64];

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Waits up to `ms` for the child to exit; 1 when it did. */
static int reap(int ms)
{
	for (int waited = 0; child > 0 && waited <= ms; waited += 10) {
		int st;
		if (waitpid(child, &st, WNOHANG) == child) {
			child = -1;
			return 1;
		}
		sleep_ms(10);
	}
	return child <= 0;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

/* Fini hook: nothing we started may outlive the test. */
static void cleanup(void)
{
	if (child > 0) {
		kill(-child, SIGKILL);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	remove_tmpdir();
}

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/rspq-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

/* Starts argv in its own process group; it dies with us (PDEATHSIG).
 * With stdio_fd >= 0 that fd becomes its stdin and stdout. */
static void spawn(const char *const argv[], int stdio_fd)
{
	pid_t pid = fork();

	cr_assert(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDWR);
		dup2(stdio_fd >= 0 ? stdio_fd : devnull, 0);
		dup2(stdio_fd >= 0 ? stdio_fd : devnull, 1);
		dup2(devnull, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	child = pid;
}

static rsp_conn *connect_to(const char *address)
{
	rsp_config cfg;
	rsp_conn *c = NULL;
	char err[256] = "";

	rsp_config_init(&cfg);
	cfg.timeout_ms = 10000;
	int rc = rsp_connect(&c, address, 10000, &cfg, err, sizeof(err));
	cr_assert_eq(rc, 0, "connect %s: %s", address, err);
	rc = rsp_handshake(c);
	cr_assert_eq(rc, 0, "handshake: %s", rsp_errmsg(c));
	return c;
}

static uint64_t reg(rsp_conn *c, const char *name)
{
	uint64_t v = 0;
	int rc = rsp_reg_get_u64(&v, c, name);

	cr_assert_eq(rc, 0, "read %s: %s", name, rsp_errmsg(c));
	return v;
}

static void set_reg(rsp_conn *c, const char *name, uint64_t v)
{
	int rc = rsp_reg_set_u64(c, name, v);

	cr_assert_eq(rc, 0, "write %s: %s", name, rsp_errmsg(c));
	cr_assert_eq(reg(c, name), v, "%s did not take the value", name);
}

/* ---- QEMU system mode: one table row per architecture ---------------------- */

typedef struct arch_case {
	const char *qemu;
	const char *machine[6];  /* extra QEMU args, NULL-terminated */
	uint64_t base;           /* RAM where the code goes */
	const char *code;        /* three instructions: inc counter; inc; loop */
	size_t code_len;
	uint64_t insn2, insn3;   /* offsets of the 2nd and 3rd instruction */
	int kind;                /* Z0 kind */
	const char *pc, *counter;
	const char *setup_reg;   /* one more register to set, or NULL */
	uint64_t setup_val;
	const char *info_needle; /* in "info registers" */
	uint64_t bad_addr;       /* unmapped, or 0 when all reads succeed */
} arch_case;

static const arch_case riscv64 = {
	"qemu-system-riscv64", { "-M", "virt", "-bios", "none", NULL },
	0x80000000, "\x13\x05\x15\x00" "\x93\x85\x25\x00" "\x6f\x00\x00\x00", 12,
	4, 8, 4, "pc", "a0", NULL, 0, " pc ", 0xfffffff000000000ULL,
};

static const arch_case aarch64 = {
	"qemu-system-aarch64", { "-M", "virt", "-cpu", "cortex-a57", NULL },
	0x40000000, "\x00\x04\x00\x91" "\x21\x04\x00\x91" "\x00\x00\x00\x14", 12,
	4, 8, 4, "pc", "x0", NULL, 0, "PC=", 0xffffffffffff0000ULL,
};

/* Cortex-M3: Thumb only. The empty vector table leaves the T bit clear,
 * so xPSR gets it. */
static const arch_case arm = {
	"qemu-system-arm", { "-M", "mps2-an385", NULL },
	0x20000000, "\x01\x30" "\x01\x31" "\xfe\xe7", 6,
	2, 4, 2, "pc", "r0", "xpsr", 0x01000000, "R00=", 0,
};

/* Real mode at reset: CS := 0 makes the code segment base 0, so eip and
 * linear addresses agree. inc ax; inc cx; jmp $. */
static const arch_case i386 = {
	"qemu-system-i386", { "-M", "pc", NULL },
	0x7c00, "\x40" "\x41" "\xeb\xfe", 4,
	1, 2, 1, "eip", "eax", "cs", 0, "EIP=", 0,
};

static void start_system(const arch_case *a, const char *gdb)
{
	const char *argv[24];
	size_t n = 0;

	argv[n++] = a->qemu;
	for (size_t i = 0; a->machine[i]; i++)
		argv[n++] = a->machine[i];
	const char *fixed[] = { "-S", "-gdb", gdb, "-display", "none", "-serial",
				"none", "-monitor", "none", "-no-reboot", NULL };
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = fixed[i];
	argv[n] = NULL;
	spawn(argv, -1);
}

static rsp_conn *start_unix(const arch_case *a)
{
	char gdb[128], addr[128];

	make_tmpdir();
	snprintf(gdb, sizeof(gdb), "unix:%s/gdb.sock,server=on,wait=off", tmpdir);
	snprintf(addr, sizeof(addr), "unix:%s/gdb.sock", tmpdir);
	start_system(a, gdb);
	return connect_to(addr);
}

static void check_memory(rsp_conn *c, const arch_case *a)
{
	/* Bigger than one packet either way (PacketSize 4096). */
	static uint8_t out[5000], in[5000];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 31 + 7);
	out[10] = '$';
	out[11] = '#';
	out[12] = '}';
	out[13] = '*';
	cr_assert_eq(rsp_mem_write(c, a->base + 0x1000, out, sizeof(out)), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_eq(rsp_mem_read(in, c, a->base + 0x1000, sizeof(in)), 0, "%s",
		     rsp_errmsg(c));
	cr_assert(memcmp(in, out, sizeof(in)) == 0);
	if (a->bad_addr) {
		cr_assert_eq(rsp_mem_read(in, c, a->bad_addr, 4), RSP_EREMOTE);
		cr_assert_gt(rsp_remote_errno(c), 0);
	}
}

static void load_code(rsp_conn *c, const arch_case *a)
{
	uint8_t back[16];

	cr_assert_eq(rsp_mem_write(c, a->base, a->code, a->code_len), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_eq(rsp_mem_read(back, c, a->base, a->code_len), 0, "%s",
		     rsp_errmsg(c));
	cr_assert(memcmp(back, a->code, a->code_len) == 0);
	if (a->setup_reg)
		set_reg(c, a->setup_reg, a->setup_val);
	set_reg(c, a->pc, a->base);
	set_reg(c, a->counter, 0);
}

static void wait_signal(rsp_stop *stop, rsp_conn *c)
{
	int rc = rsp_wait(stop, c, 10000);

	cr_assert_eq(rc, 0, "wait: %s", rsp_errmsg(c));
	cr_assert_eq(stop->kind, RSP_STOP_SIGNAL, "stop kind %d", stop->kind);
}

static void run_code(rsp_conn *c, const arch_case *a)
{
	uint64_t bp = a->base + a->insn2;
	rsp_stop stop;

	cr_assert_eq(rsp_bp_insert(c, RSP_BP_SW, bp, a->kind), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	wait_signal(&stop, c);
	cr_assert_eq(stop.signal, 5);
	cr_assert_eq(reg(c, a->pc), bp);
	cr_assert_eq(reg(c, a->counter) & 0xffff, 1);
	cr_assert_eq(rsp_bp_remove(c, RSP_BP_SW, bp, a->kind), 0, "%s", rsp_errmsg(c));

	cr_assert_eq(rsp_step(&stop, c), 0, "step: %s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
	cr_assert_eq(reg(c, a->pc), a->base + a->insn3);

	/* The last instruction loops forever: only an interrupt stops it. */
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 200), RSP_ETIMEOUT);
	cr_assert_eq(rsp_interrupt(c), 0, "%s", rsp_errmsg(c));
	wait_signal(&stop, c);
	cr_assert_eq(reg(c, a->pc), a->base + a->insn3);
}

/* Resuming at an inserted breakpoint stops there again at once (QEMU and
 * gdbserver alike): step past it first, as GDB does. */
static void step_over(rsp_conn *c, uint64_t addr, int kind)
{
	rsp_stop stop;

	cr_assert_eq(rsp_step_over(&stop, c, addr, kind), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
}

static void check_monitor_and_threads(rsp_conn *c, const arch_case *a)
{
	char *out = NULL;
	int64_t tids[4];
	size_t n = 0;

	cr_assert_eq(rsp_monitor(&out, c, "info registers"), 0, "%s", rsp_errmsg(c));
	cr_assert(strstr(out, a->info_needle), "no '%s' in: %s", a->info_needle, out);
	free(out);
	cr_assert_eq(rsp_thread_list(tids, 4, &n, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(n, 1);
	cr_assert_eq(rsp_thread_select(c, 'g', tids[0]), 0, "%s", rsp_errmsg(c));
}

static void kill_and_reap(rsp_conn *c)
{
	cr_assert_eq(rsp_kill(c), 0, "%s", rsp_errmsg(c));
	rsp_close(c);
	cr_assert(reap(5000), "QEMU still running after 'k'");
}

static void system_test(const arch_case *a)
{
	rsp_conn *c = start_unix(a);

	cr_assert_gt(rsp_reg_count(c), 0);
	cr_assert_eq(rsp_no_ack(c), 0);   /* QEMU 7.2 does not offer it */
	load_code(c, a);
	check_memory(c, a);
	run_code(c, a);
	check_monitor_and_threads(c, a);
	kill_and_reap(c);
}

Test(rsp_qemu, riscv64, .fini = cleanup, .timeout = 60)
{
	system_test(&riscv64);
}

Test(rsp_qemu, aarch64, .fini = cleanup, .timeout = 60)
{
	system_test(&aarch64);
}

Test(rsp_qemu, arm_cortex_m, .fini = cleanup, .timeout = 60)
{
	system_test(&arm);
}

Test(rsp_qemu, i386_real_mode, .fini = cleanup, .timeout = 60)
{
	system_test(&i386);
}

/* A free TCP port on the loopback (released again for QEMU to take). */
static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

Test(rsp_qemu, riscv64_over_tcp, .fini = cleanup, .timeout = 60)
{
	char gdb[64], addr[64];
	int port = free_port();

	snprintf(gdb, sizeof(gdb), "tcp:127.0.0.1:%d,server=on,wait=off", port);
	snprintf(addr, sizeof(addr), "tcp:127.0.0.1:%d", port);
	start_system(&riscv64, gdb);
	rsp_conn *c = connect_to(addr);
	load_code(c, &riscv64);
	run_code(c, &riscv64);
	kill_and_reap(c);
}

Test(rsp_qemu, detach_lets_guest_run, .fini = cleanup, .timeout = 60)
{
	rsp_conn *c = start_unix(&riscv64);

	load_code(c, &riscv64);
	cr_assert_eq(rsp_detach(c), 0, "%s", rsp_errmsg(c));
	rsp_close(c);
	sleep_ms(100);
	cr_assert_not(reap(0), "QEMU exited after detach");
}

/* ---- tools built in the test ----------------------------------------------- */

/* Runs a command that must succeed. */
static void run_ok(const char *const argv[])
{
	harness_result res;

	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_assert_eq(res.status, 0, "%s failed: %s", argv[0], res.err);
	harness_result_free(&res);
}

/* Address of `name` in `elf`, from nm. */
static uint64_t symbol(const char *elf, const char *name)
{
	const char *argv[] = { "nm", elf, NULL };
	harness_result res;
	uint64_t addr = 0;

	cr_assert_eq(harness_run(&res, argv, 30), 0);
	for (char *line = strtok(res.out, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long a;
		char type, sym[128];
		if (sscanf(line, "%llx %c %127s", &a, &type, sym) == 3 &&
		    strcmp(sym, name) == 0) {
			addr = a;
			break;
		}
	}
	harness_result_free(&res);
	cr_assert_neq(addr, 0, "no symbol %s in %s", name, elf);
	return addr;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static const char aarch64_prog[] =
	".global _start\n"
	".text\n"
	"_start:\n"
	"\tmov x0, #0\n"
	"loop:\n"
	"\tadd x0, x0, #1\n"
	"\tcmp x0, #3\n"
	"\tb.ne loop\n"
	"\tmov x0, #42\n"
	"\tmov x8, #93\n"    /* exit */
	"\tsvc #0\n";

Test(rsp_qemu, qemu_user_aarch64, .fini = cleanup, .timeout = 60)
{
	char src[128], prog[128], sock[128], addr[140];
	rsp_stop stop;

	make_tmpdir();
	snprintf(src, sizeof(src), "%s/prog.S", tmpdir);
	snprintf(prog, sizeof(prog), "%s/prog", tmpdir);
	snprintf(sock, sizeof(sock), "%s/gdb.sock", tmpdir);
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	write_file(src, aarch64_prog);
	const char *cc[] = { "aarch64-linux-gnu-gcc", "-nostdlib", "-static", "-o",
			     prog, src, NULL };
	run_ok(cc);
	uint64_t loop = symbol(prog, "loop");
	const char *argv[] = { "qemu-aarch64", "-g", sock, prog, NULL };
	spawn(argv, -1);

	rsp_conn *c = connect_to(addr);
	cr_assert_eq(reg(c, "pc"), symbol(prog, "_start"));
	cr_assert_eq(rsp_bp_insert(c, RSP_BP_SW, loop, 4), 0, "%s", rsp_errmsg(c));
	for (uint64_t i = 0; i < 2; i++) {
		if (i > 0)
			step_over(c, loop, 4);
		cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
		wait_signal(&stop, c);
		cr_assert_eq(reg(c, "pc"), loop);
		cr_assert_eq(reg(c, "x0"), i);
	}
	cr_assert_eq(rsp_bp_remove(c, RSP_BP_SW, loop, 4), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 10000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_EXITED);
	cr_assert_eq(stop.exit_status, 42);
	rsp_close(c);
	cr_assert(reap(5000), "qemu-aarch64 still running");
}

static const char host_prog[] =
	"volatile int counter;\n"
	"void marker(void);\n"
	"void marker(void) { }\n"
	"int main(void)\n"
	"{\n"
	"\tfor (counter = 0; counter < 3;) {\n"
	"\t\tcounter++;\n"
	"\t\tmarker();\n"
	"\t}\n"
	"\treturn 7;\n"
	"}\n";

/* gdbserver on the far end of a socketpair (its "-" stdio mode): it offers
 * QStartNoAckMode and run-length encodes its replies. */
Test(rsp_qemu, gdbserver_host_program, .fini = cleanup, .timeout = 60)
{
	char src[128], prog[128];
	int sv[2];
	rsp_conn *c = NULL;
	rsp_config cfg;
	rsp_stop stop;
	uint8_t g[4096];
	size_t glen;

	make_tmpdir();
	snprintf(src, sizeof(src), "%s/prog.c", tmpdir);
	snprintf(prog, sizeof(prog), "%s/prog", tmpdir);
	write_file(src, host_prog);
	const char *cc[] = { "cc", "-O0", "-g", "-no-pie", "-o", prog, src, NULL };
	run_ok(cc);
	uint64_t marker = symbol(prog, "marker");
	uint64_t counter = symbol(prog, "counter");

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	int theirs = fcntl(sv[1], F_DUPFD, 3);   /* without CLOEXEC */
	const char *argv[] = { "gdbserver", "-", prog, NULL };
	spawn(argv, theirs);
	close(theirs);
	close(sv[1]);
	rsp_config_init(&cfg);
	cfg.timeout_ms = 10000;
	cr_assert_eq(rsp_open_fd(&c, sv[0], &cfg), 0);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_no_ack(c), 1);
	cr_assert(rsp_reg_find(c, "rip"));
	cr_assert_eq(rsp_regs_read_all(g, sizeof(g), &glen, c), 0, "%s", rsp_errmsg(c));
	cr_assert_geq(glen, 17 * 8);

	cr_assert_eq(rsp_bp_insert(c, RSP_BP_SW, marker, 1), 0, "%s", rsp_errmsg(c));
	for (int i = 1; i <= 2; i++) {
		int32_t value = 0;
		if (i > 1)
			step_over(c, marker, 1);
		cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
		wait_signal(&stop, c);
		cr_assert_eq(stop.signal, 5);
		cr_assert_eq(reg(c, "rip"), marker);
		cr_assert_eq(rsp_mem_read(&value, c, counter, 4), 0, "%s", rsp_errmsg(c));
		cr_assert_eq(value, i);
	}
	cr_assert_eq(rsp_bp_remove(c, RSP_BP_SW, marker, 1), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 10000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_EXITED);
	cr_assert_eq(stop.exit_status, 7);
	rsp_close(c);
	cr_assert(reap(5000), "gdbserver still running");
}

/*
 * rsp_bench: protocol-level measurements on libgdb-remote, using only the
 * public header. It gives the ceilings the stubrun figures are compared with:
 *
 *   rsp_bench hits STUB ADDR N KIND [COUNTER]
 *       the minimal correct stop/continue loop on a software breakpoint at
 *       ADDR (KIND: its length, as in Z0): continue to the first hit, then
 *       N-1 times step over it (z0, s, Z0) and continue to the next. This is
 *       the fastest a breakpoint hit can be serviced through QEMU's stub.
 *       With COUNTER (the address of a 32-bit little-endian count of the
 *       calls that ran, e.g. bench_hook_calls), checks it reads N-1 at the
 *       last hit: proof that the guest really ran between the stops.
 *       Also prints the median time of each phase of a hit (z0, step, Z0,
 *       continue-to-stop).
 *   rsp_bench hits-step STUB ADDR N KIND [COUNTER]
 *       the same with the breakpoint left in while stepping (s, c per hit):
 *       what QEMU's TCG allows, since a single step there overrides
 *       breakpoints (checked with QEMU 7.2 on aarch64, arm, riscv64 and
 *       x86_64 through COUNTER).
 *   rsp_bench rtt STUB N ADDR
 *       N round trips each of 'g' and of a 4 KiB read at ADDR ('m' packets,
 *       split to the stub's PacketSize): median and 90th percentile.
 *   rsp_bench read1m STUB ADDR
 *       time to read 1 MiB of guest memory at ADDR (median of 5).
 *
 * STUB is an rsp_connect() address ("unix:PATH" or "HOST:PORT"); the stub
 * is expected halted (QEMU -S). Each result is one "name value unit" line on
 * stdout for bench/run.sh to collect; errors go to stderr, exit status 1
 * (2: usage). The target is killed at the end.
 */
#include <rsp.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bounds for the counts given on the command line: enough for any useful
 * measurement, small enough that the sample arrays stay modest. */
#define MAX_HITS 10000000L
#define MAX_RTT 100000L
#define READ1M_REPEAT 5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(rsp_conn *c, const char *what, int err)
{
	fprintf(stderr, "rsp_bench: %s: %s (%s)\n", what, rsp_strerror(err),
		c ? rsp_errmsg(c) : "");
	return 1;
}

/* Parses a whole unsigned number (any base prefix); -1 on junk. */
static int parse_u64(uint64_t *out, const char *s)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	*out = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

static int parse_count(long *out, const char *s, long max)
{
	uint64_t v;

	if (parse_u64(&v, s) < 0 || v < 1 || v > (uint64_t)max)
		return -1;
	*out = (long)v;
	return 0;
}

static int open_stub(rsp_conn **out, const char *address)
{
	char err[256] = "";
	int rc = rsp_connect(out, address, 10000, NULL, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "rsp_bench: %s: %s\n", address, err);
		return 1;
	}
	rc = rsp_handshake(*out);
	if (rc)
		return fail(*out, "handshake", rc);
	return 0;
}

/* Resumes and waits for a breakpoint stop; 1 (after a message) otherwise. */
static int run_to_stop(rsp_conn *c, long hit)
{
	rsp_stop stop;
	int rc = rsp_continue(c);

	if (!rc)
		rc = rsp_wait(&stop, c, 10000);
	if (rc)
		return fail(c, "continue", rc);
	if (stop.kind != RSP_STOP_SIGNAL) {
		fprintf(stderr, "rsp_bench: target ended after %ld hits\n", hit);
		return 1;
	}
	return 0;
}

static int check_counter(rsp_conn *c, uint64_t counter, long n)
{
	uint8_t b[4];
	uint32_t v;
	int rc = rsp_mem_read(b, c, counter, sizeof(b));

	if (rc)
		return fail(c, "reading the counter", rc);
	v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (v != (uint32_t)(n - 1)) {
		fprintf(stderr, "rsp_bench: the counter reads %" PRIu32 " at hit "
			"%ld, expected %ld: the guest did not run between stops\n",
			v, n, n - 1);
		return 1;
	}
	return 0;
}

/* Phases of one hit, timed separately to show where a hit's time goes. */
enum { PH_REMOVE, PH_STEP, PH_INSERT, PH_CONT, PH_COUNT };
static const char *const phase_name[PH_COUNT] = { "z0", "step", "Z0", "cont" };

static double quantile(double *v, long n, double q);

/* One hit after the first: step off the breakpoint (z0, s, Z0; or s alone
 * when `step_only`) and continue to the next stop. ph[] gets the phases. */
static int next_hit(double *ph, rsp_conn *c, uint64_t addr, int kind,
		    int step_only, long hit)
{
	rsp_stop stop;
	double t = now_s(), t1;
	int rc = step_only ? 0 : rsp_bp_remove(c, RSP_BP_SW, addr, kind);

	t1 = now_s();
	ph[PH_REMOVE] = t1 - t;
	if (!rc)
		rc = rsp_step(&stop, c);
	t = now_s();
	ph[PH_STEP] = t - t1;
	if (!rc && !step_only)
		rc = rsp_bp_insert(c, RSP_BP_SW, addr, kind);
	t1 = now_s();
	ph[PH_INSERT] = t1 - t;
	if (rc)
		return fail(c, "step over", rc);
	if (run_to_stop(c, hit))
		return 1;
	ph[PH_CONT] = now_s() - t1;
	return 0;
}

/*
 * The hit loop. With `step_only` the breakpoint stays inserted while
 * stepping: in QEMU's TCG a single step overrides breakpoints, so s + c is
 * all a hit needs there; other stubs would report the breakpoint again
 * without moving (the counter check catches that).
 */
static int bench_hits(rsp_conn *c, uint64_t addr, long n, int kind,
		      int step_only, int has_counter, uint64_t counter)
{
	double *ph[PH_COUNT] = { NULL };
	double t0, dt;
	int status = 1, rc = rsp_bp_insert(c, RSP_BP_SW, addr, kind);

	if (rc)
		return fail(c, "Z0", rc);
	for (int p = 0; p < PH_COUNT; p++)
		if (!(ph[p] = calloc((size_t)n, sizeof(double)))) {
			fprintf(stderr, "rsp_bench: out of memory\n");
			goto out;
		}
	if (run_to_stop(c, 0))
		goto out;
	t0 = now_s();
	for (long i = 1; i < n; i++) {
		double one[PH_COUNT];
		if (next_hit(one, c, addr, kind, step_only, i))
			goto out;
		for (int p = 0; p < PH_COUNT; p++)
			ph[p][i - 1] = one[p];
	}
	dt = now_s() - t0;
	if (has_counter && check_counter(c, counter, n))
		goto out;
	if (n > 1) {
		printf("%s %.0f hits/s\n", step_only ? "ceiling_step_hits_per_s"
			: "ceiling_hits_per_s", (double)(n - 1) / dt);
		for (int p = 0; p < PH_COUNT; p++)
			if (!step_only || p == PH_STEP || p == PH_CONT)
				printf("%sphase_%s_median %.1f us\n",
				       step_only ? "step_" : "", phase_name[p],
				       quantile(ph[p], n - 1, 0.5) * 1e6);
	}
	status = 0;
out:
	for (int p = 0; p < PH_COUNT; p++)
		free(ph[p]);
	return status;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts `v` and returns its q-quantile (nearest rank). */
static double quantile(double *v, long n, double q)
{
	long i = (long)(q * (double)(n - 1) + 0.5);

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[i];
}

static int bench_rtt(rsp_conn *c, long n, uint64_t addr)
{
	uint8_t regs[4096], page[4096];
	size_t len;
	double *tg = calloc((size_t)n, sizeof(double));
	double *tm = calloc((size_t)n, sizeof(double));
	int status = 1;

	if (!tg || !tm) {
		fprintf(stderr, "rsp_bench: out of memory\n");
		goto out;
	}
	for (long i = 0; i < n; i++) {
		double t0 = now_s();
		int rc = rsp_regs_read_all(regs, sizeof(regs), &len, c);
		if (rc) {
			fail(c, "g", rc);
			goto out;
		}
		tg[i] = now_s() - t0;
		t0 = now_s();
		rc = rsp_mem_read(page, c, addr, sizeof(page));
		if (rc) {
			fail(c, "m", rc);
			goto out;
		}
		tm[i] = now_s() - t0;
	}
	printf("rtt_g_median %.1f us\n", quantile(tg, n, 0.5) * 1e6);
	printf("rtt_g_p90 %.1f us\n", quantile(tg, n, 0.9) * 1e6);
	printf("rtt_m4k_median %.1f us\n", quantile(tm, n, 0.5) * 1e6);
	printf("rtt_m4k_p90 %.1f us\n", quantile(tm, n, 0.9) * 1e6);
	printf("packet_size %zu bytes\n", rsp_packet_size(c));
	status = 0;
out:
	free(tm);
	free(tg);
	return status;
}

static int bench_read1m(rsp_conn *c, uint64_t addr)
{
	size_t size = 1u << 20;
	double t[READ1M_REPEAT];
	uint8_t *buf = malloc(size);
	int status = 1;

	if (!buf) {
		fprintf(stderr, "rsp_bench: out of memory\n");
		goto out;
	}
	for (int i = 0; i < READ1M_REPEAT; i++) {
		double t0 = now_s();
		int rc = rsp_mem_read(buf, c, addr, size);
		if (rc) {
			fail(c, "m 1 MiB", rc);
			goto out;
		}
		t[i] = now_s() - t0;
	}
	printf("read_1mib_median %.1f ms\n", quantile(t, READ1M_REPEAT, 0.5) * 1e3);
	status = 0;
out:
	free(buf);
	return status;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: rsp_bench hits|hits-step STUB ADDR N KIND [COUNTER]\n"
		"       rsp_bench rtt STUB N ADDR\n"
		"       rsp_bench read1m STUB ADDR\n");
	return 2;
}

int main(int argc, char **argv)
{
	rsp_conn *c = NULL;
	uint64_t addr, counter = 0, kind;
	long n;
	int status;

	if (argc >= 6 && argc <= 7 && (!strcmp(argv[1], "hits") ||
					 !strcmp(argv[1], "hits-step"))) {
		if (parse_u64(&addr, argv[3]) < 0 ||
		    parse_count(&n, argv[4], MAX_HITS) < 0 ||
		    parse_u64(&kind, argv[5]) < 0 || kind < 1 || kind > 8 ||
		    (argc == 7 && parse_u64(&counter, argv[6]) < 0))
			return usage();
		status = open_stub(&c, argv[2]);
		if (!status)
			status = bench_hits(c, addr, n, (int)kind,
					    !strcmp(argv[1], "hits-step"),
					    argc == 7, counter);
	} else if (argc == 5 && !strcmp(argv[1], "rtt")) {
		if (parse_count(&n, argv[3], MAX_RTT) < 0 ||
		    parse_u64(&addr, argv[4]) < 0)
			return usage();
		status = open_stub(&c, argv[2]);
		if (!status)
			status = bench_rtt(c, n, addr);
	} else if (argc == 4 && !strcmp(argv[1], "read1m")) {
		if (parse_u64(&addr, argv[3]) < 0)
			return usage();
		status = open_stub(&c, argv[2]);
		if (!status)
			status = bench_read1m(c, addr);
	} else {
		return usage();
	}
	if (c)
		rsp_kill(c);
	rsp_close(c);
	return status;
}

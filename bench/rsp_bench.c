/*
 * rsp_bench: protocol-level measurements on libgdb-remote, using only the
 * public header. It gives the ceilings the stubrun figures are compared with:
 *
 *   rsp_bench hits ADDR N STUB     stop/continue loop on a breakpoint at ADDR,
 *                                  N hits: the fastest a stop can be serviced
 *   rsp_bench rtt STUB N           round trips of 'g' and of 4 KiB 'm' reads
 *   rsp_bench read1m ADDR STUB     time to read 1 MiB of guest memory at ADDR
 *
 * STUB is an rsp_connect() address ("unix:PATH" or "HOST:PORT"). Each result is
 * printed as one "name value unit" line for bench/run.sh to collect.
 */
#include <rsp.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int bench_hits(rsp_conn *c, uint64_t addr, long n, int kind)
{
	rsp_stop stop;
	int rc = rsp_bp_insert(c, RSP_BP_SW, addr, kind);
	if (rc)
		return fail(c, "Z0", rc);
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		rc = rsp_continue(c);
		if (!rc)
			rc = rsp_wait(&stop, c, 10000);
		if (rc)
			return fail(c, "continue", rc);
		if (stop.kind != RSP_STOP_SIGNAL) {
			fprintf(stderr, "rsp_bench: target ended after %ld hits\n", i);
			return 1;
		}
	}
	double dt = now_s() - t0;
	printf("ceiling_hits_per_s %.0f hits/s\n", (double)n / dt);
	return 0;
}

static int bench_rtt(rsp_conn *c, long n, uint64_t addr)
{
	uint8_t regs[4096];
	uint8_t page[4096];
	size_t len;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		int rc = rsp_regs_read_all(regs, sizeof(regs), &len, c);
		if (rc)
			return fail(c, "g", rc);
	}
	double tg = (now_s() - t0) / (double)n;
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		int rc = rsp_mem_read(page, c, addr, sizeof(page));
		if (rc)
			return fail(c, "m", rc);
	}
	double tm = (now_s() - t0) / (double)n;
	printf("rtt_g %.1f us\n", tg * 1e6);
	printf("rtt_m4k %.1f us\n", tm * 1e6);
	return 0;
}

static int bench_read1m(rsp_conn *c, uint64_t addr)
{
	size_t size = 1u << 20;
	uint8_t *buf = malloc(size);
	if (!buf)
		return 1;
	double t0 = now_s();
	int rc = rsp_mem_read(buf, c, addr, size);
	double dt = now_s() - t0;
	free(buf);
	if (rc)
		return fail(c, "m 1 MiB", rc);
	printf("read_1mib %.1f ms\n", dt * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	rsp_conn *c = NULL;
	int status = 2;

	if (argc >= 5 && !strcmp(argv[1], "hits")) {
		int kind = argc >= 6 ? atoi(argv[5]) : 4;
		status = open_stub(&c, argv[4]);
		if (!status)
			status = bench_hits(c, strtoull(argv[2], NULL, 0),
					    atol(argv[3]), kind);
	} else if (argc >= 5 && !strcmp(argv[1], "rtt")) {
		status = open_stub(&c, argv[2]);
		if (!status)
			status = bench_rtt(c, atol(argv[3]),
					   strtoull(argv[4], NULL, 0));
	} else if (argc >= 4 && !strcmp(argv[1], "read1m")) {
		status = open_stub(&c, argv[3]);
		if (!status)
			status = bench_read1m(c, strtoull(argv[2], NULL, 0));
	} else {
		fprintf(stderr,
			"usage: rsp_bench hits ADDR N STUB [KIND]\n"
			"       rsp_bench rtt STUB N ADDR\n"
			"       rsp_bench read1m ADDR STUB\n");
	}
	if (c)
		rsp_kill(c);
	rsp_close(c);
	return status;
}

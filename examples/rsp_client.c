/*
 * Example of libgdb-remote, using only <rsp.h>: connects to a GDB stub
 * (e.g. QEMU started with -S -gdb unix:/tmp/g.sock,server=on,wait=off),
 * reads the target description, sets a breakpoint, continues until it is
 * hit and prints the registers by name.
 *
 *   stubrun-rsp-example ADDRESS BREAK-ADDR [KIND [TIMEOUT-MS]]
 *   stubrun-rsp-example unix:/tmp/g.sock 0x80000010
 *
 * Exit status: 0 when the breakpoint was hit, 1 on another stop, 2 on an
 * error, 64 on bad usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rsp.h>

static int fail(rsp_conn *c, const char *what, int err)
{
	fprintf(stderr, "rsp-example: %s: %s (%s)\n", what, rsp_strerror(err),
		c ? rsp_errmsg(c) : "");
	rsp_close(c);
	return 2;
}

static void print_console(const char *data, size_t len, void *arg)
{
	(void)arg;
	fwrite(data, 1, len, stdout);
}

/* Prints every register of up to 64 bits, by name. */
static void print_registers(rsp_conn *c)
{
	for (size_t i = 0; i < rsp_reg_count(c); i++) {
		const rsp_reg *r = rsp_reg_at(c, i);
		uint64_t v;
		if (r->bitsize > 64)
			continue;
		if (rsp_reg_get_u64(&v, c, r->name) == 0)
			printf("%-8s 0x%0*" PRIx64 "\n", r->name, (r->bitsize + 3) / 4, v);
	}
}

int main(int argc, char **argv)
{
	rsp_config cfg;
	rsp_conn *c = NULL;
	rsp_stop stop;
	char err[256] = "";
	int rc;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: %s ADDRESS BREAK-ADDR [KIND [TIMEOUT-MS]]\n",
			argv[0]);
		return 64;
	}
	uint64_t bp = strtoull(argv[2], NULL, 0);
	int kind = argc > 3 ? atoi(argv[3]) : 4;
	int timeout = argc > 4 ? atoi(argv[4]) : 10000;

	rsp_config_init(&cfg);
	cfg.console = print_console;
	rc = rsp_connect(&c, argv[1], 5000, &cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "rsp-example: %s\n", err);
		return 2;
	}
	if ((rc = rsp_handshake(c)))
		return fail(c, "handshake", rc);
	printf("target description: %zu registers, PacketSize %zu, %s\n",
	       rsp_reg_count(c), rsp_packet_size(c),
	       rsp_no_ack(c) ? "no-ack" : "acks");
	if ((rc = rsp_bp_insert(c, RSP_BP_SW, bp, kind)))
		return fail(c, "breakpoint", rc);
	if ((rc = rsp_continue(c)))
		return fail(c, "continue", rc);
	if ((rc = rsp_wait(&stop, c, timeout))) {
		if (rc == RSP_ETIMEOUT && rsp_interrupt(c) == 0)
			rsp_wait(&stop, c, 2000);
		return fail(c, "wait", rc);
	}
	int hit = stop.kind == RSP_STOP_SIGNAL;
	printf("stopped: kind %d signal %d\n", (int)stop.kind, stop.signal);
	if (hit)
		print_registers(c);
	if (hit && (rc = rsp_bp_remove(c, RSP_BP_SW, bp, kind)))
		return fail(c, "remove breakpoint", rc);
	rsp_close(c);
	return hit ? 0 : 1;
}

/*
 * Execution control of libgdb-remote: resume (vCont or c/s), the 0x03
 * interrupt, waiting for stop replies with 'O' console output in between,
 * and File-I/O replies (GDB manual, "Stop Reply Packets", "File-I/O
 * Remote Protocol Extension").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* Decodes "O<hex>" console output for the callback, in pieces so that no
 * allocation depends on the stub. 1 when the packet was not 'O' output. */
static int console_output(rsp_conn *c, const char *r, size_t rlen)
{
	char chunk[256];

	if (rlen < 3 || r[0] != 'O' || rlen % 2 == 0)
		return 1;
	for (size_t i = 1; i < rlen; i++)
		if (rsp_hex_digit((unsigned char)r[i]) < 0)
			return 1;
	for (size_t i = 1; i < rlen; i += 2 * sizeof(chunk)) {
		size_t n = rlen - i < 2 * sizeof(chunk) ? rlen - i : 2 * sizeof(chunk);
		rsp_hex_decode(chunk, r + i, n);
		if (c->cfg.console)
			c->cfg.console(chunk, n / 2, c->cfg.console_arg);
	}
	return 0;
}

static int parse_stop(rsp_stop *stop, rsp_conn *c, const char *r, size_t rlen)
{
	int err = rsp_check_reply(c, r, rlen, "stop reply");

	if (err)
		return err;
	if (rsp_stop_parse(stop, r, rlen))
		return rsp_seterr(c, RSP_EPROTO, "bad stop reply '%.60s'", r);
	return 0;
}

/* Console packets rsp_wait() still takes once its deadline has passed.
 * Why 64: more than the small 'O' packets one 4 KiB read can hold, so a
 * burst already read is not left behind where poll() cannot see it. */
#define WAIT_LATE_PACKETS 64

int rsp_wait(rsp_stop *stop, rsp_conn *c, int timeout_ms)
{
	long deadline = rsp_deadline(timeout_ms);
	int late = 0;

	rsp_begin(c);
	for (;;) {
		const char *r;
		size_t rlen;
		int err = rsp_recv(c, &r, &rlen, deadline);
		if (err)
			return err;
		/* "OK" is never a stop reply; output is 'O' + hex (odd). */
		if (console_output(c, r, rlen) == 0) {
			/* A stub that outpaces us keeps the socket full and
			 * the read never waits, so never times out: past the
			 * deadline only a few more packets (what is likely
			 * buffered already) are taken. */
			if (deadline >= 0 && rsp_now_ms() >= deadline &&
			    ++late > WAIT_LATE_PACKETS)
				return rsp_seterr(c, RSP_ETIMEOUT,
						  "timed out waiting for the stub");
			continue;
		}
		return parse_stop(stop, c, r, rlen);
	}
}

static int resume(rsp_conn *c, char action)
{
	char pkt[64];
	int n;

	rsp_begin(c);
	if (!c->vcont)
		n = snprintf(pkt, sizeof(pkt), "%c", action);
	else if (action == 's' && c->cont_tid > 0)
		n = snprintf(pkt, sizeof(pkt), "vCont;s:%" PRIx64, c->cont_tid);
	else
		n = snprintf(pkt, sizeof(pkt), "vCont;%c", action);
	return rsp_send(c, pkt, (size_t)n);
}

int rsp_continue(rsp_conn *c)
{
	return resume(c, 'c');
}

int rsp_step_async(rsp_conn *c)
{
	return resume(c, 's');
}

int rsp_step(rsp_stop *stop, rsp_conn *c)
{
	int err = rsp_step_async(c);

	return err ? err : rsp_wait(stop, c, c->cfg.timeout_ms);
}

int rsp_step_over(rsp_stop *stop, rsp_conn *c, uint64_t addr, int kind)
{
	int err = rsp_bp_remove(c, RSP_BP_SW, addr, kind);

	if (!err)
		err = rsp_step(stop, c);
	if (err)
		return err;
	if (stop->kind == RSP_STOP_EXITED || stop->kind == RSP_STOP_TERMINATED)
		return 0;
	return rsp_bp_insert(c, RSP_BP_SW, addr, kind);
}

int rsp_reverse_step_async(rsp_conn *c)
{
	rsp_begin(c);
	return rsp_send(c, "bs", 2);
}

int rsp_reverse_continue(rsp_conn *c)
{
	rsp_begin(c);
	return rsp_send(c, "bc", 2);
}

int rsp_interrupt(rsp_conn *c)
{
	rsp_begin(c);
	return rsp_send_byte(c, 0x03);
}

int rsp_halt_reason(rsp_stop *stop, rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	rsp_begin(c);
	err = rsp_exchangef(c, &r, &rlen, "?");
	return err ? err : parse_stop(stop, c, r, rlen);
}

int rsp_fileio_reply(rsp_conn *c, int64_t result, int err, int ctrl_c)
{
	char pkt[64];
	int n;

	rsp_begin(c);
	/* Fretcode,errno[,C]: numbers in hex, a negative one with its sign. */
	if (result < 0)
		n = snprintf(pkt, sizeof(pkt), "F-%" PRIx64, (uint64_t)0 - (uint64_t)result);
	else
		n = snprintf(pkt, sizeof(pkt), "F%" PRIx64, (uint64_t)result);
	if (err || ctrl_c)
		n += snprintf(pkt + n, sizeof(pkt) - (size_t)n, ",%x", (unsigned)err);
	if (ctrl_c)
		n += snprintf(pkt + n, sizeof(pkt) - (size_t)n, ",C");
	return rsp_send(c, pkt, (size_t)n);
}

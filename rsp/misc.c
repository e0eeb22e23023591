/*
 * Smaller commands of libgdb-remote: breakpoints (Z/z), monitor commands
 * (qRcmd), threads (qfThreadInfo/qsThreadInfo, Hg/Hc), kill and detach
 * (GDB manual, "Packets" and "General Query Packets").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* Rounds of qsThreadInfo before we call the list endless: more threads
 * than any QEMU machine has CPUs, and each round names at least one. */
#define MAX_THREAD_ROUNDS 4096

/* Grace for a stub to hang up after 'k' (it sends no reply). */
#define KILL_GRACE_MS 1000

static int bp(rsp_conn *c, char op, rsp_bp_type type, uint64_t addr, int kind)
{
	const char *r;
	size_t rlen;
	char what[3] = { op, (char)('0' + type), '\0' };
	int err;

	rsp_begin(c);
	if ((unsigned)type > RSP_WP_ACCESS)
		return rsp_seterr(c, RSP_EPROTO, "bad breakpoint type %d", (int)type);
	err = rsp_exchangef(c, &r, &rlen, "%c%d,%" PRIx64 ",%x", op, (int)type,
			    addr, (unsigned)kind);
	return err ? err : rsp_expect_ok(c, r, rlen, what);
}

int rsp_bp_insert(rsp_conn *c, rsp_bp_type type, uint64_t addr, int kind)
{
	return bp(c, 'Z', type, addr, kind);
}

int rsp_bp_remove(rsp_conn *c, rsp_bp_type type, uint64_t addr, int kind)
{
	return bp(c, 'z', type, addr, kind);
}

/* Appends hex-decoded text to a growing, capped string. */
static int append_hex(char **buf, size_t *len, rsp_conn *c, const char *hex,
		      size_t n)
{
	if (n % 2)
		return rsp_seterr(c, RSP_EPROTO, "qRcmd: odd-length output");
	if (*len + n / 2 > RSP_MAX_XFER)
		return rsp_seterr(c, RSP_EPROTO, "qRcmd: output over %d bytes",
				  RSP_MAX_XFER);
	char *nb = realloc(*buf, *len + n / 2 + 1);
	if (!nb)
		return rsp_seterr(c, RSP_ESYS, "out of memory");
	*buf = nb;
	if (rsp_hex_decode(nb + *len, hex, n))
		return rsp_seterr(c, RSP_EPROTO, "qRcmd: bad hex output");
	*len += n / 2;
	nb[*len] = '\0';
	return 0;
}

int rsp_monitor(char **out, rsp_conn *c, const char *command)
{
	size_t clen = strlen(command), len = 0, rlen;
	char *pkt = NULL, *buf = NULL;
	const char *r;
	int err;

	rsp_begin(c);
	*out = NULL;
	pkt = malloc(7 + 2 * clen + 1);
	buf = calloc(1, 1);
	if (!pkt || !buf) {
		err = rsp_seterr(c, RSP_ESYS, "out of memory");
		goto out;
	}
	memcpy(pkt, "qRcmd,", 6);
	rsp_hex_encode(pkt + 6, command, clen);
	err = rsp_exchange(c, &r, &rlen, pkt, 6 + 2 * clen);
	while (!err) {
		err = rsp_check_reply(c, r, rlen, "qRcmd");
		if (err)
			break;
		if (rlen == 2 && memcmp(r, "OK", 2) == 0)
			break;
		/* 'O' output packets, or a final hex reply (GDB manual). */
		int is_o = r[0] == 'O';
		err = append_hex(&buf, &len, c, r + is_o, rlen - (size_t)is_o);
		if (err || !is_o)
			break;
		err = rsp_recv(c, &r, &rlen, rsp_deadline(c->cfg.timeout_ms));
	}
	if (!err) {
		*out = buf;
		buf = NULL;
	}
out:
	free(pkt);
	free(buf);
	return err;
}

/* One id: "TID" or "pPID.TID" (multiprocess), hex, "-1" for all. */
static int parse_tid(int64_t *tid, const char **end, const char *s)
{
	uint64_t v;

	if (*s == 'p') {
		if (rsp_parse_hex_u64(&v, &s, s + 1) || *s != '.')
			return RSP_EPROTO;
		s++;
	}
	if (s[0] == '-' && s[1] == '1') {
		*tid = -1;
		*end = s + 2;
		return 0;
	}
	if (rsp_parse_hex_u64(&v, end, s) || v > INT64_MAX)
		return RSP_EPROTO;
	*tid = (int64_t)v;
	return 0;
}

/* "m id,id,..." into tids; *count counts every id. */
static int parse_thread_reply(int64_t *tids, size_t cap, size_t *count,
			      rsp_conn *c, const char *r)
{
	const char *p = r + 1;

	for (;;) {
		int64_t tid;
		if (parse_tid(&tid, &p, p))
			return rsp_seterr(c, RSP_EPROTO, "bad thread list '%.40s'", r);
		if (*count < cap)
			tids[*count] = tid;
		(*count)++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return rsp_seterr(c, RSP_EPROTO, "bad thread list '%.40s'", r);
	}
}

int rsp_thread_list(int64_t *tids, size_t cap, size_t *count, rsp_conn *c)
{
	const char *q = "qfThreadInfo";

	rsp_begin(c);
	*count = 0;
	for (int round = 0; round < MAX_THREAD_ROUNDS; round++) {
		const char *r;
		size_t rlen;
		int err = rsp_exchangef(c, &r, &rlen, "%s", q);
		if (!err)
			err = rsp_check_reply(c, r, rlen, q);
		if (err)
			return err;
		if (r[0] == 'l')
			return 0;
		if (r[0] != 'm' || rlen < 2)
			return rsp_seterr(c, RSP_EPROTO, "bad thread list '%.40s'", r);
		err = parse_thread_reply(tids, cap, count, c, r);
		if (err)
			return err;
		q = "qsThreadInfo";
	}
	return rsp_seterr(c, RSP_EPROTO, "endless thread list");
}

int rsp_thread_select(rsp_conn *c, char op, int64_t tid)
{
	const char *r;
	size_t rlen;
	char what[3] = { 'H', op, '\0' };
	int err;

	rsp_begin(c);
	if (op != 'g' && op != 'c')
		return rsp_seterr(c, RSP_EPROTO, "bad thread operation '%c'", op);
	if (tid < 0)
		err = rsp_exchangef(c, &r, &rlen, "H%c-1", op);
	else
		err = rsp_exchangef(c, &r, &rlen, "H%c%" PRIx64, op, (uint64_t)tid);
	if (!err)
		err = rsp_expect_ok(c, r, rlen, what);
	if (!err && op == 'c')
		c->cont_tid = tid;
	if (err == RSP_EREMOTE)
		err = rsp_seterr(c, RSP_ENOTFOUND, "no thread %" PRId64, tid);
	return err;
}

int rsp_kill(rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	rsp_begin(c);
	err = rsp_send(c, "k", 1);
	if (err == RSP_ECLOSED)
		return 0;
	if (err)
		return err;
	/* 'k' has no reply; QEMU and gdbserver hang up. A reply (extended
	 * mode stubs send "X09" or "OK") or silence is also success. */
	err = rsp_recv(c, &r, &rlen, rsp_now_ms() + KILL_GRACE_MS);
	if (err == RSP_ECLOSED || err == RSP_ETIMEOUT || err == 0) {
		c->errmsg[0] = '\0';
		return 0;
	}
	return err;
}

int rsp_detach(rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	rsp_begin(c);
	err = rsp_exchangef(c, &r, &rlen, "D");
	return err ? err : rsp_expect_ok(c, r, rlen, "D");
}

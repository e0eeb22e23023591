/*
 * Stop replies: decodes S, T, W, X and F packets (GDB manual, "Stop Reply
 * Packets" and "The F Request Packet") into an rsp_stop. Pure: no I/O, no
 * allocation; every byte is treated as hostile and nothing past `len` is read.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "rsp_int.h"

/* A bounded view of the packet being decoded. */
typedef struct span {
	const char *p;
	const char *end;
} span;

/* 16 significant hex digits fill a uint64_t; leading zeros are free. */
#define HEX_MAX_DIGITS 16


/* Consumes one or more hex digits from s into *v. */
static int take_hex(uint64_t *v, span *s)
{
	uint64_t x = 0;
	int sig = 0, n = 0, d;

	while (s->p < s->end && (d = rsp_hex_digit((unsigned char)*s->p)) >= 0) {
		if (x || d)
			sig++;
		if (sig > HEX_MAX_DIGITS)
			return RSP_EPROTO;
		x = x << 4 | (uint64_t)d;
		s->p++;
		n++;
	}
	if (n == 0)
		return RSP_EPROTO;
	*v = x;
	return 0;
}

/* The whole span must be one hex number. */
static int whole_hex(uint64_t *v, span s)
{
	if (take_hex(v, &s) || s.p != s.end)
		return RSP_EPROTO;
	return 0;
}

/* Exactly two hex digits: the signal of S and T. */
static int take_hex2(int *v, span *s)
{
	if (s->end - s->p < 2 || rsp_hex_digit((unsigned char)s->p[0]) < 0 || rsp_hex_digit((unsigned char)s->p[1]) < 0)
		return RSP_EPROTO;
	*v = rsp_hex_digit((unsigned char)s->p[0]) << 4 | rsp_hex_digit((unsigned char)s->p[1]);
	s->p += 2;
	return 0;
}

static int span_is(span s, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(s.end - s.p) == n && !memcmp(s.p, word, n);
}

/* One part of a thread-id: hex, or "-1" for all threads. */
static int thread_part(int64_t *v, span s)
{
	uint64_t x;

	if (span_is(s, "-1")) {
		*v = -1;
		return 0;
	}
	if (whole_hex(&x, s) || x > INT64_MAX)
		return RSP_EPROTO;
	*v = (int64_t)x;
	return 0;
}

/* "pPID.TID", "pPID" (all its threads) or "TID". */
static int parse_thread(rsp_stop *out, span v)
{
	const char *dot;

	out->has_thread = 1;
	if (v.p == v.end || *v.p != 'p')
		return thread_part(&out->tid, v);
	v.p++;
	dot = memchr(v.p, '.', (size_t)(v.end - v.p));
	if (!dot) {
		out->tid = -1;
		return thread_part(&out->pid, v);
	}
	if (thread_part(&out->pid, (span){ v.p, dot }) ||
	    thread_part(&out->tid, (span){ dot + 1, v.end }))
		return RSP_EPROTO;
	return 0;
}

static int parse_core(rsp_stop *out, span v)
{
	uint64_t x;

	if (whole_hex(&x, v) || x > INT32_MAX)
		return RSP_EPROTO;
	out->has_core = 1;
	out->core = (int)x;
	return 0;
}

static int parse_watch(rsp_stop *out, span v, rsp_stop_reason why)
{
	if (whole_hex(&out->watch_addr, v))
		return RSP_EPROTO;
	out->reason = why;
	return 0;
}

/* "n:r" with n a hex register number and r its bytes in target order. */
static int parse_reg(rsp_stop *out, span k, span v)
{
	size_t digits = (size_t)(v.end - v.p);
	uint64_t regnum;
	rsp_stop_reg *r;

	if (whole_hex(&regnum, k) || regnum > INT32_MAX || digits == 0 ||
	    digits % 2 || digits / 2 > RSP_STOP_REG_BYTES)
		return RSP_EPROTO;
	for (const char *c = v.p; c < v.end; c++)
		if (rsp_hex_digit((unsigned char)*c) < 0)
			return RSP_EPROTO;
	if (out->nregs == RSP_STOP_MAX_REGS)
		return 0; /* checked, then dropped: see RSP_STOP_MAX_REGS */
	r = &out->regs[out->nregs++];
	r->regnum = (int)regnum;
	r->len = digits / 2;
	for (size_t i = 0; i < r->len; i++)
		r->value[i] = (uint8_t)(rsp_hex_digit((unsigned char)v.p[2 * i]) << 4 |
					rsp_hex_digit((unsigned char)v.p[2 * i + 1]));
	return 0;
}

/* Stop reasons GDB knows but stubrun does not decode further. */
static const char *const other_reasons[] = {
	"library", "fork", "vfork", "vforkdone", "exec", "clone", "create",
	"syscall_entry", "syscall_return",
};

static int all_hex(span s)
{
	if (s.p == s.end)
		return 0;
	for (const char *c = s.p; c < s.end; c++)
		if (rsp_hex_digit((unsigned char)*c) < 0)
			return 0;
	return 1;
}

static int parse_pair(rsp_stop *out, span k, span v)
{
	if (span_is(k, "thread"))
		return parse_thread(out, v);
	if (span_is(k, "core"))
		return parse_core(out, v);
	if (span_is(k, "watch"))
		return parse_watch(out, v, RSP_REASON_WATCH);
	if (span_is(k, "rwatch"))
		return parse_watch(out, v, RSP_REASON_RWATCH);
	if (span_is(k, "awatch"))
		return parse_watch(out, v, RSP_REASON_AWATCH);
	if (span_is(k, "swbreak")) {
		out->reason = RSP_REASON_SWBREAK;
		return 0;
	}
	if (span_is(k, "hwbreak")) {
		out->reason = RSP_REASON_HWBREAK;
		return 0;
	}
	if (span_is(k, "replaylog")) {
		out->reason = span_is(v, "begin") ? RSP_REASON_REPLAY_BEGIN :
			      span_is(v, "end") ? RSP_REASON_REPLAY_END :
			      RSP_REASON_OTHER;
		return 0;
	}
	for (size_t i = 0; i < sizeof(other_reasons) / sizeof(*other_reasons); i++) {
		if (span_is(k, other_reasons[i])) {
			out->reason = RSP_REASON_OTHER;
			return 0;
		}
	}
	if (all_hex(k))
		return parse_reg(out, k, v);
	/* The manual: an unknown n must be ignored, for future extensions. */
	return k.p == k.end ? RSP_EPROTO : 0;
}

/* "TAA" then "n:r;" pairs; the last ';' may be missing. */
static int parse_t(rsp_stop *out, span s)
{
	if (take_hex2(&out->signal, &s))
		return RSP_EPROTO;
	while (s.p < s.end) {
		const char *semi = memchr(s.p, ';', (size_t)(s.end - s.p));
		const char *stop = semi ? semi : s.end;
		const char *colon = memchr(s.p, ':', (size_t)(stop - s.p));

		if (!colon)
			return RSP_EPROTO;
		if (parse_pair(out, (span){ s.p, colon }, (span){ colon + 1, stop }))
			return RSP_EPROTO;
		s.p = semi ? semi + 1 : s.end;
	}
	return 0;
}

/* "WAA" / "XAA", optionally ";process:PID". */
static int parse_exit(int *value, rsp_stop *out, span s)
{
	static const char proc[] = ";process:";
	uint64_t x;

	if (take_hex(&x, &s) || x > UINT32_MAX)
		return RSP_EPROTO;
	*value = (int)(uint32_t)x;
	if (s.p == s.end)
		return 0;
	if ((size_t)(s.end - s.p) < sizeof(proc) - 1 ||
	    memcmp(s.p, proc, sizeof(proc) - 1))
		return RSP_EPROTO;
	s.p += sizeof(proc) - 1;
	return thread_part(&out->pid, s);
}

/* One File-I/O argument: hex, possibly negative (lseek offsets). */
static int fileio_number(rsp_stop *out, span s)
{
	int neg = 0;
	uint64_t x;

	if (out->fileio_argc == RSP_FILEIO_MAX_ARGS)
		return RSP_EPROTO;
	if (s.p < s.end && *s.p == '-') {
		neg = 1;
		s.p++;
	}
	if (whole_hex(&x, s))
		return RSP_EPROTO;
	out->fileio_args[out->fileio_argc++] = neg ? (uint64_t)0 - x : x;
	return 0;
}

/* "Fname,a1,a2/len,...": a PTR/LEN pair gives two arguments. */
static int parse_f(rsp_stop *out, span s)
{
	size_t n = 0;

	while (s.p + n < s.end && s.p[n] != ',') {
		if (!isalpha((unsigned char)s.p[n]) && s.p[n] != '_')
			return RSP_EPROTO;
		n++;
	}
	if (n == 0 || n >= sizeof(out->fileio_call))
		return RSP_EPROTO;
	memcpy(out->fileio_call, s.p, n);
	out->fileio_call[n] = '\0';
	s.p += n;
	while (s.p < s.end) {
		const char *arg = ++s.p; /* past the ',' */
		const char *comma = memchr(arg, ',', (size_t)(s.end - arg));
		const char *stop = comma ? comma : s.end;
		const char *slash = memchr(arg, '/', (size_t)(stop - arg));

		if (slash) {
			if (fileio_number(out, (span){ arg, slash }) ||
			    fileio_number(out, (span){ slash + 1, stop }))
				return RSP_EPROTO;
		} else if (fileio_number(out, (span){ arg, stop })) {
			return RSP_EPROTO;
		}
		s.p = stop;
	}
	return 0;
}

static void stop_reset(rsp_stop *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = RSP_STOP_NONE;
	out->pid = -1;
	out->tid = -1;
}

int rsp_stop_parse(rsp_stop *out, const char *pkt, size_t len)
{
	span s = { pkt, pkt + len };
	int rc = RSP_EPROTO;

	stop_reset(out);
	if (!pkt || len == 0)
		return RSP_EPROTO;
	s.p++;
	switch (pkt[0]) {
	case 'S':
		out->kind = RSP_STOP_SIGNAL;
		rc = (take_hex2(&out->signal, &s) || s.p != s.end) ? RSP_EPROTO : 0;
		break;
	case 'T':
		out->kind = RSP_STOP_SIGNAL;
		rc = parse_t(out, s);
		break;
	case 'W':
		out->kind = RSP_STOP_EXITED;
		rc = parse_exit(&out->exit_status, out, s);
		break;
	case 'X':
		out->kind = RSP_STOP_TERMINATED;
		rc = parse_exit(&out->signal, out, s);
		break;
	case 'F':
		out->kind = RSP_STOP_FILEIO;
		rc = parse_f(out, s);
		break;
	default:
		break;
	}
	if (rc)
		stop_reset(out);
	return rc;
}

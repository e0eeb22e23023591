/*
 * Packet framing of the GDB Remote Serial Protocol (GDB manual, "Remote
 * Protocol" appendix, sections "Overview" and "Binary Data"): the receive
 * state machine ($data#cc, '}' escapes, '*' run-length encoding, '+'/'-'
 * acks, '%' notifications), the frame encoder and hex helpers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* ---- hex --------------------------------------------------------------- */

int rsp_hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

void rsp_hex_encode(char *out, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *d = data;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

int rsp_hex_decode(void *out, const char *hex, size_t n)
{
	uint8_t *o = out;

	if (n % 2)
		return RSP_EPROTO;
	for (size_t i = 0; i < n; i += 2) {
		int hi = rsp_hex_digit((unsigned char)hex[i]);
		int lo = rsp_hex_digit((unsigned char)hex[i + 1]);
		if (hi < 0 || lo < 0)
			return RSP_EPROTO;
		o[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rsp_parse_hex_u64(uint64_t *out, const char **end, const char *s)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; rsp_hex_digit((unsigned char)s[n]) >= 0; n++) {
		if (n == 16)
			return RSP_EPROTO;
		v = v << 4 | (uint64_t)rsp_hex_digit((unsigned char)s[n]);
	}
	if (n == 0)
		return RSP_EPROTO;
	*out = v;
	if (end)
		*end = s + n;
	return 0;
}

/* ---- receive state machine --------------------------------------------- */

int rsp_framer_init(rsp_framer *f, size_t cap)
{
	memset(f, 0, sizeof(*f));
	f->cap = cap;
	f->raw_cap = 2 * cap + 8;
	f->buf = malloc(cap + 1);
	f->raw = malloc(f->raw_cap);
	if (!f->buf || !f->raw) {
		rsp_framer_fini(f);
		return RSP_ESYS;
	}
	rsp_framer_reset(f);
	return 0;
}

void rsp_framer_fini(rsp_framer *f)
{
	free(f->buf);
	free(f->raw);
	f->buf = f->raw = NULL;
}

void rsp_framer_reset(rsp_framer *f)
{
	f->state = RSP_FR_IDLE;
	f->len = f->raw_len = 0;
	f->buf[0] = '\0';
}

static void start_frame(rsp_framer *f, char ch)
{
	f->state = RSP_FR_DATA;
	f->notify = ch == '%';
	f->overflow = 0;
	f->bad_rle = 0;
	f->bad_digit = 0;
	f->sum = 0;
	f->last_raw = -1;
	f->len = 0;
	f->raw_len = 0;
}

static void put_raw(rsp_framer *f, char ch)
{
	if (f->raw_len < f->raw_cap)
		f->raw[f->raw_len++] = ch;
}

static void put_byte(rsp_framer *f, char ch)
{
	if (f->len < f->cap)
		f->buf[f->len++] = ch;
	else
		f->overflow = 1;
}

/* '*' repeats the previous raw character. A repeated '}' (or a frame
 * character) would change how the expansion is unescaped, and no encoder
 * produces one, so such runs are rejected. The count is n + 29 for n
 * repeats, printable and at most '~' (GDB manual, "Overview"). */
static void expand_run(rsp_framer *f, unsigned char count)
{
	int r = f->last_raw;

	if (r < 0 || r == '}' || r == '$' || r == '#' || r == '*' ||
	    count < 29 + 1 || count > 126) {
		f->bad_rle = 1;
		return;
	}
	for (int i = 0; i < count - 29; i++)
		put_byte(f, (char)r);
}

static rsp_fr_event finish_frame(rsp_framer *f)
{
	f->state = RSP_FR_IDLE;
	f->buf[f->len] = '\0';
	if (f->bad_digit || f->sum != f->want)
		return RSP_FR_BADSUM;
	if (f->overflow)
		return RSP_FR_TOOBIG;
	if (f->bad_rle)
		return RSP_FR_BADRLE;
	return f->notify ? RSP_FR_NOTIFY : RSP_FR_PACKET;
}

/* One byte inside a frame; returns an event when the frame ends. */
/* A byte of a frame's data: the end, a restart, an escape, a run, or data. */
static void data_byte(rsp_framer *f, char ch)
{
	if (ch == '#') {
		f->state = RSP_FR_CHECKSUM1;
		return;
	}
	if (ch == '$') {
		/* A new start inside a frame ('$' is always escaped in data):
		 * the old one was cut short (stub restarted); resynchronise
		 * on this one. */
		start_frame(f, ch);
		put_raw(f, ch);
		return;
	}
	f->sum += (uint8_t)ch;
	if (ch == '}') {
		f->state = RSP_FR_ESCAPE;
	} else if (ch == '*') {
		f->state = RSP_FR_RLE;
	} else {
		put_byte(f, ch);
		f->last_raw = (unsigned char)ch;
	}
}

static rsp_fr_event frame_byte(rsp_framer *f, char ch)
{
	int d;

	put_raw(f, ch);
	switch (f->state) {
	case RSP_FR_DATA:
		data_byte(f, ch);
		break;
	case RSP_FR_ESCAPE:
		f->sum += (uint8_t)ch;
		put_byte(f, (char)(ch ^ 0x20));
		/* A run after an escape repeats the raw character: gdbserver
		 * run-length encodes the already escaped text. */
		f->last_raw = (unsigned char)ch;
		f->state = RSP_FR_DATA;
		break;
	case RSP_FR_RLE:
		if (ch == '#') {
			f->bad_rle = 1;
			f->state = RSP_FR_CHECKSUM1;
			break;
		}
		f->sum += (uint8_t)ch;
		expand_run(f, (unsigned char)ch);
		f->state = RSP_FR_DATA;
		break;
	case RSP_FR_CHECKSUM1:
		d = rsp_hex_digit((unsigned char)ch);
		f->bad_digit = d < 0;
		f->want = (uint8_t)((d < 0 ? 0 : d) << 4);
		f->state = RSP_FR_CHECKSUM2;
		break;
	case RSP_FR_CHECKSUM2:
		d = rsp_hex_digit((unsigned char)ch);
		f->bad_digit |= d < 0;
		f->want |= (uint8_t)(d < 0 ? 0 : d);
		return finish_frame(f);
	case RSP_FR_IDLE:
		break;
	}
	return RSP_FR_NEED_MORE;
}

rsp_fr_event rsp_framer_feed(rsp_framer *f, size_t *used, const char *data,
			     size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		rsp_fr_event ev = RSP_FR_NEED_MORE;

		if (f->state == RSP_FR_IDLE) {
			if (ch == '+')
				ev = RSP_FR_ACK;
			else if (ch == '-')
				ev = RSP_FR_NAK;
			else if (ch == '\x03')
				ev = RSP_FR_INTERRUPT;
			else if (ch == '$' || ch == '%') {
				start_frame(f, ch);
				put_raw(f, ch);
			}
			/* Anything else between frames is line noise. */
		} else {
			ev = frame_byte(f, ch);
		}
		if (ev != RSP_FR_NEED_MORE) {
			*used = i + 1;
			return ev;
		}
	}
	*used = len;
	return RSP_FR_NEED_MORE;
}

/* ---- encoder ----------------------------------------------------------- */

typedef struct enc {
	char *out;
	size_t cap, len;
	uint8_t sum;
	int full;
} enc;

static void emit(enc *e, char ch, int summed)
{
	if (e->len + 1 >= e->cap) {
		e->full = 1;
		return;
	}
	e->out[e->len++] = ch;
	if (summed)
		e->sum += (uint8_t)ch;
}

/* Repeats of d[i] that follow it (at most 97: the count n + 29 <= '~'). */
static size_t run_length(const uint8_t *d, size_t i, size_t n)
{
	size_t r = 0;

	while (i + 1 + r < n && d[i + 1 + r] == d[i] && r < 126 - 29)
		r++;
	return r;
}

int rsp_frame_encode(char *out, size_t cap, size_t *len, const void *data,
		     size_t n, int rle)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *d = data;
	enc e = { out, cap, 0, 0, 0 };

	emit(&e, '$', 0);
	for (size_t i = 0; i < n;) {
		if (strchr("$#}*", d[i]) && d[i] != '\0') {
			emit(&e, '}', 1);
			emit(&e, (char)(d[i] ^ 0x20), 1);
			i++;
			continue;
		}
		emit(&e, (char)d[i], 1);
		size_t reps = rle ? run_length(d, i, n) : 0;
		/* A count of 6 or 7 would be '#' or '$': shorten the run. */
		while (reps + 29 == '#' || reps + 29 == '$')
			reps--;
		if (reps >= 3) {
			emit(&e, '*', 1);
			emit(&e, (char)(reps + 29), 1);
			i += 1 + reps;
		} else {
			i++;
		}
	}
	emit(&e, '#', 0);
	emit(&e, digits[e.sum >> 4], 0);
	emit(&e, digits[e.sum & 15], 0);
	if (e.cap)
		out[e.len] = '\0';
	*len = e.len;
	return e.full ? RSP_EPROTO : 0;
}

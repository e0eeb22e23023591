/* Tests of rsp/packet.c: the framing state machine, the encoder, hex. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "rsp_int.h"

/* Replaces each "#ss" in `in` by '#' and the checksum of the data since
 * the frame's last '$' or '%', so that tables need no hand-computed sums. */
static size_t with_sums(char *out, const char *in, size_t n)
{
	size_t o = 0, start = 0;
	int in_frame = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == '$' || (in[i] == '%' && !in_frame)) {
			start = o + 1;
			in_frame = 1;
		}
		if (in[i] == '#' && i + 2 < n && in[i + 1] == 's' && in[i + 2] == 's') {
			unsigned sum = 0;
			for (size_t k = start; k < o; k++)
				sum += (unsigned char)out[k];
			o += (size_t)sprintf(out + o, "#%02x", sum & 0xff);
			i += 2;
			in_frame = 0;
			continue;
		}
		out[o++] = in[i];
	}
	out[o] = '\0';
	return o;
}

typedef struct decode_case {
	const char *name;
	const char *raw;        /* with "#ss" for a correct checksum */
	rsp_fr_event event;
	const char *data;       /* expected decoded data (PACKET/NOTIFY) */
	size_t data_len;        /* 0: strlen(data) */
} decode_case;

static const decode_case decode_cases[] = {
	{ "plain", "$OK#9a", RSP_FR_PACKET, "OK", 0 },
	{ "computed sum", "$T05thread:01;#ss", RSP_FR_PACKET, "T05thread:01;", 0 },
	{ "empty packet", "$#00", RSP_FR_PACKET, "", 0 },
	{ "uppercase sum", "$m#6D", RSP_FR_PACKET, "m", 0 },
	{ "ack", "+", RSP_FR_ACK, NULL, 0 },
	{ "nak", "-", RSP_FR_NAK, NULL, 0 },
	{ "bad checksum", "$OK#00", RSP_FR_BADSUM, NULL, 0 },
	{ "non-hex checksum", "$OK#zz", RSP_FR_BADSUM, NULL, 0 },
	{ "noise before", "\x01xyz\r\n$OK#9a", RSP_FR_PACKET, "OK", 0 },
	{ "interrupt between packets", "\x03", RSP_FR_INTERRUPT, NULL, 0 },
	{ "interrupt byte inside packet", "$a\x03b#ss", RSP_FR_PACKET, "a\x03b", 0 },
	{ "escaped close brace", "$a}]b#ss", RSP_FR_PACKET, "a}b", 0 },
	{ "escaped hash dollar star", "$}\x03}\x04}\x0a#ss", RSP_FR_PACKET, "#$*", 0 },
	{ "escaped nul", "$}\x20z#ss", RSP_FR_PACKET, "\0z", 2 },
	{ "rle shortest", "$0* #ss", RSP_FR_PACKET, "0000", 0 },
	{ "rle longest", "$x*~#ss", RSP_FR_PACKET,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0 },
	{ "rle twice", "$ab*\"c*!#ss", RSP_FR_PACKET, "abbbbbbccccc", 0 },
	{ "rle of escaped char repeats it raw", "$}]*!#ss", RSP_FR_PACKET, "}]]]]", 0 },
	{ "rle count 1", "$a*\x1e#ss", RSP_FR_PACKET, "aa", 0 },
	{ "rle without previous char", "$*!#ss", RSP_FR_BADRLE, NULL, 0 },
	{ "rle count over tilde", "$a*\x7f#ss", RSP_FR_BADRLE, NULL, 0 },
	{ "rle count missing", "$a*#ss", RSP_FR_BADRLE, NULL, 0 },
	{ "rle of brace", "$}}*!#ss", RSP_FR_BADRLE, NULL, 0 },
	{ "notification", "%Stop:T05#ss", RSP_FR_NOTIFY, "Stop:T05", 0 },
	{ "restart inside packet", "$abc$OK#ss", RSP_FR_PACKET, "OK", 0 },
	{ "percent inside packet", "$a%b#ss", RSP_FR_PACKET, "a%b", 0 },
	{ "plus minus inside packet", "$+-#ss", RSP_FR_PACKET, "+-", 0 },
};

/* Criterion re-executes the binary per test, so parameters must not hold
 * pointers: the tables are passed by index. */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
static size_t indexes[64];

static struct criterion_test_params index_params(size_t n)
{
	for (size_t i = 0; i < n && i < NELEM(indexes); i++)
		indexes[i] = i;
	return cr_make_param_array(size_t, indexes, n);
}

ParameterizedTestParameters(packet, decode)
{
	return index_params(NELEM(decode_cases));
}

ParameterizedTest(const size_t *idx, packet, decode)
{
	const decode_case *tc = &decode_cases[*idx];
	char raw[512];
	size_t n = with_sums(raw, tc->raw, strlen(tc->raw)), used = 0;
	rsp_framer f;

	cr_assert_eq(rsp_framer_init(&f, 1024), 0);
	rsp_fr_event ev = rsp_framer_feed(&f, &used, raw, n);
	cr_expect_eq(ev, tc->event, "%s: event %d, want %d", tc->name, ev, tc->event);
	cr_expect_eq(used, n, "%s: used %zu of %zu", tc->name, used, n);
	if (tc->data) {
		size_t dl = tc->data_len ? tc->data_len : strlen(tc->data);
		cr_expect_eq(f.len, dl, "%s: len %zu, want %zu", tc->name, f.len, dl);
		cr_expect(memcmp(f.buf, tc->data, dl) == 0, "%s: data '%s'", tc->name, f.buf);
		cr_expect_eq(f.buf[f.len], '\0');
	}
	rsp_framer_fini(&f);
}

Test(packet, split_byte_by_byte)
{
	const char *raw = "$m1000,4#ss";
	char buf[64];
	size_t n = with_sums(buf, raw, strlen(raw)), used;
	rsp_framer f;

	cr_assert_eq(rsp_framer_init(&f, 64), 0);
	for (size_t i = 0; i + 1 < n; i++) {
		cr_assert_eq(rsp_framer_feed(&f, &used, buf + i, 1), RSP_FR_NEED_MORE,
			     "byte %zu", i);
		cr_assert_eq(used, 1);
	}
	cr_assert_eq(rsp_framer_feed(&f, &used, buf + n - 1, 1), RSP_FR_PACKET);
	cr_assert_str_eq(f.buf, "m1000,4");
	rsp_framer_fini(&f);
}

Test(packet, back_to_back)
{
	char buf[128];
	size_t n = with_sums(buf, "+$OK#ss$E01#ss-", 15), pos = 0, used;
	static const rsp_fr_event want[] = { RSP_FR_ACK, RSP_FR_PACKET,
					     RSP_FR_PACKET, RSP_FR_NAK };
	static const char *const data[] = { NULL, "OK", "E01", NULL };
	rsp_framer f;

	cr_assert_eq(rsp_framer_init(&f, 64), 0);
	for (size_t k = 0; k < 4; k++) {
		rsp_fr_event ev = rsp_framer_feed(&f, &used, buf + pos, n - pos);
		cr_assert_eq(ev, want[k], "event %zu: %d", k, ev);
		if (data[k])
			cr_assert_str_eq(f.buf, data[k]);
		pos += used;
	}
	cr_assert_eq(pos, n);
	cr_assert_eq(rsp_framer_feed(&f, &used, buf + pos, 0), RSP_FR_NEED_MORE);
	rsp_framer_fini(&f);
}

/* Binary replies carry raw NUL bytes, and gdbserver run-length encodes
 * them like any other byte. */
Test(packet, rle_of_nul_bytes)
{
	char raw[16] = "$\0*!#";
	unsigned sum = (unsigned char)'*' + (unsigned char)'!';
	size_t used;
	rsp_framer f;

	snprintf(raw + 5, sizeof(raw) - 5, "%02x", sum & 0xff);
	cr_assert_eq(rsp_framer_init(&f, 64), 0);
	cr_assert_eq(rsp_framer_feed(&f, &used, raw, 7), RSP_FR_PACKET);
	cr_assert_eq(f.len, 5);
	cr_assert(memcmp(f.buf, "\0\0\0\0\0", 5) == 0);
	rsp_framer_fini(&f);
}

Test(packet, oversized_rejected_then_recovers)
{
	char buf[128];
	size_t n = with_sums(buf, "$0123456789#ss$ok#ss", 20), used;
	rsp_framer f;

	cr_assert_eq(rsp_framer_init(&f, 8), 0);
	cr_assert_eq(rsp_framer_feed(&f, &used, buf, n), RSP_FR_TOOBIG);
	cr_assert_leq(f.len, 8);
	cr_assert_eq(rsp_framer_feed(&f, &used, buf + used, n - used), RSP_FR_PACKET);
	cr_assert_str_eq(f.buf, "ok");
	rsp_framer_fini(&f);
}

Test(packet, oversized_by_rle)
{
	char buf[64];
	size_t n = with_sums(buf, "$a*~#ss", 7), used;
	rsp_framer f;

	cr_assert_eq(rsp_framer_init(&f, 16), 0);
	cr_assert_eq(rsp_framer_feed(&f, &used, buf, n), RSP_FR_TOOBIG);
	rsp_framer_fini(&f);
}

Test(packet, encode_escapes_and_checksum)
{
	char out[64];
	size_t len;

	cr_assert_eq(rsp_frame_encode(out, sizeof(out), &len, "a$b#c}d*e", 9, 0), 0);
	cr_assert_eq(len, 4 + 13);
	cr_assert(memcmp(out, "$a}\x04" "b}\x03" "c}]d}\x0a" "e#", 15) == 0, "%s", out);
	unsigned sum = 0;
	for (size_t i = 1; i < len - 3; i++)
		sum += (unsigned char)out[i];
	char want[3];
	snprintf(want, sizeof(want), "%02x", sum & 0xff);
	cr_assert(memcmp(out + len - 2, want, 2) == 0);
	cr_assert_eq(rsp_frame_encode(out, sizeof(out), &len, "OK", 2, 0), 0);
	cr_assert_str_eq(out, "$OK#9a");
}

Test(packet, encode_overflow)
{
	char out[8];
	size_t len;

	cr_assert_eq(rsp_frame_encode(out, sizeof(out), &len, "0123456789", 10, 0),
		     RSP_EPROTO);
}

/* Run lengths around every special count: 6 and 7 repeats would be '#'
 * and '$'; 14 and 16 give '+' and '-' (allowed); 97 is the maximum. */
static const size_t run_lengths[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 17,
				      50, 97, 98, 99, 100, 200, 500 };

ParameterizedTestParameters(packet, rle_roundtrip)
{
	return cr_make_param_array(size_t, (void *)run_lengths,
				   sizeof(run_lengths) / sizeof(run_lengths[0]));
}

ParameterizedTest(const size_t *run, packet, rle_roundtrip)
{
	char data[600], out[1300];
	size_t len, used, n = *run + 2;
	rsp_framer f;

	data[0] = 'a';
	memset(data + 1, '0', *run);
	data[n - 1] = '}';  /* escaped, never part of a run */
	cr_assert_eq(rsp_frame_encode(out, sizeof(out), &len, data, n, 1), 0);
	for (size_t i = 1; i < len - 3; i++)
		cr_assert(out[i] != '$' && out[i] != '#', "run %zu: frame char at %zu: %s",
			  *run, i, out);
	if (*run >= 10)
		cr_assert_lt(len, n, "run %zu not compressed: %s", *run, out);
	cr_assert_eq(rsp_framer_init(&f, sizeof(data)), 0);
	cr_assert_eq(rsp_framer_feed(&f, &used, out, len), RSP_FR_PACKET, "%s", out);
	cr_assert_eq(f.len, n);
	cr_assert(memcmp(f.buf, data, n) == 0);
	rsp_framer_fini(&f);
}

Test(packet, binary_roundtrip_all_bytes)
{
	char data[256], out[600];
	size_t len, used;
	rsp_framer f;

	for (int i = 0; i < 256; i++)
		data[i] = (char)i;
	cr_assert_eq(rsp_frame_encode(out, sizeof(out), &len, data, 256, 1), 0);
	cr_assert_eq(rsp_framer_init(&f, 256), 0);
	cr_assert_eq(rsp_framer_feed(&f, &used, out, len), RSP_FR_PACKET);
	cr_assert_eq(f.len, 256);
	cr_assert(memcmp(f.buf, data, 256) == 0);
	rsp_framer_fini(&f);
}

typedef struct hex_case {
	const char *hex;
	int ok;
	const char *bytes;
} hex_case;

static const hex_case hex_cases[] = {
	{ "", 1, "" },
	{ "00ff7F", 1, "\x00\xff\x7f" },
	{ "abc", 0, NULL },
	{ "0g", 0, NULL },
	{ "xx", 0, NULL },
};

ParameterizedTestParameters(packet, hex_decode)
{
	return index_params(NELEM(hex_cases));
}

ParameterizedTest(const size_t *idx, packet, hex_decode)
{
	const hex_case *tc = &hex_cases[*idx];
	uint8_t out[8];
	size_t n = strlen(tc->hex);
	int err = rsp_hex_decode(out, tc->hex, n);

	cr_assert_eq(err == 0, tc->ok, "%s", tc->hex);
	if (tc->ok)
		cr_assert(memcmp(out, tc->bytes, n / 2) == 0);
}

Test(packet, parse_hex_u64)
{
	uint64_t v;
	const char *end;

	cr_assert_eq(rsp_parse_hex_u64(&v, &end, "ffffffffffffffff,"), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(*end, ',');
	cr_assert_eq(rsp_parse_hex_u64(&v, &end, "1ffffffffffffffff"), RSP_EPROTO);
	cr_assert_eq(rsp_parse_hex_u64(&v, &end, ",1"), RSP_EPROTO);
}

/* libFuzzer harness for the packet framer (rsp/packet.c, rsp_int.h):
 * 1. the input as a byte stream, fed in chunks whose sizes the input picks,
 *    into a small-cap framer: events must be sane, nothing read or written
 *    out of bounds;
 * 2. the input as packet data: rsp_frame_encode() then rsp_framer_feed()
 *    must give back exactly the same bytes (with and without RLE), and
 *    encoding into a too-small buffer must fail without overflowing it;
 * 3. the input as hex text: rsp_hex_decode(), rsp_parse_hex_u64() and an
 *    rsp_hex_encode() round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that the over-the-cap path is reached by short inputs. */
#define FUZZ_CAP 64

static void stream(const uint8_t *data, size_t size)
{
	rsp_framer f;
	size_t pos = 1, chunk = size ? (size_t)(data[0] % 7) + 1 : 1;

	if (rsp_framer_init(&f, FUZZ_CAP))
		return;
	while (pos < size) {
		size_t n = size - pos < chunk ? size - pos : chunk;
		char *piece = malloc(n); /* exact size: ASan sees overreads */
		size_t used = 0;
		if (!piece)
			break;
		memcpy(piece, data + pos, n);
		rsp_fr_event ev = rsp_framer_feed(&f, &used, piece, n);
		free(piece);
		if (used > n || (ev == RSP_FR_NEED_MORE && used != n))
			abort();
		if ((ev == RSP_FR_PACKET || ev == RSP_FR_NOTIFY) &&
		    (f.len > FUZZ_CAP || f.buf[f.len] != '\0'))
			abort();
		if (ev != RSP_FR_NEED_MORE && used == 0)
			abort(); /* an event always consumes its last byte */
		pos += used;
	}
	rsp_framer_fini(&f);
}

static void roundtrip(const uint8_t *data, size_t size, int rle)
{
	size_t cap = 2 * size + 8, len = 0, used = 0;
	char *frame = malloc(cap);
	rsp_framer f;

	if (!frame)
		return;
	if (rsp_frame_encode(frame, cap, &len, data, size, rle))
		abort(); /* 2n + 4 always suffices */
	if (len > cap || rsp_framer_init(&f, size + 1)) {
		free(frame);
		return;
	}
	if (rsp_framer_feed(&f, &used, frame, len) != RSP_FR_PACKET ||
	    used != len || f.len != size || memcmp(f.buf, data, size))
		abort();
	rsp_framer_fini(&f);
	free(frame);
}

/* Encoding into a buffer of a size the input picks: exact-size heap
 * buffer, so ASan sees any write past it. */
static void encode_small(const uint8_t *data, size_t size)
{
	size_t cap = size ? data[0] % 16 : 0, len = 0;
	char *out = malloc(cap ? cap : 1);

	if (!out)
		return;
	if (rsp_frame_encode(out, cap, &len, data, size, 1) == 0 && len + 1 > cap)
		abort(); /* claimed success without room for frame and NUL */
	free(out);
}

static void hex(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *back = malloc(size + 1);
	uint8_t *bin = malloc(size / 2 + 1);
	const char *end = NULL;
	uint64_t v;

	if (!text || !back || !bin)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rsp_hex_decode(bin, text, size) == 0) {
		rsp_hex_encode(back, bin, size / 2);
		for (size_t i = 0; i < size; i++)
			if (rsp_hex_digit((unsigned char)back[i]) !=
			    rsp_hex_digit((unsigned char)text[i]))
				abort();
	}
	if (rsp_parse_hex_u64(&v, &end, text) == 0 &&
	    (end <= text || end > text + size || end - text > 16))
		abort();
out:
	free(text);
	free(back);
	free(bin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream(data, size);
	encode_small(data, size);
	hex(data, size);
	if (size <= 4096) {
		roundtrip(data, size, 0);
		roundtrip(data, size, 1);
	}
	return 0;
}

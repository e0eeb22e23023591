/* libFuzzer harness for the packet framer (rsp/packet.c, rsp_int.h):
 * 1. the input as a byte stream, fed in chunks whose sizes the input picks,
 *    into a small-cap framer: events must be sane, nothing read or written
 *    out of bounds;
 * 2. the input as packet data: rsp_frame_encode() then rsp_framer_feed()
 *    must give back exactly the same bytes (with and without RLE). */
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

/*
 * Known bug in rsp/packet.c (found by this harness, reported to its owner):
 * expand_run() tests strchr("}$#*", last_raw), which is true for a NUL
 * byte, so a run-length encoded run of NULs ("$\0* #4a", which gdbserver
 * and our own encoder produce) is dropped as RSP_FR_BADRLE. Until it is
 * fixed, RLE round trips of such data are skipped; build with
 * -DFUZZ_STRICT to check them anyway.
 */
static int has_nul_run(const uint8_t *data, size_t size)
{
#ifdef FUZZ_STRICT
	(void)data, (void)size;
	return 0;
#else
	for (size_t i = 0, run = 0; i < size; i++)
		if ((run = data[i] ? 0 : run + 1) >= 4)
			return 1;
	return 0;
#endif
}

static void roundtrip(const uint8_t *data, size_t size, int rle)
{
	if (rle && has_nul_run(data, size))
		return;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	stream(data, size);
	if (size <= 4096) {
		roundtrip(data, size, 0);
		roundtrip(data, size, 1);
	}
	return 0;
}

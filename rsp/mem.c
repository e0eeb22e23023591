/*
 * Memory access of libgdb-remote: 'm' reads, 'M' hex writes and 'X' binary
 * writes (probed once; GDB manual, "Packets"), split to the PacketSize.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rsp_int.h"

/* Room for "Xaddr,len:" with 16-digit address and length, plus slack. */
#define HDR_MAX 40

static int read_chunk(uint8_t *buf, size_t *got, rsp_conn *c, uint64_t addr,
		      size_t n)
{
	const char *r;
	size_t rlen;
	int err;

	err = rsp_exchangef(c, &r, &rlen, "m%" PRIx64 ",%zx", addr, n);
	if (!err)
		err = rsp_check_reply(c, r, rlen, "m");
	if (err)
		return err;
	if (rlen % 2 || rlen / 2 > n || rsp_hex_decode(buf, r, rlen))
		return rsp_seterr(c, RSP_EPROTO, "malformed 'm' reply at 0x%" PRIx64,
				  addr);
	*got = rlen / 2;
	return 0;
}

int rsp_mem_read(void *buf, rsp_conn *c, uint64_t addr, size_t len)
{
	/* The hex reply must fit the stub's buffer (QEMU refuses reads over
	 * half its 4096-byte packet) and ours. */
	size_t max = (c->packet_size - 8) / 2;
	uint8_t *p = buf;
	int err = 0;

	rsp_begin(c);
	if (max > RSP_MAX_PACKET / 2)
		max = RSP_MAX_PACKET / 2;
	while (len > 0) {
		size_t got = 0;
		err = read_chunk(p, &got, c, addr, len < max ? len : max);
		if (err)
			return err;
		/* A short read (gdbserver at a page end) is progress; none
		 * at all would loop forever. */
		if (got == 0)
			return rsp_seterr(c, RSP_EREMOTE, "no bytes read at 0x%" PRIx64,
					  addr);
		p += got;
		addr += got;
		len -= got;
	}
	return 0;
}

/* Zero-length 'X' at the target address (GDB does the same): "" means
 * no 'X'; anything else, even an error, means the stub knows it. */
static int probe_x(rsp_conn *c, uint64_t addr)
{
	char pkt[HDR_MAX];
	const char *r;
	size_t rlen;
	int n = snprintf(pkt, sizeof(pkt), "X%" PRIx64 ",0:", addr);
	int err = rsp_exchange(c, &r, &rlen, pkt, (size_t)n);

	if (err)
		return err;
	c->x_probe = rlen ? RSP_PROBE_YES : RSP_PROBE_NO;
	return 0;
}

/* Bytes of `buf` whose escaped form fits in `room`. */
static size_t x_fit(const uint8_t *buf, size_t len, size_t room)
{
	size_t n = 0, used = 0;

	while (n < len) {
		size_t cost = strchr("$#}*", buf[n]) && buf[n] ? 2 : 1;
		if (used + cost > room)
			break;
		used += cost;
		n++;
	}
	return n;
}

static int write_chunk(size_t *done, rsp_conn *c, uint64_t addr,
		       const uint8_t *buf, size_t len)
{
	char pkt[RSP_MAX_PACKET + HDR_MAX];
	size_t room = c->packet_size - HDR_MAX, n;
	const char *r;
	size_t rlen;
	int h, err;

	if (c->x_probe == RSP_PROBE_YES) {
		n = x_fit(buf, len, room);
		h = snprintf(pkt, HDR_MAX, "X%" PRIx64 ",%zx:", addr, n);
		memcpy(pkt + h, buf, n);
		err = rsp_exchange(c, &r, &rlen, pkt, (size_t)h + n);
	} else {
		n = len < room / 2 ? len : room / 2;
		h = snprintf(pkt, HDR_MAX, "M%" PRIx64 ",%zx:", addr, n);
		rsp_hex_encode(pkt + h, buf, n);
		err = rsp_exchange(c, &r, &rlen, pkt, (size_t)h + 2 * n);
	}
	if (!err)
		err = rsp_expect_ok(c, r, rlen,
				    c->x_probe == RSP_PROBE_YES ? "X" : "M");
	*done = n;
	return err;
}

int rsp_mem_write(rsp_conn *c, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int err = 0;

	rsp_begin(c);
	if (len == 0)
		return 0;
	if (c->x_probe == RSP_PROBE_UNKNOWN) {
		err = probe_x(c, addr);
		if (err)
			return err;
	}
	while (len > 0) {
		size_t done = 0;
		err = write_chunk(&done, c, addr, p, len);
		if (err)
			return err;
		p += done;
		addr += done;
		len -= done;
	}
	return 0;
}

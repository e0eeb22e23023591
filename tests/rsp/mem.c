/* Tests of rsp/mem.c: m reads and M/X writes split to the PacketSize. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fakestub.h"
#include "rsp_int.h"

/* PacketSize 0x100: reads of (256 - 8) / 2 = 124 bytes at most. */
static fakestub *script(void)
{
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=100", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "", 0);
	return fs;
}

static rsp_conn *start(fakestub *fs)
{
	rsp_config cfg;

	rsp_config_init(&cfg);
	cfg.timeout_ms = 2000;
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert(c);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	return c;
}

static void hex(char *out, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

Test(mem, read_split_across_packets)
{
	fakestub *fs = script();
	uint8_t want[300], got[300];
	char h[700];

	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7);
	fs_add(fs, FS_EXPECT, "m1000,7c", 0);
	hex(h, want, 124);
	fs_add(fs, FS_REPLY, h, 0);
	fs_add(fs, FS_EXPECT, "m107c,7c", 0);
	hex(h, want + 124, 124);
	fs_add(fs, FS_REPLY, h, 0);
	fs_add(fs, FS_EXPECT, "m10f8,34", 0);
	hex(h, want + 248, 52);
	fs_add(fs, FS_REPLY, h, 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_read(got, c, 0x1000, sizeof(got)), 0, "%s", rsp_errmsg(c));
	cr_assert(memcmp(got, want, sizeof(got)) == 0);
	FS_FINISH(fs, c);
}

Test(mem, short_read_continues)
{
	fakestub *fs = script();
	uint8_t got[4];

	fs_add(fs, FS_EXPECT, "mfff,4", 0);
	fs_add(fs, FS_REPLY, "aa", 0);
	fs_add(fs, FS_EXPECT, "m1000,3", 0);
	fs_add(fs, FS_REPLY, "bbccdd", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_read(got, c, 0xfff, 4), 0, "%s", rsp_errmsg(c));
	cr_assert(memcmp(got, "\xaa\xbb\xcc\xdd", 4) == 0);
	FS_FINISH(fs, c);
}

Test(mem, fault_is_remote_error)
{
	fakestub *fs = script();
	uint8_t got[4];

	fs_add(fs, FS_EXPECT, "mffffffffffff0000,4", 0);
	fs_add(fs, FS_REPLY, "E14", 0);
	fs_add(fs, FS_EXPECT, "m0,4", 0);
	fs_add(fs, FS_REPLY, "aabbccddee", 0);
	fs_add(fs, FS_EXPECT, "m0,4", 0);
	fs_add(fs, FS_REPLY, "aab", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_read(got, c, 0xffffffffffff0000ULL, 4), RSP_EREMOTE);
	cr_assert_eq(rsp_remote_errno(c), 0x14);
	cr_assert(strstr(rsp_errmsg(c), "E14"), "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_mem_read(got, c, 0, 4), RSP_EPROTO);   /* too long */
	cr_assert_eq(rsp_mem_read(got, c, 0, 4), RSP_EPROTO);   /* odd */
	FS_FINISH(fs, c);
}

Test(mem, write_binary_after_probe)
{
	fakestub *fs = script();
	uint8_t data[300];
	char pkt[400];

	/* Every byte that needs escaping, so the split counts escapes. */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = "$#}*"[i % 4];
	fs_add(fs, FS_EXPECT, "X2000,0:", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	/* 256 - 40 bytes of room, two per escaped byte: 108 per packet. */
	size_t sizes[] = { 108, 108, 84 }, off = 0;
	for (int k = 0; k < 3; k++) {
		int h = snprintf(pkt, sizeof(pkt), "X%zx,%zx:", 0x2000 + off, sizes[k]);
		memcpy(pkt + h, data + off, sizes[k]);
		fs_add(fs, FS_EXPECT, pkt, (size_t)h + sizes[k]);
		fs_add(fs, FS_REPLY, "OK", 0);
		off += sizes[k];
	}
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_write(c, 0x2000, data, sizeof(data)), 0, "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(mem, write_hex_when_no_binary)
{
	fakestub *fs = script();
	uint8_t data[120];
	char h[300];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	fs_add(fs, FS_EXPECT, "X40000000,0:", 0);
	fs_add(fs, FS_REPLY, "", 0);
	/* (256 - 40) / 2 = 108 bytes per 'M'. */
	hex(h, data, 108);
	fs_addf(fs, FS_EXPECT, "M40000000,6c:%s", h);
	fs_add(fs, FS_REPLY, "OK", 0);
	hex(h, data + 108, 12);
	fs_addf(fs, FS_EXPECT, "M4000006c,c:%s", h);
	fs_add(fs, FS_REPLY, "OK", 0);
	/* The probe is not repeated; errors come back. */
	fs_add(fs, FS_EXPECT, "M0,1:00", 0);
	fs_add(fs, FS_REPLY, "E0e", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_write(c, 0x40000000, data, sizeof(data)), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_eq(rsp_mem_write(c, 0, data, 1), RSP_EREMOTE);
	cr_assert_eq(rsp_remote_errno(c), 14);
	FS_FINISH(fs, c);
}

Test(mem, probe_error_means_binary_supported)
{
	fakestub *fs = script();

	fs_add(fs, FS_EXPECT, "X0,0:", 0);
	fs_add(fs, FS_REPLY, "E14", 0);
	fs_add(fs, FS_EXPECT, "X0,2:ab", 0);
	fs_add(fs, FS_REPLY, "E14", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_mem_write(c, 0, "ab", 2), RSP_EREMOTE);
	FS_FINISH(fs, c);
}

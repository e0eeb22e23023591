/* Tests of rsp/regs.c: p/P, the g/G fallbacks, values by name. */
#include <criterion/criterion.h>
#include <string.h>

#include "fakestub.h"
#include "rsp_int.h"

/* A connection through the no-ack XML handshake, then the given steps. */
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

static fakestub *script(void)
{
	fakestub *fs = fakestub_new();

	fs_add_handshake_xml(fs, FS_TEST_XML, 4096);
	return fs;
}

Test(regs, read_by_name_with_p)
{
	fakestub *fs = script();
	uint64_t v;

	fs_add(fs, FS_EXPECT, "p2", 0);
	fs_add(fs, FS_REPLY, "efcdab8967452301", 0);
	fs_add(fs, FS_EXPECT, "p0", 0);
	fs_add(fs, FS_REPLY, "78563412", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "pc"), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(v, 0x0123456789abcdefULL);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "R0"), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(v, 0x12345678);
	FS_FINISH(fs, c);
}

Test(regs, read_falls_back_to_g)
{
	fakestub *fs = script();
	uint64_t v;

	fs_add(fs, FS_EXPECT, "p1", 0);
	fs_add(fs, FS_REPLY, "", 0);
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, "0100000002000000efcdab8967452301xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0);
	/* 'p' is not tried again. */
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, "0100000002000000efcdab8967452301xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "r1"), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(v, 2);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "pc"), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(v, 0x0123456789abcdefULL);
	FS_FINISH(fs, c);
}

Test(regs, read_all)
{
	fakestub *fs = script();
	uint8_t buf[64], small[4];
	size_t len;

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY_RLE, "01000000000000000000000000000000", 0);
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, "0100000000", 0);
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, "E01", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_regs_read_all(buf, sizeof(buf), &len, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(len, 16);
	cr_assert_eq(buf[0], 1);
	cr_assert_eq(rsp_regs_read_all(small, sizeof(small), &len, c), RSP_EPROTO);
	cr_assert_eq(rsp_regs_read_all(buf, sizeof(buf), &len, c), RSP_EREMOTE);
	cr_assert_eq(rsp_remote_errno(c), 1);
	FS_FINISH(fs, c);
}

Test(regs, unavailable_and_unknown)
{
	fakestub *fs = script();
	uint64_t v;
	uint8_t buf[16];
	size_t len;

	fs_add(fs, FS_EXPECT, "p3", 0);
	fs_add(fs, FS_REPLY, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0);
	fs_add(fs, FS_EXPECT, "p0", 0);
	fs_add(fs, FS_REPLY, "E45", 0);
	fs_add(fs, FS_EXPECT, "p0", 0);
	fs_add(fs, FS_REPLY, "123", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_reg_read(buf, sizeof(buf), &len, c, rsp_reg_find(c, "v0")),
		     RSP_ENOTFOUND);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "nosuch"), RSP_ENOTFOUND);
	cr_assert(strstr(rsp_errmsg(c), "nosuch"));
	cr_assert_eq(rsp_reg_get_u64(&v, c, "v0"), RSP_EPROTO); /* 128 bits */
	cr_assert_eq(rsp_reg_get_u64(&v, c, "r0"), RSP_EREMOTE);
	cr_assert_eq(rsp_remote_errno(c), 0x45);
	cr_assert_eq(rsp_reg_get_u64(&v, c, "r0"), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(regs, write_with_P)
{
	fakestub *fs = script();
	uint8_t v0[16];

	for (int i = 0; i < 16; i++)
		v0[i] = (uint8_t)i;
	fs_add(fs, FS_EXPECT, "P2=1000000000000000", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "P3=000102030405060708090a0b0c0d0e0f", 0);
	fs_add(fs, FS_REPLY, "E02", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_reg_set_u64(c, "pc", 0x10), 0, "%s", rsp_errmsg(c));
	const rsp_reg *r = rsp_reg_find(c, "v0");
	cr_assert_eq(rsp_reg_write(c, r, v0, 16), RSP_EREMOTE);
	cr_assert_eq(rsp_reg_write(c, r, v0, 8), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(regs, write_falls_back_to_G)
{
	fakestub *fs = script();

	fs_add(fs, FS_EXPECT, "P1=ffffffff", 0);
	fs_add(fs, FS_REPLY, "", 0);
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, "0100000002000000efcdab896745230100000000000000000000000000000000", 0);
	fs_add(fs, FS_EXPECT, "G01000000ffffffffefcdab896745230100000000000000000000000000000000", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_reg_set_u64(c, "r1", 0xffffffff), 0, "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(regs, no_table_without_xml)
{
	fakestub *fs = fakestub_new();
	rsp_config cfg;
	uint64_t v;

	rsp_config_init(&cfg);
	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_reg_count(c), 0);
	cr_assert_null(rsp_reg_at(c, 0));
	cr_assert_eq(rsp_reg_get_u64(&v, c, "pc"), RSP_ENOTFOUND);
	FS_FINISH(fs, c);
}

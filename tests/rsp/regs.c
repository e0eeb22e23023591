/* Tests of rsp/regs.c: p/P, the g/G fallbacks, values by name, the cache. */
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

/* ---- the per-stop cache (rsp_regcache) ---------------------------------
 * The script is the packet count: every 'g', 'p', 'P' and 'G' the cache
 * sends is an FS_EXPECT step, and FS_FINISH fails on one more or less.
 * r0, r1 (32 bits), pc (64), v0 (128), r9 (32): 'g' offsets 0, 4, 8, 16,
 * 32. The stub's 'g' sends the first 16 bytes only, so v0 and r9 lie
 * beyond it and must go through 'p'/'P'. */
#define CACHE_XML \
	"<?xml version=\"1.0\"?>\n" \
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n" \
	"<target version=\"1.0\"><architecture>test</architecture>\n" \
	"<feature name=\"org.test.core\">\n" \
	"<reg name=\"r0\" bitsize=\"32\" type=\"int\"/>\n" \
	"<reg name=\"r1\" bitsize=\"32\" type=\"int\"/>\n" \
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n" \
	"<reg name=\"v0\" bitsize=\"128\" type=\"uint128\"/>\n" \
	"<reg name=\"r9\" bitsize=\"32\" type=\"int\"/>\n" \
	"</feature></target>\n"
#define CACHE_G "101112131415161718191a1b1c1d1e1f"

static fakestub *cache_script(void)
{
	fakestub *fs = fakestub_new();

	fs_add_handshake_xml(fs, CACHE_XML, 4096);
	return fs;
}

static rsp_regcache *new_cache(void)
{
	rsp_regcache *rc = NULL;

	cr_assert_eq(rsp_regcache_new(&rc), 0);
	return rc;
}

static uint64_t cached(rsp_regcache *rc, rsp_conn *c, const char *name)
{
	uint64_t v = 0;
	const rsp_reg *r = rsp_reg_find(c, name);

	cr_assert(r, "no register %s", name);
	cr_assert_eq(rsp_regcache_read(&v, rc, c, r), 0, "%s", rsp_errmsg(c));
	return v;
}

Test(regs, cache_one_g_serves_every_register_of_the_stop)
{
	fakestub *fs = cache_script();
	rsp_regcache *rc = new_cache();

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	/* The next stop reads again. */
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	rsp_conn *c = start(fs);
	cr_expect_eq(cached(rc, c, "r0"), 0x13121110);
	cr_expect_eq(cached(rc, c, "r1"), 0x17161514);
	cr_expect_eq(cached(rc, c, "pc"), 0x1f1e1d1c1b1a1918);
	cr_expect_eq(cached(rc, c, "r0"), 0x13121110);
	rsp_regcache_reset(rc);
	cr_expect_eq(cached(rc, c, "pc"), 0x1f1e1d1c1b1a1918);
	rsp_regcache_free(rc);
	FS_FINISH(fs, c);
}

Test(regs, cache_registers_beyond_the_g_packet_use_p_and_P)
{
	fakestub *fs = cache_script();
	rsp_regcache *rc = new_cache();
	uint64_t v;

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	fs_add(fs, FS_EXPECT, "p4", 0);
	fs_add(fs, FS_REPLY, "0df0feca", 0);
	/* Sent at once, not held. */
	fs_add(fs, FS_EXPECT, "P4=07000000", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	/* No cache at all: every read is a 'p'. */
	fs_add(fs, FS_EXPECT, "p1", 0);
	fs_add(fs, FS_REPLY, "14151617", 0);
	rsp_conn *c = start(fs);
	cr_expect_eq(cached(rc, c, "r9"), 0xcafef00d);
	cr_expect_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "r9"), 7), 0);
	cr_expect_eq(rsp_regcache_flush(rc, c), 0, "nothing was held");
	/* Wider than 64 bits: not an integer register. */
	cr_expect_eq(rsp_regcache_read(&v, rc, c, rsp_reg_find(c, "v0")),
		     RSP_ENOTFOUND);
	cr_expect_eq(cached(NULL, c, "r1"), 0x17161514);
	rsp_regcache_free(rc);
	FS_FINISH(fs, c);
}

Test(regs, cache_one_held_write_leaves_as_one_P)
{
	fakestub *fs = cache_script();
	rsp_regcache *rc = new_cache();

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	fs_add(fs, FS_EXPECT, "P2=8877665544332211", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "pc"),
					0x1122334455667788), 0);
	cr_expect_eq(cached(rc, c, "pc"), 0x1122334455667788, "reads see it");
	cr_assert_eq(rsp_regcache_flush(rc, c), 0);
	cr_assert_eq(rsp_regcache_flush(rc, c), 0, "a second flush sends nothing");
	rsp_regcache_free(rc);
	FS_FINISH(fs, c);
}

Test(regs, cache_two_held_writes_leave_as_one_G_of_this_stop)
{
	fakestub *fs = cache_script();
	rsp_regcache *rc = new_cache();

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	/* r0 patched (last value), r1 as the 'g' gave it, pc patched. */
	fs_add(fs, FS_EXPECT, "G" "04030201" "14151617" "4200000000000000", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, CACHE_G, 0);
	fs_add(fs, FS_EXPECT, "G" "00000000" "01000000" "18191a1b1c1d1e1f", 0);
	fs_add(fs, FS_REPLY, "E01", 0);
	rsp_conn *c = start(fs);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "r0"), 0xffffffff), 0);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "pc"), 0x42), 0);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "r0"), 0x01020304), 0);
	cr_assert_eq(rsp_regcache_flush(rc, c), 0, "%s", rsp_errmsg(c));
	/* A 'G' the stub refuses is a remote error; nothing stays held. */
	rsp_regcache_reset(rc);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "r0"), 0), 0);
	cr_assert_eq(rsp_regcache_write(rc, c, rsp_reg_find(c, "r1"), 1), 0);
	cr_assert_eq(rsp_regcache_flush(rc, c), RSP_EREMOTE);
	cr_assert(strstr(rsp_errmsg(c), "E01"), "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_regcache_flush(rc, c), 0);
	rsp_regcache_free(rc);
	FS_FINISH(fs, c);
}

Test(regs, cache_a_g_too_big_for_the_cache_means_p_from_then_on)
{
	fakestub *fs = cache_script();
	rsp_regcache *rc = new_cache();
	char big[2 * 4097 + 1];

	memset(big, '0', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, big, 0);
	fs_add(fs, FS_EXPECT, "p0", 0);
	fs_add(fs, FS_REPLY, "10111213", 0);
	fs_add(fs, FS_EXPECT, "p2", 0);
	fs_add(fs, FS_REPLY, "18191a1b1c1d1e1f", 0);
	rsp_conn *c = start(fs);
	cr_expect_eq(cached(rc, c, "r0"), 0x13121110);
	rsp_regcache_reset(rc);
	cr_expect_eq(cached(rc, c, "pc"), 0x1f1e1d1c1b1a1918, "no second 'g'");
	rsp_regcache_free(rc);
	FS_FINISH(fs, c);
}

Test(regs, slot_in_a_g_block)
{
	rsp_reg r = { .name = "x", .bitsize = 32, .g_offset = 8 };
	size_t off = 99, len = 99;

	cr_assert_eq(rsp_reg_slot(&off, &len, &r, 12), 0);
	cr_assert_eq(off, 8);
	cr_assert_eq(len, 4);
	cr_assert_eq(rsp_reg_slot(&off, &len, &r, 11), RSP_ENOTFOUND);
	cr_assert_eq(rsp_reg_slot(&off, &len, &r, 4), RSP_ENOTFOUND);
	r.g_offset = -1;
	cr_assert_eq(rsp_reg_slot(&off, &len, &r, 4096), RSP_ENOTFOUND);
	rsp_regcache_free(NULL);
	rsp_regcache_reset(NULL);
}

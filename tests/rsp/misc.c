/* Tests of rsp/misc.c: Z/z, qRcmd, threads, kill, detach. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fakestub.h"
#include "rsp_int.h"

static rsp_conn *start(fakestub *fs, int timeout_ms)
{
	rsp_config cfg;

	rsp_config_init(&cfg);
	cfg.timeout_ms = timeout_ms;
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert(c);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	return c;
}

static fakestub *script(void)
{
	fakestub *fs = fakestub_new();

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	return fs;
}

Test(misc, breakpoints)
{
	fakestub *fs = script();

	fs_add(fs, FS_EXPECT, "Z0,80000000,4", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "z0,80000000,4", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "Z1,ffffffff80001000,2", 0);
	fs_add(fs, FS_REPLY, "", 0);
	fs_add(fs, FS_EXPECT, "Z2,1000,8", 0);
	fs_add(fs, FS_REPLY, "E22", 0);
	fs_add(fs, FS_EXPECT, "z4,1000,1", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_bp_insert(c, RSP_BP_SW, 0x80000000, 4), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_bp_remove(c, RSP_BP_SW, 0x80000000, 4), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_bp_insert(c, RSP_BP_HW, 0xffffffff80001000ULL, 2), RSP_EUNSUPPORTED);
	cr_assert_eq(rsp_bp_insert(c, RSP_WP_WRITE, 0x1000, 8), RSP_EREMOTE);
	cr_assert_eq(rsp_remote_errno(c), 0x22);
	cr_assert_eq(rsp_bp_remove(c, RSP_WP_ACCESS, 0x1000, 1), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_bp_insert(c, (rsp_bp_type)7, 0, 1), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(misc, monitor_collects_output)
{
	fakestub *fs = script();
	char *out = NULL;

	/* "info registers" */
	fs_add(fs, FS_EXPECT, "qRcmd,696e666f2072656769737465727320", 0);
	fs_add(fs, FS_REPLY, "O52303d31", 0);   /* "R0=1" */
	fs_add(fs, FS_REPLY, "O0a", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "qRcmd,78", 0);
	fs_add(fs, FS_REPLY, "6869", 0);        /* final hex reply, no 'O' */
	fs_add(fs, FS_EXPECT, "qRcmd,78", 0);
	fs_add(fs, FS_REPLY, "", 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_monitor(&out, c, "info registers "), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(out, "R0=1\n");
	free(out);
	cr_assert_eq(rsp_monitor(&out, c, "x"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(out, "hi");
	free(out);
	cr_assert_eq(rsp_monitor(&out, c, "x"), RSP_EUNSUPPORTED);
	cr_assert_null(out);
	FS_FINISH(fs, c);
}

Test(misc, thread_list)
{
	fakestub *fs = script();
	int64_t tids[2];
	size_t n;

	fs_add(fs, FS_EXPECT, "qfThreadInfo", 0);
	fs_add(fs, FS_REPLY, "m1,2", 0);
	fs_add(fs, FS_EXPECT, "qsThreadInfo", 0);
	fs_add(fs, FS_REPLY, "mp1.a", 0);
	fs_add(fs, FS_EXPECT, "qsThreadInfo", 0);
	fs_add(fs, FS_REPLY, "l", 0);
	fs_add(fs, FS_EXPECT, "qfThreadInfo", 0);
	fs_add(fs, FS_REPLY, "m1,,2", 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_thread_list(tids, 2, &n, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(n, 3);
	cr_assert_eq(tids[0], 1);
	cr_assert_eq(tids[1], 2);
	cr_assert_eq(rsp_thread_list(tids, 2, &n, c), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(misc, thread_select)
{
	fakestub *fs = script();

	fs_add(fs, FS_EXPECT, "Hg1", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "Hc-1", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "Hg63", 0);
	fs_add(fs, FS_REPLY, "E22", 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_thread_select(c, 'g', 1), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_thread_select(c, 'c', -1), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_thread_select(c, 'g', 99), RSP_ENOTFOUND);
	cr_assert_eq(rsp_thread_select(c, 'x', 1), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(misc, kill_without_reply_is_success)
{
	fakestub *fs = fakestub_new();

	fs_add_steps(fs, FS_HANDSHAKE_ACK);
	fs_add(fs, FS_EXPECT, "k", 0);
	fs_add(fs, FS_CLOSE, NULL, 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_kill(c), 0, "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(misc, kill_closed_before_ack_is_success)
{
	fakestub *fs = fakestub_new();

	fs_add_steps(fs, FS_HANDSHAKE_ACK);
	fs_add(fs, FS_IGNORE_PACKET, "k", 0);
	fs_add(fs, FS_CLOSE, NULL, 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_kill(c), 0, "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(misc, detach)
{
	fakestub *fs = script();

	fs_add(fs, FS_EXPECT, "D", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "D", 0);
	fs_add(fs, FS_REPLY, "E01", 0);
	rsp_conn *c = start(fs, 2000);
	cr_assert_eq(rsp_detach(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_detach(c), RSP_EREMOTE);
	FS_FINISH(fs, c);
}

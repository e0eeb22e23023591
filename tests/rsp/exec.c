/* Tests of rsp/exec.c: resume, wait with console output, step, interrupt,
 * File-I/O replies. */
#include <criterion/criterion.h>
#include <string.h>

#include "fakestub.h"
#include "rsp_int.h"

typedef struct console {
	char text[256];
	size_t len;
} console;

static void on_console(const char *data, size_t len, void *arg)
{
	console *con = arg;

	if (con->len + len < sizeof(con->text)) {
		memcpy(con->text + con->len, data, len);
		con->len += len;
	}
}

static rsp_conn *start(fakestub *fs, console *con, int timeout_ms)
{
	rsp_config cfg;

	rsp_config_init(&cfg);
	cfg.timeout_ms = timeout_ms;
	cfg.console = on_console;
	cfg.console_arg = con;
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert(c);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	return c;
}

Test(exec, continue_output_then_breakpoint)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "vCont;c", 0);
	fs_add(fs, FS_REPLY, "O68656c6c6f0a", 0);      /* "hello\n" */
	fs_add(fs, FS_REPLY, "O776f726c64", 0);        /* "world" */
	fs_add(fs, FS_REPLY, "T05thread:01;swbreak:;", 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 2000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
	cr_assert_eq(stop.signal, 5);
	cr_assert_eq(stop.reason, RSP_REASON_SWBREAK);
	cr_assert_eq(con.len, 11);
	cr_assert(memcmp(con.text, "hello\nworld", 11) == 0);
	FS_FINISH(fs, c);
}

Test(exec, plain_c_and_s_without_vcont_in_ack_mode)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_ACK);
	fs_add(fs, FS_EXPECT, "c", 0);
	fs_add(fs, FS_REPLY, "W00", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_EXPECT, "s", 0);
	fs_add(fs, FS_REPLY, "S05", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, -1), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_EXITED);
	cr_assert_eq(stop.exit_status, 0);
	cr_assert_eq(rsp_step(&stop, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
	FS_FINISH(fs, c);
}

Test(exec, wait_timeout_then_interrupt)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "vCont;c", 0);
	fs_add(fs, FS_EXPECT_BYTE, "\x03", 0);
	fs_add(fs, FS_REPLY, "T02thread:01;", 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_continue(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 50), RSP_ETIMEOUT);
	cr_assert_eq(rsp_interrupt(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_wait(&stop, c, 2000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.signal, 2);
	FS_FINISH(fs, c);
}

Test(exec, step_selected_thread)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "Hc2", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "vCont;s:2", 0);
	fs_add(fs, FS_REPLY, "T05thread:02;", 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_thread_select(c, 'c', 2), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_step(&stop, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.tid, 2);
	FS_FINISH(fs, c);
}

Test(exec, bad_stop_replies)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "vCont;c", 0);
	fs_add(fs, FS_REPLY, "Ozz", 0);
	fs_add(fs, FS_EXPECT, "vCont;c", 0);
	fs_add(fs, FS_REPLY, "E22", 0);
	fs_add(fs, FS_EXPECT, "?", 0);
	fs_add(fs, FS_REPLY, "S05", 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_continue(c), 0);
	cr_assert_eq(rsp_wait(&stop, c, 2000), RSP_EPROTO);
	cr_assert_eq(rsp_continue(c), 0);
	cr_assert_eq(rsp_wait(&stop, c, 2000), RSP_EREMOTE);
	cr_assert_eq(rsp_halt_reason(&stop, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.signal, 5);
	FS_FINISH(fs, c);
}

Test(exec, fileio_round_trip)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "vCont;c", 0);
	fs_add(fs, FS_REPLY, "Fwrite,1,2000,5", 0);
	fs_add(fs, FS_EXPECT, "F5", 0);
	fs_add(fs, FS_EXPECT, "F-1,9", 0);
	fs_add(fs, FS_EXPECT, "F0,4,C", 0);
	fs_add(fs, FS_REPLY, "W03", 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_continue(c), 0);
	cr_assert_eq(rsp_wait(&stop, c, 2000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_FILEIO);
	cr_assert_str_eq(stop.fileio_call, "write");
	cr_assert_eq(rsp_fileio_reply(c, 5, 0, 0), 0);
	cr_assert_eq(rsp_fileio_reply(c, -1, 9, 0), 0);
	cr_assert_eq(rsp_fileio_reply(c, 0, 4, 1), 0);
	cr_assert_eq(rsp_wait(&stop, c, 2000), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.exit_status, 3);
	FS_FINISH(fs, c);
}

Test(exec, step_over_breakpoint)
{
	fakestub *fs = fakestub_new();
	console con = { "", 0 };
	rsp_stop stop;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "z0,1000,4", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "vCont;s", 0);
	fs_add(fs, FS_REPLY, "T05thread:01;", 0);
	fs_add(fs, FS_EXPECT, "Z0,1000,4", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	/* A step that ends the process leaves the breakpoint out. */
	fs_add(fs, FS_EXPECT, "z0,1000,4", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "vCont;s", 0);
	fs_add(fs, FS_REPLY, "W00", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = start(fs, &con, 2000);
	cr_assert_eq(rsp_step_over(&stop, c, 0x1000, 4), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
	cr_assert_eq(rsp_step_over(&stop, c, 0x1000, 4), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_EXITED);
	FS_FINISH(fs, c);
}

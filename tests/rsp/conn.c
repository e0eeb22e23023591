/*
 * Tests of rsp/conn.c (acks, retransmission, misbehaving stubs, tracing)
 * through whole conversations with the scripted fake stub.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "fakestub.h"
#include "rsp_int.h"

static rsp_config quick(int timeout_ms, fs_log *log)
{
	rsp_config cfg;

	rsp_config_init(&cfg);
	cfg.timeout_ms = timeout_ms;
	if (log) {
		cfg.trace = fs_trace;
		cfg.trace_arg = log;
	}
	return cfg;
}

static int request(rsp_conn *c, char *reply, size_t cap, const char *pkt)
{
	size_t len;

	return rsp_request(reply, cap, &len, c, pkt);
}

Test(conn, ack_mode_request_and_trace)
{
	static fs_log log;
	rsp_config cfg = quick(2000, &log);
	fakestub *fs = fakestub_new();
	char reply[64];
	size_t len;

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert(c);
	cr_assert_eq(rsp_request(reply, sizeof(reply), &len, c, "qC"), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	cr_assert_eq(len, 3);
	cr_assert_eq(rsp_no_ack(c), 0);
	cr_assert_str_eq(log.text, "> $qC#b4\n< +\n< $QC1#c5\n> +\n");
	FS_FINISH(fs, c);
}

Test(conn, retransmit_on_nak)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_NAK_PACKET, "qC", 0);
	fs_add(fs, FS_NAK_PACKET, "qC", 0);
	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

/* A serial line can lose the packet or its ack: resend after a quarter
 * of the timeout. */
Test(conn, serial_line_retransmits_on_ack_timeout)
{
	rsp_config cfg = quick(800, NULL);
	cfg.resend_on_timeout = 1;
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_IGNORE_PACKET, "qC", 0);
	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

Test(conn, endless_nak_is_bounded)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	for (int i = 0; i <= RSP_MAX_RETRIES; i++)
		fs_add(fs, FS_NAK_PACKET, "qC", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "NAK"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(conn, serial_line_without_acks_times_out)
{
	rsp_config cfg = quick(400, NULL);
	cfg.resend_on_timeout = 1;
	fakestub *fs = fakestub_new();
	char reply[64];

	for (int i = 0; i <= RSP_MAX_RETRIES; i++)
		fs_add(fs, FS_IGNORE_PACKET, "qC", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ETIMEOUT);
	FS_FINISH(fs, c);
}

/* Over a stream nothing is lost: a request is sent once, whatever the
 * stub's delay, and a stub that never acks is a timeout after one send. */
Test(conn, stream_without_ack_times_out_after_one_send)
{
	rsp_config cfg = quick(400, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_IGNORE_PACKET, "qC", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ETIMEOUT);
	cr_assert(strstr(rsp_errmsg(c), "no ack"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

/* The stub acks after more than a quarter of the timeout (QEMU loading a
 * large ELF, a loaded machine). The old split-timeout resend made it
 * answer twice; the hang-up step fails if a second copy arrives. */
Test(conn, late_ack_is_waited_for_not_resent)
{
	rsp_config cfg = quick(5000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_IGNORE_PACKET, "qC", 0);
	fs_add(fs, FS_SLEEP, "1500", 0);
	fs_add(fs, FS_RAW, "+", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

/* A stub that acks each packet twice: the spare '+' is noise, and the
 * next request still gets its own reply. */
Test(conn, double_ack_is_harmless)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_RAW, "+", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_EXPECT, "qAttached", 0);
	fs_add(fs, FS_RAW, "+", 0);
	fs_add(fs, FS_REPLY, "1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	cr_assert_eq(request(c, reply, sizeof(reply), "qAttached"), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_str_eq(reply, "1");
	FS_FINISH(fs, c);
}

Test(conn, no_answer_times_out)
{
	rsp_config cfg = quick(300, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ETIMEOUT);
	cr_assert(strstr(rsp_errmsg(c), "timed out"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(conn, bad_checksum_is_naked_and_resent)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_RAW, "$QC1#00", 0);
	fs_add(fs, FS_EXPECT_NAK, NULL, 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

Test(conn, endless_bad_checksums_are_bounded)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	for (int i = 0; i <= RSP_MAX_RETRIES; i++) {
		fs_add(fs, FS_RAW, "$QC1#00", 0);
		if (i < RSP_MAX_RETRIES)
			fs_add(fs, FS_EXPECT_NAK, NULL, 0);
	}
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "checksum"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(conn, reply_before_ack_means_ack_lost)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_IGNORE_PACKET, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

Test(conn, stray_acks_noise_and_notifications_ignored)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_RAW, "+++\r\ngarbage-%Stop:T05thread:01;#e7", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	FS_FINISH(fs, c);
}

Test(conn, garbage_only_times_out)
{
	rsp_config cfg = quick(300, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_RAW, "\x01\x02garbage#00 without a frame start", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ETIMEOUT);
	FS_FINISH(fs, c);
}

Test(conn, close_mid_packet)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_RAW, "$QC", 0);
	fs_add(fs, FS_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ECLOSED);
	/* Later calls fail the same way, without touching the socket. */
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_ECLOSED);
	FS_FINISH(fs, c);
}

Test(conn, closed_stub_gives_error_not_sigpipe)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];

	fs_add(fs, FS_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	/* Let the stub hang up first. */
	struct pollfd p = { rsp_fd(c), POLLIN, 0 };
	cr_assert_eq(poll(&p, 1, 2000), 1);
	int err = request(c, reply, sizeof(reply), "qC");
	cr_assert(err == RSP_ECLOSED, "err %d: %s", err, rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(conn, oversized_packet_rejected)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[64];
	size_t big = RSP_MAX_PACKET + 100;
	char *data = malloc(big + 1);

	cr_assert(data);
	memset(data, '0', big);
	data[big] = '\0';
	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY, data, big);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	free(data);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "g"), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "over"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(conn, run_length_encoded_reply)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[128];

	fs_add(fs, FS_EXPECT, "g", 0);
	fs_add(fs, FS_REPLY_RLE, "00000000000000000000000010000000ffffffff", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "g"), 0, "%s", rsp_errmsg(c));
	cr_assert_str_eq(reply, "00000000000000000000000010000000ffffffff");
	FS_FINISH(fs, c);
}

Test(conn, reply_too_big_for_caller)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[4];

	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1234", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qC"), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(conn, request_is_escaped_and_capped)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	char reply[16], big[1024];

	fs_add(fs, FS_EXPECT, "qRcmd,#$}*", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(request(c, reply, sizeof(reply), "qRcmd,#$}*"), 0, "%s",
		     rsp_errmsg(c));
	/* Before qSupported the PacketSize is GDB's default of 400. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(request(c, reply, sizeof(reply), big), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(conn, errors_have_names)
{
	for (int e = RSP_ENOTFOUND; e <= 0; e++)
		cr_assert_neq(strcmp(rsp_strerror(e), "unknown error"), 0);
	cr_assert_str_eq(rsp_strerror(42), "unknown error");
}

/*
 * Tests of rsp/client.c: the handshake (qSupported, QStartNoAckMode,
 * target.xml in chunks, vCont?) against the scripted fake stub.
 */
#include <criterion/criterion.h>
#include <stdio.h>
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

Test(client, handshake_no_ack)
{
	static fs_log log;
	rsp_config cfg = quick(2000, &log);
	fakestub *fs = fakestub_new();
	char reply[32];
	size_t len;

	fs_add_steps(fs, FS_HANDSHAKE_NOACK);
	fs_add(fs, FS_EXPECT, "qC", 0);
	fs_add(fs, FS_REPLY, "QC1", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_no_ack(c), 1);
	cr_assert_eq(rsp_packet_size(c), 0x1000);
	cr_assert(rsp_has_feature(c, "vContSupported"));
	cr_assert(rsp_has_feature(c, "PacketSize"));
	cr_assert_not(rsp_has_feature(c, "qXfer:features:read"));
	cr_assert_not(rsp_has_feature(c, "vCont"));
	cr_assert_eq(rsp_reg_count(c), 0);
	cr_assert_null(rsp_reg_find(c, "pc"));
	size_t before = log.len;
	cr_assert_eq(rsp_request(reply, sizeof(reply), &len, c, "qC"), 0, "%s",
		     rsp_errmsg(c));
	cr_assert_str_eq(reply, "QC1");
	/* No acks either way once no-ack mode is on. */
	cr_assert_str_eq(log.text + before, "> $qC#b4\n< $QC1#c5\n");
	cr_assert(strstr(log.text, "> $qSupported:multiprocess-;swbreak+;hwbreak+;"),
		  "%s", log.text);
	FS_FINISH(fs, c);
}

Test(client, no_ack_not_requested_when_disabled)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	cfg.no_ack = 0;
	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=200;QStartNoAckMode+", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "vCont;c;C", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_no_ack(c), 0);
	cr_assert_eq(rsp_packet_size(c), 0x200);
	FS_FINISH(fs, c);
}

Test(client, old_stub_without_qsupported)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_packet_size(c), 400);
	cr_assert_eq(rsp_no_ack(c), 0);
	FS_FINISH(fs, c);
}

Test(client, bad_packet_size)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=10", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "PacketSize"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(client, huge_packet_size_is_capped)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=7fffffff", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_packet_size(c), RSP_MAX_PACKET);
	FS_FINISH(fs, c);
}

/* target.xml served 100 bytes at a time ('m' replies, then 'l'). */
Test(client, target_xml_in_chunks)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add_handshake_xml(fs, FS_TEST_XML, 100);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_reg_count(c), 4);
	const rsp_reg *pc = rsp_reg_find(c, "pc");
	cr_assert(pc);
	cr_assert_eq(pc->regnum, 2);
	cr_assert_eq(pc->bitsize, 64);
	cr_assert_eq(pc->g_offset, 8);
	cr_assert_str_eq(pc->type, "code_ptr");
	cr_assert_str_eq(pc->feature, "org.test.core");
	cr_assert_eq(rsp_reg_find(c, "PC"), pc);
	cr_assert_eq(rsp_reg_at(c, 3)->g_offset, 16);
	cr_assert_null(rsp_reg_at(c, 4));
	FS_FINISH(fs, c);
}

/* The handshake of a stub whose target.xml (`target`, an 'l' reply)
 * includes core-1.xml, which describes x0. */
static void script_core_handshake(fakestub *fs, const char *target)
{
	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	fs_add(fs, FS_EXPECT, "Hg0", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:target.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY, target, 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:core-1.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY,
	       "l<feature name=\"core\"><reg name=\"x0\" bitsize=\"64\"/></feature>", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "", 0);
}

/* A caller that knows its stub (rsp_config.no_select, no_vcont) gets the
 * same table without the Hg0 and vCont? round trips, and steps with a
 * plain s although the stub offers vCont. */
Test(client, a_known_stub_is_asked_neither_hg0_nor_vcont)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	rsp_stop stop;

	cfg.no_select = cfg.no_vcont = 1;
	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+;vContSupported+", 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:target.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY,
	       "l<target><feature name=\"core\"><reg name=\"x0\" bitsize=\"64\"/>"
	       "</feature></target>", 0);
	fs_add(fs, FS_EXPECT, "s", 0);
	fs_add(fs, FS_REPLY, "S05", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_reg_count(c), 1);
	cr_assert_str_eq(rsp_reg_at(c, 0)->name, "x0");
	cr_assert_eq(rsp_step(&stop, c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(stop.kind, RSP_STOP_SIGNAL);
	FS_FINISH(fs, c);
}

Test(client, target_xml_with_include)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	script_core_handshake(fs,
		"l<?xml version=\"1.0\"?><target xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		"<xi:include href=\"core-1.xml\"/></target>");
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	cr_assert_eq(rsp_reg_count(c), 1);
	cr_assert_str_eq(rsp_reg_at(c, 0)->name, "x0");
	FS_FINISH(fs, c);
}

/* A lazy annex is fetched at the first lookup that misses, once; the
 * registers read at the handshake keep their pointers. */
Test(client, lazy_annex_fetched_at_the_first_miss)
{
	static const char *const lazy[] = { "sys.xml", NULL };
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	cfg.lazy_annexes = lazy;
	script_core_handshake(fs,
		"l<target xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		"<xi:include href=\"core-1.xml\"/><xi:include href=\"sys.xml\"/>"
		"</target>");
	/* the lookup of "vbar": only sys.xml goes over the wire again */
	fs_add(fs, FS_EXPECT, "qXfer:features:read:sys.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY,
	       "l<feature name=\"sys\"><reg name=\"vbar\" bitsize=\"64\" "
	       "regnum=\"90\"/></feature>", 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	const rsp_reg *x0 = rsp_reg_find(c, "x0");
	cr_assert_not_null(x0);
	const rsp_reg *vbar = rsp_reg_find(c, "vbar");
	cr_assert_not_null(vbar, "%s", rsp_errmsg(c));
	cr_expect_eq(vbar->regnum, 90);
	cr_expect_eq(rsp_reg_count(c), 2);
	cr_expect_str_eq(x0->name, "x0", "the handshake's pointer stays valid");
	cr_expect_eq(rsp_reg_find(c, "x0")->g_offset, x0->g_offset);
	cr_expect_null(rsp_reg_find(c, "nosuch"), "no fetch for a real miss");
	FS_FINISH(fs, c);
}

Test(client, target_xml_error)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	fs_add(fs, FS_EXPECT, "Hg0", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:target.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY, "E00", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EREMOTE);
	cr_assert(strstr(rsp_errmsg(c), "target description"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

Test(client, target_xml_no_progress)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	fs_add(fs, FS_EXPECT, "Hg0", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:target.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY, "m", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EPROTO);
	FS_FINISH(fs, c);
}

Test(client, bad_annex_name_not_requested)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	fs_add(fs, FS_EXPECT, "Hg0", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT, "qXfer:features:read:target.xml:0,ff8", 0);
	fs_add(fs, FS_REPLY,
	       "l<target xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
	       "<xi:include href=\"a:b.xml\"/></target>", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EPROTO);
	FS_FINISH(fs, c);
}

/* A stub that answers qSupported twice (as QEMU did when a late-acked
 * qSupported was resent): the second copy arrives where the answer to
 * Hg0 should be. That is a protocol error naming the request, never a
 * conversation that runs one reply behind. */
Test(client, duplicate_reply_is_a_protocol_error)
{
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+", 0);
	/* Not acked: the client takes the duplicate as its answer and hangs
	 * up, and an ack it never read would reset the socket. */
	fs_add(fs, FS_IGNORE_PACKET, "Hg0", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "cannot answer Hg0"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

/* Replies that cannot be a feature list or a vCont? answer. */
Test(client, reply_of_the_wrong_shape_is_refused)
{
	static const char *const not_features[] = { "OK", "T05thread:01;",
						    "l<target/>", "PacketSize" };

	for (size_t i = 0; i < sizeof(not_features) / sizeof(*not_features); i++) {
		rsp_config cfg = quick(2000, NULL);
		fakestub *fs = fakestub_new();
		fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
		fs_add(fs, FS_REPLY, not_features[i], 0);
		fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
		rsp_conn *c = fs_connect(fs, &cfg);
		cr_assert_eq(rsp_handshake(c), RSP_EPROTO, "%s", not_features[i]);
		cr_assert(strstr(rsp_errmsg(c), "cannot answer qSupported"), "%s",
			  rsp_errmsg(c));
		FS_FINISH(fs, c);
	}
	rsp_config cfg = quick(2000, NULL);
	fakestub *fs = fakestub_new();
	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000", 0);
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT_CLOSE, NULL, 0);
	rsp_conn *c = fs_connect(fs, &cfg);
	cr_assert_eq(rsp_handshake(c), RSP_EPROTO);
	cr_assert(strstr(rsp_errmsg(c), "cannot answer vCont?"), "%s", rsp_errmsg(c));
	FS_FINISH(fs, c);
}

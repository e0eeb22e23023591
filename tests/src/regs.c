/* Tests for src/run/regs.c's per-stop register cache: how many packets of
 * which kind reach the stub, and what a 'G' carries. The peer is a small
 * rule-based fake stub on a socketpair (a thread), counting packets; the
 * cache against real QEMU is tests/integration/run_semihosting.c. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "regs.h"

/* r0, r1 (32 bits), pc (64), v0 (128), r9 (32): 'g' offsets 0, 4, 8, 16,
 * 32. The stub's 'g' sends the first 16 bytes only, so v0 and r9 lie
 * beyond it and must go through 'p'/'P'. */
static const char xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\"><architecture>test</architecture>\n"
	"<feature name=\"org.test.core\">\n"
	"<reg name=\"r0\" bitsize=\"32\" type=\"int\"/>\n"
	"<reg name=\"r1\" bitsize=\"32\" type=\"int\"/>\n"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"<reg name=\"v0\" bitsize=\"128\" type=\"uint128\"/>\n"
	"<reg name=\"r9\" bitsize=\"32\" type=\"int\"/>\n"
	"</feature></target>\n";

#define G_BYTES 16

typedef struct stub {
	int fd;
	pthread_t thread;
	uint8_t g[G_BYTES];
	uint32_t r9;
	atomic_int n_g, n_p, n_P, n_G;
	char last_G[2 * G_BYTES + 2];
	char last_P[64];
} stub;

static void send_pkt(stub *s, const char *data)
{
	char buf[8192];
	unsigned sum = 0;

	for (const char *p = data; *p; p++)
		sum += (unsigned char)*p;
	int n = snprintf(buf, sizeof(buf), "+$%s#%02x", data, sum & 0xff);
	cr_assert(n > 0 && (size_t)n < sizeof(buf));
	cr_assert_eq(write(s->fd, buf, (size_t)n), n);
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

#define XFER0 "qXfer:features:read:target.xml:0,"

static void answer(stub *s, const char *pkt)
{
	char reply[4096];
	unsigned reg;

	if (!strncmp(pkt, "qSupported", 10)) {
		send_pkt(s, "PacketSize=1000;qXfer:features:read+");
	} else if (!strncmp(pkt, XFER0, strlen(XFER0))) {
		snprintf(reply, sizeof(reply), "l%s", xml);
		send_pkt(s, reply);
	} else if (!strcmp(pkt, "g")) {
		s->n_g++;
		hex(reply, s->g, G_BYTES);
		send_pkt(s, reply);
	} else if (pkt[0] == 'p' && sscanf(pkt + 1, "%x", &reg) == 1) {
		s->n_p++;
		if (reg == 4) {
			uint8_t b[4] = { (uint8_t)s->r9, (uint8_t)(s->r9 >> 8),
					 (uint8_t)(s->r9 >> 16), (uint8_t)(s->r9 >> 24) };
			hex(reply, b, 4);
		} else if (reg == 2) {
			hex(reply, s->g + 8, 8);
		} else {
			hex(reply, s->g + 4 * reg, 4);
		}
		send_pkt(s, reply);
	} else if (pkt[0] == 'P') {
		s->n_P++;
		snprintf(s->last_P, sizeof(s->last_P), "%.*s",
			 (int)sizeof(s->last_P) - 1, pkt);
		send_pkt(s, "OK");
	} else if (pkt[0] == 'G') {
		s->n_G++;
		snprintf(s->last_G, sizeof(s->last_G), "%.*s",
			 (int)sizeof(s->last_G) - 1, pkt + 1);
		send_pkt(s, "OK");
	} else if (!strncmp(pkt, "Hg", 2) || !strncmp(pkt, "Hc", 2)) {
		send_pkt(s, "OK");
	} else if (!strcmp(pkt, "?")) {
		send_pkt(s, "S05");
	} else {
		send_pkt(s, "");
	}
}

/* Reads packets ("$data#cc"; acks skipped) until the client hangs up. */
static void *serve(void *arg)
{
	stub *s = arg;
	char pkt[8192];
	size_t len = 0;
	int in = 0, tail = 0;
	char ch;

	while (read(s->fd, &ch, 1) == 1) {
		if (!in) {
			in = ch == '$';
			len = 0;
			continue;
		}
		if (tail) {
			if (--tail == 0) {
				in = 0;
				pkt[len] = '\0';
				answer(s, pkt);
			}
			continue;
		}
		if (ch == '#')
			tail = 2;
		else if (len + 1 < sizeof(pkt))
			pkt[len++] = ch;
	}
	return NULL;
}

static rsp_conn *start(stub *s)
{
	int sv[2];
	rsp_conn *c = NULL;
	rsp_config cfg;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < G_BYTES; i++)
		s->g[i] = (uint8_t)(0x10 + i);
	s->r9 = 0xcafef00d;
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s->fd = sv[1];
	cr_assert_eq(pthread_create(&s->thread, NULL, serve, s), 0);
	rsp_config_init(&cfg);
	cr_assert_eq(rsp_open_fd(&c, sv[0], &cfg), 0);
	cr_assert_eq(rsp_handshake(c), 0, "%s", rsp_errmsg(c));
	s->n_g = s->n_p = s->n_P = s->n_G = 0;
	return c;
}

static void stop(stub *s, rsp_conn *c)
{
	rsp_close(c);
	pthread_join(s->thread, NULL);
	close(s->fd);
}

static uint64_t get(regs_cache *rc, rsp_conn *c, const char *name)
{
	uint64_t v = 0;
	const rsp_reg *r = rsp_reg_find(c, name);

	cr_assert(r, "no register %s", name);
	cr_assert_eq(regs_cache_read(&v, rc, c, r), 0, "%s", rsp_errmsg(c));
	return v;
}

Test(regs, one_g_serves_every_register_of_the_stop)
{
	stub s;
	rsp_conn *c = start(&s);
	regs_cache rc;

	memset(&rc, 0, sizeof(rc));
	cr_expect_eq(get(&rc, c, "r0"), 0x13121110);
	cr_expect_eq(get(&rc, c, "r1"), 0x17161514);
	cr_expect_eq(get(&rc, c, "pc"), 0x1f1e1d1c1b1a1918);
	cr_expect_eq(get(&rc, c, "r0"), 0x13121110);
	cr_expect_eq(s.n_g, 1);
	cr_expect_eq(s.n_p, 0);
	/* The next stop reads again. */
	regs_cache_reset(&rc);
	cr_expect_eq(get(&rc, c, "pc"), 0x1f1e1d1c1b1a1918);
	cr_expect_eq(s.n_g, 2);
	stop(&s, c);
}

Test(regs, registers_beyond_the_g_packet_use_p_and_P)
{
	stub s;
	rsp_conn *c = start(&s);
	regs_cache rc;
	uint64_t v;

	memset(&rc, 0, sizeof(rc));
	cr_expect_eq(get(&rc, c, "r9"), 0xcafef00d);
	cr_expect_eq(s.n_g, 1);
	cr_expect_eq(s.n_p, 1);
	cr_expect_eq(regs_cache_write(&rc, c, rsp_reg_find(c, "r9"), 7), 0);
	cr_expect_eq(s.n_P, 1, "sent at once, not held");
	cr_expect_str_eq(s.last_P, "P4=07000000");
	cr_expect_eq(regs_cache_flush(&rc, c), 0);
	cr_expect_eq(s.n_P + s.n_G, 1, "nothing was held");
	/* Wider than 64 bits: not an integer register. */
	cr_expect_eq(regs_cache_read(&v, &rc, c, rsp_reg_find(c, "v0")),
		     RSP_ENOTFOUND);
	/* No cache at all: every read is a 'p'. */
	cr_expect_eq(get(NULL, c, "r1"), 0x17161514);
	cr_expect_eq(s.n_p, 2);
	stop(&s, c);
}

Test(regs, one_held_write_leaves_as_one_P)
{
	stub s;
	rsp_conn *c = start(&s);
	regs_cache rc;

	memset(&rc, 0, sizeof(rc));
	cr_assert_eq(regs_cache_write(&rc, c, rsp_reg_find(c, "pc"),
				      0x1122334455667788), 0);
	cr_expect_eq(get(&rc, c, "pc"), 0x1122334455667788, "reads see it");
	cr_expect_eq(s.n_P + s.n_G, 0, "held until the flush");
	cr_assert_eq(regs_cache_flush(&rc, c), 0);
	cr_expect_eq(s.n_P, 1);
	cr_expect_eq(s.n_G, 0);
	cr_expect_str_eq(s.last_P, "P2=8877665544332211");
	cr_assert_eq(regs_cache_flush(&rc, c), 0);
	cr_expect_eq(s.n_P + s.n_G, 1, "a second flush sends nothing");
	stop(&s, c);
}

Test(regs, two_held_writes_leave_as_one_G_of_this_stop)
{
	stub s;
	rsp_conn *c = start(&s);
	regs_cache rc;

	memset(&rc, 0, sizeof(rc));
	cr_assert_eq(regs_cache_write(&rc, c, rsp_reg_find(c, "r0"), 0xffffffff), 0);
	cr_assert_eq(regs_cache_write(&rc, c, rsp_reg_find(c, "pc"), 0x42), 0);
	cr_assert_eq(regs_cache_write(&rc, c, rsp_reg_find(c, "r0"), 0x01020304), 0);
	cr_assert_eq(regs_cache_flush(&rc, c), 0);
	cr_expect_eq(s.n_G, 1);
	cr_expect_eq(s.n_P, 0);
	cr_expect_eq(s.n_g, 1);
	/* r0 patched (last value), r1 as the 'g' gave it, pc patched. */
	cr_expect_str_eq(s.last_G, "04030201" "14151617" "4200000000000000");
	stop(&s, c);
}

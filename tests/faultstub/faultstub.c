/*
 * faultstub: a fake GDB stub for fault-injection tests only (built as
 * build/tests/faultstub, driven by tests/integration/faults_stub.c).
 *
 *   faultstub MODE SOCKET
 *
 * Listens on the unix socket SOCKET, accepts one client and plays a minimal
 * riscv64 stub (enough for `stubrun run --connect` to get through the
 * handshake, set its breakpoints and continue), misbehaving as MODE says:
 * at the handshake, or when the guest is resumed. It exits when the client
 * hangs up, and after FAULTSTUB_LIFETIME_S whatever happens, so that a test
 * gone wrong cannot leave it behind.
 *
 * Framing reuses the library's own framer and encoder (rsp/packet.c), as the
 * in-process fake stub of the library tests does (tests/rsp/fakestub.c);
 * that one plays a finite script on a socketpair inside the test, while
 * this one must be a separate process and loop without end (floods, NAKs).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rsp_int.h"

/* Why 60 s: longer than any test using it; only a lost stub reaches it. */
#define FAULTSTUB_LIFETIME_S 60
/* Why 70000: just over the library's RSP_MAX_PACKET (64 KiB). */
#define OVERSIZED_BYTES 70000
/* A pc that is no breakpoint of the riscv64 examples (they live at
 * 0x80000000 and up): a stop there is "unexpected". */
#define FAKE_PC 0x1000
/* Why 16000: an 'O' packet of 32001 bytes, well under the library's
 * 64 KiB cap, that the reader hands on in 256-byte pieces. */
#define FLOOD_TEXT 16000

typedef enum mode_id {
	M_CONTROL,          /* behaves: the guest "exits" with W07 */
	M_CLOSE_MID_PACKET, /* half a reply to qSupported, then hangs up */
	M_CLOSE_MID_STOP,   /* half a stop reply after continue, hangs up */
	M_BAD_CHECKSUM,     /* every reply with a wrong checksum (ack mode) */
	M_NAK_FOREVER,      /* '-' for every packet */
	M_SILENT,           /* reads everything, answers nothing */
	M_SILENT_RUN,       /* no stop reply, ignores the interrupt too */
	M_FLOOD_O,          /* 'O' packets without end after continue */
	M_OVERSIZED,        /* a 70000-byte reply to qSupported */
	M_OVERSIZED_STOP,   /* a 70000-byte stop reply */
	M_GARBAGE,          /* random bytes for every reply */
	M_GARBAGE_STOP,     /* a framed but meaningless stop reply */
	M_UNKNOWN_THREAD,   /* a stop reply for a thread that does not exist */
} mode_id;

static const struct mode_name {
	const char *name;
	mode_id id;
} modes[] = {
	{ "control", M_CONTROL },
	{ "close-mid-packet", M_CLOSE_MID_PACKET },
	{ "close-mid-stop", M_CLOSE_MID_STOP },
	{ "bad-checksum", M_BAD_CHECKSUM },
	{ "nak-forever", M_NAK_FOREVER },
	{ "silent", M_SILENT },
	{ "silent-run", M_SILENT_RUN },
	{ "flood-o", M_FLOOD_O },
	{ "oversized", M_OVERSIZED },
	{ "oversized-stop", M_OVERSIZED_STOP },
	{ "garbage", M_GARBAGE },
	{ "garbage-stop", M_GARBAGE_STOP },
	{ "unknown-thread", M_UNKNOWN_THREAD },
};

/* QEMU's riscv64 register names, in its order: x0..x31 then pc. */
static const char *const reg_names[] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4",
	"s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	"pc",
};
#define NREGS (sizeof(reg_names) / sizeof(reg_names[0]))

typedef struct stub {
	mode_id mode;
	int fd;
	int no_ack;
	int gone;              /* the client hung up or a write failed */
	rsp_framer fr;
	char xml[4096];
	size_t xml_len;
	char *last;            /* last frame sent, for retransmission */
	size_t last_len, last_cap;
	unsigned rng;
} stub;

/* --- output --------------------------------------------------------------- */

static void put(stub *s, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0 && !s->gone) {
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->gone = 1;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Sends one packet, remembering it for a retransmission on '-'. */
static void reply_bin(stub *s, const void *data, size_t len)
{
	size_t need = 2 * len + 8;

	if (need > s->last_cap) {
		free(s->last);
		s->last_cap = need;
		if (!(s->last = malloc(need)))
			abort();
	}
	if (rsp_frame_encode(s->last, s->last_cap, &s->last_len, data, len, 0))
		abort();
	if (s->mode == M_BAD_CHECKSUM)
		s->last[s->last_len - 1] ^= 1; /* still a hex digit, wrong sum */
	put(s, s->last, s->last_len);
}

static void reply(stub *s, const char *text)
{
	reply_bin(s, text, strlen(text));
}

/* --- the well-behaved part ------------------------------------------------ */

static void build_xml(stub *s)
{
	size_t n = 0;

	n += (size_t)snprintf(s->xml + n, sizeof(s->xml) - n,
		"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
		"<target version=\"1.0\"><architecture>riscv:rv64</architecture>"
		"<feature name=\"org.gnu.gdb.riscv.cpu\">");
	for (size_t i = 0; i < NREGS; i++)
		n += (size_t)snprintf(s->xml + n, sizeof(s->xml) - n,
			"<reg name=\"%s\" bitsize=\"64\" type=\"%s\"/>",
			reg_names[i], i == NREGS - 1 ? "code_ptr" : "int");
	n += (size_t)snprintf(s->xml + n, sizeof(s->xml) - n, "</feature></target>");
	s->xml_len = n;
}

/* qXfer:features:read:target.xml:OFF,LEN */
static void xfer(stub *s, const char *args)
{
	unsigned long off = 0, len = 0;
	char buf[4200];

	if (sscanf(args, "%lx,%lx", &off, &len) != 2 || off > s->xml_len) {
		reply(s, "E00");
		return;
	}
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	if (len > s->xml_len - off)
		len = s->xml_len - off;
	buf[0] = off + len >= s->xml_len ? 'l' : 'm';
	memcpy(buf + 1, s->xml + off, len);
	reply_bin(s, buf, len + 1);
}

static void reg_value(char *hex, unsigned long regnum)
{
	uint64_t v = regnum == NREGS - 1 ? FAKE_PC : 0;
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	rsp_hex_encode(hex, le, 8);
}

static void read_all_regs(stub *s)
{
	char hex[NREGS * 16 + 1];

	for (size_t i = 0; i < NREGS; i++)
		reg_value(hex + 16 * i, i);
	reply(s, hex);
}

/* 'm' answers zeros: the post-mortem reads code and stack. */
static void read_mem(stub *s, const char *args)
{
	unsigned long addr, len;
	char hex[2 * 2048 + 1];

	if (sscanf(args, "%lx,%lx", &addr, &len) != 2) {
		reply(s, "E01");
		return;
	}
	if (len > 2048)
		len = 2048;
	memset(hex, '0', 2 * len);
	hex[2 * len] = '\0';
	reply(s, hex);
}

static int starts(const char *p, const char *prefix)
{
	return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* --- misbehaviour on resume ----------------------------------------------- */

static void garbage(stub *s, int framed)
{
	char junk[512];

	for (size_t i = 0; i < sizeof(junk); i++) {
		s->rng = s->rng * 1103515245u + 12345u;
		junk[i] = (char)(s->rng >> 16);
	}
	if (framed)
		reply_bin(s, junk, sizeof(junk));
	else
		put(s, junk, sizeof(junk));
}

/* Console output without end: 'O' packets of FLOOD_TEXT bytes each (the
 * client decodes and passes them on in small pieces, so it is far slower
 * than this loop, which just resends one prepared frame). An interrupt
 * (0x03) stops it with S02, as a real stub would stop a chatty guest. */
static void flood(stub *s)
{
	static const char line[] = "flood flood flood flood flood flood\n";
	char *text = malloc(FLOOD_TEXT), *pkt = malloc(2 * FLOOD_TEXT + 2);
	char *frame = malloc(2 * (2 * FLOOD_TEXT + 2) + 8);
	size_t flen;

	if (!text || !pkt || !frame)
		abort();
	for (size_t i = 0; i < FLOOD_TEXT; i++)
		text[i] = line[i % (sizeof(line) - 1)];
	pkt[0] = 'O';
	rsp_hex_encode(pkt + 1, text, FLOOD_TEXT);
	if (rsp_frame_encode(frame, 2 * (2 * FLOOD_TEXT + 2) + 8, &flen, pkt,
			     2 * FLOOD_TEXT + 1, 0))
		abort();
	while (!s->gone) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		char ch;
		put(s, frame, flen);
		if (poll(&p, 1, 0) <= 0)
			continue;
		if (recv(s->fd, &ch, 1, MSG_PEEK) <= 0) {
			s->gone = 1;
			break;
		}
		if (ch == 0x03) {
			if (recv(s->fd, &ch, 1, 0) < 0)
				s->gone = 1;
			reply(s, "S02");
		}
		break; /* an interrupt or a packet: back to the main loop */
	}
	free(frame);
	free(pkt);
	free(text);
}

static void oversized(stub *s, char first)
{
	char *big = malloc(OVERSIZED_BYTES);

	if (!big)
		abort();
	memset(big, 'A', OVERSIZED_BYTES);
	big[0] = first;
	reply_bin(s, big, OVERSIZED_BYTES);
	free(big);
}

static void resumed(stub *s)
{
	switch (s->mode) {
	case M_CLOSE_MID_STOP:
		put(s, "$T05thr", 7);
		s->gone = 1;
		break;
	case M_SILENT_RUN:
		break;
	case M_FLOOD_O:
		flood(s);
		break;
	case M_OVERSIZED_STOP:
		oversized(s, 'T');
		break;
	case M_GARBAGE_STOP:
		reply(s, "T\x7f\x7fzz;thread:;;");
		break;
	case M_UNKNOWN_THREAD:
		reply(s, "T05thread:p2a.2a;");
		break;
	default:
		reply(s, "W07");
		s->gone = 1; /* QEMU hangs up after W */
		break;
	}
}

/* --- dispatch ------------------------------------------------------------- */

static void on_packet(stub *s, const char *p)
{
	if (s->mode == M_NAK_FOREVER) {
		put(s, "-", 1);
		return;
	}
	if (!s->no_ack)
		put(s, "+", 1);
	if (s->mode == M_SILENT)
		return;
	if (starts(p, "qSupported")) {
		if (s->mode == M_CLOSE_MID_PACKET) {
			put(s, "$PacketSize=10", 14);
			s->gone = 1;
		} else if (s->mode == M_OVERSIZED) {
			oversized(s, 'P');
		} else if (s->mode == M_GARBAGE) {
			garbage(s, 0);
			garbage(s, 1);
		} else {
			reply(s, s->mode == M_BAD_CHECKSUM ?
			      "PacketSize=1000;qXfer:features:read+" :
			      "PacketSize=1000;qXfer:features:read+;"
			      "QStartNoAckMode+;vContSupported+");
		}
	} else if (s->mode == M_GARBAGE) {
		garbage(s, 1);
	} else if (!strcmp(p, "QStartNoAckMode")) {
		reply(s, "OK");
		s->no_ack = 1;
	} else if (starts(p, "qXfer:features:read:target.xml:")) {
		xfer(s, p + strlen("qXfer:features:read:target.xml:"));
	} else if (!strcmp(p, "vCont?")) {
		reply(s, "vCont;c;C;s;S");
	} else if (p[0] == 'H' && strstr(p, "2a")) {
		reply(s, "E22"); /* thread 42 exists only in a stop reply */
	} else if (p[0] == 'H' || starts(p, "Z0") || starts(p, "z0") ||
		   p[0] == 'D') {
		reply(s, "OK");
	} else if (!strcmp(p, "?")) {
		reply(s, "S05");
	} else if (!strcmp(p, "qfThreadInfo")) {
		reply(s, "m1");
	} else if (!strcmp(p, "qsThreadInfo")) {
		reply(s, "l");
	} else if (p[0] == 'p') {
		char hex[17];
		reg_value(hex, strtoul(p + 1, NULL, 16));
		reply(s, hex);
	} else if (!strcmp(p, "g")) {
		read_all_regs(s);
	} else if (p[0] == 'm') {
		read_mem(s, p + 1);
	} else if (!strcmp(p, "vCont;c") || !strcmp(p, "c")) {
		resumed(s);
	} else if (starts(p, "vCont;s") || !strcmp(p, "s")) {
		reply(s, "S05");
	} else if (!strcmp(p, "k")) {
		s->gone = 1;
	} else {
		reply(s, "");
	}
}

static void serve(stub *s)
{
	char in[4096];

	while (!s->gone) {
		ssize_t n = recv(s->fd, in, sizeof(in), 0);
		size_t pos = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		while (pos < (size_t)n && !s->gone) {
			size_t used = 0;
			rsp_fr_event ev = rsp_framer_feed(&s->fr, &used, in + pos,
							  (size_t)n - pos);
			pos += used;
			if (ev == RSP_FR_PACKET)
				on_packet(s, s->fr.buf);
			else if (ev == RSP_FR_NAK && s->last_len)
				put(s, s->last, s->last_len);
		}
	}
}

static int listen_on(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	stub s;
	int lfd, ret = 2;

	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.rng = 12345;
	if (argc != 3) {
		fprintf(stderr, "usage: faultstub MODE SOCKET\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			s.mode = modes[i].id, ret = 0;
	if (ret) {
		fprintf(stderr, "faultstub: unknown mode %s\n", argv[1]);
		return 2;
	}
	alarm(FAULTSTUB_LIFETIME_S); /* SIGALRM's default action ends us */
	build_xml(&s);
	if (rsp_framer_init(&s.fr, RSP_MAX_PACKET) ||
	    (lfd = listen_on(argv[2])) < 0) {
		perror("faultstub");
		return 1;
	}
	s.fd = accept(lfd, NULL, NULL);
	close(lfd);
	unlink(argv[2]);
	if (s.fd >= 0) {
		serve(&s);
		close(s.fd);
	}
	rsp_framer_fini(&s.fr);
	free(s.last);
	return 0;
}

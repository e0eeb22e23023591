/*
 * Scripted fake GDB stub (see fakestub.h): a thread that plays the stub's
 * side of a conversation over a socketpair, step by step.
 */
#include "fakestub.h"

#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rsp_int.h"

/* How long the stub waits for the client at any step: generous, because a
 * failing test should report a mismatch rather than hang. */
#define FS_WAIT_MS 5000

struct fakestub {
	fs_step *steps;
	size_t n, cap;
	int fd;
	pthread_t thread;
	int started;
	int no_ack;
	int failed;
	char msg[512];
	rsp_framer fr;
	char in[4096];
	size_t pos, len;
};

const fs_step FS_HANDSHAKE_NOACK[] = {
	{ FS_EXPECT_PREFIX, "qSupported:", 0 },
	{ FS_REPLY, "PacketSize=1000;QStartNoAckMode+;vContSupported+", 0 },
	{ FS_EXPECT, "QStartNoAckMode", 0 },
	{ FS_REPLY, "OK", 0 },
	{ FS_EXPECT_ACK, NULL, 0 },
	{ FS_NOACK, NULL, 0 },
	{ FS_EXPECT, "vCont?", 0 },
	{ FS_REPLY, "vCont;c;C;s;S", 0 },
	{ FS_END, NULL, 0 },
};

const fs_step FS_HANDSHAKE_ACK[] = {
	{ FS_EXPECT_PREFIX, "qSupported:", 0 },
	{ FS_REPLY, "PacketSize=1000", 0 },
	{ FS_EXPECT, "vCont?", 0 },
	{ FS_REPLY, "", 0 },
	{ FS_END, NULL, 0 },
};

void fs_add_handshake_xml(fakestub *fs, const char *xml, size_t piece)
{
	size_t len = strlen(xml);

	fs_add(fs, FS_EXPECT_PREFIX, "qSupported:", 0);
	fs_add(fs, FS_REPLY, "PacketSize=1000;qXfer:features:read+;QStartNoAckMode+", 0);
	fs_add(fs, FS_EXPECT, "QStartNoAckMode", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	fs_add(fs, FS_EXPECT_ACK, NULL, 0);
	fs_add(fs, FS_NOACK, NULL, 0);
	fs_add(fs, FS_EXPECT, "Hg0", 0);
	fs_add(fs, FS_REPLY, "OK", 0);
	for (size_t off = 0;; off += piece) {
		size_t n = len - off < piece ? len - off : piece;
		int last = off + n >= len;
		fs_addf(fs, FS_EXPECT, "qXfer:features:read:target.xml:%zx,ff8", off);
		fs_addf(fs, FS_REPLY, "%c%.*s", last ? 'l' : 'm', (int)n, xml + off);
		if (last)
			break;
	}
	fs_add(fs, FS_EXPECT, "vCont?", 0);
	fs_add(fs, FS_REPLY, "vCont;c;C;s;S", 0);
}

fakestub *fakestub_new(void)
{
	fakestub *fs = calloc(1, sizeof(*fs));

	if (!fs)
		abort();
	fs->fd = -1;
	return fs;
}

void fs_add(fakestub *fs, fs_op op, const char *text, size_t len)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 32;
		fs->steps = realloc(fs->steps, fs->cap * sizeof(*fs->steps));
		if (!fs->steps)
			abort();
	}
	if (!text)
		text = "";
	if (!len)
		len = strlen(text);
	char *copy = malloc(len + 1);
	if (!copy)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	fs->steps[fs->n++] = (fs_step){ op, copy, len };
}

void fs_addf(fakestub *fs, fs_op op, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fs_add(fs, op, buf, 0);
}

void fs_add_steps(fakestub *fs, const fs_step *steps)
{
	for (; steps->op != FS_END; steps++)
		fs_add(fs, steps->op, steps->text, steps->len);
}

static void fail(fakestub *fs, size_t step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(fakestub *fs, size_t step, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fs->failed)
		return;
	fs->failed = 1;
	n = snprintf(fs->msg, sizeof(fs->msg), "step %zu: ", step);
	va_start(ap, fmt);
	vsnprintf(fs->msg + n, sizeof(fs->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* 0 with data in fs->in, 1 on EOF, -1 on timeout or error. */
static int fill(fakestub *fs)
{
	if (fs->pos < fs->len)
		return 0;
	struct pollfd p = { fs->fd, POLLIN, 0 };
	if (poll(&p, 1, FS_WAIT_MS) <= 0)
		return -1;
	ssize_t n = read(fs->fd, fs->in, sizeof(fs->in));
	if (n <= 0)
		return n == 0 ? 1 : -1;
	fs->pos = 0;
	fs->len = (size_t)n;
	return 0;
}

static void put(fakestub *fs, const char *data, size_t len)
{
	send(fs->fd, data, len, MSG_NOSIGNAL);
}

/* The next packet from the client, skipping its acks. */
static int read_packet(fakestub *fs, size_t step)
{
	for (;;) {
		int r = fill(fs);
		if (r) {
			fail(fs, step, r > 0 ? "client hung up" : "client silent");
			return -1;
		}
		size_t used;
		rsp_fr_event ev = rsp_framer_feed(&fs->fr, &used, fs->in + fs->pos,
						  fs->len - fs->pos);
		fs->pos += used;
		if (ev == RSP_FR_NEED_MORE || ev == RSP_FR_ACK)
			continue;
		if (ev == RSP_FR_PACKET)
			return 0;
		fail(fs, step, "unexpected framing event %d", (int)ev);
		return -1;
	}
}

/* The next raw byte, optionally skipping '+'. */
static int read_byte(fakestub *fs, size_t step, int skip_acks)
{
	for (;;) {
		int r = fill(fs);
		if (r) {
			fail(fs, step, r > 0 ? "client hung up" : "client silent");
			return -1;
		}
		char ch = fs->in[fs->pos++];
		if (ch == '+' && skip_acks)
			continue;
		return (unsigned char)ch;
	}
}

static void expect_packet(fakestub *fs, size_t i, const fs_step *s)
{
	if (read_packet(fs, i))
		return;
	int match = s->op == FS_EXPECT_PREFIX
			    ? fs->fr.len >= s->len && memcmp(fs->fr.buf, s->text, s->len) == 0
			    : fs->fr.len == s->len && memcmp(fs->fr.buf, s->text, s->len) == 0;
	if (!match && s->op != FS_IGNORE_PACKET && s->op != FS_NAK_PACKET) {
		fail(fs, i, "expected '%.200s', got '%.200s'", s->text, fs->fr.buf);
		return;
	}
	if (s->op == FS_NAK_PACKET)
		put(fs, "-", 1);
	else if (s->op != FS_IGNORE_PACKET && !fs->no_ack)
		put(fs, "+", 1);
}

static void reply(fakestub *fs, const fs_step *s)
{
	size_t cap = 2 * s->len + 8, len;
	char *buf = malloc(cap);

	if (!buf)
		abort();
	rsp_frame_encode(buf, cap, &len, s->text, s->len, s->op == FS_REPLY_RLE);
	put(fs, buf, len);
	free(buf);
}

static void expect_close(fakestub *fs, size_t i)
{
	for (;;) {
		int r = fill(fs);
		if (r > 0)
			return;
		if (r < 0) {
			fail(fs, i, "client did not hang up");
			return;
		}
		size_t used;
		rsp_fr_event ev = rsp_framer_feed(&fs->fr, &used, fs->in + fs->pos,
						  fs->len - fs->pos);
		fs->pos += used;
		if (ev != RSP_FR_NEED_MORE && ev != RSP_FR_ACK) {
			fail(fs, i, "packet '%.100s' instead of hang-up", fs->fr.buf);
			return;
		}
	}
}

static int run_step(fakestub *fs, size_t i)
{
	const fs_step *s = &fs->steps[i];
	int ch;

	switch (s->op) {
	case FS_EXPECT:
	case FS_EXPECT_PREFIX:
	case FS_NAK_PACKET:
	case FS_IGNORE_PACKET:
		expect_packet(fs, i, s);
		break;
	case FS_REPLY:
	case FS_REPLY_RLE:
		reply(fs, s);
		break;
	case FS_RAW:
		put(fs, s->text, s->len);
		break;
	case FS_EXPECT_BYTE:
	case FS_EXPECT_ACK:
	case FS_EXPECT_NAK:
		ch = read_byte(fs, i, s->op == FS_EXPECT_BYTE);
		int want = s->op == FS_EXPECT_BYTE ? (unsigned char)s->text[0]
						   : s->op == FS_EXPECT_ACK ? '+' : '-';
		if (ch >= 0 && ch != want)
			fail(fs, i, "expected byte 0x%02x, got 0x%02x", want, ch);
		break;
	case FS_NOACK:
		fs->no_ack = 1;
		break;
	case FS_SLEEP: {
		long ms = atol(s->text);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		break;
	}
	case FS_CLOSE:
		return 1;
	case FS_EXPECT_CLOSE:
		expect_close(fs, i);
		return 1;
	case FS_END:
		return 1;
	}
	return fs->failed;
}

static void *stub_main(void *arg)
{
	fakestub *fs = arg;

	for (size_t i = 0; i < fs->n; i++)
		if (run_step(fs, i))
			break;
	close(fs->fd);
	fs->fd = -1;
	return NULL;
}

int fakestub_start(fakestub *fs, int *client_fd)
{
	int sv[2];

	if (rsp_framer_init(&fs->fr, RSP_MAX_PACKET))
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	fs->fd = sv[0];
	*client_fd = sv[1];
	if (pthread_create(&fs->thread, NULL, stub_main, fs)) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	fs->started = 1;
	return 0;
}

int fakestub_finish(fakestub *fs, char *msg, size_t msglen)
{
	int ret;

	if (fs->started)
		pthread_join(fs->thread, NULL);
	ret = fs->failed ? -1 : 0;
	if (msg && msglen)
		snprintf(msg, msglen, "%s", fs->msg);
	for (size_t i = 0; i < fs->n; i++)
		free((void *)fs->steps[i].text);
	free(fs->steps);
	if (fs->fr.buf)
		rsp_framer_fini(&fs->fr);
	free(fs);
	return ret;
}

rsp_conn *fs_connect(fakestub *fs, const rsp_config *cfg)
{
	rsp_conn *c = NULL;
	int fd;

	if (fakestub_start(fs, &fd))
		return NULL;
	if (rsp_open_fd(&c, fd, cfg))
		return NULL;
	return c;
}

void fs_trace(rsp_trace_dir dir, const char *data, size_t len, void *arg)
{
	fs_log *log = arg;
	size_t room = sizeof(log->text) - log->len;

	if (room < len + 4)
		return;
	log->text[log->len++] = dir == RSP_TRACE_SEND ? '>' : '<';
	log->text[log->len++] = ' ';
	memcpy(log->text + log->len, data, len);
	log->len += len;
	log->text[log->len++] = '\n';
	log->text[log->len] = '\0';
}

/*
 * The connection object and its request/reply engine: error messages,
 * acknowledgements and retransmission (GDB manual, "Overview" and "Packet
 * Acknowledgment"), tracing, and the lifetime of an rsp_conn.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsp_int.h"

/* Default PacketSize before qSupported says otherwise: GDB's own default. */
#define DEFAULT_PACKET_SIZE 400

const char *rsp_strerror(int err)
{
	switch (err) {
	case RSP_OK: return "success";
	case RSP_ETIMEOUT: return "timeout";
	case RSP_ECLOSED: return "connection closed";
	case RSP_EPROTO: return "protocol error";
	case RSP_EREMOTE: return "remote error";
	case RSP_EUNSUPPORTED: return "not supported";
	case RSP_ESYS: return "system error";
	case RSP_ENOTFOUND: return "not found";
	default: return "unknown error";
	}
}

void rsp_config_init(rsp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_ms = RSP_DEFAULT_TIMEOUT_MS;
	cfg->no_ack = 1;
}

int rsp_open_fd(rsp_conn **out, int fd, const rsp_config *cfg)
{
	rsp_conn *c = calloc(1, sizeof(*c));
	int err = RSP_ESYS;

	*out = NULL;
	if (!c)
		goto out;
	c->fd = fd;
	if (cfg)
		c->cfg = *cfg;
	else
		rsp_config_init(&c->cfg);
	if (c->cfg.timeout_ms <= 0)
		c->cfg.timeout_ms = RSP_DEFAULT_TIMEOUT_MS;
	c->remote_errno = -1;
	c->packet_size = DEFAULT_PACKET_SIZE;
	c->tx_cap = RSP_MAX_RAW + 1;
	c->tx = malloc(c->tx_cap);
	if (!c->tx || rsp_framer_init(&c->fr, RSP_MAX_PACKET))
		goto out;
	if (rsp_fd_prepare(fd))
		goto out;
	*out = c;
	c = NULL;
	err = 0;
out:
	if (c) {
		c->fd = -1;
		rsp_close(c);
	}
	if (err)
		close(fd);
	return err;
}

int rsp_connect(rsp_conn **out, const char *address, int deadline_ms,
		const rsp_config *cfg, char *errbuf, size_t errlen)
{
	int fd, err;

	*out = NULL;
	if ((err = rsp_io_connect(&fd, address, deadline_ms, errbuf, errlen)) < 0)
		return err;
	err = rsp_open_fd(out, fd, cfg);
	if (err && errbuf && errlen)
		snprintf(errbuf, errlen, "%s: out of memory", address);
	return err;
}

void rsp_close(rsp_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	rsp_features_free(c);
	free(c->features);
	free(c->tx);
	rsp_framer_fini(&c->fr);
	free(c);
}

const char *rsp_errmsg(const rsp_conn *c)
{
	return c->errmsg;
}

int rsp_remote_errno(const rsp_conn *c)
{
	return c->remote_errno;
}

int rsp_fd(const rsp_conn *c)
{
	return c->fd;
}

int rsp_timeout(const rsp_conn *c)
{
	return c->cfg.timeout_ms;
}

void rsp_set_timeout(rsp_conn *c, int timeout_ms)
{
	c->cfg.timeout_ms = timeout_ms > 0 ? timeout_ms : RSP_DEFAULT_TIMEOUT_MS;
}

int rsp_seterr(rsp_conn *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void rsp_begin(rsp_conn *c)
{
	c->errmsg[0] = '\0';
	c->remote_errno = -1;
}

static void trace(rsp_conn *c, rsp_trace_dir dir, const char *data, size_t len)
{
	if (c->cfg.trace)
		c->cfg.trace(dir, data, len, c->cfg.trace_arg);
}

static int send_raw(rsp_conn *c, const char *data, size_t len, long deadline)
{
	int err;

	trace(c, RSP_TRACE_SEND, data, len);
	err = rsp_io_write(c->fd, data, len, deadline, c->errmsg,
			   sizeof(c->errmsg));
	if (err == RSP_ECLOSED)
		c->closed = 1;
	return err;
}

/* Reads what is available into c->inbuf (which must be empty), waiting
 * until `deadline`. */
static int fill(rsp_conn *c, long deadline)
{
	size_t got = 0;
	int err;

	if (c->closed)
		return rsp_seterr(c, RSP_ECLOSED, "the stub closed the connection");
	err = rsp_io_read(&got, c->fd, c->inbuf, sizeof(c->inbuf), deadline,
			  c->errmsg, sizeof(c->errmsg));
	if (err == RSP_ECLOSED)
		c->closed = 1;
	if (err)
		return err;
	c->in_pos = 0;
	c->in_len = got;
	return 0;
}

int rsp_send_byte(rsp_conn *c, char byte)
{
	return send_raw(c, &byte, 1, rsp_deadline(c->cfg.timeout_ms));
}

/* The next framing event, reading from the socket as needed. */
static int next_event(rsp_fr_event *ev, rsp_conn *c, long deadline)
{
	for (;;) {
		if (c->in_pos == c->in_len) {
			int err = fill(c, deadline);
			if (err)
				return err;
		}
		size_t used = 0;
		*ev = rsp_framer_feed(&c->fr, &used, c->inbuf + c->in_pos,
				      c->in_len - c->in_pos);
		c->in_pos += used;
		switch (*ev) {
		case RSP_FR_NEED_MORE:
			continue;
		case RSP_FR_ACK:
			trace(c, RSP_TRACE_RECV, "+", 1);
			break;
		case RSP_FR_NAK:
			trace(c, RSP_TRACE_RECV, "-", 1);
			break;
		default:
			trace(c, RSP_TRACE_RECV, c->fr.raw, c->fr.raw_len);
			break;
		}
		return 0;
	}
}

/* Packets that cannot be used however often they are resent. */
static int frame_error(rsp_conn *c, rsp_fr_event ev)
{
	if (!c->no_ack)
		send_raw(c, "+", 1, rsp_deadline(c->cfg.timeout_ms));
	if (ev == RSP_FR_TOOBIG)
		return rsp_seterr(c, RSP_EPROTO,
				  "the stub sent a packet over %d bytes",
				  RSP_MAX_PACKET);
	return rsp_seterr(c, RSP_EPROTO,
			  "the stub sent an invalid run-length encoding");
}

/* Waits for the '+' of the frame in c->tx. 0: acked; ACK_NAK or
 * ACK_TIMEOUT: resend it; else an error. */
enum { ACK_NAK = 1, ACK_TIMEOUT = 2 };

static int await_ack(rsp_conn *c, long deadline)
{
	rsp_fr_event ev;

	for (;;) {
		int err = next_event(&ev, c, deadline);
		if (err == RSP_ETIMEOUT)
			return ACK_TIMEOUT;
		if (err)
			return err;
		switch (ev) {
		case RSP_FR_ACK:
			return 0;
		case RSP_FR_NAK:
			return ACK_NAK;
		case RSP_FR_PACKET:
			/* A reply before the ack: the '+' was lost. The reply
			 * implies the packet arrived; keep it for rsp_recv. */
			c->pending = 1;
			return 0;
		case RSP_FR_BADSUM:
			/* A garbled reply: ask for it again, keep waiting. */
			err = send_raw(c, "-", 1, deadline);
			if (err)
				return err;
			break;
		case RSP_FR_TOOBIG:
		case RSP_FR_BADRLE:
			return frame_error(c, ev);
		default:
			break;
		}
	}
}

/* How long to wait for the '+' of one try. On a lossy line the timeout is
 * split between the tries so that the whole send stays within it; on a
 * stream the ack gets all of it, since it cannot be lost. */
static long ack_deadline(const rsp_conn *c, long deadline)
{
	long split;

	if (!c->cfg.resend_on_timeout)
		return deadline;
	split = rsp_now_ms() + c->cfg.timeout_ms / (RSP_MAX_RETRIES + 1);
	return split < deadline ? split : deadline;
}

int rsp_send(rsp_conn *c, const void *data, size_t len)
{
	long deadline = rsp_deadline(c->cfg.timeout_ms);
	int err, naks = 0;

	err = rsp_frame_encode(c->tx, c->tx_cap, &c->tx_len, data, len, 0);
	if (err || c->tx_len - 4 > c->packet_size)
		return rsp_seterr(c, RSP_EPROTO,
				  "packet of %zu bytes exceeds the PacketSize %zu",
				  len, c->packet_size);
	c->pending = 0;
	for (int attempt = 0; attempt <= RSP_MAX_RETRIES; attempt++) {
		err = send_raw(c, c->tx, c->tx_len, deadline);
		if (err || c->no_ack)
			return err;
		err = await_ack(c, ack_deadline(c, deadline));
		if (err <= 0)
			return err;
		if (err == ACK_TIMEOUT && !c->cfg.resend_on_timeout)
			return rsp_seterr(c, RSP_ETIMEOUT, "no ack from the stub "
					  "within %d ms", c->cfg.timeout_ms);
		naks += err == ACK_NAK;
	}
	if (naks == 0)
		return rsp_seterr(c, RSP_ETIMEOUT, "no ack from the stub after %d tries",
				  RSP_MAX_RETRIES + 1);
	return rsp_seterr(c, RSP_EPROTO, "the stub NAKed %d of %d tries", naks,
			  RSP_MAX_RETRIES + 1);
}

int rsp_recv_input(rsp_conn *c, int *interrupt, const char **data,
		   size_t *len, long deadline)
{
	rsp_fr_event ev;
	int bad = 0;

	for (;;) {
		int err = 0;
		if (c->pending) {
			c->pending = 0;
			ev = RSP_FR_PACKET;
		} else {
			err = next_event(&ev, c, deadline);
		}
		if (err)
			return err;
		switch (ev) {
		case RSP_FR_PACKET:
			if (!c->no_ack) {
				err = send_raw(c, "+", 1, rsp_deadline(c->cfg.timeout_ms));
				/* A stub that hung up after its reply (QEMU
				 * after 'k', a test script) still replied. */
				if (err == RSP_ECLOSED)
					c->errmsg[0] = '\0';
				else if (err)
					return err;
			}
			if (interrupt)
				*interrupt = 0;
			*data = c->fr.buf;
			*len = c->fr.len;
			return 0;
		case RSP_FR_BADSUM:
			if (c->no_ack || ++bad > RSP_MAX_RETRIES)
				return rsp_seterr(c, RSP_EPROTO,
						  "bad checksum from the stub");
			err = send_raw(c, "-", 1, rsp_deadline(c->cfg.timeout_ms));
			if (err)
				return err;
			break;
		case RSP_FR_TOOBIG:
		case RSP_FR_BADRLE:
			return frame_error(c, ev);
		case RSP_FR_INTERRUPT:
			if (interrupt) {
				*interrupt = 1;
				*len = 0;
				return 0;
			}
			break;
		default:
			/* Stray '+'/'-' and notifications carry nothing for
			 * an all-stop client. */
			break;
		}
	}
}

int rsp_recv(rsp_conn *c, const char **data, size_t *len, long deadline)
{
	return rsp_recv_input(c, NULL, data, len, deadline);
}

int rsp_exchange(rsp_conn *c, const char **reply, size_t *rlen,
		 const void *pkt, size_t plen)
{
	int err = rsp_send(c, pkt, plen);

	if (err)
		return err;
	return rsp_recv(c, reply, rlen, rsp_deadline(c->cfg.timeout_ms));
}

int rsp_exchangef(rsp_conn *c, const char **reply, size_t *rlen,
		  const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return rsp_seterr(c, RSP_EPROTO, "request too long");
	return rsp_exchange(c, reply, rlen, buf, (size_t)n);
}

int rsp_check_reply(rsp_conn *c, const char *reply, size_t len,
		    const char *what)
{
	if (len == 0)
		return rsp_seterr(c, RSP_EUNSUPPORTED,
				  "%s: not supported by the stub", what);
	if (reply[0] != 'E')
		return 0;
	if (len == 3 && rsp_hex_digit((unsigned char)reply[1]) >= 0 &&
	    rsp_hex_digit((unsigned char)reply[2]) >= 0) {
		c->remote_errno = rsp_hex_digit((unsigned char)reply[1]) * 16 +
				  rsp_hex_digit((unsigned char)reply[2]);
		return rsp_seterr(c, RSP_EREMOTE, "%s: stub error %s", what, reply);
	}
	if (len >= 2 && reply[1] == '.')
		return rsp_seterr(c, RSP_EREMOTE, "%s: stub error: %.100s", what,
				  reply + 2);
	return 0;
}

int rsp_expect_ok(rsp_conn *c, const char *reply, size_t len,
		  const char *what)
{
	int err = rsp_check_reply(c, reply, len, what);

	if (err)
		return err;
	if (len != 2 || memcmp(reply, "OK", 2) != 0)
		return rsp_seterr(c, RSP_EPROTO, "%s: unexpected reply '%.40s'",
				  what, reply);
	return 0;
}

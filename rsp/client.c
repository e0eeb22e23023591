/*
 * Connection set-up of libgdb-remote: the handshake (qSupported,
 * QStartNoAckMode, qXfer:features:read target description, vCont?; GDB
 * manual "General Query Packets"), feature lookup and the raw request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp_int.h"

/* What we tell the stub (GDB manual, "qSupported"): no multiprocess thread
 * ids (plain tids are all we use), swbreak/hwbreak stop reasons welcome,
 * no instruction relocation, and vCont? answers we can use. */
#define QSUPPORTED "qSupported:multiprocess-;swbreak+;hwbreak+;qRelocInsn-;" \
	"xmlRegisters=i386,arm,aarch64,riscv;vContSupported+"

/* Below this, not even an 'm' request with a 64-bit address fits. */
#define MIN_PACKET_SIZE 64

/* The value of feature `name` in c->features: points after "name" (at '+',
 * '-', '?' or '='), or NULL. */
static const char *find_feature(const rsp_conn *c, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = c->features; p && *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > n && memcmp(p, name, n) == 0 && strchr("+-?=", p[n]))
			return p + n;
		p += len + (end != NULL);
	}
	return NULL;
}

int rsp_has_feature(const rsp_conn *c, const char *feature)
{
	const char *v = find_feature(c, feature);

	return v && (*v == '+' || *v == '=');
}

size_t rsp_packet_size(const rsp_conn *c)
{
	return c->packet_size;
}

int rsp_no_ack(const rsp_conn *c)
{
	return c->no_ack;
}

int rsp_request(char *reply, size_t cap, size_t *len, rsp_conn *c,
		const char *packet)
{
	const char *r;
	size_t rlen;
	int err;

	rsp_begin(c);
	err = rsp_exchange(c, &r, &rlen, packet, strlen(packet));
	if (err)
		return err;
	if (rlen + 1 > cap)
		return rsp_seterr(c, RSP_EPROTO,
				  "reply of %zu bytes does not fit in %zu", rlen, cap);
	memcpy(reply, r, rlen + 1);
	*len = rlen;
	return 0;
}

static int parse_packet_size(rsp_conn *c)
{
	const char *v = find_feature(c, "PacketSize");
	uint64_t size;

	if (!v || *v != '=')
		return 0;
	if (rsp_parse_hex_u64(&size, NULL, v + 1) || size < MIN_PACKET_SIZE)
		return rsp_seterr(c, RSP_EPROTO, "bad PacketSize in qSupported");
	/* Our own frames are capped too; more than that buys nothing. */
	c->packet_size = size > RSP_MAX_PACKET ? RSP_MAX_PACKET : (size_t)size;
	return 0;
}

/* A reply that cannot answer `request`: a protocol error quoting its
 * start, with anything unprintable shown as \xNN so that a garbling stub
 * cannot put raw bytes in the message. */
static int wrong_reply(rsp_conn *c, const char *request, const char *r,
		       size_t len)
{
	char shown[4 * 40 + 1];
	size_t n = 0;

	for (size_t i = 0; i < len && i < 40; i++) {
		unsigned char ch = (unsigned char)r[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			shown[n++] = (char)ch;
		else
			n += (size_t)snprintf(shown + n, sizeof(shown) - n,
					      "\\x%02x", ch);
	}
	shown[n] = '\0';
	return rsp_seterr(c, RSP_EPROTO, "reply '%s%s' cannot answer %s", shown,
			  len > 40 ? "..." : "", request);
}

/* A qSupported reply is a ';'-separated list of "name+", "name-",
 * "name?" or "name=value". Anything else (an "OK", a stop reply, a stale
 * answer to an earlier request) cannot be one: refusing it keeps the
 * conversation from running one reply behind. */
static int is_feature_list(const char *r, size_t len)
{
	const char *end = r + len;

	while (r < end) {
		const char *semi = memchr(r, ';', (size_t)(end - r));
		const char *tok_end = semi ? semi : end;
		size_t n = (size_t)(tok_end - r);
		if (n < 2 || (!memchr(r, '=', n) && !strchr("+-?", tok_end[-1])))
			return 0;
		r = semi ? semi + 1 : end;
	}
	return 1;
}

static int negotiate(rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	err = rsp_exchange(c, &r, &rlen, QSUPPORTED, strlen(QSUPPORTED));
	if (err)
		return err;
	free(c->features);
	c->features = NULL;
	err = rsp_check_reply(c, r, rlen, "qSupported");
	if (err == RSP_EUNSUPPORTED)
		return 0;       /* an old stub: no features, defaults apply */
	if (err)
		return err;
	if (!is_feature_list(r, rlen))
		return wrong_reply(c, "qSupported", r, rlen);
	c->features = strdup(r);
	if (!c->features)
		return rsp_seterr(c, RSP_ESYS, "out of memory");
	return parse_packet_size(c);
}

static int start_no_ack(rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err;

	if (!c->cfg.no_ack || c->no_ack || !rsp_has_feature(c, "QStartNoAckMode"))
		return 0;
	/* Our '+' for the OK is the last ack either side sends. */
	err = rsp_exchangef(c, &r, &rlen, "QStartNoAckMode");
	if (err)
		return err;
	err = rsp_expect_ok(c, r, rlen, "QStartNoAckMode");
	if (err)
		return err;
	c->no_ack = 1;
	return 0;
}

static int load_tdesc(rsp_conn *c)
{
	int err;

	rsp_features_free(c);
	if (!rsp_has_feature(c, "qXfer:features:read"))
		return 0;
	/* gdbserver describes the current thread's process and fails an
	 * assertion when none is selected yet: select any, as GDB does.
	 * An error does not matter (QEMU and gdbserver say OK), but a reply
	 * that cannot answer Hg at all means the stub runs a reply behind. */
	const char *r;
	size_t rlen;
	if (c->cfg.no_select)
		return rsp_features_load(c, c->cfg.lazy_annexes);
	err = rsp_exchangef(c, &r, &rlen, "Hg0");
	if (err)
		return err;
	if (rlen != 0 && strcmp(r, "OK") != 0 && r[0] != 'E')
		return wrong_reply(c, "Hg0", r, rlen);
	return rsp_features_load(c, c->cfg.lazy_annexes);
}

/* vCont? -> "vCont;c;C;s;S": we use vCont only when both c and s exist. */
static int probe_vcont(rsp_conn *c)
{
	const char *r;
	size_t rlen;
	int err, has_c = 0, has_s = 0;

	c->vcont = 0;
	if (c->cfg.no_vcont)
		return 0;
	err = rsp_exchangef(c, &r, &rlen, "vCont?");
	if (err)
		return err;
	if (rlen == 0 || r[0] == 'E')
		return 0;
	if (rlen < 5 || memcmp(r, "vCont", 5) != 0)
		return wrong_reply(c, "vCont?", r, rlen);
	for (const char *p = r + 5; *p == ';';) {
		size_t n = strcspn(++p, ";");
		has_c |= n == 1 && *p == 'c';
		has_s |= n == 1 && *p == 's';
		p += n;
	}
	c->vcont = has_c && has_s;
	return 0;
}

int rsp_handshake(rsp_conn *c)
{
	int err;

	rsp_begin(c);
	err = negotiate(c);
	if (!err)
		err = start_no_ack(c);
	if (!err)
		err = load_tdesc(c);
	if (!err)
		err = probe_vcont(c);
	/* QEMU <= 8.1 answers 'p' with "" until target.xml was read: probe
	 * 'p'/'P' afresh now. */
	c->p_probe = c->P_probe = RSP_PROBE_UNKNOWN;
	return err;
}

/*
 * Private header of libgdb-remote: the connection object, the packet framer
 * (rsp/packet.c), the transport (rsp/transport.c) and the request/reply
 * engine (rsp/conn.c) shared by the command modules. Not installed.
 */
#ifndef RSP_INT_H
#define RSP_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp.h"
#include "tdesc.h"

/*
 * Hard cap on the decoded data of one packet. The largest replies a stub
 * legitimately sends are 'g' (x86_64 with AVX-512 or aarch64 with 2048-bit
 * SVE is about 18 KB of hex) and qXfer chunks, which we request at most
 * PacketSize long; gdbserver's own buffer is 18432 bytes and QEMU's 4096.
 * 64 KiB is over three times the largest of those, yet small enough that a
 * hostile or broken stub cannot make us allocate without bound.
 */
#define RSP_MAX_PACKET 65536

/* Raw bytes of one packet: each decoded byte costs at most two ('}' escape),
 * plus '$', '#' and two checksum digits. */
#define RSP_MAX_RAW (2 * RSP_MAX_PACKET + 4)

/* Retransmissions of one packet on NAK or ack timeout, and bad-checksum
 * replies tolerated per request, before we call the link broken. GDB uses 3. */
#define RSP_MAX_RETRIES 3

/* Cap on one target-description annex and on qRcmd output. QEMU's largest
 * XML (aarch64 with SVE) is ~40 KB; 1 MiB leaves room for any real stub. */
#define RSP_MAX_XFER (1024 * 1024)

/* ---- packet framing (rsp/packet.c) ------------------------------------- */

/* Named states of the receive state machine (cf. QEMU's RS_IDLE..RS_CHKSUM2). */
typedef enum rsp_fr_state {
	RSP_FR_IDLE = 0,   /* between packets: '+', '-', '$', '%' or noise */
	RSP_FR_DATA,       /* inside $...# */
	RSP_FR_ESCAPE,     /* after '}': the next byte is XOR 0x20 */
	RSP_FR_RLE,        /* after '*': the next byte is the repeat count */
	RSP_FR_CHECKSUM1,  /* first checksum hex digit */
	RSP_FR_CHECKSUM2,  /* second checksum hex digit */
} rsp_fr_state;

/* What the framer found. */
typedef enum rsp_fr_event {
	RSP_FR_NEED_MORE = 0, /* all input consumed, nothing complete yet */
	RSP_FR_ACK,           /* '+' */
	RSP_FR_NAK,           /* '-' */
	RSP_FR_PACKET,        /* a packet with a good checksum: buf/len */
	RSP_FR_NOTIFY,        /* a '%' notification, good checksum: buf/len */
	RSP_FR_BADSUM,        /* a packet whose checksum did not match */
	RSP_FR_TOOBIG,        /* a packet over the cap (skipped to its end) */
	RSP_FR_BADRLE,        /* an invalid run-length sequence (packet dropped) */
	RSP_FR_INTERRUPT,     /* 0x03 between frames: a debugger's Ctrl-C */
} rsp_fr_event;

typedef struct rsp_framer {
	rsp_fr_state state;
	int notify;        /* the current frame began with '%' */
	int overflow;      /* the current frame exceeded cap */
	int bad_rle;       /* the current frame has an invalid run */
	int bad_digit;     /* a checksum character was not hex */
	uint8_t sum;       /* running checksum of the raw data */
	uint8_t want;      /* checksum as received */
	int last_raw;      /* previous raw data byte (RLE repeats it), -1 none */
	char *buf;         /* decoded data, NUL-terminated; cap + 1 bytes */
	size_t len, cap;
	char *raw;         /* raw frame for tracing; RSP_MAX_RAW-ish */
	size_t raw_len, raw_cap;
} rsp_framer;

/* Allocates the buffers for packets of up to `cap` decoded bytes. */
int rsp_framer_init(rsp_framer *f, size_t cap);
void rsp_framer_fini(rsp_framer *f);
void rsp_framer_reset(rsp_framer *f);

/* Feeds `len` bytes. Stops at the first event and says in *used how many
 * bytes it consumed; RSP_FR_NEED_MORE means all were consumed. After
 * PACKET/NOTIFY the data is in f->buf/f->len until the next feed. */
rsp_fr_event rsp_framer_feed(rsp_framer *f, size_t *used, const char *data,
			     size_t len);

/* Encodes `data` into a "$...#cc" frame: '$', '#', '}' and '*' escaped;
 * with `rle`, runs of 4+ identical bytes are run-length encoded (never
 * producing a '$' or '#' count). RSP_EPROTO when it does not fit in `cap`
 * (out is NUL-terminated when room allows). */
int rsp_frame_encode(char *out, size_t cap, size_t *len, const void *data,
		     size_t n, int rle);

/* Hex helpers. rsp_hex_decode returns RSP_EPROTO on odd length or a non-hex
 * digit; it writes n/2 bytes. */
void rsp_hex_encode(char *out, const void *data, size_t n);
int rsp_hex_decode(void *out, const char *hex, size_t n);
int rsp_hex_digit(int ch);
/* Parses a hex number of at most 16 digits ending at *end. */
int rsp_parse_hex_u64(uint64_t *out, const char **end, const char *s);

/* ---- the connection ----------------------------------------------------- */

/* Tri-state for features probed on first use. */
enum { RSP_PROBE_UNKNOWN = 0, RSP_PROBE_YES = 1, RSP_PROBE_NO = 2 };

typedef struct rsp_annex rsp_annex;

struct rsp_conn {
	int fd;
	int closed;               /* the stub hung up */
	rsp_config cfg;
	char errmsg[256];
	int remote_errno;

	int no_ack;
	size_t packet_size;
	char *features;           /* qSupported reply, ';'-separated, malloc'd */
	tdesc *tdesc;             /* the register table, maybe partial */
	tdesc *tdesc_part;        /* the partial table it replaced (its
				   * registers may still be pointed to) */
	rsp_annex *annexes;       /* annexes kept while tdesc is partial */
	size_t nannexes;

	int vcont;                /* vCont? named c and s */
	int x_probe;              /* RSP_PROBE_* for the binary 'X' packet */
	int p_probe;              /* RSP_PROBE_* for 'p' */
	int P_probe;              /* RSP_PROBE_* for 'P' */
	int64_t cont_tid;         /* last Hc thread (> 0 used in vCont;s) */

	rsp_framer fr;
	int pending;              /* fr.buf holds a packet not yet returned */
	char inbuf[4096];         /* bytes read but not yet framed */
	size_t in_pos, in_len;
	char *tx;                 /* encoded outgoing frame */
	size_t tx_cap, tx_len;
};

/* ---- the target description (rsp/features.c) ---- */
/* Reads target.xml and what it includes, the `lazy` annexes (NULL:
 * none) left for later when it can; replaces c->tdesc. 0 or an error
 * with the message set. */
int rsp_features_load(rsp_conn *c, const char *const *lazy);
/* Reads what a partial description left out (no-op when whole). */
int rsp_features_complete(rsp_conn *c);
void rsp_features_free(rsp_conn *c);

/* ---- errors (rsp/conn.c) ---- */
int rsp_seterr(rsp_conn *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clears the message and remote errno at the start of a public call. */
void rsp_begin(rsp_conn *c);

/* ---- transport (rsp/transport.c): below the connection ----
 * File descriptors and the caller's message buffer (errbuf may be NULL)
 * only; no rsp_conn. Errors: RSP_ETIMEOUT, RSP_ECLOSED, RSP_ESYS. */
long rsp_now_ms(void);
/* Absolute deadline for `timeout_ms` from now; -1 stays -1 (forever). */
long rsp_deadline(int timeout_ms);
/* Writes all `len` bytes before `deadline`. */
int rsp_io_write(int fd, const void *data, size_t len, long deadline,
		 char *errbuf, size_t errlen);
/* Reads what is available (at least one byte, at most `cap`) into `buf`,
 * waiting until `deadline`; *got gets the count. */
int rsp_io_read(size_t *got, int fd, void *buf, size_t cap, long deadline,
		char *errbuf, size_t errlen);
/* Makes `fd` nonblocking and close-on-exec. */
int rsp_fd_prepare(int fd);
/* Connects to "unix:PATH", "HOST:PORT" or "tcp:HOST:PORT", retrying until
 * `deadline_ms` from now (rsp_connect() in include/rsp.h); *out gets a
 * nonblocking fd, or -1. RSP_EPROTO for a malformed address. */
int rsp_io_connect(int *out, const char *address, int deadline_ms,
		   char *errbuf, size_t errlen);

/* ---- request/reply engine (rsp/conn.c) ---- */
int rsp_timeout(const rsp_conn *c);
/* Sends one packet (binary-safe; escaped here) and, in ack mode, waits for
 * its '+', retransmitting on '-' or ack timeout, all within the connection
 * timeout. RSP_EPROTO when the escaped data exceeds the PacketSize. */
int rsp_send(rsp_conn *c, const void *data, size_t len);
/* Sends a raw byte outside any frame (the 0x03 interrupt). */
int rsp_send_byte(rsp_conn *c, char byte);
/* Receives one packet into c->fr.buf (acking it in ack mode), until
 * `deadline` (-1: forever). */
int rsp_recv(rsp_conn *c, const char **data, size_t *len, long deadline);
/* rsp_recv that also returns at a 0x03 between packets (*interrupt = 1,
 * no data); `interrupt` NULL skips them as rsp_recv does. */
int rsp_recv_input(rsp_conn *c, int *interrupt, const char **data,
		   size_t *len, long deadline);
/* rsp_send + rsp_recv within the connection timeout. The reply stays valid
 * until the next call on c. */
int rsp_exchange(rsp_conn *c, const char **reply, size_t *rlen,
		 const void *pkt, size_t plen);
/* rsp_exchange of a printf-formatted text packet. */
int rsp_exchangef(rsp_conn *c, const char **reply, size_t *rlen,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Maps "" to RSP_EUNSUPPORTED and "Exx"/"E.msg" to RSP_EREMOTE (with the
 * message set); anything else to 0. `what` names the request. */
int rsp_check_reply(rsp_conn *c, const char *reply, size_t len,
		    const char *what);
/* rsp_check_reply, then requires exactly "OK". */
int rsp_expect_ok(rsp_conn *c, const char *reply, size_t len,
		  const char *what);

#endif /* RSP_INT_H */

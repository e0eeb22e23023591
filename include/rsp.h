/*
 * libgdb-remote: a client for the GDB Remote Serial Protocol.
 *
 * This is the whole public API. It implements the client side of the GDB
 * manual's "Remote Protocol" appendix (packets, stop replies, qSupported,
 * qXfer target descriptions, File-I/O) well enough to drive QEMU's system
 * and user-mode stubs and gdbserver.
 *
 * Conventions, the same in every call:
 *  - Functions return 0 (RSP_OK) or a negative rsp_error; results go to
 *    out-parameters, which come first, then the connection, then inputs.
 *  - On an error the connection holds a one-line message: rsp_errmsg().
 *    The library never prints, exits or aborts, and keeps no global state.
 *  - Every call that waits for the stub is bounded by the connection's
 *    timeout (rsp_config.timeout_ms) unless it takes its own.
 *  - Callbacks take a trailing `void *arg`, given back as registered.
 *  - Register values are in the target's byte order (little-endian for all
 *    targets stubrun supports); the *_u64 helpers assume little-endian.
 */
#ifndef RSP_H
#define RSP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. Kept small on purpose: callers branch on these few cases and
 * read rsp_errmsg() for the details. */
typedef enum rsp_error {
	RSP_OK = 0,
	RSP_ETIMEOUT = -1,     /* the stub did not answer within the timeout */
	RSP_ECLOSED = -2,      /* the connection was closed by the stub */
	RSP_EPROTO = -3,       /* malformed, oversized or unexpected data */
	RSP_EREMOTE = -4,      /* the stub answered Exx; see rsp_remote_errno() */
	RSP_EUNSUPPORTED = -5, /* the stub answered "" (packet not supported) */
	RSP_ESYS = -6,         /* an OS call failed; errno was saved in the message */
	RSP_ENOTFOUND = -7,    /* no such register, feature or thread */
} rsp_error;

/* Short static name of an error code, e.g. "timeout". Never NULL. */
const char *rsp_strerror(int err);

typedef struct rsp_conn rsp_conn;

/* Direction of a traced packet. */
typedef enum rsp_trace_dir {
	RSP_TRACE_SEND = 0,
	RSP_TRACE_RECV = 1,
} rsp_trace_dir;

/* Called with the raw bytes of every packet sent or received, framing
 * included ('$', '#', checksum; acks and the 0x03 interrupt byte too).
 * `data` is valid only during the call. */
typedef void (*rsp_trace_fn)(rsp_trace_dir dir, const char *data, size_t len,
			     void *arg);

/* Called with console output the stub sends while the target runs ('O'
 * packets, already hex-decoded). `data` is valid only during the call. */
typedef void (*rsp_console_fn)(const char *data, size_t len, void *arg);

/* The per-request timeout when none is given: long enough for a busy QEMU
 * to answer any request (it answers in microseconds), short enough that a
 * dead stub is noticed while a person still waits. */
#define RSP_DEFAULT_TIMEOUT_MS 5000

/* GDB's signal number of a breakpoint or single-step stop (GDB_SIGNAL_TRAP
 * in GDB's signals.def; the same on every host). */
#define RSP_GDB_SIGTRAP 5

/* File-I/O's errno for "not implemented" (GDB's include/gdb/fileio.h,
 * FILEIO_ENOSYS): the answer to a call nobody implements. */
#define RSP_FILEIO_ENOSYS 88

typedef struct rsp_config {
	int timeout_ms;          /* per request; <= 0 means RSP_DEFAULT_TIMEOUT_MS */
	int no_ack;              /* ask for QStartNoAckMode when offered (default 1) */
	/* Resend a packet whose '+' does not come within a quarter of the
	 * timeout (default 0). Only for a transport that can lose bytes, such
	 * as a serial line: over a socket nothing is lost, a late ack only
	 * means a busy stub, and a resend makes it answer twice. With 0 a
	 * packet is resent only when the stub NAKs it. */
	int resend_on_timeout;
	rsp_trace_fn trace;      /* optional */
	void *trace_arg;
	rsp_console_fn console;  /* optional; without it 'O' output is dropped */
	void *console_arg;
	/* Annexes of the target description (NULL-terminated names, e.g.
	 * QEMU's "system-registers.xml") that the handshake leaves out when
	 * target.xml includes them after all its registers: registers only
	 * a post-mortem reads, fetched at the first lookup that needs them
	 * (rsp_reg_find()). The strings must outlive the connection. NULL
	 * (the default): the whole description at the handshake. */
	const char *const *lazy_annexes;
	/* What the caller knows of its stub, so that the handshake need not
	 * ask it (a round trip each; 0, the default, asks). QEMU's stub
	 * needs neither: it describes its first CPU with no thread
	 * selected, and its c and s resume as vCont would.
	 *   no_select: no Hg0 before the target description (gdbserver
	 *              asserts without one);
	 *   no_vcont:  no vCont? probe; resuming is c and s. */
	int no_select;
	int no_vcont;
} rsp_config;

/* Fills `cfg` with the defaults. */
void rsp_config_init(rsp_config *cfg);

/*
 * Opening and closing.
 *
 * rsp_connect() takes "unix:PATH", "HOST:PORT" or "tcp:HOST:PORT" and retries
 * until `deadline_ms` has passed, because a stub that was just started may not
 * be listening yet. TCP connections get TCP_NODELAY. rsp_open_fd() adopts a
 * connected stream socket (or socketpair end); the connection closes it.
 *
 * None of them talks to the stub: call rsp_handshake() next. `cfg` may be NULL
 * for the defaults; it is copied. On failure *out is NULL and, when `errbuf`
 * is not NULL, a message is written there (there is no connection to hold it).
 * rsp_open_fd() closes `fd` on failure too (only RSP_ESYS: out of memory).
 */
int rsp_connect(rsp_conn **out, const char *address, int deadline_ms,
		const rsp_config *cfg, char *errbuf, size_t errlen);
int rsp_open_fd(rsp_conn **out, int fd, const rsp_config *cfg);

/* Closes the socket and frees everything. NULL is a no-op. Does not send
 * 'k' or 'D': call rsp_kill() or rsp_detach() first for that. */
void rsp_close(rsp_conn *c);

/* The message of the last error on `c`. Valid until the next call on `c`.
 * Never NULL (empty when there was no error). */
const char *rsp_errmsg(const rsp_conn *c);

/* The number from the last "Exx" reply, or -1. */
int rsp_remote_errno(const rsp_conn *c);

/* The file descriptor of the connection, for poll() loops. */
int rsp_fd(const rsp_conn *c);

/*
 * Relaying (a program between a debugger and a stub). rsp_open_debugger()
 * adopts the debugger's connected socket as rsp_open_fd() does, in ack
 * mode, taking packets up to the library's cap. rsp_packet_next() waits up
 * to `timeout_ms` (0: what is already there; -1: forever) for the next
 * packet from the peer, acking it in ack mode, or for an interrupt byte
 * (0x03, a debugger's Ctrl-C); a packet stays valid until the next call on
 * `c`. rsp_packet_send() sends one packet and, in ack mode, waits for its
 * '+'. rsp_set_no_ack() turns acks off, once the relay has answered a
 * debugger's QStartNoAckMode. rsp_input_pending() is 1 when bytes are read
 * but not yet returned: poll() on rsp_fd() cannot see those.
 */
typedef enum rsp_input { RSP_INPUT_PACKET, RSP_INPUT_INTERRUPT } rsp_input;

int rsp_open_debugger(rsp_conn **out, int fd, const rsp_config *cfg);
int rsp_packet_next(rsp_conn *c, rsp_input *kind, const char **data,
		    size_t *len, int timeout_ms);
int rsp_packet_send(rsp_conn *c, const void *data, size_t len);
void rsp_set_no_ack(rsp_conn *c);
int rsp_input_pending(const rsp_conn *c);

/* Changes the per-request timeout (rsp_config.timeout_ms; <= 0 means
 * RSP_DEFAULT_TIMEOUT_MS)
 * for the calls that follow: a caller with a deadline of its own shortens
 * it as the deadline nears. */
void rsp_set_timeout(rsp_conn *c, int timeout_ms);

/*
 * Handshake: qSupported negotiation, QStartNoAckMode when offered and
 * wanted, the target description (qXfer:features:read:target.xml with
 * xi:include resolved) when offered, and vCont? probing.
 * A stub without a target description is fine: the register table is then
 * empty and only the raw 'g'/'p' calls work. Before reading target.xml it
 * sends "Hg0" as GDB does: gdbserver 13 aborts on qXfer:features:read when
 * no thread is selected.
 */
int rsp_handshake(rsp_conn *c);

/* 1 when qSupported named `feature` as supported ("name+" or "name=value"),
 * else 0. E.g. rsp_has_feature(c, "qXfer:features:read"). */
int rsp_has_feature(const rsp_conn *c, const char *feature);

/* The negotiated PacketSize (bytes of packet data the stub accepts). */
size_t rsp_packet_size(const rsp_conn *c);

/* 1 when no-ack mode is in effect. */
int rsp_no_ack(const rsp_conn *c);

/*
 * Raw request: sends `packet` (plain text; '$', '#', '}' and '*' are escaped
 * by the library) and waits for one reply. The reply is copied into `reply`
 * (decoded: run-length expanded, unescaped) and NUL-terminated; *len gets its
 * length without the NUL. A reply that does not fit is RSP_EPROTO.
 * "Exx" replies and the empty reply are returned as they are, not as errors:
 * this is the escape hatch for packets the library does not wrap.
 */
int rsp_request(char *reply, size_t cap, size_t *len, rsp_conn *c,
		const char *packet);

/*
 * Registers, from the target description.
 */
typedef struct rsp_reg {
	const char *name;   /* as in target.xml, e.g. "rip", "x0", "a0", "cpsr" */
	int regnum;         /* number used in p/P and in stop replies */
	int bitsize;
	const char *type;   /* target.xml type, e.g. "int", "code_ptr"; never NULL */
	const char *group;  /* "general", "float", "" ...; never NULL */
	const char *feature;/* name of the <feature> it came from; never NULL */
	long g_offset;      /* byte offset in the 'g' packet, or -1 when not there */
} rsp_reg;

/* The register table. Pointers stay valid until rsp_close(). With
 * rsp_config.lazy_annexes, the first call that needs a register the
 * handshake left out (a lookup that misses, the count, an index) fetches
 * the rest of the description: round trips, so call them with the target
 * halted. If that fails, the part read stands and rsp_errmsg() says why. */
size_t rsp_reg_count(rsp_conn *c);
const rsp_reg *rsp_reg_at(rsp_conn *c, size_t index);
/* Lookup by exact name, then case-insensitively. NULL when absent. */
const rsp_reg *rsp_reg_find(rsp_conn *c, const char *name);

/* Reads all registers with 'g'. Bytes in target order into buf; *len gets
 * the count. RSP_EPROTO when they do not fit in cap. */
int rsp_regs_read_all(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c);
/* Writes them all back with 'G' (a block as rsp_regs_read_all() gave it):
 * e.g. the state before a call into the guest, restored after it. */
int rsp_regs_write_all(rsp_conn *c, const uint8_t *buf, size_t len);

/* Reads one register: 'p', falling back to 'g' when 'p' is not supported.
 * Needs (bitsize+7)/8 bytes of room. Unavailable registers ('x' in the
 * reply) are RSP_ENOTFOUND. */
int rsp_reg_read(uint8_t *buf, size_t cap, size_t *len, rsp_conn *c,
		 const rsp_reg *reg);
/* Writes one register with 'P' (falling back to 'g' + 'G'). */
int rsp_reg_write(rsp_conn *c, const rsp_reg *reg, const uint8_t *value,
		  size_t len);

/* By name, as integers (registers of up to 64 bits; little-endian). */
int rsp_reg_get_u64(uint64_t *value, rsp_conn *c, const char *name);
int rsp_reg_set_u64(rsp_conn *c, const char *name, uint64_t value);

/* Where `reg` sits in a 'g' block of `glen` bytes (as rsp_regs_read_all()
 * returned it): its byte offset and length. RSP_ENOTFOUND when the
 * register is not in the 'g' packet or lies beyond `glen`. Pure. */
int rsp_reg_slot(size_t *offset, size_t *len, const rsp_reg *reg, size_t glen);

/*
 * A register cache for one stop: the whole register file read with ONE 'g'
 * and picked by table (rsp_reg.g_offset), instead of one 'p' per register,
 * and writes held back until rsp_regcache_flush() sends them as one 'P'
 * (one register changed) or one 'G' (several; measured, one 'G' costs
 * 1.2-1.5 'P'). Why: a stop/continue through QEMU's stub costs ~350 us and
 * each exchange ~15 us, so a semihosting call or a breakpoint hit is
 * dominated by how many exchanges it needs.
 *
 * Valid only while the target is halted at the stop it was filled at: the
 * caller must flush and then rsp_regcache_reset() before resuming or
 * stepping, or 'G' would write back stale values of registers the target
 * changed since. The 'G' carries exactly the bytes the 'g' returned, with
 * the dirty registers patched, so every other register keeps its value.
 * Registers outside the 'g' packet (g_offset -1, or beyond what the stub
 * sent) are read with 'p' and written with 'P' at once; so is every
 * register once a 'g' did not fit the cache (4 KiB) or was malformed.
 * Registers wider than 64 bits are RSP_ENOTFOUND here.
 *
 * A cache is not tied to a connection, but must be used with one only.
 * Every function takes a NULL cache: no caching ('p' and 'P' at once).
 */
typedef struct rsp_regcache rsp_regcache;

/* A new, empty cache; RSP_ESYS when out of memory (*out NULL). */
int rsp_regcache_new(rsp_regcache **out);
/* Frees the cache (held writes are dropped). NULL is a no-op. */
void rsp_regcache_free(rsp_regcache *rc);
/* Forgets the values (the target is about to run); held writes must have
 * been flushed. */
void rsp_regcache_reset(rsp_regcache *rc);
/* A register of up to 64 bits, zero-extended: from the cache (filling it
 * with one 'g' on first use) when it is in the 'g' packet, else with 'p'. */
int rsp_regcache_read(uint64_t *value, rsp_regcache *rc, rsp_conn *c,
		      const rsp_reg *reg);
/* Sets a register of up to 64 bits: patched into the cache and sent by
 * rsp_regcache_flush(), or with 'P' now when the cache cannot hold it. */
int rsp_regcache_write(rsp_regcache *rc, rsp_conn *c, const rsp_reg *reg,
		       uint64_t value);
/* Sends the held writes: nothing, one 'P', or one 'G' for two or more. A
 * 'G' answered other than "OK" is RSP_EREMOTE. The writes are no longer
 * held afterwards, whether or not they succeeded. */
int rsp_regcache_flush(rsp_regcache *rc, rsp_conn *c);

/*
 * Memory. Requests are split to fit the PacketSize. Writes use the binary
 * 'X' packet when the stub supports it (probed once) and 'M' otherwise.
 * A fault (e.g. QEMU's E14) is RSP_EREMOTE; nothing is guaranteed about
 * how much of `buf` was filled.
 */
int rsp_mem_read(void *buf, rsp_conn *c, uint64_t addr, size_t len);
int rsp_mem_write(rsp_conn *c, uint64_t addr, const void *buf, size_t len);

/*
 * Breakpoints and watchpoints: Z/z packets. `kind` is the breakpoint kind of
 * the GDB manual (instruction length for software breakpoints, e.g. 2 for
 * Thumb, 4 for A64; watched length for watchpoints).
 */
typedef enum rsp_bp_type {
	RSP_BP_SW = 0,
	RSP_BP_HW = 1,
	RSP_WP_WRITE = 2,
	RSP_WP_READ = 3,
	RSP_WP_ACCESS = 4,
} rsp_bp_type;

int rsp_bp_insert(rsp_conn *c, rsp_bp_type type, uint64_t addr, int kind);
int rsp_bp_remove(rsp_conn *c, rsp_bp_type type, uint64_t addr, int kind);

/*
 * Stop replies. rsp_stop_parse() decodes one reply packet (S, T, W, X, F)
 * completely; it is pure and safe on any input.
 */
typedef enum rsp_stop_kind {
	RSP_STOP_NONE = 0,
	RSP_STOP_SIGNAL,     /* S or T: the target stopped with a signal */
	RSP_STOP_EXITED,     /* W: the process exited with exit_status */
	RSP_STOP_TERMINATED, /* X: the process was killed by `signal` */
	RSP_STOP_FILEIO,     /* F: a File-I/O request, see fileio_* */
} rsp_stop_kind;

typedef enum rsp_stop_reason {
	RSP_REASON_NONE = 0,
	RSP_REASON_SWBREAK,
	RSP_REASON_HWBREAK,
	RSP_REASON_WATCH,
	RSP_REASON_RWATCH,
	RSP_REASON_AWATCH,
	RSP_REASON_OTHER,    /* library, fork, exec, ... : not decoded further */
	RSP_REASON_REPLAY_BEGIN, /* "replaylog:begin": reverse execution
				  * reached the start of the recording */
	RSP_REASON_REPLAY_END,   /* "replaylog:end" */
} rsp_stop_reason;

/* Why these caps: a T packet carries the "expedited" registers the stub
 * chooses (QEMU sends none, gdbserver a few: PC, SP, FP); 32 covers any
 * stub seen, further ones are ignored. 64 bytes holds a 512-bit register. */
#define RSP_STOP_MAX_REGS 32
#define RSP_STOP_REG_BYTES 64
#define RSP_FILEIO_MAX_ARGS 8

typedef struct rsp_stop_reg {
	int regnum;
	size_t len;
	uint8_t value[RSP_STOP_REG_BYTES];
} rsp_stop_reg;

typedef struct rsp_stop {
	rsp_stop_kind kind;
	int signal;              /* SIGNAL, TERMINATED: GDB signal number */
	int exit_status;         /* EXITED */
	int has_thread;          /* "thread:" was present */
	int64_t pid;             /* from "thread:pPID.TID", else -1 */
	int64_t tid;             /* thread id (-1 = all, 0 = any) */
	int has_core;
	int core;
	rsp_stop_reason reason;
	uint64_t watch_addr;     /* WATCH, RWATCH, AWATCH */
	size_t nregs;
	rsp_stop_reg regs[RSP_STOP_MAX_REGS];
	/* FILEIO: "Fname,a1,a2/len,..."; pointer/length pairs give two args. */
	char fileio_call[16];
	size_t fileio_argc;
	uint64_t fileio_args[RSP_FILEIO_MAX_ARGS];
} rsp_stop;

/* RSP_EPROTO on anything malformed. `pkt` need not be NUL-terminated. */
int rsp_stop_parse(rsp_stop *out, const char *pkt, size_t len);

/* Asks why the target is stopped ('?'). */
int rsp_halt_reason(rsp_stop *stop, rsp_conn *c);

/*
 * Execution. rsp_continue() and rsp_step_async() send the resume packet
 * (vCont when the stub offers it, else c/s) and return without waiting;
 * rsp_wait() then waits up to `timeout_ms` (-1: forever) for the stop
 * reply, passing any 'O' output to the console callback meanwhile.
 * RSP_ETIMEOUT from rsp_wait() leaves the target running: the caller may
 * rsp_interrupt() and wait again.
 * Resuming at an address that holds an inserted breakpoint reports that
 * breakpoint again at once, without executing anything (QEMU and gdbserver
 * alike): to get past it, remove it, rsp_step(), insert it again, as GDB
 * does -- rsp_step_over() below.
 */
int rsp_continue(rsp_conn *c);
int rsp_step_async(rsp_conn *c);
int rsp_wait(rsp_stop *stop, rsp_conn *c, int timeout_ms);

/* Single step and wait for its stop (bounded by the connection timeout). */
int rsp_step(rsp_stop *stop, rsp_conn *c);

/* Steps past the inserted software breakpoint at `addr` (the PC): removes
 * it, single-steps, and inserts it again unless the step ended the process.
 * *stop gets the stop of the step. Call it before resuming from a
 * breakpoint (see above). */
int rsp_step_over(rsp_stop *stop, rsp_conn *c, uint64_t addr, int kind);

/* Reverse execution (GDB manual, "bs" and "bc"; stubs that say
 * ReverseStep+ / ReverseContinue+, e.g. QEMU replaying a recording): one
 * instruction back, or back to the previous breakpoint or watchpoint hit.
 * They return without waiting, like rsp_continue(); a walk that reaches
 * the start of the recording stops with RSP_REASON_REPLAY_BEGIN. */
int rsp_reverse_step_async(rsp_conn *c);
int rsp_reverse_continue(rsp_conn *c);

/* Sends the 0x03 interrupt byte; the stop reply comes through rsp_wait(). */
int rsp_interrupt(rsp_conn *c);

/* Answers a File-I/O request: "Fresult[,errno[,C]]". The stub then resumes
 * the target by itself; the next stop comes through rsp_wait(). */
int rsp_fileio_reply(rsp_conn *c, int64_t result, int err, int ctrl_c);

/*
 * Monitor commands (qRcmd): the hex-encoded 'O' output is collected until
 * OK. *out is a NUL-terminated malloc'd string the caller frees with free().
 */
int rsp_monitor(char **out, rsp_conn *c, const char *command);

/*
 * Threads. rsp_thread_list() fills up to `cap` ids from qfThreadInfo /
 * qsThreadInfo; *count gets the total seen (may exceed cap).
 * rsp_thread_select() sends Hg or Hc (`op` 'g' or 'c'); tid -1 = all, 0 = any.
 */
int rsp_thread_list(int64_t *tids, size_t cap, size_t *count, rsp_conn *c);
int rsp_thread_select(rsp_conn *c, char op, int64_t tid);

/* 'k': kill the target. QEMU closes the connection without a reply, which is
 * success here. 'D': detach and let the target run. */
int rsp_kill(rsp_conn *c);
int rsp_detach(rsp_conn *c);

#ifdef __cplusplus
}
#endif

#endif /* RSP_H */

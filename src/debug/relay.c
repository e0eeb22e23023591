/*
 * The debugger relay: hands a halted machine to the user's gdb. QEMU takes
 * one stub connection and stubrun holds it, so stubrun listens (a unix
 * socket in a private directory, or TCP), accepts one debugger and passes
 * its packets to the stub and the stub's to it, interrupts included. Three
 * of the debugger's packets are answered here instead: D and k, which end
 * the session (the stub would resume the guest or kill QEMU, and stubrun
 * still owns the run), and QStartNoAckMode, since each side keeps its own
 * acknowledgements (QEMU 7.2 has no no-ack mode; gdb asks for it when the
 * stub offers it, and may then differ from stubrun's own connection).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "privdir.h"
#include "relay.h"
#include "util.h"

struct relay {
	int fd;                  /* listening socket */
	char dir[256];           /* private directory of a unix socket, or "" */
	char path[300];          /* the unix socket, or "" */
	char address[320];       /* for gdb's `target remote` */
};

/* Why 200 ms: how long a wait goes before the caller's fds are looked at
 * again when none of them can wake the poll (a console read by callback). */
#define RELAY_TICK_MS 200

/* How long a guest left running by a debugger that went away gets to
 * report its stop after the interrupt. */
#define RELAY_HALT_MS 2000

static int listen_unix(relay *rl, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	struct sockaddr_un sa;

	/* sun_path holds 108 bytes: a long TMPDIR falls back to /tmp. */
	if (!tmp || !*tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	if (privdir_make(rl->dir, sizeof(rl->dir), tmp, "debug") < 0) {
		util_errf(err, errlen, "mkdtemp %s: %s", rl->dir, strerror(errno));
		rl->dir[0] = '\0';
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(rl->path, sizeof(rl->path), "%s/gdb.sock", rl->dir);
	if (strlen(rl->path) >= sizeof(sa.sun_path)) {
		util_errf(err, errlen, "%s: path too long for a socket", rl->path);
		rl->path[0] = '\0';
		return -1;
	}
	memcpy(sa.sun_path, rl->path, strlen(rl->path) + 1);
	snprintf(rl->address, sizeof(rl->address), "%s", rl->path);
	rl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rl->fd < 0 || bind(rl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(rl->fd, 1) < 0) {
		util_errf(err, errlen, "%s: %s", rl->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* "HOST:PORT" (HOST may be empty: all addresses; [v6] allowed). The
 * library's own splitter (rsp/transport.c) is private to it: libgdb-remote
 * stands alone, and a client's default host differs from a listener's. */
static int split_host_port(char *host, size_t hcap, const char **port,
			   const char *spec)
{
	const char *colon = strrchr(spec, ':');
	size_t n;

	if (!colon || !colon[1])
		return -1;
	n = (size_t)(colon - spec);
	if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
		spec++;
		n -= 2;
	}
	if (n >= hcap)
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int listen_tcp(relay *rl, const char *spec, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	char host[256];
	const char *port;
	int one = 1, rc;

	if (split_host_port(host, sizeof(host), &port, spec) < 0) {
		util_errf(err, errlen, "--debug-listen %s: not HOST:PORT", spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		util_errf(err, errlen, "--debug-listen %s: %s", spec,
			  gai_strerror(rc));
		return -1;
	}
	rl->fd = socket(ai->ai_family,
			ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	if (rl->fd >= 0)
		setsockopt(rl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rl->fd < 0 || bind(rl->fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(rl->fd, 1) < 0) {
		util_errf(err, errlen, "--debug-listen %s: %s", spec,
			  strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	snprintf(rl->address, sizeof(rl->address), "%s:%s",
		 host[0] ? host : "localhost", port);
	return 0;
}

int relay_listen(relay **out, const char *spec, char *err, size_t errlen)
{
	relay *rl = calloc(1, sizeof(*rl));
	int rc;

	*out = NULL;
	if (!rl) {
		util_errf(err, errlen, "out of memory");
		return -1;
	}
	rl->fd = -1;
	rc = spec ? listen_tcp(rl, spec, err, errlen) :
		    listen_unix(rl, err, errlen);
	if (rc < 0) {
		relay_close(rl);
		return -1;
	}
	*out = rl;
	return 0;
}

const char *relay_address(const relay *rl)
{
	return rl->address;
}

void relay_close(relay *rl)
{
	if (!rl)
		return;
	if (rl->fd >= 0)
		close(rl->fd);
	if (rl->path[0])
		unlink(rl->path);
	if (rl->dir[0])
		rmdir(rl->dir);
	free(rl);
}

/* --- one session --------------------------------------------------------- */

typedef struct session {
	rsp_conn *gdb, *stub;
	const relay_io *io;
	int running;       /* the guest runs on the debugger's resume */
	relay_end end;
	int ended;
} session;

static void finish(session *s, relay_end end)
{
	if (!s->ended) {
		s->end = end;
		s->ended = 1;
	}
}

/* c, s, C, S, vCont;c/s (not vCont?): the guest runs until a stop reply. */
static int is_resume(const char *p, size_t len)
{
	if (len >= 1 && strchr("csCS", p[0]))
		return 1;
	return len >= 6 && memcmp(p, "vCont;", 6) == 0;
}

/* T, S, W, X: the guest stopped (or ended). */
static int is_stop(const char *p, size_t len)
{
	return len >= 1 && strchr("TSWX", p[0]);
}

static int reply_gdb(session *s, const char *text)
{
	int err = rsp_packet_send(s->gdb, text, strlen(text));

	if (err)
		finish(s, RELAY_DEBUGGER_GONE);
	return err;
}

/* A packet or interrupt from the debugger: answered here, or passed to
 * the stub. */
static void from_debugger(session *s, rsp_input kind, const char *p,
			  size_t len)
{
	int err;

	if (kind == RSP_INPUT_INTERRUPT) {
		if (rsp_interrupt(s->stub) < 0)
			finish(s, RELAY_STUB_GONE);
		return;
	}
	if (len >= 1 && p[0] == 'D') {
		reply_gdb(s, "OK");
		finish(s, RELAY_DETACHED);
		return;
	}
	if ((len == 1 && p[0] == 'k') || (len >= 5 && memcmp(p, "vKill", 5) == 0)) {
		if (p[0] == 'v')
			reply_gdb(s, "OK");
		finish(s, RELAY_KILLED);
		return;
	}
	if (len == 15 && memcmp(p, "QStartNoAckMode", 15) == 0) {
		if (reply_gdb(s, "OK") == 0)
			rsp_set_no_ack(s->gdb);
		return;
	}
	err = rsp_packet_send(s->stub, p, len);
	if (err == RSP_EPROTO) {
		/* Over the stub's PacketSize, which the debugger was told. */
		reply_gdb(s, "E01");
		return;
	}
	if (err) {
		finish(s, RELAY_STUB_GONE);
		return;
	}
	if (is_resume(p, len))
		s->running = 1;
}

/* A packet from the stub, for the debugger (before one is there, nothing
 * is waited for: it is dropped). */
static void from_stub(session *s, rsp_input kind, const char *p, size_t len)
{
	if (kind != RSP_INPUT_PACKET || !s->gdb)
		return;
	if (is_stop(p, len))
		s->running = 0;
	if (rsp_packet_send(s->gdb, p, len) < 0)
		finish(s, RELAY_DEBUGGER_GONE);
}

typedef void (*input_fn)(session *s, rsp_input kind, const char *p,
			 size_t len);

/* Everything one side has sent, until its buffer is drained; a side that
 * fails ends the session with `gone`. */
static void side_input(session *s, rsp_conn *from, relay_end gone,
		       input_fn handle)
{
	do {
		rsp_input kind;
		const char *p;
		size_t len;
		int err = rsp_packet_next(from, &kind, &p, &len, 0);

		if (err == RSP_ETIMEOUT)
			return;
		if (err) {
			finish(s, gone);
			return;
		}
		handle(s, kind, p, len);
	} while (!s->ended && rsp_input_pending(from));
}

static void debugger_input(session *s)
{
	side_input(s, s->gdb, RELAY_DEBUGGER_GONE, from_debugger);
}

static void stub_input(session *s)
{
	side_input(s, s->stub, RELAY_STUB_GONE, from_stub);
}

/* Polls the debugger, the stub, the signal fd and the caller's fds; 1 when
 * something is readable. */
static int wait_any(session *s, int listen_fd)
{
	struct pollfd p[8];
	nfds_t n = 0;
	const relay_io *io = s->io;

	if (s->gdb)
		p[n++] = (struct pollfd){ rsp_fd(s->gdb), POLLIN, 0 };
	else
		p[n++] = (struct pollfd){ listen_fd, POLLIN, 0 };
	p[n++] = (struct pollfd){ rsp_fd(s->stub), POLLIN, 0 };
	if (io->sigfd >= 0)
		p[n++] = (struct pollfd){ io->sigfd, POLLIN, 0 };
	for (size_t i = 0; i < io->n_fds && n < 8; i++)
		p[n++] = (struct pollfd){ io->fds[i], POLLIN, 0 };
	if (poll(p, n, RELAY_TICK_MS) < 0)
		return errno == EINTR ? 0 : -1;
	if (io->sigfd >= 0 && (p[2].revents & POLLIN))
		finish(s, RELAY_SIGNAL);
	return 1;
}

static int accept_debugger(session *s, int listen_fd, char *err, size_t errlen)
{
	rsp_config cfg;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	rsp_config_init(&cfg);
	/* Why 10 s: a person's gdb acks at once; the bound only ends a
	 * session with a debugger that stopped reading. */
	cfg.timeout_ms = 10000;
	if (rsp_open_debugger(&s->gdb, fd, &cfg) < 0) {
		util_errf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int input_pending(const session *s)
{
	return (s->gdb && rsp_input_pending(s->gdb)) ||
	       rsp_input_pending(s->stub);
}

/* A guest the debugger left running is halted again, for the caller. */
static void leave_halted(session *s)
{
	rsp_stop stop;

	if (!s->running || s->end == RELAY_STUB_GONE)
		return;
	if (rsp_interrupt(s->stub) == 0)
		rsp_wait(&stop, s->stub, RELAY_HALT_MS);
	s->running = 0;
}

int relay_serve(relay_end *end, relay *rl, rsp_conn *stub, const relay_io *io,
		char *err, size_t errlen)
{
	session s = { .stub = stub, .io = io };
	int rc = 0;

	while (!s.ended) {
		if (io->drain)
			io->drain(io->arg);
		/* Bytes the connections have read already are invisible to
		 * poll(): with some, it is skipped. */
		if (!input_pending(&s) && wait_any(&s, rl->fd) < 0) {
			util_errf(err, errlen, "poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (s.ended)
			break;
		if (!s.gdb) {
			/* The listening socket is nonblocking: a wake-up by
			 * another fd finds no debugger and the loop goes on. */
			stub_input(&s);
			if (!s.ended &&
			    (rc = accept_debugger(&s, rl->fd, err, errlen)) < 0)
				break;
			continue;
		}
		debugger_input(&s);
		if (!s.ended)
			stub_input(&s);
	}
	leave_halted(&s);
	rsp_close(s.gdb);
	*end = s.end;
	return rc < 0 ? -1 : 0;
}

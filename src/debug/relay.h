/*
 * The debugger relay: a listening endpoint for the user's gdb, and one
 * debugging session relayed to the stub stubrun holds (relay.c).
 */
#ifndef RELAY_H
#define RELAY_H

#include <stddef.h>

#include "rsp.h"

typedef struct relay relay;

/* Why the session ended. */
typedef enum relay_end {
	RELAY_DETACHED,      /* the debugger sent D */
	RELAY_KILLED,        /* the debugger sent k or vKill */
	RELAY_DEBUGGER_GONE, /* it hung up or stopped reading */
	RELAY_STUB_GONE,     /* the stub hung up (QEMU exited) */
	RELAY_SIGNAL,        /* the signal fd became readable (not read) */
} relay_end;

/* What else the session watches: the caller's signal fd (-1: none), fds
 * whose input `drain` consumes (QEMU's console), called each round. */
typedef struct relay_io {
	int sigfd;
	const int *fds;
	size_t n_fds;
	void (*drain)(void *arg);
	void *arg;
} relay_io;

/* Listens on "HOST:PORT" (`spec`), or with `spec` NULL on a unix socket in
 * a new private directory. 0, or -1 with the message in `err`. */
int relay_listen(relay **out, const char *spec, char *err, size_t errlen);

/* What to give gdb's `target remote`: the socket's path, or HOST:PORT. */
const char *relay_address(const relay *rl);

/* Accepts one debugger and relays between it and `stub` (halted) until the
 * session ends (*end says why). The stub is left halted unless it is gone;
 * its per-request timeout is the caller's. Waits without bound for the
 * debugger: the signal fd ends the wait. 0, or -1 with the message in
 * `err` (a failed poll or accept). */
int relay_serve(relay_end *end, relay *rl, rsp_conn *stub, const relay_io *io,
		char *err, size_t errlen);

/* Closes the endpoint and removes its socket and directory. NULL: no-op. */
void relay_close(relay *rl);

#endif /* RELAY_H */

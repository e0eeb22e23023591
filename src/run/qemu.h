/*
 * The QEMU launcher: starts QEMU halted with its GDB stub on one end of a
 * socketpair (the other end is ours: no socket file, nothing to connect to)
 * or on TCP, with a private mkdtemp directory as its TMPDIR, in its own process
 * group, dying with us (PR_SET_PDEATHSIG), its stdin /dev/null (user mode:
 * ours, and in our group when it is a terminal), its stdout
 * (the guest console, when QEMU is given `-serial chardev:...` on stdio) and
 * its stderr on pipes the caller polls. qemu_free() kills the group, reaps
 * QEMU and removes the directory, on every path.
 */
#ifndef QEMU_H
#define QEMU_H

#include <stddef.h>
#include <sys/types.h>

typedef struct qemu_proc qemu_proc;

enum {
	QEMU_ENOENT = -1,    /* the binary was not found (exit status 127) */
	QEMU_ENOEXEC = -2,   /* found but not executable (exit status 126) */
	QEMU_ESYS = -3,      /* fork, pipe, mkdtemp... failed */
};

typedef struct qemu_spec {
	const char *binary;        /* a path, or a name searched in PATH */
	const char *const *args;   /* NULL-terminated, without argv[0], -S, -gdb */
	int tcp;                   /* 0: a socketpair; 1: TCP on 127.0.0.1 */
	int tcp_port;              /* TCP: the port, 0 to pick a free one */
	int stdin_pipe;            /* QEMU's stdin a pipe (qemu_stdin_fd), not
				    * /dev/null: the console's input */
	/* User mode (qemu-ARCH, a Linux program): the stub is `-g PATH`, a
	 * unix socket in the private directory (qemu_gdb_address()), or `-g
	 * PORT` with tcp; no -S (qemu-user waits for the debugger by
	 * itself); stdin is ours, inherited. */
	int user;
} qemu_spec;

/*
 * Starts QEMU. The caller must block SIGINT/SIGTERM/SIGHUP/SIGPIPE as it
 * likes; the child gets an empty signal mask and default dispositions.
 * A private directory (qemu_dir()) holds qemu-user's socket and, as
 * QEMU's $TMPDIR, the overlays of snapshot=on drives; a run with neither
 * has none.
 * On failure *out is NULL and errbuf holds a one-line message.
 */
int qemu_spawn(qemu_proc **out, const qemu_spec *spec, char *errbuf,
	       size_t errlen);

/* Kills the process group (SIGKILL), reaps QEMU, closes the pipes and the
 * stub's socketpair end (unless taken) and removes the directory. NULL is a
 * no-op. */
void qemu_free(qemu_proc *q);

/* TCP: the stub's address for rsp_connect(), "127.0.0.1:PORT"; user
 * mode: "unix:PATH" or that; NULL when the stub is on a socketpair. */
const char *qemu_gdb_address(const qemu_proc *q);
/* Socketpair: our end, connected to QEMU's stub, for rsp_open_fd(); the
 * caller owns it from then on. -1 for TCP, or when already taken. */
int qemu_take_gdb_fd(qemu_proc *q);
/* The private directory (exists until qemu_free()), or "" when QEMU
 * needs none (see qemu_spawn). */
const char *qemu_dir(const qemu_proc *q);
pid_t qemu_pid(const qemu_proc *q);

/* The write end of QEMU's stdin (non-blocking) when spec.stdin_pipe, or -1. */
int qemu_stdin_fd(const qemu_proc *q);
/* Takes back the console input QEMU has not read yet (stdin_pipe), so
 * that none reaches a guest restored meanwhile; *dropped: the bytes. 0,
 * or QEMU_ESYS. */
int qemu_discard_input(size_t *dropped, qemu_proc *q);
/* Read ends of QEMU's stdout and stderr (non-blocking), -1 once closed. */
int qemu_stdout_fd(const qemu_proc *q);
int qemu_stderr_fd(const qemu_proc *q);

/* Reads what is available on stdout (`which` 1) or stderr (2) into buf;
 * *len gets the count, 0 at end of file (the fd is then closed). Bytes
 * from stderr are also kept: see qemu_stderr_last_line(). */
int qemu_read(char *buf, size_t cap, size_t *len, qemu_proc *q, int which);

/* The last line QEMU wrote to stderr that starts with "qemu" (its error
 * lines name the binary), else the last non-empty line ("" when none). */
const char *qemu_stderr_last_line(const qemu_proc *q);

/* The signal N when QEMU said it was "terminating on signal N" (it was
 * killed, not powered off by its guest), else 0. Read once stderr is
 * drained to its end. */
int qemu_killed_signal(const qemu_proc *q);

/* Waits up to timeout_ms (0: just checks) for QEMU to exit. *exited is 1
 * when it has; *wstatus then holds its waitpid() status. Draining the
 * pipes is the caller's job. */
int qemu_wait(int *exited, int *wstatus, qemu_proc *q, int timeout_ms);

/* Sends SIGKILL to the process group now (QEMU is reaped by qemu_free()
 * or qemu_wait()). */
void qemu_kill(qemu_proc *q);

#endif /* QEMU_H */

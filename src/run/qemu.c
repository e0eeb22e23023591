/* The QEMU launcher: the stub's socketpair, process group, pipes, and the
 * guarantee that QEMU is killed, reaped and its directory removed. */
#include "qemu.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privdir.h"
#include "spawn.h"
#include "util.h"

/* Why 512: a QEMU error line ("qemu-system-x86_64: -machine foo: ...") is
 * well under it; longer lines are cut, never grown without bound. */
#define LINE_MAX_BYTES 512
#define STDERR_PIPE_BYTES (1 << 20)

struct qemu_proc {
	pid_t pid;              /* -1 once reaped */
	int out_fd, err_fd;
	int in_fd;                /* QEMU's stdin (the console's input), or -1 */
	int in_peer_fd;         /* the read end of that pipe, QEMU's fd 0, kept
				 * to take back what QEMU has not read */
	char dir[128];          /* "" when none */
	int gdb_fd;             /* our end of the stub's socketpair, or -1 */
	char address[192];      /* TCP: "127.0.0.1:PORT"; "" otherwise */
	char line[LINE_MAX_BYTES];   /* stderr line being collected */
	size_t line_len;
	char last_line[LINE_MAX_BYTES];
	char last_qemu_line[LINE_MAX_BYTES]; /* last "qemu-system-...: ..." */
	int killed_by;          /* N of "terminating on signal N", else 0 */
};

/* Where the private directories go: TMPDIR, but sun_path holds 108
 * bytes, so a long one falls back to /tmp. */
static const char *dir_parent(void)
{
	const char *tmp = getenv("TMPDIR");

	return !tmp || !*tmp || strlen(tmp) > 60 ? "/tmp" : tmp;
}

static int make_dir(qemu_proc *q, char *errbuf, size_t errlen)
{
	const char *tmp = dir_parent();

	if (privdir_make(q->dir, sizeof(q->dir), tmp, "run") < 0) {
		int e = errno;
		util_errf(errbuf, errlen, "mkdtemp %s: %s", q->dir, strerror(e));
		q->dir[0] = '\0';
		return QEMU_ESYS;
	}
	return 0;
}

/* The private directory is made only when something goes in it:
 * qemu-user's socket, or the temporary overlay QEMU writes for a drive
 * with snapshot=on (-snapshot, or a -drive of ours or --qemu-arg's).
 * Otherwise its making and removal would be time of every run for
 * nothing; the sweep of dead owners' directories still runs (qemu_spawn):
 * a run is what cleans up after a killed one. */
static int wants_dir(const qemu_spec *spec)
{
	if (spec->user)
		return 1;
	for (size_t i = 0; spec->args && spec->args[i]; i++)
		if (strstr(spec->args[i], "snapshot"))
			return 1;
	return 0;
}

/* A free TCP port on 127.0.0.1, chosen by the kernel. Another process may
 * take it before QEMU binds it; QEMU then fails at once, with a message. */
static int free_port(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
		*port = ntohs(sa.sin_port);
		ret = 0;
	}
	close(fd);
	return ret;
}

/* `chardev` is a -chardev spec for the stub, or NULL when `gdbarg` names
 * the stub's transport by itself. */
static int build_argv(char ***out, const qemu_spec *spec, const char *chardev,
		      const char *gdbarg)
{
	size_t n = 0, i = 0;
	char **argv;

	while (spec->args && spec->args[n])
		n++;
	argv = calloc(n + 7, sizeof(*argv));
	if (!argv)
		return -1;
	argv[i++] = (char *)spec->binary;
	if (!spec->user)
		argv[i++] = (char *)"-S";
	if (chardev) {
		argv[i++] = (char *)"-chardev";
		argv[i++] = (char *)chardev;
	}
	argv[i++] = (char *)(spec->user ? "-g" : "-gdb");
	argv[i++] = (char *)gdbarg;
	for (size_t k = 0; k < n; k++)
		argv[i++] = (char *)spec->args[k];
	argv[i] = NULL;
	*out = argv;
	return 0;
}

static void set_nonblock(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* QEMU in a process group of its own, killed with us, its signal state
 * reset, stdin /dev/null or the console's input pipe (want_stdin); the
 * stub's end of the socketpair (or -1) is the one close-on-exec
 * descriptor it inherits. */
static int start(qemu_proc *q, char **argv, int child_gdb_fd, int want_stdin,
		 int inherit_stdin, char *errbuf, size_t errlen)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, inp[2] = { -1, -1 };
	int ret = QEMU_ESYS, e = 0;
	spawn_opts so;

	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) ||
	    (want_stdin && pipe2(inp, O_CLOEXEC))) {
		util_errf(errbuf, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	/* Nobody reads QEMU's stderr while the handshake waits for the stub:
	 * an error longer than the default 64 KiB pipe (it quotes a huge
	 * -cpu value, say) would block QEMU before it exits, and the stub
	 * would never answer. 1 MiB is Linux's default pipe-max-size; a
	 * failure to grow it leaves the default, as before. */
	fcntl(errp[0], F_SETPIPE_SZ, STDERR_PIPE_BYTES);
	spawn_opts_init(&so, argv);
	so.path_search = 1;
	/* A Linux program reads our stdin (fd 0 onto itself keeps it). */
	so.in_fd = inherit_stdin ? 0 : inp[0];
	so.same_pgrp = inherit_stdin && isatty(0);
	so.out_fd = outp[1];
	so.err_fd = errp[1];
	so.death_signal = SIGKILL;
	so.reset_signals = 1;
	/* QEMU's own temporary files (snapshot=on) go in our directory,
	 * which qemu_free() empties. */
	so.tmpdir = q->dir[0] ? q->dir : NULL;
	so.keep_fd = child_gdb_fd;
	if (spawn_start(&q->pid, &e, &so) < 0) {
		util_errf(errbuf, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (e) {
		ret = (e == ENOENT || e == ENOTDIR) ? QEMU_ENOENT :
		      (e == EACCES || e == ENOEXEC || e == EISDIR ||
		       e == EPERM) ? QEMU_ENOEXEC : QEMU_ESYS;
		util_errf(errbuf, errlen, "%s: %s", argv[0],
			  ret == QEMU_ENOENT ? "QEMU not found" : strerror(e));
		goto out;
	}
	/* Console input never blocks the run loop (run_console.c). */
	set_nonblock(q->out_fd = outp[0]);
	set_nonblock(q->err_fd = errp[0]);
	set_nonblock(q->in_fd = inp[1]);
	/* QEMU makes its stdin non-blocking itself: the flag is shared. */
	set_nonblock(q->in_peer_fd = inp[0]);
	outp[0] = errp[0] = inp[0] = inp[1] = -1;
	ret = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (inp[i] >= 0)
			close(inp[i]);
	}
	return ret;
}

/* Where QEMU opens its stub: TCP on 127.0.0.1 (gdbarg names the port), or
 * a socketpair, one end handed to QEMU as a connected chardev: the stub
 * is there the moment QEMU starts, so there is no socket file to wait
 * for, poll or clean up, and no name another process could connect to. */
static int stub_channel(qemu_proc *q, char *gdbarg, size_t gcap, char *chardev,
			size_t ccap, int pair[2], const qemu_spec *spec,
			char *errbuf, size_t errlen)
{
	int port = spec->tcp_port;

	if (spec->tcp) {
		if (port == 0 && free_port(&port) < 0) {
			util_errf(errbuf, errlen, "no free TCP port: %s",
				  strerror(errno));
			return QEMU_ESYS;
		}
		/* qemu-user's -g takes a bare port (and listens on all
		 * addresses: QEMU 7.2 has no way to say 127.0.0.1). */
		snprintf(gdbarg, gcap, spec->user ? "%d" : "tcp:127.0.0.1:%d", port);
		snprintf(q->address, sizeof(q->address), "127.0.0.1:%d", port);
		return 0;
	}
	if (spec->user) {
		/* qemu-user takes no chardev: a socket file in our private
		 * directory (mode 0700: nobody else can reach it). */
		snprintf(gdbarg, gcap, "%s/gdb.sock", q->dir);
		snprintf(q->address, sizeof(q->address), "unix:%s/gdb.sock",
			 q->dir);
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		util_errf(errbuf, errlen, "socketpair: %s", strerror(errno));
		return QEMU_ESYS;
	}
	snprintf(chardev, ccap, "socket,id=stubrun_gdb,fd=%d,server=off", pair[1]);
	snprintf(gdbarg, gcap, "chardev:stubrun_gdb");
	return 0;
}

int qemu_spawn(qemu_proc **out, const qemu_spec *spec, char *errbuf,
	       size_t errlen)
{
	qemu_proc *q = calloc(1, sizeof(*q));
	char gdbarg[256], chardev[128];
	char **argv = NULL;
	int ret = QEMU_ESYS, pair[2] = { -1, -1 };

	*out = NULL;
	if (!q) {
		util_errf(errbuf, errlen, "out of memory");
		return QEMU_ESYS;
	}
	q->pid = -1;
	q->out_fd = q->err_fd = q->gdb_fd = q->in_fd = q->in_peer_fd = -1;
	if (wants_dir(spec) && (ret = make_dir(q, errbuf, errlen)) < 0)
		goto out;
	if ((ret = stub_channel(q, gdbarg, sizeof(gdbarg), chardev,
				sizeof(chardev), pair, spec, errbuf, errlen)) < 0)
		goto out;
	ret = QEMU_ESYS;
	if (build_argv(&argv, spec, spec->tcp || spec->user ? NULL : chardev,
		       gdbarg) < 0) {
		util_errf(errbuf, errlen, "out of memory");
		goto out;
	}
	ret = start(q, argv, pair[1], spec->stdin_pipe && !spec->user,
		    spec->user, errbuf, errlen);
	if (ret == 0) {
		q->gdb_fd = pair[0];
		pair[0] = -1;
		/* The sweep of dead runs' directories (make_dir() did it for
		 * a run with one) while QEMU starts, rather than before. */
		if (!wants_dir(spec))
			privdir_sweep(dir_parent());
	}
out:
	if (pair[0] >= 0)
		close(pair[0]);
	if (pair[1] >= 0)
		close(pair[1]);
	free(argv);
	if (ret < 0) {
		qemu_free(q);
		return ret;
	}
	*out = q;
	return 0;
}

static void reap(qemu_proc *q, int *wstatus)
{
	int st = 0;
	pid_t r;

	do
		r = waitpid(q->pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (wstatus)
		*wstatus = st;
	q->pid = -1;
}

void qemu_kill(qemu_proc *q)
{
	if (q && q->pid > 0) {
		kill(-q->pid, SIGKILL);
		kill(q->pid, SIGKILL); /* in case setpgid had not happened */
	}
}

void qemu_free(qemu_proc *q)
{
	if (!q)
		return;
	if (q->pid > 0) {
		qemu_kill(q);
		reap(q, NULL);
	}
	if (q->in_fd >= 0)
		close(q->in_fd);
	if (q->in_peer_fd >= 0)
		close(q->in_peer_fd);
	if (q->out_fd >= 0)
		close(q->out_fd);
	if (q->err_fd >= 0)
		close(q->err_fd);
	if (q->gdb_fd >= 0)
		close(q->gdb_fd);
	if (q->dir[0])
		privdir_remove(q->dir);
	free(q);
}

const char *qemu_gdb_address(const qemu_proc *q)
{
	return q->address[0] ? q->address : NULL;
}

int qemu_take_gdb_fd(qemu_proc *q)
{
	int fd = q->gdb_fd;

	q->gdb_fd = -1;
	return fd;
}

const char *qemu_dir(const qemu_proc *q)
{
	return q->dir;
}

pid_t qemu_pid(const qemu_proc *q)
{
	return q->pid;
}

int qemu_stdin_fd(const qemu_proc *q)
{
	return q->in_fd;
}

int qemu_discard_input(size_t *dropped, qemu_proc *q)
{
	char buf[4096];
	ssize_t n;

	*dropped = 0;
	if (q->in_peer_fd < 0)
		return 0;
	while ((n = read(q->in_peer_fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		*dropped += n > 0 ? (size_t)n : 0;
	return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK ? QEMU_ESYS : 0;
}

int qemu_stdout_fd(const qemu_proc *q)
{
	return q->out_fd;
}

int qemu_stderr_fd(const qemu_proc *q)
{
	return q->err_fd;
}

/* QEMU's signal handler asks for a clean shutdown and says so on stderr
 * ("qemu-system-riscv64: terminating on signal 15 from pid ..."); the stub
 * then reports W00 and QEMU exits 0, just as after a guest power-off. This
 * line is the only sign that the exit was not the guest's. */
static int killed_by_signal(const char *line)
{
	static const char mark[] = ": terminating on signal ";
	const char *p = strstr(line, mark);
	long sig;

	if (strncmp(line, "qemu", 4) || !p)
		return 0;
	sig = strtol(p + sizeof(mark) - 1, NULL, 10);
	return sig > 0 && sig < 128 ? (int)sig : 0;
}

static void keep_stderr(qemu_proc *q, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n' || data[i] == '\r') {
			if (q->line_len > 0) {
				memcpy(q->last_line, q->line, q->line_len);
				q->last_line[q->line_len] = '\0';
				if (!strncmp(q->line, "qemu", 4))
					memcpy(q->last_qemu_line, q->last_line,
					       q->line_len + 1);
				if (!q->killed_by)
					q->killed_by = killed_by_signal(q->last_line);
			}
			q->line_len = 0;
		} else if (q->line_len < sizeof(q->line) - 1) {
			q->line[q->line_len++] = data[i];
		}
	}
	q->line[q->line_len] = '\0';
}

int qemu_read(char *buf, size_t cap, size_t *len, qemu_proc *q, int which)
{
	int *fd = which == 2 ? &q->err_fd : &q->out_fd;
	ssize_t n;

	*len = 0;
	if (*fd < 0)
		return 0;
	do
		n = read(*fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : QEMU_ESYS;
	if (n == 0) {
		close(*fd);
		*fd = -1;
		if (which == 2)
			keep_stderr(q, "\n", 1);
		return 0;
	}
	if (which == 2)
		keep_stderr(q, buf, (size_t)n);
	*len = (size_t)n;
	return 0;
}

const char *qemu_stderr_last_line(const qemu_proc *q)
{
	/* QEMU's own lines name it ("qemu-system-x86_64: -m 1T: ..."); a
	 * hint such as "Use -machine help ..." may follow the real error. */
	if (q->last_qemu_line[0])
		return q->last_qemu_line;
	return q->line_len ? q->line : q->last_line;
}

int qemu_killed_signal(const qemu_proc *q)
{
	return q->killed_by;
}

/* Sleeps until QEMU exits or `ms` pass. QEMU's pidfd (`pidfd`) becomes
 * readable at its exit, so the reap follows at once (a run's verdict
 * waits for it); without pidfds (Linux < 5.3: -1) a short nap stands in
 * for the event. */
static void await_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0)
		poll(NULL, 0, ms < 5 ? ms : 5);
	else
		poll(&p, 1, ms);
}

int qemu_wait(int *exited, int *wstatus, qemu_proc *q, int timeout_ms)
{
	int64_t deadline = util_now_ms() + timeout_ms;
	int pidfd = -1, opened = 0, ret = 0;

	*exited = 0;
	if (q->pid < 0)
		return QEMU_ESYS;
	for (;;) {
		pid_t r = waitpid(q->pid, wstatus, WNOHANG);
		if (r == q->pid) {
			q->pid = -1;
			*exited = 1;
			break;
		}
		if (r < 0 && errno != EINTR) {
			ret = QEMU_ESYS;
			break;
		}
		int64_t left = deadline - util_now_ms();
		if (left <= 0)
			break;
		/* Opened once: a wait interrupted by a signal polls again. */
		if (!opened) {
			pidfd = (int)syscall(SYS_pidfd_open, q->pid, 0);
			opened = 1;
		}
		await_exit(pidfd, (int)left);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

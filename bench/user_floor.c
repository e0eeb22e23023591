/*
 * user_floor: the least a debugger can do to run a program under
 * qemu-user's GDB stub, for bench/run.sh: what `-g` costs QEMU itself,
 * apart from stubrun's own work.
 *
 *   user_floor QEMU_USER [QEMU_ARG...] PROG [ARG...]
 *
 * Starts `QEMU_USER -g DIR/gdb.sock QEMU_ARG... PROG ARG...` (DIR a fresh
 * private directory), connects when the socket appears (inotify), sends
 * one continue packet and reads until the exit packet (W or X), then reaps
 * QEMU. No handshake, no target description, no registers: a run any
 * client must at least pay for. The exit status is the program's (W), 128
 * + N for a signal (X; a signal stop kills the program), 125 when
 * user_floor itself fails.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_OWN_ERROR 125
/* Why 10 s: qemu-user binds its socket within 100 ms even under load. */
#define CONNECT_WAIT_MS 10000

/* Connects to the socket at `path` once qemu-user has bound and listens on
 * it; the directory is watched for its creation. -1 on failure. */
static int uf_connect(const char *dir, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int in = inotify_init1(IN_CLOEXEC), fd = -1;
	int waited = 0;

	if (in < 0 || inotify_add_watch(in, dir, IN_CREATE) < 0)
		goto out;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	while (waited < CONNECT_WAIT_MS) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto out;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			goto out;
		close(fd);
		fd = -1;
		/* Bound but not listening yet (ECONNREFUSED): again in
		 * 0.1 ms; not there yet (ENOENT): wait for the file. */
		if (errno == ECONNREFUSED) {
			struct timespec ts = { 0, 100000 };
			nanosleep(&ts, NULL);
			waited++; /* counted as 1 ms: the bound is loose */
			continue;
		}
		struct pollfd p = { in, POLLIN, 0 };
		char ev[4096];
		if (poll(&p, 1, 100) > 0 && read(in, ev, sizeof(ev)) < 0)
			goto out;
		waited += 100;
	}
out:
	if (in >= 0)
		close(in);
	return fd;
}

/* Sends a continue and reads to the exit packet: its status, or -1. */
static int uf_run(int fd)
{
	static const char cont[] = "$c#63";
	char buf[4096], last[8] = "";
	size_t have = 0;

	if (write(fd, cont, sizeof(cont) - 1) != (ssize_t)(sizeof(cont) - 1))
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '$')
				have = 0;
			if (have < sizeof(last) - 1)
				last[have++] = buf[i];
			last[have] = '\0';
			/* "$Wxx", "$Xxx", "$Txx...", "$Sxx": two hex digits
			 * follow the letter. A signal stop (T, S) is the
			 * program's death to come: it is killed at once. */
			if (have == 4 && strchr("WXTS", last[1])) {
				int st = (int)strtol(last + 2, NULL, 16);
				if (write(fd, "+", 1) != 1)
					return -1;
				if (last[1] == 'W')
					return st;
				if (last[1] != 'X' && write(fd, "$k#6b", 5) != 5)
					return -1;
				return 128 + st;
			}
		}
	}
}

/* vfork: the child only execs (no copy of our page tables). */
static pid_t uf_spawn(char **qargv)
{
	pid_t pid = vfork();

	if (pid == 0) {
		execvp(qargv[0], qargv);
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/stubrun-floor-XXXXXX", path[64];
	char **qargv = NULL;
	pid_t pid = -1;
	int fd = -1, rc = EXIT_OWN_ERROR, st;

	if (argc < 3) {
		fprintf(stderr, "usage: user_floor QEMU_USER [QEMU_ARG...] PROG [ARG...]\n");
		return EXIT_OWN_ERROR;
	}
	if (!mkdtemp(dir) || !(qargv = calloc((size_t)argc + 3, sizeof(*qargv))))
		goto out;
	snprintf(path, sizeof(path), "%s/gdb.sock", dir);
	qargv[0] = argv[1];
	qargv[1] = (char *)"-g";
	qargv[2] = path;
	for (int i = 2; i < argc; i++)
		qargv[i + 1] = argv[i];
	pid = uf_spawn(qargv);
	if (pid < 0 || (fd = uf_connect(dir, path)) < 0)
		goto out;
	rc = uf_run(fd);
	if (rc < 0)
		rc = EXIT_OWN_ERROR;
out:
	if (fd >= 0)
		close(fd);
	if (pid > 0) {
		if (rc == EXIT_OWN_ERROR)
			kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	unlink(path);
	rmdir(dir);
	free(qargv);
	return rc;
}

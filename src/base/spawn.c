/* The child-process spawner (src/base/spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

void spawn_opts_init(spawn_opts *o, char *const *argv)
{
	memset(o, 0, sizeof(*o));
	o->argv = argv;
	o->in_fd = o->out_fd = o->err_fd = -1;
	o->death_signal = SIGKILL;
	o->keep_fd = -1;
}

/* In the child: a message on stderr (only async-signal-safe calls). */
static void say(const spawn_opts *o, const char *what, const char *arg, int e)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s: %s %s: %s\n", o->who, what, arg,
			 strerror(e));
	if (n > 0 && write(2, msg, (size_t)n) < 0)
		_exit(127);
}

static int set_stdio(const spawn_opts *o)
{
	int in = o->in_fd;

	if (in < 0 && (in = open("/dev/null", O_RDONLY)) < 0)
		return -1;
	if (dup2(in, 0) < 0)
		return -1;
	if (o->out_fd >= 0 && dup2(o->out_fd, 1) < 0)
		return -1;
	if (o->err_fd >= 0 && dup2(o->err_fd, 2) < 0)
		return -1;
	return 0;
}

/* In the child: never returns. `report` is the errno pipe, or -1. */
static void child(const spawn_opts *o, pid_t parent, int report)
{
	sigset_t empty;
	int e;

	if (!o->same_pgrp)
		setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, o->death_signal);
	if (getppid() != parent)
		_exit(125); /* the parent died before prctl took effect */
	if (o->reset_signals)
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
	else
		signal(SIGPIPE, SIG_DFL);
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, o->mask ? o->mask : &empty, NULL);
	if (o->tmpdir)
		setenv("TMPDIR", o->tmpdir, 1);
	if (o->keep_fd >= 0)
		fcntl(o->keep_fd, F_SETFD, 0);
	if (set_stdio(o) < 0) {
		e = errno;
		goto fail;
	}
	if (o->cwd && chdir(o->cwd) < 0) {
		if (!o->who) {
			e = errno;
			goto fail;
		}
		say(o, "cannot enter", o->cwd, errno);
		_exit(125);
	}
	if (o->path_search)
		execvp(o->argv[0], o->argv);
	else
		execv(o->argv[0], o->argv);
	e = errno;
fail:
	if (o->who) {
		say(o, "cannot execute", o->argv[0], e);
		_exit(e == ENOENT ? 127 : 126);
	}
	if (write(report, &e, sizeof(e)) < 0)
		_exit(125);
	_exit(127);
}

int spawn_start(pid_t *pid, int *child_errno, const spawn_opts *o)
{
	int rep[2] = { -1, -1 }, e = 0, saved;
	pid_t parent = getpid();
	ssize_t n;

	*pid = -1;
	*child_errno = 0;
	if (!o->who && pipe2(rep, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		saved = errno;
		if (rep[0] >= 0) {
			close(rep[0]);
			close(rep[1]);
		}
		errno = saved;
		return -1;
	}
	if (*pid == 0)
		child(o, parent, rep[1]);
	if (!o->same_pgrp)
		setpgid(*pid, *pid); /* also here: no race with an early kill */
	if (rep[0] < 0)
		return 0;
	close(rep[1]);
	do
		n = read(rep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == (ssize_t)sizeof(e))
		*child_errno = e;
	return 0;
}

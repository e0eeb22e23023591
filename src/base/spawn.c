/* The child-process spawner (src/base/spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* The child runs in the parent's memory (vfork) until it execs: no copy
 * of the parent's page tables to make and then throw away at the exec,
 * which on a virtual machine costs milliseconds (docs/BENCHMARKS.md). The
 * parent is suspended meanwhile, so the child touches nothing but its
 * stack frames below the parent's and `spawn_child`, and calls no
 * allocator. */

extern char **environ;

typedef struct spawn_child {
	const spawn_opts *o;
	char **envp;              /* the child's environment */
	pid_t parent;
	/* Set by the child before _exit. volatile: to the compiler the
	 * child's path never returns, so its store would seem dead. */
	volatile int child_errno;
} spawn_child;

void spawn_opts_init(spawn_opts *o, char *const *argv)
{
	memset(o, 0, sizeof(*o));
	o->argv = argv;
	o->in_fd = o->out_fd = o->err_fd = -1;
	o->death_signal = SIGKILL;
	o->keep_fd = -1;
	o->cwd_fd = -1;
}

/* In the child: a message on stderr (no allocation). */
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

/* In the child: never returns. A failure is told by the child itself
 * (`who`) or left in c->child_errno for the parent. */
__attribute__((noreturn)) static void child(spawn_child *c)
{
	const spawn_opts *o = c->o;
	sigset_t empty;
	int e;

	if (!o->same_pgrp)
		setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, o->death_signal);
	if (getppid() != c->parent)
		_exit(125); /* the parent died before prctl took effect */
	/* All signals are blocked until the mask below: a handler of the
	 * parent's must not run here, in its memory, so caught signals go
	 * back to SIG_DFL first (as the exec would do anyway). */
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (sigaction(s, NULL, &sa) < 0)
			continue;
		if (o->reset_signals || s == SIGPIPE ||
		    (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN))
			signal(s, SIG_DFL);
	}
	sigemptyset(&empty);
	sigprocmask(SIG_SETMASK, o->mask ? o->mask : &empty, NULL);
	if (o->keep_fd >= 0)
		fcntl(o->keep_fd, F_SETFD, 0);
	if (set_stdio(o) < 0) {
		e = errno;
		goto fail;
	}
	if ((o->cwd && chdir(o->cwd) < 0) ||
	    (o->cwd_fd >= 0 && fchdir(o->cwd_fd) < 0)) {
		if (!o->who) {
			e = errno;
			goto fail;
		}
		say(o, "cannot enter", o->cwd ? o->cwd : "its directory", errno);
		_exit(125);
	}
	if (o->path_search)
		execvpe(o->argv[0], o->argv, c->envp);
	else
		execve(o->argv[0], o->argv, c->envp);
	e = errno;
fail:
	if (o->who) {
		say(o, "cannot execute", o->argv[0], e);
		_exit(e == ENOENT ? 127 : 126);
	}
	c->child_errno = e;
	_exit(127);
}

/* The environment with TMPDIR set to `tmpdir`: *envp and *tmpvar are
 * malloc'd (the strings are the parent's own but the one added). NULL
 * tmpdir: the parent's environment as it is. 0, or -1 (ENOMEM). */
static int child_env(char ***envp, char **tmpvar, const char *tmpdir)
{
	size_t n = 0, k = 0;
	char **env;

	*envp = environ;
	*tmpvar = NULL;
	if (!tmpdir)
		return 0;
	while (environ[n])
		n++;
	if (!(env = calloc(n + 2, sizeof(*env))) ||
	    !(*tmpvar = malloc(strlen(tmpdir) + sizeof("TMPDIR=")))) {
		free(env);
		return -1;
	}
	strcpy(*tmpvar, "TMPDIR=");
	strcat(*tmpvar, tmpdir);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "TMPDIR=", 7))
			env[k++] = environ[i];
	env[k++] = *tmpvar;
	env[k] = NULL;
	*envp = env;
	return 0;
}

/* vfork in a function of its own: nothing of the caller's frame is live
 * across it. */
__attribute__((noinline)) static pid_t start_child(spawn_child *c)
{
	pid_t pid = vfork();

	if (pid == 0)
		child(c);
	return pid;
}

int spawn_start(pid_t *pid, int *child_errno, const spawn_opts *o)
{
	spawn_child c = { o, NULL, getpid(), 0 };
	char *tmpvar = NULL;
	sigset_t all, old;
	int saved = 0, rc = -1;

	*pid = -1;
	*child_errno = 0;
	if (child_env(&c.envp, &tmpvar, o->tmpdir) < 0) {
		saved = ENOMEM;
		goto out;
	}
	/* The parent resumes once the child has exec'd or exited; no signal
	 * is taken by either meanwhile (see child()). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	*pid = start_child(&c);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (*pid < 0)
		goto out;
	saved = 0;
	if (!o->same_pgrp)
		setpgid(*pid, *pid); /* also here: no race with an early kill */
	*child_errno = c.child_errno;
	rc = 0;
out:
	if (c.envp != environ)
		free(c.envp);
	free(tmpvar);
	errno = saved;
	return rc;
}

/* Reaps `pid`, whatever signal interrupts the wait. */
static int reap(int *status, pid_t pid)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* poll(2)'s timeout until `end` (util_now_ms(); -1: none). */
static int poll_ms(int64_t end)
{
	int64_t left;

	if (end < 0)
		return -1;
	left = end - util_now_ms();
	return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* Polls the child's pidfd, which turns readable at its exit, beside
 * cancel_fd; without pidfds (Linux < 5.3) the wait has no bound. */
int spawn_wait(int *status, pid_t pid, int64_t limit_ms, int cancel_fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), rc = 0, err;
	int64_t end = limit_ms < 0 ? -1 : util_now_ms() + limit_ms;
	struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { cancel_fd, POLLIN, 0 } };

	while (pidfd >= 0) {
		int n = poll(p, cancel_fd >= 0 ? 2 : 1, poll_ms(end));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		else if (p[0].revents)
			break;
		else if (cancel_fd >= 0 && p[1].revents)
			rc = -ECANCELED;
		else if (n == 0)
			rc = -ETIMEDOUT;
		else
			continue;
		kill(-pid, SIGKILL); /* the command and all it started */
		break;
	}
	if (pidfd >= 0)
		close(pidfd);
	err = reap(status, pid);
	return rc ? rc : err;
}

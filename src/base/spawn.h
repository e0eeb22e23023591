/*
 * The one child-process spawner of the orchestrator (QEMU, the tests of a
 * suite, a guest's host command): a child sharing the parent's memory
 * until its exec (vfork's way), a process group of its own, death with
 * the parent, the signal state reset, stdio from the caller's
 * descriptors, exec; and the bounded wait for it.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct spawn_opts {
	char *const *argv;        /* argv[0] is the program */
	int path_search;          /* execvp (PATH) rather than execv */
	/* The child's stdin, stdout, stderr: dup2'd onto 0, 1, 2. in_fd -1
	 * is /dev/null; out_fd / err_fd -1 keep the parent's. The caller
	 * owns them and closes its copies after spawn_start(). */
	int in_fd, out_fd, err_fd;
	int death_signal;         /* PR_SET_PDEATHSIG: SIGKILL, SIGTERM */
	const sigset_t *mask;     /* the child's signal mask; NULL: empty */
	/* Every signal's disposition back to SIG_DFL (ignored ones too);
	 * 0: only SIGPIPE (exec resets caught ones by itself). */
	int reset_signals;
	const char *tmpdir;       /* the child's $TMPDIR, or NULL: unchanged */
	int keep_fd;              /* a close-on-exec fd the child inherits, or -1 */
	const char *cwd;          /* directory to run in, or NULL */
	int cwd_fd;               /* or a directory's descriptor, or -1 */
	/* Stay in the parent's process group rather than lead a new one: a
	 * child that reads the terminal would be stopped (SIGTTIN) in a
	 * background group. Killing the group then kills only the child. */
	int same_pgrp;
	/* How a child that cannot run says so. NULL: its errno comes back
	 * from spawn_start() (*child_errno). Otherwise the child writes
	 * "WHO: cannot execute ARGV0: REASON" (or "cannot enter CWD") to its
	 * stderr and exits 127 (not found), 126 (not executable) or 125 (no
	 * such cwd), as a shell would. */
	const char *who;
} spawn_opts;

/* Defaults: no path search, stdin /dev/null, stdout/stderr inherited,
 * a process group of its own, SIGKILL at the parent's death, empty mask,
 * the parent's directory, nothing else. */
void spawn_opts_init(spawn_opts *o, char *const *argv);

/*
 * Starts the child. 0: *pid is the child (the leader of a new process
 * group, set on both sides, so it exists before the caller can
 * signal it). With `who` NULL, *child_errno is then 0 or the errno of a
 * failed stdio set-up or exec: the child exists and exits 127, and the
 * caller still reaps it. -1 with errno set when no child was made (memory,
 * vfork); *pid is -1. Returns once the child has exec'd or exited.
 */
int spawn_start(pid_t *pid, int *child_errno, const spawn_opts *o);

/*
 * Waits for the child `pid` (a group leader from spawn_start()) to exit:
 * 0 with *status its wait status. It is cut short after `limit_ms` (< 0:
 * no limit) with -ETIMEDOUT, or as soon as `cancel_fd` (>= 0, e.g. a
 * signalfd, which is not read) turns readable with -ECANCELED; then the
 * child's whole group is killed (SIGKILL) and the child reaped. Another
 * negative errno when the wait itself fails.
 */
int spawn_wait(int *status, pid_t pid, int64_t limit_ms, int cancel_fd);

#endif /* SPAWN_H */

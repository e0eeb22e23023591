/*
 * peak_rss: runs a command and writes the peak resident set size of that
 * one process -- not of its children -- to a file, for bench/run.sh.
 *
 *   peak_rss OUTFILE COMMAND [ARG...]
 *
 * Why not /usr/bin/time -f %M: the rusage of a reaped child folds in its own
 * reaped children, so for `stubrun run` it reports QEMU's peak (40+ MB), not
 * stubrun's. Here the command runs traced (PTRACE_O_TRACEEXIT only: no
 * syscall or fork tracing, so it runs at full speed) and its VmHWM is read
 * from /proc at the exit event, while its memory still exists.
 * OUTFILE gets one line, "KB\n" (or nothing when VmHWM could not be read).
 * The exit status is the command's (128 + N when killed by signal N; 125
 * when peak_rss itself fails).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_OWN_ERROR 125

/* VmHWM of `pid` in KB from /proc/PID/status; -1 when absent. */
static long read_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int write_result(const char *path, long kb)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -1;
	if (kb >= 0)
		err = fprintf(f, "%ld\n", kb) < 0;
	return fclose(f) != 0 || err ? -1 : 0;
}

static pid_t start_traced(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(EXIT_OWN_ERROR);
		raise(SIGSTOP); /* let the parent set the options first */
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	return pid;
}

/* Follows the traced child to its end; *kb gets VmHWM at its exit event.
 * Returns its wait status, or -1. */
static int follow(long *kb, pid_t pid)
{
	int st;

	for (;;) {
		int sig = 0;

		if (waitpid(pid, &st, 0) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return st;
		if (!WIFSTOPPED(st))
			continue;
		if (st >> 16 == PTRACE_EVENT_EXIT)
			*kb = read_hwm_kb(pid);
		else if (st >> 16 == 0 && WSTOPSIG(st) != SIGTRAP)
			sig = WSTOPSIG(st); /* a real signal: deliver it */
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 &&
		    errno != ESRCH)
			return -1;
	}
}

int main(int argc, char **argv)
{
	long kb = -1;
	pid_t pid;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: peak_rss OUTFILE COMMAND [ARG...]\n");
		return EXIT_OWN_ERROR;
	}
	pid = start_traced(argv + 2);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st))
		goto fail;
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC |
				  PTRACE_O_EXITKILL)) < 0 ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0)
		goto fail;
	st = follow(&kb, pid);
	if (st < 0)
		goto fail;
	if (write_result(argv[1], kb) < 0) {
		fprintf(stderr, "peak_rss: %s: %s\n", argv[1], strerror(errno));
		return EXIT_OWN_ERROR;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
fail:
	fprintf(stderr, "peak_rss: %s\n", strerror(errno));
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return EXIT_OWN_ERROR;
}

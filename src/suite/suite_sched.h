/*
 * The process scheduler of `stubrun test`: runs up to N child commands at
 * once, each in its own process group with stdout and stderr captured
 * through pipes (poll), enforces a wall-clock deadline per child (SIGTERM,
 * then SIGKILL after a grace period) and stops everything on a signal.
 * It prints nothing; progress goes through callbacks.
 */
#ifndef SUITE_SCHED_H
#define SUITE_SCHED_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Captured output is capped per stream: the first SCHED_CAPTURE_HEAD bytes
 * (the boot log, the first failure) and the last SCHED_CAPTURE_TAIL (the
 * verdict and post-mortem) are kept, with a marker for what was dropped.
 * A runaway guest printing in a loop must not eat memory times -j.
 */
#define SCHED_CAPTURE_HEAD (1u << 20)
#define SCHED_CAPTURE_TAIL (1u << 20)

typedef enum sched_state {
	SCHED_PENDING = 0,
	SCHED_RUNNING,
	SCHED_DONE,       /* it ran (or could not be started: spawn_errno) */
	SCHED_CANCELLED,  /* never started, or stopped by a signal or by the
			   * on_done callback asking to stop (fail-fast) */
} sched_state;

typedef struct sched_capture {
	char *head;            /* first bytes */
	size_t head_len;
	char *tail;            /* ring of the last bytes, once head is full */
	size_t tail_len, tail_pos;
	size_t dropped;        /* bytes between head and tail */
} sched_capture;

typedef struct sched_job {
	/* Inputs (borrowed; must outlive sched_run). */
	char *const *argv;     /* argv[0] is the file executed (a path) */
	const char *cwd;       /* the child's working directory, or NULL */
	long timeout_ms;       /* deadline after the start; 0 for none */
	void *user;            /* for the callbacks */
	int err_to_terminal;   /* its stderr is ours, not captured */

	/* Results. */
	sched_state state;
	int spawn_errno;       /* fork/pipe failed: nonzero, never ran */
	int exit_status;       /* exit status, or 128 + signal */
	int term_signal;       /* killed by this signal, or 0 */
	int timed_out;         /* the scheduler killed it at its deadline */
	long start_ms, end_ms; /* util_now_ms() milliseconds */
	char *out, *err;       /* captured, NUL-terminated; after sched_run;
				* freed by sched_job_clear */

	/* Private to the scheduler. */
	pid_t pid;
	int fd[2];
	sched_capture cap[2];
	long kill_at_ms;
	int term_sent;
} sched_job;

typedef struct sched_config {
	int jobs;              /* children at once (>= 1) */
	long grace_ms;         /* SIGTERM -> SIGKILL delay */
	int sigfd;             /* signalfd for SIGINT/SIGTERM/SIGHUP/SIGCHLD,
				* blocked by the caller; -1 for none */
	const sigset_t *child_mask; /* mask the children start with, or NULL
				* for an empty one */
	/* Called when a job ends (state DONE). Nonzero stops the run: the
	 * running children are terminated and marked CANCELLED. */
	int (*on_done)(sched_job *job, void *arg);
	/* Called at least once a second and after each start and end. */
	void (*on_tick)(const sched_job *jobs, size_t njobs, long now_ms,
			void *arg);
	void *arg;
} sched_config;

/*
 * Runs the jobs in order; jobs that are not PENDING are left as they are,
 * so that a later call runs only the jobs reset for another attempt. A job
 * that on_done resets to PENDING after its turn stays PENDING (unless the
 * run was stopped). *signo is the signal (SIGINT, SIGTERM, SIGHUP)
 * that stopped the run, or 0. Returns 0; every child has been reaped
 * (none survives) and every job is DONE, CANCELLED or so reset.
 */
int sched_run(int *signo, sched_job *jobs, size_t njobs,
	      const sched_config *cfg);

/* Frees a job's results (out, err). */
void sched_job_clear(sched_job *job);

/* Frees the results and makes the job PENDING again, with the same
 * inputs (argv, cwd, timeout_ms, user). */
void sched_job_reset(sched_job *job);

#endif /* SUITE_SCHED_H */

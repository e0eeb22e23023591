/*
 * The scheduler of `stubrun test` (src/suite/suite_sched.h): fork/exec, pipes,
 * poll, deadlines, and process-group killing. Children are reaped in two
 * steps (waitid WNOWAIT, then waitpid) so that the group can be killed while
 * its leader is a zombie: the group id cannot be reused until then.
 */
#include "suite_sched.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Upper bound of one poll: progress ticks and missed SIGCHLDs. */
#define SCHED_POLL_MS 250

/* ---- capture ---- */

static void cap_add(sched_capture *c, const char *buf, size_t n)
{
	if (c->head_len < SCHED_CAPTURE_HEAD) {
		size_t take = SCHED_CAPTURE_HEAD - c->head_len;
		if (take > n)
			take = n;
		if (!c->head && !(c->head = malloc(SCHED_CAPTURE_HEAD)))
			return;
		memcpy(c->head + c->head_len, buf, take);
		c->head_len += take;
		buf += take;
		n -= take;
	}
	if (n == 0)
		return;
	if (!c->tail && !(c->tail = malloc(SCHED_CAPTURE_TAIL)))
		return;
	for (size_t i = 0; i < n; i++) {
		if (c->tail_len == SCHED_CAPTURE_TAIL)
			c->dropped++;
		else
			c->tail_len++;
		c->tail[c->tail_pos] = buf[i];
		c->tail_pos = (c->tail_pos + 1) % SCHED_CAPTURE_TAIL;
	}
}

static void put_bytes(char **p, const char *s, size_t n)
{
	/* NUL bytes would cut the C string short: U+FFFD stands in. */
	for (size_t i = 0; i < n; i++) {
		if (s[i]) {
			*(*p)++ = s[i];
		} else {
			memcpy(*p, "\xef\xbf\xbd", 3);
			*p += 3;
		}
	}
}

/* Flattens a capture into one string (head, marker, tail). */
static char *cap_finish(sched_capture *c)
{
	char marker[80], *s, *p;
	size_t start = (c->tail_pos + SCHED_CAPTURE_TAIL - c->tail_len) %
		       SCHED_CAPTURE_TAIL;
	size_t mlen = 0, first;

	if (c->dropped)
		mlen = (size_t)snprintf(marker, sizeof(marker),
					"\n[... %zu bytes dropped ...]\n",
					c->dropped);
	/* Worst case: every byte a NUL expanded to 3 bytes. */
	s = malloc(3 * (c->head_len + c->tail_len) + mlen + 1);
	if (s) {
		p = s;
		put_bytes(&p, c->head ? c->head : "", c->head_len);
		memcpy(p, marker, mlen);
		p += mlen;
		first = SCHED_CAPTURE_TAIL - start;
		if (first > c->tail_len)
			first = c->tail_len;
		if (c->tail) {
			put_bytes(&p, c->tail + start, first);
			put_bytes(&p, c->tail, c->tail_len - first);
		}
		*p = '\0';
	}
	free(c->head);
	free(c->tail);
	memset(c, 0, sizeof(*c));
	return s;
}

/* ---- children ---- */

/* The test in a process group of its own; if stubrun test dies without
 * cleaning up, the run gets SIGTERM and stops its QEMU. */
static void start_job(sched_job *job, const sched_config *cfg)
{
	int p1[2] = { -1, -1 }, p2[2] = { -1, -1 }, unused;
	spawn_opts so;
	pid_t pid;

	job->start_ms = util_now_ms();
	job->fd[0] = job->fd[1] = -1;
	if (pipe2(p1, O_CLOEXEC) < 0 || pipe2(p2, O_CLOEXEC) < 0)
		goto fail;
	spawn_opts_init(&so, job->argv);
	so.out_fd = p1[1];
	/* Without a writer the capture of stderr just sees its end. */
	so.err_fd = job->err_to_terminal ? -1 : p2[1];
	so.death_signal = SIGTERM;
	so.mask = cfg->child_mask;
	so.cwd = job->cwd;
	so.who = "stubrun test";
	if (spawn_start(&pid, &unused, &so) < 0)
		goto fail;
	close(p1[1]);
	close(p2[1]);
	fcntl(p1[0], F_SETFL, O_NONBLOCK);
	fcntl(p2[0], F_SETFL, O_NONBLOCK);
	job->pid = pid;
	job->fd[0] = p1[0];
	job->fd[1] = p2[0];
	job->state = SCHED_RUNNING;
	return;
fail:
	job->spawn_errno = errno ? errno : EAGAIN;
	for (int i = 0; i < 2; i++) {
		if (p1[i] >= 0)
			close(p1[i]);
		if (p2[i] >= 0)
			close(p2[i]);
	}
	job->end_ms = job->start_ms;
	job->exit_status = 125;
	job->state = SCHED_DONE;
}

/* Reads what is available; closes the pipe at EOF or error. */
static void drain(sched_job *job, int i)
{
	char buf[16384];

	while (job->fd[i] >= 0) {
		ssize_t n = read(job->fd[i], buf, sizeof(buf));
		if (n > 0) {
			cap_add(&job->cap[i], buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(job->fd[i]);
		job->fd[i] = -1;
	}
}

static void terminate(sched_job *job, long now, long grace_ms)
{
	if (job->term_sent)
		return;
	kill(-job->pid, SIGTERM);
	job->term_sent = 1;
	job->kill_at_ms = now + grace_ms;
}

/* Reaps the job if its process has exited: 1 when it did. */
static int reap(sched_job *job)
{
	siginfo_t si;
	int st;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)job->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0
	    || si.si_pid == 0)
		return 0;
	/* The leader is a zombie: kill what is left of its group, read the
	 * pipes' last bytes (a grandchild outside the group may hold them
	 * open: take what is there, do not wait), then reap. */
	kill(-job->pid, SIGKILL);
	for (int i = 0; i < 2; i++) {
		drain(job, i);
		if (job->fd[i] >= 0)
			close(job->fd[i]);
		job->fd[i] = -1;
	}
	while (waitpid(job->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		job->term_signal = WTERMSIG(st);
		job->exit_status = 128 + job->term_signal;
	} else {
		job->exit_status = WEXITSTATUS(st);
	}
	job->end_ms = util_now_ms();
	job->out = cap_finish(&job->cap[0]);
	job->err = cap_finish(&job->cap[1]);
	return 1;
}

/* ---- the loop ---- */

typedef struct loop {
	sched_job *jobs;
	size_t njobs, next, running;
	const sched_config *cfg;
	int stopping;         /* a signal number, or -1 for on_done */
	struct pollfd *pfd;
	sched_job **pjob;     /* the job of each pollfd */
	int *pidx;            /* which pipe of the job */
} loop;

static void stop_all(loop *l, long now)
{
	for (size_t i = 0; i < l->njobs; i++)
		if (l->jobs[i].state == SCHED_RUNNING)
			terminate(&l->jobs[i], now, l->cfg->grace_ms);
}

static void read_signals(loop *l, long now)
{
	struct signalfd_siginfo si;

	while (read(l->cfg->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int s = (int)si.ssi_signo;
		if ((s == SIGINT || s == SIGTERM || s == SIGHUP) &&
		    l->stopping <= 0) {
			l->stopping = s;
			stop_all(l, now);
		}
	}
}

static void check_job(loop *l, sched_job *job, long now)
{
	if (reap(job)) {
		l->running--;
		if (l->stopping) {
			job->state = SCHED_CANCELLED;
			return;
		}
		job->state = SCHED_DONE;
		if (l->cfg->on_done && l->cfg->on_done(job, l->cfg->arg)) {
			l->stopping = -1;
			stop_all(l, now);
		}
		return;
	}
	if (!job->term_sent && job->timeout_ms > 0 &&
	    now - job->start_ms >= job->timeout_ms) {
		job->timed_out = 1;
		terminate(job, now, l->cfg->grace_ms);
	} else if (job->term_sent && now >= job->kill_at_ms) {
		kill(-job->pid, SIGKILL);
		job->kill_at_ms = now + 1000;
	}
}

static int poll_once(loop *l)
{
	nfds_t n = 0;
	long now = util_now_ms(), wait = SCHED_POLL_MS;

	if (l->cfg->sigfd >= 0) {
		l->pfd[n].fd = l->cfg->sigfd;
		l->pfd[n].events = POLLIN;
		l->pjob[n++] = NULL;
	}
	for (size_t i = 0; i < l->njobs; i++) {
		sched_job *job = &l->jobs[i];
		if (job->state != SCHED_RUNNING)
			continue;
		for (int k = 0; k < 2; k++) {
			if (job->fd[k] < 0)
				continue;
			l->pfd[n].fd = job->fd[k];
			l->pfd[n].events = POLLIN;
			l->pjob[n] = job;
			l->pidx[n++] = k;
		}
		long due = job->term_sent ? job->kill_at_ms
			 : job->timeout_ms > 0 ? job->start_ms + job->timeout_ms
			 : now + SCHED_POLL_MS;
		if (due - now < wait)
			wait = due - now > 0 ? due - now : 0;
	}
	if (poll(l->pfd, n, (int)wait) < 0 && errno != EINTR)
		return -1;
	for (nfds_t i = 0; i < n; i++) {
		if (!l->pfd[i].revents)
			continue;
		if (l->pjob[i])
			drain(l->pjob[i], l->pidx[i]);
		else
			read_signals(l, util_now_ms());
	}
	return 0;
}

int sched_run(int *signo, sched_job *jobs, size_t njobs,
	      const sched_config *cfg)
{
	loop l;
	size_t slots = 1 + 2 * (size_t)(cfg->jobs > 0 ? cfg->jobs : 1);
	int rc = 0;

	*signo = 0;
	memset(&l, 0, sizeof(l));
	l.jobs = jobs;
	l.njobs = njobs;
	l.cfg = cfg;
	l.pfd = calloc(slots, sizeof(*l.pfd));
	l.pjob = calloc(slots, sizeof(*l.pjob));
	l.pidx = calloc(slots, sizeof(*l.pidx));
	if (!l.pfd || !l.pjob || !l.pidx) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		long now;
		while (!l.stopping && l.next < njobs &&
		       l.running < (size_t)(cfg->jobs > 0 ? cfg->jobs : 1)) {
			sched_job *job = &jobs[l.next++];
			if (job->state != SCHED_PENDING)
				continue;  /* an earlier round's result */
			start_job(job, cfg);
			if (job->state == SCHED_RUNNING)
				l.running++;
			else if (cfg->on_done && cfg->on_done(job, cfg->arg))
				l.stopping = -1;
		}
		if (l.running == 0 && (l.stopping || l.next >= njobs))
			break;
		if (poll_once(&l) < 0) {
			/* poll itself failed (EINVAL, ENOMEM): stop all so
			 * that no child outlives us, then carry on reaping. */
			if (!l.stopping)
				l.stopping = -1;
			stop_all(&l, util_now_ms());
			usleep(10000);
		}
		now = util_now_ms();
		for (size_t i = 0; i < njobs; i++)
			if (jobs[i].state == SCHED_RUNNING)
				check_job(&l, &jobs[i], now);
		if (cfg->on_tick)
			cfg->on_tick(jobs, njobs, now, cfg->arg);
	}
	/* Stopped: what did not start never will. Otherwise a job still
	 * PENDING was reset by on_done after its turn: the caller's next
	 * round runs it. */
	for (size_t i = 0; l.stopping && i < njobs; i++)
		if (jobs[i].state == SCHED_PENDING)
			jobs[i].state = SCHED_CANCELLED;
	if (l.stopping > 0)
		*signo = l.stopping;
out:
	free(l.pfd);
	free(l.pjob);
	free(l.pidx);
	return rc;
}

void sched_job_reset(sched_job *job)
{
	sched_job keep = *job;

	sched_job_clear(job);
	memset(job, 0, sizeof(*job));
	job->argv = keep.argv;
	job->cwd = keep.cwd;
	job->timeout_ms = keep.timeout_ms;
	job->user = keep.user;
}

void sched_job_clear(sched_job *job)
{
	free(job->out);
	free(job->err);
	job->out = job->err = NULL;
	for (int i = 0; i < 2; i++) {
		free(job->cap[i].head);
		free(job->cap[i].tail);
		memset(&job->cap[i], 0, sizeof(job->cap[i]));
	}
}

/*
 * alternate: times commands run in turn, round after round, for
 * bench/run.sh's ratios. Load on a shared machine drifts within seconds,
 * so a ratio taken from two blocks of runs (hyperfine's order) measures the
 * drift as much as the commands; here each round runs every command once
 * (the order reversed every other round, so neither is always first) and
 * the ratio is the median of the per-round ratios.
 *
 *   alternate RUNS OUTFILE 'NAME STATUS CMD [ARG...]'...
 *
 * Each command is split on blanks (no shell, no quoting) and run with
 * stdin, stdout and stderr on /dev/null; STATUS is the exit status it must
 * end with. One warm-up round is not counted. OUTFILE gets one line per
 * timed run ("NAME SECONDS CPU_SECONDS": wall time, and the CPU time of
 * the command and the children it reaped) and stdout a summary:
 *   NAME median SECONDS
 *   NAME cpu SECONDS     (the median CPU time)
 *   NAME ratio R        (the median of NAME's time / the first command's,
 *                        round by round; not for the first command)
 * Exit status 0; 1 when a run ended with another status (no summary);
 * 125 for bad arguments or a failure of alternate itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_OWN_ERROR 125
/* Why 16: bench/run.sh compares two or three commands at a time. */
#define MAX_CMDS 16
/* Why 64: the longest command line the bench builds has about 20 words. */
#define MAX_ARGS 64

typedef struct alt_cmd {
	char *name;
	int status;
	char *argv[MAX_ARGS + 1];
	double *secs;
	double *cpu;
} alt_cmd;

static double alt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits `spec` in place into name, status and argv. 0, or -1. */
static int alt_parse(alt_cmd *c, char *spec)
{
	char *save = NULL, *status, *end, *w;
	int n = 0;

	c->name = strtok_r(spec, " \t", &save);
	status = strtok_r(NULL, " \t", &save);
	if (!c->name || !status)
		return -1;
	errno = 0;
	c->status = (int)strtol(status, &end, 10);
	if (errno || *end || c->status < 0 || c->status > 255)
		return -1;
	while ((w = strtok_r(NULL, " \t", &save)) && n < MAX_ARGS)
		c->argv[n++] = w;
	c->argv[n] = NULL;
	return n == 0 || w ? -1 : 0;
}

/* Runs one command to its end: *secs its wall time, *cpu the CPU time
 * of it and the children it reaped, *status its exit status (128 + N for
 * a signal). 0, or -1 when it could not be started. */
static int alt_run(double *secs, double *cpu, int *status, const alt_cmd *c)
{
	double t0 = alt_now();
	pid_t pid = fork();
	struct rusage ru;
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(EXIT_OWN_ERROR);
		execvp(c->argv[0], c->argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	*secs = alt_now() - t0;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static int alt_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted in place). */
static double alt_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), alt_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Every round; -1 when alternate itself failed, 1 when a run ended with
 * the wrong status, 0. */
static int alt_rounds(alt_cmd *cmds, int ncmds, int runs, FILE *out)
{
	for (int round = -1; round < runs; round++) {
		for (int k = 0; k < ncmds; k++) {
			alt_cmd *c = &cmds[round % 2 ? ncmds - 1 - k : k];
			double secs, cpu;
			int st;
			if (alt_run(&secs, &cpu, &st, c) < 0)
				return -1;
			if (st != c->status) {
				fprintf(stderr, "alternate: %s exited %d, expected %d\n",
					c->name, st, c->status);
				return 1;
			}
			if (round < 0)
				continue; /* the warm-up */
			c->secs[round] = secs;
			c->cpu[round] = cpu;
			fprintf(out, "%s %.6f %.6f\n", c->name, secs, cpu);
		}
	}
	return 0;
}

static void alt_summary(alt_cmd *cmds, int ncmds, int runs, double *scratch)
{
	for (int k = 1; k < ncmds; k++) {
		for (int i = 0; i < runs; i++)
			scratch[i] = cmds[k].secs[i] / cmds[0].secs[i];
		printf("%s ratio %.4f\n", cmds[k].name, alt_median(scratch, runs));
	}
	for (int k = 0; k < ncmds; k++) {
		printf("%s median %.6f\n", cmds[k].name,
		       alt_median(cmds[k].secs, runs));
		printf("%s cpu %.6f\n", cmds[k].name,
		       alt_median(cmds[k].cpu, runs));
	}
}

int main(int argc, char **argv)
{
	alt_cmd cmds[MAX_CMDS];
	int ncmds = argc - 3, runs, rc = EXIT_OWN_ERROR;
	double *scratch = NULL;
	FILE *out = NULL;

	memset(cmds, 0, sizeof(cmds));
	runs = argc > 1 ? atoi(argv[1]) : 0;
	if (runs < 1 || ncmds < 1 || ncmds > MAX_CMDS) {
		fprintf(stderr, "usage: alternate RUNS OUTFILE 'NAME STATUS CMD...'...\n");
		return EXIT_OWN_ERROR;
	}
	for (int k = 0; k < ncmds; k++)
		if (alt_parse(&cmds[k], argv[k + 3]) < 0) {
			fprintf(stderr, "alternate: bad command '%s'\n", argv[k + 3]);
			goto out;
		}
	if (!(out = fopen(argv[2], "w"))) {
		fprintf(stderr, "alternate: %s: %s\n", argv[2], strerror(errno));
		goto out;
	}
	if (!(scratch = calloc((size_t)runs, sizeof(*scratch))))
		goto out;
	for (int k = 0; k < ncmds; k++)
		if (!(cmds[k].secs = calloc((size_t)runs, sizeof(double))) ||
		    !(cmds[k].cpu = calloc((size_t)runs, sizeof(double))))
			goto out;
	rc = alt_rounds(cmds, ncmds, runs, out);
	if (rc < 0)
		rc = EXIT_OWN_ERROR;
	else if (rc == 0)
		alt_summary(cmds, ncmds, runs, scratch);
out:
	for (int k = 0; k < ncmds; k++) {
		free(cmds[k].secs);
		free(cmds[k].cpu);
	}
	free(scratch);
	if (out && fclose(out) != 0 && rc == 0)
		rc = EXIT_OWN_ERROR;
	return rc;
}

/* Test harness: runs commands with a deadline and captures their output. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 4096);
		while (ncap < *len + n + 1)
			ncap *= 2;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

/* A pipe holding `input` and closed behind it: the child's stdin. The
 * input must fit in the pipe (64 KiB), as the tests' few lines do. */
static int input_pipe(const char *input)
{
	int p[2];
	size_t len = strlen(input);

	if (pipe(p))
		return -1;
	if (write(p[1], input, len) != (ssize_t)len) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	return p[0];
}

int harness_run(harness_result *res, const char *const argv[], int timeout_s)
{
	return harness_run_input(res, argv, timeout_s, NULL);
}

int harness_run_input(harness_result *res, const char *const argv[],
		      int timeout_s, const char *input)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	size_t ocap = 0, ecap = 0;
	int in = input ? input_pipe(input) : open("/dev/null", O_RDONLY);

	memset(res, 0, sizeof(*res));
	res->status = -1;
	if (in < 0)
		return -1;
	if (pipe(outp) || pipe(errp)) {
		close(in);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		close(outp[0]);
		close(errp[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(in);
	close(outp[1]);
	close(errp[1]);

	long deadline = now_ms() + timeout_s * 1000L;
	struct pollfd fds[2] = { { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		long left = deadline - now_ms();
		if (left <= 0) {
			res->timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		int n = poll(fds, 2, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char chunk[4096];
			ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0)
				append(&res->out, &res->out_len, &ocap, chunk, (size_t)got);
			else
				append(&res->err, &res->err_len, &ecap, chunk, (size_t)got);
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);

	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (!res->out)
		append(&res->out, &res->out_len, &ocap, "", 0);
	if (!res->err)
		append(&res->err, &res->err_len, &ecap, "", 0);
	return 0;
}

void harness_result_free(harness_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

const char *harness_stubrun(void)
{
	const char *p = getenv("STUBRUN");
	return p ? p : "build/stubrun";
}

const char *harness_example(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("STUBRUN_EXAMPLES");
	snprintf(buf, len, "%s/%s", dir ? dir : "build/examples", name);
	return buf;
}

int harness_copy_example(const char *name, const char *dir)
{
	char src[512];
	const char *argv[] = { "cp", src, dir, NULL };
	harness_result res;
	int rc;

	harness_example(src, sizeof(src), name);
	if (access(src, R_OK) != 0)
		return -1;
	rc = harness_run(&res, argv, 30) == 0 && res.status == 0 ? 0 : -2;
	harness_result_free(&res);
	return rc;
}

pid_t harness_spawn_quiet(const char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int harness_count_processes(const char *needle)
{
	DIR *d = opendir("/proc");
	int count = 0;
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], cmd[4096];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (strstr(cmd, needle))
			count++;
	}
	closedir(d);
	return count;
}

char *harness_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);
	size_t n = 0;

	if (buf && f)
		n = fread(buf, 1, (1 << 20) - 1, f);
	if (f)
		fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

int harness_scratch_make(char *tmpl)
{
	return mkdtemp(tmpl) ? 0 : -1;
}

void harness_scratch_remove(const char *dir)
{
	const char *argv[] = { "rm", "-rf", dir, NULL };
	harness_result res;

	if (strstr(dir, "XXXXXX"))
		return;
	harness_run(&res, argv, 30);
	harness_result_free(&res);
}

/*
 * Integration: the verdict survives a stdout that goes away. `stubrun run
 * IMAGE | head -c 100` closes the pipe while the guest still prints: the
 * exit status must still be the guest's (not death by SIGPIPE, 141), the
 * verdict line still on stderr, and no QEMU left.
 */
#include "faults_common.h"

/* Runs stubrun on `image`, reading `keep` bytes of its stdout and then
 * closing the pipe. Returns the wait status; stderr goes to errfile. */
static int run_with_short_reader(const char *image, size_t keep,
				 const char *errfile, const char *tmpdir)
{
	char buf[4096];
	size_t got = 0;
	int outp[2];
	pid_t pid;

	cr_assert_eq(pipe(outp), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		setpgid(0, 0);
		setenv("TMPDIR", tmpdir, 1);
		dup2(outp[1], 1);
		dup2(err, 2);
		close(outp[0]);
		close(outp[1]);
		execl(harness_stubrun(), harness_stubrun(), "run", "--timeout", "50",
		      image, (char *)NULL);
		_exit(127);
	}
	close(outp[1]);
	while (got < keep) {
		ssize_t n = read(outp[0], buf, keep - got < sizeof(buf) ?
					       keep - got : sizeof(buf));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(outp[0]);
	return reap_or_fail(pid, "stubrun");
}

/* The reader of stdout goes away after 100 bytes (`| head -c 100`): the
 * run ends as a SIGPIPE would end it, 141, with its verdict line still on
 * stderr, no QEMU left and nothing in TMPDIR. */
Test(hygiene_output, closed_stdout_reader_ends_the_run_as_sigpipe)
{
	char dir[80], img[512], errfile[160], last[1024];
	int st;

	example_or_skip(img, sizeof(img), "aarch64-flood.elf");
	scratch_new(dir, sizeof(dir), "stdout");
	snprintf(errfile, sizeof(errfile), "%s.err", dir);
	st = run_with_short_reader(img, 100, errfile, dir);
	char *err = slurp_file(errfile);
	cr_expect(WIFEXITED(st), "stubrun died of signal %d:\n%s",
		  WIFSIGNALED(st) ? WTERMSIG(st) : 0, err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 141, "status 0x%x:\n%s",
		  st, err);
	last_line(last, sizeof(last), err);
	cr_expect(strstr(last, "stubrun: FAIL: the reader of the console "
			 "(stdout) went away (status 141)"), "%s", last);
	cr_expect_eq(count_processes2("qemu-system-", dir), 0);
	cr_expect_eq(dir_count(dir, ""), 0, "stubrun left files in TMPDIR");
	free(err);
	unlink(errfile);
	scratch_rm(dir);
}

/* Started with stdin, stdout and stderr closed, stubrun's own descriptors
 * (QEMU's socketpair, its pipes) must not land on 0-2, where QEMU's dup2
 * would replace them: the status is still the guest's, pass or fail. */
static int status_with_std_fds_closed(const char *image)
{
	char img[512], cmd[1400];

	harness_example(img, sizeof(img), image);
	snprintf(cmd, sizeof(cmd), "exec '%s' run --timeout 50 '%s' <&- >&- 2>&-",
		 harness_stubrun(), img);
	int st = system(cmd);
	cr_assert(WIFEXITED(st), "%s: wait status 0x%x", image, st);
	return WEXITSTATUS(st);
}

Test(hygiene_output, closed_standard_fds_keep_the_guest_status)
{
	cr_expect_eq(status_with_std_fds_closed("aarch64-pass.elf"), 0);
	cr_expect_eq(status_with_std_fds_closed("riscv64-fail.elf"), 3);
	cr_expect_eq(status_with_std_fds_closed("x86_64-pass.elf"), 0);
}

/* stdout on /dev/full: the console is lost, which is said once; the
 * verdict and status are the guest's. */
Test(hygiene_output, full_stdout_warns_once_and_keeps_the_verdict)
{
	harness_result res;
	char img[512];

	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	const char *argv[] = { "sh", "-c", "exec \"$0\" run \"$1\" >/dev/full",
			       harness_stubrun(), img, NULL };
	cr_assert_eq(harness_run(&res, argv, 60), 0);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	const char *w = strstr(res.err, "stubrun: warning: the console is lost: "
			       "stdout: No space left on device");
	cr_expect(w && !strstr(w + 20, "the console is lost"), "%s", res.err);
	cr_expect(strstr(res.err, "stubrun: PASS"), "%s", res.err);
	harness_result_free(&res);
}

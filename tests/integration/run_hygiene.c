/* Integration: process hygiene of `stubrun run`: killed by SIGTERM,
 * SIGINT or SIGHUP it kills QEMU, removes its directory and exits
 * 128+N; runs in parallel do not collide; nothing is left in TMPDIR. */
#include "run_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static char tmp[64];

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/stubrun-hyg-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	setenv("TMPDIR", tmp, 1); /* stubrun's private dirs go here */
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void teardown(void)
{
	cr_expect_eq(entries(tmp), 0, "stubrun left files in %s", tmp);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(run_hygiene, .init = setup, .fini = teardown);

/* Starts stubrun on a hanging guest; returns its pid once its QEMU runs. */
static pid_t start_hanging(const char *name)
{
	const char *argv[] = { harness_stubrun(), "--timeout", "50", "--qemu-arg",
			       "-name", "--qemu-arg", name,
			       EXAMPLE("riscv64-hang.elf"), NULL };
	pid_t pid = harness_spawn_quiet(argv);

	cr_assert_geq(pid, 0);
	for (int i = 0; i < 1000 && harness_count_processes(name) == 0; i++)
		poll(NULL, 0, 10);
	cr_assert_gt(harness_count_processes(name), 0, "QEMU never started");
	return pid;
}

static void killed_by(int sig)
{
	char name[64];
	int st = 0;

	snprintf(name, sizeof(name), "stubrun-hyg-%d-%d", (int)getpid(), sig);
	pid_t pid = start_hanging(name);
	poll(NULL, 0, 200); /* let it get into the run loop */
	cr_assert_eq(kill(pid, sig), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st), "stubrun died of signal %d instead of exiting",
		  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	cr_expect_eq(WEXITSTATUS(st), 128 + sig);
	cr_expect_eq(harness_count_processes(name), 0, "QEMU survived signal %d", sig);
}

Test(run_hygiene, sigterm_kills_qemu_and_exits_143) { killed_by(SIGTERM); }
Test(run_hygiene, sigint_kills_qemu_and_exits_130) { killed_by(SIGINT); }
Test(run_hygiene, sighup_kills_qemu_and_exits_129) { killed_by(SIGHUP); }

/* SIGKILL cannot be caught: QEMU must still die (PR_SET_PDEATHSIG). */
Test(run_hygiene, sigkill_of_stubrun_still_kills_qemu)
{
	char name[64];
	int gone = 0;

	snprintf(name, sizeof(name), "stubrun-hyg-%d-kill", (int)getpid());
	pid_t pid = start_hanging(name);
	cr_assert_eq(kill(pid, SIGKILL), 0);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 500 && !gone; i++) {
		gone = harness_count_processes(name) == 0;
		if (!gone)
			poll(NULL, 0, 10);
	}
	cr_expect(gone, "QEMU outlived a SIGKILLed stubrun");
	/* the private directory could not be removed by a killed process */
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/stubrun-*", tmp);
	cr_expect_eq(system(cmd), 0);
}

/* Several runs at once, each with its own private socket. */
Test(run_hygiene, parallel_runs_do_not_collide)
{
	enum { N = 4 };
	static const char *const images[N] = { "riscv64-pass.elf", "riscv64-pass.elf",
					       "aarch64-fail.elf", "arm-pass.elf" };
	static const int want[N] = { 0, 0, 3, 0 };
	pid_t pids[N];

	for (int i = 0; i < N; i++) {
		const char *img = EXAMPLE(images[i]);
		const char *argv[] = { harness_stubrun(), img, NULL };
		pids[i] = harness_spawn_quiet(argv);
		cr_assert_geq(pids[i], 0);
	}
	for (int i = 0; i < N; i++) {
		int st = 0;
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == want[i],
			  "run %d (%s): status %d", i, images[i], WEXITSTATUS(st));
	}
}

/* Every exit path leaves TMPDIR empty (checked by the fixture). */
Test(run_hygiene, exit_paths_leave_nothing_behind)
{
	harness_result res;

	stubrun(&res, "--timeout", "1", EXAMPLE("i386-hang.elf"), NULL);
	cr_expect_eq(res.status, 124);
	harness_result_free(&res);
	stubrun(&res, EXAMPLE("x86_64-crash.elf"), NULL);
	cr_expect_eq(res.status, 1);
	harness_result_free(&res);
	stubrun(&res, "--arch", "i8086", EXAMPLE("boot.img"), NULL);
	cr_expect_eq(res.status, 0);
	harness_result_free(&res);
	stubrun(&res, "--machine", "nope", EXAMPLE("riscv32-pass.elf"), NULL);
	cr_expect_eq(res.status, 125);
	harness_result_free(&res);
}

/* An A-profile Arm board (vexpress has a PL041) probes every host audio
 * back-end at start and prints about 30 ALSA and module lines when the
 * host has none. None of that may reach the user: only the guest's text
 * and stubrun's own lines. The M-profile image does not run on the A15;
 * the run times out, which is all this test needs. */
Test(run_hygiene, arm_board_audio_prints_nothing)
{
	harness_result res;

	stubrun(&res, "--machine", "vexpress-a15", "--cpu", "cortex-a15",
		"--timeout", "1", EXAMPLE("arm-hang.elf"), NULL);
	cr_expect_eq(res.status, 124, "status %d:\n%s", res.status, res.err);
	cr_expect_null(strstr(res.err, "ALSA"), "%s", res.err);
	cr_expect_null(strstr(res.err, "audio"), "%s", res.err);
	cr_expect_null(strstr(res.err, "qemu:"), "%s", res.err);
	harness_result_free(&res);
}

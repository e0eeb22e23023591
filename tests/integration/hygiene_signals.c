/*
 * Integration: process hygiene under signals. `stubrun run` and
 * `stubrun test -j4` are sent SIGINT, SIGTERM, SIGHUP or SIGKILL while
 * their QEMUs run the hang examples; afterwards no process they started
 * survives and no private directory (stubrun-XXXXXX, src/run/qemu.c) is left
 * in their TMPDIR. Each test works in its own scratch directory, whose name
 * is in every command line it starts (images, sockets): the marker.
 */
#include "faults_common.h"

#include <sys/stat.h>
#include <time.h>

/* The hang examples run by the suite: four QEMUs at once with -j4. */
static const char *const hang_arches[] = { "aarch64", "arm", "riscv64",
					   "x86_64" };
#define NHANG 4

typedef struct scene {
	char dir[80];          /* the scratch directory, also the marker */
	char tmp[128];         /* TMPDIR of stubrun */
	char errfile[128];
	pid_t pid;             /* stubrun */
} scene;

static void scene_new(scene *s, const char *what)
{
	scratch_new(s->dir, sizeof(s->dir), what);
	snprintf(s->tmp, sizeof(s->tmp), "%s/tmp", s->dir);
	snprintf(s->errfile, sizeof(s->errfile), "%s/stderr", s->dir);
	cr_assert_eq(mkdir(s->tmp, 0700), 0);
}

/* Links the hang examples into dir/img, so that their paths (in QEMU's
 * command line) carry the marker. */
static void link_hang_images(const scene *s)
{
	char img[160], link[240], target[512];

	snprintf(img, sizeof(img), "%s/img", s->dir);
	cr_assert_eq(mkdir(img, 0700), 0);
	for (int i = 0; i < NHANG; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s-hang.elf", hang_arches[i]);
		example_or_skip(target, sizeof(target), name);
		snprintf(link, sizeof(link), "%s/%s", img, name);
		cr_assert_eq(symlink(target, link), 0);
	}
}

static void start_run(scene *s)
{
	char img[200];

	link_hang_images(s);
	snprintf(img, sizeof(img), "%s/img/riscv64-hang.elf", s->dir);
	const char *argv[] = { harness_stubrun(), "run", "--timeout", "50", img,
			       NULL };
	s->pid = spawn_bg(argv, s->errfile, s->tmp);
	cr_assert_eq(wait_count_qemus(s->dir, 1), 1, "QEMU never started");
}

static void start_suite(scene *s)
{
	char suite[160];
	FILE *f;

	link_hang_images(s);
	snprintf(suite, sizeof(suite), "%s/hang.ini", s->dir);
	cr_assert_not_null(f = fopen(suite, "w"));
	fputs("[test \"hang\"]\nimage = img/*-hang.elf\ntimeout = 50\n", f);
	fclose(f);
	const char *argv[] = { harness_stubrun(), "test", "-j", "4", suite, NULL };
	s->pid = spawn_bg(argv, s->errfile, s->tmp);
	cr_assert_eq(wait_count_qemus(s->dir, NHANG), NHANG,
		     "%d QEMUs never ran at once", NHANG);
}

/* Threads of a process (/proc/PID/task), -1 when it cannot be read. */
static int threads(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	return dir_count(path, "");
}

/*
 * Sends `sig` once the run is under way and checks: the exit status
 * (128+N, or death by SIGKILL), that every process carrying the marker is
 * gone, and that stubrun test left no directory (unless SIGKILLed). Returns
 * the number of stubrun run's private directories left (the caller
 * decides what it allows).
 */
static int signal_and_check(scene *s, int sig, int want_status)
{
	int st, left;

	poll(NULL, 0, 300); /* past the handshake, into the run loop */
	cr_assert_eq(kill(s->pid, sig), 0);
	st = reap_or_fail(s->pid, "stubrun");
	if (sig == SIGKILL)
		cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
			  "status 0x%x", st);
	else
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == want_status,
			  "status 0x%x, want exit %d", st, want_status);
	/* Children end on their own (PDEATHSIG, SIGTERM from the suite):
	 * give them a bounded moment. */
	cr_expect_eq(wait_count(s->dir, 0), 0, "a process outlived stubrun "
		     "(signal %d)", sig);
	cr_expect_eq(count_processes2("qemu-system-", s->dir), 0,
		     "a QEMU outlived stubrun (signal %d)", sig);
	/* stubrun run's directories are stubrun-XXXXXX; stubrun test's own
	 * is stubrun-test-XXXXXX (events files of its children). */
	left = dir_count(s->tmp, "stubrun-") - dir_count(s->tmp, "stubrun-test-");
	if (sig != SIGKILL)
		cr_expect_eq(dir_count(s->tmp, "stubrun-test-"), 0,
			     "stubrun test left its directory (signal %d)", sig);
	return left;
}

static void scene_end(scene *s)
{
	scratch_rm(s->dir);
}

static void run_signal(int sig, int want_status)
{
	scene s;

	scene_new(&s, "runsig");
	start_run(&s);
	cr_expect_eq(signal_and_check(&s, sig, want_status), 0,
		     "a private directory is left after signal %d", sig);
	scene_end(&s);
}

static void suite_signal(int sig, int want_status)
{
	scene s;

	scene_new(&s, "testsig");
	start_suite(&s);
	cr_expect_eq(signal_and_check(&s, sig, want_status), 0,
		     "a private directory is left after signal %d", sig);
	scene_end(&s);
}

Test(hygiene_signals, run_sigint_exits_130_and_cleans_up) { run_signal(SIGINT, 130); }
Test(hygiene_signals, run_sigterm_exits_143_and_cleans_up) { run_signal(SIGTERM, 143); }

Test(hygiene_signals, suite_j4_sigint_exits_130_and_cleans_up) { suite_signal(SIGINT, 130); }
Test(hygiene_signals, suite_j4_sigterm_exits_143_and_cleans_up) { suite_signal(SIGTERM, 143); }
Test(hygiene_signals, suite_j4_sighup_exits_129_and_cleans_up) { suite_signal(SIGHUP, 129); }

/* The next run in the same TMPDIR: it passes, and its sweep has removed
 * what the killed run could not (src/base/privdir.c). */
static void next_run_sweeps(const scene *s)
{
	char img[512], errfile[160];
	int st;

	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	snprintf(errfile, sizeof(errfile), "%s/stderr2", s->dir);
	const char *argv[] = { harness_stubrun(), "run", "--quiet", img, NULL };
	st = reap_or_fail(spawn_bg(argv, errfile, s->tmp), "stubrun");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
	cr_expect_eq(dir_count(s->tmp, ""), 0, "TMPDIR is not as it was after "
		     "the next run");
}

/* SIGKILL of stubrun test: each child `stubrun run` gets SIGTERM through
 * its PR_SET_PDEATHSIG and cleans up after itself: no QEMU, none of their
 * directories. (stubrun test's own stubrun-test-XXXXXX, with the events
 * files, cannot be removed by a killed process; the scratch removal takes
 * it. docs/HARDENING.md.) */
Test(hygiene_signals, suite_j4_sigkill_leaves_no_qemu_and_no_directory)
{
	suite_signal(SIGKILL, 0);
}

/* What a SIGKILLed stubrun test leaves (its events directory) is gone
 * after the next run. */
Test(hygiene_signals, suite_sigkill_leftovers_are_swept_by_the_next_run)
{
	scene s;

	scene_new(&s, "testkill");
	start_suite(&s);
	signal_and_check(&s, SIGKILL, 0);
	next_run_sweeps(&s);
	scene_end(&s);
}

/* The sweep removes only directories whose owner is dead: one of a live
 * process (this test, its real start time) and names it cannot read stay. */
static unsigned long long own_start_time(void)
{
	char buf[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	unsigned long long start = 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

Test(hygiene_signals, sweep_spares_live_owners_and_foreign_names)
{
	scene s;
	char dead[256], live[256], foreign[256], file[300];
	pid_t gone = fork();

	cr_assert_geq(gone, 0);
	if (gone == 0)
		_exit(0);
	reap_or_fail(gone, "child");
	scene_new(&s, "sweep");
	snprintf(dead, sizeof(dead), "%s/stubrun-test-%d.%llu-abcdef", s.tmp,
		 (int)gone, own_start_time() + 1);
	snprintf(live, sizeof(live), "%s/stubrun-test-%d.%llu-ghijkl", s.tmp,
		 (int)getpid(), own_start_time());
	snprintf(foreign, sizeof(foreign), "%s/stubrun-keep-me", s.tmp);
	cr_assert_eq(mkdir(dead, 0700), 0);
	cr_assert_eq(mkdir(live, 0700), 0);
	cr_assert_eq(mkdir(foreign, 0700), 0);
	snprintf(file, sizeof(file), "%s/events-0.jsonl", dead);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);

	char img[512], errfile[160];
	example_or_skip(img, sizeof(img), "riscv64-pass.elf");
	snprintf(errfile, sizeof(errfile), "%s/stderr", s.dir);
	const char *argv[] = { harness_stubrun(), "run", "--quiet", img, NULL };
	int st = reap_or_fail(spawn_bg(argv, errfile, s.tmp), "stubrun");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
	cr_expect_neq(access(dead, F_OK), 0, "a dead owner's directory stayed");
	cr_expect_eq(access(live, F_OK), 0, "a live owner's directory was removed");
	cr_expect_eq(access(foreign, F_OK), 0, "an unreadable name was removed");
	cr_expect_eq(dir_count(s.tmp, ""), 2, "TMPDIR holds more than the two");
	scene_end(&s);
}

/*
 * SIGKILL of stubrun run: QEMU dies through PR_SET_PDEATHSIG(SIGKILL).
 * That signal follows the death of the *thread* that forked QEMU, so
 * stubrun must fork from its only thread: checked while it runs. A killed
 * stubrun cannot remove its private directory (nothing runs to do it): at
 * most that one directory, holding only a dead socket, is left; the test
 * removes it (docs/HARDENING.md).
 */
Test(hygiene_signals, run_sigkill_kills_qemu_through_pdeathsig)
{
	scene s;

	scene_new(&s, "runkill");
	start_run(&s);
	cr_expect_eq(threads(s.pid), 1, "stubrun run has more than one thread: "
		     "PDEATHSIG would fire when the forking thread ends");
	cr_expect_leq(signal_and_check(&s, SIGKILL, 0), 1);
	next_run_sweeps(&s);
	scene_end(&s);
}

/* One suite run SIGKILLed `delay_ms` after it started (at any moment: in
 * its set-up, while its runs spawn QEMU, in the handshakes, in the loops),
 * then the next run: nothing carrying the marker survives, and TMPDIR is
 * as it was once the next run swept it. */
static void kill_at(int delay_ms, unsigned seed)
{
	scene s;
	int st;

	scene_new(&s, "killat");
	link_hang_images(&s);
	char suite[160];
	snprintf(suite, sizeof(suite), "%s/hang.ini", s.dir);
	FILE *f = fopen(suite, "w");
	cr_assert_not_null(f);
	fputs("[test \"hang\"]\nimage = img/*-hang.elf\ntimeout = 50\n", f);
	fclose(f);
	const char *argv[] = { harness_stubrun(), "test", "-j", "2", suite, NULL };
	s.pid = spawn_bg(argv, s.errfile, s.tmp);
	poll(NULL, 0, delay_ms);
	cr_assert_eq(kill(s.pid, SIGKILL), 0);
	st = reap_or_fail(s.pid, "stubrun");
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "killed at %d ms (seed %u): status 0x%x", delay_ms, seed, st);
	cr_expect_eq(wait_count(s.dir, 0), 0, "killed at %d ms (seed %u): a "
		     "process outlived stubrun", delay_ms, seed);
	next_run_sweeps(&s);
	scene_end(&s);
}

/* Ten random moments of a `stubrun test -j2` run; the seed is in every
 * message, so a failure can be replayed. */
Test(hygiene_signals, sigkill_at_ten_random_moments_leaves_nothing,
     .timeout = 300)
{
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	unsigned x = seed;

	for (int i = 0; i < 10; i++) {
		x = x * 1103515245u + 12345u;
		kill_at((int)((x >> 8) % 1500), seed);
	}
}

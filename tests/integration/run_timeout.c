/* Integration: the fair --timeout. The time stubrun spends servicing a
 * semihosting call, with the guest halted, is not the guest's: a guest
 * whose host calls take longer than its --timeout still passes, and its
 * guest time leaves them out; at most one more --timeout is taken off, so
 * a guest that does nothing but call still times out. Real QEMU, the
 * examples' sh-slow guest (its SYS_SYSTEM runs a host command). */
#include "run_common.h"

#include <stdlib.h>

static char scratch[] = "/tmp/stubrun-fair-XXXXXX";

static void scratch_make(void)
{
	cr_assert_eq(harness_scratch_make(scratch), 0, "mkdtemp");
}

static void scratch_remove(void)
{
	harness_scratch_remove(scratch);
}

/* The verdict event's "time_ms" and "guest_ms" from an --events file. */
static void verdict_times(long *wall, long *guest, const char *path)
{
	char *ev = harness_slurp(path);
	const char *v = ev ? strstr(ev, "{\"event\":\"verdict\"") : NULL;

	cr_assert(v, "no verdict event in %s:\n%s", path, ev ? ev : "");
	cr_assert(strstr(v, "\"time_ms\":") && strstr(v, "\"guest_ms\":"), "%s", v);
	*wall = strtol(strstr(v, "\"time_ms\":") + 10, NULL, 10);
	*guest = strtol(strstr(v, "\"guest_ms\":") + 11, NULL, 10);
	free(ev);
}

/* Two host calls of 2 s each under --timeout 3: the run takes over 4 s of
 * wall time and passes, and at least the 3 s the cap allows are off its
 * guest time. */
Test(run_timeout, host_calls_are_not_guest_time, .init = scratch_make,
     .fini = scratch_remove, .timeout = 120)
{
	char events[64];
	harness_result res;
	long wall, guest;

	snprintf(events, sizeof(events), "%s/ev.json", scratch);
	stubrun(&res, "--timeout", "3", "--semihosting-allow-system",
		"--events", events, EXAMPLE("riscv64-sh-slow.elf"), "--",
		"calls=2", "system", "sleep", "2", NULL);
	cr_expect_eq(res.status, 0, "%s%s", res.out, res.err);
	expect_in(res.out, "sh-slow: 2 calls done", "stdout");
	verdict_times(&wall, &guest, events);
	cr_expect(wall >= 4000, "the host calls took %ld ms in all", wall);
	cr_expect(guest >= 0 && wall - guest >= 3000,
		  "guest %ld ms of wall %ld ms", guest, wall);
	harness_result_free(&res);
}

/* A guest that does nothing but slow semihosting calls: the time taken
 * off is capped at one more --timeout, so it still times out (status 124,
 * with its post-mortem) long before the test's outer limit; uncapped, it
 * would run for ever. */
Test(run_timeout, calls_alone_still_time_out, .timeout = 120)
{
	harness_result res;

	stubrun_limit(&res, 30, "--timeout", "1",
		      "--semihosting-allow-system", EXAMPLE("riscv64-sh-slow.elf"),
		      "--", "spin", "system", "sleep", "0.2", NULL);
	cr_expect_eq(res.status, 124, "%s", res.err);
	expect_in(res.err, "stubrun: TIMEOUT: timeout after 1 s", "stderr");
	expect_postmortem(&res);
	harness_result_free(&res);
}

/* A host command that never ends is killed where the fair timeout's
 * bound is: the guest's --timeout plus the one more it allows for host
 * calls. Before, stubrun waited on it for good, deaf to its deadline and
 * to signals (the command had them blocked). The run times out with its
 * post-mortem, and nothing the command started is left. */
Test(run_timeout, a_host_command_that_never_ends_is_killed_at_the_bound,
     .init = scratch_make, .fini = scratch_remove, .timeout = 120)
{
	char script[128];
	harness_result res;
	FILE *f;

	snprintf(script, sizeof(script), "%s/hang.sh", scratch);
	cr_assert((f = fopen(script, "w")));
	fputs("sleep 600\n", f);
	fclose(f);
	stubrun_limit(&res, 60, "--timeout", "1", "--semihosting-allow-system",
		      EXAMPLE("riscv64-sh-slow.elf"), "--", "system", "sh",
		      script, NULL);
	cr_expect_eq(res.timed_out, 0, "stubrun waited on the command");
	cr_expect_eq(res.status, 124, "%s%s", res.out, res.err);
	expect_in(res.err, "stubrun: TIMEOUT: timeout after 1 s", "stderr");
	cr_expect_null(strstr(res.out, "failed"), "the guest saw its call cut "
		       "short:\n%s", res.out);
	expect_postmortem(&res);
	cr_expect_eq(harness_count_processes(scratch), 0,
		     "the host command outlived stubrun");
	harness_result_free(&res);
}

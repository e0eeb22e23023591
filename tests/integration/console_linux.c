/* Integration: verdicts from the serial console of Debian's Linux kernel
 * (the vmlinux of /boot/vmlinuz-*-amd64, booted by its PVH entry; see
 * debian_vmlinux()) with an initramfs built at test time around
 * busybox-static (tests/boot/mkinitramfs.sh): KTAP results printed by
 * init, a panic, and a power-off after results. */
#include "boot_common.h"

#define LINUX_MEMORY "512M"
#define LINUX_APPEND "console=ttyS0 panic=-1 quiet"

/* KTAP as KUnit prints it: a top-level test, a suite with two cases (one
 * failing, with a diagnostic), a skipped test; then a power-off. */
static const char ktap_init[] =
	"echo 'KTAP version 1'\n"
	"echo '1..3'\n"
	"echo 'ok 1 first'\n"
	"echo '    KTAP version 1'\n"
	"echo '    # Subtest: suite'\n"
	"echo '    1..2'\n"
	"echo '    ok 1 case_a'\n"
	"echo '    # case_b: expected 1, got 2'\n"
	"echo '    not ok 2 case_b'\n"
	"echo 'not ok 2 suite'\n"
	"echo 'ok 3 third # SKIP no device'\n"
	"poweroff -f\n";

/* The results become the verdict (1: a case failed) as soon as the plan
 * is complete, and each test an event with its status. */
Test(console_linux, ktap_results_are_the_verdict_and_the_events)
{
	boot_dir d;
	char kernel[256], initrd[256], events[256];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     ktap_init);
	boot_path(events, sizeof(events), &d, "events.jsonl");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     LINUX_MEMORY, "--append", LINUX_APPEND, "--console-preset",
		     "linux", "--events", events, "--timeout", "120", NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the console's test results: 1 of 4 failed, "
		  "the first suite.case_b", "stderr");
	char *ev = harness_slurp(events);
	expect_in(ev, "{\"event\":\"end\",\"name\":\"first\",\"status\":0,", "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"suite.case_a\",\"status\":0,",
		  "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"suite.case_b\",\"status\":1,",
		  "events");
	expect_in(ev, "\"output\":\"    # case_b: expected 1, got 2\\n\"", "events");
	expect_in(ev, "\"name\":\"third\",\"status\":0,\"skip\":\"SKIP no device\"",
		  "events");
	free(ev);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* The same guest under `stubrun test`: one JUnit case per KTAP test, the
 * failure and the skip where they belong. */
Test(console_linux, ktap_results_reach_junit)
{
	boot_dir d;
	char kernel[256], initrd[256], suite[256], xml[256], text[1024];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     ktap_init);
	boot_path(suite, sizeof(suite), &d, "linux.ini");
	boot_path(xml, sizeof(xml), &d, "report.xml");
	snprintf(text, sizeof(text), "[test \"kunit\"]\nkernel = %s\n"
		 "initrd = %s\nmemory = %s\nappend = %s\n"
		 "console-preset = linux\ntimeout = 120\n", kernel, initrd,
		 LINUX_MEMORY, LINUX_APPEND);
	boot_write(suite, text);
	const char *argv[] = { harness_stubrun(), "test", "--junit", xml, suite,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, BOOT_LIMIT_S), 0);
	cr_expect_eq(res.status, 1, "status %d\n%s%s", res.status, res.out,
		     res.err);
	char *junit = harness_slurp(xml);
	expect_in(junit, "name=\"kunit/suite.case_a\"", "JUnit");
	expect_in(junit, "name=\"kunit/suite.case_b\"", "JUnit");
	expect_in(junit, "guest test status 1", "JUnit (case_b's failure)");
	expect_in(junit, "skipped: SKIP no device", "JUnit (third's skip)");
	free(junit);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* init exits, so the kernel panics: a failure quoting the panic line,
 * with a post-mortem of the halted machine, long before the timeout. */
Test(console_linux, panic_fails_at_once_with_a_postmortem)
{
	boot_dir d;
	char kernel[256], initrd[256];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     "echo stubrun-init: leaving\nexit 0\n");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     LINUX_MEMORY, "--append", LINUX_APPEND, "--console-preset",
		     "linux", "--timeout", "120", NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "FAIL: the console matched 'linux:panic': ", "stderr");
	expect_in(res.err, "Kernel panic - not syncing: Attempted to kill init!",
		  "stderr");
	expect_postmortem(&res);
	cr_expect_null(strstr(res.err, "TIMEOUT"), "%s", res.err);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* TAP without a plan line: the results are known complete only when the
 * guest powers off, and a power-off after passing results is a pass. */
Test(console_linux, poweroff_after_passing_results_is_a_pass)
{
	boot_dir d;
	char kernel[256], initrd[256];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     "echo 'TAP version 13'\necho 'ok 1 boots'\n"
		     "echo 'ok 2 mounts'\npoweroff -f\n");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     LINUX_MEMORY, "--append", LINUX_APPEND, "--console-preset",
		     "linux", "--timeout", "120", NULL);
	cr_expect_eq(res.status, 0, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "PASS: the guest powered off after its console test "
		  "results: 2 passed", "stderr");
	harness_result_free(&res);
	boot_dir_remove(&d);
}

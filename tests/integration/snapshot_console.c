/*
 * --snapshot-at console:REGEX with --snapshot-test: Debian's Linux kernel
 * with a busybox initramfs (tests/boot/mkinitramfs.sh) boots once to its
 * shell prompt; each console test runs alone from the snapshot. What one
 * test does to the initramfs, and the input it leaves unread, never reach
 * the next; a prompt never reached is the run's failure. Each Linux boot
 * (of the kernel's vmlinux, see debian_vmlinux()) costs about 3 s of wall
 * time: the tests are few and share what they can.
 */
#include "boot_common.h"

/* Why 256M: Debian's kernel and the initramfs fit, and loadvm restores
 * half the RAM of the boot tests' 512M. */
#define SNAP_MEMORY "256M"
#define SNAP_APPEND "console=ttyS0 panic=-1 quiet"
#define SNAP_PROMPT "console:/ # "
/* Lines of the flood test's unread input: the guest reads its UART 16
 * bytes an interrupt, so most of 30 KB is still in QEMU's input when the
 * echo of the first line ends the test. */
#define FLOOD_LINES 1500

static const char shell_init[] = "echo stubrun-init: shell\nexec sh\n";

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; s && (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* NAME=TEXT of a test that types its first command and FLOOD_LINES more
 * after it, and ends at the echo of the first: the rest is unread. */
static char *flood_test(void)
{
	static const char first[] = "flood=echo flood-$((1+1))\\n";
	static const char line[] = "echo LEAK-$((2+2))\\n";
	char *t = malloc(sizeof(first) + FLOOD_LINES * (sizeof(line) - 1));

	cr_assert_not_null(t);
	strcpy(t, first);
	for (int i = 0; i < FLOOD_LINES; i++)
		strcat(t, line);
	return t;
}

/* One boot, four tests: the flood leaves input unread, rm changes the
 * initramfs, intact sees neither (a leaked line or echo fails it), and
 * fails fails on its own. Each has its own verdict in the events and in
 * one line; the boot's console is printed once. */
Test(snapshot_console, tests_from_one_boot_are_isolated, .timeout = BOOT_LIMIT_S)
{
	boot_dir d;
	char kernel[256], initrd[256], events[256];
	char *flood = flood_test();
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     shell_init);
	boot_path(events, sizeof(events), &d, "events.jsonl");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     SNAP_MEMORY, "--append", SNAP_APPEND, "--snapshot-at",
		     SNAP_PROMPT, "--snapshot-test", flood,
		     "--console-pass", "echo flood-",
		     "--snapshot-test", "rm=rm /bin/cat; echo s > /tmp/mark; "
		     "echo rm-$?\\n", "--console-pass", "rm-0",
		     "--snapshot-test", "intact=test -e /bin/cat && test ! -e "
		     "/tmp/mark && echo intact-$((2*3))\\n", "--console-pass",
		     "intact-6", "--console-fail", "LEAK",
		     "--snapshot-test", "fails=echo x-$((1+1))\\n", "--console-fail",
		     "^x-2", "--events", events, "--timeout", "60", NULL);
	free(flood);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.err, "stubrun: test fails: the console matched '^x-2': "
		  "\"x-2\" (status 1)", "stderr");
	expect_in(res.err, "=== stubrun post-mortem: the console matched '^x-2'",
		  "stderr");
	expect_in(res.err, "stubrun: FAIL: 1 of 4 tests failed, each run alone "
		  "from the snapshot at console:\"/ # \" (status 1)", "stderr");
	cr_expect_eq(count(res.out, "stubrun-init: shell"), 1, "%s", res.out);
	char *ev = harness_slurp(events);
	expect_in(ev, "{\"event\":\"plan\",\"tests\":[\"flood\",\"rm\",\"intact\","
		  "\"fails\"]", "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"flood\",\"status\":0,", "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"rm\",\"status\":0,", "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"intact\",\"status\":0,", "events");
	expect_in(ev, "{\"event\":\"end\",\"name\":\"fails\",\"status\":1,", "events");
	expect_in(ev, "\"output\":\"echo x-$((1+1))\\r\\nx-2", "events (fails's own "
		  "output, nothing before its text)");
	free(ev);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* The prompt never comes (init powers off): status 1, one line naming
 * the point and why the boot ended, with the post-mortem. */
Test(snapshot_console, a_prompt_never_reached_is_one_line, .timeout = BOOT_LIMIT_S)
{
	boot_dir d;
	char kernel[256], initrd[256];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     "echo stubrun-init: no shell\npoweroff -f\n");
	boot_stubrun(&res, "--kernel", kernel, "--initrd", initrd, "--memory",
		     SNAP_MEMORY, "--append", SNAP_APPEND, "--snapshot-at",
		     SNAP_PROMPT, "--snapshot-test", "echo=echo hi\\n",
		     "--console-pass", "hi", "--timeout", "60", NULL);
	cr_expect_eq(res.status, 1, "status %d\n%s", res.status, res.err);
	expect_in(res.out, "stubrun-init: no shell", "stdout (the init ran)");
	expect_in(res.err, "=== stubrun post-mortem:", "stderr");
	expect_in(res.err, "\nstubrun: FAIL: the guest never reached --snapshot-at "
		  "console:\"/ # \" (the guest reset or shut down", "stderr");
	cr_expect_eq(count(res.err, "stubrun: "), 1, "one line:\n%s", res.err);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* Under `stubrun test`, two tests that boot alike to the same prompt
 * share one run (a runner that counts its calls stands in front of
 * stubrun): one boot, each test its own case, isolated as before. */
Test(snapshot_console, suite_tests_share_one_boot, .timeout = BOOT_LIMIT_S)
{
	boot_dir d;
	char kernel[256], initrd[256], suite[256], json[256], runner[256];
	char runs[256], text[2048];
	harness_result res;

	linux_initrd(&d, kernel, sizeof(kernel), initrd, sizeof(initrd),
		     shell_init);
	boot_path(runs, sizeof(runs), &d, "runs");
	boot_path(runner, sizeof(runner), &d, "runner.sh");
	snprintf(text, sizeof(text), "#!/bin/sh\necho run >> %s\nexec %s \"$@\"\n",
		 runs, harness_stubrun());
	boot_write(runner, text);
	cr_assert_eq(chmod(runner, 0755), 0);
	setenv("STUBRUN_SUITE_RUNNER", runner, 1);
	boot_path(suite, sizeof(suite), &d, "linux.ini");
	boot_path(json, sizeof(json), &d, "report.jsonl");
	snprintf(text, sizeof(text), "[defaults]\nkernel = %s\ninitrd = %s\n"
		 "memory = %s\nappend = %s\nsnapshot-at = %s\ntimeout = 60\n\n"
		 "[test \"rm\"]\nsnapshot-test = rm=rm /bin/cat && echo rm-$?\\n\n"
		 "console-pass = ^rm-0\n\n"
		 "[test \"intact\"]\nsnapshot-test = cat=test -e /bin/cat && "
		 "echo intact-$((2*3))\\n\nconsole-pass = ^intact-6\n",
		 kernel, initrd, SNAP_MEMORY, SNAP_APPEND, SNAP_PROMPT);
	boot_write(suite, text);
	const char *argv[] = { harness_stubrun(), "test", "--json", json, suite,
			       NULL };
	cr_assert_eq(harness_run(&res, argv, BOOT_LIMIT_S), 0);
	unsetenv("STUBRUN_SUITE_RUNNER");
	cr_expect_eq(res.status, 0, "status %d\n%s%s", res.status, res.out,
		     res.err);
	char *n = harness_slurp(runs);
	cr_expect_str_eq(n, "run\n", "one run, one boot");
	char *report = harness_slurp(json);
	expect_in(report, "\"name\":\"rm/rm\",\"status\":\"pass\"", "report");
	expect_in(report, "\"name\":\"intact/cat\",\"status\":\"pass\"", "report");
	free(report);
	free(n);
	harness_result_free(&res);
	boot_dir_remove(&d);
}

/* Tests for src/run/cli.c: tables of good and bad command lines. */
#include <criterion/criterion.h>

#include <string.h>

#include "cli.h"
#include "runopt.h"

#define MAXARGS 64

/* Parses a NULL-terminated list of arguments (after "run"). */
static int parse(cli_options *o, char *err, size_t errlen,
		 const char *const *args)
{
	static char *argv[MAXARGS];
	int argc = 0;

	argv[argc++] = (char *)"stubrun";
	argv[argc++] = (char *)"run";
	while (*args && argc < MAXARGS - 1)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	err[0] = '\0';
	return cli_parse(o, argc, argv, 2, err, errlen);
}

#define PARSE(o, err, ...) \
	parse((o), (err), sizeof(err), (const char *[]){ __VA_ARGS__, NULL })

Test(cli, defaults)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "k.elf"), 0, "%s", err);
	cr_assert_str_eq(o.image, "k.elf");
	cr_assert_eq(o.timeout_ms, 60000);
	cr_assert_eq(o.gdb_mode, CLI_GDB_UNIX);
	cr_assert_null(o.arch);
	cr_assert_null(o.connect);
	cr_assert_null(o.test_begin_symbol);
	cr_assert_eq(o.n_checks, 0);
	cr_assert_eq(o.trace_rsp, 0);
	cli_options_free(&o);
}

Test(cli, every_option)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--arch", "i8086", "--machine=q35", "--cpu",
			   "max", "--memory", "64M", "--qemu", "/opt/q",
			   "--qemu-arg", "-smp", "--qemu-arg=2", "--exit-symbol", "ex",
			   "--fail-symbol", "f1", "--fail-symbol", "f2",
			   "--timeout", "2.5", "--gdb", "tcp:1234", "--trace-rsp",
			   "--events", "ev.jsonl", "--test-begin-symbol", "tb",
			   "--test-end-symbol", "te", "-q", "boot.img", "--", "a", "-b"),
		     0, "%s", err);
	cr_assert_str_eq(o.arch, "i8086");
	cr_assert_str_eq(o.machine, "q35");
	cr_assert_str_eq(o.cpu, "max");
	cr_assert_str_eq(o.memory, "64M");
	cr_assert_str_eq(o.qemu, "/opt/q");
	cr_assert_eq(o.n_qemu_args, 2);
	cr_assert_str_eq(o.qemu_args[0], "-smp");
	cr_assert_str_eq(o.qemu_args[1], "2");
	cr_assert_eq(o.n_exit_symbols, 1);
	cr_assert_eq(o.n_fail_symbols, 2);
	cr_assert_str_eq(o.fail_symbols[1], "f2");
	cr_assert_eq(o.timeout_ms, 2500);
	cr_assert_eq(o.gdb_mode, CLI_GDB_TCP);
	cr_assert_eq(o.tcp_port, 1234);
	cr_assert_eq(o.trace_rsp, 1);
	cr_assert_str_eq(o.events, "ev.jsonl");
	cr_assert_str_eq(o.test_begin_symbol, "tb");
	cr_assert_str_eq(o.test_end_symbol, "te");
	cr_assert_eq(o.quiet, 1);
	cr_assert_str_eq(o.image, "boot.img");
	cr_assert_eq(o.n_guest_args, 2);
	cr_assert_str_eq(o.guest_args[1], "-b");
	cli_options_free(&o);
}

Test(cli, expects_attach_to_the_preceding_checkpoint)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--break", "kmain+8", "--expect", "eax == 1",
			   "--pass-at", "0x7c00", "--expect", "dl == 0x80",
			   "--expect", "mem16[0x7dfe] == 0xaa55", "img"), 0, "%s", err);
	cr_assert_eq(o.n_checks, 2);
	cr_assert_eq(o.checks[0].pass, 0);
	cr_assert_str_eq(o.checks[0].loc, "kmain+8");
	cr_assert_eq(o.checks[0].where.kind, EXPECT_NAME);
	cr_assert_eq(o.checks[0].where.value, 8);
	cr_assert_eq(o.checks[0].n_expects, 1);
	cr_assert_eq(o.checks[1].pass, 1);
	cr_assert_eq(o.checks[1].where.kind, EXPECT_NUM);
	cr_assert_eq(o.checks[1].where.value, 0x7c00);
	cr_assert_eq(o.checks[1].n_expects, 2);
	cr_assert_str_eq(o.checks[1].expects[1].text, "mem16[0x7dfe] == 0xaa55");
	cli_options_free(&o);
}

/* Console options after a --snapshot-test are that test's; those before
 * the first one, the run's. */
Test(cli, console_options_attach_to_the_preceding_snapshot_test)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--console-fail", "Oops", "--snapshot-at",
			   "console:/ # ", "--snapshot-test", "echo=echo hi\\n",
			   "--console-pass", "^hi", "--snapshot-test", "ls=ls=x",
			   "--console-expect", "bin", "--console-send", "\\n",
			   "--console-fail", "No such", "--kernel", "bz"), 0, "%s", err);
	cr_assert_str_eq(o.snapshot_at, "console:/ # ");
	cr_assert_str_eq(o.snapshot_console, "/ # ");
	cr_assert_eq(o.console.n_fail, 1);
	cr_assert_eq(o.console.n_pass, 0);
	cr_assert_eq(o.n_snap_tests, 2);
	cr_expect_str_eq(o.snap_tests[0].name, "echo");
	cr_expect_str_eq(o.snap_tests[0].text, "echo hi\\n");
	cr_expect_eq(o.snap_tests[0].console.n_pass, 1);
	cr_expect_eq(o.snap_tests[0].console.n_steps, 0);
	cr_expect_str_eq(o.snap_tests[1].name, "ls");
	cr_expect_str_eq(o.snap_tests[1].text, "ls=x");
	cr_expect_eq(o.snap_tests[1].console.n_steps, 2);
	cr_expect_eq(o.snap_tests[1].console.steps[1].send, 1);
	cr_expect_eq(o.snap_tests[1].console.n_fail, 1);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--snapshot-at", "main", "i"), 0, "%s", err);
	cr_expect_null(o.snapshot_console);
	cr_expect_eq(o.snapshot_where.kind, EXPECT_NAME);
	cli_options_free(&o);
}

Test(cli, gdb_modes)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--gdb", "tcp", "i"), 0);
	cr_assert_eq(o.gdb_mode, CLI_GDB_TCP);
	cr_assert_eq(o.tcp_port, 0);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--gdb", "unix", "i"), 0);
	cr_assert_eq(o.gdb_mode, CLI_GDB_UNIX);
	cli_options_free(&o);
}

Test(cli, semihosting_modes)
{
	static const struct {
		const char *arg;
		runopt_semihosting mode;
	} rows[] = {
		{ "--semihosting", RUNOPT_SH_STUBRUN },
		{ "--semihosting=stubrun", RUNOPT_SH_STUBRUN },
		{ "--semihosting=qemu", RUNOPT_SH_QEMU },
		{ "--semihosting=gdb", RUNOPT_SH_GDB },
		{ "--semihosting=off", RUNOPT_SH_OFF },
	};
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "i"), 0);
	cr_expect_eq(o.semihosting, RUNOPT_SH_AUTO);
	cr_expect_null(o.semihosting_root);
	cr_expect_eq(o.semihosting_allow_system, 0);
	cr_expect_eq(o.has_heap, 0);
	cli_options_free(&o);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cr_assert_eq(PARSE(&o, err, rows[i].arg, "i"), 0, "%s: %s",
			     rows[i].arg, err);
		cr_expect_eq(o.semihosting, rows[i].mode, "%s", rows[i].arg);
		/* The bare option never takes the next word as its value. */
		cr_expect_str_eq(o.image, "i", "%s", rows[i].arg);
		cli_options_free(&o);
	}
	cr_assert_eq(PARSE(&o, err, "--semihosting", "qemu"), 0, "%s", err);
	cr_expect_eq(o.semihosting, RUNOPT_SH_STUBRUN);
	cr_expect_str_eq(o.image, "qemu");
	cli_options_free(&o);
}

Test(cli, semihosting_root_system_and_heap)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--semihosting-root", "/srv/x",
			   "--semihosting-allow-system", "--heap",
			   "0x40000000:0x40100000", "i"), 0, "%s", err);
	cr_expect_str_eq(o.semihosting_root, "/srv/x");
	cr_expect_eq(o.semihosting_allow_system, 1);
	cr_expect_eq(o.has_heap, 1);
	cr_expect_eq(o.has_stack, 0);
	cr_expect_eq(o.heap_base, 0x40000000);
	cr_expect_eq(o.heap_limit, 0x40100000);
	cr_expect_eq(o.stack_base, 0);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--heap=4096:8192:65536:0x8000", "i"), 0,
		     "%s", err);
	cr_expect_eq(o.has_stack, 1);
	cr_expect_eq(o.heap_base, 4096);
	cr_expect_eq(o.heap_limit, 8192);
	cr_expect_eq(o.stack_base, 65536);
	cr_expect_eq(o.stack_limit, 0x8000);
	cli_options_free(&o);
}

Test(cli, help_and_version_need_no_image)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--help"), 0);
	cr_assert_eq(o.help, 1);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--version"), 0);
	cr_assert_eq(o.version, 1);
	cli_options_free(&o);
}

Test(cli, usage_documents_every_option_and_status)
{
	static const char *const words[] = {
		"--arch", "--machine", "--cpu", "--memory", "--qemu ", "--qemu-arg",
		"--exit-symbol", "--fail-symbol", "--break", "--expect", "--pass-at",
		"--timeout", "--gdb", "--connect", "--trace-rsp", "--events",
		"--test-begin-symbol", "--test-end-symbol", "124", "125", "126", "127",
		"--semihosting[=MODE]", "stubrun", "qemu", "gdb", "off",
		"--semihosting-root", "--semihosting-allow-system", "--heap",
		"i8086", "mem16[X]", "--kernel FILE", "--initrd FILE",
		"--append TEXT", "--dtb FILE", "--drive FILE[,format=raw|qcow2]",
		"--cdrom ISO", "--bios FILE", "--uefi", "--symbols FILE",
		"--symbols-offset ADDR", "STUBRUN_FIRMWARE_DIR", "nokaslr",
	};
	static char text[16384];
	size_t n = cli_usage(text, sizeof(text));

	cr_assert_lt(n, sizeof(text), "usage cut: %zu bytes", n);
	cr_assert_eq(strlen(text), n);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		cr_expect(strstr(text, words[i]), "usage lacks %s", words[i]);
	/* every row of the option table is in it */
	for (size_t i = 0; i < runopt_count(); i++)
		cr_expect(strstr(text, runopt_table[i].name), "usage lacks %s",
			  runopt_table[i].name);
}

typedef struct bad_case {
	const char *args[8];
	const char *why;   /* a part of the message */
} bad_case;

static const bad_case bad[] = {
	{ { NULL }, "no IMAGE" },
	{ { "--bogus", "i", NULL }, "--bogus: unknown option" },
	{ { "--bogus=3", "i", NULL }, "--bogus: unknown option" },
	{ { "-x", "i", NULL }, "-x: unknown option" },
	{ { "i", "--arch", NULL }, "--arch: needs a value" },
	{ { "--arch=", "i", NULL }, "--arch: empty value" },
	{ { "--trace-rsp=1", "i", NULL }, "--trace-rsp: takes no value" },
	{ { "a", "b", NULL }, "only one IMAGE" },
	{ { "--expect", "eax == 1", "i", NULL }, "needs a --break or --pass-at" },
	{ { "--break", "f", "--expect", "eax = 1", "i", NULL }, "--expect 'eax = 1'" },
	{ { "--break", "f", "--expect", "eax ==", "i", NULL }, "expected a number" },
	{ { "--break", "mem8[3]", "i", NULL }, "--break 'mem8[3]'" },
	{ { "--pass-at", "-4", "i", NULL }, "--pass-at '-4'" },
	{ { "--pass-at", "f g", "i", NULL }, "--pass-at 'f g'" },
	{ { "--timeout", "0", "i", NULL }, "--timeout '0'" },
	{ { "--timeout", "-1", "i", NULL }, "--timeout '-1'" },
	{ { "--timeout", "abc", "i", NULL }, "--timeout 'abc'" },
	{ { "--timeout", "1e9", "i", NULL }, "--timeout '1e9'" },
	{ { "--timeout", "nan", "i", NULL }, "--timeout 'nan'" },
	{ { "--gdb", "udp", "i", NULL }, "--gdb 'udp'" },
	{ { "--gdb", "tcp:0", "i", NULL }, "--gdb 'tcp:0'" },
	{ { "--gdb", "tcp:70000", "i", NULL }, "--gdb 'tcp:70000'" },
	{ { "--semihosting=on", "i", NULL }, "--semihosting 'on'" },
	{ { "--semihosting=QEMU", "i", NULL }, "--semihosting 'QEMU'" },
	{ { "--semihosting=", "i", NULL }, "--semihosting: empty value" },
	{ { "--semihosting-root", NULL }, "--semihosting-root: needs a value" },
	{ { "--semihosting-root=", "i", NULL }, "--semihosting-root: empty" },
	{ { "--semihosting-allow-system=1", "i", NULL },
	  "--semihosting-allow-system: takes no value" },
	{ { "--heap", "0x1000", "i", NULL }, "--heap '0x1000'" },
	{ { "--heap", "2:1", "i", NULL }, "--heap '2:1'" },
	{ { "--heap", "1:1", "i", NULL }, "--heap '1:1'" },
	{ { "--heap", "1:2:3", "i", NULL }, "--heap '1:2:3'" },
	{ { "--heap", "1:2:3:4", "i", NULL }, "--heap '1:2:3:4'" },
	{ { "--heap", "1:2:4:3:", "i", NULL }, "--heap '1:2:4:3:'" },
	{ { "--heap", "1:2:4:3:0", "i", NULL }, "--heap '1:2:4:3:0'" },
	{ { "--heap", "1:x", "i", NULL }, "--heap '1:x'" },
	{ { "--heap", ":2", "i", NULL }, "--heap ':2'" },
	{ { "--heap", "-1:2", "i", NULL }, "--heap '-1:2'" },
	{ { "--heap", "1:0x1ffffffffffffffff", "i", NULL }, "--heap '1:0x1ff" },
	{ { "--heap", NULL }, "--heap: needs a value" },
	/* a value's control characters are escaped: the error stays a line */
	{ { "--break", "f", "--expect", "x0 ==\n1", "i", NULL },
	  "--expect 'x0 ==\\n1': expected a number" },
	{ { "--timeout", "1\t\x01", "i", NULL }, "--timeout '1\\t\\x01'" },
	{ { "--debug-listen", "localhost:1234", "i", NULL },
	  "--debug-listen localhost:1234: needs --debug-on-failure or --gdb-wait" },
	{ { "--gdb-wait=1", "i", NULL }, "--gdb-wait: takes no value" },
	{ { "--snapshot-at", "main", "--connect", "localhost:1", "i", NULL },
	  "--snapshot-at main: needs a QEMU of stubrun's own" },
	{ { "--snapshot-at", "main", "--record", "i", NULL },
	  "--snapshot-at main: does not go with --record" },
	{ { "--snapshot-at", "a b", "i", NULL }, "--snapshot-at 'a b'" },
	{ { "--snapshot-at", "console:", "i", NULL },
	  "--snapshot-at 'console:': expected console:REGEX with a REGEX" },
	{ { "--snapshot-at", "console:(", "i", NULL },
	  "--snapshot-at 'console:(': missing closing parenthesis at offset 1" },
	{ { "--snapshot-at", "console:# ", "i", NULL },
	  "--snapshot-at console:# : needs --snapshot-test" },
	{ { "--snapshot-test", "a=b", "i", NULL },
	  "--snapshot-test a: needs --snapshot-at" },
	{ { "--snapshot-at", "main", "--snapshot-test", "ab", "i", NULL },
	  "--snapshot-test 'ab': expected NAME=TEXT (NAME 1 to 127" },
	{ { "--snapshot-at", "main", "--snapshot-test", "=ls", "i", NULL },
	  "--snapshot-test '=ls': expected NAME=TEXT" },
	{ { "--snapshot-at", "main", "--snapshot-test", "a\tb=ls", "i", NULL },
	  "--snapshot-test 'a\\tb=ls': expected NAME=TEXT" },
	{ { "--snapshot-at", "main", "--snapshot-test", "a=ls\\q", "i", NULL },
	  "--snapshot-test 'a=ls\\q': TEXT: bad escape at offset 2" },
	{ { "--snapshot-at", "main", "--snapshot-test", "a=1", "--snapshot-test",
	    "a=2", "i", NULL }, "--snapshot-test a: the name is given twice" },
	{ { "--snapshot-at", "console:# ", "--console-expect", "x",
	    "--snapshot-test", "a=1", "i", NULL },
	  "--console-expect \"x\": before the first --snapshot-test" },
};

Test(cli, rejects_bad_table_naming_the_option)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cli_options o;
		char err[256];
		cr_expect_eq(parse(&o, err, sizeof(err), bad[i].args), -1,
			     "case %zu accepted", i);
		cr_expect(strstr(err, bad[i].why), "case %zu: '%s' lacks '%s'", i,
			  err, bad[i].why);
		cli_options_free(&o);
	}
}

Test(cli, debug_options)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--debug-on-failure", "--debug-listen",
			   "127.0.0.1:9", "i"), 0, "%s", err);
	cr_expect_eq(o.debug_on_failure, 1);
	cr_expect_eq(o.gdb_wait, 0);
	cr_expect_str_eq(o.debug_listen, "127.0.0.1:9");
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--gdb-wait", "i"), 0, "%s", err);
	cr_expect_eq(o.gdb_wait, 1);
	cr_expect_null(o.debug_listen);
	cli_options_free(&o);
}

Test(cli, free_is_idempotent)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--break", "f", "--expect", "a0 == 1", "i"), 0);
	cli_options_free(&o);
	cli_options_free(&o);
	cli_options_free(NULL);
	cr_assert_eq(o.n_checks, 0);
}

/* --user before IMAGE: the rest of the line is the program's (an exec
 * wrapper); --user and --system exclude each other. */
Test(cli, user_mode_options)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--user", "t", "--timeout", "x", "-q"), 0,
		     "%s", err);
	cr_expect(o.user);
	cr_expect_str_eq(o.image, "t");
	cr_assert_eq(o.n_guest_args, 3);
	cr_expect_str_eq(o.guest_args[0], "--timeout");
	cr_expect_eq(o.quiet, 0);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--user", "t", "--", "a"), 0, "%s", err);
	cr_assert_eq(o.n_guest_args, 1);
	cr_expect_str_eq(o.guest_args[0], "a");
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--system", "--sysroot", "/s", "t"), 0,
		     "%s", err);
	cr_expect(o.system);
	cr_expect_str_eq(o.sysroot, "/s");
	cli_options_free(&o);
	cr_expect_eq(PARSE(&o, err, "--user", "--system", "t"), -1);
	cr_expect_str_eq(err, "--user and --system: give one");
	cli_options_free(&o);
}

/* --system before IMAGE: the same exec wrapper for a booted guest (ctest
 * and meson append a bare-metal test's arguments to the image); after
 * IMAGE, options are still stubrun's. */
Test(cli, system_exec_wrapper)
{
	cli_options o;
	char err[256];

	cr_assert_eq(PARSE(&o, err, "--system", "t", "--demo", "-q"), 0,
		     "%s", err);
	cr_expect(o.system);
	cr_expect_str_eq(o.image, "t");
	cr_assert_eq(o.n_guest_args, 2);
	cr_expect_str_eq(o.guest_args[0], "--demo");
	cr_expect_str_eq(o.guest_args[1], "-q");
	cr_expect_eq(o.quiet, 0);
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "--system", "t", "--", "a"), 0, "%s", err);
	cr_assert_eq(o.n_guest_args, 1);
	cr_expect_str_eq(o.guest_args[0], "a");
	cli_options_free(&o);
	cr_assert_eq(PARSE(&o, err, "t", "--system", "-q"), 0, "%s", err);
	cr_expect(o.system);
	cr_expect(o.quiet);
	cr_expect_eq(o.n_guest_args, 0);
	cli_options_free(&o);
}

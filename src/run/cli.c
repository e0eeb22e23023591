/* Argument parsing of `stubrun run`: the option table of runopt.h, and how
 * each option lands in cli_options. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runopt.h"
#include "util.h"

static const char usage_head[] =
"usage: stubrun run [OPTIONS] IMAGE [-- GUEST-ARG...]\n"
"       stubrun run [OPTIONS] --user PROGRAM [ARG...]   (an exec wrapper)\n"
"       stubrun run [OPTIONS] --system IMAGE [ARG...]   (the same, booted)\n"
"       stubrun run [OPTIONS] --kernel|--cdrom|--drive|--bios|--uefi ... [-- ARG...]\n"
"       stubrun IMAGE ...           (the same as stubrun run)\n"
"\n"
"Runs IMAGE under QEMU, halted at its first instruction, driven through\n"
"QEMU's GDB stub, and turns what the guest does into an exit status.\n"
"A Linux program (an ELF with an interpreter or a GNU ABI tag, or any ELF\n"
"with --user) runs under qemu-ARCH instead, with the arguments after --,\n"
"stdin, stdout and stderr its own: a cross test runner for ctest, meson\n"
"and cargo.\n"
"\n";

static const char usage_tail[] =
"\n"
"The guest's serial console is copied to stdout. On a failure (a failed\n"
"check, a fail symbol, a non-zero status, a crash, a timeout) a post-mortem\n"
"goes to stderr: registers, PC as symbol+offset and file:line, disassembly,\n"
"stack, backtrace and QEMU's `info registers`.\n"
"\n"
"Exit status:\n"
"  N        the guest's own status (exit symbol, isa-debug-exit code,\n"
"           sifive_test, semihosting exit; a Linux program's exit status)\n"
"  1        a failed --expect, a fail symbol, a crash (reset, triple fault,\n"
"           shutdown without an exit status; a Linux program's fatal\n"
"           signal: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT...)\n"
"  124      timeout\n"
"  125      stubrun's own error: bad arguments, unreadable or wrong image,\n"
"           a dynamic program's interpreter missing from the sysroot,\n"
"           QEMU died, the stub misbehaved\n"
"  126      QEMU is not executable\n"
"  127      QEMU not found\n"
"  128+N    interrupted by signal N (130 SIGINT, 143 SIGTERM); QEMU is\n"
"           killed and the temporary directory removed first\n";

size_t cli_usage(char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "%s", usage_head);

	n += runopt_help(n < cap ? buf + n : NULL, n < cap ? cap - n : 0);
	n += (size_t)snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0,
			      "%s", usage_tail);
	return n;
}

static int push_str(const char ***arr, size_t *n, const char *s)
{
	const char **na = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!na)
		return -1;
	na[(*n)++] = s;
	*arr = na;
	return 0;
}

static int push_step(cli_console *c, int send, const char *text)
{
	console_step *ns = realloc(c->steps, (c->n_steps + 1) * sizeof(*ns));

	if (!ns)
		return -1;
	ns[c->n_steps++] = (console_step){ send, text };
	c->steps = ns;
	return 0;
}

static void console_clear(cli_console *c)
{
	free(c->pass);
	free(c->fail);
	free(c->steps);
}

static int add_snap_test(cli_options *o, const runopt_value *v)
{
	cli_snap_test *nt = realloc(o->snap_tests,
				    (o->n_snap_tests + 1) * sizeof(*nt));

	if (!nt)
		return -1;
	o->snap_tests = nt;
	memset(&nt[o->n_snap_tests], 0, sizeof(*nt));
	if (!(nt[o->n_snap_tests].name = strndup(v->str, v->name_len)))
		return -1;
	nt[o->n_snap_tests++].text = v->str + v->name_len + 1;
	return 0;
}

static int push_drive(cli_options *o, const runopt_value *v)
{
	cli_drive *nd = realloc(o->drives, (o->n_drives + 1) * sizeof(*nd));

	if (!nd)
		return -1;
	o->drives = nd;
	nd[o->n_drives].format = v->format;
	if (!(nd[o->n_drives].file = strndup(v->str, v->file_len)))
		return -1;
	o->n_drives++;
	return 0;
}

static int add_check(cli_options *o, const runopt_value *v, int pass)
{
	cli_check *nc = realloc(o->checks, (o->n_checks + 1) * sizeof(*nc));

	if (!nc)
		return -1;
	o->checks = nc;
	memset(&nc[o->n_checks], 0, sizeof(*nc));
	nc[o->n_checks].loc = v->str;
	nc[o->n_checks].where = v->where;
	nc[o->n_checks].pass = pass;
	o->n_checks++;
	return 0;
}

static int add_watch(cli_options *o, const runopt_value *v)
{
	cli_watch *nw = realloc(o->watches, (o->n_watches + 1) * sizeof(*nw));

	if (!nw)
		return -1;
	o->watches = nw;
	nw[o->n_watches++] = (cli_watch){ v->str, v->where, v->watch_len,
					  v->watch };
	return 0;
}

static int add_expect(cli_options *o, const runopt_value *v, char *errbuf,
		      size_t errlen)
{
	cli_check *ck;
	expect_expr *ne;

	if (o->n_checks == 0) {
		util_errf(errbuf, errlen, "--expect '%s': needs a --break or "
			  "--pass-at before it", v->str);
		return -1;
	}
	ck = &o->checks[o->n_checks - 1];
	ne = realloc(ck->expects, (ck->n_expects + 1) * sizeof(*ne));
	if (!ne)
		goto nomem;
	ck->expects = ne;
	ne[ck->n_expects++] = v->expr;
	return 0;
nomem:
	util_errf(errbuf, errlen, "out of memory");
	return -1;
}

/* The options of what boots and where symbols come from: 1 when `d` is
 * one (*bad set on out of memory). */
static int apply_boot(cli_options *o, const runopt_def *d,
		      const runopt_value *v, int *bad)
{
	const char *s = v->str;

	switch (d->id) {
	case RUNOPT_KERNEL: o->kernel = s; return 1;
	case RUNOPT_INITRD: o->initrd = s; return 1;
	case RUNOPT_APPEND: o->append = s; return 1;
	case RUNOPT_DTB: o->dtb = s; return 1;
	case RUNOPT_DRIVE: *bad = push_drive(o, v); return 1;
	case RUNOPT_CDROM: o->cdrom = s; return 1;
	case RUNOPT_BIOS: o->bios = s; return 1;
	case RUNOPT_UEFI: o->uefi = 1; return 1;
	case RUNOPT_SYMBOLS: o->symbols = s; return 1;
	case RUNOPT_SYMBOLS_OFFSET: o->symbols_offset = v->u64; return 1;
	default: return 0;
	}
}

/* The console's options: 1 when `d` is one (*bad set on out of memory).
 * Patterns and script steps after a --snapshot-test are that test's. */
static int apply_console(cli_options *o, const runopt_def *d,
			 const runopt_value *v, int *bad)
{
	const char *s = v->str;
	cli_console *c = o->n_snap_tests && runopt_of_snapshot_test(d->id) ?
			 &o->snap_tests[o->n_snap_tests - 1].console : &o->console;

	switch (d->id) {
	case RUNOPT_CONSOLE_PASS: *bad = push_str(&c->pass, &c->n_pass, s); return 1;
	case RUNOPT_CONSOLE_FAIL: *bad = push_str(&c->fail, &c->n_fail, s); return 1;
	case RUNOPT_CONSOLE_EXPECT: *bad = push_step(c, 0, s); return 1;
	case RUNOPT_CONSOLE_SEND: *bad = push_step(c, 1, s); return 1;
	case RUNOPT_CONSOLE_PRESET: o->console_preset = s; return 1;
	case RUNOPT_RESULTS: o->results = v->results; return 1;
	case RUNOPT_SNAPSHOT_TEST: *bad = add_snap_test(o, v); return 1;
	default: return 0;
	}
}

/* How each option lands in cli_options; the value was parsed already. */
static int apply(cli_options *o, const runopt_def *d, const runopt_value *v,
		 char *errbuf, size_t errlen)
{
	const char *s = v->str;
	int bad = 0;

	if (apply_boot(o, d, v, &bad) || apply_console(o, d, v, &bad))
		goto out;
	switch (d->id) {
	case RUNOPT_HELP: o->help = 1; break;
	case RUNOPT_VERSION: o->version = 1; break;
	case RUNOPT_ARCH: o->arch = s; break;
	case RUNOPT_MACHINE: o->machine = s; break;
	case RUNOPT_CPU: o->cpu = s; break;
	case RUNOPT_MEMORY: o->memory = s; break;
	case RUNOPT_QEMU: o->qemu = s; break;
	case RUNOPT_USER: o->user = 1; break;
	case RUNOPT_SYSTEM: o->system = 1; break;
	case RUNOPT_SYSROOT: o->sysroot = s; break;
	case RUNOPT_QEMU_ARG:
		bad = push_str(&o->qemu_args, &o->n_qemu_args, s);
		break;
	case RUNOPT_EXIT_SYMBOL:
		bad = push_str(&o->exit_symbols, &o->n_exit_symbols, s);
		break;
	case RUNOPT_FAIL_SYMBOL:
		bad = push_str(&o->fail_symbols, &o->n_fail_symbols, s);
		break;
	case RUNOPT_BREAK: bad = add_check(o, v, 0); break;
	case RUNOPT_PASS_AT: bad = add_check(o, v, 1); break;
	case RUNOPT_EXPECT: return add_expect(o, v, errbuf, errlen);
	case RUNOPT_WATCH: bad = add_watch(o, v); break;
	case RUNOPT_NO_FAULT_CATCH: o->no_fault_catch = 1; break;
	case RUNOPT_DEBUG_ON_FAILURE: o->debug_on_failure = 1; break;
	case RUNOPT_GDB_WAIT: o->gdb_wait = 1; break;
	case RUNOPT_SNAPSHOT_AT:
		o->snapshot_at = s;
		o->snapshot_where = v->where;
		o->snapshot_console = v->console_at;
		break;
	case RUNOPT_DEBUG_LISTEN: o->debug_listen = s; break;
	case RUNOPT_POSTMORTEM: o->postmortem = v->pm; break;
	case RUNOPT_POSTMORTEM_FILE: o->postmortem_file = s; break;
	case RUNOPT_RECORD: o->record = s ? (int)v->u64 : 32; break;
	case RUNOPT_WATCH_BACK:
		o->watch_back = (cli_watch){ v->str, v->where, v->watch_len,
					     RUNOPT_WATCH_WRITE };
		break;
	case RUNOPT_TIMEOUT: o->timeout_ms = v->ms; break;
	case RUNOPT_GDB:
		o->gdb_mode = v->tcp ? CLI_GDB_TCP : CLI_GDB_UNIX;
		o->tcp_port = v->tcp_port;
		break;
	case RUNOPT_CONNECT: o->connect = s; break;
	case RUNOPT_TRACE_RSP: o->trace_rsp = 1; break;
	case RUNOPT_TRACE_TIMING: o->trace_timing = 1; break;
	case RUNOPT_SEMIHOSTING:
		o->semihosting = s ? v->sh : RUNOPT_SH_STUBRUN;
		break;
	case RUNOPT_SH_ROOT: o->semihosting_root = s; break;
	case RUNOPT_SH_ALLOW_SYSTEM: o->semihosting_allow_system = 1; break;
	case RUNOPT_HEAP:
		o->has_heap = 1;
		o->has_stack = v->has_stack;
		o->heap_base = v->heap[0];
		o->heap_limit = v->heap[1];
		o->stack_base = v->heap[2];
		o->stack_limit = v->heap[3];
		break;
	case RUNOPT_EVENTS: o->events = s; break;
	case RUNOPT_COVERAGE: o->coverage_dir = s; break;
	case RUNOPT_COVERAGE_STRIP: o->coverage_strip = (unsigned)v->u64; break;
	case RUNOPT_TEST_BEGIN: o->test_begin_symbol = s; break;
	case RUNOPT_TEST_END: o->test_end_symbol = s; break;
	case RUNOPT_QUIET: o->quiet = 1; break;
	default: break; /* apply_boot's and apply_console's */
	}
out:
	if (bad)
		util_errf(errbuf, errlen, "out of memory");
	return bad ? -1 : 0;
}

/* The value of option d at argv[*i] (whose name is `len` bytes long). */
static int take_value(runopt_value *v, const runopt_def *d, int *i, int argc,
		      char **argv, size_t len, char *errbuf, size_t errlen)
{
	const char *arg = argv[*i], *s = NULL;
	char why[300];

	memset(v, 0, sizeof(*v));
	if (d->arg == RUNOPT_FLAG) {
		if (len < strlen(arg)) {
			util_errf(errbuf, errlen, "%s: takes no value", d->name);
			return -1;
		}
		return 0;
	}
	if (len < strlen(arg))
		s = arg + len + 1;
	else if (d->arg == RUNOPT_VALUE && *i + 1 < argc)
		s = argv[++*i];
	else if (d->arg == RUNOPT_OPTIONAL)
		return 0;
	if (runopt_parse(v, d, s, why, sizeof(why)) == 0)
		return 0;
	if (!s || !*s)
		util_errf(errbuf, errlen, "%s: %s", d->name, why);
	else
		util_errf(errbuf, errlen, "%s '%s': %s", d->name, s, why);
	return -1;
}

/* --snapshot-test runs from a --snapshot-at, a console point has no
 * in-image tests to select, and a script belongs to the test after which
 * it is given (before any, it would pass the boot). Names are unique:
 * they name the events. */
static int check_snapshot(const cli_options *o, char *errbuf, size_t errlen)
{
	if (o->n_snap_tests && !o->snapshot_at) {
		util_errf(errbuf, errlen, "--snapshot-test %s: needs --snapshot-at",
			  o->snap_tests[0].name);
		return -1;
	}
	if (o->snapshot_console && !o->n_snap_tests) {
		util_errf(errbuf, errlen, "--snapshot-at %s: needs --snapshot-test "
			  "(the tests to run from that console)", o->snapshot_at);
		return -1;
	}
	if (o->n_snap_tests && o->console.n_steps) {
		util_errf(errbuf, errlen, "--console-%s \"%s\": before the first "
			  "--snapshot-test; give a test's script after it",
			  o->console.steps[0].send ? "send" : "expect",
			  o->console.steps[0].text);
		return -1;
	}
	for (size_t i = 0; i < o->n_snap_tests; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(o->snap_tests[i].name, o->snap_tests[j].name)) {
				util_errf(errbuf, errlen, "--snapshot-test %s: "
					  "the name is given twice",
					  o->snap_tests[i].name);
				return -1;
			}
	return 0;
}

/* --record needs a QEMU of stubrun's own to record; --watch-back needs
 * the recording; --debug-listen, a debugger to listen for. */
static int check_record(const cli_options *o, char *errbuf, size_t errlen)
{
	if (o->record && o->connect) {
		util_errf(errbuf, errlen, "--record: nothing to record with "
			  "--connect (stubrun does not start that QEMU)");
		return -1;
	}
	if (o->watch_back.text && !o->record) {
		util_errf(errbuf, errlen, "--watch-back %s: needs --record",
			  o->watch_back.text);
		return -1;
	}
	if (o->snapshot_at && (o->connect || o->record)) {
		util_errf(errbuf, errlen, "--snapshot-at %s: %s", o->snapshot_at,
			  o->connect ? "needs a QEMU of stubrun's own (not "
			  "--connect)" : "does not go with --record");
		return -1;
	}
	if (o->debug_listen && !o->debug_on_failure && !o->gdb_wait) {
		util_errf(errbuf, errlen, "--debug-listen %s: needs "
			  "--debug-on-failure or --gdb-wait", o->debug_listen);
		return -1;
	}
	return 0;
}

int cli_parse(cli_options *o, int argc, char **argv, int first, char *errbuf,
	      size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = UTIL_DEFAULT_TIMEOUT_S * 1000;

	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			o->guest_args = (const char *const *)&argv[i + 1];
			o->n_guest_args = (size_t)(argc - i - 1);
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			if (o->image) {
				util_errf(errbuf, errlen, "'%s': only one IMAGE "
					  "(guest arguments go after --)", arg);
				return -1;
			}
			o->image = arg;
			/* --user or --system before IMAGE makes stubrun an
			 * exec wrapper, as ctest, meson and cargo call one:
			 * the rest of the line is the guest's (a "--" first
			 * is ours). */
			if (o->user || o->system) {
				int k = i + 1 < argc && !strcmp(argv[i + 1], "--") ?
					i + 2 : i + 1;
				o->guest_args = (const char *const *)&argv[k];
				o->n_guest_args = (size_t)(argc - k);
				break;
			}
			continue;
		}
		const char *eq = strchr(arg, '=');
		size_t len = (eq && arg[1] == '-') ? (size_t)(eq - arg) : strlen(arg);
		const runopt_def *d = runopt_find(arg, len);
		runopt_value v;
		if (!d) {
			util_errf(errbuf, errlen, "%.*s: unknown option (see "
				  "stubrun run --help)", (int)len, arg);
			return -1;
		}
		if (take_value(&v, d, &i, argc, argv, len, errbuf, errlen) < 0 ||
		    apply(o, d, &v, errbuf, errlen) < 0)
			return -1;
	}
	if (o->user && o->system) {
		util_errf(errbuf, errlen, "--user and --system: give one");
		return -1;
	}
	if (!o->image && !o->kernel && !o->cdrom && !o->n_drives && !o->uefi &&
	    !o->bios && !o->help && !o->version) {
		util_errf(errbuf, errlen, "no IMAGE given, nor --kernel, --cdrom, "
			  "--drive, --bios or --uefi (see stubrun run --help)");
		return -1;
	}
	if (check_record(o, errbuf, errlen) < 0)
		return -1;
	return check_snapshot(o, errbuf, errlen);
}


void cli_options_free(cli_options *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_checks; i++)
		free(o->checks[i].expects);
	free(o->checks);
	free(o->watches);
	for (size_t i = 0; i < o->n_drives; i++)
		free(o->drives[i].file);
	free(o->drives);
	free(o->qemu_args);
	free(o->exit_symbols);
	free(o->fail_symbols);
	console_clear(&o->console);
	for (size_t i = 0; i < o->n_snap_tests; i++) {
		free(o->snap_tests[i].name);
		console_clear(&o->snap_tests[i].console);
	}
	free(o->snap_tests);
	memset(o, 0, sizeof(*o));
}

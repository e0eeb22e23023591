/* Argument parsing of `stubrun run`: a table of options, one parser. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum opt_id {
	OPT_HELP, OPT_VERSION, OPT_ARCH, OPT_MACHINE, OPT_CPU, OPT_MEMORY,
	OPT_QEMU, OPT_QEMU_ARG, OPT_EXIT_SYMBOL, OPT_FAIL_SYMBOL, OPT_BREAK,
	OPT_EXPECT, OPT_PASS_AT, OPT_TIMEOUT, OPT_GDB, OPT_CONNECT,
	OPT_TRACE_RSP, OPT_EVENTS, OPT_TEST_BEGIN, OPT_TEST_END, OPT_QUIET,
	OPT_SEMIHOSTING, OPT_SH_ROOT, OPT_SH_ALLOW_SYSTEM, OPT_HEAP,
};

/* has_arg: 0 none, 1 required (NAME VALUE or NAME=VALUE), 2 optional
 * (only as NAME=VALUE, so that "--semihosting IMAGE" stays unambiguous). */
enum { ARG_NONE = 0, ARG_REQUIRED = 1, ARG_OPTIONAL = 2 };

static const struct option_def {
	const char *name;
	int has_arg;
	enum opt_id id;
} options[] = {
	{ "--help", 0, OPT_HELP }, { "-h", 0, OPT_HELP },
	{ "--version", 0, OPT_VERSION },
	{ "--arch", 1, OPT_ARCH }, { "--machine", 1, OPT_MACHINE },
	{ "--cpu", 1, OPT_CPU }, { "--memory", 1, OPT_MEMORY },
	{ "--qemu", 1, OPT_QEMU }, { "--qemu-arg", 1, OPT_QEMU_ARG },
	{ "--exit-symbol", 1, OPT_EXIT_SYMBOL },
	{ "--fail-symbol", 1, OPT_FAIL_SYMBOL },
	{ "--break", 1, OPT_BREAK }, { "--expect", 1, OPT_EXPECT },
	{ "--pass-at", 1, OPT_PASS_AT }, { "--timeout", 1, OPT_TIMEOUT },
	{ "--gdb", 1, OPT_GDB }, { "--connect", 1, OPT_CONNECT },
	{ "--trace-rsp", 0, OPT_TRACE_RSP }, { "--events", 1, OPT_EVENTS },
	{ "--test-begin-symbol", 1, OPT_TEST_BEGIN },
	{ "--test-end-symbol", 1, OPT_TEST_END },
	{ "--quiet", 0, OPT_QUIET }, { "-q", 0, OPT_QUIET },
	{ "--semihosting", ARG_OPTIONAL, OPT_SEMIHOSTING },
	{ "--semihosting-root", 1, OPT_SH_ROOT },
	{ "--semihosting-allow-system", 0, OPT_SH_ALLOW_SYSTEM },
	{ "--heap", 1, OPT_HEAP },
};

static const char usage[] =
"usage: stubrun run [OPTIONS] IMAGE [-- GUEST-ARG...]\n"
"       stubrun IMAGE ...           (the same as stubrun run)\n"
"\n"
"Runs IMAGE under QEMU, halted at its first instruction, driven through\n"
"QEMU's GDB stub, and turns what the guest does into an exit status.\n"
"\n"
"Machine:\n"
"  --arch ARCH          x86_64 | i386 | i8086 | aarch64 | arm | riscv64 |\n"
"                       riscv32 (default: from the ELF header; required for\n"
"                       raw images; i8086 boots IMAGE as a boot sector)\n"
"  --machine M          QEMU -machine (default: the architecture's)\n"
"  --cpu C              QEMU -cpu\n"
"  --memory SIZE        QEMU -m\n"
"  --qemu PATH          the QEMU binary (default: qemu-system-ARCH in PATH)\n"
"  --qemu-arg ARG       one more QEMU argument (repeatable)\n"
"\n"
"Verdict:\n"
"  --exit-symbol NAME   a function whose first argument is the exit status\n"
"                       (repeatable; default: whichever of stubrun_exit,\n"
"                       qemu_exit, test_exit the image has)\n"
"  --fail-symbol NAME   reaching NAME is a failure (repeatable; default:\n"
"                       stubrun_panic, panic when present)\n"
"  --break LOC          a checkpoint; LOC = symbol, symbol+offset, address\n"
"  --expect EXPR        checked each time the preceding --break or --pass-at\n"
"                       is reached (repeatable). EXPR = LHS OP RHS with OP one\n"
"                       of == != < <= > >=; each side a number (12, 0x1f,\n"
"                       -1), a register (target.xml name; on x86 also al, ax,\n"
"                       dl...), a symbol (its address), NAME+N, or memory\n"
"                       mem8[X] mem16[X] mem32[X] mem64[X] (X: number, symbol,\n"
"                       register, NAME+N). A name is a register when the\n"
"                       target has one so called, else a symbol. A negative\n"
"                       number makes the comparison signed at the other\n"
"                       side's width.\n"
"  --pass-at LOC        reaching LOC with its --expect checks holding ends\n"
"                       the run with status 0\n"
"  --timeout SECONDS    give up after SECONDS (default 60; fractions allowed)\n"
"\n"
"Stub:\n"
"  --gdb unix|tcp[:PORT]  how QEMU opens its stub (default unix: a unix\n"
"                       socketpair, one end passed to QEMU: no socket file)\n"
"  --connect ADDR       attach to a stub already running (host:port or\n"
"                       unix:PATH); no QEMU is started\n"
"  --trace-rsp          log every packet to stderr\n"
"\n"
"Semihosting (Arm and RISC-V guests; see docs/SEMIHOSTING.md):\n"
"  --semihosting[=MODE]  who services the guest's semihosting calls:\n"
"                       stubrun (bare --semihosting; the default when the\n"
"                       image has traps): stubrun itself over the stub, files\n"
"                       confined to the root; qemu: QEMU's own\n"
"                       (target=native, no sandbox); gdb: QEMU decodes the\n"
"                       call and stubrun answers its GDB File-I/O requests;\n"
"                       off: nobody (a trap faults as on hardware)\n"
"  --semihosting-root DIR  the directory guest files are confined to\n"
"                       (default: the current directory)\n"
"  --semihosting-allow-system  let SYS_SYSTEM run host commands (refused\n"
"                       by default)\n"
"  --heap BASE:LIMIT[:STACK_BASE:STACK_LIMIT]  SYS_HEAPINFO's answer\n"
"                       (default: the image's __heap_start, __heap_end,\n"
"                       __stack... symbols, then QEMU's rule)\n"
"\n"
"Tests inside the image:\n"
"  --events FILE        append JSON lines: begin/end of each in-image test\n"
"                       and the final verdict\n"
"  --test-begin-symbol NAME  (default stubrun_test_begin; arg: the name)\n"
"  --test-end-symbol NAME    (default stubrun_test_end; arg: the status)\n"
"  -q, --quiet          no verdict line on stderr when the run passes\n"
"\n"
"The guest's serial console is copied to stdout. On a failure (a failed\n"
"check, a fail symbol, a non-zero status, a crash, a timeout) a post-mortem\n"
"goes to stderr: registers, PC as symbol+offset and file:line, disassembly,\n"
"stack, backtrace and QEMU's `info registers`.\n"
"\n"
"Exit status:\n"
"  N        the guest's own status (exit symbol, isa-debug-exit code,\n"
"           sifive_test, semihosting exit)\n"
"  1        a failed --expect, a fail symbol, a crash (reset, triple fault,\n"
"           shutdown without an exit status)\n"
"  124      timeout\n"
"  125      stubrun's own error: bad arguments, unreadable or wrong image,\n"
"           QEMU died, the stub misbehaved\n"
"  126      QEMU is not executable\n"
"  127      QEMU not found\n"
"  128+N    interrupted by signal N (130 SIGINT, 143 SIGTERM); QEMU is\n"
"           killed and the temporary directory removed first\n";

const char *cli_usage(void)
{
	return usage;
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

static int add_check(cli_options *o, const char *loc, int pass, char *errbuf,
		     size_t errlen)
{
	cli_check *nc = realloc(o->checks, (o->n_checks + 1) * sizeof(*nc));
	char why[200];

	if (!nc) {
		util_errf(errbuf, errlen, "out of memory");
		return -1;
	}
	o->checks = nc;
	memset(&nc[o->n_checks], 0, sizeof(*nc));
	nc[o->n_checks].loc = loc;
	nc[o->n_checks].pass = pass;
	o->n_checks++;
	if (expect_parse_operand(&nc[o->n_checks - 1].where, loc, why,
				 sizeof(why)) < 0 ||
	    nc[o->n_checks - 1].where.kind == EXPECT_MEM ||
	    nc[o->n_checks - 1].where.negative) {
		util_errf(errbuf, errlen, "%s '%s': expected a symbol, "
			  "symbol+offset or address", pass ? "--pass-at" : "--break",
			  loc);
		return -1;
	}
	return 0;
}

static int add_expect(cli_options *o, const char *text, char *errbuf,
		      size_t errlen)
{
	char why[300];
	cli_check *ck;
	expect_expr *ne;

	if (o->n_checks == 0) {
		util_errf(errbuf, errlen, "--expect '%s': needs a --break or "
			  "--pass-at before it", text);
		return -1;
	}
	ck = &o->checks[o->n_checks - 1];
	ne = realloc(ck->expects, (ck->n_expects + 1) * sizeof(*ne));
	if (!ne) {
		util_errf(errbuf, errlen, "out of memory");
		return -1;
	}
	ck->expects = ne;
	if (expect_parse(&ne[ck->n_expects], text, why, sizeof(why)) < 0) {
		util_errf(errbuf, errlen, "--expect %s", why);
		return -1;
	}
	ck->n_expects++;
	return 0;
}

static int parse_timeout(int *ms, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* A day is far beyond any test; the cap keeps ms inside an int. */
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400)
		return -1;
	*ms = (int)(v * 1000);
	if (*ms < 1)
		*ms = 1;
	return 0;
}

static int parse_gdb(cli_options *o, const char *s)
{
	uint64_t port;

	if (strcmp(s, "unix") == 0) {
		o->gdb_mode = CLI_GDB_UNIX;
		return 0;
	}
	if (strcmp(s, "tcp") == 0) {
		o->gdb_mode = CLI_GDB_TCP;
		o->tcp_port = 0;
		return 0;
	}
	if (strncmp(s, "tcp:", 4) == 0 && util_parse_u64(&port, s + 4) == 0 &&
	    port > 0 && port < 65536) {
		o->gdb_mode = CLI_GDB_TCP;
		o->tcp_port = (int)port;
		return 0;
	}
	return -1;
}

static int parse_semihosting(cli_semihosting *mode, const char *v)
{
	static const struct { const char *name; cli_semihosting mode; } modes[] = {
		{ "stubrun", CLI_SH_STUBRUN }, { "qemu", CLI_SH_QEMU },
		{ "gdb", CLI_SH_GDB }, { "off", CLI_SH_OFF },
	};

	if (!v) {
		*mode = CLI_SH_STUBRUN;
		return 0;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(v, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	return -1;
}

/* BASE:LIMIT[:STACK_BASE:STACK_LIMIT], each a number util_parse_u64 takes;
 * the heap grows up (BASE < LIMIT), the stack down (LIMIT < BASE). */
static int parse_heap(cli_options *o, const char *s)
{
	uint64_t v[4];
	size_t n = 0;
	const char *p = s, *end;

	for (;;) {
		if (n == 4 || util_parse_u64_prefix(&v[n], &end, p) < 0)
			return -1;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			return -1;
		p = end + 1;
	}
	if ((n != 2 && n != 4) || v[0] >= v[1] || (n == 4 && v[3] >= v[2]))
		return -1;
	o->has_heap = 1;
	o->has_stack = n == 4;
	o->heap_base = v[0];
	o->heap_limit = v[1];
	o->stack_base = n == 4 ? v[2] : 0;
	o->stack_limit = n == 4 ? v[3] : 0;
	return 0;
}

static const struct option_def *find_option(const char *arg, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strlen(options[i].name) == len &&
		    strncmp(options[i].name, arg, len) == 0)
			return &options[i];
	return NULL;
}

static int apply(cli_options *o, const struct option_def *d, const char *v,
		 char *errbuf, size_t errlen)
{
	int bad = 0;

	switch (d->id) {
	case OPT_HELP: o->help = 1; break;
	case OPT_VERSION: o->version = 1; break;
	case OPT_ARCH: o->arch = v; break;
	case OPT_MACHINE: o->machine = v; break;
	case OPT_CPU: o->cpu = v; break;
	case OPT_MEMORY: o->memory = v; break;
	case OPT_QEMU: o->qemu = v; break;
	case OPT_QEMU_ARG:
		bad = push_str(&o->qemu_args, &o->n_qemu_args, v);
		break;
	case OPT_EXIT_SYMBOL:
		bad = push_str(&o->exit_symbols, &o->n_exit_symbols, v);
		break;
	case OPT_FAIL_SYMBOL:
		bad = push_str(&o->fail_symbols, &o->n_fail_symbols, v);
		break;
	case OPT_BREAK: return add_check(o, v, 0, errbuf, errlen);
	case OPT_PASS_AT: return add_check(o, v, 1, errbuf, errlen);
	case OPT_EXPECT: return add_expect(o, v, errbuf, errlen);
	case OPT_TIMEOUT:
		if (parse_timeout(&o->timeout_ms, v) < 0) {
			util_errf(errbuf, errlen, "--timeout '%s': expected a "
				  "positive number of seconds", v);
			return -1;
		}
		break;
	case OPT_GDB:
		if (parse_gdb(o, v) < 0) {
			util_errf(errbuf, errlen, "--gdb '%s': expected unix, tcp "
				  "or tcp:PORT", v);
			return -1;
		}
		break;
	case OPT_CONNECT: o->connect = v; break;
	case OPT_TRACE_RSP: o->trace_rsp = 1; break;
	case OPT_EVENTS: o->events = v; break;
	case OPT_TEST_BEGIN: o->test_begin_symbol = v; break;
	case OPT_TEST_END: o->test_end_symbol = v; break;
	case OPT_QUIET: o->quiet = 1; break;
	case OPT_SEMIHOSTING:
		if (parse_semihosting(&o->semihosting, v) < 0) {
			util_errf(errbuf, errlen, "--semihosting '%s': expected "
				  "stubrun, qemu, gdb or off", v);
			return -1;
		}
		break;
	case OPT_SH_ROOT: o->semihosting_root = v; break;
	case OPT_SH_ALLOW_SYSTEM: o->semihosting_allow_system = 1; break;
	case OPT_HEAP:
		if (parse_heap(o, v) < 0) {
			util_errf(errbuf, errlen, "--heap '%s': expected BASE:LIMIT"
				  "[:STACK_BASE:STACK_LIMIT] with BASE < LIMIT and "
				  "STACK_LIMIT < STACK_BASE", v);
			return -1;
		}
		break;
	}
	if (bad)
		util_errf(errbuf, errlen, "out of memory");
	return bad ? -1 : 0;
}

static int check_value(const struct option_def *d, const char *v,
		       char *errbuf, size_t errlen)
{
	if (!v) {
		util_errf(errbuf, errlen, "%s: needs a value", d->name);
		return -1;
	}
	if (*v == '\0') {
		util_errf(errbuf, errlen, "%s: empty value", d->name);
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
			continue;
		}
		const char *eq = strchr(arg, '=');
		size_t len = (eq && arg[1] == '-') ? (size_t)(eq - arg) : strlen(arg);
		const struct option_def *d = find_option(arg, len);
		const char *v = NULL;
		if (!d) {
			util_errf(errbuf, errlen, "%.*s: unknown option (see "
				  "stubrun run --help)", (int)len, arg);
			return -1;
		}
		if (d->has_arg == ARG_OPTIONAL) {
			v = len < strlen(arg) ? arg + len + 1 : NULL;
			if (v && check_value(d, v, errbuf, errlen) < 0)
				return -1;
		} else if (d->has_arg) {
			v = (len < strlen(arg)) ? arg + len + 1 :
			    (i + 1 < argc ? argv[++i] : NULL);
			if (check_value(d, v, errbuf, errlen) < 0)
				return -1;
		} else if (len < strlen(arg)) {
			util_errf(errbuf, errlen, "%s: takes no value", d->name);
			return -1;
		}
		if (apply(o, d, v, errbuf, errlen) < 0)
			return -1;
	}
	if (!o->image && !o->help && !o->version) {
		util_errf(errbuf, errlen, "no IMAGE given (see stubrun run --help)");
		return -1;
	}
	return 0;
}

void cli_options_free(cli_options *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_checks; i++)
		free(o->checks[i].expects);
	free(o->checks);
	free(o->qemu_args);
	free(o->exit_symbols);
	free(o->fail_symbols);
	memset(o, 0, sizeof(*o));
}

/* The value parsers of `stubrun run`'s options (runopt_values.h): what
 * each option's value means, or one line saying why it is wrong. */
#include "runopt_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "target.h"
#include "util.h"

int runopt_parse_timeout(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	if (runopt_parse_seconds(&out->seconds, v) < 0) {
		util_errf(why, whylen, "%s", RUNOPT_TIMEOUT_PROBLEM);
		return -1;
	}
	out->ms = (int)(out->seconds * 1000);
	if (out->ms < 1)
		out->ms = 1;
	return 0;
}

int runopt_parse_gdb(runopt_value *out, const char *s, char *why,
		size_t whylen)
{
	uint64_t port;

	out->tcp = 0;
	out->tcp_port = 0;
	if (strcmp(s, "unix") == 0)
		return 0;
	out->tcp = 1;
	if (strcmp(s, "tcp") == 0)
		return 0;
	if (strncmp(s, "tcp:", 4) == 0 && util_parse_u64(&port, s + 4) == 0 &&
	    port > 0 && port < 65536) {
		out->tcp_port = (int)port;
		return 0;
	}
	util_errf(why, whylen, "expected unix, tcp or tcp:PORT");
	return -1;
}

int runopt_parse_semihosting(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const struct { const char *name; runopt_semihosting mode; } modes[] = {
		{ "stubrun", RUNOPT_SH_STUBRUN }, { "qemu", RUNOPT_SH_QEMU },
		{ "gdb", RUNOPT_SH_GDB }, { "off", RUNOPT_SH_OFF },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(v, modes[i].name) == 0) {
			out->sh = modes[i].mode;
			return 0;
		}
	}
	util_errf(why, whylen, "expected stubrun, qemu, gdb or off");
	return -1;
}

int runopt_parse_postmortem(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const struct { const char *name; runopt_postmortem mode; } modes[] = {
		{ "brief", RUNOPT_PM_BRIEF }, { "full", RUNOPT_PM_FULL },
		{ "none", RUNOPT_PM_NONE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(v, modes[i].name) == 0) {
			out->pm = modes[i].mode;
			return 0;
		}
	}
	util_errf(why, whylen, "expected brief, full or none");
	return -1;
}

int runopt_parse_regex(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	(void)out;
	return console_check_regex(v, why, whylen) == 0 ? 0 : -1;
}

int runopt_parse_arch(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	char names[128];

	(void)out;
	if (target_by_name(v))
		return 0;
	target_names(names, sizeof(names), ", ");
	util_errf(why, whylen, "unknown architecture (%s)", names);
	return -1;
}

int runopt_parse_preset(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	const char *const *names = console_preset_names();
	const console_rule *rules;
	size_t n, len = 0;
	char list[128] = "";

	(void)out;
	if (console_describe_preset(&rules, &n, v) == 0)
		return 0;
	for (size_t i = 0; names[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i ? ", " : "", names[i]);
	util_errf(why, whylen, "unknown preset (known: %s)", list);
	return -1;
}

int runopt_parse_results(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const struct { const char *name; runopt_results mode; } modes[] = {
		{ "auto", RUNOPT_RESULTS_AUTO }, { "ktap", RUNOPT_RESULTS_KTAP },
		{ "tap", RUNOPT_RESULTS_TAP }, { "none", RUNOPT_RESULTS_NONE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(v, modes[i].name) == 0) {
			out->results = modes[i].mode;
			return 0;
		}
	}
	util_errf(why, whylen, "expected ktap, tap, none or auto");
	return -1;
}

/* BASE:LIMIT[:STACK_BASE:STACK_LIMIT], each a number util_parse_u64 takes;
 * the heap grows up (BASE < LIMIT), the stack down (LIMIT < BASE). */
int runopt_parse_heap(runopt_value *out, const char *s, char *why,
		size_t whylen)
{
	uint64_t *v = out->heap;
	size_t n = 0;
	const char *p = s, *end;

	for (;;) {
		if (n == 4 || util_parse_u64_prefix(&v[n], &end, p) < 0)
			goto bad;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			goto bad;
		p = end + 1;
	}
	if ((n != 2 && n != 4) || v[0] >= v[1] || (n == 4 && v[3] >= v[2]))
		goto bad;
	out->has_stack = n == 4;
	if (n == 2)
		v[2] = v[3] = 0;
	return 0;
bad:
	util_errf(why, whylen, "expected BASE:LIMIT[:STACK_BASE:STACK_LIMIT] "
		  "with BASE < LIMIT and STACK_LIMIT < STACK_BASE");
	return -1;
}

int runopt_parse_loc(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	char msg[200];

	if (expect_parse_operand(&out->where, v, msg, sizeof(msg)) < 0 ||
	    out->where.kind == EXPECT_MEM || out->where.negative) {
		util_errf(why, whylen, "expected a symbol, symbol+offset or "
			  "address");
		return -1;
	}
	return 0;
}

/* --snapshot-at: a LOC, or console:REGEX (a prompt, matched as a
 * --console-expect is: also on a line without its newline yet). */
int runopt_parse_snapshot_at(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const char prefix[] = RUNOPT_CONSOLE_AT;

	if (strncmp(v, prefix, sizeof(prefix) - 1) != 0)
		return runopt_parse_loc(out, v, why, whylen);
	out->console_at = v + sizeof(prefix) - 1;
	if (!*out->console_at) {
		util_errf(why, whylen, "expected console:REGEX with a REGEX");
		return -1;
	}
	return runopt_parse_regex(out, out->console_at, why, whylen);
}

/* NAME=TEXT: NAME names the test in events and reports (printable, no
 * '='), TEXT is what is typed after the restore, with the escapes of
 * --console-send. */
int runopt_parse_snapshot_test(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	const char *eq = strchr(v, '=');
	char *text = NULL;
	size_t len;
	char msg[128] = "out of memory";

	out->name_len = eq ? (size_t)(eq - v) : 0;
	for (size_t i = 0; i < out->name_len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			out->name_len = 0;
	if (out->name_len == 0 || out->name_len > RUNOPT_TEST_NAME_MAX) {
		util_errf(why, whylen, "expected NAME=TEXT (NAME 1 to %d "
			  "printable characters)", RUNOPT_TEST_NAME_MAX);
		return -1;
	}
	if (console_unescape(&text, &len, eq + 1, msg, sizeof(msg)) < 0) {
		util_errf(why, whylen, "TEXT: %s", msg);
		return -1;
	}
	free(text);
	return 0;
}

/* LOC[:LEN][=r|w|a]: LEN bytes from LOC, written (w, the default), read
 * or accessed either way. */
int runopt_parse_watch(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const struct { char c; runopt_watch how; } hows[] = {
		{ 'w', RUNOPT_WATCH_WRITE }, { 'r', RUNOPT_WATCH_READ },
		{ 'a', RUNOPT_WATCH_ACCESS },
	};
	char loc[256];
	const char *end = v + strcspn(v, ":="), *eq = strchr(v, '=');
	size_t n = (size_t)(end - v);

	out->watch_len = 0;
	out->watch = RUNOPT_WATCH_WRITE;
	if (n == 0 || n >= sizeof(loc))
		goto bad;
	memcpy(loc, v, n);
	loc[n] = '\0';
	if (runopt_parse_loc(out, loc, why, whylen) < 0)
		return -1;
	if (*end == ':') {
		char len[32];
		size_t ln = eq ? (size_t)(eq - end - 1) : strlen(end + 1);
		if (ln == 0 || ln >= sizeof(len))
			goto bad;
		memcpy(len, end + 1, ln);
		len[ln] = '\0';
		/* Why 1 MiB: far beyond any guard or canary, and QEMU splits
		 * a watchpoint into pages, so the bound keeps its cost sane. */
		if (util_parse_u64(&out->watch_len, len) < 0 ||
		    out->watch_len == 0 || out->watch_len > (1u << 20))
			goto bad;
	}
	if (eq) {
		size_t i;
		for (i = 0; i < sizeof(hows) / sizeof(hows[0]); i++)
			if (eq[1] == hows[i].c && eq[2] == '\0')
				break;
		if (i == sizeof(hows) / sizeof(hows[0]))
			goto bad;
		out->watch = hows[i].how;
	}
	return 0;
bad:
	util_errf(why, whylen, "expected LOC[:LEN][=r|w|a] (LEN 1 to 1048576)");
	return -1;
}

/* --record[=N]: N instructions of history, 1 to 4096 (each is one
 * reverse step, which replays from the start of the recording). */
int runopt_parse_record(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	if (util_parse_u64(&out->u64, v) < 0 || out->u64 < 1 || out->u64 > 4096) {
		util_errf(why, whylen, "expected a number of instructions, 1 to 4096");
		return -1;
	}
	return 0;
}

/* --coverage-strip N: directories dropped from a build path (GCOV_PREFIX_STRIP). */
int runopt_parse_strip(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	if (util_parse_u64(&out->u64, v) < 0 || out->u64 > 255) {
		util_errf(why, whylen, "expected a number of directories, 0 to 255");
		return -1;
	}
	return 0;
}

int runopt_parse_expect(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	return expect_parse(&out->expr, v, why, whylen) < 0 ? -1 : 0;
}

int runopt_parse_address(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	if (util_parse_u64(&out->u64, v) < 0) {
		util_errf(why, whylen, "expected an address (e.g. 0x1000000)");
		return -1;
	}
	return 0;
}

/* FILE[,format=raw|qcow2]; FILE may also be fat:DIR (QEMU's vvfat).
 * QEMU doubles a comma inside a file name; a FILE with a comma is refused
 * rather than escaped (the run names the file). */
int runopt_parse_drive(runopt_value *out, const char *v, char *why,
		size_t whylen)
{
	static const char *const formats[] = { "raw", "qcow2" };
	const char *comma = strchr(v, ',');

	out->format = "raw";
	out->file_len = comma ? (size_t)(comma - v) : strlen(v);
	if (out->file_len == 0)
		goto bad;
	if (!comma)
		return 0;
	if (strncmp(comma, ",format=", 8) != 0)
		goto bad;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(comma + 8, formats[i]) == 0) {
			out->format = formats[i];
			return 0;
		}
bad:
	util_errf(why, whylen, "expected FILE[,format=raw|qcow2] (a file name "
		  "without commas)");
	return -1;
}


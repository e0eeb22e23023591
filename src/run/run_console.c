/* The guest's console in `stubrun run`, and what QEMU writes: every console
 * byte goes to stdout, to the record of the in-image test under way, and
 * through the console matcher (src/console/), whose events this file turns
 * into what they mean for the run: a verdict, text typed into the guest,
 * per-test events. QEMU's stderr passes to ours, its own errors held for
 * the verdict. */
#include "run_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

static console_results results_mode(runopt_results r)
{
	switch (r) {
	case RUNOPT_RESULTS_KTAP: return CONSOLE_RESULTS_KTAP;
	case RUNOPT_RESULTS_TAP: return CONSOLE_RESULTS_TAP;
	case RUNOPT_RESULTS_NONE: return CONSOLE_RESULTS_NONE;
	default: return CONSOLE_RESULTS_AUTO;
	}
}

/* A console of the run's own options (those before the first
 * --snapshot-test) and, for a test from the snapshot, that test's. */
static int make_console(console **out, run_ctx *r, const cli_console *own)
{
	const cli_options *o = r->opt;
	const cli_console *all = &o->console;
	const cli_console none = { 0 };
	size_t np, nf;
	const char **pass = NULL, **fail = NULL;
	int rc = -1;

	own = own ? own : &none;
	np = all->n_pass + own->n_pass;
	nf = all->n_fail + own->n_fail;
	pass = calloc(np ? np : 1, sizeof(*pass));
	fail = calloc(nf ? nf : 1, sizeof(*fail));
	if (!pass || !fail) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	for (size_t i = 0; i < np; i++)
		pass[i] = i < all->n_pass ? all->pass[i] : own->pass[i - all->n_pass];
	for (size_t i = 0; i < nf; i++)
		fail[i] = i < all->n_fail ? all->fail[i] : own->fail[i - all->n_fail];
	console_spec spec = {
		.pass = pass, .n_pass = np, .fail = fail, .n_fail = nf,
		.steps = own->n_steps ? own->steps : all->steps,
		.n_steps = own->n_steps ? own->n_steps : all->n_steps,
		.preset = o->console_preset,
		.results = results_mode(o->results),
	};
	rc = console_new(out, &spec, r->err, sizeof(r->err));
out:
	free(pass);
	free(fail);
	return rc;
}

/* --snapshot-at console:REGEX: the point is the one expect of a console
 * of its own, so that a pass pattern of the run is never taken for it. */
static int make_point(run_ctx *r)
{
	const console_step step = { 0, r->opt->snapshot_console };
	console_spec spec = { .steps = &step, .n_steps = 1,
			      .results = CONSOLE_RESULTS_NONE };

	if (!r->opt->snapshot_console)
		return 0;
	return console_new(&r->con_point, &spec, r->err, sizeof(r->err));
}

/* Each --snapshot-test's console is made once now, so that a script it
 * cannot run is an argument error before QEMU starts, not after the
 * boot. */
static int check_tests(run_ctx *r)
{
	console *c = NULL;

	char why[sizeof(r->err)];

	for (size_t i = 0; i < r->opt->n_snap_tests; i++) {
		const cli_snap_test *t = &r->opt->snap_tests[i];
		if (make_console(&c, r, &t->console) < 0) {
			snprintf(why, sizeof(why), "%s", r->err);
			snprintf(r->err, sizeof(r->err), "--snapshot-test %s: %.400s",
				 t->name, why);
			return -1;
		}
		console_free(c);
	}
	return 0;
}

int run_console_setup(run_ctx *r)
{
	if (make_console(&r->con, r, NULL) < 0 || make_point(r) < 0 ||
	    check_tests(r) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	return 0;
}

int run_console_begin_test(run_ctx *r, const cli_console *own)
{
	console *c = NULL;

	if (make_console(&c, r, own) < 0) {
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s", r->err);
		return -1;
	}
	console_free(r->con);
	r->con = c;
	r->con_tests = r->con_failed = 0;
	r->con_said = 0;
	r->con_first_failed[0] = '\0';
	return 0;
}

int run_console_wants_input(const run_ctx *r)
{
	return r->opt->n_snap_tests || (r->con && console_wants_input(r->con));
}

static void test_record(run_ctx *r, const char *data, size_t len)
{
	if (!r->in_test || r->test_cut)
		return;
	if (!r->test_out && !(r->test_out = malloc(RUN_TEST_OUTPUT_MAX + 64))) {
		r->test_cut = 1;
		return;
	}
	if (len > RUN_TEST_OUTPUT_MAX - r->test_len) {
		len = RUN_TEST_OUTPUT_MAX - r->test_len;
		r->test_cut = 1;
	}
	memcpy(r->test_out + r->test_len, data, len);
	r->test_len += len;
}

/* Types text into the guest's serial port. The pipe is non-blocking: a
 * guest that does not read its UART must not stall the loop, so text
 * that does not fit is an error, not a wait. */
void run_console_send(run_ctx *r, const char *data, size_t len)
{
	int fd = r->qemu ? qemu_stdin_fd(r->qemu) : -1;
	ssize_t n = -1;

	if (fd >= 0)
		n = write(fd, data, len);
	if (n < 0 || (size_t)n != len)
		run_verdict(r, RUN_EXIT_ERROR, 0, "%s: the guest's console "
			    "input %s", r->opt->n_snap_tests ? "--snapshot-test" :
			    "--console-send", fd < 0 ? "is not connected" :
			    n < 0 && errno != EAGAIN ? strerror(errno) :
			    "is full (the guest does not read its UART)");
}

/* The directive of a result line, "SKIP no device" of
 * "ok 3 probe # SKIP no device"; `fallback` when there is none. */
static const char *directive(const char *line, const char *fallback)
{
	const char *hash = line ? strrchr(line, '#') : NULL;

	if (!hash)
		return fallback;
	while (*++hash == ' ' || *hash == '\t')
		;
	return *hash ? hash : fallback;
}

/* Every test of the results is a test of --events, suites too (a suite's
 * result line is a result of its own, and its begin came at its
 * "# Subtest:" line, so a crash inside it is charged to it). The counts of
 * the verdict are of cases only. */
static void test_end(run_ctx *r, const console_event *ev)
{
	switch (ev->result) {
	case CONSOLE_TEST_PASS:
	case CONSOLE_TEST_FAIL:
		events_end(r->ev, ev->name, ev->result == CONSOLE_TEST_PASS ? 0 : 1,
			   run_event_time(r), ev->data, ev->len);
		break;
	case CONSOLE_TEST_SKIP:
		events_skip(r->ev, ev->name, directive(ev->line, "SKIP"),
			    run_event_time(r), ev->data, ev->len);
		break;
	case CONSOLE_TEST_TODO:
		events_skip(r->ev, ev->name, directive(ev->line, "TODO"),
			    run_event_time(r), ev->data, ev->len);
		break;
	default:
		events_skip(r->ev, ev->name, "not run", run_event_time(r), NULL, 0);
		break;
	}
	if (ev->suite)
		return;
	r->con_tests += ev->count > 1 ? ev->count : 1;
	if ((ev->result == CONSOLE_TEST_FAIL || ev->result == CONSOLE_TEST_NOTRUN)
	    && r->con_failed++ == 0)
		snprintf(r->con_first_failed, sizeof(r->con_first_failed), "%s",
			 ev->name);
}

static void results_done(run_ctx *r, const console_event *ev)
{
	if (ev->failed == 0 && r->con_failed == 0) {
		run_verdict(r, 0, 0, "the console's test results: %zu passed",
			    r->con_tests);
	} else {
		run_verdict(r, RUN_EXIT_FAIL, 0, "the console's test results: "
			    "%zu of %zu failed, the first %s", r->con_failed,
			    r->con_tests, r->con_first_failed);
	}
}

static int on_event(void *arg, const console_event *ev)
{
	run_ctx *r = arg;

	switch (ev->kind) {
	case CONSOLE_EV_PASS:
		run_verdict(r, 0, 0, "the console matched '%s': \"%s\"",
			    ev->what, ev->line);
		r->con_said = 1;
		break;
	case CONSOLE_EV_FAIL:
		run_verdict(r, RUN_EXIT_FAIL, 1, "the console matched '%s': "
			    "\"%s\"", ev->what, ev->line);
		r->con_said = 1;
		break;
	case CONSOLE_EV_SEND:
		run_console_send(r, ev->data, ev->len);
		break;
	case CONSOLE_EV_TEST_BEGIN:
		events_begin(r->ev, ev->name, run_event_time(r));
		break;
	case CONSOLE_EV_TEST_END:
		test_end(r, ev);
		break;
	case CONSOLE_EV_BAIL:
		run_verdict(r, RUN_EXIT_FAIL, 0, "the guest's tests bailed out: "
			    "\"%s\"", ev->line);
		break;
	case CONSOLE_EV_RESULTS_DONE:
		results_done(r, ev);
		break;
	default:
		break;
	}
	return 0;
}

/* The boot reached --snapshot-at console:REGEX: that ends this part of
 * the run as a verdict would (the loop halts the guest), unless a verdict
 * of the boot came first; run_snapshot.c takes the snapshot from here. */
static int on_point(void *arg, const console_event *ev)
{
	run_ctx *r = arg;

	if (ev->kind != CONSOLE_EV_PASS || r->done)
		return 0;
	r->snap_point_seen = 1;
	run_verdict(r, 0, 0, "reached --snapshot-at %s: \"%s\"",
		    r->opt->snapshot_at, ev->line);
	return 0;
}

/* Console text that cannot reach stdout is lost: said once. A reader that
 * went away (`| head`; EPIPE, as SIGPIPE is blocked) ends the run as that
 * signal would have, and the verdict still reaches stderr. */
static void copy_to_stdout(run_ctx *r, const char *data, size_t len)
{
	/* After the console's own verdict, what the guest goes on printing
	 * while it is stopped would only come out after the verdict line. */
	if (r->con_said)
		return;
	if (r->con_lost || util_write_all(1, data, len) == 0)
		return;
	r->con_lost = 1;
	if (errno == EPIPE) {
		run_verdict(r, 128 + SIGPIPE, 0, "the reader of the console "
			    "(stdout) went away");
		return;
	}
	fprintf(stderr, "stubrun: warning: the console is lost: stdout: %s\n",
		strerror(errno));
}

void run_console(run_ctx *r, const char *data, size_t len)
{
	if (r->rr_replay)
		return; /* the replay's console was shown when recorded */
	copy_to_stdout(r, data, len);
	test_record(r, data, len);
	if (r->con)
		console_feed(r->con, data, len, on_event, r);
	if (r->con_point && !r->snap_point_seen)
		console_feed(r->con_point, data, len, on_point, r);
}

void run_console_finish(run_ctx *r)
{
	if (r->con)
		console_flush(r->con, on_event, r);
}

int run_console_powered_off(run_ctx *r)
{
	run_console_finish(r);
	if (r->done || r->con_tests == 0)
		return r->done;
	if (r->con_failed == 0)
		run_verdict(r, 0, 0, "the guest powered off after its console "
			    "test results: %zu passed", r->con_tests);
	else
		run_verdict(r, RUN_EXIT_FAIL, 0, "the guest powered off after "
			    "its console test results: %zu of %zu failed, the "
			    "first %s", r->con_failed, r->con_tests,
			    r->con_first_failed);
	return 1;
}

void run_console_free(run_ctx *r)
{
	console_free(r->con);
	console_free(r->con_point);
	r->con = NULL;
	r->con_point = NULL;
}

/* QEMU reports its own fatal errors as "qemu-system-ARCH: ..." on stderr
 * and exits 1; the guest's exit devices write nothing there. Warnings
 * (e.g. an on-board NIC without a backend) are not errors. */
int run_qemu_error_line(const char *line)
{
	return !strncmp(line, "qemu", 4) && !strstr(line, ": warning:");
}

/* QEMU's own error lines ("qemu-system-arm: -cpu x: ...") and what follows
 * them are held back, not passed on: the verdict quotes the last error, and
 * passing it on as well said everything twice. Before the verdict line,
 * which stays the last, come the held lines it does not quote
 * (run_print_held_qemu_errors). Other lines pass at once. */
static void qemu_stderr_line(run_ctx *r, const char *line, size_t len)
{
	/* What follows an error (a hint: "Use -machine help") belongs to it. */
	if ((r->qemu_held_len || run_qemu_error_line(line)) &&
	    len <= sizeof(r->qemu_held) - r->qemu_held_len) {
		memcpy(r->qemu_held + r->qemu_held_len, line, len);
		r->qemu_held_len += len;
		return;
	}
	util_write_all(2, line, len);
}

static void qemu_stderr(run_ctx *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		r->qemu_line[r->qemu_line_len++] = buf[i];
		if (buf[i] == '\n' || r->qemu_line_len == sizeof(r->qemu_line) - 1) {
			r->qemu_line[r->qemu_line_len] = '\0';
			qemu_stderr_line(r, r->qemu_line, r->qemu_line_len);
			r->qemu_line_len = 0;
		}
	}
}

void run_print_held_qemu_errors(run_ctx *r)
{
	char *p = r->qemu_held, *end = r->qemu_held + r->qemu_held_len;

	if (r->qemu_line_len)
		util_write_all(2, r->qemu_line, r->qemu_line_len);
	r->qemu_line_len = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len && !memmem(r->reason, strlen(r->reason), p, len))
			util_write_all(2, p, len + (nl ? 1 : 0));
		p += len + (nl ? 1 : 0);
	}
	r->qemu_held_len = 0;
}

size_t run_drain_qemu(run_ctx *r)
{
	char buf[4096];
	size_t n, total = 0;

	if (!r->qemu)
		return 0;
	/* Bounded: a guest printing without pause must not starve the loop. */
	for (int i = 0; i < 64; i++) {
		if (qemu_read(buf, sizeof(buf), &n, r->qemu, 1) < 0 || n == 0)
			break;
		run_console(r, buf, n);
		total += n;
	}
	for (int i = 0; i < 64; i++) {
		if (qemu_read(buf, sizeof(buf), &n, r->qemu, 2) < 0 || n == 0)
			break;
		qemu_stderr(r, buf, n);
	}
	return total;
}

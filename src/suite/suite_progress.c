/*
 * What `stubrun test` tells the person watching (stderr): a live status line
 * on a terminal (done/total, failures, the slowest running test) with the
 * failures printed above it, or one line per result when not a terminal.
 */
#include "suite_cli.h"

#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

/* The post-mortem can be long; the end of it is what tells the story. */
#define SUMMARY_LOG_LINES 40

static const char *label(report_outcome o)
{
	switch (o) {
	case REPORT_PASS: return "PASS   ";
	case REPORT_FAIL: return "FAIL   ";
	case REPORT_TIMEOUT: return "TIMEOUT";
	case REPORT_ERROR: return "ERROR  ";
	case REPORT_NOTRUN: return "SKIP   ";
	}
	return "?      ";
}

/* Prints s without control characters (a test name or message comes from
 * a guest or a file: no terminal escapes). */
static void put_clean(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

void suite_progress_clear(suite_progress *p)
{
	if (p->tty && p->line_shown) {
		fputs("\r\033[K", p->f);
		p->line_shown = 0;
	}
}

/* "LABEL NAME: message (1.23s)", with what excuses it. */
static void put_case(suite_progress *p, const char *lab, const report_case *c,
		     const char *extra)
{
	suite_progress_clear(p);
	fprintf(p->f, "%s ", lab);
	put_clean(p->f, c->name);
	if (c->message) {
		fputs(": ", p->f);
		put_clean(p->f, c->message);
	}
	fprintf(p->f, " (%ld.%02lds)", c->duration_ms / 1000,
		(c->duration_ms % 1000) / 10);
	if (extra)
		put_clean(p->f, extra);
	if (c->quarantine) {
		fputs(" [quarantined: ", p->f);
		put_clean(p->f, c->quarantine);
		fputc(']', p->f);
	}
	fputc('\n', p->f);
}

void suite_progress_result(suite_progress *p, const suite_inst *in)
{
	char extra[64];

	p->done++;
	p->failed += in->failed ? 1 : 0;
	for (size_t i = 0; i < in->ncases; i++) {
		const report_case *c = &in->cases[i];
		if (report_case_flaky(c)) {
			snprintf(extra, sizeof(extra), ", passed on attempt %zu",
				 c->nattempts + 1);
			put_case(p, "FLAKY  ", c, extra);
		} else if (!p->tty || c->outcome != REPORT_PASS) {
			put_case(p, label(c->outcome), c, NULL);
		}
	}
	fflush(p->f);
}

void suite_progress_retry(suite_progress *p, const suite_inst *in)
{
	char extra[64];

	snprintf(extra, sizeof(extra), ", attempt %d of %d: running it again",
		 in->attempt + 1, in->retries + 1);
	for (size_t i = 0; i < in->ncases; i++) {
		const report_case *c = &in->cases[i];
		if (c->outcome != REPORT_PASS && c->outcome != REPORT_NOTRUN)
			put_case(p, "RETRY  ", c, extra);
	}
	fflush(p->f);
}

/* Writes s to buf without control characters (see put_clean). */
static size_t clean_copy(char *buf, size_t len, size_t at, const char *s)
{
	for (; s && *s && at + 1 < len; s++)
		buf[at++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[at < len ? at : len - 1] = '\0';
	return at;
}

void suite_progress_tick(suite_progress *p, const sched_job *jobs, size_t n,
			 long now_ms)
{
	const sched_job *slow = NULL;
	size_t running = 0, at;
	char line[sizeof(p->last)];
	struct winsize ws;
	int width = 80;

	if (!p->tty)
		return;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].state != SCHED_RUNNING)
			continue;
		running++;
		if (!slow || jobs[i].start_ms < slow->start_ms)
			slow = &jobs[i];
	}
	at = (size_t)snprintf(line, sizeof(line), "[%zu/%zu] %zu failed",
			      p->done, p->total, p->failed);
	if (slow && at < sizeof(line)) {
		const suite_inst *in = slow->user;
		at += (size_t)snprintf(line + at, sizeof(line) - at,
				       ", %zu running, slowest %lds: ", running,
				       (now_ms - slow->start_ms) / 1000);
		if (at < sizeof(line))
			clean_copy(line, sizeof(line), at, in->name);
	}
	/* Redraw only when the text changes (about once a second), cut to
	 * the terminal's width so that "\r" can rewrite it. */
	if (p->line_shown && strcmp(line, p->last) == 0)
		return;
	memcpy(p->last, line, sizeof(line));
	if (ioctl(fileno(p->f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		width = ws.ws_col;
	fprintf(p->f, "\r\033[K%.*s", width - 1, line);
	p->line_shown = 1;
	fflush(p->f);
}

/* The last `lines` lines of s. */
static const char *tail_lines(const char *s, int lines)
{
	const char *p = s + strlen(s);

	if (p > s && p[-1] == '\n')
		p--;
	while (p > s) {
		if (p[-1] == '\n' && --lines == 0)
			break;
		p--;
	}
	return p;
}

void suite_progress_summary(suite_progress *p, const report *r,
			    const suite_inst *insts, size_t n, int signo,
			    int flaky_fails)
{
	report_counts c;

	suite_progress_clear(p);
	for (size_t i = 0; i < n; i++) {
		const char *log = insts[i].job ? insts[i].job->err : NULL;
		if (!insts[i].failed || !log || !*log)
			continue;
		fputs("--- ", p->f);
		put_clean(p->f, insts[i].name);
		fputs(" (stubrun run, stderr) ---\n", p->f);
		fputs(tail_lines(log, SUMMARY_LOG_LINES), p->f);
		if (log[strlen(log) - 1] != '\n')
			fputc('\n', p->f);
	}
	report_count(&c, r, NULL);
	fprintf(p->f, "stubrun test: %zu passed, %zu failed, %zu timed out, "
		"%zu errors, %zu not run", c.passed, c.failed, c.timed_out,
		c.errors, c.not_run);
	/* Only when there are any: the line stays as it was for suites
	 * without retries or quarantine. */
	if (c.flaky)
		fprintf(p->f, ", %zu flaky%s", c.flaky,
			flaky_fails ? " (failing the suite)" : "");
	if (c.quarantined)
		fprintf(p->f, ", %zu quarantined", c.quarantined);
	fprintf(p->f, " (%ld.%02lds)%s%s\n",
		r->duration_ms / 1000, (r->duration_ms % 1000) / 10,
		signo ? ", interrupted by SIG" : "",
		signo && sigabbrev_np(signo) ? sigabbrev_np(signo) : "");
	fflush(p->f);
}

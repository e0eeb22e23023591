/*
 * The --events file of `stubrun run` (docs/DESIGN.md, "run -> test
 * contract"): JSON lines appended one object per event, each written with
 * one write(2) on an O_APPEND descriptor so lines never interleave.
 *   {"event":"plan","tests":["...",...],"time_ms":N}
 *   {"event":"begin","name":"...","time_ms":N,"guest_ms":G}
 *   {"event":"end","name":"...","status":N,"time_ms":N,"guest_ms":G,
 *    "output":"..."}
 *   {"event":"end","name":"...","status":0,"skip":"reason",...}: skipped
 *   {"event":"verdict","status":N,"reason":"...","time_ms":N,"guest_ms":G}
 * time_ms is wall time since the run began; guest_ms the guest's running
 * time so far (events_time), absent before the guest first ran.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct events events;

/* When an event happened. wall_ms: since `stubrun run` began. guest_ms:
 * how long the guest has run, from its first instruction, less the time
 * a debugger or a snapshot's save or restore held the machine (what
 * --timeout counts); -1 before the guest first ran, and then not written. */
typedef struct events_time {
	int64_t wall_ms;
	int64_t guest_ms;
} events_time;

/* Opens (creates, appends to) `path`. On failure *out is NULL and errbuf
 * holds "PATH: reason". */
int events_open(events **out, const char *path, char *errbuf, size_t errlen);
void events_close(events *ev);

/* {"event":"plan","tests":["...",...],"time_ms":N}: the in-image tests the
 * image declares (STUBRUN_DECLARE_TEST), written before the guest runs. */
int events_plan(events *ev, char *const *names, size_t count, int64_t time_ms);
int events_begin(events *ev, const char *name, events_time at);
int events_end(events *ev, const char *name, int status, events_time at,
	       const char *output, size_t output_len);
/* The end of a test that the run made, not the guest (a timeout, a
 * crash, a console verdict in it): "reason" says why, as the run's own
 * verdict line does. */
int events_end_by_run(events *ev, const char *name, int status,
		      const char *reason, events_time at, const char *output,
		      size_t output_len);
/* The end of a test that did not run its body: a KTAP/TAP "# SKIP" or
 * "# TODO" (`reason` says which and why). */
int events_skip(events *ev, const char *name, const char *reason,
		events_time at, const char *output, size_t output_len);
/* {"event":"postmortem","text":"...","time_ms":N}: the failure's
 * post-mortem as stubrun printed it, written before the verdict. */
int events_postmortem(events *ev, const char *text, int64_t time_ms);
int events_verdict(events *ev, int status, const char *reason,
		   events_time at);

#endif /* EVENTS_H */

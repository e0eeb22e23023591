/*
 * A run's clocks. --trace-timing: where a run's time goes, phase by phase.
 * Each phase is marked as it ends; the report lists the phases reached in
 * the order they ended, each with its own share and the total, so that a
 * slow start-up points at its phase (docs/BENCHMARKS.md has the figures);
 * a run from a snapshot adds where its tests' time went. The guest's
 * clock: the time it ran, which --timeout bounds and the events (and so
 * the suite's reports) carry; not the time it was held by a debugger,
 * a snapshot's save or restore, or stubrun's semihosting service.
 */
#include <stdio.h>

#include "run_int.h"
#include "util.h"

static const char *const phase_names[RUN_PH_COUNT] = {
	[RUN_PH_IMAGE] = "image",
	[RUN_PH_SPAWN] = "spawn",
	[RUN_PH_PLAN] = "plan",
	[RUN_PH_CONNECT] = "connect",
	[RUN_PH_ANSWER] = "first answer",
	[RUN_PH_HANDSHAKE] = "handshake",
	[RUN_PH_INSERT] = "breakpoints",
	[RUN_PH_RUN] = "run",
	[RUN_PH_POSTMORTEM] = "report",
	[RUN_PH_TEARDOWN] = "teardown",
};

void run_mark(run_ctx *r, run_phase ph)
{
	if (r->opt && r->opt->trace_timing && ph < RUN_PH_COUNT)
		r->phase_end_us[ph] = util_now_us();
}

/* The reached phase that ended first after `after` (0: the earliest), or
 * RUN_PH_COUNT. */
static run_phase next_phase(const run_ctx *r, int64_t after, int taken[])
{
	run_phase best = RUN_PH_COUNT;

	for (int p = 0; p < RUN_PH_COUNT; p++) {
		int64_t t = r->phase_end_us[p];
		if (!t || taken[p] || t < after)
			continue;
		if (best == RUN_PH_COUNT || t < r->phase_end_us[best])
			best = (run_phase)p;
	}
	return best;
}

void run_print_timing(const run_ctx *r)
{
	int taken[RUN_PH_COUNT] = { 0 };
	int64_t prev = r->t0_us;
	run_phase p;

	if (!r->opt || !r->opt->trace_timing)
		return;
	fputs("stubrun: timing:", stderr);
	while ((p = next_phase(r, prev, taken)) != RUN_PH_COUNT) {
		int64_t us = r->phase_end_us[p] - prev;
		fprintf(stderr, " %s %lld.%03lld ms,", phase_names[p],
			(long long)(us / 1000), (long long)(us % 1000));
		taken[p] = 1;
		prev = r->phase_end_us[p];
	}
	fprintf(stderr, " total %lld.%03lld ms\n",
		(long long)((prev - r->t0_us) / 1000),
		(long long)((prev - r->t0_us) % 1000));
	if (r->snap_taken)
		fprintf(stderr, "stubrun: timing: snapshot: point reached at %lld "
			"ms, savevm %lld ms; %zu tests: restores %lld ms (%zu "
			"new QEMUs), tests %lld ms\n", (long long)r->snap_point_ms,
			(long long)r->snap_save_ms, r->snap_count,
			(long long)r->snap_restore_ms, r->snap_restarts,
			(long long)r->snap_tests_ms);
}

void run_guest_start(run_ctx *r)
{
	if (r->guest_started)
		return;
	r->guest_started = 1;
	r->guest_t0 = util_now_ms();
	r->deadline = r->guest_t0 + r->opt->timeout_ms;
}

void run_guest_held(run_ctx *r, int64_t since)
{
	int64_t held = util_now_ms() - since;

	r->deadline += held;
	/* After the verdict the guest's time is fixed (--debug-on-failure). */
	if (r->guest_started && !r->done)
		r->guest_held_ms += held;
}

/* What is left of the one more --timeout that serviced calls may take. */
static int64_t service_left_us(const run_ctx *r)
{
	return (int64_t)r->opt->timeout_ms * 1000 - r->sh_held_us;
}

void run_guest_serviced(run_ctx *r, int64_t since_us)
{
	int64_t held_us = util_now_us() - since_us, before_ms, moved;

	r->sh_serviced = 0;
	if (held_us > service_left_us(r))
		held_us = service_left_us(r);
	if (held_us <= 0 || r->done)
		return;
	/* Kept in microseconds: a call is often well under a millisecond,
	 * and many of them would round to nothing. */
	before_ms = r->sh_held_us / 1000;
	r->sh_held_us += held_us;
	moved = r->sh_held_us / 1000 - before_ms;
	r->deadline += moved;
	if (r->guest_started)
		r->guest_held_ms += moved;
}

int64_t run_host_budget_ms(const run_ctx *r)
{
	int64_t left = r->deadline - util_now_ms() +
		       (service_left_us(r) + 999) / 1000 + 1;

	return left < 0 ? 0 : left;
}

events_time run_event_time(const run_ctx *r)
{
	int64_t now = util_now_ms();
	int64_t end = r->done && r->verdict_at ? r->verdict_at : now;
	events_time at = { now - r->t0, -1 };

	if (r->guest_started) {
		at.guest_ms = end - r->guest_t0 - r->guest_held_ms;
		if (at.guest_ms < 0)
			at.guest_ms = 0;
	}
	return at;
}

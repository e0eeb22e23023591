/*
 * The events file of one `stubrun run --events FILE` (docs/DESIGN.md, "run ->
 * test contract"): JSON lines begin / end / verdict, read back into the
 * in-image test results of that run. The file is written by a child that
 * ran a hostile guest: every line is parsed defensively and capped.
 */
#ifndef SUITE_EVENTS_H
#define SUITE_EVENTS_H

#include <stddef.h>

/* One guest test, in the order it began. */
typedef struct suite_guest {
	char *name;
	int ended;           /* an end event closed it */
	int status;          /* its end status (when ended) */
	long begin_ms, end_ms;
	/* The guest's running time at begin and end (events_time), -1 when
	 * the events did not say. */
	long begin_guest_ms, end_guest_ms;
	char *output;        /* console output between begin and end, or NULL */
	char *skip;          /* skipped (KTAP/TAP SKIP or TODO): why, or NULL */
	char *reason;        /* the run ended it (a timeout, a crash): why,
			      * or NULL when the guest ended it */
} suite_guest;

typedef struct suite_events {
	suite_guest *guests;
	size_t nguests;
	int have_verdict;
	int verdict_status;
	char *verdict_reason; /* or NULL */
	long verdict_ms;
	long verdict_guest_ms; /* the guest's running time, or -1 */
	char **plan;         /* names announced by a "plan" event, if any */
	size_t nplan;
	size_t bad_lines;    /* lines that were not a known event: skipped */
} suite_events;

/*
 * Parses `len` bytes of JSON lines into *out (zeroed first; clear it with
 * suite_events_clear even on error). Returns 0, or -1 when out of memory.
 * Events after the caps (SUITE_EVENTS_MAX_GUESTS guests) are counted as bad.
 */
int suite_events_parse(suite_events *out, const char *text, size_t len);

/* Reads and parses the file; a missing file is no events (returns 0). */
int suite_events_read(suite_events *out, const char *path);

void suite_events_clear(suite_events *ev);

#define SUITE_EVENTS_MAX_GUESTS 100000
#define SUITE_EVENTS_MAX_BYTES (64u << 20)

#endif /* SUITE_EVENTS_H */

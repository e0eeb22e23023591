/*
 * KTAP/TAP results from the console (Linux Documentation/dev-tools/ktap.rst,
 * KTAP version 1; TAP 13/14): a line-at-a-time parser that turns plans,
 * result lines, subtests and "Bail out!" into console_events. Private to
 * src/console/; console.c feeds it complete lines.
 */
#ifndef KTAP_H
#define KTAP_H

#include <stddef.h>

#include "console.h"

/* Why 8: KUnit nests two levels (suite, parameterised case) and kselftest
 * one; 8 leaves room for anything real while bounding the parser's state. */
#define KTAP_DEPTH_MAX 8
/* Why 256: longer than any KUnit suite or case name (they are C
 * identifiers); a longer description is cut, not refused. */
#define KTAP_NAME_MAX 256
/* Tests a level reports NOTRUN one event each; the rest of a larger gap
 * becomes one event standing for them all, so an absurd plan
 * ("1..999999999999") costs a constant number of events. */
#define KTAP_NOTRUN_EACH 64

typedef struct ktap ktap;

/* `mode` is CONSOLE_RESULTS_AUTO (start at a version line), _KTAP or _TAP
 * (start at the first plan or result line too). */
int ktap_new(ktap **out, console_results mode);
void ktap_free(ktap *k);

/* One complete line: `text`/`len` after kernel-prefix stripping (what is
 * parsed), `orig` the line as received (quoted in events' .line). */
int ktap_line(ktap *k, const char *text, size_t len, const char *orig,
	      console_sink sink, void *arg);

/* End of input: open tests end NOTRUN, then RESULTS_DONE if planned. */
int ktap_flush(ktap *k, console_sink sink, void *arg);

#endif /* KTAP_H */

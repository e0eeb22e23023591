/*
 * Benchmark guest: 1,000 in-image tests, each an empty
 * stubrun_test_begin / stubrun_test_end pair (status 0), then exit 0. It
 * measures what one in-image test costs a runner: two breakpoint stops,
 * reading the name from guest memory, writing the events (bench/run.sh,
 * "in-image tests").
 */
#include <stubrun/guest.h>
#include "platform.h"

/* 1,000: start-up costs vanish in the per-test figure. */
#define BENCH_TESTS 1000

/* "t0000".."t0999": distinct names, rewritten in place; stubrun reads the
 * name when it stops at stubrun_test_begin, before the next rewrite. */
static char name[] = "t0000";

/* Shifts and subtraction only: no division, so no libgcc helper on i386. */
static void set_name(unsigned n)
{
	static const unsigned pow10[] = { 1000, 100, 10, 1 };

	for (int d = 0; d < 4; d++) {
		char c = '0';
		while (n >= pow10[d]) {
			n -= pow10[d];
			c++;
		}
		name[1 + d] = c;
	}
}

int main(void)
{
	for (unsigned i = 0; i < BENCH_TESTS; i++) {
		set_name(i);
		stubrun_test_begin(name);
		stubrun_test_end(0);
	}
	return 0;
}

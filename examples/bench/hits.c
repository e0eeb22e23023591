/*
 * Benchmark guest: calls bench_hook() BENCH_HITS times, then exits 0. A
 * debugger that breaks on bench_hook and resumes measures how fast it can
 * service breakpoint hits (bench/run.sh, "hits"). The guest counts the calls
 * that really ran and exits 1 if the count is short, so a debugger that
 * reports the same stop again without executing the hook cannot pass.
 */
#include <stubrun/guest.h>
#include "platform.h"

/* 10,000: enough stops that start-up costs vanish in the per-hit figure,
 * few enough that the slowest peer (gdb with a command list) stays within
 * seconds. bench/run.sh reads the count from here (bench_hits_target). */
#define BENCH_HITS 10000

const unsigned long bench_hits_target = BENCH_HITS;
/* Calls that ran; global and volatile so a debugger can read it by name. */
volatile unsigned long bench_hook_calls;

void bench_hook(unsigned long i);

/* noinline + noipa: a real, separate function whose entry is the
 * breakpoint; its argument (the call index) shows in the ABI register. */
__attribute__((noinline, noipa)) void bench_hook(unsigned long i)
{
	bench_hook_calls = i + 1;
}

int main(void)
{
	for (unsigned long i = 0; i < BENCH_HITS; i++)
		bench_hook(i);
	return bench_hook_calls == BENCH_HITS ? 0 : 1;
}

/* A Linux program for stubrun's user mode (qemu-user): what it does is
 * its first argument.
 *   exit N   exits with status N
 *   segv     a SIGSEGV three calls deep (main -> crash_outer -> crash_middle
 *            -> crash_inner), with arguments
 *   thread-segv N  the same SIGSEGV in a second thread (crash_thread ->
 *            crash_outer ...), while main waits for it
 *   abort    abort(): SIGABRT
 *   cat      copies stdin to stdout
 *   hang     loops forever; spin N: computes a while (compute() below)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* noinline, and a volatile store: -O1 keeps the three frames. */
__attribute__((noinline)) static int crash_inner(int *where, int value)
{
	*(volatile int *)where = value;
	return value + 1;
}

__attribute__((noinline)) static int crash_middle(int *where, int value)
{
	return crash_inner(where, value * 2) + 1;
}

__attribute__((noinline)) static int crash_outer(int value)
{
	return crash_middle((int *)(unsigned long)value, value + 1) + 1;
}

static void *crash_thread(void *arg)
{
	crash_outer(*(const int *)arg);
	return NULL;
}

/* The crash is not the first thread's: a debugger that reads the
 * registers of the thread it selected last shows pthread_join(). */
static int crash_in_thread(int value)
{
	pthread_t t;

	if (pthread_create(&t, NULL, crash_thread, &value) != 0)
		return 2;
	pthread_join(t, NULL);
	return 0;
}

static int copy_stdin(void)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return 1;
	return ferror(stdin) ? 1 : 0;
}

/* `spin N`: N million rounds of a linear congruential generator (Knuth's
 * MMIX constants), work the compiler cannot fold away since the result
 * decides the status; then exits 0. bench/run.sh's program that runs a
 * while: about 100 ms for N = 35 under qemu-aarch64. */
static int compute(long millions)
{
	unsigned long long x = 1;

	for (long i = 0; i < millions * 1000000; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return x == 0 ? 3 : 0;
}

int main(int argc, char **argv)
{
	volatile int spin = 1;
	const char *what = argc > 1 ? argv[1] : "exit";

	if (!strcmp(what, "exit"))
		return argc > 2 ? atoi(argv[2]) : 0;
	if (!strcmp(what, "segv"))
		return crash_outer(argc > 2 ? atoi(argv[2]) : 16);
	if (!strcmp(what, "thread-segv"))
		return crash_in_thread(argc > 2 ? atoi(argv[2]) : 16);
	if (!strcmp(what, "abort"))
		abort();
	if (!strcmp(what, "cat"))
		return copy_stdin();
	if (!strcmp(what, "hang")) {
		while (spin)
			;
		return 0;
	}
	if (!strcmp(what, "spin"))
		return compute(argc > 2 ? atol(argv[2]) : 1);
	fprintf(stderr, "prog: unknown action %s\n", what);
	return 2;
}

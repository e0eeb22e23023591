/* A test that hangs, on purpose: it waits for a flag nothing sets, as a
 * test waiting for an interrupt that never comes. stubrun's --timeout
 * ends it with status 124 and a post-mortem naming wait_for_ready. */
#include <stdio.h>

static volatile int ready;
static volatile unsigned long polls;

__attribute__((noinline)) static void wait_for_ready(void)
{
	while (!ready)
		polls++;
}

int main(void)
{
	puts("demo_hang: waiting for a device that never answers");
	wait_for_ready();
	puts("demo_hang: answered");
	return 0;
}

/*
 * The "corrupt" variant: a global is overwritten through a stray pointer
 * deep in innocent-looking code, and the damage is noticed later, far from
 * where it happened. `stubrun run --record --watch-back expected_magic`
 * finds the write: bump() <- update_stats() <- main().
 */
#include <stubrun/guest.h>
#include "platform.h"

#define MAGIC 0x1234u

volatile unsigned expected_magic = MAGIC;
volatile unsigned stats[2];

__attribute__((noinline)) static void bump(volatile unsigned *counter)
{
	*counter = *counter + 1;
}

/* The bug: index 2 is past stats[], and the pointer handed to bump()
 * is expected_magic's on these layouts. */
__attribute__((noinline)) static void update_stats(int which)
{
	bump(which < 2 ? &stats[which] : &expected_magic);
}

int main(void)
{
	console_puts("corrupt variant on ");
	console_puts(plat_arch);
	console_puts("\n");
	for (int i = 0; i < 3; i++)
		update_stats(i);
	for (int i = 0; i < 1000; i++)
		stats[0] = stats[0] + (unsigned)i; /* time passes */
	if (expected_magic != MAGIC)
		stubrun_panic("expected_magic was corrupted");
	stubrun_exit(0);
}

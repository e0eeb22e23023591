/*
 * The "crash" variant: takes the machine's fault in crash_here() (what that
 * fault is, and how the machine reports it, is plat_crash in the machine's
 * plat.c).
 */
#include <stubrun/guest.h>
#include "platform.h"

/* The fault happens in plat_crash, called from here: a backtrace taken in
 * the trap handler shows plat_crash <- crash_here <- main. */
__attribute__((noinline)) void crash_here(void);

void crash_here(void)
{
	plat_crash();
	console_puts("no fault happened\n");
}

int main(void)
{
	console_puts("crash variant on ");
	console_puts(plat_arch);
	console_puts(": faulting\n");
	crash_here();
	stubrun_panic("crash variant: the fault did not happen");
}

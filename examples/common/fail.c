/*
 * The "fail" variant: exits with status 3 from the bottom of a call chain
 * main -> run_checks -> check_value, so that a backtrace taken at
 * stubrun_exit has depth. Each link is noinline and is not a tail call
 * (the Makefile passes -fno-optimize-sibling-calls).
 */
#include <stubrun/guest.h>
#include "platform.h"

#define FAIL_STATUS 3

/* Compared against a value the optimiser cannot see through. */
static volatile int observed = 41;

__attribute__((noinline)) static int check_value(const char *what, int got,
						 int want)
{
	if (got == want)
		return 0;
	console_puts("check failed: ");
	console_puts(what);
	console_puts(" = ");
	console_put_dec((unsigned)got);
	console_puts(", expected ");
	console_put_dec((unsigned)want);
	console_puts("\n");
	stubrun_exit(FAIL_STATUS);
}

__attribute__((noinline)) static int run_checks(void)
{
	int bad = 0;

	bad |= check_value("answer", observed, 42);
	return bad;
}

int main(void)
{
	console_puts("fail variant on ");
	console_puts(plat_arch);
	console_puts("\n");
	return run_checks() ? FAIL_STATUS : 0;
}

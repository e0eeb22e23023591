/*
 * Two in-image tests that share a global: "corrupts" overwrites it and
 * passes; "checks" passes only while it holds its first value. Run one
 * after the other in one machine, "checks" fails (status 1); each alone
 * from a snapshot (stubrun run --snapshot-at main), both pass: what one
 * test did to memory does not reach the next.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define MAGIC 0x5eedu

static volatile unsigned shared = MAGIC;

STUBRUN_DECLARE_TEST("corrupts");
STUBRUN_DECLARE_TEST("checks");

int main(void)
{
	int failed = 0;

	if (stubrun_test_selected("corrupts")) {
		stubrun_test_begin("corrupts");
		shared = 0xdeadu;
		console_puts("corrupts: wrote the shared global\n");
		stubrun_test_end(0);
	}
	if (stubrun_test_selected("checks")) {
		int status = shared == MAGIC ? 0 : 1;

		stubrun_test_begin("checks");
		console_puts(status ? "checks: the shared global was changed\n" :
				      "checks: the shared global is intact\n");
		stubrun_test_end(status);
		failed |= status;
	}
	return failed;
}

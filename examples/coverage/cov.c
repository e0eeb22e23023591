/*
 * A coverage guest (stubrun --coverage): picolibc with semihosting, built
 * with --coverage -fprofile-info-section and nothing else changed (the
 * toolchain's own picolibc.ld). The loop in main runs its body N times,
 * N from the first guest argument (default 3; picolibc's crt0 puts a
 * fixed argv[0] and the image's path first), so a test can check that gcov's
 * count for that line is what the guest executed. COV_SELF_DUMP: the guest
 * dumps its coverage itself; without it stubrun calls the dump at the
 * exit. Guest arguments: N, then how it exits ("return" from main, a
 * semihosting exit, or "stubrun_exit"), then the status (default 0).
 */
#include <stdlib.h>
#include <string.h>
#include <stubrun/guest.h>
#include "covlib.h"

int main(int argc, char **argv)
{
	int times = argc > 2 ? atoi(argv[2]) : 3;
	int sum = 0, status;

	for (int i = 0; i < times; i++)
		sum += cov_square(i); /* the counted line */
	if (sum < 0)
		return 2; /* never run */
#ifdef COV_SELF_DUMP
	stubrun_coverage_dump();
#endif
	status = argc > 4 ? atoi(argv[4]) : 0;
	if (argc > 3 && strcmp(argv[3], "stubrun_exit") == 0)
		stubrun_exit(status);
	return status;
}

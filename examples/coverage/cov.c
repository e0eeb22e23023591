/*
 * A coverage guest (stubrun --coverage): picolibc with semihosting, built
 * with --coverage -fprofile-info-section and nothing else changed (the
 * toolchain's own picolibc.ld). The loop in main runs its body N times,
 * N from the first guest argument (default 3; picolibc's crt0 puts a
 * fixed argv[0] and the image's path first), so a test can check that gcov's
 * count for that line is what the guest executed. COV_SELF_DUMP: the guest
 * dumps its coverage itself; without it stubrun calls the dump at the
 * exit. Guest arguments: N, then how it ends ("return" from main, a
 * semihosting exit; "stubrun_exit"; "hang": spin until the timeout;
 * "fault": a load from an address with nothing behind it, which the fault
 * catch reports; on RISC-V and AArch64 "wild-sp": the stack pointer at
 * 0, then spin, so that a dump called at the timeout faults: into the
 * caught trap on RISC-V, on AArch64 (whose picolibc sets no vector base)
 * into the reset table at 0, an endless exception loop unless the fault
 * catch stops it there), then the status (default 0).
 */
#include <stdlib.h>
#include <string.h>
#include <stubrun/guest.h>
#include "covlib.h"

/* An address with no memory or device behind it on the test's machine. */
#if defined(__aarch64__)
#define COV_NOTHING_AT (1UL << 48)     /* beyond virt's physical space */
#elif defined(__arm__)
#define COV_NOTHING_AT 0xe0100000UL    /* mps2: past the private bus */
#else
#define COV_NOTHING_AT 0UL             /* virt: nothing below the ROM */
#endif

static void end_badly(const char *how)
{
	if (strcmp(how, "hang") == 0)
		for (;;)
			__asm__ volatile("");
	if (strcmp(how, "fault") == 0)
		(void)*(volatile unsigned *)COV_NOTHING_AT;
	if (strcmp(how, "wild-sp") == 0) {
#if defined(__riscv)
		__asm__ volatile("mv sp, zero\n1: j 1b");
#elif defined(__aarch64__)
		__asm__ volatile("mov x0, #0\nmov sp, x0\n1: b 1b" ::: "x0");
#endif
	}
}

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
	if (argc > 3)
		end_badly(argv[3]);
	status = argc > 4 ? atoi(argv[4]) : 0;
	if (argc > 3 && strcmp(argv[3], "stubrun_exit") == 0)
		stubrun_exit(status);
	return status;
}

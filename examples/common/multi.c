/*
 * The multi-test kernel: five in-image tests bracketed by
 * stubrun_test_begin/stubrun_test_end, one per outcome a runner reports:
 *   arith    pass        strings  pass        fails  ends with status 2
 *   crashes  faults inside the test (plat_crash; the trap handler calls
 *            stubrun_panic, or on x86 the machine triple-faults)
 *   hangs    spins in spin_forever inside the test
 * Run in that order, "crashes" ends the run, so "hangs" is not run. To see
 * a later test, a runner (or gdb) writes its index to multi_first_test
 * before main runs: tests before it are skipped without a
 * stubrun_test_begin. On Arm and RISC-V the image is in RAM at QEMU's
 * first stop (-S); on x86 the firmware copies the kernel into RAM after
 * that, overwriting earlier writes, so write it when stopped at
 * guest_entry. If every test that ran returned, main returns 0 when
 * all of them passed, else 1. Under --snapshot-at, each test runs alone
 * (stubrun_test_selected), from a snapshot taken at main.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define FAILS_STATUS 2

struct multi_test {
	const char *name;
	int (*run)(void);
};

/* Index of the first test to run (0: all). Written from outside; volatile
 * and not const so the compiler reads it at run time; in .data, not .bss,
 * so guest_entry's clearing of .bss does not undo the write. */
#ifndef MULTI_FIRST_TEST
#define MULTI_FIRST_TEST 0
#endif
__attribute__((section(".data"))) volatile int multi_first_test =
	MULTI_FIRST_TEST;

/* Inputs the optimiser cannot fold away. */
static volatile int six = 6, seven = 7;
static volatile char greeting[] = "hello";

__attribute__((noinline)) static int test_arith(void)
{
	int p = six * seven;

	console_puts("6 * 7 = ");
	console_put_dec((unsigned)p);
	console_puts("\n");
	return p == 42 && p / seven == six && p % 5 == 2 ? 0 : 1;
}

__attribute__((noinline)) static int test_strings(void)
{
	char copy[sizeof(greeting)];
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(greeting); i++)
		copy[i] = greeting[i];
	while (copy[n])
		n++;
	console_puts("strlen(\"");
	console_puts(copy);
	console_puts("\") = ");
	console_put_dec(n);
	console_puts("\n");
	return n == 5 && copy[0] == 'h' && copy[4] == 'o' ? 0 : 1;
}

__attribute__((noinline)) static int test_fails(void)
{
	console_puts("expected 6 + 7 == 3: failing on purpose\n");
	return six + seven == 3 ? 0 : FAILS_STATUS;
}

__attribute__((noinline)) static int test_crashes(void)
{
	plat_crash();
	return 1; /* only if the fault did not happen */
}

__attribute__((noinline)) static int test_hangs(void)
{
	spin_forever();
}

/* The plan, read by stubrun from the image: tests never reached are then
 * reported "not run". */
STUBRUN_DECLARE_TEST("arith");
STUBRUN_DECLARE_TEST("strings");
STUBRUN_DECLARE_TEST("fails");
STUBRUN_DECLARE_TEST("crashes");
STUBRUN_DECLARE_TEST("hangs");

static const struct multi_test tests[] = {
	{ "arith", test_arith },
	{ "strings", test_strings },
	{ "fails", test_fails },
	{ "crashes", test_crashes },
	{ "hangs", test_hangs },
};

int main(void)
{
	int failed = 0;
	unsigned count = sizeof(tests) / sizeof(tests[0]);

	console_puts("multi-test kernel on ");
	console_puts(plat_arch);
	console_puts("\n");
	for (unsigned i = 0; i < count; i++) {
		int status;

		if ((int)i < multi_first_test ||
		    !stubrun_test_selected(tests[i].name))
			continue;
		console_puts("[ RUN  ] ");
		console_puts(tests[i].name);
		console_puts("\n");
		stubrun_test_begin(tests[i].name);
		status = tests[i].run();
		stubrun_test_end(status);
		console_puts(status ? "[ FAIL ] " : "[ PASS ] ");
		console_puts(tests[i].name);
		console_puts("\n");
		failed |= status != 0;
	}
	return failed;
}

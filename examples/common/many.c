/*
 * One hundred small in-image tests (t00..t99), each a few arithmetic
 * checks, for the snapshot benchmark: one boot and a restore per test
 * (stubrun run --snapshot-at main) against a boot per test.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define TESTS_10(p) X(p##0) X(p##1) X(p##2) X(p##3) X(p##4) \
		    X(p##5) X(p##6) X(p##7) X(p##8) X(p##9)
#define ALL_TESTS TESTS_10(t0) TESTS_10(t1) TESTS_10(t2) TESTS_10(t3) \
		  TESTS_10(t4) TESTS_10(t5) TESTS_10(t6) TESTS_10(t7) \
		  TESTS_10(t8) TESTS_10(t9)

#define X(name) STUBRUN_DECLARE_TEST(#name);
ALL_TESTS
#undef X

static volatile unsigned seed = 7;

/* A sum the optimiser cannot fold away; 0 when it comes out right. */
static int check(unsigned n)
{
	unsigned sum = 0;

	for (unsigned i = 0; i <= n; i++)
		sum += i * seed;
	return sum == seed * n * (n + 1) / 2 ? 0 : 1;
}

int main(void)
{
	static const char *const names[] = {
#define X(name) #name,
		ALL_TESTS
#undef X
	};
	int failed = 0;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int status;

		if (!stubrun_test_selected(names[i]))
			continue;
		stubrun_test_begin(names[i]);
		status = check(i);
		stubrun_test_end(status);
		failed |= status;
	}
	return failed;
}

/*
 * Six in-image tests (h0..h5) that each hang: a suite running them alone
 * from one snapshot (`snapshot-at = main`) needs the boot and six test
 * timeouts, which the suite learns only from the run's plan of tests.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define ALL_TESTS X(h0) X(h1) X(h2) X(h3) X(h4) X(h5)

#define X(name) STUBRUN_DECLARE_TEST(#name);
ALL_TESTS
#undef X

int main(void)
{
	static const char *const names[] = {
#define X(name) #name,
		ALL_TESTS
#undef X
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!stubrun_test_selected(names[i]))
			continue;
		stubrun_test_begin(names[i]);
		spin_forever();
	}
	return 0;
}

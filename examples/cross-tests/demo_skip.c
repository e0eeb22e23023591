/* A test that skips itself, on purpose: exit status 77 is the skip
 * status of meson and automake, and ctest's with SKIP_RETURN_CODE 77.
 * stubrun passes a guest's own status through, so a bare-metal test can
 * skip (here for a feature the board lacks) and be reported skipped. */
#include <stdio.h>

#define SKIP_STATUS 77

int main(void)
{
	puts("demo_skip: this board has no such device: skipped");
	return SKIP_STATUS;
}

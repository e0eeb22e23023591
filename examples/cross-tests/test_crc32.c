/* Unit test of checksum_crc32 against published check values.
 * `test_crc32 --demo-failure` also checks one wrong value, on purpose: the
 * examples' failing test (CMake option DEMO_FAILURE, meson option
 * demo_failure) shows how a failure looks under stubrun. */
#include <string.h>

#include "check.h"
#include "checksum.h"

/* One function per check, so that the backtrace names it. */
__attribute__((noinline)) static void check_wrong_on_purpose(void)
{
	CHECK_EQ_HEX(checksum_crc32("123456789", 9), 0xcbf43926u + 1);
}

int main(int argc, char **argv)
{
	CHECK_EQ_HEX(checksum_crc32("", 0), 0);
	/* The CRC catalogue's check value of CRC-32/ISO-HDLC. */
	CHECK_EQ_HEX(checksum_crc32("123456789", 9), 0xcbf43926u);
	CHECK_EQ_HEX(checksum_crc32("a", 1), 0xe8b7be43u);
	/* Any argument, not argv[1]: in a bare-metal image, picolibc's
	 * semihosting crt0 makes the image's path an argument too. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--demo-failure"))
			check_wrong_on_purpose();
	puts("test_crc32: ok");
	return 0;
}

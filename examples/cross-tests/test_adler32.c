/* Unit test of checksum_adler32 against published values. */
#include "check.h"
#include "checksum.h"

int main(void)
{
	CHECK_EQ_HEX(checksum_adler32("", 0), 1);
	/* The check value of "123456789" and Wikipedia's example. */
	CHECK_EQ_HEX(checksum_adler32("123456789", 9), 0x091e01deu);
	CHECK_EQ_HEX(checksum_adler32("Wikipedia", 9), 0x11e60398u);
	puts("test_adler32: ok");
	return 0;
}

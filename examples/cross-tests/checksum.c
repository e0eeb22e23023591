/* checksum: CRC-32 bit by bit and Adler-32, small enough to read; the code
 * the cross-built unit tests exercise. */
#include "checksum.h"

uint32_t checksum_crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
	}
	return ~crc;
}

/* Why 65521: the largest prime below 2^16 (RFC 1950, section 9). */
#define ADLER_MOD 65521u

uint32_t checksum_adler32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < len; i++) {
		a = (a + p[i]) % ADLER_MOD;
		b = (b + a) % ADLER_MOD;
	}
	return (b << 16) | a;
}

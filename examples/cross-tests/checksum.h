/* checksum: the library under test in the cross-build examples
 * (examples/cmake-cross, examples/meson-cross): CRC-32 and Adler-32. */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of len bytes. */
uint32_t checksum_crc32(const void *data, size_t len);
/* Adler-32 (RFC 1950) of len bytes. */
uint32_t checksum_adler32(const void *data, size_t len);

#endif

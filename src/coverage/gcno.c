/*
 * gcno: the compile directory of a .gcno file (gcno.h). Written by hand:
 * it is one field of GCC's notes format, and libgcov offers no reader.
 */
#include "gcno.h"

#include <stdint.h>
#include <string.h>

/* "gcno" as GCC writes it in the target's (here little-endian) order. */
#define GCNO_MAGIC 0x67636e6fu
/* magic, version, stamp, checksum: then the directory's length word. */
#define GCNO_CWD_AT 16

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int gcno_cwd(char *out, size_t cap, const unsigned char *buf, size_t len)
{
	uint32_t n;
	const unsigned char *s;

	if (len < GCNO_CWD_AT + 4 || le32(buf) != GCNO_MAGIC)
		return -1;
	n = le32(buf + GCNO_CWD_AT);
	s = buf + GCNO_CWD_AT + 4;
	/* The length counts the NUL; the string must end at it. */
	if (n < 2 || n > len - GCNO_CWD_AT - 4 || n > cap || s[n - 1] != '\0' ||
	    memchr(s, '\0', n - 1))
		return -1;
	memcpy(out, s, n);
	return 0;
}

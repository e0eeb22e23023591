/*
 * gcno: what stubrun reads of a .gcno (GCC's coverage notes) file: the
 * directory the unit was compiled in, which gcovr needs as its root to
 * find sources named relative to it. Everything else in it is gcov's.
 */
#ifndef GCNO_H
#define GCNO_H

#include <stddef.h>

/*
 * The compile directory recorded in the .gcno image buf[0..len): GCC 12's
 * header (magic "gcno" little-endian, version, stamp, checksum), then the
 * directory as a length-prefixed NUL-terminated string. 0 with it in
 * out[cap], or -1 when buf is not such a file or the string is not
 * inside it and cap.
 */
int gcno_cwd(char *out, size_t cap, const unsigned char *buf, size_t len);

#endif /* GCNO_H */

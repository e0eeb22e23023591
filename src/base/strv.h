/* String vectors: malloc'd, NULL-terminated arrays of malloc'd strings,
 * the shape of an argv. */
#ifndef STRV_H
#define STRV_H

#include <stddef.h>

/* Appends a copy of `s` to the array *v of *n strings (both 0/NULL to
 * start) and keeps it NULL-terminated. 0, or -1 when out of memory (then
 * *v and *n are as they were). */
int strv_append(char ***v, size_t *n, const char *s);

/* Frees the `n` strings of `v` and `v`. NULL is a no-op. */
void strv_free(char **v, size_t n);

#endif /* STRV_H */

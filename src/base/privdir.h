/*
 * Private directories in TMPDIR, and the sweep that removes those of dead
 * stubrun processes. A SIGKILL cannot be caught, so a killed run cannot
 * remove its own directory; the next run does. Each name carries its
 * owner's pid and kernel start time ("stubrun-KIND-PID.START-XXXXXX"), and
 * a directory is removed only when no process with that pid and that start
 * time exists: a live run's directory is never touched, even after pid
 * reuse, and a name that does not parse is left alone.
 */
#ifndef PRIVDIR_H
#define PRIVDIR_H

#include <stddef.h>

/* Sweeps `tmp` ("" or NULL: $TMPDIR, else /tmp), then creates a new
 * directory "stubrun-KIND-PID.START-XXXXXX" in it (mode 0700) and writes
 * its path to out. 0, or -1 with errno set (out then holds the template). */
int privdir_make(char *out, size_t cap, const char *tmp, const char *kind);

/* Removes the directory `path` (NULL: nothing) and all it holds, never
 * following a link. */
void privdir_remove(const char *path);

/* Removes the stale directories of dead stubrun processes from `tmp`.
 * Returns how many were removed. */
int privdir_sweep(const char *tmp);

#endif /* PRIVDIR_H */

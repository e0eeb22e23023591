/*
 * The quarantine list of `stubrun test --quarantine FILE`: name globs, each
 * with the reason the tests it matches are quarantined (they run and are
 * reported, and do not fail the suite).
 *
 * FILE: one "GLOB  REASON" a line (the glob is the first word, fnmatch(3)
 * syntax; the reason is the rest, after blanks, and is required), lines
 * whose first non-blank is '#' are comments, blank lines are ignored.
 */
#ifndef QUARANTINE_H
#define QUARANTINE_H

#include <stddef.h>

/* Errors; the message is "FILE:LINE: problem" (or "FILE: problem"). */
enum {
	QUARANTINE_ENOENT = -1,   /* the file cannot be read */
	QUARANTINE_ESYNTAX = -2,  /* a malformed line */
	QUARANTINE_ENOMEM = -3,
};

/* Bounds on hostile input: a line longer than this is not a glob and a
 * reason; more entries than this is not a list of flaky tests. */
#define QUARANTINE_MAX_LINE 4096
#define QUARANTINE_MAX_ENTRIES 100000

typedef struct quarantine_entry {
	char *glob;
	char *reason;
	int line;
} quarantine_entry;

typedef struct quarantine {
	quarantine_entry *entries;   /* in file order */
	size_t n;
} quarantine;

/* Parses `len` bytes of list text; `path` names it in messages. On
 * success *out is the list (free with quarantine_free), else NULL. */
int quarantine_parse(quarantine **out, const char *text, size_t len,
		     const char *path, char *errbuf, size_t errlen);

/* The same for the file at `path`. */
int quarantine_read_file(quarantine **out, const char *path, char *errbuf,
			 size_t errlen);

/* The reason of the first entry matching any of the names (a result's
 * name, then its test's), or NULL. Valid as long as q. */
const char *quarantine_match(const quarantine *q, const char *const *names,
			     size_t nnames);

void quarantine_free(quarantine *q);

#endif /* QUARANTINE_H */

/*
 * Small helpers shared by the orchestrator: strict number parsing, bounded
 * formatting into caller-owned buffers, and a monotonic clock.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parses a whole string as an unsigned number: decimal, 0x hex, 0b binary
 * (a leading 0 is decimal, not octal: "010" is ten, the way
 * users of a test runner mean it). -1 on anything else, including empty
 * input, trailing garbage and overflow. */
int util_parse_u64(uint64_t *out, const char *s);

/* The same with an optional leading '-' or '+'. *negative says whether it
 * had a '-'; the value is then the two's complement of the magnitude. */
int util_parse_i64(uint64_t *out, int *negative, const char *s);

/* A count in lo..hi (0 <= lo <= hi), written as util_parse_u64 reads it;
 * 0, or -1 for anything else. */
int util_parse_count(long *out, const char *s, long lo, long hi);

/* Parses the prefix of `s` that forms a number; *end gets what follows.
 * -1 when there is no digit or the number overflows. */
int util_parse_u64_prefix(uint64_t *out, const char **end, const char *s);

/* snprintf into errbuf that tolerates a NULL or empty buffer and keeps the
 * message on one line: control characters come out as \n, \t, \r, \xNN. */
void util_errf(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The default --timeout of `stubrun run` and of a suite's tests, in
 * seconds: one home for both (a suite passes no --timeout when its test
 * names none). A hung kernel test is noticed within a minute. */
#define UTIL_DEFAULT_TIMEOUT_S 60

/* Why 4 s: what QEMU's start-up (exec, the ELF loaded, the stub's first
 * answers) may take on a loaded host beyond --timeout itself, before the
 * guest's own budget starts. A stub that never answers is still given up
 * within --timeout + 4 s; a suite's backstop allows it too. */
#define UTIL_STARTUP_MS 4000

/* The value of hex digit `ch`, or -1. */
int util_hex_digit(int ch);

/* 1 when s ends in `suffix` (NULL: never). */
int util_ends_with(const char *s, const char *suffix);

/* 1 when `prog` is an executable file in one of $PATH's directories (as
 * execvp() would find it; empty entries are skipped). */
int util_in_path(const char *prog);

/* Milliseconds of CLOCK_MONOTONIC: the orchestrator's one clock. */
int64_t util_now_ms(void);
/* The same clock in microseconds (--trace-timing). */
int64_t util_now_us(void);

/* Writes `data` fully to `fd`, retrying on EINTR and short writes.
 * 0 or -1 (errno set). */
int util_write_all(int fd, const void *data, size_t len);

/*
 * Reads the whole file at `path` into *out (NUL-terminated, free() it),
 * its length in *len. -EFBIG when it is longer than `max` bytes (nothing
 * more is read), else 0 or -errno.
 */
int util_read_file(char **out, size_t *len, const char *path, size_t max);

#endif /* UTIL_H */

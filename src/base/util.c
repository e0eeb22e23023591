/* Helpers shared by the orchestrator: number parsing, messages, clock, I/O. */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int util_hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int util_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = suffix ? strlen(suffix) : 0;

	return suffix && n >= m && strcmp(s + n - m, suffix) == 0;
}

int util_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (n > 0 && (size_t)snprintf(file, sizeof(file), "%.*s/%s",
					      (int)n, path, prog) < sizeof(file) &&
		    access(file, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

int util_parse_count(long *out, const char *s, long lo, long hi)
{
	uint64_t v;

	if (util_parse_u64(&v, s) < 0 || v < (uint64_t)lo || v > (uint64_t)hi)
		return -1;
	*out = (long)v;
	return 0;
}

int util_parse_u64_prefix(uint64_t *out, const char **end, const char *s)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	int ndigits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B') &&
		   (p[2] == '0' || p[2] == '1')) {
		base = 2;
		p += 2;
	}
	for (;; p++) {
		int d = util_hex_digit((unsigned char)*p);
		if (*p == '_' && ndigits > 0)
			continue; /* 0xffff_0000: digit grouping */
		if (d < 0 || (unsigned)d >= base)
			break;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return -1;
		v = v * base + (unsigned)d;
		ndigits++;
	}
	if (ndigits == 0)
		return -1;
	*out = v;
	*end = p;
	return 0;
}

int util_parse_u64(uint64_t *out, const char *s)
{
	const char *end;
	uint64_t v;

	if (!s || util_parse_u64_prefix(&v, &end, s) < 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int util_parse_i64(uint64_t *out, int *negative, const char *s)
{
	int neg = 0;
	uint64_t v;

	if (!s)
		return -1;
	if (*s == '-' || *s == '+')
		neg = (*s++ == '-');
	if (util_parse_u64(&v, s) < 0)
		return -1;
	*out = neg ? (uint64_t)0 - v : v;
	*negative = neg;
	return 0;
}

void util_errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	char raw[1024];
	size_t n = 0;
	va_list ap;

	if (!errbuf || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* An error is one line: a control character quoted from the user
	 * (a newline inside --expect) or from a file is shown escaped. */
	for (const char *p = raw; *p && n + 1 < errlen; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch >= 0x20 && ch != 0x7f) {
			errbuf[n++] = (char)ch;
			continue;
		}
		char esc[5];
		int len = ch == '\n' ? snprintf(esc, sizeof(esc), "\\n") :
			  ch == '\t' ? snprintf(esc, sizeof(esc), "\\t") :
			  ch == '\r' ? snprintf(esc, sizeof(esc), "\\r") :
			  snprintf(esc, sizeof(esc), "\\x%02x", ch);
		if (n + (size_t)len + 1 > errlen)
			break;
		memcpy(errbuf + n, esc, (size_t)len);
		n += (size_t)len;
	}
	errbuf[n] = '\0';
}

int64_t util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int util_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_read_file(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!f)
		return -errno;
	for (;;) {
		size_t got;
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (!(nb = realloc(buf, cap + 1))) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			rc = -EFBIG;
			break;
		}
		if (got == 0) {
			rc = ferror(f) ? -EIO : 0;
			break;
		}
	}
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

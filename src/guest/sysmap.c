/* System.map parsing (sysmap.h): "ADDR TYPE NAME" per line, bounded. */
#include "sysmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* One line [s, s + n) without its newline. 0: a symbol in *out (name
 * still in the text: *name_off, *name_len); 1: a line to skip; -1: bad. */
static int parse_line(image_symbol *out, size_t *name_off, size_t *name_len,
		      const char *s, size_t n, const char **problem)
{
	size_t i = 0, digits = 0;
	uint64_t addr = 0;
	char type;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n == 0)
		return 1;
	/* nm prints an undefined symbol without an address: "   U name". */
	while (i < n && s[i] == ' ')
		i++;
	if (i > 0)
		return i + 2 < n && (s[i] == 'U' || s[i] == 'w') && s[i + 1] == ' ' ?
		       1 : (*problem = "expected ADDR TYPE NAME", -1);
	while (i < n && util_hex_digit(s[i]) >= 0) {
		if (++digits > 16) {
			*problem = "address wider than 64 bits";
			return -1;
		}
		addr = addr << 4 | (uint64_t)util_hex_digit(s[i++]);
	}
	if (digits == 0 || i + 3 > n || (s[i] != ' ' && s[i] != '\t') ||
	    (s[i + 2] != ' ' && s[i + 2] != '\t')) {
		*problem = "expected ADDR TYPE NAME";
		return -1;
	}
	type = s[i + 1];
	i += 3;
	*name_off = i;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	*name_len = i - *name_off;
	if (*name_len == 0) {
		*problem = "expected ADDR TYPE NAME";
		return -1;
	}
	if (*name_len > SYSMAP_NAME_MAX) {
		*problem = "symbol name too long";
		return -1;
	}
	if (type == 'U' || type == 'u')
		return 1;
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->is_func = type == 't' || type == 'T';
	out->is_abs = type == 'a' || type == 'A';
	return 0;
}

int sysmap_looks_like(const char *text, size_t len)
{
	image_symbol sym;
	size_t off, nlen;
	const char *problem;
	const char *nl = memchr(text, '\n', len);

	return parse_line(&sym, &off, &nlen, text, nl ? (size_t)(nl - text) : len,
			  &problem) >= 0 && len > 0 && util_hex_digit(text[0]) >= 0;
}

/* Doubles the symbol array (1024 to start). */
static int grow(image_symbol **v, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	image_symbol *nv = realloc(*v, ncap * sizeof(*nv));

	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* A NUL-terminated copy of a text file that holds no NUL of its own. */
static int copy_text(char **out, const char *text, size_t len, char *why,
		     size_t whylen)
{
	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "contains a NUL byte: not a System.map");
		return -1;
	}
	if (!(*out = strndup(text, len))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

int sysmap_parse(image_symbol **syms, size_t *n, char **pool,
		 const char *text, size_t len, char *why, size_t whylen)
{
	image_symbol *v = NULL;
	char *copy = NULL;
	size_t count = 0, cap = 0, pos = 0, line = 0;
	const char *problem = NULL;

	*syms = NULL;
	*n = 0;
	*pool = NULL;
	if (copy_text(&copy, text, len, why, whylen) < 0)
		return -1;
	while (pos < len) {
		char *s = copy + pos, *nl = memchr(s, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - s) : len - pos, off, nlen;
		image_symbol sym;
		int rc;

		line++;
		pos += ll + (nl ? 1 : 0);
		rc = parse_line(&sym, &off, &nlen, s, ll, &problem);
		if (rc < 0)
			goto bad;
		if (rc > 0)
			continue;
		if (count == SYSMAP_MAX_SYMBOLS) {
			problem = "too many symbols";
			goto bad;
		}
		if (count == cap && grow(&v, &cap) < 0)
			goto nomem;
		s[off + nlen] = '\0';   /* a blank, a CR, a newline or the end */
		sym.name = s + off;
		v[count++] = sym;
	}
	if (count == 0) {
		problem = "no symbols";
		goto fail;
	}
	*syms = v;
	*n = count;
	*pool = copy;
	return 0;
bad:
	snprintf(why, whylen, "line %zu: %s (not a System.map)", line, problem);
	goto out;
nomem:
	snprintf(why, whylen, "out of memory");
	goto out;
fail:
	snprintf(why, whylen, "%s: not a System.map", problem);
out:
	free(v);
	free(copy);
	return -1;
}

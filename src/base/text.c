/* UTF-8 decoding and JSON string escaping (src/base/text.h). */
#include "text.h"

#include <string.h>

size_t text_utf8_decode(unsigned *cp, const unsigned char *s, size_t n)
{
	unsigned c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2; min = 0x80; c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; min = 0x800; c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; min = 0x10000; c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static const char hexdig[] = "0123456789abcdef";

/* The escaped form of the code point or byte at s into out (at most 6
 * bytes); returns the bytes of `s` it stands for. */
static size_t escape_one(char *out, size_t *outlen, const unsigned char *s,
			 size_t n, text_invalid how)
{
	unsigned cp;
	size_t len = text_utf8_decode(&cp, s, n);
	const char *named = NULL;

	if (len == 0) {
		cp = how == TEXT_INVALID_LATIN1 ? s[0] : 0xfffd;
		len = 1;
	} else {
		switch (cp) {
		case '"': named = "\\\""; break;
		case '\\': named = "\\\\"; break;
		case '\n': named = "\\n"; break;
		case '\r': named = "\\r"; break;
		case '\t': named = "\\t"; break;
		case '\b': named = "\\b"; break;
		case '\f': named = "\\f"; break;
		default:
			if (cp >= 0x20 && cp != 0x7f && cp != 0x2028 &&
			    cp != 0x2029) {
				memcpy(out, s, len);
				*outlen = len;
				return len;
			}
		}
	}
	if (named) {
		memcpy(out, named, 2);
		*outlen = 2;
		return len;
	}
	out[0] = '\\';
	out[1] = 'u';
	for (int i = 0; i < 4; i++)
		out[2 + i] = hexdig[(cp >> (12 - 4 * i)) & 15];
	*outlen = 6;
	return len;
}

size_t text_json_escape(char *buf, size_t cap, const char *s, size_t len,
			text_invalid how)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t at = 0;

	for (size_t i = 0; i < len;) {
		char esc[8];
		size_t n;
		i += escape_one(esc, &n, u + i, len - i, how);
		for (size_t k = 0; k < n; k++, at++)
			if (at + 1 < cap)
				buf[at] = esc[k];
	}
	if (cap)
		buf[at < cap ? at : cap - 1] = '\0';
	return at;
}

void text_json_put(FILE *f, const char *s, size_t len, text_invalid how)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		char esc[8];
		size_t n;
		i += escape_one(esc, &n, u + i, len - i, how);
		fwrite(esc, 1, n, f);
	}
}

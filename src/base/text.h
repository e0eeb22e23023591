/*
 * Text from a guest, made safe for the formats stubrun writes: the one
 * UTF-8 rule of the tree and the one JSON string escaper (events and
 * reports alike).
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Decodes one UTF-8 sequence at s (n > 0 bytes available). Returns its
 * length and the code point in *cp, or 0 when it is invalid: a stray
 * continuation byte, a truncated sequence, an overlong form (C0 AF for
 * '/', E0 80 80), a surrogate (U+D800..U+DFFF) or beyond U+10FFFF.
 */
size_t text_utf8_decode(unsigned *cp, const unsigned char *s, size_t n);

/* What the JSON escaper makes of a byte that does not start valid UTF-8
 * (each such byte on its own). */
typedef enum text_invalid {
	/* \u00XX, the byte as its Latin-1 code point: console output keeps
	 * every byte visible (the --events file). */
	TEXT_INVALID_LATIN1 = 0,
	/* \ufffd, the replacement character (reports). */
	TEXT_INVALID_REPLACE,
} text_invalid;

/*
 * Escapes `len` bytes of `s` as a JSON string body (RFC 8259; no quotes
 * added): " and \ escaped, \n \r \t \b \f by name, other C0 controls, DEL
 * and U+2028/U+2029 (legal JSON, but they break line-oriented and JS
 * readers) as \uXXXX, valid UTF-8 as it is, invalid bytes by `how`.
 *
 * text_json_escape() works like snprintf: it writes at most cap - 1 bytes
 * and a NUL into `buf` (buf may be NULL when cap is 0) and returns the
 * length of the whole escaped text. text_json_put() writes it to `f`.
 */
size_t text_json_escape(char *buf, size_t cap, const char *s, size_t len,
			text_invalid how);
void text_json_put(FILE *f, const char *s, size_t len, text_invalid how);

#endif /* TEXT_H */

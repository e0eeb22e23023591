/* Tests for src/base/text.c: the one UTF-8 rule and the one JSON escaper. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct esc_case {
	const char *in;
	size_t len;
	const char *out;
} esc_case;

static const esc_case escapes[] = {
	{ "plain", 5, "plain" },
	{ "a\"b\\c", 5, "a\\\"b\\\\c" },
	{ "l1\nl2\r\t", 7, "l1\\nl2\\r\\t" },
	{ "\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f" },
	{ "nul\0x", 5, "nul\\u0000x" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },            /* valid UTF-8 kept */
	{ "bad\xff", 4, "bad\\u00ff" },                  /* invalid byte */
	{ "cut\xe2\x82", 5, "cut\\u00e2\\u0082" },       /* truncated sequence */
	{ "\xc0\xaf", 2, "\\u00c0\\u00af" },             /* overlong */
};

/* The --events policy: invalid bytes as their Latin-1 code points. */
Test(text, json_escape_latin1_table)
{
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		char buf[128];
		size_t need = text_json_escape(buf, sizeof(buf), escapes[i].in,
					       escapes[i].len, TEXT_INVALID_LATIN1);
		cr_expect_str_eq(buf, escapes[i].out, "case %zu", i);
		cr_expect_eq(need, strlen(escapes[i].out), "case %zu", i);
	}
}

Test(text, json_escape_truncates_safely)
{
	char buf[4];
	size_t need = text_json_escape(buf, sizeof(buf), "\"\"\"\"", 4,
				       TEXT_INVALID_LATIN1);

	cr_assert_eq(need, 8);
	cr_assert_eq(strlen(buf), 3);
	cr_assert_eq(text_json_escape(NULL, 0, "ab", 2, TEXT_INVALID_LATIN1), 2);
}

/* The report policy: invalid bytes as U+FFFD, one per byte. */
static const esc_case replaced[] = {
	{ "bad\xff", 4, "bad\\ufffd" },
	{ "cut\xe2\x82", 5, "cut\\ufffd\\ufffd" },
	{ "\xc0\xaf", 2, "\\ufffd\\ufffd" },                 /* overlong '/' */
	{ "\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd" },       /* overlong, 3 bytes */
	{ "\xf0\x80\x80\xaf", 4, "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* overlong, 4 */
	{ "\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd" },       /* surrogate */
	{ "\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* > U+10FFFF */
	{ "\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf" },       /* U+10FFFF kept */
	{ "\xed\x9f\xbf", 3, "\xed\x9f\xbf" },               /* U+D7FF kept */
	{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "\\u2028\\u2029" },
	{ "\b\f\x7f", 3, "\\b\\f\\u007f" },
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
};

Test(text, json_escape_replace_table)
{
	for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++) {
		char buf[128];
		size_t need = text_json_escape(buf, sizeof(buf), replaced[i].in,
					       replaced[i].len,
					       TEXT_INVALID_REPLACE);
		cr_expect_str_eq(buf, replaced[i].out, "case %zu", i);
		cr_expect_eq(need, strlen(replaced[i].out), "case %zu", i);
	}
}

/* The rule no longer differs by caller: what the events file once kept as
 * raw bytes (an overlong or a surrogate) is escaped there too. */
Test(text, latin1_policy_rejects_what_utf8_forbids)
{
	char buf[64];

	text_json_escape(buf, sizeof(buf), "\xe0\x80\xaf", 3, TEXT_INVALID_LATIN1);
	cr_expect_str_eq(buf, "\\u00e0\\u0080\\u00af");
	text_json_escape(buf, sizeof(buf), "\xed\xa0\x80", 3, TEXT_INVALID_LATIN1);
	cr_expect_str_eq(buf, "\\u00ed\\u00a0\\u0080");
	text_json_escape(buf, sizeof(buf), "\xf4\x90\x80\x80", 4, TEXT_INVALID_LATIN1);
	cr_expect_str_eq(buf, "\\u00f4\\u0090\\u0080\\u0080");
}

Test(text, json_put_writes_what_escape_returns)
{
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	char buf[64];

	cr_assert_not_null(f);
	text_json_put(f, "a\"\xff\n\xc3\xa9", 6, TEXT_INVALID_REPLACE);
	fclose(f);
	text_json_escape(buf, sizeof(buf), "a\"\xff\n\xc3\xa9", 6,
			 TEXT_INVALID_REPLACE);
	cr_expect_str_eq(mem, buf);
	cr_expect_str_eq(mem, "a\\\"\\ufffd\\n\xc3\xa9");
	free(mem);
}

struct utf8_case {
	const char *in;
	size_t n, len;
	unsigned cp;
};

Test(text, utf8_decode_cases)
{
	static const struct utf8_case cases[] = {
		{ "A", 1, 1, 'A' },
		{ "\xc2\x80", 2, 2, 0x80 },
		{ "\xdf\xbf", 2, 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 3, 0x800 },
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\x80", 1, 0, 0 },                 /* stray continuation */
		{ "\xc1\xbf", 2, 0, 0 },             /* overlong 2 */
		{ "\xe0\x9f\xbf", 3, 0, 0 },         /* overlong 3 */
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },     /* overlong 4 */
		{ "\xed\xa0\x80", 3, 0, 0 },         /* U+D800 */
		{ "\xed\xbf\xbf", 3, 0, 0 },         /* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },     /* U+110000 */
		{ "\xf8\x88\x80\x80\x80", 5, 0, 0 }, /* 5-byte form */
		{ "\xe2\x82", 2, 0, 0 },             /* truncated */
		{ "\xe2\x28\xa1", 3, 0, 0 },         /* bad continuation */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned cp = 0;
		size_t len = text_utf8_decode(&cp, (const unsigned char *)cases[i].in,
					      cases[i].n);
		cr_expect_eq(len, cases[i].len, "case %zu", i);
		if (len)
			cr_expect_eq(cp, cases[i].cp, "case %zu", i);
	}
}

Test(text, utf8_decoder_rejects_malformed_sequences)
{
	static const char *const bad[] = {
		"\x80", "\xc0\x80", "\xe0\x80\x80", "\xf4\x90\x80\x80",
		"\xed\xbf\xbf", "\xc3", "\xe2\x82", "\xf8\x88\x80\x80\x80",
	};
	unsigned cp;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(text_utf8_decode(&cp, (const unsigned char *)bad[i],
					      strlen(bad[i])), 0, "case %zu", i);
	cr_assert_eq(text_utf8_decode(&cp, (const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	cr_assert_eq(cp, 0x10ffffu);
}

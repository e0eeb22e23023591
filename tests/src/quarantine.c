/* Tests of src/suite/quarantine.c: the line format, one case per
 * malformed line (naming FILE:LINE), and matching. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quarantine.h"

static quarantine *parse_ok(const char *text)
{
	quarantine *q = NULL;
	char err[256] = "";

	cr_assert_eq(quarantine_parse(&q, text, strlen(text), "q.txt", err,
				      sizeof(err)), 0, "%s", err);
	return q;
}

Test(quarantine, globs_reasons_comments_and_blank_lines)
{
	quarantine *q = parse_ok("# flaky on CI\n\n"
				 "net/*   bug #12: the link races  \r\n"
				 "  \t# indented comment\n"
				 "boot\tslow firmware\n"
				 "last-line-without-newline reason");

	cr_assert_eq(q->n, 3);
	cr_assert_str_eq(q->entries[0].glob, "net/*");
	cr_assert_str_eq(q->entries[0].reason, "bug #12: the link races");
	cr_assert_eq(q->entries[0].line, 3);
	cr_assert_str_eq(q->entries[1].glob, "boot");
	cr_assert_str_eq(q->entries[1].reason, "slow firmware");
	cr_assert_eq(q->entries[2].line, 6);
	quarantine_free(q);
}

Test(quarantine, matching_takes_the_first_entry_of_any_name)
{
	quarantine *q = parse_ok("net/*  networking\n*  everything\n");
	const char *guest[] = { "net/tcp/connect", "net/tcp" };
	const char *none[] = { "other" };
	quarantine *empty = parse_ok("# nothing\n");

	cr_assert_str_eq(quarantine_match(q, guest, 2), "networking");
	cr_assert_str_eq(quarantine_match(q, none, 1), "everything");
	cr_assert_null(quarantine_match(empty, none, 1));
	cr_assert_null(quarantine_match(NULL, none, 1));
	quarantine_free(q);
	quarantine_free(empty);
}

static const struct {
	const char *text, *want;
} bad[] = {
	{ "lonely-glob\n", "q.txt:1: expected GLOB and a reason" },
	{ "ok reason\nglob   \n", "q.txt:2: expected GLOB and a reason" },
	{ "a[bc reason\n", "q.txt:1: unterminated '['" },
	{ "a\\ reason\n", "q.txt:1: the glob ends in a backslash" },
	{ "x reason\nx again\n", "q.txt:2: the same glob as line 1" },
	{ "x rea\x01son\n", "q.txt:1: a control character" },
	{ "x bad \xff utf8\n", "q.txt:1: not valid UTF-8" },
};

Test(quarantine, malformed_lines_name_file_and_line)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		quarantine *q = (quarantine *)1;
		char err[256] = "";
		int rc = quarantine_parse(&q, bad[i].text, strlen(bad[i].text),
					  "q.txt", err, sizeof(err));
		cr_expect_eq(rc, QUARANTINE_ESYNTAX, "case %zu accepted", i);
		cr_expect_null(q, "case %zu", i);
		cr_expect(strstr(err, bad[i].want), "case %zu: '%s'", i, err);
	}
}

Test(quarantine, long_lines_nul_bytes_and_missing_files)
{
	char *line = malloc(QUARANTINE_MAX_LINE + 10);
	quarantine *q = NULL;
	char err[256] = "", path[] = "/tmp/stubrun-q-XXXXXX";
	int fd;

	memset(line, 'a', QUARANTINE_MAX_LINE + 5);
	memcpy(line, "g ", 2);
	line[QUARANTINE_MAX_LINE + 5] = '\0';
	cr_assert_eq(quarantine_parse(&q, line, strlen(line), "q.txt", err,
				      sizeof(err)), QUARANTINE_ESYNTAX);
	cr_assert(strstr(err, "q.txt:1: line too long"), "%s", err);
	free(line);
	cr_assert_eq(quarantine_read_file(&q, "/no/such/q.txt", err, sizeof(err)),
		     QUARANTINE_ENOENT);
	cr_assert(strstr(err, "/no/such/q.txt: "), "%s", err);
	cr_assert_geq(fd = mkstemp(path), 0);
	cr_assert_eq(write(fd, "a b\n\0c d\n", 9), 9);
	close(fd);
	cr_assert_eq(quarantine_read_file(&q, path, err, sizeof(err)),
		     QUARANTINE_ESYNTAX);
	cr_assert(strstr(err, "NUL byte"), "%s", err);
	unlink(path);
}

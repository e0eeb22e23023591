/*
 * `stubrun test`: suite files (INI, read with libinih) describing
 * `stubrun run` command lines, and the entry point called by main.c.
 * The format is documented in docs/SUITES.md.
 */
#ifndef SUITE_H
#define SUITE_H

#include <stddef.h>

/*
 * `stubrun test [OPTIONS] SUITE...` (argv[0] is "test"). Prints progress to
 * stderr, TAP to stdout when asked, and returns the process exit status:
 * 0 all passed, 1 any failed or timed out, 125 suite error, 130 / 143
 * interrupted by SIGINT / SIGTERM (129 for SIGHUP).
 */
int suite_main(int argc, char **argv);

/*
 * `stubrun report merge [--format F] OUT IN...` (argv[0] is "report"):
 * 0 written, SUITE_EXIT_BADREPORT an input is malformed or two overlap,
 * SUITE_EXIT_ERROR usage or I/O. One line on stderr naming the file.
 */
int suite_report_main(int argc, char **argv);

/* Exit statuses of `stubrun test` (and `stubrun report merge`). */
enum {
	SUITE_EXIT_PASS = 0,
	SUITE_EXIT_FAIL = 1,
	SUITE_EXIT_QUARANTINE = 3,  /* the --quarantine file is malformed */
	SUITE_EXIT_BADREPORT = 4,   /* a report read as input is malformed
				     * (--durations, `report merge`) */
	SUITE_EXIT_ERROR = 125,
};

/* --retry-failed and the retry-failed key: more is a loop, not a retry. */
#define SUITE_MAX_RETRIES 100

/* Errors of the parser. The message is "SUITE:LINE: problem". */
enum {
	SUITE_ENOENT = -1,   /* the suite file cannot be read */
	SUITE_ESYNTAX = -2,  /* malformed line, unknown key, bad value, ... */
	SUITE_ENOMEM = -3,
};

/* One test: one `stubrun run` command line. All strings owned by the suite. */
typedef struct suite_test {
	char *name;            /* "NAME", or "NAME/basename" from an image glob */
	int line;              /* line of its [test "NAME"] header */
	char *image;           /* the image path, made absolute when possible;
				* NULL when a boot key (kernel, cdrom...) boots */
	char **opts;           /* run options, e.g. "--arch", "x86_64"; in order */
	size_t nopts;
	char **args;           /* guest arguments (after "--") */
	size_t nargs;
	int expect_exit;       /* expected status of run (default 0) */
	char *expect_output;   /* the console must contain it, or NULL */
	double timeout_s;      /* the test's `timeout` key, or 0 when unset */
	char **guest_tests;    /* `guest-tests` key: known in-image test names */
	size_t nguest_tests;
	int retry_failed;      /* `retry-failed` key, or -1 when unset */
	char *quarantine;      /* `quarantine` key: the reason, or NULL */
} suite_test;

typedef struct suite {
	char *path;            /* as given */
	char *dir;             /* directory of the file: the children's cwd */
	suite_test *tests;     /* in file order, globs expanded in sorted order */
	size_t ntests;
} suite;

/*
 * Parses the suite file at `path`. On failure *out is NULL and errbuf holds
 * "PATH:LINE: problem" (or "PATH: problem"). Free with suite_free().
 */
int suite_parse_file(suite **out, const char *path, char *errbuf,
		     size_t errlen);

/*
 * The same for suite text in memory; `path` names it in messages and its
 * directory is the base of relative image paths.
 */
int suite_parse_string(suite **out, const char *text, const char *path,
		       char *errbuf, size_t errlen);

void suite_free(suite *s);

/*
 * Splits `text` like a POSIX shell would split words (no expansions):
 * blanks separate, '...' is literal, "..." honours \" \\ \$ \` and a
 * backslash outside quotes escapes the next character. On success *out is
 * a NULL-terminated array (free each string and the array) of *count words.
 * -1 with a message for an unterminated quote or a trailing backslash.
 */
int suite_split_args(char ***out, size_t *count, const char *text,
		     char *errbuf, size_t errlen);

#endif /* SUITE_H */

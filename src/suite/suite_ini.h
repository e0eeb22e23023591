/*
 * Private to the suite parser (suite_ini.c, suite_keys.c, suite_parse.c):
 * the sections
 * and keys read so far, and the parser state with its first error.
 */
#ifndef SUITE_INI_H
#define SUITE_INI_H

#include <stddef.h>

#include "runopt.h"

typedef enum key_kind {
	KEY_RUN,         /* an option of `stubrun run` (runopt.h's table) */
	KEY_IMAGE,
	KEY_ARGS,
	KEY_EXPECT_EXIT,
	KEY_EXPECT_OUTPUT,
	KEY_GUEST_TESTS,
	KEY_RETRY_FAILED,
	KEY_QUARANTINE,
} key_kind;

typedef struct key_def {
	const char *name;        /* static: keys compare by this pointer */
	key_kind kind;
	const runopt_def *opt;   /* KEY_RUN: the option */
} key_def;

typedef struct kv {
	key_def def;
	char *value;
	int line;
} kv;

typedef struct section {
	int is_defaults;
	char *name;
	int line;
	kv *kvs;
	size_t nkvs, cap;
} section;

typedef struct parser {
	const char *path;
	const char *text;
	size_t len, pos;
	int line;               /* number of the line last handed to libinih */
	section *secs;
	size_t nsecs, cap;
	int err;                /* first error: code, line and message */
	int err_line;
	char *errbuf;
	size_t errlen;
	int check_files;        /* a literal image must be a regular file */
} parser;

void suite_fail_at(parser *p, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* libinih's line reader (ini_parse_stream): counts lines, parses section
 * headers into p->secs and refuses what libinih would misread. */
char *suite_ini_reader(char *str, int num, void *stream);

/* libinih's handler (suite_keys.c): takes one key of the current section,
 * checking its name and value; 0 (p->err set) stops the parse. */
int suite_key_handler(void *user, const char *sec, const char *name,
		      const char *value);
/* Repeatable keys add to the defaults and may appear more than once. */
int suite_key_repeats(const key_def *d);

/* Parses suite text of `len` bytes (suite_parse.c). `check_files`: each
 * literal image path must name a regular file (a suite read from disk;
 * checked before anything runs). */
int suite_parse_text(suite **out, const char *text, size_t len,
		     const char *path, int check_files, char *errbuf,
		     size_t errlen);

#endif /* SUITE_INI_H */

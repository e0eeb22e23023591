/* libFuzzer harness for the suite file parser (src/suite/suite_parse.c):
 * any text as a suite file in a scratch directory that holds one image, so
 * that literal paths and globs have something to find. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Under build/fuzz/ (the harnesses run from the top of the tree): a
 * crashing input leaves the directory there, not in /tmp. */
static char dir[] = "build/fuzz/scratch-suite-XXXXXX";
static char path[64], img[64];

static void remove_dir(void)
{
	unlink(img);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f;

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(img, sizeof(img), "%s/a.elf", dir);
	snprintf(path, sizeof(path), "%s/s.ini", dir);
	if (!(f = fopen(img, "w")))
		abort();
	fclose(f);
	atexit(remove_dir);
	return 0;
}

static int boots(const suite_test *t)
{
	static const char *const keys[] = { "--kernel", "--cdrom", "--drive",
					    "--uefi", "--bios" };

	for (size_t i = 0; i < t->nopts; i++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(t->opts[i], keys[k]))
				return 1;
	return 0;
}

static void check(const suite *s)
{
	for (size_t i = 0; i < s->ntests; i++) {
		const suite_test *t = &s->tests[i];
		if (!t->name || t->timeout_s < 0 || (!t->image && !boots(t)))
			abort(); /* no image only with something else to boot */
		if (t->retry_failed < -1 || t->retry_failed > SUITE_MAX_RETRIES ||
		    (t->quarantine && !*t->quarantine))
			abort(); /* the keys' values were checked when read */
		for (size_t k = 0; k < t->nargs; k++)
			if (!t->args[k])
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char err[512];
	suite *s = NULL;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (suite_parse_string(&s, text, path, err, sizeof(err)) == 0)
		check(s);
	else if (s || !memchr(err, '\0', sizeof(err)) || !strchr(err, ':'))
		abort(); /* errors are "PATH[:LINE]: problem", *out NULL */
	suite_free(s);
	free(text);
	return 0;
}

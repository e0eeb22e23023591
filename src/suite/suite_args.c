/*
 * Shell-like word splitting for the suite keys `args` and `guest-tests`
 * (POSIX quoting rules, no expansions).
 */
#include "suite.h"
#include "strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strv_append() with the suite's error code. */
static int strv_push(char ***v, size_t *n, const char *s)
{
	return strv_append(v, n, s) < 0 ? SUITE_ENOMEM : 0;
}

static int word_add(char ***out, size_t *count, char *word, size_t *wlen,
		    int *in_word)
{
	int rc = 0;

	if (*in_word) {
		word[*wlen] = '\0';
		rc = strv_push(out, count, word);
	}
	*wlen = 0;
	*in_word = 0;
	return rc;
}

/* One character inside quotes at text[i]: the closing quote ends them; in
 * "..." a backslash escapes " \\ $ `. Returns the index of the last
 * character consumed. */
static size_t quoted(char *word, size_t *wlen, char *quote, const char *text,
		     size_t i, size_t len)
{
	char c = text[i];

	if (c == *quote)
		*quote = 0;
	else if (*quote == '"' && c == '\\' && i + 1 < len &&
		 strchr("\"\\$`", text[i + 1]))
		word[(*wlen)++] = text[++i];
	else
		word[(*wlen)++] = c;
	return i;
}

int suite_split_args(char ***out, size_t *count, const char *text,
		     char *errbuf, size_t errlen)
{
	size_t len = strlen(text), wlen = 0;
	char *word = malloc(len + 1);  /* a word is never longer than the text */
	char quote = 0;
	int in_word = 0, rc = 0;

	*out = NULL;
	*count = 0;
	if (!word)
		return SUITE_ENOMEM;
	for (size_t i = 0; i < len && rc == 0; i++) {
		char c = text[i];
		if (quote) {
			i = quoted(word, &wlen, &quote, text, i, len);
		} else if (c == ' ' || c == '\t') {
			rc = word_add(out, count, word, &wlen, &in_word);
		} else if (c == '\'' || c == '"') {
			quote = c;
			in_word = 1;
		} else if (c == '\\') {
			if (i + 1 >= len) {
				snprintf(errbuf, errlen, "trailing backslash");
				rc = -1;
				break;
			}
			word[wlen++] = text[++i];
			in_word = 1;
		} else {
			word[wlen++] = c;
			in_word = 1;
		}
	}
	if (rc == 0 && quote) {
		snprintf(errbuf, errlen, "unterminated %c quote", quote);
		rc = -1;
	}
	if (rc == 0)
		rc = word_add(out, count, word, &wlen, &in_word);
	if (rc == 0 && !*out) {
		*out = calloc(1, sizeof(**out));  /* no words: just the NULL */
		if (!*out)
			rc = SUITE_ENOMEM;
	}
	free(word);
	if (rc != 0) {
		for (size_t i = 0; i < *count; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*count = 0;
	}
	return rc;
}

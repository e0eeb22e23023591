/* A semihosting benchmark: LINES lines of 99 dots and a newline, one
 * SYS_WRITEC call per character, then exit 0. LINES is the last argument
 * when that is a number (picolibc's argv from SYS_GET_CMDLINE starts with
 * a placeholder and the image's path), 100 otherwise: the bench's 10,000
 * calls. Each
 * call is one trap to the host, so this measures the cost of servicing
 * one semihosting request; the tests ask for fewer lines. */
#include <semihost.h>
#include <stdio.h>
#include <stdlib.h>

#define LINES 100
#define LINE_LEN 100

int main(int argc, char **argv)
{
	long lines = LINES;

	if (argc >= 2) {
		char *end;
		long n = strtol(argv[argc - 1], &end, 10);
		if (end != argv[argc - 1] && !*end && n >= 0)
			lines = n;
	}

	for (int line = 0; line < lines; line++)
		for (int col = 0; col < LINE_LEN; col++)
			sys_semihost_putc(col == LINE_LEN - 1 ? '\n' : '.', stdout);
	return 0;
}

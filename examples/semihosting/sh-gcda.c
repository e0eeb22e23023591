/*
 * A guest that writes a .gcda file the way libgcov's own file output does:
 * at exit, from __gcov_exit (which GCC's --coverage destructor calls),
 * fopen() of an absolute path through semihosting. Debian's arm-none-eabi
 * libgcov has no __gcov_exit (it is built without a C library), so this
 * guest brings its own, as a guest with a full libgcov would have it.
 * Under stubrun --coverage DIR the path lands under DIR; any other
 * absolute path stays refused. Guest arguments: the .gcda path, then a
 * forbidden path; the status says what happened (0: both behaved).
 */
#include <stdio.h>
#include <stdlib.h>

static const char *gcda_path, *forbidden_path;

void __gcov_exit(void);
void __gcov_exit(void)
{
	static const char data[] = "gcda-bytes";
	FILE *f;

	if (!(f = fopen(gcda_path, "wb")) ||
	    fwrite(data, 1, sizeof(data) - 1, f) != sizeof(data) - 1 ||
	    fclose(f) != 0) {
		printf("cannot write %s\n", gcda_path);
		_Exit(3);
	}
	if ((f = fopen(forbidden_path, "wb"))) {
		fclose(f);
		printf("wrote %s\n", forbidden_path);
		_Exit(4);
	}
	printf("wrote %s, %s refused\n", gcda_path, forbidden_path);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	gcda_path = argv[2];
	forbidden_path = argv[3];
	return 0;
}

/* Semihosting "hello": printf through picolibc's semihosting stdio, and the
 * command line (argv) that crt0-semihost fetches with SYS_GET_CMDLINE. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from semihosting on %s\n", SH_ARCH);
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return 0;
}

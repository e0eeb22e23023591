/* newlib + librdimon (Arm's semihosting libgloss): printf, then exit 3 via
 * SYS_EXIT, to compare with the picolibc guests. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("hello from newlib rdimon on arm\n");
	fflush(stdout);
	exit(3);
}

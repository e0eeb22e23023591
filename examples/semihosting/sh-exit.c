/* Semihosting exit with a fixed status (-DEXIT_STATUS=N): main returns it
 * and crt0 passes it to exit(), which ends the run with SYS_EXIT
 * (SYS_EXIT_EXTENDED on 32-bit Arm, which alone can carry a status). */
#include <stdio.h>

int main(void)
{
	printf("exiting with %d\n", EXIT_STATUS);
	return EXIT_STATUS;
}

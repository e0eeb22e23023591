/*
 * Semihosting calls that hold the guest on the host, for the fair
 * timeout (the time stubrun services a call is not the guest's):
 * "system" runs the arguments after it as one host command through
 * SYS_SYSTEM (stubrun needs --semihosting-allow-system) "calls=N" times
 * (default 1), then exits 0; "spin" (before "system") makes its calls
 * for ever, and does nothing else (SYS_CLOCK without a command).
 */
#include <semihost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char cmd_buf[256];
	const char *cmd = NULL;
	int calls = 1, spin = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "system") == 0) {
			for (int j = i + 1; j < argc; j++) {
				strncat(cmd_buf, argv[j], sizeof(cmd_buf) -
					strlen(cmd_buf) - 2);
				strcat(cmd_buf, " ");
			}
			cmd = cmd_buf;
			break;
		} else if (strncmp(argv[i], "calls=", 6) == 0)
			calls = atoi(argv[i] + 6);
		else if (strcmp(argv[i], "spin") == 0)
			spin = 1;
	}
	while (spin && !cmd)
		(void)sys_semihost_clock();
	for (int i = 0; cmd && (spin || i < calls); i++)
		if (sys_semihost_system(cmd) != 0) {
			printf("sh-slow: '%s' failed\n", cmd);
			return 1;
		}
	printf("sh-slow: %d calls done\n", cmd ? calls : 0);
	return 0;
}

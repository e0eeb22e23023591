/* A semihosting benchmark: exactly 10,000 SYS_WRITEC calls (100 lines of
 * 99 dots and a newline), then exit 0. Each call is one trap to the host,
 * so this measures the cost of servicing one semihosting request. */
#include <semihost.h>
#include <stdio.h>

#define LINES 100
#define LINE_LEN 100

int main(void)
{
	for (int line = 0; line < LINES; line++)
		for (int col = 0; col < LINE_LEN; col++)
			sys_semihost_putc(col == LINE_LEN - 1 ? '\n' : '.', stdout);
	return 0;
}

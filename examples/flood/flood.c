/* The "flood" variant: floods the serial console with FLOOD_LINES lines of
 * 64 bytes (1 MiB), then says how many it wrote and exits with status 0.
 * stubrun must keep up, lose nothing and still get the verdict
 * (tests/integration/faults_qemu.c counts the lines and bytes). */
#include <stubrun/guest.h>
#include "platform.h"

/* Why 16384: 1 MiB, far over any pipe or socket buffer, yet only a second
 * or two of polled UART output under TCG. flood10m.c asks for 10 MiB. */
#ifndef FLOOD_LINES
#define FLOOD_LINES 16384
#endif

/* 62 characters; the console turns "\n" into "\r\n": 64 bytes a line. */
static const char line[] =
	"flood line xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";

int main(void)
{
	unsigned i;

	for (i = 0; i < FLOOD_LINES; i++)
		console_puts(line);
	console_puts("flood done ");
	console_put_dec(i);
	console_puts("\n");
	stubrun_exit(0);
}

/* The "flood-forever" variant: floods the serial console and never stops,
 * so that only stubrun's --timeout can end the run (tests/integration/
 * faults_qemu.c: the deadline must hold while the console floods). */
#include "platform.h"

/* 62 characters; the console turns "\n" into "\r\n": 64 bytes a line. */
static const char line[] =
	"flood line xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";

int main(void)
{
	for (;;)
		console_puts(line);
}

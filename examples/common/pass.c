/* The "pass" variant: greets on the console and exits with status 0. */
#include <stubrun/guest.h>
#include "platform.h"

int main(void)
{
	console_puts("hello from ");
	console_puts(plat_arch);
	console_puts("\n");
	stubrun_exit(0);
}

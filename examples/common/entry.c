/* The C entry of every example guest: clear .bss, set up the machine, run main. */
#include <stubrun/guest.h>
#include "platform.h"

/* From each link.ld. */
extern char __bss_start[], __bss_end[];

void guest_entry(void)
{
	/* QEMU's loader zero-fills .bss, but a reset or a loader that does not
	 * would leave stale state; a volatile pointer keeps the loop from being
	 * turned into a memset call. */
	for (volatile char *p = __bss_start; p < __bss_end; p++)
		*p = 0;
	plat_init();
	stubrun_exit(main());
}

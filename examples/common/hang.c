/* The "hang" variant: spins forever in spin_forever() (spin.c). */
#include "platform.h"

int main(void)
{
	console_puts("hang variant on ");
	console_puts(plat_arch);
	console_puts(": spinning\n");
	spin_forever();
}

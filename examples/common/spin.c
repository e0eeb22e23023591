/* spin_forever(): the named busy loop of the hang variant and the "hangs"
 * test, so a post-mortem of a hung guest shows a recognisable PC. */
#include "platform.h"

volatile unsigned long spin_count;

void spin_forever(void)
{
	for (;;)
		spin_count = spin_count + 1;
}

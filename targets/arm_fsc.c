/* The fault status codes of Arm's long-descriptor format, which AArch64's
 * ESR_ELx (DFSC/IFSC, ISS[5:0]) and AArch32's DFSR/IFSR under LPAE (their
 * STATUS field) share (Arm ARM D17.2.40, G8.2.51): named once for
 * targets/aarch64.c and targets/arm_faults.c. */
#include "arm.h"

#include <stdio.h>

void target_arm_fsc(char *buf, size_t len, unsigned fsc)
{
	static const char *const levelled[] = { "address size fault",
						"translation fault",
						"access flag fault",
						"permission fault" };

	if (fsc < 0x10)
		snprintf(buf, len, "%s, level %u", levelled[fsc >> 2], fsc & 3);
	else if (fsc == 0x10)
		snprintf(buf, len, "synchronous external abort");
	else if (fsc == 0x21)
		snprintf(buf, len, "alignment fault");
	else
		snprintf(buf, len, "fault status 0x%02x", fsc);
}

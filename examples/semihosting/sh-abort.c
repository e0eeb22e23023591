/* A data abort in an A-profile program built with the toolchain's stock
 * specs: an exclusive load from an address that is not word-aligned, which
 * the architecture faults whatever SCTLR.A says. stubrun must name the
 * alignment fault and its address from DFSR and DFAR, where the hardware
 * took it. Arm A-profile only (ldrex). */
#include <stdint.h>
#include <stdio.h>

static uint32_t words[2];

static uint32_t __attribute__((noinline)) load_exclusive(const void *p)
{
	uint32_t v;

	__asm__ volatile("ldrex %0, [%1]" : "=r"(v) : "r"(p) : "memory");
	return v;
}

int main(void)
{
	printf("sh-abort: an exclusive load from an unaligned address\n");
	printf("sh-abort: still running, read %u\n",
	       (unsigned)load_exclusive((const char *)words + 1));
	return 0;
}

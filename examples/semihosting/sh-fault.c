/* An undefined instruction in a picolibc program built with nothing but
 * the toolchain's stock crt0 and picolibc.ld: whatever crt0 does with the
 * exception (M-profile's vector table, RISC-V's _trap, or, on AArch64,
 * no vector table at all, VBAR left at 0), stubrun must name the fault
 * where the hardware took it, not wait for --timeout. */
#include <stdio.h>

static void __attribute__((noinline)) undefined_instruction(void)
{
#if defined(__riscv)
	__asm__ volatile("unimp");
#else
	__asm__ volatile("udf #0");
#endif
}

int main(void)
{
	printf("sh-fault: executing an undefined instruction\n");
	undefined_instruction();
	printf("sh-fault: still running\n");
	return 0;
}

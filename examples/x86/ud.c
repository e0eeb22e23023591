/*
 * x86 "ud" guest: loads an IDT whose fault gates all lead to a handler
 * that spins (as a kernel's early handler often does), then executes ud2
 * three calls deep. Nothing reports the fault but the hardware taking it:
 * stubrun's fault catch stops at the #UD gate and names it.
 */
#include <stdint.h>
#include <stubrun/guest.h>
#include "platform.h"

#ifdef __x86_64__
typedef struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} gate;
#else
typedef struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} gate;
#endif

static gate idt[32];

/* The handler: no symbol is needed to catch what enters it. */
__attribute__((naked, noreturn)) static void trap_spin(void)
{
	__asm__ volatile("1: jmp 1b");
}

static void load_idt(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	uintptr_t h = (uintptr_t)trap_spin;
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (unsigned i = 0; i < sizeof(idt) / sizeof(idt[0]); i++) {
		idt[i].off_lo = (uint16_t)h;
		idt[i].sel = cs;
		idt[i].type = 0x8e; /* present, ring 0, interrupt gate */
#ifdef __x86_64__
		idt[i].off_mid = (uint16_t)(h >> 16);
		idt[i].off_hi = (uint32_t)(h >> 32);
#else
		idt[i].off_hi = (uint16_t)(h >> 16);
#endif
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

__attribute__((noinline)) void undefined_here(int depth);
__attribute__((noinline)) void undefined_here(int depth)
{
	if (depth > 0) {
		undefined_here(depth - 1);
		return;
	}
	__asm__ volatile("ud2");
}

int main(void)
{
	console_puts("ud variant on ");
	console_puts(plat_arch);
	console_puts(": ud2 with an IDT\n");
	load_idt();
	undefined_here(2);
	stubrun_panic("ud variant: the fault did not happen");
}

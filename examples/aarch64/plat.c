/*
 * aarch64 -M virt platform: PL011 console at 0x09000000 (QEMU needs no
 * baud setup), and the crash: a load from 1 << 48, beyond the cortex-a57's
 * 44-bit physical address range, which with the MMU off is an address size
 * fault (synchronous data abort, ESR_EL1.EC 0x25). The vector (start.S)
 * calls aarch64_trap, which prints ESR/ELR/FAR and calls stubrun_panic.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define PL011_BASE 0x09000000UL
#define PL011_DR 0x00
#define PL011_FR 0x18
#define FR_TXFF 0x20 /* transmit FIFO full */

const char plat_arch[] = "aarch64";

void aarch64_trap(unsigned long index);

static volatile uint32_t *pl011(unsigned off)
{
	return (volatile uint32_t *)(PL011_BASE + off);
}

void plat_init(void)
{
}

void plat_putc(char c)
{
	for (int i = 0; i < 100000 && (*pl011(PL011_FR) & FR_TXFF); i++)
		;
	*pl011(PL011_DR) = (uint8_t)c;
}

void plat_crash(void)
{
	volatile uint32_t *beyond_pa = (volatile uint32_t *)(1UL << 48);

	/* The call also makes this a non-leaf function, whose frame record
	 * holds its return address for a backtrace from the trap. */
	console_puts("loading from 1 << 48\n");
	(void)*beyond_pa;
}

#define READ_SYSREG(name) ({ unsigned long v_; \
	__asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })

void aarch64_trap(unsigned long index)
{
	console_puts("trap: vector ");
	console_put_dec((unsigned)index);
	console_puts(" esr ");
	console_put_hex(READ_SYSREG(esr_el1));
	console_puts(" elr ");
	console_put_hex(READ_SYSREG(elr_el1));
	console_puts(" far ");
	console_put_hex(READ_SYSREG(far_el1));
	console_puts("\n");
	stubrun_panic("aarch64: unexpected exception");
}

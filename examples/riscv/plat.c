/*
 * RISC-V -M virt platform (RV64 and RV32): ns16550a console at 0x10000000,
 * and the crash: a load from address 0, which no device on virt decodes
 * (the debug region there is unimplemented), so it is a load access fault
 * (mcause 5). The trap vector (start.S) calls riscv_trap, which prints
 * mcause/mepc/mtval and calls stubrun_panic.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define UART_BASE 0x10000000UL
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */

#if __riscv_xlen == 64
const char plat_arch[] = "riscv64";
#else
const char plat_arch[] = "riscv32";
#endif

void riscv_trap(void);

static volatile uint8_t *uart(unsigned off)
{
	return (volatile uint8_t *)(UART_BASE + off);
}

void plat_init(void)
{
}

void plat_putc(char c)
{
	for (int i = 0; i < 100000 && !(*uart(UART_LSR) & LSR_THRE); i++)
		;
	*uart(UART_THR) = (uint8_t)c;
}

void plat_crash(void)
{
	volatile uint32_t *nothing = (volatile uint32_t *)0;

	/* The call also makes this a non-leaf function, which saves ra for a
	 * backtrace from the trap. */
	console_puts("loading from address 0\n");
	(void)*nothing;
}

#define READ_CSR(name) ({ unsigned long v_; \
	__asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })

void riscv_trap(void)
{
	console_puts("trap: mcause ");
	console_put_hex(READ_CSR(mcause));
	console_puts(" mepc ");
	console_put_hex(READ_CSR(mepc));
	console_puts(" mtval ");
	console_put_hex(READ_CSR(mtval));
	console_puts("\n");
#if __riscv_xlen == 64
	stubrun_panic("riscv64: unexpected trap");
#else
	stubrun_panic("riscv32: unexpected trap");
#endif
}

/*
 * Cortex-M3 -M mps2-an385 platform: CMSDK APB UART0 at 0x40004000 (TX must
 * be enabled in CTRL), and the crash: a load from 0xe0100000, an address
 * neither the private peripheral bus nor the board maps, which is a precise
 * BusFault escalated to HardFault (BusFault is not enabled in SHCSR). The
 * vector (start.S) calls arm_fault, which prints the fault status and calls
 * stubrun_panic.
 */
#include <stubrun/guest.h>
#include "platform.h"

#define UART0_BASE 0x40004000UL
#define UART_DATA 0x00
#define UART_STATE 0x04
#define UART_CTRL 0x08
#define UART_BAUDDIV 0x10
#define STATE_TXFULL 0x1
#define CTRL_TXEN 0x1
/* QEMU rejects a divider below 16; the value is otherwise irrelevant. */
#define BAUDDIV 16

#define SCB_CFSR 0xe000ed28UL
#define SCB_HFSR 0xe000ed2cUL
#define SCB_BFAR 0xe000ed38UL

const char plat_arch[] = "arm";

void arm_fault(unsigned exception, const uint32_t *frame);

static volatile uint32_t *reg(uintptr_t addr)
{
	return (volatile uint32_t *)addr;
}

void plat_init(void)
{
	*reg(UART0_BASE + UART_BAUDDIV) = BAUDDIV;
	*reg(UART0_BASE + UART_CTRL) = CTRL_TXEN;
}

void plat_putc(char c)
{
	for (int i = 0; i < 100000 && (*reg(UART0_BASE + UART_STATE) & STATE_TXFULL); i++)
		;
	*reg(UART0_BASE + UART_DATA) = (uint8_t)c;
}

void plat_crash(void)
{
	/* The call also makes this a non-leaf function, which saves lr for a
	 * backtrace from the fault. */
	console_puts("loading from 0xe0100000\n");
	(void)*reg(0xe0100000UL);
}

void arm_fault(unsigned exception, const uint32_t *frame)
{
	console_puts("fault: exception ");
	console_put_dec(exception);
	console_puts(" pc ");
	console_put_hex(frame[6]);
	console_puts(" cfsr ");
	console_put_hex(*reg(SCB_CFSR));
	console_puts(" hfsr ");
	console_put_hex(*reg(SCB_HFSR));
	console_puts(" bfar ");
	console_put_hex(*reg(SCB_BFAR));
	console_puts("\n");
	stubrun_panic("arm: fault exception");
}

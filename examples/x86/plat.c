/*
 * PC platform for the i386 and x86_64 guests: COM1 (16550 at port 0x3f8)
 * console, and the crash: an IDT with limit 0, then ud2. The #UD cannot be
 * delivered (vector 6 is outside the IDT), nor can the #GP that raises,
 * nor the #DF: a triple fault, which resets the machine; with -no-reboot
 * QEMU then exits with status 0 (no isa-debug-exit write happened, so a
 * bare run tells it apart from a pass, which exits 1).
 */
#include "platform.h"

#define COM1 0x3f8
#define LSR_THRE 0x20 /* line status: transmit holding register empty */

#ifdef __x86_64__
const char plat_arch[] = "x86_64";
#else
const char plat_arch[] = "i386";
#endif

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(port));
	return v;
}

void plat_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
}

void plat_putc(char c)
{
	/* Bounded wait: QEMU's UART is always ready, real ones soon are. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & LSR_THRE); i++)
		;
	outb(COM1, (uint8_t)c);
}

void plat_crash(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uintptr_t base;
	} empty_idt = { 0, 0 };

	console_puts("ud2 with an empty IDT\n");
	__asm__ volatile("lidt %0" : : "m"(empty_idt));
	__asm__ volatile("ud2");
}
